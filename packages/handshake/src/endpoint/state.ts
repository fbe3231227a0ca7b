/**
 * The states of RFC 8446 Appendix A as a discriminated union: each member holds only what
 * is valid while waiting for its next message (docs/architecture.md "Conventions" 1). States are immutable
 * values; a transition builds the next one (so a fork shares them safely).
 */
import type { PublicKey } from '../crypto/keys.js';
import type { KeyShareSecret } from '../crypto/provider.js';
import type { CipherSuiteName } from '../constants.js';
import type { HashName } from '../crypto/provider.js';
import type { EarlySecret, HandshakeSecret, MasterSecret } from '../keyschedule/stages.js';
import type { ResumptionSession } from './psk.js';
import type { CipherSuiteParams } from '../keyschedule/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { ClientHello } from '../messages/types.js';

/** What was agreed, for the application and the trace. */
export interface Negotiated {
  readonly suite: CipherSuiteParams;
  readonly group: string | null;
  readonly alpn: string | null;
  readonly serverName: string | null;
  /** The signature scheme of the server's CertificateVerify, once known. */
  readonly serverSignatureScheme: string | null;
  readonly helloRetry: boolean;
  readonly resumed: boolean;
  /** The peer's record_size_limit (RFC 8449), if it sent one. */
  readonly peerRecordSizeLimit: number | null;
}

/** Proof values (docs/architecture.md "Conventions" 6): a state that needs a check done holds its result. */
export interface SignatureVerified {
  readonly verifiedWith: PublicKey;
  readonly scheme: string;
}

/** The CertificateRequest a client must answer (§4.3.2). */
export interface PendingCertRequest {
  readonly context: Uint8Array;
  readonly schemes: readonly number[];
  /** signature_algorithms_cert, when the server sent it (§4.2.3). */
  readonly schemesCert: readonly number[] | null;
}

/** A PSK the client offered in its ClientHello (§4.2.11). */
export interface OfferedPsk {
  readonly kind: 'resumption' | 'external';
  readonly early: EarlySecret;
  readonly hash: HashName;
  /** The ticket's cipher suite (resumption), or null for an external PSK (any suite with its hash). */
  readonly suite: CipherSuiteName | null;
  readonly session: ResumptionSession | null;
}

/** 0-RTT from the client's side (§4.2.10). */
export type EarlyDataStatus = 'none' | 'sent' | 'accepted' | 'rejected';

/** Keys and transcript shared by the client states after ServerHello. */
export interface ClientKeys {
  readonly negotiated: Negotiated;
  readonly earlyData: EarlyDataStatus;
  readonly transcript: Transcript;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHandshakeSecret: Uint8Array;
  readonly serverHandshakeSecret: Uint8Array;
}

/**
 * Secrets of an established connection (§7.1, §7.2). The master secret is not among them:
 * every value derived from it exists by now, and §7.1 says such a secret "SHOULD be erased".
 */
export interface AppSecrets {
  readonly negotiated: Negotiated;
  readonly readSecret: Uint8Array;
  readonly writeSecret: Uint8Array;
  /** Number of KeyUpdates applied to each direction (epoch `application+N`). */
  readonly readGeneration: number;
  readonly writeGeneration: number;
  readonly exporterSecret: Uint8Array;
  /** Client: resumption_master_secret, for the NewSessionTickets to come (§4.6.1). Null on a server, which sends its tickets by the end of the handshake. */
  readonly resumptionSecret: Uint8Array | null;
  /** The peer's certificate chain (DER, leaf first) if it authenticated, else empty. */
  readonly peerCertificates: readonly Uint8Array[];
  /** We owe the peer a KeyUpdate answer (§4.6.3). */
  readonly keyUpdateOwed: boolean;
  /** KeyUpdates received since the last application data (bounded: MAX_KEY_UPDATES_IN_A_ROW). */
  readonly keyUpdatesInARow: number;
  /** Client: post_handshake_auth was offered (§4.2.6) — by us (client) or by the peer (server). */
  readonly postHandshakeAuth: boolean;
  /**
   * The handshake transcript through the client's Finished: the base of post-handshake
   * authentication (§4.4.1). Kept only when `postHandshakeAuth` is set; null otherwise, so
   * that an idle connection does not hold the whole handshake.
   */
  readonly transcript: Transcript | null;
  /** Server: a post-handshake CertificateRequest awaiting its answer (§4.6.2). */
  readonly pendingAuth: PendingPostHandshakeAuth | null;
  /** Server: NewSessionTickets sent so far (the nonce counter). */
  readonly ticketsSent: number;
}

/** Server side of one post-handshake authentication (§4.6.2): CertificateRequest sent, answer pending. */
export type PendingPostHandshakeAuth =
  | { readonly stage: 'certificate'; readonly context: Uint8Array; readonly transcript: Transcript }
  | {
      readonly stage: 'certificate_verify';
      readonly context: Uint8Array;
      readonly transcript: Transcript;
      readonly chain: readonly Uint8Array[];
      readonly key: PublicKey;
      readonly ignore: boolean;
    }
  | { readonly stage: 'finished'; readonly context: Uint8Array; readonly transcript: Transcript; readonly chain: readonly Uint8Array[] };

export type ClientState =
  | { readonly kind: 'START' }
  | {
      readonly kind: 'WAIT_SH';
      readonly clientHello: ClientHello;
      readonly transcript: Transcript;
      readonly shares: readonly KeyShareSecret[];
      /** The HelloRetryRequest's cipher suite once one was received (§4.1.4: at most one). */
      readonly retry: { readonly cipherSuite: number } | null;
      readonly psk: OfferedPsk | null;
      readonly earlyData: EarlyDataStatus;
    }
  | { readonly kind: 'WAIT_EE'; readonly keys: ClientKeys }
  | { readonly kind: 'WAIT_CERT_CR'; readonly keys: ClientKeys }
  | { readonly kind: 'WAIT_CERT'; readonly keys: ClientKeys; readonly certRequest: PendingCertRequest }
  | {
      readonly kind: 'WAIT_CV';
      readonly keys: ClientKeys;
      readonly certRequest: PendingCertRequest | null;
      readonly serverChain: readonly Uint8Array[];
      readonly serverKey: PublicKey;
    }
  | {
      readonly kind: 'WAIT_FINISHED';
      readonly keys: ClientKeys;
      readonly certRequest: PendingCertRequest | null;
      /** null only when the server authenticated with a PSK (§2.2). */
      readonly serverAuth: SignatureVerified | null;
      readonly serverChain: readonly Uint8Array[];
    }
  | { readonly kind: 'CONNECTED'; readonly app: AppSecrets }
  | { readonly kind: 'CLOSED' };

/** Secrets the server holds from its flight until the client's Finished. */
export interface ServerKeys {
  readonly negotiated: Negotiated;
  readonly transcript: Transcript;
  readonly clientHandshakeSecret: Uint8Array;
  readonly master: MasterSecret;
  readonly serverApplicationSecret: Uint8Array;
  /** Derived with the server's (ClientHello...server Finished); installed only after the client's Finished. */
  readonly clientApplicationSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly certificateRequestContext: Uint8Array | null;
  /** The client offered post_handshake_auth (§4.2.6). */
  readonly clientOfferedPostHandshakeAuth: boolean;
  /** NewSessionTickets already sent with the flight (timing `after_server_finished`). */
  readonly ticketsSent: number;
}

/** What a stateful server keeps across a HelloRetryRequest (§4.1.4). */
export interface RetryMemory {
  readonly clientHello1: ClientHello;
  readonly transcript: Transcript;
  readonly cipherSuite: number;
  readonly group: number;
  readonly cookie: Uint8Array | null;
}

export type ServerState =
  | { readonly kind: 'START'; readonly retry: RetryMemory | null }
  /** 0-RTT accepted: early data until EndOfEarlyData (§4.5); `budget` bytes remain of max_early_data_size. */
  | { readonly kind: 'WAIT_EOED'; readonly keys: ServerKeys; readonly budget: number }
  | { readonly kind: 'WAIT_CERT'; readonly keys: ServerKeys }
  | {
      readonly kind: 'WAIT_CV';
      readonly keys: ServerKeys;
      readonly clientChain: readonly Uint8Array[];
      readonly clientKey: PublicKey;
      readonly ignore: boolean;
    }
  | {
      readonly kind: 'WAIT_FINISHED';
      readonly keys: ServerKeys;
      readonly clientChain: readonly Uint8Array[];
      readonly clientAuth: SignatureVerified | null;
    }
  | { readonly kind: 'CONNECTED'; readonly app: AppSecrets }
  | { readonly kind: 'CLOSED' };

/**
 * The Appendix A.2 server states a transition passes through inside one step: none waits
 * for a message, so no endpoint rests in one, but each is a typed value holding what is
 * known there (the `via` action carries it; the trace shows the move).
 */
export type ServerPassThroughState =
  /** A ClientHello is being checked ("Recv ClientHello"). */
  | { readonly kind: 'RECVD_CH'; readonly clientHello: ClientHello }
  /** Parameters chosen ("Select parameters"): the server sends ServerHello … Finished from here. */
  | { readonly kind: 'NEGOTIATED'; readonly clientHello: ClientHello; readonly suite: CipherSuiteName; readonly resumed: boolean }
  /** The flight is sent and K_send = application; the client's second flight comes next. */
  | { readonly kind: 'WAIT_FLIGHT2'; readonly keys: ServerKeys };

/** Appendix A.1: a client answering a HelloRetryRequest passes through START ("Send ClientHello" again). */
export type ClientPassThroughState = Extract<ClientState, { readonly kind: 'START' }>;

/** A state passed through on the way to a step's next one. */
export type PassThroughState = ServerPassThroughState | ClientPassThroughState;

/** Every Appendix A.2 server state (plus CLOSED) as a type: the resting ones and those passed through. */
export type AppendixServerState = ServerState | ServerPassThroughState;

/** Every Appendix A.1 client state (plus CLOSED) as a type: all of them rest. */
export type AppendixClientState = ClientState;

export type AnyState = ClientState | ServerState;

export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
