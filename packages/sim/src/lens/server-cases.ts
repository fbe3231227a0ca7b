/**
 * The differential cases where the real library is the server (`side: 'server'`) and our
 * client connects to it: the server's calls, and when the server knows what. The library's
 * harness serves one connection (test/differential/our-client.ts runs our client).
 */
import type { ClientProgram, DiffCase, ScriptStep } from './case-types.js';

const PING = 'ping';
const PONG = 'pong';
/** 0-RTT data the library serving never sees (it skips it). */
const EARLY_REQUEST = 'early ping';

/** A case where the library serves: `side` set. */
function served(c: Omit<DiffCase, 'side'>): DiffCase {
  return { ...c, side: 'server' };
}

/** Our client's program in a case where the library serves (the ping-and-close one if the case names none). */
export function clientProgramOf(c: DiffCase): ClientProgram {
  return c.client ?? { write: PING, end: 'close' };
}

const GO_ABORTS_EARLY_DATA =
  "Go 1.19's server aborts a handshake whose ClientHello offers early data (unsupported_extension), which the lens cannot show: our endpoint serves on; go.test.ts holds Go's abort against a real run";

/**
 * What GnuTLS's server does when gnutls_reauth refuses the client's certificate (case
 * server-pha-refused, held against real runs by gnutls.test.ts).
 */
export const GNUTLS_REAUTH_SENDS_NO_ALERT =
  "GnuTLS's server sends no alert when gnutls_reauth refuses the client's certificate, and its session stays open: the next gnutls_record_recv is GNUTLS_E_UNEXPECTED_PACKET, the one after waits, and the client is never told. Our endpoint sends its alert, which a lens cannot take back";

/** Why a case whose server's application refuses a certificate has no Python run. */
export const PYTHON_NO_VERIFY_CALLBACK =
  "Python's ssl module has no verification callback: its application cannot refuse a certificate that its CA vouches for inside the handshake";

/**
 * The library serves with post-handshake authentication; once it has read the request it
 * marks a request for the client's certificate without sending it (`send: false`), asks
 * what its application can see, then makes `next`.
 */
function markedRequest(name: string, then: string, next: readonly ScriptStep[]): DiffCase {
  return served({
    name,
    title: `the library serves; it marks a request for the client's certificate after the handshake without sending it, ${then}`,
    server: { clientAuth: 'none', postHandshakeAuth: true },
    clientCert: 'trusted',
    clientPha: true,
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'request_auth', send: false }, { op: 'peer_cert' }, ...next],
  });
}

const SERVER_CASES: readonly DiffCase[] = [
  served({
    name: 'server-echo-close',
    title: "the library serves: it reads the request, answers, and meets the client's close_notify; then its shutdown",
    server: { clientAuth: 'none' },
    clientCert: 'none',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: PONG }, { op: 'read', n: 1024 }, { op: 'shutdown' }],
  }),
  served({
    name: 'server-client-hangs-up',
    title: 'the library serves; the client reads the answer and closes TCP without close_notify',
    server: { clientAuth: 'none' },
    clientCert: 'none',
    client: { write: PING, end: 'hangUp' },
    script: [
      { op: 'accept' },
      { op: 'read', n: 1024 },
      { op: 'write', data: PONG },
      { op: 'read', n: 1024 },
      { op: 'read', n: 1024 },
      { op: 'write', data: PONG },
    ],
  }),
  served({
    name: 'server-requires-cert',
    title: 'the library serves and requires a client certificate; it gets one from its CA: the server knows inside its accept',
    server: { clientAuth: 'require' },
    clientCert: 'trusted',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: PONG }],
  }),
  served({
    name: 'server-cert-missing',
    title:
      "the library serves and requires a client certificate; the client has none: the accept fails (the alert, if any, is the library's own: see its test)",
    server: { clientAuth: 'require' },
    clientCert: 'none',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }],
  }),
  served({
    name: 'server-rejects-unknown-ca',
    title:
      "the library serves and requires a client certificate; the client's is from a CA it does not trust: the accept fails (what, if anything, goes on the wire is the library's own: see its test)",
    server: { clientAuth: 'require' },
    clientCert: 'untrusted',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }],
  }),
  served({
    name: 'server-rejects-bad-cv',
    title:
      "the library serves and requires a client certificate; the client's is from the trusted CA but its CertificateVerify does not verify (signed with another key): the accept fails",
    server: { clientAuth: 'require' },
    clientCert: 'stray-key',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }],
  }),
  served({
    name: 'server-rejected-by-client',
    title: "the library serves; the client does not trust the server's certificate and aborts: the accept meets the client's alert",
    server: { clientAuth: 'none' },
    clientCert: 'none',
    verifyServer: 'untrusted',
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }],
  }),
  served({
    name: 'server-foreign-early-data',
    title:
      'the library serves; our client offers 0-RTT data under a ticket from another server: the library ignores the PSK and skips the early data, its accept completes a full handshake, and its read gets the request written after it',
    server: { clientAuth: 'none' },
    clientCert: 'none',
    client: { earlyData: EARLY_REQUEST, write: PING, end: 'close' },
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: PONG }],
    unsupported: { go: GO_ABORTS_EARLY_DATA },
  }),
  served({
    name: 'server-foreign-early-data-read',
    title:
      "server-foreign-early-data, with the server's early-data read first: the library did not take the early data, and that read says so before the accept completes the handshake",
    server: { clientAuth: 'none', earlyData: 1024 },
    clientCert: 'none',
    client: { earlyData: EARLY_REQUEST, write: PING, end: 'close' },
    script: [{ op: 'read_early', n: 1024 }, { op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: PONG }],
    unsupported: { go: GO_ABORTS_EARLY_DATA },
  }),
  // The server marks a post-handshake request without sending it (SSL_verify_client_post_handshake
  // alone): libssl sends it with the next I/O call, a write here…
  markedRequest('server-pha-sent-by-write', 'then writes: the CertificateRequest leaves with the write, and a later read processes the answer', [
    { op: 'write', data: PONG },
    { op: 'nonblocking' },
    { op: 'wait' },
    { op: 'read', n: 1024 },
    { op: 'peer_cert' },
  ]),
  // …or a read: it sends the request and finds nothing.
  markedRequest(
    'server-pha-sent-by-read',
    'then reads (non-blocking): that read sends the CertificateRequest and finds nothing; the next processes the answer',
    [
      { op: 'nonblocking' },
      { op: 'read', n: 1024 },
      { op: 'peer_cert' },
      { op: 'wait' },
      { op: 'read', n: 1024 },
      { op: 'peer_cert' },
      { op: 'write', data: PONG },
    ],
  ),
  // The server asks for a certificate after the handshake and its own verification refuses the
  // one it gets (from a CA it does not trust): where its application learns that, and what
  // its calls say after it.
  served({
    name: 'server-pha-refused',
    title:
      "the library serves; after reading the request it asks for the client's certificate after the handshake, gets one from a CA it does not trust, and refuses it: the call that processes the answer fails, and so does the read after",
    server: { clientAuth: 'none', postHandshakeAuth: true },
    clientCert: 'untrusted',
    clientPha: true,
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'request_auth' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
    unsupported: { gnutls: GNUTLS_REAUTH_SENDS_NO_ALERT },
  }),
  // The same, but the certificate is from the CA the server trusts and its application refuses
  // it (access control, through its library's verification callback).
  served({
    name: 'server-pha-refused-by-application',
    title:
      "server-pha-refused, with a certificate from the CA the server trusts that its application refuses in its library's verification callback (the library's own alert, not the case's access_denied, goes on the wire)",
    server: { clientAuth: 'none', postHandshakeAuth: true, reject: 'access_denied' },
    clientCert: 'trusted',
    clientPha: true,
    script: [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'request_auth' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
    unsupported: { gnutls: GNUTLS_REAUTH_SENDS_NO_ALERT, python: PYTHON_NO_VERIFY_CALLBACK },
  }),
];

/**
 * TLS 1.2 twins of the verdict cases: the library serves TLS 1.2 only (our client offers 1.2
 * and 1.3, and accepts a server without extended_master_secret, as Go 1.19's is).
 */
const TLS12_TWINS: ReadonlyArray<readonly [string, string]> = [
  ['server-requires-cert', 'server-requires-cert under TLS 1.2: the server judges the certificate before its own Finished, inside its accept'],
  [
    'server-cert-missing',
    "server-cert-missing under TLS 1.2: the accept fails with the server's own abort (RFC 5246 asks for handshake_failure; what each library sends is in its test)",
  ],
  ['server-rejected-by-client', "server-rejected-by-client under TLS 1.2: the accept meets the client's alert"],
  ['server-rejects-unknown-ca', 'server-rejects-unknown-ca under TLS 1.2: the server judges the certificate before its own Finished, inside its accept'],
  ['server-rejects-bad-cv', 'server-rejects-bad-cv under TLS 1.2: the server checks the CertificateVerify before its own Finished, inside its accept'],
];

export const SERVER_SIDE_CASES: readonly DiffCase[] = [
  ...SERVER_CASES,
  ...TLS12_TWINS.map(([name, title]) => {
    const c = SERVER_CASES.find((x) => x.name === name)!;
    return { ...c, name: `tls12-${name}`, title, server: { ...c.server, version: 'TLSv1.2' as const } };
  }),
];
