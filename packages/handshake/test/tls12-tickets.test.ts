/**
 * TLS 1.2 session tickets (RFC 5077): a NewSessionTicket before the server's
 * ChangeCipherSpec in a full handshake, then the abbreviated handshake that resumes with it
 * (the server's Finished first), and the fallbacks to a full handshake.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import { SealedTicketIssuer, seededRandom, type EndpointEvent, type Tls12Session } from '@tls13sim/handshake';
import { drive, Log12, pair12 } from './tls12-helpers.js';

const issuer = () => new SealedTicketIssuer(seededRandom('ticket keys'));

/** A full handshake that yields a ticket; returns the session and the server's issuer. */
function firstConnection(iss = issuer()) {
  const { client, server } = pair12({ tls12RequestTicket: true }, { tls12Tickets: { issuer: iss, lifetime: 600 } });
  const cl = new Log12(client);
  const sl = new Log12(server);
  client.start();
  drive(client, server);
  const nst = cl.pump().all.find((e): e is Extract<EndpointEvent, { type: 'new_session_ticket' }> => e.type === 'new_session_ticket');
  return { client, server, cl, sl, session: nst?.tls12Session, issuer: iss };
}

describe('RFC 5077 tickets', () => {
  it('a full handshake carries the NewSessionTicket after the client Finished and before the server ChangeCipherSpec', () => {
    const { client, server, sl, session } = firstConnection();
    expect([client.state, server.state, client.negotiated?.resumed]).toEqual(['CONNECTED', 'CONNECTED', false]);
    expect(sl.lines().filter((l) => l.startsWith('sent'))).toEqual([
      'sent plaintext server_hello,certificate,server_key_exchange,server_hello_done',
      'sent plaintext new_session_ticket',
      'sent plaintext change_cipher_spec',
      'sent tls12 finished',
    ]);
    expect(session?.suite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(session?.lifetimeHint).toBe(600);
    expect(session?.master.length).toBe(48);
  });

  it('resumes: ServerHello, NewSessionTicket, ChangeCipherSpec, Finished from the server first; no certificate, no key exchange', () => {
    const first = firstConnection();
    const { client, server } = pair12({ tls12Session: first.session! }, { tls12Tickets: { issuer: first.issuer } }, 'p256', 2);
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    drive(client, server);
    expect([client.state, server.state, client.negotiated?.resumed, server.negotiated?.resumed]).toEqual(['CONNECTED', 'CONNECTED', true, true]);
    expect(sl.lines()).toEqual([
      'recv plaintext client_hello',
      'sent plaintext server_hello,new_session_ticket',
      'sent plaintext change_cipher_spec',
      'keys write tls12 CLIENT_RANDOM',
      'finished_built',
      'sent tls12 finished',
      'state START>WAIT_CCS',
      'recv plaintext change_cipher_spec',
      'keys read tls12 CLIENT_RANDOM',
      'state WAIT_CCS>WAIT_FINISHED',
      'recv tls12 finished',
      'finished_verified',
      'handshake_complete',
      'state WAIT_FINISHED>CONNECTED',
    ]);
    expect(cl.lines().slice(2)).toEqual([
      'recv plaintext server_hello,new_session_ticket',
      'state WAIT_SH>WAIT_CCS',
      'new_session_ticket',
      'recv plaintext change_cipher_spec',
      'keys read tls12 CLIENT_RANDOM',
      'state WAIT_CCS>WAIT_FINISHED',
      'recv tls12 finished',
      'finished_verified',
      'sent plaintext change_cipher_spec',
      'keys write tls12 CLIENT_RANDOM',
      'finished_built',
      'sent tls12 finished',
      'handshake_complete',
      'state WAIT_FINISHED>CONNECTED',
    ]);
    client.write(utf8('again'));
    drive(client, server);
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('again');
    expect(client.exportKeyingMaterial('x', new Uint8Array(0), 16)).toEqual(server.exportKeyingMaterial('x', new Uint8Array(0), 16));
    // The same master secret, new randoms: new keys.
    expect(client.exportKeyingMaterial('x', new Uint8Array(0), 16)).not.toEqual(first.client.exportKeyingMaterial('x', new Uint8Array(0), 16));
  });

  it('falls back to a full handshake for a ticket the server cannot open, an expired one, or a suite no longer offered', () => {
    const first = firstConnection();
    const cases: [string, Parameters<typeof pair12>[0], Parameters<typeof pair12>[1]][] = [
      ['another issuer', { tls12Session: first.session! }, { tls12Tickets: { issuer: new SealedTicketIssuer(seededRandom('other keys')) } }],
      [
        'a corrupted ticket',
        { tls12Session: { ...first.session!, ticket: first.session!.ticket.map((b, i) => (i === 20 ? b ^ 1 : b)) } },
        { tls12Tickets: { issuer: first.issuer } },
      ],
      ['expired', { tls12Session: first.session! }, { tls12Tickets: { issuer: first.issuer } }],
      [
        'suite not offered',
        { tls12Session: first.session!, tls12CipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] },
        { tls12Tickets: { issuer: first.issuer } },
      ],
    ];
    for (const [name, c, s] of cases) {
      const { client, server } = pair12(c, s, 'p256', 3);
      client.start();
      if (name === 'expired') server.handleTimeout(601_000);
      drive(client, server);
      expect([name, client.state, server.state, client.negotiated?.resumed]).toEqual([name, 'CONNECTED', 'CONNECTED', false]);
    }
  });

  it('a server without tickets ignores the extension; a session offered to it gives a full handshake', () => {
    const first = firstConnection();
    const { client, server } = pair12({ tls12Session: first.session as Tls12Session }, {});
    const sl = new Log12(server);
    client.start();
    drive(client, server);
    expect([client.state, server.state, client.negotiated?.resumed]).toEqual(['CONNECTED', 'CONNECTED', false]);
    expect(sl.lines().some((l) => l.includes('new_session_ticket'))).toBe(false);
  });
});
