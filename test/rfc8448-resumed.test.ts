/**
 * Issue 5, first "Done when": RFC 8448 §4 (resumed 0-RTT handshake) reproduced byte for
 * byte through both endpoints — the ClientHello with its PSK binder, the 0-RTT application
 * data and EndOfEarlyData under the client's early traffic keys, the server's flight with
 * early_data accepted, every record after them — with every secret §4 prints.
 *
 * The session is not pasted in: the §3 connection runs first (as in rfc8448-endpoint.test.ts),
 * the client keeps the session its NewSessionTicket gives, and the §4 server opens the
 * ticket with the same issuer that issued it. Both connections are configured as the
 * rfc8448-resumed-0rtt scenario configures them (packages/sim/src/scenarios/rfc8448/
 * endpoints.ts and nss.ts), fed here with the RFC's values read from the project's vectors.
 *
 * What is injected, and why:
 * - randomness, through `scriptedRandom`, in the order the endpoints draw it. §4 client: key
 *   share private key, ClientHello.random. §4 server: key share private key,
 *   ServerHello.random (a PSK handshake signs nothing, so no salt).
 * - time: the client's obfuscated_ticket_age is (now - receivedAt) + ticket_age_add (RFC
 *   8446 §4.2.11.1). The RFC's §4 ClientHello carries 0xfad6aacb and the §3 ticket's
 *   ticket_age_add is 0xfad6aac5, so the RFC client resumed 6 ms after receiving the ticket;
 *   both §4 endpoints run at that instant on the clock the §3 connection ran on.
 * - NSS's byte choices, through `hooks`: its ClientHello extension order with early_data
 *   after key_share, renegotiation_info, its supported_groups and signature_algorithms, and
 *   RFC 7685 padding to 512 bytes before pre_shared_key (which §4.2.11 requires last); the
 *   server's ServerHello with pre_shared_key first; its EncryptedExtensions order.
 *
 * Not observable through the endpoint API, so checked through the key schedule instead: the
 * early exporter master secret (there is no early exporter interface; RFC 8446 §7.5 only
 * RECOMMENDS one) — derived from the session's PSK over the ClientHello the client sent.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, nobleAead, toHex, unprotectRecord } from '@tls13sim/record';
import {
  CIPHER_SUITE_PARAMS,
  EarlySecret,
  decodeHandshake,
  exportKeyingMaterial,
  nobleProvider,
  resumptionPsk,
  trafficKeys,
  type EndpointEvent,
  type ResumptionSession,
  type TicketIssuer,
} from '@tls13sim/handshake';
import { RFC8448_RESUMED_CLIENT_HELLO_PREFIX } from './vectors/rfc8448-messages.js';
import { RFC8448_RESUMED_KEYS, RFC8448_RESUMED_RECORDS } from './vectors/rfc8448-records-resumed.js';
import { RFC8448_RESUMED_0RTT } from '../packages/handshake/test/vectors/rfc8448-secrets.js';
import { APPLICATION_DATA, EARLY_DATA, resumedConfigs, rfcTicketIssuer, simpleConfigs } from '../packages/sim/src/scenarios/rfc8448/endpoints.js';
import { own } from '../packages/sim/src/scenarios/rfc8448/nss.js';
import { installedSecrets, pump, recordsOf, rfcField, rfcMessage, serverRandom, simpleInputs, startRun, x25519Key, type Run } from './rfc8448-harness.js';

// --- RFC values --------------------------------------------------------------------------

/** A §4 secret as printed by `side` ("expanded" of its derive-secret step). */
const resumedSecret = (side: 'client' | 'server', label: string): string =>
  toHex(rfcField(RFC8448_RESUMED_0RTT, side, `derive secret "tls13 ${label}":`, 'expanded'));

const SECTION3_NST = rfcMessage('simple_1rtt', 'server', 'new_session_ticket', 'new_session_ticket');
const RESUMED_CH = rfcMessage('resumed_0rtt', 'client', 'client_hello', 'client_hello');
const RESUMED_PSK = (() => {
  const e = RESUMED_CH.extensions.find((x) => x.type === 'pre_shared_key');
  if (e === undefined || e.type !== 'pre_shared_key') throw new Error('the §4 ClientHello has no pre_shared_key');
  return e;
})();

/** §4.2.11.1: the RFC client's ticket age, recovered from its obfuscated_ticket_age and the §3 ticket_age_add. */
const TICKET_AGE_MS = (RESUMED_PSK.identities[0]!.obfuscatedTicketAge - SECTION3_NST.ticketAgeAdd + 0x100000000) % 0x100000000;
/** The instant (ms, on the one clock both connections run on) of the §3 connection, and of §4. */
const SECTION3_AT = 1_000_000;
const RESUMED_AT = SECTION3_AT + TICKET_AGE_MS;

// --- Running a connection ----------------------------------------------------------------

/** §3, as in rfc8448-endpoint.test.ts: the connection that hands the client its ticket. */
function section3(issuer: TicketIssuer): ResumptionSession {
  const run = startRun(simpleConfigs(simpleInputs(), issuer), SECTION3_AT);
  const nst = run.events.client.find((e): e is Extract<EndpointEvent, { type: 'new_session_ticket' }> => e.type === 'new_session_ticket');
  if (nst?.session === undefined) throw new Error('the §3 client kept no session');
  return nst.session;
}

interface Resumed extends Run {
  readonly session: ResumptionSession;
}

/** §4: resumes the §3 session with 0-RTT. `ticketsAfter` NewSessionTickets (0 in the RFC). */
function resumedRun(ticketsAfter = 0): Resumed {
  const issuer = rfcTicketIssuer(SECTION3_NST.ticket);
  const session = section3(issuer);
  const run = startRun(
    resumedConfigs(
      {
        clientX25519: x25519Key(RFC8448_RESUMED_0RTT, 'client'),
        clientRandom: RESUMED_CH.random,
        serverX25519: x25519Key(RFC8448_RESUMED_0RTT, 'server'),
        serverRandom: serverRandom('resumed_0rtt'),
        // The §3 server again: it holds its certificate, but a PSK handshake does not use it (§2.2).
        serverCertificate: simpleInputs().serverCertificate,
      },
      session,
      issuer,
      ticketsAfter,
    ),
    RESUMED_AT,
  );
  return { ...run, session };
}

/** The whole §4 conversation: handshake with 0-RTT, 50 bytes each way, close_notify each way (client first). */
function resumedConversation(): Resumed {
  const run = resumedRun();
  run.client.write(APPLICATION_DATA);
  pump(run);
  run.server.write(APPLICATION_DATA);
  pump(run);
  run.client.close();
  pump(run);
  run.server.close();
  pump(run);
  return run;
}

const rfcRecords = (sender?: 'client' | 'server'): string[] =>
  RFC8448_RESUMED_RECORDS.filter((r) => sender === undefined || r.sender === sender).map((r) => toHex(fromHex(r.record)));

const sha256 = CIPHER_SUITE_PARAMS.TLS_AES_128_GCM_SHA256;

// --- The tests ----------------------------------------------------------------------------

describe('RFC 8448 §4 record vectors', () => {
  it("every protected §4 record opens under the RFC's key and IV, at its sequence number, to the printed payload", () => {
    const aead = nobleAead('aes128gcm');
    const protectedRecords = RFC8448_RESUMED_RECORDS.filter((r) => r.keys !== null);
    expect(protectedRecords.map((r) => r.name)).toEqual([
      'client_early_data',
      'server_encrypted_flight',
      'client_end_of_early_data',
      'client_finished',
      'client_application_data',
      'server_application_data',
      'client_close_notify',
      'server_close_notify',
    ]);
    for (const r of protectedRecords) {
      const k = RFC8448_RESUMED_KEYS[r.keys!];
      const opened = unprotectRecord({ aead, key: fromHex(k.key), iv: fromHex(k.iv) }, BigInt(r.seq), fromHex(r.record));
      expect([r.name, opened.contentType, toHex(opened.content)]).toEqual([r.name, r.contentType, toHex(fromHex(r.payload))]);
    }
  });

  it("the §4 ClientHello record carries the 512-byte message whose first 477 bytes are the binder's truncated prefix", () => {
    const ch = RFC8448_RESUMED_RECORDS[0]!;
    expect(ch.name).toBe('client_hello');
    expect(fromHex(ch.payload)).toHaveLength(512);
    expect(toHex(fromHex(ch.payload).subarray(0, 477))).toBe(toHex(fromHex(RFC8448_RESUMED_CLIENT_HELLO_PREFIX)));
  });
});

describe('RFC 8448 §4 (resumed 0-RTT handshake) through the endpoints', () => {
  it("resumes 6 ms after the §3 ticket arrived, the age the RFC client obfuscated with the ticket's age_add", () => {
    expect(TICKET_AGE_MS).toBe(6);
    const { session } = resumedRun();
    expect(session.receivedAt).toBe(SECTION3_AT);
    expect(session.ticket).toEqual(SECTION3_NST.ticket);
    expect(session.ticketAgeAdd).toBe(SECTION3_NST.ticketAgeAdd);
    expect(session.maxEarlyData).toBe(1024);
    // §4 "extract secret "early"": IKM is the PSK the §3 ticket gave.
    expect(toHex(session.psk)).toBe(toHex(rfcField(RFC8448_RESUMED_0RTT, 'client', 'extract secret "early":', 'IKM')));
  });

  it("the client offers the §3 ticket with the RFC's obfuscated_ticket_age and binder", () => {
    const run = resumedRun();
    const wire = run.sent[0]!.wire;
    const ch = decodeHandshake(wire[5]!, wire.subarray(9), { hashLength: 32 });
    if (ch.type !== 'client_hello') throw new Error('the first record is not a ClientHello');
    const psk = own(ch.extensions, 'pre_shared_key');
    expect(psk.identities).toEqual([{ identity: SECTION3_NST.ticket, obfuscatedTicketAge: RESUMED_PSK.identities[0]!.obfuscatedTicketAge }]);
    expect(psk.binders.map(toHex)).toEqual([toHex(rfcField(RFC8448_RESUMED_0RTT, 'client', 'calculate PSK binder:', 'finished'))]);
  });

  it('the client emits the §4 ClientHello, 0-RTT data and EndOfEarlyData under the early keys, Finished, application data and close_notify byte for byte', () => {
    const run = resumedConversation();
    expect(recordsOf(run, 'client')).toEqual(rfcRecords('client'));
  });

  it('the server accepts the 0-RTT data and emits the §4 ServerHello, its EncryptedExtensions-with-early_data and Finished record, application data and close_notify byte for byte', () => {
    const run = resumedConversation();
    expect(recordsOf(run, 'server')).toEqual(rfcRecords('server'));
  });

  it('the records cross the wire in the §4 order: ClientHello, early data, ServerHello, server flight, EndOfEarlyData, client Finished, then data and close_notify', () => {
    const run = resumedConversation();
    expect(run.sent.map((s) => s.sender)).toEqual(RFC8448_RESUMED_RECORDS.map((r) => r.sender));
    expect(recordsOf(run)).toEqual(rfcRecords());
  });

  it('both endpoints complete a resumed handshake with 0-RTT accepted, the server passing through WAIT_EOED and delivering the early data first', () => {
    const run = resumedRun();
    for (const ep of [run.client, run.server]) {
      expect(ep.error).toBeUndefined();
      expect(ep.state).toBe('CONNECTED');
      expect(ep.handshakeComplete).toBe(true);
      expect(ep.negotiated?.resumed).toBe(true);
    }
    expect(run.events.client.filter((e) => e.type === 'early_data')).toEqual([{ type: 'early_data', accepted: true }]);
    expect(run.events.server.filter((e) => e.type === 'early_data')).toEqual([{ type: 'early_data', accepted: true }]);
    // RFC 8446 Appendix A.2, the 0-RTT-accepted path, each move once.
    const serverMoves = run.events.server.flatMap((e) => (e.type === 'state' ? [`${e.from}→${e.to}`] : []));
    expect(serverMoves).toEqual([
      'START→RECVD_CH',
      'RECVD_CH→NEGOTIATED',
      'NEGOTIATED→WAIT_EOED',
      'WAIT_EOED→WAIT_FLIGHT2',
      'WAIT_FLIGHT2→WAIT_FINISHED',
      'WAIT_FINISHED→CONNECTED',
    ]);
    expect(run.server.readApplicationData()).toEqual(EARLY_DATA);
  });

  it("after the §4 conversation each side has read the other's data and close_notify", () => {
    const run = resumedConversation();
    expect(run.client.error).toBeUndefined();
    expect(run.server.error).toBeUndefined();
    expect(run.server.readApplicationData()).toEqual(new Uint8Array([...EARLY_DATA, ...APPLICATION_DATA]));
    expect(run.client.readApplicationData()).toEqual(APPLICATION_DATA);
    expect(run.client.peerClosed).toBe(true);
    expect(run.server.peerClosed).toBe(true);
  });

  it('both endpoints derive the §4 early, handshake and application traffic secrets', () => {
    const run = resumedConversation();
    const rfc = {
      CLIENT_EARLY_TRAFFIC_SECRET: resumedSecret('client', 'c e traffic'),
      CLIENT_HANDSHAKE_TRAFFIC_SECRET: resumedSecret('server', 'c hs traffic'),
      SERVER_HANDSHAKE_TRAFFIC_SECRET: resumedSecret('server', 's hs traffic'),
      CLIENT_TRAFFIC_SECRET_0: resumedSecret('server', 'c ap traffic'),
      SERVER_TRAFFIC_SECRET_0: resumedSecret('server', 's ap traffic'),
    };
    expect(installedSecrets(run.events.client)).toEqual(rfc);
    expect(installedSecrets(run.events.server)).toEqual(rfc);
  });

  it('the traffic keys and IVs of the installed secrets are the ones §4 prints', () => {
    const run = resumedConversation();
    const secrets = installedSecrets(run.events.client);
    const keysOf = (label: string) => {
      const k = trafficKeys(nobleProvider, sha256, fromHex(secrets[label]!));
      return { key: toHex(k.key), iv: toHex(k.iv) };
    };
    const rfc = (name: keyof typeof RFC8448_RESUMED_KEYS) => ({
      key: toHex(fromHex(RFC8448_RESUMED_KEYS[name].key)),
      iv: toHex(fromHex(RFC8448_RESUMED_KEYS[name].iv)),
    });
    expect(keysOf('CLIENT_EARLY_TRAFFIC_SECRET')).toEqual(rfc('clientEarly'));
    expect(keysOf('CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toEqual(rfc('clientHandshake'));
    expect(keysOf('SERVER_HANDSHAKE_TRAFFIC_SECRET')).toEqual(rfc('serverHandshake'));
    expect(keysOf('CLIENT_TRAFFIC_SECRET_0')).toEqual(rfc('clientApplication'));
    expect(keysOf('SERVER_TRAFFIC_SECRET_0')).toEqual(rfc('serverApplication'));
  });

  it('both endpoints export keying material from the §4 exporter master secret', () => {
    const run = resumedRun();
    const context = new TextEncoder().encode('rfc8448 §4');
    const expected = exportKeyingMaterial(nobleProvider, 'sha256', fromHex(resumedSecret('server', 'exp master')), 'EXPORTER-tls13sim', context, 32);
    expect(toHex(run.client.exportKeyingMaterial('EXPORTER-tls13sim', context, 32))).toBe(toHex(expected));
    expect(toHex(run.server.exportKeyingMaterial('EXPORTER-tls13sim', context, 32))).toBe(toHex(expected));
  });

  it("the session's PSK over the ClientHello the client sent gives the §4 early secret and early exporter master secret", () => {
    const run = resumedRun();
    const early = EarlySecret.fromPsk(nobleProvider, 'sha256', run.session.psk);
    expect(toHex(early.secret)).toBe(toHex(rfcField(RFC8448_RESUMED_0RTT, 'client', 'extract secret "early":', 'secret')));
    const clientHello = run.sent[0]!.wire.subarray(5);
    const hash = nobleProvider.hash('sha256', clientHello);
    expect(toHex(hash)).toBe(toHex(rfcField(RFC8448_RESUMED_0RTT, 'client', 'derive secret "tls13 e exp master":', 'hash')));
    expect(toHex(early.earlyExporterMasterSecret(hash))).toBe(resumedSecret('client', 'e exp master'));
  });

  it('a ticket issued on the resumed connection takes its PSK from the §4 resumption master secret', () => {
    const run = resumedRun(1);
    const nst = run.events.client.find((e): e is Extract<EndpointEvent, { type: 'new_session_ticket' }> => e.type === 'new_session_ticket');
    if (nst?.session === undefined) throw new Error('the client kept no session from the resumed connection');
    const resMaster = rfcField(RFC8448_RESUMED_0RTT, 'client', 'derive secret "tls13 res master":', 'expanded');
    expect(toHex(nst.session.psk)).toBe(toHex(resumptionPsk(nobleProvider, 'sha256', resMaster, new Uint8Array([0, 0]))));
  });
});
