/**
 * Every scenario's calls, through every lens, held against a real run. `tls13sim run
 * <scenario> --lens <lib>` shows what <lib>'s calls return at each moment; each side's
 * sequence of those calls must equal what <lib> really returned in a differential case that
 * plays the same situation (its twin), as recorded in test/differential/observed/<lib>.json
 * and checked there against the library on every test run. Where no real run stands behind a
 * side's calls, the check says why, and so does the scenario's trace, in a first note.
 *
 * The twins below are cases of their own (they run in every library's differential test);
 * some scenarios share an older case that already plays their situation.
 */
import { HALF_RTT_GREETING, PLAIN_RESPONSE, REQUEST, RESPONSE, SECRET_REQUEST, SERVER_GREETING, STILL_TALKING } from '../scenarios/app-data.js';
import { caseUnsupported } from './case-support.js';
import type { DiffCase, ScriptStep } from './case-types.js';
import type { LensName } from './lens.js';

/** Why a side's calls are not held against a real run: for every lens, or per lens (a lens not named is checked). */
export type UncheckedWhy = string | Partial<Record<LensName, string>>;

export interface ScenarioCheck {
  /** The case whose real client calls the scenario's client calls must equal. */
  readonly client?: string;
  /** The case (the library serving) whose real server calls the scenario's server calls must equal. */
  readonly server?: string;
  readonly unchecked?: { readonly client?: UncheckedWhy; readonly server?: UncheckedWhy };
}

const REQUEST_THEN_READ: readonly ScriptStep[] = [{ op: 'connect' }, { op: 'write', data: REQUEST }, { op: 'read', n: 1024 }];
/** RFC 8448's application data is 50 bytes each way; the twins send 50 bytes of their own (only counts are reported). */
const FIFTY = 'fifty bytes of application data, as in RFC 8448...';
/** The RFC 8448 scenarios' client shuts down non-blocking, and calls again once the server's close_notify has come. */
const NONBLOCKING_SHUTDOWN: readonly ScriptStep[] = [{ op: 'nonblocking' }, { op: 'shutdown' }, { op: 'wait' }, { op: 'shutdown' }];

const NO_PHA: Partial<Record<LensName, string>> = {
  go: 'Go 1.19 crypto/tls offers no post-handshake authentication: these calls are our endpoint answering, not Go',
  node: "Node's tls has no API to enable post-handshake authentication on a client: these calls are our endpoint answering, not Node",
  rustls: 'rustls 0.20 offers no post-handshake authentication: these calls are our endpoint answering, not rustls',
};

/** A scenario's own twin: `scenario-<name>`, with the scenario's data. */
function twin(scenario: string, c: Omit<DiffCase, 'name' | 'title'>): DiffCase {
  return { ...c, name: `scenario-${scenario}`, title: `the client's calls of the scenario ${scenario}, for real` };
}

/** The library serving, our client writing `request`, reading the answer and closing: a scenario's server calls. */
function servedTwin(scenario: string, server: DiffCase['server'], script: readonly ScriptStep[], request = REQUEST): DiffCase {
  return {
    name: `scenario-${scenario}-server`,
    title: `the server's calls of the scenario ${scenario}, for real`,
    side: 'server',
    client: { write: request, end: 'close' },
    server,
    clientCert: server.clientAuth === 'none' ? 'none' : 'trusted',
    script,
  };
}

/** The server's side of a request/response scenario: it accepts, reads the request, answers. */
const answer = (response: string): readonly ScriptStep[] => [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: response }];

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
    script: [{ op: 'connect' }, { op: 'write', data: SECRET_REQUEST }, { op: 'wait' }, { op: 'write', data: STILL_TALKING }, { op: 'read', n: 1024 }],
    unsupported: NO_PHA,
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
  servedTwin('full-handshake', { clientAuth: 'none' }, answer(PLAIN_RESPONSE)),
  servedTwin('client-auth', { clientAuth: 'require' }, answer(RESPONSE)),
  servedTwin('tls12-client-auth', { version: 'TLSv1.2', clientAuth: 'require' }, answer(RESPONSE)),
  // The server answers the 50 bytes, then shuts down once the client's close_notify has come.
  servedTwin(
    'rfc8448-simple',
    { clientAuth: 'none' },
    [{ op: 'accept' }, { op: 'read', n: 1024 }, { op: 'write', data: FIFTY }, { op: 'wait' }, { op: 'shutdown' }],
    FIFTY,
  ),
];

const NO_SERVER_TWIN = 'no differential case runs the library as this scenario’s server';
const NO_RESUMPTION = 'the differential harnesses make one connection each: a resumed handshake is not run for real';
const NO_HRR = 'no differential case makes the library serve a HelloRetryRequest';
const NO_BLOCKING_AGAIN = 'the differential harnesses cannot make a socket blocking again once it is non-blocking';

/** Each scenario: its twins, and what is not held against a real run (and why). */
export const SCENARIO_CHECKS: Readonly<Record<string, ScenarioCheck>> = {
  'full-handshake': { client: 'scenario-full-handshake', server: 'scenario-full-handshake-server' },
  'client-auth': { client: 'scenario-client-auth', server: 'scenario-client-auth-server' },
  'tls12-client-auth': { client: 'scenario-tls12-client-auth', server: 'scenario-tls12-client-auth-server' },
  'client-cert-ignored': {
    client: 'scenario-client-cert-ignored',
    unchecked: { server: 'no differential case runs the library as a server that requests a certificate and ignores it' },
  },
  'client-cert-rejected': { client: 'scenario-client-cert-rejected' },
  'client-cv-rejected': { client: 'scenario-client-cv-rejected' },
  'client-cert-dropped': { client: 'scenario-client-cert-dropped' },
  'client-cert-missing': { client: 'cert-missing' },
  'server-handshake-timeout': { client: 'scenario-server-handshake-timeout' },
  'blocking-read-deadlock': { client: 'scenario-blocking-read-deadlock' },
  'half-rtt-then-rejected': { client: 'scenario-half-rtt-then-rejected' },
  'zero-length-read': { client: 'scenario-zero-length-read' },
  'nonblocking-read': { client: 'scenario-nonblocking-read', unchecked: { server: NO_SERVER_TWIN } },
  'post-handshake-auth-rejected': { client: 'scenario-post-handshake-auth-rejected', unchecked: { server: NO_SERVER_TWIN } },
  'post-handshake-auth': {
    unchecked: { client: { ...NO_PHA, openssl: NO_BLOCKING_AGAIN, python: NO_BLOCKING_AGAIN, gnutls: NO_BLOCKING_AGAIN }, server: NO_SERVER_TWIN },
  },
  'ticket-as-signal': { unchecked: { client: NO_BLOCKING_AGAIN } },
  'downgrade-detected': { client: 'scenario-downgrade-detected' },
  'tls12-client-cert-rejected': { client: 'scenario-tls12-client-cert-rejected' },
  'tls12-client-cv-rejected': { client: 'scenario-tls12-client-cv-rejected' },
  'rfc8448-simple': {
    client: 'scenario-rfc8448-simple',
    server: 'scenario-rfc8448-simple-server',
    unchecked: {
      server: {
        node: "the twin's client closes TCP once Node's automatic close_notify has come, so Node's 'close' fires before the server's own end(); the scenario's client keeps TCP open",
      },
    },
  },
  'rfc8448-compat': { client: 'scenario-rfc8448-compat', unchecked: { server: NO_SERVER_TWIN } },
  'rfc8448-client-auth': { client: 'scenario-rfc8448-client-auth', unchecked: { server: NO_SERVER_TWIN } },
  'rfc8448-hrr': { client: 'scenario-rfc8448-hrr', unchecked: { server: NO_HRR } },
  'hello-retry': { client: 'scenario-hello-retry', unchecked: { server: NO_HRR } },
  'key-update': {
    unchecked: {
      client: {
        openssl: 'the differential harness has no SSL_key_update step',
        gnutls: 'the differential harness has no gnutls_session_key_update step',
        go: 'Go 1.19 crypto/tls has no call that sends a KeyUpdate: the rekeying here is our endpoint’s, not Go’s',
        python: 'Python’s ssl has no call that sends a KeyUpdate: the rekeying here is our endpoint’s, not Python’s',
        node: 'Node’s tls has no call that sends a KeyUpdate: the rekeying here is our endpoint’s, not Node’s',
        rustls: 'rustls 0.20 has no call that sends a KeyUpdate: the rekeying here is our endpoint’s, not rustls’s',
      },
      server: NO_SERVER_TWIN,
    },
  },
  resumption: { unchecked: { client: NO_RESUMPTION, server: NO_RESUMPTION } },
  'early-data': { unchecked: { client: NO_RESUMPTION, server: NO_RESUMPTION } },
  'early-data-rejected': { unchecked: { client: NO_RESUMPTION, server: NO_RESUMPTION } },
  'rfc8448-resumed-0rtt': { unchecked: { client: NO_RESUMPTION, server: NO_RESUMPTION } },
};

/** Why `side`'s calls in `scenario` through `lens` are not held against a real run, or null when they are. */
export function uncheckedWhy(
  scenario: string,
  side: 'client' | 'server',
  lens: LensName,
  cases: readonly DiffCase[],
  checks: Readonly<Record<string, ScenarioCheck>> = SCENARIO_CHECKS,
): string | null {
  const check = checks[scenario];
  if (check === undefined) return 'no differential case plays this scenario';
  const why = check.unchecked?.[side];
  const stated = typeof why === 'string' ? why : why?.[lens];
  if (stated !== undefined) return stated;
  const name = check[side];
  if (name === undefined) return side === 'server' ? NO_SERVER_TWIN : 'no differential case plays this scenario';
  const c = cases.find((x) => x.name === name);
  return c === undefined ? `no differential case ${name}` : caseUnsupported(c, lens);
}
