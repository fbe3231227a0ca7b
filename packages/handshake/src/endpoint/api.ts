/**
 * The public face of the sans-I/O endpoint (docs/architecture.md "The sans-I/O endpoint"). Bytes, time and
 * randomness come in; wire records, typed events and application data come out.
 * Nothing here does I/O, reads a clock or calls a global random source.
 */
import type { AlertName, TlsError } from '@tls13sim/record';
import type { ResumptionSession } from './psk.js';
import type { Negotiated } from './state.js';
import type { Tls12ClientStateName, Tls12Negotiated, Tls12ServerStateName, Tls12Session } from '../tls12/state.js';

// The TLS 1.2 state names are declared with the 1.2 states (tls12/state.ts), which must not import this module back.
export type { Tls12ClientStateName, Tls12ServerStateName } from '../tls12/state.js';

export type Role = 'client' | 'server';

/** RFC 8446 Appendix A.1 client states, plus CLOSED. */
export type ClientStateName = 'START' | 'WAIT_SH' | 'WAIT_EE' | 'WAIT_CERT_CR' | 'WAIT_CERT' | 'WAIT_CV' | 'WAIT_FINISHED' | 'CONNECTED' | 'CLOSED';

/** RFC 8446 Appendix A.2 server states, plus CLOSED. */
export type ServerStateName =
  | 'START'
  | 'RECVD_CH'
  | 'NEGOTIATED'
  | 'WAIT_EOED'
  | 'WAIT_FLIGHT2'
  | 'WAIT_CERT'
  | 'WAIT_CV'
  | 'WAIT_FINISHED'
  | 'CONNECTED'
  | 'CLOSED';

export type StateName = ClientStateName | ServerStateName | Tls12ClientStateName | Tls12ServerStateName;

/**
 * Key epochs as the trace names them: `application+N` after N key updates; `tls12` for the
 * one protected epoch of a TLS 1.2 connection (from each side's ChangeCipherSpec on).
 */
export type EpochName = 'plaintext' | 'early' | 'handshake' | 'application' | `application+${number}` | 'tls12';

export type Direction = 'read' | 'write';

/** One record as it crossed the wire, decoded for the trace. */
export interface RecordInfo {
  /** TLSPlaintext/TLSCiphertext.opaque_type name: handshake, alert, application_data, change_cipher_spec. */
  readonly outerType: string;
  /** The real content type (TLSInnerPlaintext.type for protected records). */
  readonly innerType: string;
  readonly epoch: EpochName;
  /** Length of the record body on the wire (the header's length field). */
  readonly length: number;
  /** Handshake message names it carried (or completed), in order, snake_case. */
  readonly messages: readonly string[];
  readonly alert?: { readonly level: string; readonly description: string };
  /** The whole record as on the wire, header included. */
  readonly wire: Uint8Array;
}

export type EndpointEvent =
  | { readonly type: 'state'; readonly from: StateName; readonly to: StateName }
  | { readonly type: 'record_sent'; readonly record: RecordInfo }
  | { readonly type: 'record_received'; readonly record: RecordInfo }
  | {
      readonly type: 'keys_installed';
      readonly direction: Direction;
      readonly epoch: EpochName;
      /** NSS keylog label (CLIENT_HANDSHAKE_TRAFFIC_SECRET, …) and secret, for keylog files. */
      readonly keylog?: { readonly label: string; readonly secret: Uint8Array };
    }
  /**
   * A secret derived for something other than record protection, with its NSS keylog label,
   * for keylog files: EXPORTER_SECRET (exporter_master_secret, §7.5), once per connection,
   * when the handshake completes (exportKeyingMaterial becomes available).
   */
  | { readonly type: 'secret'; readonly label: 'EXPORTER_SECRET'; readonly secret: Uint8Array }
  /** A Finished message was built and queued for sending. */
  | { readonly type: 'finished_built'; readonly version?: 'TLSv1.2' }
  /** The peer's Finished was received and verified. */
  | { readonly type: 'finished_verified'; readonly version?: 'TLSv1.2' }
  /** RFC meaning: Finished both sent and received (§4.4.4). */
  | { readonly type: 'handshake_complete' }
  | { readonly type: 'alert_sent'; readonly level: string; readonly description: AlertName | string; readonly epoch: EpochName }
  | { readonly type: 'alert_received'; readonly level: string; readonly description: AlertName | string; readonly epoch: EpochName }
  | { readonly type: 'application_data'; readonly length: number }
  /** Client: a ticket arrived; `session` resumes a later connection (config.session). */
  | {
      readonly type: 'new_session_ticket';
      readonly lifetime: number;
      readonly session?: ResumptionSession;
      /** TLS 1.2 (RFC 5077): the session to resume a later connection with (config.tls12Session). */
      readonly tls12Session?: Tls12Session;
    }
  /** Server: the outcome of a post-handshake authentication (§4.6.2). */
  | { readonly type: 'post_handshake_auth'; readonly stage: 'requested' | 'authenticated' | 'unauthenticated' }
  | { readonly type: 'early_data'; readonly accepted: boolean }
  | { readonly type: 'key_update'; readonly direction: Direction; readonly requested: boolean }
  /**
   * The peer's close_notify arrived (§6.1): our read side is closed (reads find the end of
   * its data). `writeOpen`: we have not sent ours, so we can still write — half-closed —
   * until the application calls close().
   */
  | { readonly type: 'peer_closed'; readonly writeOpen: boolean }
  /**
   * We sent close_notify (§6.1, close() or cancel()): our write side is closed. `readOpen`:
   * the peer's has not arrived, so we still read what it sends — half-closed.
   */
  | { readonly type: 'closed_for_writing'; readonly readOpen: boolean }
  | { readonly type: 'note'; readonly text: string };

/** What an endpoint exposes; the client and server classes implement it. */
export interface EndpointApi {
  readonly role: Role;
  readonly state: StateName;
  /** The fatal error that closed this endpoint (sent or received), if any. */
  readonly error: TlsError | undefined;
  readonly handshakeComplete: boolean;

  /** Client: emits the ClientHello. Server: no-op. Call once, first. */
  start(now?: number): void;
  /**
   * Bytes from the network. Never throws for anything the peer sends: errors become our
   * alert and `error`. After a fatal error (sent or received) the connection is dead and
   * incoming bytes are discarded, as a closed socket would; every application call
   * (write, read, keyUpdate, close) then throws that same error.
   */
  handleBytes(bytes: Uint8Array, now?: number): void;
  handleTimeout(now: number): void;

  write(data: Uint8Array): void;
  keyUpdate(requestPeer: boolean): void;
  requestClientAuth(): void;
  close(): void;

  /** The next wire record to send (exactly one record), or null. */
  pollTransmit(): Uint8Array | null;
  pollEvent(): EndpointEvent | null;
  /** Up to `max` bytes of received application data (consumed); null when none; throws the fatal error once failed and drained. */
  readApplicationData(max?: number): Uint8Array | null;
  /** Like readApplicationData without consuming. */
  peekApplicationData(max?: number): Uint8Array | null;
  /**
   * The unread bytes of the oldest application_data record received, consumed: data record
   * by record, as a library hands it on that emits one event per record (Node's 'data').
   * null when nothing is waiting. Optional: an endpoint without it is read with
   * readApplicationData.
   */
  readApplicationRecord?(): Uint8Array | null;
  /**
   * True once the peer's close_notify was received: our read side is closed. §6.1 closes
   * only the sender's direction, so write, keyUpdate and close still work (half-closed).
   */
  readonly peerClosed: boolean;
  /** True once we sent close_notify (close/cancel): our write side is closed; reads go on until the peer's. */
  readonly closedForWriting: boolean;

  /** An independent copy (for snapshot/fork), sharing no mutable state. */
  clone(): EndpointApi;
}

/** What was negotiated, whichever the version: a TLS 1.2 connection's carries `version: 'TLSv1.2'`. */
export type AnyNegotiated = Negotiated | Tls12Negotiated;

/**
 * An endpoint of either version (createTlsEndpoint): the 1.3 `Endpoint`, the TLS 1.2 one, or
 * a 1.2+1.3 endpoint that becomes one of them once the hellos are exchanged. What the TCP
 * adapter and the CLI use besides EndpointApi.
 */
export interface TlsEndpoint extends EndpointApi {
  /** The negotiated protocol version, once the ServerHello is sent or received; null before. */
  readonly version: 'TLSv1.2' | 'TLSv1.3' | null;
  readonly negotiated: AnyNegotiated | null;
  readonly peerCertificates: readonly Uint8Array[];
  readonly bufferedApplicationBytes: number;
  readonly readEpoch: string;
  readonly writeEpoch: string;
  /** user_canceled, then close_notify: the application abandons the handshake (RFC 8446 §6.1, RFC 5246 §7.2.1). */
  cancel(): void;
  /** Keying material exporter: RFC 8446 §7.5 (1.3) or RFC 5705 (1.2), once CONNECTED. */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array;
  clone(): TlsEndpoint;
}
