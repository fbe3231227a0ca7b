/** Applies the defaults to an EndpointConfig once, so transitions read plain values. */
import { CipherSuite, NamedGroup, SignatureScheme, type CipherSuiteName, type NamedGroupName, type SignatureSchemeName } from '../constants.js';
import type { Role } from './api.js';
import {
  DEFAULT_GROUPS,
  DEFAULT_SERVER_GROUPS,
  DEFAULT_MAX_HANDSHAKE_MESSAGE,
  DEFAULT_SIGNATURE_SCHEMES,
  DEFAULT_SUITES,
  type ClientAuthPolicy,
  type ClientCertVerdict,
  type ServerCertVerdict,
  type CertifiedKey,
  type EndpointConfig,
  type MessageHooks,
  type PaddingPolicy,
  type PskMode,
} from './config.js';
import type { AeadName, KeyLimit } from '@tls13sim/record';
import type { ExternalPsk, ResumptionSession, TicketPolicy } from './psk.js';

export interface ResolvedConfig {
  readonly role: Role;
  readonly suites: readonly CipherSuiteName[];
  readonly suiteCodes: readonly number[];
  readonly groups: readonly NamedGroupName[];
  readonly groupCodes: readonly number[];
  readonly keyShareGroups: readonly NamedGroupName[];
  readonly schemes: readonly SignatureSchemeName[];
  readonly schemeCodes: readonly number[];
  readonly certificate: CertifiedKey | null;
  /** `certificate` then `certificates`, in preference order. */
  readonly certificates: readonly CertifiedKey[];
  readonly trustAnchors: readonly Uint8Array[] | null;
  readonly insecure: boolean;
  readonly validationTime: number | null;
  readonly serverName: string | null;
  readonly alpn: readonly string[];
  readonly clientAuth: ClientAuthPolicy;
  readonly clientCertVerifier: ((chain: readonly Uint8Array[]) => ClientCertVerdict) | null;
  readonly serverCertVerifier: ((chain: readonly Uint8Array[]) => ServerCertVerdict) | null;
  readonly middleboxCompat: boolean;
  readonly hrrCookie: boolean;
  readonly statelessHrr: boolean;
  readonly cookieKey: Uint8Array | null;
  readonly recordSizeLimit: number | null;
  readonly padding: PaddingPolicy;
  readonly maxHandshakeMessageSize: number;
  readonly postHandshakeAuth: boolean;
  readonly hooks: MessageHooks;
  readonly session: ResumptionSession | null;
  readonly externalPsk: ExternalPsk | null;
  readonly externalPsks: readonly ExternalPsk[];
  readonly pskModes: readonly PskMode[];
  readonly earlyData: Uint8Array | null;
  readonly tickets: TicketPolicy | null;
  readonly acceptEarlyData: boolean;
  readonly earlyDataSkipLimit: number;
  readonly keyLimits: Partial<Record<AeadName, KeyLimit>>;
}

export function resolveConfig(c: EndpointConfig): ResolvedConfig {
  const suites = c.cipherSuites ?? DEFAULT_SUITES;
  const groups = (c.groups ?? (c.role === 'server' ? DEFAULT_SERVER_GROUPS : DEFAULT_GROUPS)).filter((g) => c.crypto.keyExchange(g) !== undefined);
  if (c.groups && groups.length !== c.groups.length) {
    const missing = c.groups.filter((g) => !groups.includes(g));
    throw new Error(`EndpointConfig: provider ${c.crypto.name} does not implement groups ${missing.join(', ')}`);
  }
  const keyShareGroups = c.keyShareGroups ?? groups.slice(0, 1);
  for (const g of keyShareGroups) {
    if (!groups.includes(g)) throw new Error(`EndpointConfig: keyShareGroups has ${g}, which is not in groups`);
  }
  const schemes = c.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES;
  if (c.role === 'server' && !c.certificate && (c.externalPsks ?? []).length === 0) {
    throw new Error('EndpointConfig: a server needs a certificate (PSK-only servers are not configured this way)');
  }
  if (c.recordSizeLimit !== undefined && (c.recordSizeLimit < 64 || c.recordSizeLimit > 16385)) {
    throw new Error('EndpointConfig: recordSizeLimit must be in 64..16385 (RFC 8449 §4)');
  }
  return {
    role: c.role,
    suites,
    suiteCodes: suites.map((s) => CipherSuite[s]),
    groups,
    groupCodes: groups.map((g) => NamedGroup[g]),
    keyShareGroups,
    schemes,
    schemeCodes: schemes.map((s) => SignatureScheme[s]),
    certificate: c.certificate ?? c.certificates?.[0] ?? null,
    certificates: [...(c.certificate ? [c.certificate] : []), ...(c.certificates ?? [])],
    trustAnchors: c.trustAnchors ?? null,
    insecure: c.insecure ?? false,
    validationTime: c.validationTime ?? null,
    serverName: c.serverName ?? null,
    alpn: c.alpn ?? [],
    clientAuth: c.clientAuth ?? 'none',
    clientCertVerifier: c.clientCertVerifier ?? null,
    serverCertVerifier: c.serverCertVerifier ?? null,
    middleboxCompat: c.middleboxCompat ?? false,
    hrrCookie: c.hrrCookie ?? true,
    statelessHrr: c.statelessHrr ?? false,
    cookieKey: c.cookieKey ?? null,
    recordSizeLimit: c.recordSizeLimit ?? null,
    padding: c.padding ?? { kind: 'none' },
    maxHandshakeMessageSize: c.maxHandshakeMessageSize ?? DEFAULT_MAX_HANDSHAKE_MESSAGE,
    postHandshakeAuth: c.postHandshakeAuth ?? false,
    hooks: c.hooks ?? {},
    session: c.session ?? null,
    externalPsk: c.externalPsk ?? null,
    externalPsks: c.externalPsks ?? [],
    pskModes: c.pskModes ?? (c.role === 'client' ? ['psk_dhe_ke'] : ['psk_dhe_ke', 'psk_ke']),
    earlyData: c.earlyData ?? null,
    tickets: c.tickets
      ? {
          count: c.tickets.count ?? 2,
          timing: c.tickets.timing ?? 'after_client_finished',
          lifetime: Math.min(c.tickets.lifetime ?? 7200, 604800),
          maxEarlyData: c.tickets.maxEarlyData ?? 0,
          issuer: c.tickets.issuer,
        }
      : null,
    acceptEarlyData: c.acceptEarlyData ?? true,
    earlyDataSkipLimit: c.earlyDataSkipLimit ?? 16384,
    keyLimits: c.keyLimits ?? {},
  };
}
