/**
 * What the node:crypto provider's parts share (node.ts, node-kex.ts, node-signatures.ts):
 * the module's type and two byte helpers.
 */
import type * as NodeCrypto from 'node:crypto';

/** The `node:crypto` module, loaded at run time (node.ts). */
export type Crypto = typeof NodeCrypto;

/** A Buffer as a plain Uint8Array: a view when it owns its memory, else a copy (pooled small Buffers). */
export function u8(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}

/**
 * Base64url without padding (JWK, RFC 7517). Copied into Node's Buffer pool rather than
 * viewed through `b.buffer`: a key of up to 64 bytes lives on the JS heap, and asking for
 * its buffer makes V8 move it out first (an allocation; the pool's copy is not one).
 */
export const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
