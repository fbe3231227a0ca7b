/**
 * What the TLS 1.3 driver knows about one connection besides its RFC 8446 Appendix A state
 * (docs/architecture.md "The sans-I/O endpoint"): facts about records seen and sent that
 * no single handshake state owns (the §D.4 change_cipher_spec, the §6.1 closure alerts, the
 * RFC 8449 read limit, the fatal error). An immutable value like the states: a transition
 * asks for a change with a `conn` action and the driver builds the next record, so a
 * cloned endpoint shares it safely.
 */
import type { TlsError } from '@tls13sim/record';

export interface Conn {
  /** start() was called. */
  readonly started: boolean;
  /** Client: the first ClientHello is sealed (§5.1: only its record may say legacy_record_version 0x0301). */
  readonly initialHelloSent: boolean;
  /** A ClientHello was sent or received: a change_cipher_spec may arrive from here on (§5). */
  readonly firstHelloSeen: boolean;
  /** The peer has sent a record under its handshake or application keys (not 0-RTT): its alerts are protected from then on (§5). */
  readonly peerHasKeys: boolean;
  /** Our compatibility change_cipher_spec is sent (§D.4: once per connection). */
  readonly ccsSent: boolean;
  /** The peer's change_cipher_spec was received (§5: at most one). */
  readonly ccsReceived: boolean;
  /** The peer's Finished verified: no change_cipher_spec may follow it (§5). */
  readonly peerFinishedVerified: boolean;
  /** Finished both sent and received (§4.4.4). */
  readonly complete: boolean;
  /** Our close_notify is sent: our write side is closed (§6.1). */
  readonly sentCloseNotify: boolean;
  /** The peer's close_notify arrived: its data has ended (§6.1). */
  readonly receivedCloseNotify: boolean;
  /**
   * Our record_size_limit, negotiated but not yet binding: a server learns it is negotiated
   * while reading the ClientHello, and the client's 0-RTT records that follow were sealed
   * before the client could know it. RFC 8449 §4: "Records are subject to the limits that
   * were set in the handshake that produces the keys that are used to protect those
   * records" — so the limit binds from the first non-early read keys on.
   */
  readonly pendingReadLimit: number | null;
  /** The fatal error that closed the connection (ours, sent as an alert, or the peer's alert). */
  readonly fatal: TlsError | undefined;
}

/** A connection before start(). */
export const INITIAL_CONN: Conn = {
  started: false,
  initialHelloSent: false,
  firstHelloSeen: false,
  peerHasKeys: false,
  ccsSent: false,
  ccsReceived: false,
  peerFinishedVerified: false,
  complete: false,
  sentCloseNotify: false,
  receivedCloseNotify: false,
  pendingReadLimit: null,
  fatal: undefined,
};

/** A change to the connection record, as a transition asks for it. */
export type ConnUpdate = Partial<Conn>;

/**
 * `c` with `s` applied: the same as `{ ...c, ...s }`, written field by field so that every
 * record has one shape (a spread of a partial record takes V8's slow path).
 */
export function updateConn(c: Conn, s: ConnUpdate): Conn {
  return {
    started: s.started ?? c.started,
    initialHelloSent: s.initialHelloSent ?? c.initialHelloSent,
    firstHelloSeen: s.firstHelloSeen ?? c.firstHelloSeen,
    peerHasKeys: s.peerHasKeys ?? c.peerHasKeys,
    ccsSent: s.ccsSent ?? c.ccsSent,
    ccsReceived: s.ccsReceived ?? c.ccsReceived,
    peerFinishedVerified: s.peerFinishedVerified ?? c.peerFinishedVerified,
    complete: s.complete ?? c.complete,
    sentCloseNotify: s.sentCloseNotify ?? c.sentCloseNotify,
    receivedCloseNotify: s.receivedCloseNotify ?? c.receivedCloseNotify,
    pendingReadLimit: s.pendingReadLimit !== undefined ? s.pendingReadLimit : c.pendingReadLimit,
    fatal: 'fatal' in s ? s.fatal : c.fatal,
  };
}
