/** What TLS 1.2 resolves from an EndpointConfig, besides the 1.3 ResolvedConfig it shares. */
import type { EndpointConfig } from '../endpoint/config.js';
import { resolveConfig } from '../endpoint/resolve.js';
import type { Env12 } from './step.js';
import { DEFAULT_TLS12_SUITES, TLS12_GROUPS, TLS12_SUITE_PARAMS } from './suites.js';

/** The Env12 a config resolves to; `tls13Capable` for a 1.2+1.3 endpoint (RFC 8446 §4.1.3 sentinels). */
export function tls12Env(config: EndpointConfig, tls13Capable: boolean): Omit<Env12, 'now'> {
  const resolved = resolveConfig(config);
  const suites = (config.tls12CipherSuites ?? DEFAULT_TLS12_SUITES).map((n) => TLS12_SUITE_PARAMS[n]);
  if (suites.some((s) => s === undefined)) throw new Error('EndpointConfig: tls12CipherSuites has a name that is not a TLS 1.2 suite');
  const groups12 = resolved.groups.filter((g) => (TLS12_GROUPS as readonly string[]).includes(g));
  if (groups12.length === 0)
    throw new Error(`EndpointConfig: none of the groups (${resolved.groups.join(', ')}) is usable for TLS 1.2 (${TLS12_GROUPS.join(', ')})`);
  const tickets = config.tls12Tickets;
  return {
    config: resolved,
    crypto: config.crypto,
    random: config.random,
    suites12: suites,
    groups12,
    tls13Capable,
    tls12Session: config.tls12Session ?? null,
    tls12RequestTicket: config.tls12RequestTicket ?? config.tls12Session !== undefined,
    // RFC 5077 §3.3: the lifetime hint is advisory; 7200 s as the TLS 1.3 default ticket lifetime here.
    tls12Tickets: tickets ? { issuer: tickets.issuer, lifetime: tickets.lifetime ?? 7200 } : null,
    tls12Ems: config.tls12ExtendedMasterSecret ?? 'require',
  };
}
