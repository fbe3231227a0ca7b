/**
 * Every (state, handshake message type) pair of both endpoints (RFC 8446 Appendix A): a real
 * handshake is stopped in the state, a message of the type is sealed under the keys the
 * endpoint reads with at that moment, and the endpoint must answer with exactly
 * unexpected_message (§4: "a peer which receives a handshake message in an unexpected order
 * MUST abort the handshake with an "unexpected_message" alert").
 *
 * Not reachable as a resting state, hence not in the table: server RECVD_CH, NEGOTIATED and
 * WAIT_FLIGHT2 (passed through while handling one ClientHello). WAIT_EOED is reached by a
 * resumption whose 0-RTT data the server accepted; its messages arrive under the early keys.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType, utf8 } from '@tls13sim/record';
import { cipherSuiteParams, SealedTicketIssuer, seededRandom, type ResumptionSession, type StateName } from '@tls13sim/handshake';
import { drive, makePair, testPki } from './endpoint-helpers.js';
import { Link, sampleWireMessages } from './endpoint-inject.js';

type Role = 'client' | 'server';

const SUITE = { cipherSuites: ['TLS_AES_128_GCM_SHA256' as const] };

/** Builds a link and drives it until `role` rests in `state`. */
const REACH: Record<Role, Partial<Record<StateName, () => Link>>> = {
  client: {
    START: () => {
      const { client, server } = makePair(SUITE);
      return new Link(client, server);
    },
    WAIT_SH: () => {
      const l = REACH.client.START!();
      l.client.start();
      l.c2s.pull();
      return l;
    },
    WAIT_EE: () => serverFlightUpTo('server_hello', 'none'),
    WAIT_CERT_CR: () => serverFlightUpTo('encrypted_extensions', 'none'),
    WAIT_CERT: () => serverFlightUpTo('certificate_request', 'request'),
    WAIT_CV: () => serverFlightUpTo('certificate', 'none'),
    WAIT_FINISHED: () => serverFlightUpTo('certificate_verify', 'none'),
    CONNECTED: () => {
      const l = serverFlightUpTo('finished', 'none');
      l.run();
      return l;
    },
  },
  server: {
    START: () => REACH.client.START!(),
    WAIT_EOED: () => {
      const issuer = new SealedTicketIssuer(seededRandom('state-table-tickets'));
      const tickets = { count: 1, maxEarlyData: 1024, issuer };
      const first = makePair(SUITE, { tickets });
      const firstLog = new Link(first.client, first.server).clientLog;
      first.client.start(0);
      drive(first.client, first.server);
      const session = firstLog.of('new_session_ticket')[0]!.session as ResumptionSession;
      const { client, server } = makePair({ ...SUITE, session, earlyData: utf8('early') }, { tickets });
      const l = new Link(client, server);
      l.c2s.suiteHint = cipherSuiteParams('TLS_AES_128_GCM_SHA256');
      client.start(0);
      l.c2s.deliverAll();
      return l;
    },
    WAIT_CERT: () => clientFlightUpTo(null),
    WAIT_CV: () => clientFlightUpTo('certificate'),
    WAIT_FINISHED: () => {
      const l = serverFlightUpTo('finished', 'none');
      l.c2s.pull();
      return l;
    },
    CONNECTED: () => {
      const l = serverFlightUpTo('finished', 'none');
      l.run();
      return l;
    },
  },
};

/** Client started, ClientHello delivered, the server's flight delivered message by message through `last`. */
function serverFlightUpTo(last: string, clientAuth: 'none' | 'request'): Link {
  const { client, server } = makePair({ ...SUITE, certificate: testPki('ed25519', 'client.test').leaf }, { clientAuth });
  const l = new Link(client, server);
  client.start();
  l.c2s.deliverAll();
  l.s2c.pull();
  for (;;) {
    const u = l.s2c.deliverOne();
    if (u.name === last) return l;
  }
}

/** Server requested a certificate; the client's whole flight is pulled, delivered through `last` (null: nothing). */
function clientFlightUpTo(last: string | null): Link {
  const l = serverFlightUpTo('finished', 'request');
  l.c2s.pull();
  if (last === null) return l;
  for (;;) {
    const u = l.c2s.deliverOne();
    if (u.name === last) return l;
  }
}

/** The pairs that are not out of order (they lead on in Appendix A, or are §4.6 post-handshake messages). */
const VALID: Record<Role, Partial<Record<StateName, readonly string[]>>> = {
  client: {
    WAIT_SH: ['server_hello', 'hello_retry_request'],
    WAIT_EE: ['encrypted_extensions'],
    WAIT_CERT_CR: ['certificate_request', 'certificate'],
    WAIT_CERT: ['certificate'],
    WAIT_CV: ['certificate_verify'],
    WAIT_FINISHED: ['finished'],
    CONNECTED: ['new_session_ticket', 'key_update'],
  },
  server: {
    START: ['client_hello'],
    WAIT_EOED: ['end_of_early_data'],
    WAIT_CERT: ['certificate'],
    WAIT_CV: ['certificate_verify'],
    WAIT_FINISHED: ['finished'],
    CONNECTED: ['key_update'],
  },
};

const MESSAGES = sampleWireMessages();

/**
 * The keys an alert goes out under (Appendix A.1 note): the client rekeys to its handshake
 * keys once it has them; the server has sent its Finished and writes with its application
 * keys from then on.
 */
const ALERT_EPOCH: Record<Role, (s: StateName) => string> = {
  client: (s) => (s === 'START' || s === 'WAIT_SH' ? 'plaintext' : s === 'CONNECTED' ? 'application' : 'handshake'),
  server: (s) => (s === 'START' ? 'plaintext' : 'application'),
};

for (const role of ['client', 'server'] as const) {
  describe(`${role}: every handshake message out of order gets unexpected_message`, () => {
    for (const [state, reach] of Object.entries(REACH[role]) as [StateName, () => Link][]) {
      it(`${role} rests in ${state} before the injection`, () => {
        const l = reach();
        expect(l.endpoint(role).state).toBe(state);
        expect(l.endpoint(role).error).toBeUndefined();
      });
      const base = reach();
      for (const [name, wire] of Object.entries(MESSAGES)) {
        if (VALID[role][state]?.includes(name)) continue;
        it(`${role} in ${state} answers ${name} with unexpected_message`, () => {
          const l = base.fork();
          const ep = l.endpoint(role);
          l.towards(role).inject(ContentType.handshake, wire);
          expect(ep.error?.alert).toBe('unexpected_message');
          expect(ep.state).toBe('CLOSED');
          const sent = l.log(role).of('alert_sent');
          expect(sent.map((a) => [a.level, a.description, a.epoch])).toEqual([['fatal', 'unexpected_message', ALERT_EPOCH[role](state)]]);
          // The alert went out as a record the peer can read (Appendix A note: under the keys in force).
          const units = (role === 'client' ? l.c2s : l.s2c).pull().filter((u) => u.contentType === ContentType.alert);
          expect(units.map((u) => [...u.content])).toEqual([[2, AlertDescription.unexpected_message]]);
        });
      }
    }
  });
}

describe('the table covers every reachable resting state', () => {
  it('lists all client states of Appendix A.1 and the server states of A.2 that can be waited in', () => {
    expect(Object.keys(REACH.client).sort()).toEqual(
      ['START', 'WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED'].sort(),
    );
    expect(Object.keys(REACH.server).sort()).toEqual(['START', 'WAIT_EOED', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED'].sort());
  });
  it('from WAIT_EOED the relay completes the resumed 0-RTT handshake (the valid path)', () => {
    const l = REACH.server.WAIT_EOED!();
    expect(l.server.readEpoch).toBe('early');
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(l.server.readApplicationData()).toEqual(utf8('early'));
    expect(l.serverLog.states()).toContain('WAIT_EOED');
  });
  it('injects all eleven RFC 8446 handshake types plus message_hash and an unassigned type', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(
      [
        'client_hello',
        'server_hello',
        'hello_retry_request',
        'new_session_ticket',
        'end_of_early_data',
        'encrypted_extensions',
        'certificate',
        'certificate_request',
        'certificate_verify',
        'finished',
        'key_update',
        'message_hash',
        'unassigned_99',
      ].sort(),
    );
  });
});
