/**
 * The differential cases: one situation each, written as data so that the same case runs
 * twice — simulated, through a lens, and for real, by a small harness in the library the
 * lens describes, talking over loopback TCP to our server endpoint. The two sequences of
 * call → outcome must be equal (test/differential/).
 *
 * A case fixes what the server does (its configuration and a tiny program: echo, 0.5-RTT
 * data, post-handshake authentication, close_notify) and the client application's script.
 * Every script step is a call the real library makes, except `wait`: the real harness
 * sleeps long enough for everything the server will send to arrive (but reads nothing);
 * the simulation delivers everything in flight. Arrived is not processed: after a `wait`,
 * bytes sit in the client's socket buffer until a call of the library pulls them.
 */
import type { DiffCase, ServerProgram } from './case-types.js';
import { SCENARIO_TWIN_CASES } from './scenario-cases.js';
import { SERVER_SIDE_CASES } from './server-cases.js';

export type { ClientProgram, DiffCase, ScriptStep, ServerProgram } from './case-types.js';

const PING = 'ping';
const OPENSSL_ONLY = 'an OpenSSL-only call or mode';
const onlyOpenssl = { node: OPENSSL_ONLY, go: OPENSSL_ONLY, python: OPENSSL_ONLY, gnutls: OPENSSL_ONLY, rustls: OPENSSL_ONLY };
const NO_PHA_GO = 'Go 1.19 crypto/tls offers no post-handshake authentication';
const NO_PHA_NODE = "Node's tls has no API to enable post-handshake authentication on a client";
const NO_PHA_RUSTLS = 'rustls 0.20 offers no post-handshake authentication';

const WRITE_AFTER_CLOSE_NOTIFY: DiffCase = {
  name: 'write-after-close-notify',
  title: "a write after the server's close_notify has been read (§6.1: it closes the server's direction only)",
  server: { clientAuth: 'none', echo: true, closeAfterEcho: true },
  clientCert: 'none',
  script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }, { op: 'write', data: PING }],
};

const CLIENT_SHUTDOWN: DiffCase = {
  name: 'client-shutdown',
  title: 'the client closes first: its shutdown call, then the same call once the server has answered with its own close_notify',
  server: { clientAuth: 'none', echo: true },
  clientCert: 'none',
  script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'shutdown' }, { op: 'wait' }, { op: 'shutdown' }],
};

const CLOSE_WITH_ECHO: DiffCase = {
  name: 'close-with-echo',
  title: "the server's echo and its close_notify arrive in one read: two reads",
  server: { clientAuth: 'none', echo: true, closeWithEcho: true },
  clientCert: 'none',
  script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
};

const HANGUP_AFTER_ECHO: DiffCase = {
  name: 'hangup-after-echo',
  title: 'the server closes TCP without close_notify after its answer (a truncation); then two reads and a write',
  server: { clientAuth: 'none', echo: true, hangUp: 'after-echo' },
  clientCert: 'none',
  script: [
    { op: 'connect' },
    { op: 'write', data: PING },
    { op: 'read', n: 1024 },
    { op: 'read', n: 1024 },
    { op: 'read', n: 1024 },
    { op: 'write', data: PING },
  ],
};

const SERVER_CV_BAD: DiffCase = {
  name: 'server-cv-bad',
  title:
    "the client rejects the server's CertificateVerify: it does not verify under the server's certificate (signed with another key), whether or not the client checks the chain",
  server: { clientAuth: 'none', echo: true, strayKey: true },
  clientCert: 'none',
  script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
};

export const DIFF_CASES: readonly DiffCase[] = [
  {
    name: 'accepted',
    title: 'client certificate accepted',
    server: { clientAuth: 'require', echo: true },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'cert-unknown-ca',
    title: 'client certificate from an unknown CA (unknown_ca)',
    server: { clientAuth: 'require', echo: true },
    clientCert: 'untrusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'cert-rejected',
    title: "client certificate rejected by the server's verifier (bad_certificate)",
    server: { clientAuth: 'require', echo: true, reject: 'bad_certificate' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'cv-rejected',
    title: 'CertificateVerify rejected (decrypt_error)',
    server: { clientAuth: 'require', echo: true, reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'cert-missing',
    title: 'no client certificate where one is required (certificate_required)',
    server: { clientAuth: 'require', echo: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
  },
  {
    name: 'write-after-alert',
    title: "write after the server's alert has arrived, before any read",
    server: { clientAuth: 'require', echo: true, reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'wait' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'write', data: PING }],
  },
  {
    name: 'half-rtt-data',
    title: 'the server writes 0.5-RTT data, then accepts',
    server: { clientAuth: 'require', echo: true, halfRtt: 'early' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'half-rtt-then-rejected',
    title: 'the server writes 0.5-RTT data, then rejects the client certificate',
    server: { clientAuth: 'require', halfRtt: 'early', reject: 'bad_certificate' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
  },
  {
    name: 'zero-read-nonblocking',
    title: 'zero-length reads, non-blocking: before and after the rejection arrives',
    server: { clientAuth: 'require', reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'nonblocking' }, { op: 'read', n: 0 }, { op: 'wait' }, { op: 'read', n: 0 }, { op: 'read', n: 0 }],
  },
  {
    name: 'peek-then-read',
    title: 'a peek with application data waiting, then a read: the peek leaves the data to read',
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'wait' }, { op: 'peek', n: 1024 }, { op: 'read', n: 1024 }],
  },
  {
    name: 'peek-reveals-rejection',
    title: "the SSL_connect question answered by a peek: the server's alert, then what a read says after it",
    server: { clientAuth: 'require', echo: true, reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'peek', n: 1024 }, { op: 'read', n: 1024 }],
  },
  {
    name: 'zero-read-with-data',
    title: 'a zero-length read with application data waiting, then a read',
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'wait' }, { op: 'read', n: 0 }, { op: 'read', n: 1024 }],
  },
  {
    name: 'zero-read-blocking-rejected',
    title: 'a blocking zero-length read while the rejection is on its way',
    server: { clientAuth: 'require', reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 0 }],
  },
  {
    name: 'zero-read-blocking-silent',
    title: 'a blocking zero-length read when the server accepts and sends nothing',
    server: { clientAuth: 'require' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 0 }],
  },
  {
    name: 'pha-rejected',
    title: 'post-handshake authentication, certificate rejected',
    server: { clientAuth: 'none', postHandshakeAuth: true, reject: 'bad_certificate' },
    clientCert: 'trusted',
    clientPha: true,
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
    unsupported: { go: NO_PHA_GO, node: NO_PHA_NODE, rustls: NO_PHA_RUSTLS },
  },
  {
    name: 'close-notify',
    title: "the server's close_notify after its answer",
    server: { clientAuth: 'none', echo: true, closeAfterEcho: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
  },
  WRITE_AFTER_CLOSE_NOTIFY,
  {
    name: 'write-after-shutdown',
    title: "a write after the client's own shutdown call",
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'shutdown' }, { op: 'write', data: PING }],
  },
  CLIENT_SHUTDOWN,
  {
    name: 'shutdown-after-alert',
    title: "the client's shutdown call after the server's alert has been read",
    server: { clientAuth: 'require', echo: true, reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'shutdown' }],
  },
  {
    name: 'ticket-is-not-data',
    title: 'a NewSessionTicket arrives and nothing else: it is processed by the next read (by Node on arrival), and that read keeps waiting',
    server: { clientAuth: 'none', tickets: 1 },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'wait' }, { op: 'tickets' }, { op: 'read', n: 1024 }, { op: 'tickets' }],
  },
  {
    name: 'ticket-auto-retry-off',
    title: 'the same, with SSL_MODE_AUTO_RETRY cleared: the blocking read returns after the ticket',
    server: { clientAuth: 'none', tickets: 1 },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'auto_retry_off' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
    unsupported: onlyOpenssl,
  },
  {
    name: 'pending',
    title: 'SSL_pending: what a record left after a short read',
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    script: [
      { op: 'connect' },
      { op: 'pending' },
      { op: 'write', data: PING },
      { op: 'read', n: 3 },
      { op: 'pending' },
      { op: 'read', n: 3 },
      { op: 'pending' },
    ],
    unsupported: onlyOpenssl,
  },
  // The server closes TCP without close_notify (RFC 8446 §6.1: a truncation). The FIN is all
  // the client gets; each library says so in its own way, or cannot tell it from a clean close.
  HANGUP_AFTER_ECHO,
  {
    name: 'hangup-instead-of-alert',
    title: 'the server judges the client certificate and closes TCP, sending no alert: connect has succeeded, the read finds a bare EOF',
    server: { clientAuth: 'require', echo: true, hangUp: 'at-verdict' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
  },
  {
    name: 'hangup-then-shutdown',
    title: "the client's shutdown call after its read has met the server's FIN without close_notify",
    server: HANGUP_AFTER_ECHO.server,
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }, { op: 'shutdown' }],
  },
  {
    name: 'shutdown-answered-by-hangup',
    title: "the client closes first and the server answers its close_notify with a bare FIN: the client's second shutdown call meets it",
    server: { clientAuth: 'none', echo: true, hangUp: 'on-close-notify' },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }, { op: 'shutdown' }, { op: 'wait' }, { op: 'shutdown' }],
  },
  {
    name: 'hangup-before-server-hello',
    title: 'the server reads the ClientHello and closes TCP without answering: the handshake call meets the EOF',
    server: { clientAuth: 'none', hangUp: 'before-server-hello' },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
  },
  {
    name: 'server-times-out',
    title:
      "the server's handshake timer fires before it reads the client's certificate flight (serve's handshake timeout): it cancels, user_canceled and close_notify; the client's connect has returned, its read meets them",
    server: { clientAuth: 'require', cancel: 'at-flight2' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
  },
  {
    name: 'server-cancels',
    title:
      'the server abandons the handshake at the ClientHello (our cancel(): user_canceled and close_notify, warnings in the clear, then a FIN): the handshake call meets them',
    server: { clientAuth: 'none', cancel: 'before-server-hello' },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }],
  },
  // TLS 1.2 twins of the verdict cases: the server speaks only TLS 1.2, so it judges the
  // client's certificate before it sends its own Finished (RFC 5246 §7.3) and the verdict
  // arrives while the client's handshake call is still waiting for that Finished.
  ...tls12Twins(),
  tls12Twin(CLIENT_SHUTDOWN, 'client-shutdown under TLS 1.2: its shutdown call, then the same call once the server has answered with its own close_notify'),
  CLOSE_WITH_ECHO,
  {
    name: 'two-records-one-read',
    title: 'two application-data records arrive together: what one read returns, and the next',
    server: { clientAuth: 'none', replyRecords: ['one', 'two'] },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'wait' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
  },
  tls12Twin(
    CLOSE_WITH_ECHO,
    "close-with-echo under TLS 1.2: the close_notify's record type is alert on the wire (in TLS 1.3 it is hidden as application_data), which Go's Read looks at",
  ),
  tls12Twin(WRITE_AFTER_CLOSE_NOTIFY, "write-after-close-notify under TLS 1.2: a write after the server's close_notify has been read"),
  tls12Twin(HANGUP_AFTER_ECHO, 'hangup-after-echo under TLS 1.2: the server closes TCP without close_notify after its answer'),
  {
    name: 'tls12-downgrade',
    title:
      'an attacker strips supported_versions: the client finds DOWNGRD\\x01 in a TLS 1.2 ServerHello and aborts (RFC 8446 asks for illegal_parameter; what each library sends is in its test)',
    server: { downgrade: true, clientAuth: 'none', echo: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  // The client judges the server (RFC 8446 §4.4.2.4): verification as each library's client does it.
  {
    name: 'server-cert-verified',
    title: "the client verifies the server's certificate: it chains to the CA the client trusts",
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    verifyServer: 'trusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  {
    name: 'server-cert-untrusted',
    title: "the client rejects the server's certificate: it chains to no CA the client trusts (its alert, if any, is the library's own: see its test)",
    server: { clientAuth: 'none', echo: true },
    clientCert: 'none',
    verifyServer: 'untrusted',
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  },
  SERVER_CV_BAD,
  tls12Twin(
    SERVER_CV_BAD,
    "server-cv-bad under TLS 1.2: the server's ServerKeyExchange signature does not verify (RFC 5246 §7.4.3; TLS 1.2 has no CertificateVerify from the server)",
  ),
  ...SERVER_SIDE_CASES,
  // The scenarios' twins: each scenario's calls through each lens, held against a real run.
  ...SCENARIO_TWIN_CASES,
];

/** `c` under TLS 1.2: the server speaks only TLS 1.2; the same script and client certificate. */
function tls12Twin(c: DiffCase, title: string): DiffCase {
  return { ...c, name: `tls12-${c.name}`, title, server: { ...c.server, version: 'TLSv1.2' } };
}

/** The TLS 1.2 twins: same server program and client certificate as the 1.3 case, script connect, write, read. */
function tls12Twins(): DiffCase[] {
  const twins: Array<[string, string, Partial<ServerProgram>, DiffCase['clientCert']]> = [
    ['tls12-accepted', 'TLS 1.2: client certificate accepted', {}, 'trusted'],
    ['tls12-cert-unknown-ca', 'TLS 1.2: client certificate from an unknown CA (unknown_ca)', {}, 'untrusted'],
    ['tls12-cert-rejected', "TLS 1.2: client certificate rejected by the server's verifier (bad_certificate)", { reject: 'bad_certificate' }, 'trusted'],
    ['tls12-cv-rejected', 'TLS 1.2: CertificateVerify rejected (decrypt_error)', { reject: 'decrypt_error' }, 'trusted'],
    // RFC 5246 §7.4.6: no certificate where one is required is a fatal handshake_failure (TLS 1.2 has no certificate_required).
    ['tls12-cert-missing', 'TLS 1.2: no client certificate where one is required (handshake_failure)', {}, 'none'],
  ];
  return twins.map(([name, title, extra, clientCert]) => ({
    name,
    title,
    server: { version: 'TLSv1.2', clientAuth: 'require', echo: true, ...extra },
    clientCert,
    script: [{ op: 'connect' }, { op: 'write', data: PING }, { op: 'read', n: 1024 }],
  }));
}

export function diffCase(name: string): DiffCase {
  const c = DIFF_CASES.find((x) => x.name === name);
  if (c === undefined) throw new Error(`unknown differential case '${name}' (known: ${DIFF_CASES.map((x) => x.name).join(', ')})`);
  return c;
}

/**
 * The client's 0-RTT data: our client's program's (the library serving), or what the
 * library's client writes with its write_early step (its endpoint here sends it at start).
 */
export function earlyDataOf(c: DiffCase): string | undefined {
  if (c.side === 'server') return c.client?.earlyData;
  const step = c.script.find((s) => s.op === 'write_early');
  return step?.op === 'write_early' ? step.data : undefined;
}

/** The bytes of that 0-RTT data. */
export function earlyBytesOf(c: DiffCase): number {
  const early = earlyDataOf(c);
  return early === undefined ? 0 : new TextEncoder().encode(early).length;
}

/** Drops the first `skip.left` bytes of a read (the early data a server leaves unanswered); what is left to answer. */
export function afterEarly(d: Uint8Array, skip: { left: number }): Uint8Array {
  const dropped = Math.min(skip.left, d.length);
  skip.left -= dropped;
  return d.subarray(dropped);
}
