/**
 * Hashes, HMAC and HKDF (RFC 5869) on noble, the primitives RFC 8446 §7.1 builds on.
 * Each TLS 1.3 cipher suite names one of these hashes (§B.4).
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashName } from './provider.js';

const HASHES = { sha256, sha384, sha512 } as const;

export const HASH_LENGTHS: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

function hashFn(alg: HashName): (typeof HASHES)[HashName] {
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unknown hash: ${String(alg)}`);
  return h;
}

export function nobleHash(alg: HashName, data: Uint8Array): Uint8Array {
  return hashFn(alg)(data);
}

export function nobleHmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(hashFn(alg), key, data);
}

/** HKDF-Extract(salt, IKM) (RFC 5869 §2.2). An empty salt means Hash.length zeros there. */
export function nobleHkdfExtract(alg: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(hashFn(alg), ikm, salt);
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3); L ≤ 255·Hash.length. */
export function nobleHkdfExpand(alg: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return expand(hashFn(alg), prk, info, length);
}
