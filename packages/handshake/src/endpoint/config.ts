/** Endpoint configuration: everything a handshake may depend on, passed in (no globals). */
import type { AlertName } from '@tls13sim/record';
import type { CipherSuiteName, NamedGroupName, SignatureSchemeName } from '../constants.js';
import type { PrivateKey } from '../crypto/keys.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { RandomSource } from '../crypto/random.js';
import type { Role } from './api.js';
import type { AeadName, KeyLimit } from '@tls13sim/record';
import type { Tls12CipherSuiteName } from '../tls12/suites.js';
import type { Tls12Session } from '../tls12/state.js';
import type { ExternalPsk, ResumptionSession, TicketIssuer, TicketPolicy } from './psk.js';
import type { CertificateRequest, CertificateVerify, ClientHello, EncryptedExtensions, HelloRetryRequest, ServerHello } from '../messages/types.js';

/** A certificate chain (DER, leaf first) and the leaf's private key. */
export interface CertifiedKey {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: PrivateKey;
}

/** What the server's verifier hook decides about a client certificate (RFC 8446 §4.4.2.4). */
export type ClientCertVerdict =
  | { readonly action: 'accept' }
  /** Rejected: an error of kind `verifier_rejected`, sent as the alert named here (endpoint/errors.ts `alertFor`). */
  | { readonly action: 'reject'; readonly alert: AlertName }
  /** Carry on as if the client had sent no certificate (unauthenticated). */
  | { readonly action: 'ignore' };

/** A client's decision on the server's certificate chain (EndpointConfig.serverCertVerifier). */
export type ServerCertVerdict =
  | { readonly action: 'accept' }
  /** Rejected: an error of kind `verifier_rejected`, sent as the alert named here. */
  | { readonly action: 'reject'; readonly alert: AlertName };

export type ClientAuthPolicy = 'none' | 'request' | 'require';

export type PaddingPolicy = { readonly kind: 'none' } | { readonly kind: 'block'; readonly size: number } | { readonly kind: 'random'; readonly max: number };

export interface EndpointConfig {
  readonly role: Role;
  readonly crypto: CryptoProvider;
  readonly random: RandomSource;
  /** Preference order. Default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /**
   * Supported groups, preference order. Default: x25519, secp256r1, x448, secp384r1, secp521r1;
   * a server also takes ffdhe2048 … ffdhe8192 (RFC 7919) after those, when a client offers them.
   */
  readonly groups?: readonly NamedGroupName[];
  /** Client: groups to send key shares for in the first ClientHello. Default: the first group. */
  readonly keyShareGroups?: readonly NamedGroupName[];
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  /** Our certificate: required for a server (certificate authentication), optional for a client. */
  readonly certificate?: CertifiedKey;
  /** More certificates to choose from by the peer's signature_algorithms(_cert) (§4.4.2.2); `certificate` comes first. */
  readonly certificates?: readonly CertifiedKey[];
  /**
   * Trust anchors (DER) for verifying the peer's chain. A client without them fails the
   * handshake when the server sends a certificate (unknown_ca), unless `insecure` is set; a
   * server without them takes the client's chain as it is (its verifier may decide).
   */
  readonly trustAnchors?: readonly Uint8Array[];
  /**
   * Client: accept the server's certificate without verifying its chain or name (the CLI's
   * `--insecure`). The CertificateVerify signature is still checked against the leaf's key.
   */
  readonly insecure?: boolean;
  /** Time used for certificate validity (ms since epoch); passed in, never read from a clock. */
  readonly validationTime?: number;
  /** Client: server_name to send and to match against the certificate. Server: names it answers to. */
  readonly serverName?: string;
  /** ALPN protocols, preference order. */
  readonly alpn?: readonly string[];
  /** Server: client authentication policy. Default `none`. */
  readonly clientAuth?: ClientAuthPolicy;
  /** Server: decides about a client certificate chain after path validation (or instead of it). */
  readonly clientCertVerifier?: (chain: readonly Uint8Array[]) => ClientCertVerdict;
  /**
   * Client: decides about the server's certificate chain after path validation (or instead of
   * it, with `insecure`), before its CertificateVerify is checked — pinning, say. TLS 1.3 and 1.2.
   */
  readonly serverCertVerifier?: (chain: readonly Uint8Array[]) => ServerCertVerdict;
  /** Client: send a 32-byte legacy_session_id and a ChangeCipherSpec (§D.4). Server: mirror it. */
  readonly middleboxCompat?: boolean;
  /** Server: include a cookie in HelloRetryRequest. Default true. */
  readonly hrrCookie?: boolean;
  /** Server: keep nothing between the two ClientHellos; the cookie carries the transcript. */
  readonly statelessHrr?: boolean;
  /** RFC 8449 record_size_limit to advertise. */
  readonly recordSizeLimit?: number;
  readonly padding?: PaddingPolicy;
  /** Largest handshake message accepted (bytes). Default 65536. */
  readonly maxHandshakeMessageSize?: number;
  /** Server, stateless HRR: the key that authenticates cookies (default: drawn from `random`). */
  readonly cookieKey?: Uint8Array;
  /** Client: offer post-handshake authentication (§4.2.6). */
  readonly postHandshakeAuth?: boolean;
  /** Rewrites of outgoing messages, to reproduce another implementation's byte choices (RFC 8448). */
  readonly hooks?: MessageHooks;
  /** Client: a session from an earlier connection's NewSessionTicket, offered for resumption (§4.2.11). */
  readonly session?: ResumptionSession;
  /** Client: an external PSK to offer. Server: the external PSKs it knows, by identity. */
  readonly externalPsk?: ExternalPsk;
  readonly externalPsks?: readonly ExternalPsk[];
  /** PSK key exchange modes (§4.2.9), preference order. Default: psk_dhe_ke only (client); both (server). */
  readonly pskModes?: readonly PskMode[];
  /** Client: data to send as 0-RTT early data when the session allows it (§4.2.10). */
  readonly earlyData?: Uint8Array;
  /** Server: NewSessionTicket policy; no tickets when absent. */
  readonly tickets?: Partial<Omit<TicketPolicy, 'issuer'>> & { readonly issuer: TicketIssuer };
  /** Server: accept 0-RTT when the ticket and ClientHello allow it. Default true. */
  readonly acceptEarlyData?: boolean;
  /** Server: bytes of rejected early data skipped before giving up (§4.2.10). Default 16384. */
  readonly earlyDataSkipLimit?: number;
  /** Record-layer §5.5 key usage limits, per AEAD (to show automatic KeyUpdates without 2^24 records). */
  readonly keyLimits?: Partial<Record<AeadName, KeyLimit>>;
  /**
   * Protocol versions (RFC 8446 §4.2.1). Default ['TLSv1.3']. ['TLSv1.2'] is a TLS 1.2-only
   * endpoint; both negotiate (RFC 8446 Appendix D). Endpoints offering TLS 1.2 are made by
   * createTlsEndpoint; createEndpoint makes the TLS 1.3 `Endpoint` only.
   */
  readonly versions?: readonly TlsVersion[];
  /** TLS 1.2 cipher suites, preference order. Default DEFAULT_TLS12_SUITES (ECDHE with AES-GCM and ChaCha20-Poly1305). */
  readonly tls12CipherSuites?: readonly Tls12CipherSuiteName[];
  /** TLS 1.2 client: ask for a session ticket (RFC 5077 §3.2: an empty session_ticket extension). */
  readonly tls12RequestTicket?: boolean;
  /** TLS 1.2 client: a session from an earlier connection's NewSessionTicket, offered for resumption (RFC 5077 §3.1). */
  readonly tls12Session?: Tls12Session;
  /**
   * TLS 1.2 server: issue and accept session tickets (RFC 5077). A separate issuer from
   * `tickets` (TLS 1.3): a ticket of one version never resumes the other.
   */
  readonly tls12Tickets?: { readonly issuer: TicketIssuer; readonly lifetime?: number };
  /**
   * TLS 1.2, RFC 7627 §5.3: 'require' (default) refuses a peer without extended_master_secret
   * — a server the ClientHello, a client the ServerHello; 'prefer' goes on with the RFC 5246
   * §8.1 master secret. Such a session exports no keying material (§5.4: exportKeyingMaterial
   * throws), and a client keeps no ticket from it; `negotiated.extendedMasterSecret` says
   * which secret a connection has.
   */
  readonly tls12ExtendedMasterSecret?: 'require' | 'prefer';
}

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export type PskMode = 'psk_ke' | 'psk_dhe_ke';

/**
 * Each hook receives the message this endpoint built and returns the one to send. They
 * exist to reproduce other implementations' traces byte for byte (extension order,
 * advertised-but-unused values); the state machine still checks everything it receives.
 */
export interface MessageHooks {
  readonly clientHello?: (ch: ClientHello) => ClientHello;
  readonly serverHello?: (sh: ServerHello) => ServerHello;
  readonly helloRetryRequest?: (hrr: HelloRetryRequest) => HelloRetryRequest;
  readonly encryptedExtensions?: (ee: EncryptedExtensions) => EncryptedExtensions;
  readonly certificateRequest?: (cr: CertificateRequest) => CertificateRequest;
  /**
   * Both roles, after signing: lets a known-answer test put in place a signature it cannot
   * make itself (RFC 8448 §6 publishes neither certificate's private key). The peer still
   * verifies whatever is sent.
   */
  readonly certificateVerify?: (cv: CertificateVerify) => CertificateVerify;
  /**
   * Server: the ticket_nonce of this connection's `index`-th NewSessionTicket (default: an
   * 8-byte counter). §4.6.1 only asks that nonces be unique per connection; RFC 8448 §3's
   * server uses 2 bytes (00 00), and the ticket's PSK is derived from whatever is sent.
   */
  readonly ticketNonce?: (index: number) => Uint8Array;
}

export const DEFAULT_SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

export const DEFAULT_GROUPS: readonly NamedGroupName[] = ['x25519', 'secp256r1', 'x448', 'secp384r1', 'secp521r1'];

/**
 * A server's default: the client defaults, then the RFC 7919 finite-field groups. A client
 * offering only FFDHE (OpenSSL, GnuTLS and Go may) is served; a client that also offers an
 * elliptic-curve group gets that. Clients do not offer FFDHE by default: a share is 256–1024
 * bytes and costs milliseconds.
 */
export const DEFAULT_SERVER_GROUPS: readonly NamedGroupName[] = [...DEFAULT_GROUPS, 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'];

export const DEFAULT_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'ed448',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
];

export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 65536;
