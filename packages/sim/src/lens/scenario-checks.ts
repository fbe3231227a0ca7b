/**
 * Which twin (scenario-cases.ts) holds each scenario's client and server calls against a real
 * run, and why a side that none holds is not held: the reason a run's first note gives
 * (scenarios/registry.ts) and test/differential/scenario-checks.test.ts checks.
 */
import { caseUnsupported } from './case-support.js';
import type { DiffCase } from './case-types.js';
import type { LensName } from './lens.js';
import { EARLY_SERVER, GNUTLS_BOTH_SIDES_REFUSAL, NO_SERVER_TWIN, NO_0RTT } from './unchecked-why.js';

/** Why a side's calls are not held against a real run: for every lens, or per lens (a lens not named is checked). */
export type UncheckedWhy = string | Partial<Record<LensName, string>>;

export interface ScenarioCheck {
  /** The case whose real client calls the scenario's client calls must equal. */
  readonly client?: string;
  /** The case (the library serving) whose real server calls the scenario's server calls must equal. */
  readonly server?: string;
  readonly unchecked?: { readonly client?: UncheckedWhy; readonly server?: UncheckedWhy };
}

/** Each scenario: its twins, and what is not held against a real run (and why). */
export const SCENARIO_CHECKS: Readonly<Record<string, ScenarioCheck>> = {
  'full-handshake': { client: 'scenario-full-handshake', server: 'scenario-full-handshake-server' },
  'client-auth': { client: 'scenario-client-auth', server: 'scenario-client-auth-server' },
  'tls12-client-auth': { client: 'scenario-tls12-client-auth', server: 'scenario-tls12-client-auth-server' },
  'client-cert-ignored': { client: 'scenario-client-cert-ignored', server: 'scenario-client-cert-ignored-server' },
  'client-cert-rejected': { client: 'scenario-client-cert-rejected' },
  'client-cv-rejected': { client: 'scenario-client-cv-rejected' },
  'client-cert-dropped': { client: 'scenario-client-cert-dropped' },
  'client-cert-missing': { client: 'cert-missing' },
  'server-handshake-timeout': { client: 'scenario-server-handshake-timeout' },
  'blocking-read-deadlock': { client: 'scenario-blocking-read-deadlock' },
  'half-rtt-then-rejected': { client: 'scenario-half-rtt-then-rejected' },
  'zero-length-read': { client: 'scenario-zero-length-read' },
  'nonblocking-read': { client: 'scenario-nonblocking-read', server: 'scenario-nonblocking-read-server' },
  'post-handshake-auth-rejected': {
    client: 'scenario-post-handshake-auth-rejected',
    server: 'scenario-post-handshake-auth-rejected-server',
    unchecked: { client: { gnutls: GNUTLS_BOTH_SIDES_REFUSAL } },
  },
  'post-handshake-auth': { client: 'scenario-post-handshake-auth', server: 'scenario-post-handshake-auth-server' },
  'ticket-as-signal': { client: 'scenario-ticket-as-signal' },
  'downgrade-detected': { client: 'scenario-downgrade-detected' },
  'tls12-client-cert-rejected': { client: 'scenario-tls12-client-cert-rejected' },
  'tls12-client-cv-rejected': { client: 'scenario-tls12-client-cv-rejected' },
  'rfc8448-simple': { client: 'scenario-rfc8448-simple', server: 'scenario-rfc8448-simple-server' },
  'rfc8448-compat': { client: 'scenario-rfc8448-compat', server: 'scenario-rfc8448-compat-server' },
  'rfc8448-client-auth': { client: 'scenario-rfc8448-client-auth', server: 'scenario-rfc8448-client-auth-server' },
  'rfc8448-hrr': { client: 'scenario-rfc8448-hrr', server: 'scenario-rfc8448-hrr-server' },
  'hello-retry': { client: 'scenario-hello-retry', server: 'scenario-hello-retry-server' },
  // Go, Node, Python and rustls cannot send a KeyUpdate (caseUnsupported says so).
  'key-update': { client: 'scenario-key-update', server: 'scenario-key-update-server' },
  resumption: { client: 'scenario-resumption', server: 'scenario-resumption-server' },
  'early-data': {
    client: 'scenario-early-data',
    server: 'scenario-early-data-server',
    unchecked: { client: NO_0RTT, server: EARLY_SERVER },
  },
  'early-data-rejected': {
    client: 'scenario-early-data-rejected',
    server: 'scenario-early-data-rejected-server',
    // Its server reads no early data: GnuTLS's declines it as OpenSSL's and rustls's do.
    unchecked: { client: NO_0RTT, server: NO_0RTT },
  },
  'rfc8448-resumed-0rtt': {
    client: 'scenario-rfc8448-resumed-0rtt',
    server: 'scenario-rfc8448-resumed-0rtt-server',
    unchecked: { client: NO_0RTT, server: EARLY_SERVER },
  },
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
