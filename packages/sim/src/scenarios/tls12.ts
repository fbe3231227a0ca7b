/**
 * TLS 1.2 (RFC 5246) twins of the client-authentication scenarios, and the RFC 8446 §4.1.3
 * downgrade protection. In a full TLS 1.2 handshake (RFC 5246 §7.3) the client sends its
 * Certificate, CertificateVerify and Finished before it receives the server's Finished: the
 * server's verdict reaches the client while connect() is still running. In TLS 1.3 the
 * client has the server's Finished before it sends its own (client-auth.ts): the verdict
 * can only surface on a later call. `tls13sim compare` shows each pair side by side.
 */
import { utf8 } from './build.js';
import { CLIENT_AUTH, CLIENT_CERT_REJECTED, CLIENT_CV_REJECTED, CLIENT_REQUEST, REQUEST, REQUEST_RESPONSE_PEER_CERT, RESPONSE } from './client-auth.js';
import { CONNECT_FAILS, inOtherLenses } from './lens-words.js';
import { registerSpecScenario, specSim, type NoteSpec, type ScenarioSpec } from './spec.js';

const TLS12_ONLY = ['TLSv1.2'] as const;
const BOTH_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/** The twins' 1.3 scenario for each TLS 1.2 one (`tls13sim compare` takes either name). */
export const TLS12_TWINS: Readonly<Record<string, string>> = {
  'tls12-client-auth': CLIENT_AUTH.name,
  'tls12-client-cert-rejected': CLIENT_CERT_REJECTED.name,
  'tls12-client-cv-rejected': CLIENT_CV_REJECTED.name,
};

/** The notes every TLS 1.2 client-authentication twin shares: the flights and the key switch. */
const FLIGHTS: readonly NoteSpec[] = [
  {
    after: { event: 'record_sent', side: 'server', message: 'server_hello_done' },
    text: "The server's first flight, all plaintext: ServerHello, Certificate, ServerKeyExchange, CertificateRequest (RFC 5246 §7.4.4), ServerHelloDone. No Finished: in TLS 1.2 the server's Finished comes last (§7.3).",
  },
  {
    after: { event: 'record_sent', side: 'client', message: 'certificate_verify' },
    text: "The client answers with Certificate, ClientKeyExchange and CertificateVerify (§7.4.6, §7.4.7, §7.4.8), then ChangeCipherSpec and its Finished — all before it has seen the server's Finished.",
  },
  {
    after: { event: 'keys_installed', side: 'client', epoch: 'tls12' },
    text: 'ChangeCipherSpec is the real key switch in TLS 1.2 (§7.1): every record the client sends after it is protected under the tls12 keys, drawn ‹…›.',
  },
  {
    after: { event: 'state', side: 'client', to: 'WAIT_CCS' },
    text: "The client waits for the server's ChangeCipherSpec and Finished: its handshake is not complete, and connect() has not returned.",
  },
];

export const TLS12_CLIENT_AUTH: ScenarioSpec = {
  name: 'tls12-client-auth',
  client: { ...CLIENT_AUTH.client, versions: TLS12_ONLY },
  server: { ...CLIENT_AUTH.server, versions: TLS12_ONLY },
  program: REQUEST_RESPONSE_PEER_CERT,
  notes: [
    {
      after: 'start',
      text: 'client-auth under TLS 1.2 (RFC 5246): the server requires a client certificate and accepts it. Both endpoints speak TLS 1.2 only.',
    },
    ...FLIGHTS,
    {
      after: { event: 'record_received', side: 'server', message: 'certificate_verify' },
      text: "The server checks the chain and the CertificateVerify signature (§7.4.8) — both good — then the client's Finished (§7.4.9).",
    },
    {
      after: { event: 'handshake_complete', side: 'server' },
      text: "★ Only now does the server send its ChangeCipherSpec and Finished: it has judged the client's certificate and verified its Finished.",
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
      text: "The client verifies the server's Finished: it KNOWS it was accepted (RFC 5246 §7.4.9: the server sent it only after verifying everything the client sent) — before its own handshake is complete.",
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: 'connect() → ok, and this time it means the server accepted the client certificate: the verdict came inside connect().',
    },
    {
      after: { event: 'app_call', side: 'server', call: 'peer_cert' },
      text: "As under TLS 1.3, the server's application can see the client's certificate once its accept has returned; under TLS 1.2 the client's connect() has told it the verdict as well.",
    },
  ],
};

registerSpecScenario(
  TLS12_CLIENT_AUTH,
  'client-auth under TLS 1.2 (RFC 5246): the acceptance is known inside connect(), from the server Finished',
  (seed, opts) => ({
    sim: specSim(TLS12_CLIENT_AUTH, seed, { crypto: opts?.crypto }),
    app: {
      client: [{ call: 'connect' }, { call: 'write', data: utf8(REQUEST) }, { call: 'read', max: 1024 }],
      server: [{ call: 'accept' }, { call: 'read', max: 1024 }, { call: 'write', data: utf8(RESPONSE) }],
    },
    version: 'TLSv1.2',
  }),
);

export const TLS12_CLIENT_CERT_REJECTED: ScenarioSpec = {
  name: 'tls12-client-cert-rejected',
  client: { ...CLIENT_CERT_REJECTED.client, versions: TLS12_ONLY },
  server: { ...CLIENT_CERT_REJECTED.server, versions: TLS12_ONLY },
  program: CLIENT_REQUEST,
  notes: [
    {
      after: 'start',
      text: 'client-cert-rejected under TLS 1.2 (RFC 5246): the server requires a client certificate and its verifier rejects the one it gets. Both endpoints speak TLS 1.2 only.',
    },
    ...FLIGHTS,
    {
      after: { event: 'alert_sent', side: 'server' },
      text: "The server rejects the certificate with bad_certificate (RFC 5246 §7.2.2). It has not switched keys (its ChangeCipherSpec would come after the client's Finished), so the alert goes in plaintext.",
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'rejected' },
      text: 'The client reads the alert while still inside connect(). A plaintext alert is unauthenticated — anyone on the path could send one — so the ledger says presumed, not known.',
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: 'connect() itself returns the error. Unlike TLS 1.3 (client-cert-rejected), nothing is left for a later read to discover.',
    },
  ],
};

registerSpecScenario(
  TLS12_CLIENT_CERT_REJECTED,
  'client-cert-rejected under TLS 1.2: bad_certificate arrives in plaintext while connect() runs, and connect() fails',
);

export const TLS12_CLIENT_CV_REJECTED: ScenarioSpec = {
  name: 'tls12-client-cv-rejected',
  client: { ...CLIENT_CV_REJECTED.client, versions: TLS12_ONLY },
  server: { ...CLIENT_CV_REJECTED.server, versions: TLS12_ONLY },
  program: CLIENT_REQUEST,
  notes: [
    {
      after: 'start',
      text: 'client-cv-rejected under TLS 1.2 (RFC 5246): the client presents a valid certificate but signs its CertificateVerify with a key that does not match it. Both endpoints speak TLS 1.2 only.',
    },
    ...FLIGHTS,
    {
      after: { event: 'record_received', side: 'server', message: 'certificate_verify' },
      text: "The server checks the CertificateVerify signature against the certificate's public key (RFC 5246 §7.4.8): it does not verify.",
    },
    {
      after: { event: 'alert_sent', side: 'server' },
      text: 'The server sends decrypt_error (RFC 5246 §7.2.2: "A handshake cryptographic operation failed, including being unable to correctly verify a signature"), in plaintext: it has not switched keys.',
    },
    {
      after: { event: 'peer_verdict', side: 'client', verdict: 'rejected' },
      text: 'The client reads the alert while still inside connect(). In plaintext it is unauthenticated: the ledger says presumed, not known.',
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: 'connect() itself returns error(decrypt_error): SSL_connect → -1. In TLS 1.3 (client-cv-rejected) connect() and write() are ok and only the next read() fails; here nothing is left for a later read to discover.',
      lenses: inOtherLenses(
        (l) =>
          `connect() itself returns error(decrypt_error): ${CONNECT_FAILS[l]}. In TLS 1.3 (client-cv-rejected) connect() and write() are ok and only the next read() fails; here nothing is left for a later read to discover.`,
      ),
    },
  ],
};

registerSpecScenario(
  TLS12_CLIENT_CV_REJECTED,
  "client-cv-rejected under TLS 1.2: the client's bad CertificateVerify is rejected while connect() runs, and connect() fails",
  (seed, opts) => ({
    sim: specSim(TLS12_CLIENT_CV_REJECTED, seed, { crypto: opts?.crypto }),
    app: { client: [{ call: 'connect' }], server: [] },
    // RFC 5246 §7.3: the verdict precedes the server's ChangeCipherSpec, so it is plaintext and reaches connect().
    rejection: { alert: 'decrypt_error', epoch: 'plaintext' },
    version: 'TLSv1.2',
  }),
);

export const DOWNGRADE_DETECTED: ScenarioSpec = {
  name: 'downgrade-detected',
  client: { versions: BOTH_VERSIONS },
  server: { versions: BOTH_VERSIONS },
  program: [
    { op: 'rewrite', direction: 'client_to_server', nth: 0, rewrite: 'strip_supported_versions' },
    { op: 'lens', side: 'client', blocking: true },
    { op: 'connect', side: 'client' },
    { op: 'run' },
  ],
  notes: [
    {
      after: 'start',
      text: "Client and server both speak TLS 1.2 and TLS 1.3 (RFC 8446 §4.2.1). An attacker on the path rewrites the ClientHello in flight: it strips supported_versions, so the hello reads as a TLS 1.2 client's.",
    },
    {
      after: { event: 'delivered', side: 'network' },
      text: 'The rewritten ClientHello reaches the server: fewer bytes than were sent, no supported_versions (the trace records the rewrite as an inject fault, so the run replays byte for byte).',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'server_hello' },
      text: 'Without supported_versions the ClientHello offers TLS 1.2 at most (§4.2.1), so the server negotiates TLS 1.2. Being TLS 1.3-capable it MUST end ServerHello.random with DOWNGRD\\x01, 44 4F 57 4E 47 52 44 01 (§4.1.3).',
    },
    {
      after: { event: 'alert_sent', side: 'client' },
      text: 'The client offered TLS 1.3 and got a TLS 1.2 ServerHello carrying the sentinel: "If a match is found, the client MUST abort the handshake with an "illegal_parameter" alert" (§4.1.3). The attacker cannot remove the sentinel: the ServerKeyExchange signs both randoms.',
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: 'connect() fails: the downgrade is caught at the ServerHello, before any key is derived — earlier than the Finished exchange would have caught it.',
    },
  ],
};

registerSpecScenario(
  DOWNGRADE_DETECTED,
  'An attacker strips supported_versions: the server answers TLS 1.2 with DOWNGRD\\x01, the client aborts (RFC 8446 §4.1.3)',
);
