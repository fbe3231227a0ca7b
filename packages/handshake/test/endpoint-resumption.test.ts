/** Issue 5: tickets, PSK resumption, 0-RTT, KeyUpdate, post-handshake auth, exporters. */
import { describe, expect, it } from 'vitest';
import { ContentType, nobleAead, protectRecord, utf8 } from '@tls13sim/record';
import {
  SealedTicketIssuer,
  TicketStore,
  encodeHandshake,
  nobleProvider,
  trafficKeys,
  seededRandom,
  type Endpoint,
  type EndpointConfig,
  type EndpointEvent,
  type ResumptionSession,
} from '@tls13sim/handshake';
import { drive, events, makePair, testPki } from './endpoint-helpers.js';

const text = (b: Uint8Array | null): string => (b === null ? '' : new TextDecoder().decode(b));

function sessionsOf(evs: (EndpointEvent | null)[]): ResumptionSession[] {
  return evs.flatMap((e) => (e?.type === 'new_session_ticket' && e.session ? [e.session] : []));
}

/** A full handshake with tickets; returns the client's sessions and the issuer (shared with later servers). */
function firstConnection(server: Partial<EndpointConfig> = {}, client: Partial<EndpointConfig> = {}) {
  const issuer = (server.tickets?.issuer as SealedTicketIssuer | TicketStore | undefined) ?? new SealedTicketIssuer(seededRandom('ticket-keys'));
  const tickets = { count: 2, maxEarlyData: 1024, ...server.tickets, issuer };
  const { client: c, server: s } = makePair(client, { ...server, tickets });
  c.start(0);
  drive(c, s);
  expect(c.state).toBe('CONNECTED');
  expect(s.state).toBe('CONNECTED');
  return { sessions: sessionsOf(events(c)), issuer, tickets, serverEvents: events(s) };
}

function stateNames(e: Endpoint): string[] {
  return events(e).flatMap((ev) => (ev?.type === 'state' ? [ev.to] : []));
}

describe('NewSessionTicket', () => {
  it('sends the configured number of tickets after the client Finished by default', () => {
    const { sessions, serverEvents } = firstConnection();
    expect(sessions).toHaveLength(2);
    const complete = serverEvents.findIndex((e) => e?.type === 'handshake_complete');
    const ticketRecords = serverEvents.findIndex((e) => e?.type === 'record_sent' && e.record.messages.includes('new_session_ticket'));
    expect(ticketRecords).toBeGreaterThan(complete);
    expect(sessions[0]!.maxEarlyData).toBe(1024);
    expect(sessions[0]!.psk).not.toEqual(sessions[1]!.psk);
  });

  it('can send tickets right after the server Finished, before the client Finished arrives', () => {
    const { sessions, serverEvents, tickets } = firstConnection({
      tickets: { timing: 'after_server_finished', issuer: new SealedTicketIssuer(seededRandom(3)) },
    });
    expect(sessions).toHaveLength(2);
    const ticketSent = serverEvents.findIndex((e) => e?.type === 'record_sent' && e.record.messages.includes('new_session_ticket'));
    const clientFinished = serverEvents.findIndex((e) => e?.type === 'record_received' && e.record.messages.includes('finished'));
    expect(ticketSent).toBeGreaterThanOrEqual(0);
    expect(ticketSent).toBeLessThan(clientFinished);
    // The resumption secret was computed from the predicted client Finished: the ticket must resume.
    const { client, server } = makePair({ session: sessions[1]! }, { tickets }, 2);
    client.start(0);
    drive(client, server);
    expect(client.negotiated!.resumed).toBe(true);
    expect(server.state).toBe('CONNECTED');
  });
});

describe('PSK resumption', () => {
  it('resumes from a ticket with psk_dhe_ke, without certificates', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]! }, { tickets }, 2);
    client.start(1000);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
    expect(client.negotiated!.resumed).toBe(true);
    expect(server.negotiated!.resumed).toBe(true);
    expect(client.negotiated!.group).toBe('x25519');
    const sent = events(server).flatMap((e) => (e?.type === 'record_sent' ? e.record.messages : []));
    expect(sent).not.toContain('certificate');
    expect(sent).not.toContain('certificate_verify');
  });

  it('resumes from a ticket with psk_ke: no key exchange at all', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]!, pskModes: ['psk_ke'] }, { tickets, pskModes: ['psk_ke'] }, 3);
    client.start(0);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(client.negotiated!.group).toBeNull();
    expect(server.negotiated!.resumed).toBe(true);
    client.write(utf8('over psk_ke'));
    drive(client, server);
    expect(text(server.readApplicationData())).toBe('over psk_ke');
  });

  it('connects with an external PSK in both modes', () => {
    const psk = { identity: utf8('client-1'), key: new Uint8Array(32).fill(7), hash: 'sha256' as const };
    for (const mode of ['psk_dhe_ke', 'psk_ke'] as const) {
      const { client, server } = makePair({ externalPsk: psk, pskModes: [mode] }, { externalPsks: [psk], pskModes: [mode] }, 4);
      client.start();
      drive(client, server);
      expect(client.state).toBe('CONNECTED');
      expect(server.negotiated!.resumed).toBe(true);
      expect(client.negotiated!.group).toBe(mode === 'psk_ke' ? null : 'x25519');
      expect(client.exportKeyingMaterial('EXPORTER-test', utf8('ctx'), 32)).toEqual(server.exportKeyingMaterial('EXPORTER-test', utf8('ctx'), 32));
    }
  });

  it('rejects a bad binder with decrypt_error', () => {
    const psk = { identity: utf8('client-1'), key: new Uint8Array(32).fill(7), hash: 'sha256' as const };
    const { client, server } = makePair({ externalPsk: { ...psk, key: new Uint8Array(32).fill(8) } }, { externalPsks: [psk] }, 5);
    client.start();
    drive(client, server);
    expect(server.error?.alert).toBe('decrypt_error');
    expect(client.error?.alert).toBe('decrypt_error');
  });

  it('falls back to a full handshake for an expired ticket', () => {
    const { sessions, tickets } = firstConnection({ tickets: { lifetime: 60, issuer: new SealedTicketIssuer(seededRandom(6)) } });
    const { client, server } = makePair({ session: sessions[0]! }, { tickets }, 6);
    server.handleTimeout(61_000);
    client.start(61_000);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(client.negotiated!.resumed).toBe(false);
  });

  it('refuses a replayed single-use ticket and does a full handshake instead', () => {
    const issuer = new TicketStore({ singleUse: true });
    const { sessions, tickets } = firstConnection({ tickets: { issuer } });
    const first = makePair({ session: sessions[0]! }, { tickets }, 7);
    first.client.start(10);
    drive(first.client, first.server);
    expect(first.client.negotiated!.resumed).toBe(true);
    const replay = makePair({ session: sessions[0]! }, { tickets }, 8);
    replay.client.start(20);
    drive(replay.client, replay.server);
    expect(replay.client.state).toBe('CONNECTED');
    expect(replay.client.negotiated!.resumed).toBe(false);
  });

  it('resumes after a HelloRetryRequest with the binder recomputed', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]! }, { tickets, groups: ['secp256r1'] }, 9);
    client.start(0);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(client.negotiated!.helloRetry).toBe(true);
    expect(client.negotiated!.resumed).toBe(true);
  });
});

describe('0-RTT', () => {
  it('delivers early data the server accepts, then EndOfEarlyData', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]!, earlyData: utf8('early hello') }, { tickets }, 10);
    client.start(5);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
    expect(text(server.readApplicationData())).toBe('early hello');
    const ce = events(client);
    expect(ce.find((e) => e?.type === 'early_data')).toEqual({ type: 'early_data', accepted: true });
    expect(ce.some((e) => e?.type === 'record_sent' && e.record.epoch === 'early' && e.record.messages.includes('end_of_early_data'))).toBe(true);
    expect(stateNames(server)).toContain('WAIT_EOED');
  });

  it('skips rejected early data and tells the client so in EncryptedExtensions', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]!, earlyData: utf8('early hello') }, { tickets, acceptEarlyData: false }, 11);
    client.start(5);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
    expect(server.readApplicationData()).toBeNull();
    expect(events(client).find((e) => e?.type === 'early_data')).toEqual({ type: 'early_data', accepted: false });
    expect(client.negotiated!.resumed).toBe(true);
  });

  it('loses early data sent before a HelloRetryRequest', () => {
    const { sessions, tickets } = firstConnection();
    const { client, server } = makePair({ session: sessions[0]!, earlyData: utf8('lost') }, { tickets, groups: ['secp256r1'] }, 12);
    client.start(5);
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(server.readApplicationData()).toBeNull();
    expect(events(client).find((e) => e?.type === 'early_data')).toEqual({ type: 'early_data', accepted: false });
  });
});

describe('KeyUpdate', () => {
  it('updates both directions when one side requests it, resetting sequence numbers', () => {
    const { client, server } = makePair();
    client.start();
    drive(client, server);
    client.keyUpdate(true);
    drive(client, server);
    expect(client.writeEpoch).toBe('application+1');
    expect(server.readEpoch).toBe('application+1');
    expect(server.writeEpoch).toBe('application+1');
    expect(client.readEpoch).toBe('application+1');
    client.write(utf8('after'));
    server.write(utf8('update'));
    drive(client, server);
    expect(text(server.readApplicationData())).toBe('after');
    expect(text(client.readApplicationData())).toBe('update');
  });

  it('handles KeyUpdates that cross in flight', () => {
    const { client, server } = makePair();
    client.start();
    drive(client, server);
    client.keyUpdate(true);
    server.keyUpdate(true);
    drive(client, server);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
    expect(client.trafficSecrets!.write).toEqual(server.trafficSecrets!.read);
    expect(server.trafficSecrets!.write).toEqual(client.trafficSecrets!.read);
    expect(client.writeEpoch).toBe('application+2');
  });

  it('updates only one direction without update_requested', () => {
    const { client, server } = makePair();
    client.start();
    drive(client, server);
    client.keyUpdate(false);
    drive(client, server);
    expect(client.writeEpoch).toBe('application+1');
    expect(server.writeEpoch).toBe('application');
  });

  it('sends a KeyUpdate by itself before the write key reaches its usage limit', () => {
    const limit = { maxRecords: 10n, updateAt: 3n };
    const { client, server } = makePair({ keyLimits: { aes128gcm: limit } }, { keyLimits: { aes128gcm: limit } });
    client.start();
    drive(client, server);
    for (let i = 0; i < 8; i++) client.write(utf8(`m${i}`));
    drive(client, server);
    expect(client.error).toBeUndefined();
    expect(client.writeEpoch).not.toBe('application');
    expect(text(server.readApplicationData())).toBe('m0m1m2m3m4m5m6m7');
  });
});

describe('post-handshake authentication', () => {
  function phaPair(client: Partial<EndpointConfig>, server: Partial<EndpointConfig>) {
    const { client: c, server: s } = makePair({ postHandshakeAuth: true, certificate: testPki('ed25519', 'client.test').leaf, ...client }, server, 13);
    c.start();
    drive(c, s);
    events(c);
    events(s);
    return { c, s };
  }

  it('authenticates the client after the handshake', () => {
    const { c, s } = phaPair({}, {});
    s.requestClientAuth();
    drive(c, s);
    expect(events(s).find((e) => e?.type === 'post_handshake_auth' && e.stage === 'authenticated')).toBeDefined();
    expect(s.peerCertificates).toHaveLength(1);
    expect(c.error).toBeUndefined();
  });

  it('delivers a rejection that the client sees only on a later read', () => {
    const { c, s } = phaPair({}, { clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) });
    s.requestClientAuth();
    // The client answers the request as soon as it arrives...
    const cr = s.pollTransmit()!;
    c.handleBytes(cr);
    expect(c.error).toBeUndefined();
    // ...and the server's verdict comes back later.
    for (let r = c.pollTransmit(); r !== null; r = c.pollTransmit()) s.handleBytes(r);
    expect(s.error?.alert).toBe('access_denied');
    expect(c.readApplicationData()).toBeNull();
    for (let r = s.pollTransmit(); r !== null; r = s.pollTransmit()) c.handleBytes(r);
    expect(() => c.readApplicationData()).toThrow(/access_denied/);
  });

  it('refuses a CertificateRequest when post_handshake_auth was not offered', () => {
    const { c, s } = phaPair({ postHandshakeAuth: false }, {});
    expect(() => s.requestClientAuth()).toThrow(/post_handshake_auth/);
    void c;
  });

  it('answers unexpected_message to a post-handshake CertificateRequest without the extension', () => {
    const { client, server } = makePair();
    client.start();
    const serverLog: EndpointEvent[] = [];
    for (let i = 0; i < 10; i++) {
      for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit()) server.handleBytes(r);
      for (let r = server.pollTransmit(); r !== null; r = server.pollTransmit()) client.handleBytes(r);
    }
    for (let e = server.pollEvent(); e !== null; e = server.pollEvent()) serverLog.push(e);
    const appKeys = serverLog.find((e) => e.type === 'keys_installed' && e.direction === 'write' && e.epoch === 'application');
    if (appKeys?.type !== 'keys_installed' || !appKeys.keylog) throw new Error('no server application keys');
    const suite = server.negotiated!.suite;
    const { key, iv } = trafficKeys(nobleProvider, suite, appKeys.keylog.secret);
    const cr = encodeHandshake({
      type: 'certificate_request',
      certificateRequestContext: utf8('ctx'),
      extensions: [{ type: 'signature_algorithms', schemes: [0x0807] }],
    });
    // The server sent nothing under its application keys yet: this is record 0 of that epoch.
    client.handleBytes(protectRecord({ aead: nobleAead(suite.aead), key, iv }, 0n, ContentType.handshake, cr));
    expect(client.error?.alert).toBe('unexpected_message');
  });

  it('keeps working when a KeyUpdate crosses a post-handshake authentication', () => {
    const { c, s } = phaPair({}, {});
    s.requestClientAuth();
    c.keyUpdate(true);
    drive(c, s);
    expect(c.error).toBeUndefined();
    expect(s.error).toBeUndefined();
    expect(events(s).some((e) => e?.type === 'post_handshake_auth' && e.stage === 'authenticated')).toBe(true);
    c.write(utf8('still here'));
    drive(c, s);
    expect(text(s.readApplicationData())).toBe('still here');
  });
});

describe('exporters', () => {
  it('give equal values on both sides, and differ by label and context', () => {
    const { client, server } = makePair();
    client.start();
    drive(client, server);
    const a = client.exportKeyingMaterial('EXPORTER-a', utf8(''), 32);
    expect(a).toEqual(server.exportKeyingMaterial('EXPORTER-a', utf8(''), 32));
    expect(a).not.toEqual(client.exportKeyingMaterial('EXPORTER-b', utf8(''), 32));
    expect(a).not.toEqual(client.exportKeyingMaterial('EXPORTER-a', utf8('x'), 32));
  });
});

describe('close_notify during the handshake', () => {
  it('sends nothing after close_notify, not even the Finished the handshake still builds (§6.1)', () => {
    const { client, server } = makePair();
    client.start();
    for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit()) server.handleBytes(r);
    client.close();
    const closeNotify = client.pollTransmit();
    expect(closeNotify).not.toBeNull();
    for (let r = server.pollTransmit(); r !== null; r = server.pollTransmit()) client.handleBytes(r);
    expect(client.pollTransmit()).toBeNull();
    const notes = events(client).flatMap((e) => (e?.type === 'note' ? [e.text] : []));
    expect(notes.some((t) => t.includes('finished'))).toBe(true);
    expect(() => client.write(utf8('x'))).toThrow(/close_notify/);
  });
});
