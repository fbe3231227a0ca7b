/**
 * Parsed certificates interned by their DER, as Go's crypto/tls does for client
 * connections (`certCache` in cache.go): an endpoint meets the same few certificates in
 * every handshake — its own chain when it picks one to send, its trust anchors, the peer's
 * chain — and parsing them is the costliest protocol work of a handshake.
 *
 * Keyed by content, so a fresh copy of the same bytes (a chain decoded from the wire) hits;
 * a hit compares every byte. Only successful parses are kept (a malformed certificate
 * throws every time). The parsed values are shared between endpoints: they are read-only
 * (every field of `X509Certificate` is), which is what makes sharing them safe. Not
 * exported from the package: `parseCertificate` keeps returning a fresh value.
 */
import { bytesEqual } from '@tls13sim/record';
import { parseCertificate, type X509Certificate } from './x509.js';

/** Entries kept; past this the cache is dropped and refilled (endpoints see a handful). */
const MAX_ENTRIES = 256;

let buckets = new Map<number, X509Certificate[]>();
let entries = 0;

/**
 * The bucket key: FNV-1a over the length and 16 sampled bytes, 8 spread over the
 * certificate and its last 8 (the signature, the most varied part), not over every byte.
 * Equal DER gives equal keys, and a bucket hit is confirmed byte by byte, so a collision
 * costs a comparison, never a wrong answer.
 */
function fingerprint(b: Uint8Array): number {
  const n = b.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  for (let k = 0; k < 8 && n > 0; k++) h = Math.imul(h ^ b[Math.floor((k * n) / 8)]!, 0x01000193);
  for (let k = 1; k <= 8 && k <= n; k++) h = Math.imul(h ^ b[n - k]!, 0x01000193);
  return h >>> 0;
}

/** `parseCertificate(der)`, shared with every earlier parse of the same bytes. Throws as it does. */
export function parseCertificateCached(der: Uint8Array): X509Certificate {
  const key = fingerprint(der);
  const bucket = buckets.get(key);
  if (bucket !== undefined) {
    for (const c of bucket) if (bytesEqual(c.der, der)) return c;
  }
  const cert = parseCertificate(der);
  if (++entries > MAX_ENTRIES) {
    buckets = new Map();
    entries = 1;
  }
  const b = buckets.get(key);
  if (b === undefined) buckets.set(key, [cert]);
  else b.push(cert);
  return cert;
}
