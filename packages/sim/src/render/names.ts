/** Wire names shared by the renderers (RFC 8446 §5.1 ContentType, §4 HandshakeType, §6 alerts). */
import { alertName } from '@tls13sim/record';
import type { EpochName } from '@tls13sim/handshake';
import type { Trace } from '../trace.js';

export const CONTENT_TYPE: Readonly<Record<number, string>> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
};

export const HANDSHAKE_TYPE: Readonly<Record<number, string>> = {
  1: 'client_hello',
  2: 'server_hello',
  4: 'new_session_ticket',
  5: 'end_of_early_data',
  8: 'encrypted_extensions',
  11: 'certificate',
  13: 'certificate_request',
  15: 'certificate_verify',
  20: 'finished',
  24: 'key_update',
  // TLS 1.2 only (RFC 5246 §7.4).
  12: 'server_key_exchange',
  14: 'server_hello_done',
  16: 'client_key_exchange',
  254: 'message_hash',
};

export function contentTypeName(n: number): string {
  return CONTENT_TYPE[n] ?? `unknown_${n}`;
}

export function handshakeTypeName(n: number): string {
  return HANDSHAKE_TYPE[n] ?? `unknown_${n}`;
}

export { alertName };

/** `certificate_verify` → `CertificateVerify`, as in RFC 8446's diagrams. */
export function camel(name: string): string {
  return name
    .split('_')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

/**
 * RFC 8446 §2 notation: `{}` handshake keys, `[]` application keys; `()` marks 0-RTT
 * (early) keys; plaintext is bare. `application+N` keeps its N. `‹›` marks TLS 1.2's one
 * protected epoch, `tls12` (RFC 5246 §6.1: the keys each side switches to with its
 * ChangeCipherSpec).
 */
export function bracket(epoch: EpochName, label: string): string {
  if (epoch === 'plaintext') return label;
  if (epoch === 'early') return `(${label})`;
  if (epoch === 'handshake') return `{${label}}`;
  if (epoch === 'tls12') return `‹${label}›`;
  const n = epoch.startsWith('application+') ? epoch.slice('application'.length) : '';
  return `[${label}]${n}`;
}

/** Messages only a TLS 1.2 handshake carries (RFC 5246 §7.4). */
const TLS12_MESSAGES = new Set(['server_key_exchange', 'server_hello_done', 'client_key_exchange']);

/**
 * The trace is of a TLS 1.2 connection: a record under `tls12` keys, or one carrying a TLS
 * 1.2-only message (a handshake that failed before either side switched keys).
 */
export function isTls12Trace(trace: Trace): boolean {
  return trace.events.some(
    (e) => (e.type === 'record_sent' || e.type === 'record_received') && (e.epoch === 'tls12' || e.messages.some((m) => TLS12_MESSAGES.has(m))),
  );
}

/**
 * A ChangeCipherSpec record's label. In TLS 1.2 it is the key switch itself (RFC 5246 §7.1:
 * the sender's next records are under the new keys); in TLS 1.3 a compatibility no-op
 * (RFC 8446 Appendix D.4).
 */
export function changeCipherSpecLabel(tls12: boolean): string {
  return tls12 ? 'ChangeCipherSpec ⇒ ‹keys›' : 'ChangeCipherSpec';
}

/** The key-notation legend line of the text and HTML timelines. */
export function keyLegend(tls12: boolean): string {
  return tls12
    ? "plaintext bare · ‹› TLS 1.2 keys, on from each side's ChangeCipherSpec (RFC 5246 §7.1) · ★ handshake complete (RFC 5246 §7.4.9)"
    : 'plaintext bare · {} handshake keys · [] application keys · () early keys · ★ handshake complete (RFC 8446 §4.4.4)';
}
