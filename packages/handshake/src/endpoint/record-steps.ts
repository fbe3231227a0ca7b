/**
 * The TLS 1.3 driver's transitions for received records that are not handshake messages
 * (docs/architecture.md "Conventions" 2): change_cipher_spec, alert and application data.
 * Each is a pure function of the state, the connection record and the decoded record; it
 * returns the Step the driver applies, or the error it must answer with an alert.
 */
import { AlertDescription, AlertLevel, type AlertName, alertName, decodeAlert, TlsError } from '@tls13sim/record';
import type { EpochName } from './api.js';
import type { Conn } from './conn.js';
import { HandshakeError, PeerAlertError } from './errors.js';
import { type ReceivedBase, receivedRecord } from './records.js';
import type { AnyState } from './state.js';
import type { Action, Step } from './step.js';

/** A decoded record as these transitions see it. */
export interface ReceivedRecord {
  readonly epoch: string;
  readonly data: Uint8Array;
  /**
   * §5.1: "Handshake messages MUST NOT be interleaved with other record types": the
   * reassembler's error when part of a handshake message is pending, else null.
   */
  readonly interleaved: TlsError | null;
}

/**
 * §5: "An implementation may receive an unencrypted record of type change_cipher_spec
 * consisting of the single byte value 0x01 at any time after the first ClientHello
 * message has been sent or received and before the peer's Finished message has been
 * received and MUST simply drop it ... any other change_cipher_spec value ... MUST abort
 * the handshake with an "unexpected_message" alert." One per connection (§D.4).
 * `statelessServer`: a stateless-HRR server keeps nothing across its HelloRetryRequest, so
 * it cannot know whether a first ClientHello was seen: the client's compatibility CCS sent
 * "immediately before its second flight" (§D.4) may be the first record it receives.
 */
export function acceptChangeCipherSpec(st: AnyState, conn: Conn, rec: ReceivedRecord, statelessServer: boolean): Step | TlsError {
  if (rec.data.length !== 1 || rec.data[0] !== 0x01) return new HandshakeError('bad_change_cipher_spec', 'change_cipher_spec is not the single byte 0x01');
  const helloSeen = conn.firstHelloSeen || statelessServer;
  if (!helloSeen || conn.peerFinishedVerified) return new HandshakeError('unexpected_message', 'change_cipher_spec outside the handshake');
  if (conn.ccsReceived) return new HandshakeError('unexpected_message', 'a second change_cipher_spec');
  if (rec.interleaved !== null) return rec.interleaved;
  return { state: st, actions: [{ kind: 'conn', set: { ccsReceived: true } }] };
}

/**
 * A received alert (§6). A peer without handshake keys may only alert in the clear (the
 * record layer lets a server read those, Appendix A.1). Once it has protected a handshake
 * or application record it has those keys and protects every alert (§5): a plaintext alert
 * now is forged — accepting it would let anyone on the path close the connection (or
 * truncate it with a fake close_notify).
 */
export function acceptAlert(st: AnyState, conn: Conn, rec: ReceivedRecord, base: ReceivedBase): Step | TlsError {
  if (rec.epoch === 'plaintext' && conn.peerHasKeys) return new HandshakeError('unexpected_message', 'unprotected alert from a peer that has keys (§5)');
  if (rec.interleaved !== null) return rec.interleaved;
  let alert: ReturnType<typeof decodeAlert>;
  try {
    alert = decodeAlert(rec.data);
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw e;
  }
  const level = alert.level === AlertLevel.warning ? 'warning' : alert.level === AlertLevel.fatal ? 'fatal' : `unknown_${alert.level}`;
  const description = alertName(alert.description);
  const actions: Action[] = [
    { kind: 'event', event: { type: 'record_received', record: receivedRecord(base, [], { level, description }) } },
    { kind: 'event', event: { type: 'alert_received', level, description, epoch: rec.epoch as EpochName } },
  ];
  if (alert.description === AlertDescription.close_notify) {
    // §6.1: the peer closed its direction only. We keep writing (write, keyUpdate) until our
    // application closes ours: "Each party MUST send a "close_notify" alert before closing
    // its write side" — it is not sent for us here.
    actions.push({ kind: 'conn', set: { receivedCloseNotify: true } });
    actions.push({ kind: 'event', event: { type: 'peer_closed', writeOpen: !conn.sentCloseNotify } });
    return { state: conn.sentCloseNotify ? { kind: 'CLOSED' } : st, actions };
  }
  if (alert.description === AlertDescription.user_canceled) return { state: st, actions };
  // §6: "Unknown Alert types MUST be treated as error alerts" and §6.2 alerts are errors "regardless of the AlertLevel".
  actions.push({ kind: 'conn', set: { fatal: new PeerAlertError(description as AlertName, alert.description) } });
  return { state: { kind: 'CLOSED' }, actions };
}

/** Application data (§5.1/§2): only under application keys, or accepted 0-RTT keys within max_early_data_size. */
export function acceptApplicationData(st: AnyState, rec: ReceivedRecord): Step | TlsError {
  if (rec.interleaved !== null) return rec.interleaved;
  let next = st;
  if (rec.epoch === 'early' && st.kind === 'WAIT_EOED') {
    // §4.6.1: "A server receiving more than max_early_data_size bytes of 0-RTT data SHOULD terminate the connection with an "unexpected_message" alert."
    if (rec.data.length > st.budget) return new HandshakeError('unexpected_message', 'more early data than max_early_data_size');
    next = { ...st, budget: st.budget - rec.data.length };
  } else if (!rec.epoch.startsWith('application')) {
    return new HandshakeError('unexpected_message', `application data under ${rec.epoch} keys`);
  }
  const actions: Action[] = [];
  if (rec.data.length > 0) {
    actions.push({ kind: 'deliver', data: rec.data });
    // Application data ends a run of KeyUpdates (connected.ts MAX_KEY_UPDATES_IN_A_ROW).
    if (next.kind === 'CONNECTED' && next.app.keyUpdatesInARow > 0) next = { ...next, app: { ...next.app, keyUpdatesInARow: 0 } };
  }
  actions.push({ kind: 'event', event: { type: 'application_data', length: rec.data.length } });
  return { state: next, actions };
}
