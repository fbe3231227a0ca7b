/**
 * The parsed-certificate cache (pki/cert-cache.ts) buckets by a sample of the bytes and
 * confirms every hit byte by byte: equal DER shares one parse, and certificates that agree
 * on every sampled byte but differ elsewhere still get their own.
 */
import { describe, expect, it } from 'vitest';
import { buildCertificate, generateKeyPair, seededRandom } from '../src/index.js';
import { parseCertificateCached } from '../src/pki/cert-cache.js';

function cert(seed: string): Uint8Array {
  const rand = seededRandom(seed);
  const key = generateKeyPair('ed25519', rand);
  return buildCertificate({ subject: 'CN=cache.test', publicKey: key.publicKey, notBefore: 0, notAfter: Date.UTC(2099, 0, 1) }, key.privateKey, rand).der;
}

/** The positions the bucket key reads (see fingerprint in cert-cache.ts). */
function sampled(n: number): Set<number> {
  const s = new Set<number>();
  for (let k = 0; k < 8; k++) s.add(Math.floor((k * n) / 8));
  for (let k = 1; k <= 8; k++) s.add(n - k);
  return s;
}

describe('parseCertificateCached', () => {
  it('shares one parse between equal bytes in different arrays', () => {
    const der = cert('cache-a');
    expect(parseCertificateCached(der.slice())).toBe(parseCertificateCached(der.slice()));
  });

  it('tells apart certificates that agree on every sampled byte', () => {
    const der = cert('cache-b');
    const a = parseCertificateCached(der);
    // Change one byte of the public key (inside the certificate, not sampled): still a
    // certificate, same length and same sampled bytes, so the same bucket.
    const key = a.publicKey;
    if (key === null || key.type !== 'ed25519') throw new Error('expected an Ed25519 certificate');
    const keyBytes = key.raw;
    let at = -1;
    for (let i = 0; i + 32 <= der.length; i++) {
      if (der.subarray(i, i + 32).every((x, j) => x === keyBytes[j])) at = i;
    }
    const skip = sampled(der.length);
    let p = at;
    while (skip.has(p)) p++;
    expect(p).toBeLessThan(at + 32);
    const other = der.slice();
    other[p] = other[p]! ^ 0x01;
    const b = parseCertificateCached(other);
    expect(b).not.toBe(a);
    expect(b.der).toEqual(other);
    expect(parseCertificateCached(der.slice())).toBe(a);
  });
});
