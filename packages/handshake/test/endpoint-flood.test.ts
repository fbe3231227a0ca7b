/**
 * Floods of records that carry nothing (issue 16 item 6): ignored warning alerts
 * (user_canceled), change_cipher_spec, zero-length application data, and records skipped as
 * rejected 0-RTT data that count no bytes. RFC 8446 sets no limit; without one a peer could
 * keep a connection busy for ever. The record layer allows DEFAULT_MAX_IGNORED_RECORDS (32)
 * such records in a row and answers the next with unexpected_message (§6.2: "An
 * inappropriate message ... was received"), as OpenSSL, BoringSSL and Go do. A record that
 * carries handshake data or application data starts the count again.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType, DEFAULT_MAX_IGNORED_RECORDS, encodePlaintextRecord, utf8 } from '@tls13sim/record';
import { SealedTicketIssuer, seededRandom, type Endpoint, type ResumptionSession } from '@tls13sim/handshake';
import { drive, events, expectFailed, makePair } from './endpoint-helpers.js';

const N = 32;
/** §6: a TLSPlaintext alert record, warning (1) user_canceled (90). */
const USER_CANCELED = encodePlaintextRecord(ContentType.alert, new Uint8Array([1, AlertDescription.user_canceled]));
/** §5: change_cipher_spec, the single byte 0x01. */
const CCS = encodePlaintextRecord(ContentType.change_cipher_spec, new Uint8Array([1]));

function repeat(record: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(record.length * n);
  for (let i = 0; i < n; i++) out.set(record, i * record.length);
  return out;
}

function takeAll(ep: Endpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = ep.pollTransmit(); r !== null; r = ep.pollTransmit()) out.push(r);
  return out;
}

/** The alert records `ep` sent, as [level, description] (plaintext records only). */
function plaintextAlerts(records: readonly Uint8Array[]): number[][] {
  return records.filter((r) => r[0] === ContentType.alert).map((r) => [r[5]!, r[6]!]);
}

function connected(): { client: Endpoint; server: Endpoint } {
  const pair = makePair({}, {}, 16);
  pair.client.start();
  drive(pair.client, pair.server);
  expect([pair.client.state, pair.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  return pair;
}

describe(`at most ${N} records in a row that carry nothing`, () => {
  it('is the number OpenSSL and BoringSSL allow for empty records', () => {
    expect(DEFAULT_MAX_IGNORED_RECORDS).toBe(N);
  });

  it(`a server takes ${N} plaintext user_canceled alerts before the ClientHello and answers the next with unexpected_message, in the clear`, () => {
    const { server } = makePair();
    server.start();
    for (let i = 0; i < N; i++) server.handleBytes(USER_CANCELED);
    expect(server.error).toBeUndefined();
    expect(events(server).filter((e) => e?.type === 'alert_received')).toHaveLength(N);
    server.handleBytes(USER_CANCELED);
    expectFailed(server, 'unexpected_message');
    expect(server.error!.message).toMatch(/more than 32 .* in a row/);
    expect(plaintextAlerts(takeAll(server))).toEqual([[2, AlertDescription.unexpected_message]]);
  });

  it('the same when the whole flood arrives in one read, and nothing after the limit is processed', () => {
    const { server } = makePair();
    server.start();
    server.handleBytes(repeat(USER_CANCELED, 10_000));
    expectFailed(server, 'unexpected_message');
    expect(events(server).filter((e) => e?.type === 'alert_received')).toHaveLength(N);
  });

  it('a handshake record starts the count again: alerts around the ClientHello do not stop the handshake', () => {
    const { client, server } = makePair({}, {}, 17);
    server.start();
    client.start();
    server.handleBytes(repeat(USER_CANCELED, N));
    for (const r of takeAll(client)) server.handleBytes(r);
    server.handleBytes(repeat(USER_CANCELED, N));
    drive(client, server);
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(server.error).toBeUndefined();
  });

  it(`a change_cipher_spec counts too: one CCS and ${N} user_canceled alerts after a ClientHello are one record too many`, () => {
    const { client, server } = makePair({}, {}, 18);
    client.start();
    for (const r of takeAll(client)) server.handleBytes(r);
    server.handleBytes(CCS);
    server.handleBytes(repeat(USER_CANCELED, N - 1));
    expect(server.error).toBeUndefined();
    server.handleBytes(USER_CANCELED);
    expectFailed(server, 'unexpected_message');
  });

  for (const [receiver, sender] of [
    ['server', 'client'],
    ['client', 'server'],
  ] as const) {
    it(`the ${receiver} takes ${N} empty application-data records (§5.1) and answers the next with unexpected_message under its application keys`, () => {
      const pair = connected();
      events(pair[receiver]);
      for (let i = 0; i < N; i++) pair[sender].write(new Uint8Array(0));
      drive(pair.client, pair.server);
      expect(pair[receiver].error).toBeUndefined();
      expect(pair[receiver].readApplicationData()).toBeNull();
      pair[sender].write(new Uint8Array(0));
      drive(pair.client, pair.server);
      expectFailed(pair[receiver], 'unexpected_message');
      const sent = events(pair[receiver]).filter((e) => e?.type === 'alert_sent');
      expect(sent).toEqual([{ type: 'alert_sent', level: 'fatal', description: 'unexpected_message', epoch: 'application' }]);
      expect(pair[sender].error?.alert).toBe('unexpected_message');
    });
  }

  it('application data starts the count again: empty records between data are fine however many there are', () => {
    const { client, server } = connected();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < N; i++) client.write(new Uint8Array(0));
      client.write(utf8(String(round)));
    }
    drive(client, server);
    expect(server.error).toBeUndefined();
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('0123');
  });

  describe('rejected 0-RTT (§4.2.10)', () => {
    /** A resumption ClientHello with early data, which the server rejects: it skips records that do not decrypt. */
    function rejecting(): { client: Endpoint; server: Endpoint } {
      const tickets = { count: 1, maxEarlyData: 1024, issuer: new SealedTicketIssuer(seededRandom('flood-ticket-keys')) };
      const first = makePair({}, { tickets }, 19);
      first.client.start(0);
      drive(first.client, first.server);
      const session = events(first.client).flatMap((e) => (e?.type === 'new_session_ticket' ? [e.session as ResumptionSession] : []))[0]!;
      const pair = makePair({ session, earlyData: utf8('early') }, { tickets, acceptEarlyData: false }, 20);
      pair.client.start(5);
      for (const r of takeAll(pair.client)) pair.server.handleBytes(r);
      expect(pair.server.error).toBeUndefined();
      return pair;
    }
    /** An application_data record of 17 bytes: the tag and content type of an empty record, so no early data bytes. */
    const SHORT = new Uint8Array([ContentType.application_data, 3, 3, 0, 17, ...new Uint8Array(17).fill(0xee)]);

    it(`the server skips ${N} records that count no early data bytes, then refuses the next with unexpected_message`, () => {
      const { server } = rejecting();
      server.handleBytes(repeat(SHORT, N));
      expect(server.error).toBeUndefined();
      server.handleBytes(SHORT);
      expectFailed(server, 'unexpected_message');
    });

    it(`and with ${N} of them before the client's real second flight, the handshake completes`, () => {
      const { client, server } = rejecting();
      server.handleBytes(repeat(SHORT, N));
      drive(client, server);
      expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    });
  });
});

describe('at most 32 KeyUpdates in a row without application data (a KeyUpdate flood)', () => {
  const feed = (from: Endpoint, to: Endpoint): void => {
    for (const r of takeAll(from)) to.handleBytes(r);
  };

  it('a server takes 32 KeyUpdates and answers the 33rd with unexpected_message', () => {
    const { client, server } = connected();
    for (let i = 0; i < 32; i++) {
      client.keyUpdate(false);
      feed(client, server);
    }
    expect(server.error).toBeUndefined();
    client.keyUpdate(false);
    feed(client, server);
    expectFailed(server, 'unexpected_message');
    expect(server.error!.message).toMatch(/more than 32 KeyUpdates in a row/);
  });

  it('application data between KeyUpdates starts the count again: 100 rekeys, each followed by data, are fine', () => {
    const { client, server } = connected();
    for (let i = 0; i < 100; i++) {
      // update_not_requested: the answers a requested update draws count on the requester's
      // side too, as BoringSSL's counter does.
      client.keyUpdate(false);
      client.write(utf8(`after rekey ${i}`));
      feed(client, server);
      feed(server, client);
    }
    expect([client.error, server.error]).toEqual([undefined, undefined]);
    const got: string[] = [];
    for (let d = server.readApplicationData(); d !== null && d.length > 0; d = server.readApplicationData()) got.push(new TextDecoder().decode(d));
    expect(got.join('')).toContain('after rekey 99');
  });
});
