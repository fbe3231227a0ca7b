/**
 * PSK binders (RFC 8446 §4.2.11.2):
 *   "The PskBinderEntry is computed in the same way as the Finished message (Section 4.4.4)
 *    but with the BaseKey being the binder_key derived via the key schedule from the
 *    corresponding PSK which is being offered."
 *   "Each entry in the binders list is computed as an HMAC over a transcript hash (see
 *    Section 4.4.1) containing a partial ClientHello up to and including the
 *    PreSharedKeyExtension.identities field. That is, it includes all of the ClientHello
 *    but not the binders list itself. The length fields for the message (including the
 *    overall length, the length of the extensions block, and the length of the
 *    "pre_shared_key" extension) are all set as if binders of the correct lengths were
 *    present."
 */
import { encodeHandshake } from './handshake.js';
import { findExtension } from './extensions.js';
import type { ClientHello, ClientHelloExtension } from './types.js';

/** The length of the encoded binders list: `PskBinderEntry binders<33..2^16-1>` with its 2-byte prefix. */
export function bindersListLength(binders: readonly Uint8Array[]): number {
  return 2 + binders.reduce((n, b) => n + 1 + b.length, 0);
}

/**
 * Truncated(ClientHello): header and body up to, not including, the binders list. Uses the
 * received bytes when `ch` was decoded; otherwise encodes `ch`, whose binders must already
 * have their final lengths (placeholders of the right size).
 */
export function truncatedClientHello(ch: ClientHello): Uint8Array {
  const psk = findExtension(ch.extensions, 'pre_shared_key');
  if (psk === undefined || !('binders' in psk)) {
    throw new Error('truncatedClientHello: the ClientHello has no pre_shared_key extension');
  }
  const whole = ch.raw ?? encodeHandshake(ch);
  return whole.slice(0, whole.length - bindersListLength(psk.binders));
}

/** The same ClientHello with new binder values (same count; lengths may change), without `raw`. */
export function withBinders(ch: ClientHello, binders: readonly Uint8Array[]): ClientHello {
  let found = false;
  const extensions: ClientHelloExtension[] = ch.extensions.map((e) => {
    if (e.type !== 'pre_shared_key' || !('binders' in e)) return e;
    found = true;
    if (binders.length !== e.binders.length) {
      throw new Error(`withBinders: ${binders.length} binders to replace ${e.binders.length}`);
    }
    return { ...e, binders: [...binders] };
  });
  if (!found) throw new Error('withBinders: the ClientHello has no pre_shared_key extension');
  const { raw: _raw, ...rest } = ch;
  return { ...rest, extensions };
}
