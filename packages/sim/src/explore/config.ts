/**
 * Endpoint configurations as plain data (`ConfigSpec`: printable, shrinkable, saved in a
 * counterexample file) and the one function that turns a spec into a client/server pair.
 * Everything is seeded, so a spec always builds the same two endpoints.
 */
import {
  SealedTicketIssuer,
  createEndpoint,
  memoizeProvider,
  nobleProvider,
  seededRandom,
  type CipherSuiteName,
  type ClientCertVerdict,
  type Endpoint,
  type EndpointConfig,
  type ExternalPsk,
  type MemoizedProvider,
  type NamedGroupName,
  type PaddingPolicy,
  type PskMode,
  type ResumptionSession,
} from '@tls13sim/handshake';
import type { AlertName } from '@tls13sim/record';
import { EXPLORE_SERVER_NAME, EXPLORE_VALIDATION_TIME, exploreCa, exploreLeaf, exploreStrayLeaf, type ExploredScheme } from './pki.js';

export type ExploredGroup = 'x25519' | 'secp256r1' | 'secp384r1' | 'x448' | 'X25519MLKEM768';

export interface ConfigSpec {
  readonly suite: CipherSuiteName;
  /** The one group the server supports, so it is the negotiated one. */
  readonly group: ExploredGroup;
  /** The client sends its first key_share for this group; a different group forces a HelloRetryRequest (§4.1.4). */
  readonly firstShare: ExploredGroup;
  /** The server certificate's key signs with this scheme (§4.4.3). */
  readonly scheme: ExploredScheme;
  readonly clientAuth: 'none' | 'request' | 'require';
  /** The client's certificate, if it has one. */
  readonly clientCert: ExploredScheme | null;
  /**
   * `mismatched`: the client's certificate comes with another private key of its type, so
   * its CertificateVerify does not verify (RFC 8446 §4.4.3: the server sends decrypt_error).
   * Default `matching`.
   */
  readonly clientKey?: 'matching' | 'mismatched';
  /** What the server's certificate verifier decides about the client's chain. */
  readonly verdict: 'accept' | 'ignore' | { readonly reject: 'bad_certificate' | 'access_denied' | 'certificate_revoked' };
  /** Resumption: a ticket from an earlier full handshake, or an external PSK (§4.2.11). */
  readonly psk: 'none' | 'ticket' | 'external';
  readonly pskMode: PskMode;
  /** Client 0-RTT data (§4.2.10); only a ticket carries max_early_data_size. */
  readonly earlyData: number;
  readonly padding: PaddingPolicy;
  /** RFC 8449 record_size_limit, both ends (null: not sent). */
  readonly recordSizeLimit: number | null;
  readonly middleboxCompat: boolean;
  /** Client offers post_handshake_auth (§4.2.6). */
  readonly postHandshakeAuth: boolean;
  /** NewSessionTickets the server sends in this connection (§4.6.1). */
  readonly tickets: number;
  readonly ticketTiming: 'after_client_finished' | 'after_server_finished';
}

/** The plainest configuration: 1-RTT, x25519, Ed25519, no client auth, no PSK. */
export const DEFAULT_SPEC: ConfigSpec = {
  suite: 'TLS_AES_128_GCM_SHA256',
  group: 'x25519',
  firstShare: 'x25519',
  scheme: 'ed25519',
  clientAuth: 'none',
  clientCert: null,
  verdict: 'accept',
  psk: 'none',
  pskMode: 'psk_dhe_ke',
  earlyData: 0,
  padding: { kind: 'none' },
  recordSizeLimit: null,
  middleboxCompat: false,
  postHandshakeAuth: false,
  tickets: 0,
  ticketTiming: 'after_client_finished',
};

/**
 * One memoising crypto provider for every explored run: schedules of one deterministic
 * handshake repeat the same crypto calls, so each is computed once.
 */
export const exploreCrypto: MemoizedProvider = memoizeProvider(nobleProvider);

const EXTERNAL_PSK: ExternalPsk = {
  identity: new TextEncoder().encode('tls13sim-explorer'),
  key: new Uint8Array(32).fill(0x5a),
  hash: 'sha256',
};

/** The early data a spec's client sends: `n` bytes, recognisable in a hex dump. */
export function earlyDataBytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => 0xe0 + (i % 16));
}

function verdictOf(spec: ConfigSpec): ClientCertVerdict {
  if (spec.verdict === 'accept' || spec.verdict === 'ignore') return { action: spec.verdict };
  return { action: 'reject', alert: spec.verdict.reject as AlertName };
}

function commonConfig(spec: ConfigSpec): Omit<EndpointConfig, 'role' | 'random'> {
  return {
    crypto: exploreCrypto,
    cipherSuites: [spec.suite],
    trustAnchors: [exploreCa()],
    validationTime: EXPLORE_VALIDATION_TIME,
    padding: spec.padding,
    ...(spec.recordSizeLimit !== null ? { recordSizeLimit: spec.recordSizeLimit } : {}),
  };
}

function clientConfig(spec: ConfigSpec, extra: Partial<EndpointConfig>): EndpointConfig {
  const groups: NamedGroupName[] = spec.firstShare === spec.group ? [spec.group] : [spec.firstShare, spec.group];
  return {
    ...commonConfig(spec),
    role: 'client',
    random: seededRandom('tls13sim-explore-client'),
    serverName: EXPLORE_SERVER_NAME,
    groups,
    keyShareGroups: [spec.firstShare],
    middleboxCompat: spec.middleboxCompat,
    postHandshakeAuth: spec.postHandshakeAuth,
    pskModes: [spec.pskMode],
    ...(spec.clientCert !== null
      ? { certificate: spec.clientKey === 'mismatched' ? exploreStrayLeaf(spec.clientCert) : exploreLeaf('client', spec.clientCert) }
      : {}),
    ...extra,
  };
}

function serverConfig(spec: ConfigSpec, issuer: SealedTicketIssuer, tickets: number, maxEarlyData: number): EndpointConfig {
  const verdict = verdictOf(spec);
  return {
    ...commonConfig(spec),
    role: 'server',
    random: seededRandom('tls13sim-explore-server'),
    certificate: exploreLeaf('server', spec.scheme),
    groups: [spec.group],
    clientAuth: spec.clientAuth,
    clientCertVerifier: () => verdict,
    pskModes: ['psk_dhe_ke', 'psk_ke'],
    externalPsks: [EXTERNAL_PSK],
    tickets: { issuer, count: tickets, timing: spec.ticketTiming, maxEarlyData },
  };
}

/** A session to resume, from a full handshake with the same parameters (driven directly). */
function firstSession(spec: ConfigSpec, issuer: SealedTicketIssuer): ResumptionSession {
  const base: ConfigSpec = { ...spec, psk: 'none', earlyData: 0, clientAuth: 'none', firstShare: spec.group };
  const c = createEndpoint(clientConfig(base, { random: seededRandom('tls13sim-explore-first-client') }));
  const s = createEndpoint({ ...serverConfig(base, issuer, 1, 1 << 14), random: seededRandom('tls13sim-explore-first-server') });
  c.start(0);
  for (let moved = true, rounds = 0; moved && rounds < 50; rounds++) {
    moved = false;
    for (let r = c.pollTransmit(); r !== null; r = c.pollTransmit(), moved = true) s.handleBytes(r, 0);
    for (let r = s.pollTransmit(); r !== null; r = s.pollTransmit(), moved = true) c.handleBytes(r, 0);
  }
  for (let e = c.pollEvent(); e !== null; e = c.pollEvent()) {
    if (e.type === 'new_session_ticket' && e.session !== undefined) return e.session;
  }
  throw new Error(`explorer: the first connection of ${JSON.stringify(spec)} gave no ticket`);
}

export interface EndpointPair {
  readonly client: Endpoint;
  readonly server: Endpoint;
}

/** The client and server a spec describes (fresh objects, same bytes every time). */
export function buildPair(spec: ConfigSpec): EndpointPair {
  const issuer = new SealedTicketIssuer(seededRandom('tls13sim-explore-ticket-keys'));
  const extra: { -readonly [K in keyof EndpointConfig]?: EndpointConfig[K] } = {};
  if (spec.psk === 'ticket') extra.session = firstSession(spec, issuer);
  if (spec.psk === 'external') extra.externalPsk = EXTERNAL_PSK;
  if (spec.earlyData > 0 && spec.psk === 'ticket') extra.earlyData = earlyDataBytes(spec.earlyData);
  const client = createEndpoint(clientConfig(spec, extra));
  const server = createEndpoint(serverConfig(spec, issuer, spec.tickets, 1 << 14));
  return { client, server };
}
