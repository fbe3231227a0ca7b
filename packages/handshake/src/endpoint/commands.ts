/**
 * The TLS 1.3 driver's transitions for the application's commands (docs/architecture.md
 * "Conventions" 2): write, keyUpdate, requestClientAuth, close and cancel, and the rekey
 * before a client's fatal alert. Pure functions of the state and the connection record: a
 * Step to apply, or a `UsageError` — the caller's misuse, thrown to it before anything can
 * fail the connection.
 */
import type { Role } from './api.js';
import { requestPostHandshakeAuth, sendKeyUpdate } from './connected.js';
import type { Conn } from './conn.js';
import { clientKeysOf } from './records.js';
import type { AnyState } from './state.js';
import { type Action, type Env, Out, type Step } from './step.js';

/** A command the application may not give now (not a protocol error: nothing is sent). */
export class UsageError extends Error {}

/**
 * Application data under the write keys in force. §5.5: "Implementations SHOULD update
 * their keys before reaching the limits" — at the key limit a KeyUpdate goes out first.
 */
export function writeStep(role: Role, st: AnyState, conn: Conn, data: Uint8Array, keyUpdateDue: boolean, env: Env): Step {
  const out = new Out();
  let state = st;
  if (st.kind === 'CONNECTED' && keyUpdateDue && !conn.sentCloseNotify) {
    out.event({ type: 'note', text: 'the write key neared its usage limit (§5.5): automatic KeyUpdate' });
    state = { kind: 'CONNECTED', app: sendKeyUpdate(role, st.app, false, env, out) };
  }
  out.push({ kind: 'app_data', data });
  return out.done(state);
}

/** §4.6.3: our KeyUpdate, asking the peer to update too when `requestPeer`. */
export function keyUpdateStep(role: Role, st: AnyState, conn: Conn, requestPeer: boolean, env: Env): Step | UsageError {
  if (st.kind !== 'CONNECTED') return new UsageError('Endpoint.keyUpdate: the handshake is not complete');
  if (conn.sentCloseNotify) return new UsageError('Endpoint.keyUpdate: close_notify was already sent');
  const out = new Out();
  return out.done({ kind: 'CONNECTED', app: sendKeyUpdate(role, st.app, requestPeer, env, out) });
}

/** Server: starts post-handshake client authentication (§4.6.2). */
export function requestClientAuthStep(role: Role, st: AnyState, env: Env): Step | UsageError {
  if (role !== 'server') return new UsageError('Endpoint.requestClientAuth: only a server asks for a client certificate');
  if (st.kind !== 'CONNECTED') return new UsageError('Endpoint.requestClientAuth: the handshake is not complete');
  if (!st.app.postHandshakeAuth) return new UsageError('Endpoint.requestClientAuth: the client did not offer post_handshake_auth (§4.2.6)');
  if (st.app.pendingAuth !== null) return new UsageError('Endpoint.requestClientAuth: a post-handshake authentication is already in progress');
  const out = new Out();
  return out.done({ kind: 'CONNECTED', app: requestPostHandshakeAuth(st.app, env, out) });
}

/** §6.1 close_notify: closes our direction only; the connection is CLOSED once both are. Null: already sent. */
export function closeStep(st: AnyState, conn: Conn): Step | null {
  if (conn.sentCloseNotify) return null;
  const actions: Action[] = [
    { kind: 'alert', alert: 'close_notify' },
    { kind: 'conn', set: { sentCloseNotify: true } },
    { kind: 'event', event: { type: 'closed_for_writing', readOpen: !conn.receivedCloseNotify } },
  ];
  return { state: conn.receivedCloseNotify ? { kind: 'CLOSED' } : st, actions };
}

/** §6.1 user_canceled: the application abandons the handshake (close_notify follows). Null: already closed. */
export function cancelStep(st: AnyState, conn: Conn): Step | null {
  if (conn.sentCloseNotify) return null;
  return { state: st, actions: [{ kind: 'alert', alert: 'user_canceled' }] };
}

/**
 * The write keys to take before our fatal alert. Appendix A.1 note: "clients may send
 * alerts that derive from post-ServerHello messages in the clear or with the early data
 * keys. If clients need to send such alerts, they SHOULD first rekey to the handshake keys
 * if possible."
 *
 * That applies to a client still writing under its 0-RTT keys too. Without handshake keys
 * (no ServerHello yet) such a client says it in the clear: a server that answered with a
 * HelloRetryRequest, or rejected the early data, skips every record under the early keys
 * (§4.2.10), so an alert sealed under them would never be heard and the server would wait
 * forever (found by the single-fault property: a cut HelloRetryRequest).
 */
export function alertRekey(role: Role, st: AnyState, writeEpoch: string): readonly Exclude<Action, { kind: 'via' }>[] {
  if (role !== 'client' || (writeEpoch !== 'plaintext' && writeEpoch !== 'early')) return [];
  const keys = clientKeysOf(st);
  if (keys === null) return writeEpoch === 'early' ? [{ kind: 'plaintext_write' }] : [];
  const secret = keys.clientHandshakeSecret;
  return [{ kind: 'keys', direction: 'write', epoch: 'handshake', suite: keys.negotiated.suite, secret, keylog: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' }];
}
