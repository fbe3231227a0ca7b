/**
 * TLS 1.2 handshake states (RFC 5246 §7.3 message flow) as immutable values, as the 1.3
 * states are (endpoint/state.ts): each holds only what is valid while waiting for its next
 * message.
 */
import type { PublicKey } from '../crypto/keys.js';
import type { KeyShareSecret } from '../crypto/provider.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { Tls12CipherSuiteName, Tls12SuiteParams } from './suites.js';

/**
 * TLS 1.2 client states (RFC 5246 §7.3 message flow), plus CLOSED: WAIT_CR_OR_SHD waits for
 * an optional CertificateRequest or the ServerHelloDone, WAIT_SHD for the ServerHelloDone
 * after a CertificateRequest, WAIT_CCS for the server's ChangeCipherSpec.
 */
export type Tls12ClientStateName =
  | 'START'
  | 'WAIT_SH'
  | 'WAIT_CERT'
  | 'WAIT_SKE'
  | 'WAIT_CR_OR_SHD'
  | 'WAIT_SHD'
  | 'WAIT_CCS'
  | 'WAIT_FINISHED'
  | 'CONNECTED'
  | 'CLOSED';

/** TLS 1.2 server states (RFC 5246 §7.3), plus CLOSED: WAIT_CKE waits for ClientKeyExchange. */
export type Tls12ServerStateName = 'START' | 'WAIT_CERT' | 'WAIT_CKE' | 'WAIT_CV' | 'WAIT_CCS' | 'WAIT_FINISHED' | 'CONNECTED' | 'CLOSED';

/** What was agreed, for the application and the trace (the 1.3 Negotiated's fields where they mean the same). */
export interface Tls12Negotiated {
  readonly version: 'TLSv1.2';
  readonly suite: Tls12SuiteParams;
  /** The ECDHE group; null in a resumed session (RFC 5077 abbreviated handshake: no key exchange). */
  readonly group: string | null;
  readonly alpn: string | null;
  readonly serverName: string | null;
  /** The signature algorithm of the ServerKeyExchange; null when resumed. */
  readonly serverSignatureScheme: string | null;
  readonly helloRetry: false;
  readonly resumed: boolean;
  readonly peerRecordSizeLimit: null;
  /** RFC 7627: the master secret is the extended one; false only with tls12ExtendedMasterSecret 'prefer' and a peer without it. */
  readonly extendedMasterSecret: boolean;
}

/** A TLS 1.2 session a client can resume by ticket (RFC 5077 §3.1). */
export interface Tls12Session {
  readonly ticket: Uint8Array;
  readonly suite: Tls12CipherSuiteName;
  readonly master: Uint8Array;
  /** Seconds (RFC 5077 §3.3 ticket_lifetime_hint; 0: unspecified). */
  readonly lifetimeHint: number;
  /** When the ticket was received, on the client's clock (ms). */
  readonly receivedAt: number;
  readonly serverName: string | null;
  readonly alpn: string | null;
}

/** Both directions' record keys and the master secret, derived after ClientKeyExchange (RFC 5246 §8.1, §6.3). */
export interface Tls12Secrets {
  readonly master: Uint8Array;
  readonly clientKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly serverIv: Uint8Array;
}

/** The hellos' randoms and the agreed suite, fixed from ServerHello on. */
export interface Tls12Hello {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly suite: Tls12SuiteParams;
  readonly alpn: string | null;
  readonly serverName: string | null;
  readonly transcript: Transcript;
  /** The client offered no extended_master_secret: the RFC 5246 §8.1 master secret, not RFC 7627's. */
  readonly legacyMasterSecret?: boolean;
  /** The server answered our session_ticket extension: a NewSessionTicket precedes its ChangeCipherSpec (RFC 5077 §3.2). */
  readonly ticketPromised?: boolean;
}

/** The server's CertificateRequest as the client must answer it (RFC 5246 §7.4.4). */
export interface Tls12CertRequest {
  readonly certificateTypes: Uint8Array;
  readonly schemes: readonly number[];
}

export interface Tls12Connected {
  readonly negotiated: Tls12Negotiated;
  readonly secrets: Tls12Secrets;
  readonly peerCertificates: readonly Uint8Array[];
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

interface AfterSke {
  readonly hello: Tls12Hello;
  readonly serverChain: readonly Uint8Array[];
  readonly group: string;
  readonly serverShare: Uint8Array;
  readonly serverScheme: string;
  readonly certRequest: Tls12CertRequest | null;
}

interface ClientKeyed {
  readonly hello: Tls12Hello;
  readonly secrets: Tls12Secrets;
  readonly negotiated: Tls12Negotiated;
  readonly serverChain: readonly Uint8Array[];
  /** RFC 5077 abbreviated handshake: the server's Finished comes first, ours answers it. */
  readonly resumed: boolean;
  /** The server promised a NewSessionTicket (empty session_ticket in its ServerHello, RFC 5077 §3.2). */
  readonly ticketExpected: boolean;
}

interface ServerWaitCke {
  readonly flight: Tls12ServerFlight;
  readonly clientChain: readonly Uint8Array[];
  readonly clientKey: PublicKey | null;
  readonly ignore: boolean;
}

interface ServerKeyed {
  readonly flight: Tls12ServerFlight;
  readonly secrets: Tls12Secrets;
  readonly clientChain: readonly Uint8Array[];
  /** RFC 5077 abbreviated handshake: our Finished is sent; the client's completes it. */
  readonly resumed: boolean;
}

type C<K extends Tls12ClientStateName, X = object> = { readonly kind: K } & X;
type S<K extends Tls12ServerStateName, X = object> = { readonly kind: K } & X;

export type Tls12ClientState =
  | C<'START'>
  | C<
      'WAIT_SH',
      {
        readonly clientRandom: Uint8Array;
        readonly transcript: Transcript;
        readonly offered: readonly number[];
        /** The ClientHello's session_id and the session offered by ticket (RFC 5077 §3.4), if any. */
        readonly sessionId?: Uint8Array;
        readonly offeredSession?: Tls12Session | null;
        /** We sent a session_ticket extension (RFC 5077 §3.2). */
        readonly ticketExt?: boolean;
      }
    >
  | C<'WAIT_CERT', { readonly hello: Tls12Hello }>
  | C<'WAIT_SKE', { readonly hello: Tls12Hello; readonly serverChain: readonly Uint8Array[]; readonly serverKey: PublicKey }>
  | C<'WAIT_CR_OR_SHD', AfterSke>
  | C<'WAIT_SHD', AfterSke>
  | C<'WAIT_CCS', ClientKeyed>
  | C<'WAIT_FINISHED', ClientKeyed>
  | C<'CONNECTED', { readonly app: Tls12Connected }>
  | C<'CLOSED'>;

/** The server's state from its first flight until the client's Finished. */
export interface Tls12ServerFlight {
  readonly hello: Tls12Hello;
  /** null in a resumed session (no key exchange). */
  readonly share: KeyShareSecret | null;
  readonly group: string | null;
  readonly serverScheme: string | null;
  readonly certRequested: boolean;
  /** We answered the client's session_ticket extension: a NewSessionTicket goes before our ChangeCipherSpec (RFC 5077 §3.3). */
  readonly ticketPromised: boolean;
}

export type Tls12ServerState =
  | S<'START'>
  | S<'WAIT_CERT', ServerWaitCke>
  | S<'WAIT_CKE', ServerWaitCke>
  | S<
      'WAIT_CV',
      {
        readonly flight: Tls12ServerFlight;
        readonly secrets: Tls12Secrets;
        readonly clientChain: readonly Uint8Array[];
        readonly clientKey: PublicKey;
        readonly ignore: boolean;
      }
    >
  | S<'WAIT_CCS', ServerKeyed>
  | S<'WAIT_FINISHED', ServerKeyed>
  | S<'CONNECTED', { readonly app: Tls12Connected }>
  | S<'CLOSED'>;

export type Tls12State = Tls12ClientState | Tls12ServerState;
