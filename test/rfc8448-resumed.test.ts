/**
 * Issue 5, first "Done when": RFC 8448 §4 (resumed 0-RTT handshake) reproduced byte for
 * byte through both endpoints — the ClientHello with its PSK binder, the 0-RTT application
 * data and EndOfEarlyData under the client's early traffic keys, the server's flight with
 * early_data accepted, every record after them — with every secret §4 prints.
 *
 * The session is not pasted in: the §3 connection runs first (as in rfc8448-endpoint.test.ts,
 * whose injections this file repeats), the client keeps the session its NewSessionTicket
 * gives, and the §4 server opens the ticket with the same issuer that issued it.
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
  createEndpoint,
  decodeHandshake,
  encodeHandshake,
  exportKeyingMaterial,
  nobleProvider,
  resumptionPsk,
  scriptedRandom,
  trafficKeys,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type Endpoint,
  type EndpointConfig,
  type EndpointEvent,
  type HandshakeMessage,
  type MessageHooks,
  type PrivateKey,
  type ResumptionSession,
  type ServerHello,
  type TicketIssuer,
  type TicketState,
} from '@tls13sim/handshake';
import { RFC8448_MESSAGES, RFC8448_RESUMED_CLIENT_HELLO_PREFIX, type Rfc8448Trace } from './vectors/rfc8448-messages.js';
import { RFC8448_SERVER_RSA_KEY } from './vectors/rfc8448-pki.js';
import { RFC8448_RESUMED_KEYS, RFC8448_RESUMED_RECORDS } from './vectors/rfc8448-records-resumed.js';
import { RFC8448_RESUMED_0RTT, RFC8448_SIMPLE, type Rfc8448Trace as SecretsTrace } from '../packages/handshake/test/vectors/rfc8448-secrets.js';

// --- RFC values --------------------------------------------------------------------------

function rfcMessage<T extends HandshakeMessage['type']>(trace: Rfc8448Trace, sender: 'client' | 'server', name: string, type: T): Extract<HandshakeMessage, { type: T }> {
  const found = RFC8448_MESSAGES.find((m) => m.trace === trace && m.sender === sender && m.name === name);
  if (found === undefined) throw new Error(`no ${sender} ${name} in ${trace}`);
  const bytes = fromHex(found.hex);
  const msg = decodeHandshake(bytes[0]!, bytes.subarray(4), { hashLength: 32 });
  if (msg.type !== type) throw new Error(`${trace} ${name} decodes as ${msg.type}, not ${type}`);
  return msg as Extract<HandshakeMessage, { type: T }>;
}

function rfcField(trace: SecretsTrace, side: 'client' | 'server', action: string, field: string): Uint8Array {
  const value = trace.steps.find((s) => s.side === side && s.action === action)?.fields[field];
  if (value === undefined) throw new Error(`§${trace.section}: no {${side}} "${action}" ${field}`);
  return fromHex(value);
}

const x25519Key = (trace: SecretsTrace, side: 'client' | 'server'): Uint8Array => rfcField(trace, side, 'create an ephemeral x25519 key pair:', 'private key');
/** A §4 secret as printed by `side` ("expanded" of its derive-secret step). */
const resumedSecret = (side: 'client' | 'server', label: string): string => toHex(rfcField(RFC8448_RESUMED_0RTT, side, `derive secret "tls13 ${label}":`, 'expanded'));

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

/** "{client}  send application_data record:" before the ServerHello: the 0-RTT data. */
const EARLY_DATA = new TextEncoder().encode('ABCDEF');
/** 00 01 02 … 31: the 50 bytes each side sends after the handshake. */
const APPLICATION_DATA = Uint8Array.from({ length: 50 }, (_, i) => i);

/** RFC 8448 §2: the server's RSA key (it signs in §3 only). */
const SERVER_RSA_KEY: PrivateKey = (() => {
  const big = (h: string): bigint => BigInt(`0x${h}`);
  const n = big(RFC8448_SERVER_RSA_KEY.n);
  const e = big(RFC8448_SERVER_RSA_KEY.e);
  return { type: 'rsa', n, e, d: big(RFC8448_SERVER_RSA_KEY.d), p: big(RFC8448_SERVER_RSA_KEY.p), q: big(RFC8448_SERVER_RSA_KEY.q), pss: false, publicKey: { type: 'rsa', n, e, pss: false } };
})();
const SERVER_CERTIFICATE = { chain: rfcMessage('simple_1rtt', 'server', 'certificate', 'certificate').certificateList.map((e) => e.certData), privateKey: SERVER_RSA_KEY };
/** The RSA-PSS salt of the §3 CertificateVerify, recovered from its signature (see rfc8448-endpoint.test.ts). */
const SECTION3_PSS_SALT = fromHex('9e796c6cae552f4bbda874d33bb9f5a7b98172441b7954b463cee3f3b1818826');

// --- NSS's byte choices ------------------------------------------------------------------

const RENEGOTIATION_INFO: ClientHelloExtension = { type: 'unknown', code: 0xff01, data: new Uint8Array([0]) };
const SESSION_TICKET: ClientHelloExtension = { type: 'unknown', code: 0x0023, data: new Uint8Array(0) };
const NSS_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
const NSS_SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

function own<T extends { type: string }, K extends T['type']>(list: readonly T[], type: K): Extract<T, { type: K }> {
  const e = list.find((x) => x.type === type);
  if (e === undefined) throw new Error(`the endpoint built no ${type} extension`);
  return e as Extract<T, { type: K }>;
}

/**
 * NSS's ClientHello around the values tls13sim built. In §4: early_data after key_share,
 * no session_ticket, and RFC 7685 padding (a 256–511-byte ClientHello made 512) placed
 * before pre_shared_key, which RFC 8446 §4.2.11 requires to be last. The hook sees the
 * ClientHello with a zero binder of the right length; the client computes the binder over
 * what the hook returns.
 */
function nssClientHello(section: 3 | 4): (ch: ClientHello) => ClientHello {
  return (ch) => {
    const ext = ch.extensions;
    const head: ClientHelloExtension[] = [
      own(ext, 'server_name'),
      RENEGOTIATION_INFO,
      { type: 'supported_groups', groups: NSS_GROUPS },
      ...(section === 3 ? [SESSION_TICKET] : []),
      own(ext, 'key_share'),
      ...(section === 4 ? [own(ext, 'early_data')] : []),
      own(ext, 'supported_versions'),
      { type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS },
      own(ext, 'psk_key_exchange_modes'),
      own(ext, 'record_size_limit'),
    ];
    const tail: ClientHelloExtension[] = section === 4 ? [own(ext, 'pre_shared_key')] : [];
    const unpadded: ClientHello = { ...ch, extensions: [...head, ...tail] };
    const length = encodeHandshake(unpadded).length;
    if (length < 256 || length >= 512) return unpadded;
    const padding: ClientHelloExtension = { type: 'padding', data: new Uint8Array(512 - length - 4) };
    return { ...unpadded, extensions: [...head, padding, ...tail] };
  };
}

/** NSS's ServerHello in §4: pre_shared_key, key_share, supported_versions. */
const nssServerHello = (sh: ServerHello): ServerHello => ({
  ...sh,
  extensions: [own(sh.extensions, 'pre_shared_key'), own(sh.extensions, 'key_share'), own(sh.extensions, 'supported_versions')],
});

/** NSS's EncryptedExtensions: supported_groups (its preference), record_size_limit, server_name[, early_data]. */
const nssEncryptedExtensions = (ee: EncryptedExtensions): EncryptedExtensions => ({
  ...ee,
  extensions: [
    { type: 'supported_groups', groups: NSS_GROUPS },
    own(ee.extensions, 'record_size_limit'),
    own(ee.extensions, 'server_name'),
    ...ee.extensions.filter((e) => e.type === 'early_data'),
  ],
});

/** Hands out the RFC's §3 ticket bytes and remembers, for them, the state the server derived. */
function rfcTicketIssuer(ticket: Uint8Array): TicketIssuer {
  const issued = new Map<string, TicketState>();
  return {
    singleUse: false,
    issue: (state) => {
      issued.set(toHex(ticket), state);
      return ticket.slice();
    },
    open: (t) => issued.get(toHex(t)) ?? null,
    redeem: () => true,
  };
}

// --- Running a connection ----------------------------------------------------------------

interface Sent {
  readonly sender: 'client' | 'server';
  readonly wire: Uint8Array;
}

interface Run {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly now: number;
  readonly sent: Sent[];
  readonly events: { client: EndpointEvent[]; server: EndpointEvent[] };
}

const BASE_CLIENT = {
  role: 'client',
  crypto: nobleProvider,
  serverName: 'server',
  // NSS's order: 0x1301, 0x1303, 0x1302.
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
  recordSizeLimit: 16385,
} as const satisfies Partial<EndpointConfig>;

const BASE_SERVER = { role: 'server', crypto: nobleProvider, recordSizeLimit: 16385 } as const satisfies Partial<EndpointConfig>;

function startRun(client: EndpointConfig, server: EndpointConfig, now: number): Run {
  const run: Run = { client: createEndpoint(client), server: createEndpoint(server), now, sent: [], events: { client: [], server: [] } };
  run.client.start(now);
  run.server.start(now);
  pump(run);
  return run;
}

/** Delivers every queued record, client first, until neither side has anything to send. */
function pump(run: Run): void {
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (const [from, to, sender] of [
      [run.client, run.server, 'client'],
      [run.server, run.client, 'server'],
    ] as const) {
      for (let wire = from.pollTransmit(); wire !== null; wire = from.pollTransmit()) {
        run.sent.push({ sender, wire });
        to.handleBytes(wire, run.now);
        moved = true;
      }
    }
    for (let e = run.client.pollEvent(); e !== null; e = run.client.pollEvent()) run.events.client.push(e);
    for (let e = run.server.pollEvent(); e !== null; e = run.server.pollEvent()) run.events.server.push(e);
    if (!moved) return;
  }
  throw new Error('pump: no quiescence');
}

/** §3, as in rfc8448-endpoint.test.ts: the connection that hands the client its ticket. */
function section3(issuer: TicketIssuer): ResumptionSession {
  const ageAdd = SECTION3_NST.ticketAgeAdd;
  const run = startRun(
    {
      ...BASE_CLIENT,
      random: scriptedRandom([x25519Key(RFC8448_SIMPLE, 'client'), rfcMessage('simple_1rtt', 'client', 'client_hello', 'client_hello').random]),
      hooks: { clientHello: nssClientHello(3) },
    },
    {
      ...BASE_SERVER,
      random: scriptedRandom([
        x25519Key(RFC8448_SIMPLE, 'server'),
        rfcMessage('simple_1rtt', 'server', 'server_hello', 'server_hello').random,
        SECTION3_PSS_SALT,
        new Uint8Array([ageAdd >>> 24, (ageAdd >>> 16) & 0xff, (ageAdd >>> 8) & 0xff, ageAdd & 0xff]),
        new Uint8Array(16),
      ]),
      certificate: SERVER_CERTIFICATE,
      tickets: { issuer, count: 1, timing: 'after_client_finished', lifetime: SECTION3_NST.ticketLifetime, maxEarlyData: 1024 },
      hooks: { encryptedExtensions: nssEncryptedExtensions, ticketNonce: (i) => new Uint8Array([0, i]) },
    },
    SECTION3_AT,
  );
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
  const hooks: MessageHooks = { serverHello: nssServerHello, encryptedExtensions: nssEncryptedExtensions, ticketNonce: (i) => new Uint8Array([0, i]) };
  const run = startRun(
    {
      ...BASE_CLIENT,
      session,
      earlyData: EARLY_DATA,
      random: scriptedRandom([x25519Key(RFC8448_RESUMED_0RTT, 'client'), RESUMED_CH.random]),
      hooks: { clientHello: nssClientHello(4) },
    },
    {
      ...BASE_SERVER,
      random: scriptedRandom([
        x25519Key(RFC8448_RESUMED_0RTT, 'server'),
        rfcMessage('resumed_0rtt', 'server', 'server_hello', 'server_hello').random,
        // Only drawn when `ticketsAfter` > 0: ticket_age_add and our issuer's ticket id.
        ...Array.from({ length: ticketsAfter }, () => [new Uint8Array(4), new Uint8Array(16)]).flat(),
      ]),
      // The §3 server again: it holds its certificate, but a PSK handshake does not use it (§2.2).
      certificate: SERVER_CERTIFICATE,
      tickets: { issuer, count: ticketsAfter },
      hooks,
    },
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
const recordsOf = (run: Run, sender?: 'client' | 'server'): string[] => run.sent.filter((s) => sender === undefined || s.sender === sender).map((s) => toHex(s.wire));

function installedSecrets(events: readonly EndpointEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) if (e.type === 'keys_installed' && e.keylog) out[e.keylog.label] = toHex(e.keylog.secret);
  return out;
}

const sha256 = CIPHER_SUITE_PARAMS.TLS_AES_128_GCM_SHA256;

// --- The tests ----------------------------------------------------------------------------

describe('RFC 8448 §4 record vectors', () => {
  it('every protected §4 record opens under the RFC\'s key and IV, at its sequence number, to the printed payload', () => {
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

  it('the §4 ClientHello record carries the 512-byte message whose first 477 bytes are the binder\'s truncated prefix', () => {
    const ch = RFC8448_RESUMED_RECORDS[0]!;
    expect(ch.name).toBe('client_hello');
    expect(fromHex(ch.payload)).toHaveLength(512);
    expect(toHex(fromHex(ch.payload).subarray(0, 477))).toBe(toHex(fromHex(RFC8448_RESUMED_CLIENT_HELLO_PREFIX)));
  });
});

describe('RFC 8448 §4 (resumed 0-RTT handshake) through the endpoints', () => {
  it('resumes 6 ms after the §3 ticket arrived, the age the RFC client obfuscated with the ticket\'s age_add', () => {
    expect(TICKET_AGE_MS).toBe(6);
    const { session } = resumedRun();
    expect(session.receivedAt).toBe(SECTION3_AT);
    expect(session.ticket).toEqual(SECTION3_NST.ticket);
    expect(session.ticketAgeAdd).toBe(SECTION3_NST.ticketAgeAdd);
    expect(session.maxEarlyData).toBe(1024);
    // §4 "extract secret "early"": IKM is the PSK the §3 ticket gave.
    expect(toHex(session.psk)).toBe(toHex(rfcField(RFC8448_RESUMED_0RTT, 'client', 'extract secret "early":', 'IKM')));
  });

  it('the client offers the §3 ticket with the RFC\'s obfuscated_ticket_age and binder', () => {
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
    expect(serverMoves).toEqual(['START→RECVD_CH', 'RECVD_CH→NEGOTIATED', 'NEGOTIATED→WAIT_EOED', 'WAIT_EOED→WAIT_FLIGHT2', 'WAIT_FLIGHT2→WAIT_FINISHED', 'WAIT_FINISHED→CONNECTED']);
    expect(run.server.readApplicationData()).toEqual(EARLY_DATA);
  });

  it('after the §4 conversation each side has read the other\'s data and close_notify', () => {
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
    const rfc = (name: keyof typeof RFC8448_RESUMED_KEYS) => ({ key: toHex(fromHex(RFC8448_RESUMED_KEYS[name].key)), iv: toHex(fromHex(RFC8448_RESUMED_KEYS[name].iv)) });
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

  it('the session\'s PSK over the ClientHello the client sent gives the §4 early secret and early exporter master secret', () => {
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
