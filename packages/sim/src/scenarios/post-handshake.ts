/**
 * Post-handshake client authentication (RFC 8446 §4.6.2): the server asks for a client
 * certificate on an established connection (as `openssl s_server` does for a protected
 * resource), and the client answers under its application keys.
 */
import { SECRET_REQUEST, SECRET_RESPONSE, STILL_TALKING } from './app-data.js';
import { BOTH_BLOCKING } from './handshake.js';
import { leftOutIn } from './lens-words.js';
import { registerSpecScenario, type ProgramOp } from './spec.js';

/**
 * Connects, the client asks for a protected resource, and the server, having read the
 * request, asks for a certificate on the established connection (OpenSSL:
 * SSL_verify_client_post_handshake, then SSL_do_handshake, which sends the request).
 */
/**
 * Go 1.19, Node and rustls 0.20 have no post-handshake authentication (the run's first notes
 * say so): what their lenses show of the request and its answer is our endpoint's, so the
 * notes about the libraries' calls around it are left out.
 */
const NO_PHA = leftOutIn('go', 'node', 'rustls');

const PHA_START: readonly ProgramOp[] = [
  ...BOTH_BLOCKING,
  { op: 'connect', side: 'client' },
  { op: 'accept', side: 'server' },
  { op: 'write', side: 'client', data: SECRET_REQUEST },
  { op: 'read', side: 'server', max: 1024 },
  { op: 'requestClientAuth' },
];

registerSpecScenario(
  {
    name: 'post-handshake-auth',
    client: { certificate: 'client', postHandshakeAuth: true },
    server: {},
    program: [
      ...PHA_START,
      // The server goes non-blocking: a blocking read would wait for application data the
      // client will not send before it has the response.
      { op: 'blocking', side: 'server', value: false },
      // The CertificateRequest arrives in the client's socket buffer, unread; the library
      // reads it in the next read, answers, and finds no application data.
      { op: 'run' },
      { op: 'blocking', side: 'client', value: false },
      { op: 'read', side: 'client', max: 1024 },
      // The answer arrives in the server's buffer, unread: the server's application cannot see
      // a certificate until its next read has processed it.
      { op: 'run' },
      { op: 'peerCert', side: 'server' },
      { op: 'read', side: 'server', max: 1024 },
      { op: 'peerCert', side: 'server' },
      { op: 'write', side: 'server', data: SECRET_RESPONSE },
      { op: 'blocking', side: 'client', value: true },
      { op: 'read', side: 'client', max: 1024 },
    ],
    notes: [
      {
        after: 'start',
        text: 'The client offers post_handshake_auth in its ClientHello (§4.2.6) and has a certificate; the server does not ask for it during the handshake.',
      },
      {
        after: { event: 'app_call', side: 'server', call: 'read' },
        text: 'The request is for a protected resource: the server now wants to know who the client is.',
      },
      {
        after: { event: 'record_sent', side: 'server', message: 'certificate_request' },
        text: "A CertificateRequest under the server's application keys, with a fresh certificate_request_context (§4.3.2) that the client must echo.",
      },
      {
        after: { event: 'record_sent', side: 'client', message: 'certificate_verify' },
        text: "The client's library answers inside its next SSL_read — the only call that reads the socket: Certificate, CertificateVerify and a Finished over the handshake transcript plus this exchange (§4.4), all under application keys. The read itself finds no application data and returns SSL_ERROR_WANT_READ; a client that never reads never answers.",
        lenses: {
          ...NO_PHA,
          python:
            "The client's library answers inside its next recv() — the only call that reads the socket: Certificate, CertificateVerify and a Finished over the handshake transcript plus this exchange (§4.4), all under application keys. The read itself finds no application data and raises SSLWantReadError; a client that never reads never answers.",
          gnutls:
            'A GnuTLS client answers only when its application says so: a read returns GNUTLS_E_REAUTH_REQUEST, and gnutls_reauth sends Certificate, CertificateVerify and a Finished over the handshake transcript plus this exchange (§4.4), all under application keys. A client that never reads never learns of the request.',
        },
      },
      {
        after: { event: 'note', fact: 'post_handshake_auth_authenticated' },
        text: "Inside the server's non-blocking SSL_read, its library verified the chain, the signature and the Finished: the client is authenticated. The read finds no application data and returns SSL_ERROR_WANT_READ. A server that never reads never learns it, and a blocking read would wait for data the client is not sending.",
        lenses: {
          ...NO_PHA,
          python:
            "Inside the server's non-blocking recv(), its library verified the chain, the signature and the Finished: the client is authenticated. The read finds no application data and raises SSLWantReadError. A server that never reads never learns it, and a blocking read would wait for data the client is not sending.",
          gnutls:
            'Inside gnutls_reauth, which waits for the answer, GnuTLS verified the chain, the signature and the Finished: the client is authenticated when the call returns 0, with no read needed.',
        },
      },
      {
        after: { event: 'app_call', side: 'server', call: 'peer_cert' },
        text: "The client's answer has arrived but sits unread: the server's application still sees no certificate.",
        lenses: {
          ...NO_PHA,
          gnutls: "The server's application already sees the client's certificate: gnutls_reauth returned only once it had processed the answer.",
        },
      },
      {
        after: { event: 'app_call', side: 'server', call: 'peer_cert', nth: 1 },
        text: 'Only after the read does the server see the certificate: what it knows changed inside a call that returned no data.',
        lenses: { ...NO_PHA, gnutls: 'The read changed nothing: with GnuTLS, what the server knows changed inside gnutls_reauth, the call that asked.' },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 1 },
        text: "The response arrives as ordinary application data. Nothing told the client's application that it was authenticated in between.",
        lenses: NO_PHA,
      },
    ],
  },
  'Post-handshake authentication (RFC 8446 §4.6.2): the server asks for a certificate after the handshake',
);

registerSpecScenario(
  {
    name: 'post-handshake-auth-rejected',
    client: { certificate: 'client', postHandshakeAuth: true },
    server: { verdict: { reject: 'access_denied' } },
    program: [
      ...PHA_START,
      // As in post-handshake-auth, the server goes non-blocking.
      { op: 'blocking', side: 'server', value: false },
      // The CertificateRequest reaches the client's socket buffer, unread; SSL_write does not
      // read the socket.
      { op: 'run' },
      { op: 'write', side: 'client', data: STILL_TALKING },
      // A non-blocking read processes the request, answers, and finds no data.
      { op: 'blocking', side: 'client', value: false },
      { op: 'read', side: 'client', max: 1024 },
      // The server reads what came: the client's data, then its answer, which it refuses.
      { op: 'run' },
      { op: 'read', side: 'server', max: 1024 },
      { op: 'read', side: 'server', max: 1024 },
      { op: 'run' },
      { op: 'blocking', side: 'client', value: true },
      { op: 'read', side: 'client', max: 1024 },
    ],
    notes: [
      {
        after: 'start',
        text: 'As in post-handshake-auth, but the server\'s verifier refuses the client\'s certificate (access_denied, §6.2: "A valid certificate or PSK was received, but when access control was applied, the sender decided not to proceed").',
      },
      {
        after: { event: 'record_sent', side: 'server', message: 'certificate_request' },
        text: 'The server asks for a certificate on the established connection.',
      },
      {
        after: { event: 'record_sent', side: 'client', message: 'certificate_verify' },
        text: "Inside that non-blocking read() the client's library answers with Certificate, CertificateVerify and Finished, then finds no data: SSL_ERROR_WANT_READ. Its application never saw the request.",
        // Through GnuTLS the server's gnutls_reauth waits for the answer, and the client answers
        // while it waits, before the write below: not the moment this note explains.
        lenses: {
          ...NO_PHA,
          python:
            "Inside that non-blocking recv() the client's library answers with Certificate, CertificateVerify and Finished, then finds no data: SSLWantReadError. Its application never saw the request.",
          gnutls: null,
        },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'write', nth: 1 },
        text: "write() → ok. SSL_write never reads the socket, so the CertificateRequest is still unread in the client's buffer.",
        lenses: {
          ...NO_PHA,
          python: "write() → ok. send() never reads the socket, so the CertificateRequest is still unread in the client's buffer.",
          gnutls: null,
        },
      },
      {
        after: { event: 'app_call', side: 'server', call: 'read', nth: 1 },
        text: "SSL_read → 13: the client's second write, which left before its answer. The server reads it before it has judged the certificate.",
        lenses: {
          ...NO_PHA,
          python: "recv → 13 bytes: the client's second write, which left before its answer. The server reads it before it has judged the certificate.",
          // GnuTLS judged the certificate inside gnutls_reauth, before this read.
          gnutls: null,
        },
      },
      { after: { event: 'record_received', side: 'server', message: 'certificate' }, text: 'The server checks the certificate…' },
      {
        after: { event: 'alert_sent', side: 'server' },
        text: '…and refuses it with a fatal access_denied under its application keys: the connection is over.',
        lenses: {
          gnutls:
            '…and refuses it: gnutls_reauth returns GNUTLS_E_CERTIFICATE_ERROR. GnuTLS sends no alert of its own when gnutls_reauth refuses a certificate (real runs), so this access_denied is one its application sends with gnutls_alert_send. Without it the client is never told, and the session stays open.',
        },
      },
      {
        after: { event: 'app_call', side: 'server', call: 'read', nth: 2 },
        text: "The server's application learns of its own refusal from this read: SSL_read → -1, certificate verify failed. Its library has already sent the alert.",
        lenses: {
          ...NO_PHA,
          python:
            "A Python server cannot make this refusal: ssl has no verification callback, so it cannot refuse a certificate that its CA vouches for (the run's first notes). The refusal and this recv() are our endpoint's, worded as Python would word them.",
          gnutls: null,
        },
      },
      { after: { event: 'alert_received', side: 'client' }, text: 'The alert reaches the client one trip later.' },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 1 },
        text: "The client's application learns it only from its next read(): error(access_denied).",
        lenses: {
          ...NO_PHA,
          gnutls:
            "The client's application learned it from a read: gnutls_record_recv → GNUTLS_E_FATAL_ALERT_RECEIVED (access_denied). Every later call is GNUTLS_E_INVALID_SESSION.",
        },
      },
    ],
  },
  'The server rejects a certificate sent after the handshake: access_denied, seen by the client on a later read',
);
