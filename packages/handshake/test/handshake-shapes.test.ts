/**
 * Every handshake shape of HANDSHAKE_SHAPES (endpoint/shapes.ts), driven through real
 * endpoints: what each side enters, sends and receives must be the shape's data, and every
 * TLS 1.3 move must be an edge of RFC 8446 Appendix A.
 *
 * How a received message is placed: the endpoint reports the messages of a record as it
 * arrives (record_received) and then applies one transition per message, so the test wraps
 * the endpoint's private `emit` and `apply` to see each transition start. A test-only
 * seam: if those methods are renamed, this test fails loudly (it finds no transitions).
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import {
  APPENDIX_A1_CLIENT,
  APPENDIX_A2_SERVER,
  HANDSHAKE_SHAPES,
  SealedTicketIssuer,
  seededRandom,
  stateMessagePairs,
  type AppendixServerState,
  type ClientStateName,
  type EndpointEvent,
  type ResumptionSession,
  type ServerStateName,
  type ShapeStep,
  type TlsEndpoint,
  type Tls12Session,
} from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';
import { clientPki as clientPki12, pair12 } from './tls12-helpers.js';

interface Seen {
  readonly steps: ShapeStep[];
  /** The states passed through (`via` actions), as the transitions carry them. */
  readonly vias: { readonly kind: string }[];
  readonly events: EndpointEvent[];
}

interface Internals {
  st: { kind: string };
  emit(ev: EndpointEvent): void;
  apply(step: { actions: readonly { kind: string; state?: { kind: string } }[] }, rest?: number): void;
}

/** Wraps `ep`'s emit and apply (see the module comment) to record its sequence. */
function observe(ep: TlsEndpoint, countCcs: boolean): Seen {
  const seen: Seen = { steps: [], vias: [], events: [] };
  const target = ep as unknown as Internals;
  const pending: string[] = [];
  let depth = 0;
  const emit = target.emit.bind(target);
  target.emit = (ev) => {
    seen.events.push(ev);
    if (ev.type === 'state') seen.steps.push(`→ ${ev.to}`);
    if (ev.type === 'record_sent' || ev.type === 'record_received') {
      const ccs = ev.record.outerType === 'change_cipher_spec';
      const names = ccs ? (countCcs ? ['change_cipher_spec'] : []) : ev.record.messages;
      if (ev.type === 'record_sent') for (const m of names) seen.steps.push(`> ${m}`);
      else pending.push(...names);
    }
    emit(ev);
  };
  const apply = target.apply.bind(target);
  target.apply = (step, rest) => {
    // One transition per received message; a nested apply is not one.
    if (depth === 0 && pending.length > 0) seen.steps.push(`< ${pending.shift()!}`);
    for (const a of step.actions) if (a.kind === 'via' && a.state !== undefined) seen.vias.push(a.state);
    depth++;
    try {
      // `rest` (the 1.3 driver's count of messages left in the record, §5.1) passes through.
      apply(step, rest);
    } finally {
      depth--;
    }
  };
  return seen;
}

function run(client: TlsEndpoint, server: TlsEndpoint, countCcs = false): { client: Seen; server: Seen } {
  const seen = { client: observe(client, countCcs), server: observe(server, countCcs) };
  client.start(0);
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit(), moved = true) server.handleBytes(r, 0);
    for (let r = server.pollTransmit(); r !== null; r = server.pollTransmit(), moved = true) client.handleBytes(r, 0);
    if (!moved) break;
  }
  expect([client.state, server.state, client.error, server.error]).toEqual(['CONNECTED', 'CONNECTED', undefined, undefined]);
  return seen;
}

const tickets = { count: 1, maxEarlyData: 1024, issuer: new SealedTicketIssuer(seededRandom('shapes:tickets')) };
const tickets12 = { issuer: new SealedTicketIssuer(seededRandom('shapes:tickets12')), lifetime: 600 };

function resumptionSession(): ResumptionSession {
  const { client, server } = makePair({}, { tickets }, 40);
  const seen = run(client, server);
  const nst = seen.client.events.find((e) => e.type === 'new_session_ticket');
  return nst?.type === 'new_session_ticket' ? nst.session! : expect.unreachable('no ticket');
}

function tls12Session(): Tls12Session {
  const { client, server } = pair12({ tls12RequestTicket: true }, { tls12Tickets: tickets12 }, 'p256', 40);
  const seen = run(client, server, true);
  const nst = seen.client.events.find((e) => e.type === 'new_session_ticket');
  return nst?.type === 'new_session_ticket' ? nst.tls12Session! : expect.unreachable('no TLS 1.2 ticket');
}

const clientPki = testPki('ed25519', 'client.test');

/** How each shape is brought about. */
const SETUPS: Record<string, () => { client: Seen; server: Seen }> = {
  full: () => run(...pairOf(makePair({}, {}, 41))),
  'hello-retry': () => run(...pairOf(makePair({ groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] }, { groups: ['x25519'] }, 42))),
  psk: () => run(...pairOf(makePair({ session: resumptionSession() }, { tickets }, 43))),
  'psk-0rtt': () => run(...pairOf(makePair({ session: resumptionSession(), earlyData: utf8('early') }, { tickets }, 44))),
  'client-auth': () => run(...pairOf(makePair({ certificate: clientPki.leaf }, { clientAuth: 'require', trustAnchors: [clientPki.ca] }, 45))),
  'tls12-full': () => run(...pairOf(pair12({}, {}, 'p256', 46)), true),
  'tls12-client-auth': () => run(...pairOf(pair12({ certificate: clientPki12.leaf }, { clientAuth: 'require' }, 'p256', 47)), true),
  'tls12-resumed-ticket': () => run(...pairOf(pair12({ tls12Session: tls12Session() }, { tls12Tickets: tickets12 }, 'p256', 48)), true),
};

function pairOf(p: { client: TlsEndpoint; server: TlsEndpoint }): [TlsEndpoint, TlsEndpoint] {
  return [p.client, p.server];
}

describe('the handshake shapes, driven through real endpoints', () => {
  it('has a setup for every shape and a shape for every setup', () => {
    expect(HANDSHAKE_SHAPES.map((s) => s.name).sort()).toEqual(Object.keys(SETUPS).sort());
  });

  for (const shape of HANDSHAKE_SHAPES) {
    it(`${shape.name} (${shape.rfc}): each side's states and messages are the shape's`, () => {
      const seen = SETUPS[shape.name]!();
      expect(seen.client.steps).toEqual(shape.client);
      expect(seen.server.steps).toEqual(shape.server);
      expect(stateMessagePairs(seen.client.steps)).toEqual(stateMessagePairs(shape.client));
    });
  }

  it('the pass-through states are typed values holding what is known there', () => {
    const seen = SETUPS['client-auth']!();
    const vias = seen.server.vias as AppendixServerState[];
    expect(vias.map((v) => v.kind)).toEqual(['RECVD_CH', 'NEGOTIATED', 'WAIT_FLIGHT2']);
    const [recvd, negotiated, flight2] = vias;
    expect(recvd?.kind === 'RECVD_CH' && recvd.clientHello.type).toBe('client_hello');
    expect(negotiated?.kind === 'NEGOTIATED' && [negotiated.suite, negotiated.resumed]).toEqual(['TLS_AES_128_GCM_SHA256', false]);
    expect(flight2?.kind === 'WAIT_FLIGHT2' && flight2.keys.negotiated.suite.name).toBe('TLS_AES_128_GCM_SHA256');
    expect(SETUPS['hello-retry']!().client.vias.map((v) => v.kind)).toEqual(['START']);
  });
});

describe('the TLS 1.3 shapes follow RFC 8446 Appendix A', () => {
  const edges = { client: APPENDIX_A1_CLIENT, server: APPENDIX_A2_SERVER };
  for (const shape of HANDSHAKE_SHAPES.filter((s) => s.version === 'TLSv1.3')) {
    it(`${shape.name}: every move is an Appendix A edge`, () => {
      for (const side of ['client', 'server'] as const) {
        const path = ['START', ...shape[side].filter((s) => s.startsWith('→')).map((s) => s.slice(2))];
        const moves = path.slice(1).map((to, i) => `${path[i]} → ${to}`);
        const allowed = new Set(edges[side].map(([from, to]) => `${from} → ${to}`));
        expect(
          moves.filter((m) => !allowed.has(m)),
          side,
        ).toEqual([]);
      }
    });
  }

  it('together the shapes visit every Appendix A state of both sides', () => {
    const visited = (side: 'client' | 'server') =>
      new Set(
        HANDSHAKE_SHAPES.filter((s) => s.version === 'TLSv1.3').flatMap((s) => ['START', ...s[side].filter((x) => x.startsWith('→')).map((x) => x.slice(2))]),
      );
    const client: ClientStateName[] = ['START', 'WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED'];
    const server: ServerStateName[] = ['START', 'RECVD_CH', 'NEGOTIATED', 'WAIT_EOED', 'WAIT_FLIGHT2', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED'];
    expect([...visited('client')].sort()).toEqual([...client].sort());
    expect([...visited('server')].sort()).toEqual([...server].sort());
    // Every server state name is a state type: a resting one or one passed through.
    const everyKind: Record<Exclude<ServerStateName, 'CLOSED'>, AppendixServerState['kind']> = {
      START: 'START',
      RECVD_CH: 'RECVD_CH',
      NEGOTIATED: 'NEGOTIATED',
      WAIT_EOED: 'WAIT_EOED',
      WAIT_FLIGHT2: 'WAIT_FLIGHT2',
      WAIT_CERT: 'WAIT_CERT',
      WAIT_CV: 'WAIT_CV',
      WAIT_FINISHED: 'WAIT_FINISHED',
      CONNECTED: 'CONNECTED',
    };
    expect(Object.keys(everyKind).sort()).toEqual(server.sort());
  });
});
