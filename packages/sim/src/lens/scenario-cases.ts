/**
 * Every scenario's calls, through every lens, held against a real run. `tls13sim run
 * <scenario> --lens <lib>` shows what <lib>'s calls return at each moment; each side's
 * sequence of those calls must equal what <lib> really returned in a differential case that
 * plays the same situation (its twin), as recorded in test/differential/observed/<lib>.json
 * and checked there against the library on every test run. Where no real run stands behind a
 * side's calls, the check says why, and so does the scenario's trace, in a first note.
 *
 * The twins below are cases of their own (they run in every library's differential test);
 * some scenarios share an older case that already plays their situation. Which twin holds
 * which side, and why a side is not held, is in scenario-checks.ts.
 */
import {
  HALF_RTT_GREETING,
  PLAIN_RESPONSE,
  REQUEST,
  RESPONSE,
  SECRET_REQUEST,
  SECRET_RESPONSE,
  SERVER_GREETING,
  BEFORE_UPDATE,
  AFTER_UPDATE,
  KEY_UPDATE_ANSWER,
  STILL_TALKING,
  EARLY_ANSWER,
  EARLY_REQUEST,
} from '../scenarios/app-data.js';
import type { ClientProgram, DiffCase, ScriptStep } from './case-types.js';
import { NO_PHA, NO_0RTT } from './unchecked-why.js';
import { GNUTLS_REAUTH_SENDS_NO_ALERT, PYTHON_NO_VERIFY_CALLBACK } from './server-cases.js';

const REQUEST_THEN_READ: readonly ScriptStep[] = [{ op: 'connect' }, { op: 'write', data: REQUEST }, { op: 'read', n: 1024 }];
/** RFC 8448's application data is 50 bytes each way; the twins send 50 bytes of their own (only counts are reported). */
const FIFTY = 'fifty bytes of application data, as in RFC 8448...';
/** The RFC 8448 scenarios' client shuts down non-blocking, and calls again once the server's close_notify has come. */
const NONBLOCKING_SHUTDOWN: readonly ScriptStep[] = [{ op: 'nonblocking' }, { op: 'shutdown' }, { op: 'wait' }, { op: 'shutdown' }];

/** A scenario's own twin: `scenario-<name>`, with the scenario's data. */
function twin(scenario: string, c: Omit<DiffCase, 'name' | 'title'>): DiffCase {
  return { ...c, name: `scenario-${scenario}`, title: `the client's calls of the scenario ${scenario}, for real` };
}

/** The library serving, our client writing `request`, reading the answer and closing: a scenario's server calls. */
function servedTwin(
  scenario: string,
  server: DiffCase['server'],
  script: readonly ScriptStep[],
  request: string | null = REQUEST,
  client: Partial<ClientProgram> = {},
): DiffCase {
  return {
    name: `scenario-${scenario}-server`,
    title: `the server's calls of the scenario ${scenario}, for real`,
    side: 'server',
    client: { ...(request === null ? {} : { write: request }), end: 'close', ...client },
    server,
    clientCert: server.clientAuth === 'none' ? 'none' : 'trusted',
    script,
  };
}

/** The RFC 8448 scenarios' client closes with close_notify alone: the simulation sends no FIN after it. */
const RFC8448_CLOSE = { end: 'closeNotify' } as const;

/**
 * The server's side of a request/response scenario: it accepts, reads the request, answers;
 * with `peerCert`, its application asks for the client's certificate once its accept has returned.
 */
const answer = (response: string, peerCert = false): readonly ScriptStep[] => [
  { op: 'accept' },
  ...(peerCert ? [{ op: 'peer_cert' } as const] : []),
  { op: 'read', n: 1024 },
  { op: 'write', data: response },
];

export const SCENARIO_TWIN_CASES: readonly DiffCase[] = [
  twin('full-handshake', { server: { clientAuth: 'none', reply: PLAIN_RESPONSE }, clientCert: 'none', script: REQUEST_THEN_READ }),
  twin('client-auth', { server: { clientAuth: 'require', reply: RESPONSE }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('client-cert-ignored', { server: { clientAuth: 'request', reply: RESPONSE }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('client-cert-rejected', { server: { clientAuth: 'require', reject: 'bad_certificate' }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  // The scenario's client signs with a key that does not match its certificate; the twin's
  // server takes a good signature as bad: the client's library sees the same alert.
  twin('client-cv-rejected', { server: { clientAuth: 'require', reject: 'decrypt_error' }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('client-cert-dropped', { server: { clientAuth: 'require', hangUp: 'at-verdict' }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('server-handshake-timeout', { server: { clientAuth: 'require', cancel: 'at-flight2' }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('blocking-read-deadlock', { server: { clientAuth: 'require' }, clientCert: 'trusted', script: [{ op: 'connect' }, { op: 'read', n: 1024 }] }),
  twin('half-rtt-then-rejected', {
    server: { clientAuth: 'require', halfRtt: HALF_RTT_GREETING, reject: 'bad_certificate' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }],
  }),
  twin('zero-length-read', {
    server: { clientAuth: 'require', reject: 'bad_certificate' },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, { op: 'nonblocking' }, { op: 'read', n: 0 }, { op: 'read', n: 0 }, { op: 'wait' }, { op: 'read', n: 0 }, { op: 'read', n: 0 }],
  }),
  twin('nonblocking-read', {
    server: { clientAuth: 'none', greet: SERVER_GREETING, distant: true },
    clientCert: 'none',
    script: [
      { op: 'nonblocking' },
      { op: 'connect' },
      { op: 'connect' },
      { op: 'wait' },
      { op: 'connect' },
      { op: 'read', n: 1024 },
      { op: 'read', n: 1024 },
      { op: 'wait' },
      { op: 'read', n: 1024 },
    ],
  }),
  twin('post-handshake-auth-rejected', {
    server: { clientAuth: 'none', postHandshakeAuth: true, reject: 'access_denied' },
    clientCert: 'trusted',
    clientPha: true,
    script: [
      { op: 'connect' },
      { op: 'write', data: SECRET_REQUEST },
      { op: 'wait' },
      { op: 'write', data: STILL_TALKING },
      { op: 'nonblocking' },
      { op: 'read', n: 1024 },
      { op: 'wait' },
      { op: 'blocking' },
      { op: 'read', n: 1024 },
    ],
    unsupported: NO_PHA,
  }),
  // The CertificateRequest arrives unread; a non-blocking read answers it and finds no data;
  // the server, the client authenticated, answers the request; a blocking read gets it.
  twin('post-handshake-auth', {
    server: { clientAuth: 'none', postHandshakeAuth: true, afterAuth: SECRET_RESPONSE },
    clientCert: 'trusted',
    clientPha: true,
    script: [
      { op: 'connect' },
      { op: 'write', data: SECRET_REQUEST },
      { op: 'wait' },
      { op: 'nonblocking' },
      { op: 'read', n: 1024 },
      { op: 'wait' },
      { op: 'blocking' },
      { op: 'read', n: 1024 },
    ],
    unsupported: NO_PHA,
  }),
  // The tickets come after the client's Finished was judged; a read processes them and still has no data.
  twin('ticket-as-signal', {
    server: { clientAuth: 'require', tickets: 2 },
    clientCert: 'trusted',
    script: [
      { op: 'connect' },
      { op: 'nonblocking' },
      { op: 'read', n: 1024 },
      { op: 'wait' },
      { op: 'read', n: 1024 },
      { op: 'blocking' },
      { op: 'read', n: 1024 },
    ],
  }),
  // The client rekeys between its two writes and asks the server to rekey; the server answers.
  twin('key-update', {
    server: { clientAuth: 'none', reply: KEY_UPDATE_ANSWER },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: BEFORE_UPDATE }, { op: 'key_update' }, { op: 'write', data: AFTER_UPDATE }, { op: 'read', n: 1024 }],
  }),
  twin('downgrade-detected', { server: { downgrade: true, clientAuth: 'none' }, clientCert: 'none', script: [{ op: 'connect' }] }),
  twin('tls12-client-auth', { server: { version: 'TLSv1.2', clientAuth: 'require', reply: RESPONSE }, clientCert: 'trusted', script: REQUEST_THEN_READ }),
  twin('tls12-client-cert-rejected', {
    server: { version: 'TLSv1.2', clientAuth: 'require', reject: 'bad_certificate' },
    clientCert: 'trusted',
    script: REQUEST_THEN_READ,
  }),
  twin('tls12-client-cv-rejected', {
    server: { version: 'TLSv1.2', clientAuth: 'require', reject: 'decrypt_error' },
    clientCert: 'trusted',
    script: REQUEST_THEN_READ,
  }),
  // RFC 8448 §3 sends a NewSessionTicket and 50 bytes each way; §6 and §7 no data.
  twin('rfc8448-simple', {
    server: { clientAuth: 'none', echo: true, tickets: 1, distant: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, { op: 'write', data: FIFTY }, { op: 'read', n: 1024 }, ...NONBLOCKING_SHUTDOWN],
  }),
  twin('rfc8448-compat', { server: { clientAuth: 'none', distant: true }, clientCert: 'none', script: [{ op: 'connect' }, ...NONBLOCKING_SHUTDOWN] }),
  twin('rfc8448-client-auth', {
    server: { clientAuth: 'require', distant: true },
    clientCert: 'trusted',
    script: [{ op: 'connect' }, ...NONBLOCKING_SHUTDOWN],
  }),
  // HelloRetryRequest: the library's client sends an x25519 key share; the server takes only secp384r1.
  twin('hello-retry', { server: { clientAuth: 'none', groups: ['secp384r1'] }, clientCert: 'none', script: [{ op: 'connect' }] }),
  twin('rfc8448-hrr', {
    server: { clientAuth: 'none', groups: ['secp384r1'], distant: true },
    clientCert: 'none',
    script: [{ op: 'connect' }, ...NONBLOCKING_SHUTDOWN],
  }),
  // A second connection that resumes the first's session: the server's tickets, then the request.
  twin('resumption', {
    server: { clientAuth: 'none', tickets: 2 },
    clientCert: 'none',
    resume: true,
    script: [{ op: 'connect' }, { op: 'write', data: REQUEST }],
  }),
  // 0-RTT through the library's own calls (OpenSSL, GnuTLS, rustls), on a connection that resumes a ticket allowing early data.
  twin('early-data', {
    server: { clientAuth: 'none', tickets: 2, earlyData: 1024, halfRtt: EARLY_ANSWER },
    clientCert: 'none',
    resume: true,
    script: [{ op: 'write_early', data: EARLY_REQUEST }, { op: 'connect' }, { op: 'read', n: 1024 }],
  }),
  // The server declines the early data: the client writes the request again once connected.
  twin('early-data-rejected', {
    server: { clientAuth: 'none', tickets: 2, earlyData: 1024, declineEarlyData: true },
    clientCert: 'none',
    resume: true,
    script: [{ op: 'write_early', data: EARLY_REQUEST }, { op: 'connect' }, { op: 'write', data: EARLY_REQUEST }],
  }),
  // RFC 8448 §4's client: "ABCDEF" as early data on the resumed connection, then 50 bytes
  // each way; the server takes the early data without answering it, and echoes the 50 bytes.
  twin('rfc8448-resumed-0rtt', {
    server: { clientAuth: 'none', echo: true, earlyUnanswered: true, tickets: 1, earlyData: 1024, distant: true },
    clientCert: 'none',
    resume: true,
    script: [{ op: 'write_early', data: 'ABCDEF' }, { op: 'connect' }, { op: 'write', data: FIFTY }, { op: 'read', n: 1024 }, ...NONBLOCKING_SHUTDOWN],
  }),
  // The server's application can see no client certificate: it asked for none.
  servedTwin('full-handshake', { clientAuth: 'none' }, answer(PLAIN_RESPONSE, true)),
  {
    ...servedTwin('early-data', { clientAuth: 'none', tickets: 2, earlyData: 1024 }, [{ op: 'read_early', n: 1024 }, { op: 'accept' }], null, {
      earlyData: EARLY_REQUEST,
    }),
    resume: true,
  },
  // A server declines early data by not reading it (no read_early step): OpenSSL's SSL_accept
  // skips it; the rustls harness calls reject_early_data() first; GnuTLS's second session is
  // made without GNUTLS_ENABLE_EARLY_DATA (the first's tickets allow early data).
  {
    ...servedTwin(
      'early-data-rejected',
      { clientAuth: 'none', tickets: 2, earlyData: 1024, declineEarlyData: true },
      [{ op: 'accept' }, { op: 'read', n: 1024 }],
      EARLY_REQUEST,
      { earlyData: EARLY_REQUEST },
    ),
    resume: true,
    unsupported: NO_0RTT,
  },
  { ...servedTwin('resumption', { clientAuth: 'none', tickets: 2 }, [{ op: 'accept' }, { op: 'read', n: 1024 }]), resume: true },
  // The server's application asks for the client's certificate once its accept has returned.
  servedTwin('client-auth', { clientAuth: 'require' }, answer(RESPONSE, true)),
  // The library serving asks for a certificate once it has read the request; the answer has
  // come, but the server's application sees no certificate until a read (non-blocking) has
  // processed it and found no data; then the response.
  {
    ...servedTwin(
      'post-handshake-auth',
      { clientAuth: 'none', postHandshakeAuth: true },
      [
        { op: 'accept' },
        { op: 'read', n: 1024 },
        { op: 'request_auth' },
        { op: 'nonblocking' },
        { op: 'wait' },
        { op: 'peer_cert' },
        { op: 'read', n: 1024 },
        { op: 'peer_cert' },
        { op: 'write', data: SECRET_RESPONSE },
      ],
      SECRET_REQUEST,
    ),
    clientCert: 'trusted',
    clientPha: true,
  },
  // The library serving asks for a certificate once it has read the request; its non-blocking
  // reads find the client's second write, then the answer, which its application refuses (its
  // verify callback: the library's own alert goes out, not the scenario's access_denied).
  {
    ...servedTwin(
      'post-handshake-auth-rejected',
      { clientAuth: 'none', postHandshakeAuth: true, reject: 'access_denied' },
      [
        { op: 'accept' },
        { op: 'read', n: 1024 },
        { op: 'request_auth' },
        { op: 'nonblocking' },
        { op: 'wait' },
        { op: 'read', n: 1024 },
        { op: 'read', n: 1024 },
      ],
      SECRET_REQUEST,
      { alsoWrite: STILL_TALKING },
    ),
    clientCert: 'trusted',
    clientPha: true,
    unsupported: { gnutls: GNUTLS_REAUTH_SENDS_NO_ALERT, python: PYTHON_NO_VERIFY_CALLBACK },
  },
  // The server requests a certificate without requiring one; the client sends one and is served.
  servedTwin('client-cert-ignored', { clientAuth: 'request' }, answer(RESPONSE)),
  servedTwin('tls12-client-auth', { version: 'TLSv1.2', clientAuth: 'require' }, answer(RESPONSE, true)),
  // The library serving receives a KeyUpdate between the client's two writes, and answers.
  servedTwin(
    'key-update',
    { clientAuth: 'none' },
    [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'read', n: 1024 }, { op: 'write', data: KEY_UPDATE_ANSWER }],
    BEFORE_UPDATE,
    { rekeyThen: AFTER_UPDATE },
  ),
  // A non-blocking server: the ClientHello has come; its accept before the client's Finished, again after it, then its greeting.
  servedTwin(
    'nonblocking-read',
    { clientAuth: 'none' },
    [{ op: 'nonblocking' }, { op: 'wait' }, { op: 'accept' }, { op: 'wait' }, { op: 'accept' }, { op: 'write', data: SERVER_GREETING }],
    null,
    { awaitGreeting: true, distant: true },
  ),
  // RFC 8448 §6 and §7: no data; the client shuts down at once, the server once its close_notify
  // has come. In the RFC 8448 twins our client's close_notify brings no FIN, as in the scenarios.
  servedTwin('rfc8448-compat', { clientAuth: 'none' }, [{ op: 'accept' }, { op: 'wait' }, { op: 'shutdown' }], null, RFC8448_CLOSE),
  servedTwin('rfc8448-client-auth', { clientAuth: 'require' }, [{ op: 'accept' }, { op: 'wait' }, { op: 'shutdown' }], null, RFC8448_CLOSE),
  // HelloRetryRequest from the library: our client's only key share is one no library here takes.
  servedTwin('hello-retry', { clientAuth: 'none' }, [{ op: 'accept' }], null, { keyShare: 'X25519MLKEM768' }),
  servedTwin('rfc8448-hrr', { clientAuth: 'none' }, [{ op: 'accept' }, { op: 'wait' }, { op: 'shutdown' }], null, {
    keyShare: 'X25519MLKEM768',
    ...RFC8448_CLOSE,
  }),
  // The server answers the 50 bytes, then shuts down once the client's close_notify has come.
  servedTwin(
    'rfc8448-simple',
    { clientAuth: 'none' },
    [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: FIFTY }, { op: 'wait' }, { op: 'shutdown' }],
    FIFTY,
    RFC8448_CLOSE,
  ),
  // RFC 8448 §4: the server reads the 6 bytes of 0-RTT data, then as in §3.
  {
    ...servedTwin(
      'rfc8448-resumed-0rtt',
      { clientAuth: 'none', tickets: 1, earlyData: 1024 },
      [{ op: 'read_early', n: 1024 }, { op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: FIFTY }, { op: 'wait' }, { op: 'shutdown' }],
      FIFTY,
      { earlyData: 'ABCDEF', ...RFC8448_CLOSE },
    ),
    resume: true,
  },
];
