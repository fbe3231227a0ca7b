/** Wire names shared by the renderers (RFC 8446 §5.1 ContentType, §4 HandshakeType, §6 alerts). */
import { alertName } from '@tls13sim/record';
import type { EpochName } from '@tls13sim/handshake';

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
 * (early) keys; plaintext is bare. `application+N` keeps its N.
 */
export function bracket(epoch: EpochName, label: string): string {
  if (epoch === 'plaintext') return label;
  if (epoch === 'early') return `(${label})`;
  if (epoch === 'handshake') return `{${label}}`;
  const n = epoch.startsWith('application+') ? epoch.slice('application'.length) : '';
  return `[${label}]${n}`;
}
