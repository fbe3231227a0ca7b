/**
 * Client authentication (RFC 8446 §4.3.2, §4.4.2, §4.4.3) and "the SSL_connect question":
 * after SSL_connect returns, did the server accept my certificate? The client's handshake
 * completes when it sends its Finished, before the server has looked at its Certificate
 * and CertificateVerify; a rejection can only reach it later, on a read.
 */
import { utf8 } from './build.js';
import { CONNECT_OK, inOtherLenses } from './lens-words.js';
import { BOTH_BLOCKING } from './handshake.js';
import { registerSpecScenario, specSim, type ProgramOp, type ScenarioSpec } from './spec.js';

import { HALF_RTT_GREETING, REQUEST, RESPONSE } from './app-data.js';

export { REQUEST, RESPONSE };

/** Both sides through the lens: the client's request, the server's response, then the clock runs out. */
export const REQUEST_RESPONSE: readonly ProgramOp[] = [
  ...BOTH_BLOCKING,
  { op: 'connect', side: 'client' },
  { op: 'write', side: 'client', data: REQUEST },
  { op: 'accept', side: 'server' },
  { op: 'read', side: 'server', max: 1024 },
  { op: 'write', side: 'server', data: RESPONSE },
  { op: 'read', side: 'client', max: 1024 },
  { op: 'run' },
];

/** The client alone through the lens: connect, the request, then a read that meets the server's verdict. */
export const CLIENT_REQUEST: readonly ProgramOp[] = [
  { op: 'lens', side: 'client', blocking: true },
  { op: 'connect', side: 'client' },
  { op: 'write', side: 'client', data: REQUEST },
  { op: 'read', side: 'client', max: 1024 },
  { op: 'run' },
];

/** REQUEST_RESPONSE, and the server's application asks for the client's certificate once its accept has returned. */
export const REQUEST_RESPONSE_PEER_CERT: readonly ProgramOp[] = REQUEST_RESPONSE.flatMap((p) =>
  p.op === 'accept' ? [p, { op: 'peerCert', side: 'server' } as const] : [p],
);

export const CLIENT_AUTH: ScenarioSpec = {
  name: 'client-auth',
  client: { certificate: 'client' },
  server: { clientAuth: 'require' },
  program: REQUEST_RESPONSE_PEER_CERT,
  notes: [
    { after: 'start', text: 'The server requires a client certificate; the client has one signed by the CA the server trusts.' },
    {
      after: { event: 'record_sent', side: 'server', message: 'certificate_request' },
      text: "CertificateRequest (§4.3.2), inside the server's first flight: the client must answer with Certificate and CertificateVerify before its Finished.",
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ The client is complete as soon as it sends Certificate, CertificateVerify and Finished (§4.4.4): it has not heard what the server thinks of them.',
    },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: "connect() returns ok: the server's verdict is still unknown to the client." },
    {
      after: { event: 'record_received', side: 'server', message: 'certificate_verify' },
      text: 'Half a round trip later the server checks the chain and the CertificateVerify signature (§4.4.3) — both good.',
    },
    { after: { event: 'handshake_complete', side: 'server' }, text: "★ The server accepts the client's Finished: complete for the server." },
    {
      after: { event: 'app_call', side: 'server', call: 'peer_cert' },
      text: "Once its accept has returned, the server's application can see the client's certificate. The client's application has no call that tells it the server's verdict.",
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
      text: "Application data from the server after the client's Finished is the client's first evidence that it was accepted.",
    },
  ],
};

registerSpecScenario(CLIENT_AUTH, 'Mutual authentication (RFC 8446 §4.3.2): the server requires and accepts a client certificate', (seed, opts) => ({
  sim: specSim(CLIENT_AUTH, seed, { crypto: opts?.crypto }),
  app: {
    client: [{ call: 'connect' }, { call: 'write', data: utf8(REQUEST) }, { call: 'read', max: 1024 }],
    server: [{ call: 'accept' }, { call: 'read', max: 1024 }, { call: 'write', data: utf8(RESPONSE) }],
  },
}));

export const CLIENT_CERT_REJECTED: ScenarioSpec = {
  name: 'client-cert-rejected',
  client: { certificate: 'client' },
  server: { clientAuth: 'require', verdict: { reject: 'bad_certificate' } },
  program: CLIENT_REQUEST,
  notes: [
    { after: 'start', text: 'The server requires a client certificate and its verifier rejects the one it gets (e.g. revoked, or not on an allow-list).' },
    { after: { event: 'handshake_complete', side: 'client' }, text: '★ The client completes on sending its Finished (§4.4.4).' },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok: nothing yet says the certificate is unwelcome.' },
    {
      after: { event: 'app_call', side: 'client', call: 'write' },
      text: 'write() → ok too: the request leaves under application keys, toward a server that is about to reject us.',
    },
    {
      after: { event: 'alert_sent', side: 'server' },
      text: 'The server rejects the certificate with bad_certificate (§6.2). It has already installed its application write keys, so the alert goes under them.',
    },
    { after: { event: 'alert_received', side: 'client' }, text: 'The alert reaches the client one trip later…' },
    {
      after: { event: 'app_call', side: 'client', call: 'read' },
      text: '…and only a read() surfaces it: error(bad_certificate). This is the answer to the SSL_connect question.',
      lenses: inOtherLenses(
        (l) =>
          `…and only a read() surfaces it: error(bad_certificate). ${CONNECT_OK[l][0]!.toUpperCase()}${CONNECT_OK[l].slice(1)} did not mean that the server accepted the certificate.`,
      ),
    },
  ],
};

registerSpecScenario(CLIENT_CERT_REJECTED, "The server's verifier rejects the client certificate: bad_certificate reaches the client on read");

/**
 * The server drops a client it will not have, without an alert: it closes TCP with no
 * close_notify (Simulation.hangUp) once its handshake is complete, as Node's tls server does
 * when the client certificate fails its check (docs/interop.md, note 3).
 */
export const CLIENT_CERT_DROPPED: ScenarioSpec = {
  name: 'client-cert-dropped',
  client: { certificate: 'client' },
  server: { clientAuth: 'require' },
  program: [{ op: 'hangUp', side: 'server', state: 'CONNECTED' }, ...CLIENT_REQUEST],
  notes: [
    {
      after: 'start',
      text: "The server requires a client certificate. Its application judges it after the handshake and drops a client it will not have: no alert, the connection just closes (Node's tls server does this).",
    },
    { after: { event: 'handshake_complete', side: 'client' }, text: '★ The client completes on sending its Finished (§4.4.4).' },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok.' },
    {
      after: { event: 'note', fact: 'hang_up' },
      text: "The server's handshake is complete; its application does not want this certificate and closes TCP: no alert, no close_notify (§6.1 calls that a truncation).",
    },
    {
      after: { event: 'note', side: 'client', fact: 'tcp_fin' },
      text: "The FIN reaches the client: the end of the server's byte stream, and nothing says why.",
    },
    {
      after: { event: 'app_call', side: 'client', call: 'read' },
      text: 'The read meets the end of the stream. libssl reports it (unexpected eof while reading); through Python, Go or Node it looks like a clean close (--lens python).',
      lenses: {
        go: 'The read meets the end of the stream: Conn.Read → 0, EOF, as for a clean close. Nothing says the server left without close_notify; OpenSSL and GnuTLS do say so (--lens openssl).',
        python:
          'The read meets the end of the stream: recv() → 0 bytes, as for a clean close. Nothing says the server left without close_notify; OpenSSL and GnuTLS do say so (--lens openssl).',
        node: "The read meets the end of the stream: 'end' fires, as for a clean close. Nothing says the server left without close_notify; OpenSSL and GnuTLS do say so (--lens openssl).",
        rustls:
          'The read meets the end of the stream: Stream::read → Ok(0), as for a clean close. Nothing says the server left without close_notify; OpenSSL and GnuTLS do say so (--lens openssl).',
        gnutls:
          'The read meets the end of the stream, and GnuTLS says it came without close_notify (GNUTLS_E_PREMATURE_TERMINATION), as OpenSSL does; through Python, Go, Node or rustls it looks like a clean close (--lens python).',
      },
    },
  ],
};

registerSpecScenario(CLIENT_CERT_DROPPED, 'The server drops the client without an alert (a FIN, no close_notify): the read meets a bare end of stream');

/**
 * The server's handshake timer fires before it reads the client's second flight (as `serve`
 * does on a handshake timeout): its application cancels — user_canceled, then close_notify
 * (RFC 8446 §6.1) — and closes TCP. The differential case server-times-out runs the same
 * against the six real libraries.
 */
export const SERVER_HANDSHAKE_TIMEOUT: ScenarioSpec = {
  name: 'server-handshake-timeout',
  client: { certificate: 'client' },
  server: { clientAuth: 'require' },
  program: [{ op: 'cancel', side: 'server', state: 'WAIT_FLIGHT2' }, ...CLIENT_REQUEST],
  notes: [
    {
      after: 'start',
      text: "The server requires a client certificate, but gives up on the handshake once its flight is out: its handshake timer fires before the client's certificate has been judged (here at once, as with a slow client).",
    },
    {
      after: { event: 'note', fact: 'hang_up' },
      text: "The server cancels: user_canceled, then close_notify (§6.1), both warnings, under its application keys; then it closes TCP. The client's certificate is never looked at.",
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ The client completes on sending its Finished (§4.4.4), into a server that has already given up.',
    },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok.' },
    {
      after: { event: 'app_call', side: 'client', call: 'read' },
      text: 'The read meets the close_notify: libssl ignores the user_canceled and reports an orderly close, as Python, Node and rustls do. Go and GnuTLS report the user_canceled (--lens go).',
      lenses: {
        python:
          'The read meets the close_notify: libssl, under Python, ignores the user_canceled and reports an orderly close (recv() → 0 bytes), as Node and rustls do. Go and GnuTLS report the user_canceled (--lens go).',
        node: "The read meets the close_notify: OpenSSL, under Node, ignores the user_canceled and reports an orderly close ('end'), as Python and rustls do. Go and GnuTLS report the user_canceled (--lens go).",
        rustls:
          'The read meets the close_notify: rustls ignores the user_canceled and reports an orderly close (Stream::read → Ok(0)), as OpenSSL, Python and Node do. Go and GnuTLS report the user_canceled (--lens go).',
        go: 'The read meets the user_canceled first and reports it as an error (remote error: tls: user canceled), as GnuTLS does. OpenSSL, Python, Node and rustls ignore it and report the close_notify: an orderly close (--lens openssl).',
        gnutls:
          'The read meets the user_canceled first and reports it as a fatal alert (GNUTLS_E_FATAL_ALERT_RECEIVED), as Go does. OpenSSL, Python, Node and rustls ignore it and report the close_notify: an orderly close (--lens openssl).',
      },
    },
  ],
};

registerSpecScenario(
  SERVER_HANDSHAKE_TIMEOUT,
  "The server's handshake timer fires before it judges the client: user_canceled and close_notify; most libraries read an orderly close",
);

/**
 * A client certificate presented with a private key that does not match it: the client's
 * CertificateVerify signature cannot verify under the certificate's key (§4.4.3).
 */
export const CLIENT_CV_REJECTED: ScenarioSpec = {
  name: 'client-cv-rejected',
  client: { certificate: 'client-stray-key' },
  server: { clientAuth: 'require' },
  program: CLIENT_REQUEST,
  notes: [
    {
      after: 'start',
      text: 'The server requires a client certificate. The client presents a valid certificate but signs its CertificateVerify with a key that does not match it.',
    },
    {
      after: { event: 'record_sent', side: 'client', message: 'certificate_verify' },
      text: 'The client sends Certificate, CertificateVerify and Finished in one flight (§4.4): it cannot know its signature is bad.',
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ The client has sent and received Finished: its handshake is complete (§4.4.4) — before the server has even received its CertificateVerify.',
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: "connect() → ok. SSL_connect returning 1 says nothing about the server's verdict on the client.",
      lenses: inOtherLenses((l) => `connect() → ok. ${CONNECT_OK[l]} says nothing about the server's verdict on the client.`),
    },
    { after: { event: 'app_call', side: 'client', call: 'write' }, text: 'write() → ok: the request is encrypted under application keys and sent.' },
    {
      after: { event: 'record_received', side: 'server', message: 'certificate_verify' },
      text: "The server checks the CertificateVerify signature against the certificate's public key (§4.4.3): it does not verify.",
    },
    {
      after: { event: 'alert_sent', side: 'server' },
      text: 'The server sends decrypt_error (§6.2: "A handshake (not record layer) cryptographic operation failed, including being unable to correctly verify a signature"), under its application keys — its handshake never completes.',
    },
    { after: { event: 'alert_received', side: 'client' }, text: 'The alert arrives at the client, one trip after connect() returned ok.' },
    {
      after: { event: 'app_call', side: 'client', call: 'read' },
      text: "The client's next read() returns error(decrypt_error): the first moment its application learns the handshake failed.",
    },
  ],
};

registerSpecScenario(
  CLIENT_CV_REJECTED,
  "The client's CertificateVerify fails: connect() and write() are ok, the next read() is error(decrypt_error)",
  (seed, opts) => ({
    sim: specSim(CLIENT_CV_REJECTED, seed, { crypto: opts?.crypto }),
    app: { client: [{ call: 'connect' }, { call: 'write', data: utf8(REQUEST) }, { call: 'read', max: 1024 }], server: [] },
    rejection: { alert: 'decrypt_error', epoch: 'application' },
  }),
);

export const CLIENT_CERT_MISSING: ScenarioSpec = {
  name: 'client-cert-missing',
  client: {},
  server: { clientAuth: 'require' },
  program: [{ op: 'lens', side: 'client', blocking: true }, { op: 'connect', side: 'client' }, { op: 'read', side: 'client', max: 1024 }, { op: 'run' }],
  notes: [
    { after: 'start', text: 'The server requires a client certificate; the client has none.' },
    {
      after: { event: 'record_sent', side: 'client', message: 'certificate' },
      text: 'Asked for a certificate, the client MUST still answer with a Certificate message — an empty one (§4.4.2) — and no CertificateVerify.',
    },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok: the client completed its side of the handshake.' },
    {
      after: { event: 'alert_sent', side: 'server' },
      text: 'The server aborts with certificate_required (§4.4.2.4: "If the client does not send any certificates … the server MAY … abort the handshake with a \'certificate_required\' alert").',
    },
    { after: { event: 'app_call', side: 'client', call: 'read' }, text: 'The client learns it on its next read().' },
  ],
};

registerSpecScenario(CLIENT_CERT_MISSING, 'The server requires a client certificate and gets none: certificate_required (RFC 8446 §4.4.2.4)');

export const CLIENT_CERT_IGNORED: ScenarioSpec = {
  name: 'client-cert-ignored',
  client: { certificate: 'client' },
  server: { clientAuth: 'request', verdict: 'ignore' },
  program: REQUEST_RESPONSE,
  notes: [
    { after: 'start', text: 'The server requests (does not require) a client certificate, and its verifier decides to ignore the one it gets.' },
    {
      after: { event: 'record_sent', side: 'client', message: 'certificate_verify' },
      text: 'The client authenticates as asked: Certificate, CertificateVerify, Finished.',
    },
    {
      after: { event: 'handshake_complete', side: 'server' },
      text: '★ The server completes as if no certificate had been sent (§4.4.2.4 leaves this to the server): the peer is treated as anonymous.',
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
      text: 'The client sees only that the server went on. Nothing on the wire tells it the certificate was ignored rather than accepted.',
    },
  ],
};

registerSpecScenario(CLIENT_CERT_IGNORED, 'The server requests a certificate and its verifier ignores it: the connection goes on unauthenticated');

/**
 * The server writes as soon as its first flight is out (0.5-RTT, §2.3), before it has read
 * the client's Certificate, CertificateVerify and Finished.
 */
export const HALF_RTT_THEN_REJECTED: ScenarioSpec = {
  name: 'half-rtt-then-rejected',
  client: { certificate: 'client' },
  server: { clientAuth: 'require', verdict: { reject: 'bad_certificate' } },
  program: [
    { op: 'sendOnState', side: 'server', state: 'WAIT_FLIGHT2', data: HALF_RTT_GREETING },
    { op: 'lens', side: 'client', blocking: true },
    { op: 'connect', side: 'client' },
    { op: 'read', side: 'client', max: 1024 },
    { op: 'read', side: 'client', max: 1024 },
    { op: 'run' },
  ],
  notes: [
    {
      after: 'start',
      text: 'The server requires a client certificate and will reject the one it gets; but it greets the client as soon as its own flight is out, as 0.5-RTT data (§2.3).',
    },
    {
      after: { event: 'record_sent', side: 'server', innerType: 'application_data' },
      text: "The greeting leaves under the server's application keys before the server has seen anything of the client's second flight.",
    },
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok: the client has sent Certificate, CertificateVerify and Finished.' },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
      text: "The first read returns the greeting. Application data after the client's Finished looks like acceptance — but a server may send it in 0.5-RTT, before judging: the ledger says presumed, not known.",
    },
    {
      after: { event: 'alert_sent', side: 'server' },
      text: "Meanwhile the server reads the client's flight and rejects the certificate: bad_certificate, under its application keys.",
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'rejected' },
      text: 'The second read meets the alert: the presumption is overturned. Only an alert, or a NewSessionTicket after a CertificateRequest, is knowledge.',
    },
  ],
};

registerSpecScenario(
  HALF_RTT_THEN_REJECTED,
  'The server answers in 0.5-RTT, then rejects the client certificate: data first (acceptance presumed), the alert next',
);
