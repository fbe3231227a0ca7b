/**
 * Issue 4, first "Done when": with RFC 8448's randoms and private keys injected (and its
 * CertificateVerify signatures where the RFC's private keys are not published), both
 * endpoints emit exactly the wire bytes of RFC 8448 §3, §5, §6 and §7, record for record,
 * in order, and derive the RFC's traffic secrets.
 *
 * What is injected, and why:
 * - randomness, through `scriptedRandom`, in the order the endpoints draw it — client:
 *   key share private key(s), ClientHello.random, [legacy_session_id in compatibility
 *   mode], [the second key share after a HelloRetryRequest]; server: key share private
 *   key, ServerHello.random, then the RSA-PSS salt of its CertificateVerify (§4.4.3). The
 *   salts of §3, §5 and §7 were recovered from the RFC's signatures with the public key
 *   (s^e mod n → EM → unmask DB with MGF1 → the last 32 bytes; RFC 8017 §9.1.2), so the
 *   server really signs and really produces the RFC's signature.
 * - §6 publishes neither the server's ECDSA key nor the client's RSA key: the endpoints
 *   hold stand-in keys of the right type and the `certificateVerify` hook puts the RFC's
 *   signature in place; each peer still verifies it against the RFC's certificate.
 * - The RFC's client (NSS) and server choices that tls13sim would not make itself, through
 *   `hooks`: extension order, renegotiation_info (RFC 5746) and session_ticket (RFC 5077) as
 *   unknown extensions, supported_groups with ffdhe codes, signature_algorithms with SHA-1
 *   and DSA codes, RFC 7685 padding of the second ClientHello to 512 bytes, the
 *   EncryptedExtensions contents, the HelloRetryRequest's opaque cookie, and the §3
 *   NewSessionTicket (a 2-byte nonce, and the RFC's ticket bytes from a test issuer).
 *
 * The client is given no trust anchors, so it parses the server's certificate without
 * path validation: the RFC's certificates are self-signed, from 2016, and name
 * "rsa"/"ecdsa256", not "server".
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@tls13sim/record';
import {
  createEndpoint,
  decodeHandshake,
  encodeHandshake,
  generateKeyPair,
  nobleProvider,
  scriptedRandom,
  seededRandom,
  type CertificateRequest,
  type CertificateVerify,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type Endpoint,
  type EndpointConfig,
  type EndpointEvent,
  type HandshakeMessage,
  type HelloRetryRequest,
  type MessageHooks,
  type PrivateKey,
  type TicketIssuer,
  type TicketState,
} from '@tls13sim/handshake';
import { RFC8448_MESSAGES, type Rfc8448Trace } from './vectors/rfc8448-messages.js';
import { RFC8448_SERVER_RSA_KEY } from './vectors/rfc8448-pki.js';
import { RFC8448_RECORDS, type RecordVector } from './vectors/rfc8448-records.js';
import { RFC8448_HRR_RECORDS } from './vectors/rfc8448-records-hrr.js';
import { RFC8448_CLIENT_AUTH_RECORDS } from './vectors/rfc8448-records-client-auth.js';
import { RFC8448_COMPAT_RECORDS } from './vectors/rfc8448-records-compat.js';
import {
  RFC8448_CLIENT_AUTH,
  RFC8448_COMPAT,
  RFC8448_HELLO_RETRY,
  RFC8448_SIMPLE,
  type Rfc8448Trace as SecretsTrace,
} from '../packages/handshake/test/vectors/rfc8448-secrets.js';

// --- RFC values --------------------------------------------------------------------------

/** The `nth` message `name` sent by `sender` in `trace`, decoded (RFC 8448 prints whole messages). */
function rfcMessage<T extends HandshakeMessage['type']>(trace: Rfc8448Trace, sender: 'client' | 'server', name: string, type: T, nth = 0): Extract<HandshakeMessage, { type: T }> {
  const found = RFC8448_MESSAGES.filter((m) => m.trace === trace && m.sender === sender && m.name === name)[nth];
  if (found === undefined) throw new Error(`no ${sender} ${name} #${nth} in ${trace}`);
  const bytes = fromHex(found.hex);
  const msg = decodeHandshake(bytes[0]!, bytes.subarray(4), { hashLength: 32 });
  if (msg.type !== type) throw new Error(`${trace} ${name} decodes as ${msg.type}, not ${type}`);
  return msg as Extract<HandshakeMessage, { type: T }>;
}

/** A field of the first step of `trace` whose action is `action` (RFC 8448 step text). */
function rfcField(trace: SecretsTrace, side: 'client' | 'server', action: string, field: string, nth = 0): Uint8Array {
  const step = trace.steps.filter((s) => s.side === side && s.action === action)[nth];
  const value = step?.fields[field];
  if (value === undefined) throw new Error(`§${trace.section}: no {${side}} "${action}" ${field}`);
  return fromHex(value);
}

const clientRandom = (trace: Rfc8448Trace): Uint8Array => rfcMessage(trace, 'client', 'client_hello', 'client_hello').random;
const serverRandom = (trace: Rfc8448Trace, nth = 0): Uint8Array => rfcMessage(trace, 'server', 'server_hello', 'server_hello', nth).random;
const certificateChain = (trace: Rfc8448Trace, sender: 'client' | 'server'): Uint8Array[] =>
  rfcMessage(trace, sender, 'certificate', 'certificate').certificateList.map((e) => e.certData);
const certificateVerifySignature = (trace: Rfc8448Trace, sender: 'client' | 'server'): Uint8Array =>
  rfcMessage(trace, sender, 'certificate_verify', 'certificate_verify').signature;

const x25519Key = (trace: SecretsTrace, side: 'client' | 'server'): Uint8Array => rfcField(trace, side, 'create an ephemeral x25519 key pair:', 'private key');
const p256Key = (trace: SecretsTrace, side: 'client' | 'server'): Uint8Array => rfcField(trace, side, 'create an ephemeral P-256 key pair:', 'private key');

/**
 * RSA-PSS salts of the server's CertificateVerify (rsa_pss_rsae_sha256, sLen = 32), recovered
 * from the RFC's signatures with the §2 public key: EM = s^e mod n; DB = maskedDB xor
 * MGF1(H); salt = the last 32 bytes of DB (RFC 8017 §9.1.2 steps 7–11).
 */
const PSS_SALT = {
  simple_1rtt: fromHex('9e796c6cae552f4bbda874d33bb9f5a7b98172441b7954b463cee3f3b1818826'),
  hello_retry_request: fromHex('6c2ae8c02a42524e300e40e3b7cbf88fffa45148bd5cff30dfdd1d43db34074a'),
  compatibility_mode: fromHex('478423cd451770fb40544fe9ab0fbc263e274c76f1e20815956f046ff131fa80'),
} as const;

/** RFC 8448 §2: the server's RSA key (§3, §5, §7). */
const SERVER_RSA_KEY: PrivateKey = (() => {
  const big = (h: string): bigint => BigInt(`0x${h}`);
  const n = big(RFC8448_SERVER_RSA_KEY.n);
  const e = big(RFC8448_SERVER_RSA_KEY.e);
  return { type: 'rsa', n, e, d: big(RFC8448_SERVER_RSA_KEY.d), p: big(RFC8448_SERVER_RSA_KEY.p), q: big(RFC8448_SERVER_RSA_KEY.q), pss: false, publicKey: { type: 'rsa', n, e, pss: false } };
})();

// --- What the RFC's implementation (NSS) sends that tls13sim would not choose ----------

/** RFC 5746 renegotiation_info with an empty renegotiated_connection, as an unknown extension. */
const RENEGOTIATION_INFO: ClientHelloExtension = { type: 'unknown', code: 0xff01, data: new Uint8Array([0]) };
/** RFC 5077 session_ticket, empty (§3 only), as an unknown extension. */
const SESSION_TICKET: ClientHelloExtension = { type: 'unknown', code: 0x0023, data: new Uint8Array(0) };
/** x25519, secp256r1, secp384r1, secp521r1, ffdhe2048 … ffdhe8192 (RFC 8446 §4.2.7). */
const NSS_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
/** ECDSA, ecdsa_sha1, RSA-PSS, PKCS#1 (SHA-1 included), then the TLS 1.2 DSA codes (hash, dsa). */
const NSS_SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

function ext<T extends ClientHelloExtension['type']>(list: readonly ClientHelloExtension[], type: T): Extract<ClientHelloExtension, { type: T }> {
  const e = list.find((x) => x.type === type);
  if (e === undefined) throw new Error(`the endpoint built no ${type} extension`);
  return e as Extract<ClientHelloExtension, { type: T }>;
}

/**
 * NSS's ClientHello: its extension order, around the values tls13sim built (server_name,
 * key_share, supported_versions, psk_key_exchange_modes, record_size_limit, cookie), and
 * the RFC 7685 padding NSS adds to a ClientHello of 256–511 bytes to make it 512.
 */
function nssClientHello(opts: { groups: readonly number[] | null; sessionTicket: boolean }): (ch: ClientHello) => ClientHello {
  return (ch) => {
    const own = ch.extensions;
    const cookie = own.find((e) => e.type === 'cookie');
    const extensions: ClientHelloExtension[] = [
      ext(own, 'server_name'),
      RENEGOTIATION_INFO,
      opts.groups === null ? ext(own, 'supported_groups') : { type: 'supported_groups', groups: opts.groups },
      ...(opts.sessionTicket ? [SESSION_TICKET] : []),
      ext(own, 'key_share'),
      ext(own, 'supported_versions'),
      { type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS },
      ...(cookie !== undefined ? [cookie] : []),
      ext(own, 'psk_key_exchange_modes'),
      ext(own, 'record_size_limit'),
    ];
    const unpadded: ClientHello = { ...ch, extensions };
    const length = encodeHandshake(unpadded).length;
    if (length < 256 || length >= 512) return unpadded;
    // 4 bytes of extension header, the rest zeros (RFC 7685 §3).
    return { ...unpadded, extensions: [...extensions, { type: 'padding', data: new Uint8Array(512 - length - 4) }] };
  };
}

/** NSS's EncryptedExtensions: supported_groups (its preference), record_size_limit, server_name. */
function nssEncryptedExtensions(groups: readonly number[]): (ee: EncryptedExtensions) => EncryptedExtensions {
  return (ee) => {
    const find = <T extends EncryptedExtensions['extensions'][number]['type']>(t: T) => {
      const e = ee.extensions.find((x) => x.type === t);
      if (e === undefined) throw new Error(`the server built no ${t} extension`);
      return e;
    };
    return { ...ee, extensions: [{ type: 'supported_groups', groups }, find('record_size_limit'), find('server_name')] };
  };
}

/** NSS's HelloRetryRequest: key_share, its cookie (opaque server state), supported_versions. */
function nssHelloRetryRequest(cookie: Uint8Array): (hrr: HelloRetryRequest) => HelloRetryRequest {
  return (hrr) => {
    const find = <T extends HelloRetryRequest['extensions'][number]['type']>(t: T) => {
      const e = hrr.extensions.find((x) => x.type === t);
      if (e === undefined) throw new Error(`the server built no ${t} extension`);
      return e;
    };
    return { ...hrr, extensions: [find('key_share'), { type: 'cookie', cookie }, find('supported_versions')] };
  };
}

const nssCertificateRequest = (cr: CertificateRequest): CertificateRequest => ({
  ...cr,
  extensions: [{ type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS }],
});

/** Puts the RFC's signature in place of the stand-in key's (§6: the RFC's keys are not published). */
const rfcSignature = (signature: Uint8Array) => (cv: CertificateVerify): CertificateVerify => ({ ...cv, signature });

// --- Running a trace ---------------------------------------------------------------------

interface Sent {
  readonly sender: 'client' | 'server';
  readonly wire: Uint8Array;
}

interface Run {
  readonly client: Endpoint;
  readonly server: Endpoint;
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

function startRun(client: EndpointConfig, server: EndpointConfig): Run {
  const run: Run = { client: createEndpoint(client), server: createEndpoint(server), sent: [], events: { client: [], server: [] } };
  run.client.start();
  run.server.start();
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
        to.handleBytes(wire);
        moved = true;
      }
    }
    drainEvents(run);
    if (!moved) return;
  }
  throw new Error('pump: no quiescence');
}

function drainEvents(run: Run): void {
  for (let e = run.client.pollEvent(); e !== null; e = run.client.pollEvent()) run.events.client.push(e);
  for (let e = run.server.pollEvent(); e !== null; e = run.server.pollEvent()) run.events.server.push(e);
}

/** 00 01 02 … 31: the 50 bytes of application data of §3. */
const APPLICATION_DATA = Uint8Array.from({ length: 50 }, (_, i) => i);

const recordsOf = (run: Run, sender: 'client' | 'server'): string[] => run.sent.filter((s) => s.sender === sender).map((s) => toHex(s.wire));
const rfcRecordsOf = (records: readonly RecordVector[], sender: 'client' | 'server'): string[] =>
  records.filter((r) => r.sender === sender).map((r) => toHex(fromHex(r.record)));

/** Keylog label → secret of every traffic key the endpoint installed. */
function installedSecrets(events: readonly EndpointEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) if (e.type === 'keys_installed' && e.keylog) out[e.keylog.label] = toHex(e.keylog.secret);
  return out;
}

/** The four traffic secrets RFC 8448 prints for `trace` (the server's derivations; the client's are "the same"). */
function rfcTrafficSecrets(trace: SecretsTrace): Record<string, string> {
  const s = (label: string): string => toHex(rfcField(trace, 'server', `derive secret "tls13 ${label}":`, 'expanded'));
  return {
    CLIENT_HANDSHAKE_TRAFFIC_SECRET: s('c hs traffic'),
    SERVER_HANDSHAKE_TRAFFIC_SECRET: s('s hs traffic'),
    CLIENT_TRAFFIC_SECRET_0: s('c ap traffic'),
    SERVER_TRAFFIC_SECRET_0: s('s ap traffic'),
  };
}

function expectConnected(run: Run): void {
  expect(run.client.error).toBeUndefined();
  expect(run.server.error).toBeUndefined();
  expect(run.client.state).toBe('CONNECTED');
  expect(run.server.state).toBe('CONNECTED');
  expect(run.client.handshakeComplete).toBe(true);
  expect(run.server.handshakeComplete).toBe(true);
}

/** Both sides close: the client's close_notify first, as in the RFC. */
function closeBoth(run: Run): void {
  run.client.close();
  pump(run);
  run.server.close();
  pump(run);
}

function expectTrafficSecrets(run: Run, trace: SecretsTrace): void {
  const rfc = rfcTrafficSecrets(trace);
  expect(installedSecrets(run.events.client)).toEqual(rfc);
  expect(installedSecrets(run.events.server)).toEqual(rfc);
  expect(run.client.trafficSecrets).toEqual({ write: fromHex(rfc.CLIENT_TRAFFIC_SECRET_0!), read: fromHex(rfc.SERVER_TRAFFIC_SECRET_0!) });
  expect(run.server.trafficSecrets).toEqual({ write: fromHex(rfc.SERVER_TRAFFIC_SECRET_0!), read: fromHex(rfc.CLIENT_TRAFFIC_SECRET_0!) });
}

// --- §3 Simple 1-RTT Handshake ------------------------------------------------------------

/**
 * The RFC server's ticket protection is its own: this issuer hands out the §3 ticket bytes
 * and remembers, for them, the state the endpoint derived (PSK from the nonce it sent).
 */
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

function simpleRun(): Run {
  const nst = rfcMessage('simple_1rtt', 'server', 'new_session_ticket', 'new_session_ticket');
  const hooks: MessageHooks = { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: true }) };
  return startRun(
    {
      ...BASE_CLIENT,
      random: scriptedRandom([x25519Key(RFC8448_SIMPLE, 'client'), clientRandom('simple_1rtt')]),
      hooks,
    },
    {
      ...BASE_SERVER,
      random: scriptedRandom([
        x25519Key(RFC8448_SIMPLE, 'server'),
        serverRandom('simple_1rtt'),
        PSS_SALT.simple_1rtt,
        // NewSessionTicket: ticket_age_add, then the ticket's id in our issuer's state (never on the wire).
        new Uint8Array([nst.ticketAgeAdd >>> 24, (nst.ticketAgeAdd >>> 16) & 0xff, (nst.ticketAgeAdd >>> 8) & 0xff, nst.ticketAgeAdd & 0xff]),
        new Uint8Array(16),
      ]),
      certificate: { chain: certificateChain('simple_1rtt', 'server'), privateKey: SERVER_RSA_KEY },
      // One ticket after the client's Finished: 30 s, 0-RTT up to 1024 bytes, nonce 00 00.
      tickets: { issuer: rfcTicketIssuer(nst.ticket), count: 1, timing: 'after_client_finished', lifetime: 30, maxEarlyData: 1024 },
      hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS), ticketNonce: (i) => new Uint8Array([0, i]) },
    },
  );
}

describe('RFC 8448 §3 (simple 1-RTT handshake) through the endpoints', () => {
  it('the client emits the §3 ClientHello, Finished, application data and close_notify records byte for byte', () => {
    const run = simpleRun();
    expectConnected(run);
    run.client.write(APPLICATION_DATA);
    pump(run);
    run.client.close();
    pump(run);
    expect(recordsOf(run, 'client')).toEqual(rfcRecordsOf(RFC8448_RECORDS, 'client'));
    expect(run.server.readApplicationData()).toEqual(APPLICATION_DATA);
  });

  it('the server emits the §3 ServerHello, encrypted flight (signed with the RFC\'s PSS salt), NewSessionTicket, application data and close_notify byte for byte', () => {
    const run = simpleRun();
    expectConnected(run);
    run.client.write(APPLICATION_DATA);
    pump(run);
    run.server.write(APPLICATION_DATA);
    pump(run);
    closeBoth(run);
    expect(recordsOf(run, 'server')).toEqual(rfcRecordsOf(RFC8448_RECORDS, 'server'));
    expect(run.client.readApplicationData()).toEqual(APPLICATION_DATA);
  });

  it('the client takes the §3 ticket with the PSK the RFC derives from resumption_master_secret and nonce 00 00', () => {
    const run = simpleRun();
    const tickets = run.events.client.filter((e) => e.type === 'new_session_ticket');
    expect(tickets).toHaveLength(1);
    const session = (tickets[0] as Extract<EndpointEvent, { type: 'new_session_ticket' }>).session;
    if (session === undefined) throw new Error('the client kept no session from the ticket');
    expect(toHex(session.psk)).toBe(toHex(rfcField(RFC8448_SIMPLE, 'server', 'generate resumption secret "tls13 resumption":', 'expanded')));
    expect(session.ticket).toEqual(rfcMessage('simple_1rtt', 'server', 'new_session_ticket', 'new_session_ticket').ticket);
    expect(session.lifetime).toBe(30);
    expect(session.maxEarlyData).toBe(1024);
  });

  it('both endpoints derive the §3 handshake and application traffic secrets', () => {
    expectTrafficSecrets(simpleRun(), RFC8448_SIMPLE);
  });
});

// --- §5 HelloRetryRequest -----------------------------------------------------------------

function helloRetryRun(): Run {
  const cookie = findCookie(rfcMessage('hello_retry_request', 'server', 'server_hello', 'hello_retry_request'));
  return startRun(
    {
      ...BASE_CLIENT,
      groups: ['x25519', 'secp256r1', 'secp384r1'],
      random: scriptedRandom([x25519Key(RFC8448_HELLO_RETRY, 'client'), clientRandom('hello_retry_request'), p256Key(RFC8448_HELLO_RETRY, 'client')]),
      hooks: { clientHello: nssClientHello({ groups: null, sessionTicket: false }) },
    },
    {
      ...BASE_SERVER,
      // Only P-256: the x25519 share is not acceptable, so the server asks for another.
      groups: ['secp256r1'],
      // The cookie is the RFC server's opaque state, put in place by the hook.
      hrrCookie: false,
      random: scriptedRandom([p256Key(RFC8448_HELLO_RETRY, 'server'), serverRandom('hello_retry_request', 1), PSS_SALT.hello_retry_request]),
      certificate: { chain: certificateChain('hello_retry_request', 'server'), privateKey: SERVER_RSA_KEY },
      hooks: { helloRetryRequest: nssHelloRetryRequest(cookie), encryptedExtensions: nssEncryptedExtensions([0x0017, 0x0018, 0x001d]) },
    },
  );
}

function findCookie(hrr: HelloRetryRequest): Uint8Array {
  const c = hrr.extensions.find((e) => e.type === 'cookie');
  if (c === undefined || c.type !== 'cookie') throw new Error('the RFC HelloRetryRequest has no cookie');
  return c.cookie;
}

describe('RFC 8448 §5 (HelloRetryRequest) through the endpoints', () => {
  it('the client emits both §5 ClientHellos (the second with legacy_record_version 0x0303), its Finished and close_notify byte for byte', () => {
    const run = helloRetryRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'client')).toEqual(rfcRecordsOf(RFC8448_HRR_RECORDS, 'client'));
  });

  it('the server emits the §5 HelloRetryRequest, ServerHello, encrypted flight and close_notify byte for byte', () => {
    const run = helloRetryRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'server')).toEqual(rfcRecordsOf(RFC8448_HRR_RECORDS, 'server'));
  });

  it('both endpoints derive the §5 traffic secrets over the message_hash transcript', () => {
    const run = helloRetryRun();
    expect(run.client.negotiated?.helloRetry).toBe(true);
    expect(run.client.negotiated?.group).toBe('secp256r1');
    expectTrafficSecrets(run, RFC8448_HELLO_RETRY);
  });

  it('the server holds the second ClientHello to the cookie its HelloRetryRequest hook put in place (illegal_parameter when it is not echoed)', () => {
    const client = createEndpoint({
      ...BASE_CLIENT,
      groups: ['x25519', 'secp256r1', 'secp384r1'],
      random: scriptedRandom([x25519Key(RFC8448_HELLO_RETRY, 'client'), clientRandom('hello_retry_request'), p256Key(RFC8448_HELLO_RETRY, 'client')]),
      hooks: {
        clientHello: (ch) => ({
          ...ch,
          extensions: ch.extensions.map((e) => (e.type === 'cookie' ? { type: 'cookie', cookie: e.cookie.map((b) => b ^ 1) } : e)),
        }),
      },
    });
    const server = createEndpoint({
      ...BASE_SERVER,
      groups: ['secp256r1'],
      hrrCookie: false,
      random: scriptedRandom([p256Key(RFC8448_HELLO_RETRY, 'server')]),
      certificate: { chain: certificateChain('hello_retry_request', 'server'), privateKey: SERVER_RSA_KEY },
      hooks: { helloRetryRequest: nssHelloRetryRequest(findCookie(rfcMessage('hello_retry_request', 'server', 'server_hello', 'hello_retry_request'))) },
    });
    const run: Run = { client, server, sent: [], events: { client: [], server: [] } };
    client.start();
    pump(run);
    expect(server.error?.alert).toBe('illegal_parameter');
    expect(client.error?.alert).toBe('illegal_parameter');
  });
});

// --- §6 Client Authentication -------------------------------------------------------------

function clientAuthRun(): Run {
  // Stand-ins of the right key types; the RFC's signatures replace theirs (see the header).
  const serverStandIn = generateKeyPair('p256', seededRandom('rfc8448 §6 server stand-in')).privateKey;
  const clientStandIn = SERVER_RSA_KEY;
  const serverCertificate = certificateChain('client_authentication', 'server');
  const clientCertificate = certificateChain('client_authentication', 'client');
  return startRun(
    {
      ...BASE_CLIENT,
      random: scriptedRandom([
        x25519Key(RFC8448_CLIENT_AUTH, 'client'),
        clientRandom('client_authentication'),
        // The stand-in RSA key's PSS salt; its signature is replaced.
        new Uint8Array(32),
      ]),
      certificate: { chain: clientCertificate, privateKey: clientStandIn },
      hooks: {
        clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }),
        certificateVerify: rfcSignature(certificateVerifySignature('client_authentication', 'client')),
      },
    },
    {
      ...BASE_SERVER,
      clientAuth: 'require',
      random: scriptedRandom([x25519Key(RFC8448_CLIENT_AUTH, 'server'), serverRandom('client_authentication')]),
      certificate: { chain: serverCertificate, privateKey: serverStandIn },
      hooks: {
        encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS),
        certificateRequest: nssCertificateRequest,
        certificateVerify: rfcSignature(certificateVerifySignature('client_authentication', 'server')),
      },
    },
  );
}

describe('RFC 8448 §6 (client authentication) through the endpoints', () => {
  it('the client emits the §6 ClientHello, its Certificate/CertificateVerify/Finished record and close_notify byte for byte', () => {
    const run = clientAuthRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'client')).toEqual(rfcRecordsOf(RFC8448_CLIENT_AUTH_RECORDS, 'client'));
  });

  it('the server emits the §6 ServerHello, the flight with its CertificateRequest, and close_notify byte for byte', () => {
    const run = clientAuthRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'server')).toEqual(rfcRecordsOf(RFC8448_CLIENT_AUTH_RECORDS, 'server'));
  });

  it('each side verifies the other\'s RFC signature against the RFC certificate and derives the §6 traffic secrets', () => {
    const run = clientAuthRun();
    expect(run.client.negotiated?.serverSignatureScheme).toBe('ecdsa_secp256r1_sha256');
    expect(run.server.peerCertificates).toEqual(certificateChain('client_authentication', 'client'));
    expectTrafficSecrets(run, RFC8448_CLIENT_AUTH);
  });
});

// --- §7 Compatibility Mode ----------------------------------------------------------------

function compatRun(): Run {
  const sessionId = rfcMessage('compatibility_mode', 'client', 'client_hello', 'client_hello').legacySessionId;
  return startRun(
    {
      ...BASE_CLIENT,
      middleboxCompat: true,
      random: scriptedRandom([x25519Key(RFC8448_COMPAT, 'client'), clientRandom('compatibility_mode'), sessionId]),
      hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }) },
    },
    {
      ...BASE_SERVER,
      random: scriptedRandom([x25519Key(RFC8448_COMPAT, 'server'), serverRandom('compatibility_mode'), PSS_SALT.compatibility_mode]),
      certificate: { chain: certificateChain('compatibility_mode', 'server'), privateKey: SERVER_RSA_KEY },
      hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS) },
    },
  );
}

describe('RFC 8448 §7 (compatibility mode) through the endpoints', () => {
  it('the client emits the §7 ClientHello, one change_cipher_spec before its Finished, and close_notify byte for byte', () => {
    const run = compatRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'client')).toEqual(rfcRecordsOf(RFC8448_COMPAT_RECORDS, 'client'));
  });

  it('the server echoes the session id and emits ServerHello, one change_cipher_spec, its flight and close_notify byte for byte', () => {
    const run = compatRun();
    expectConnected(run);
    closeBoth(run);
    expect(recordsOf(run, 'server')).toEqual(rfcRecordsOf(RFC8448_COMPAT_RECORDS, 'server'));
  });

  it('both endpoints derive the §7 traffic secrets', () => {
    expectTrafficSecrets(compatRun(), RFC8448_COMPAT);
  });
});
