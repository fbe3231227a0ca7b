/**
 * FFDHE (RFC 7919 groups in TLS 1.3: RFC 8446 §4.2.7, §4.2.8.1, §7.4.1) in both providers.
 *
 * The primes are checked against what defines them, not against a copy: RFC 7919 Appendix A
 * derives each as p = 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1 (X printed per group),
 * a safe prime with g = 2. The test computes e to enough bits, rebuilds p, checks that p and
 * q = (p-1)/2 pass Miller-Rabin to base 2 (a full primality test of 2,000–8,000-bit numbers
 * takes too long for a unit test: node:crypto's `checkPrimeSync` takes 20 s on ffdhe8192's q),
 * and that OpenSSL's DH_check has no complaint about p. Node's built-in DH groups
 * (`getDiffieHellman('modp…')`) are RFC 3526 MODP groups, not these, so shared secrets are
 * cross-checked against a plain `createDiffieHellman(p, 2)`.
 */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FFDHE_GROUPS,
  createNodeProvider,
  ffdheParams,
  memoizeProvider,
  nobleProvider,
  seededRandom,
  type CryptoProvider,
  type FfdheGroupName,
} from '@tls13sim/handshake';

const node = createNodeProvider();
const PROVIDERS: [string, CryptoProvider][] = [
  ['noble', nobleProvider],
  ['node', node],
];

/** RFC 7919 Appendix A.1–A.5: b, X, and the minimum short exponent (bits). */
const RFC7919: Record<FfdheGroupName, { b: number; x: bigint; minExponentBits: number }> = {
  ffdhe2048: { b: 2048, x: 560316n, minExponentBits: 225 },
  ffdhe3072: { b: 3072, x: 2625351n, minExponentBits: 275 },
  ffdhe4096: { b: 4096, x: 5736041n, minExponentBits: 325 },
  ffdhe6144: { b: 6144, x: 15705020n, minExponentBits: 375 },
  ffdhe8192: { b: 8192, x: 10965728n, minExponentBits: 400 },
};

/** [2^k e] (floor), from e = Σ 1/n!, with 64 guard bits (the truncation error stays far below one unit). */
function floorTimesE(k: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(k) + guard);
  let sum = 0n;
  for (let n = 1n; term > 0n; n++) {
    sum += term;
    term /= n;
  }
  return sum >> guard;
}

/** 2^e mod m, a test-local square-and-double (not the code under test). */
function powerOfTwo(e: bigint, m: bigint): bigint {
  let r = 1n;
  for (const bit of e.toString(2)) {
    r = (r * r) % m;
    if (bit === '1') r = (r * 2n) % m;
  }
  return r;
}

const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const toBytes = (x: bigint, n: number): Uint8Array => new Uint8Array(Buffer.from(x.toString(16).padStart(2 * n, '0'), 'hex'));
const leftPad = (b: Uint8Array, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
};

describe('the RFC 7919 primes', () => {
  it('are the groups 0x0100–0x0104 of both providers', () => {
    expect(FFDHE_GROUPS).toEqual(['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192']);
    for (const [, p] of PROVIDERS) for (const g of FFDHE_GROUPS) expect(p.keyExchange(g)?.group).toBe(g);
  });

  for (const g of FFDHE_GROUPS) {
    const { b, x } = RFC7919[g];
    it(`${g}: p = 2^${b} - 2^${b - 64} + {[2^${b - 130} e] + ${x}} * 2^64 - 1, g = 2`, () => {
      const B = BigInt(b);
      const expected = (1n << B) - (1n << (B - 64n)) + (floorTimesE(b - 130) + x) * (1n << 64n) - 1n;
      const params = ffdheParams(g);
      expect(params.p).toBe(expected);
      expect(params.g).toBe(2n);
      expect(params.bits).toBe(b);
      expect(params.byteLength).toBe(b / 8);
      expect(toBig(params.pBytes)).toBe(expected);
      // The top and bottom 64 bits are ones (the construction's purpose), and p ≡ 7 (mod 8):
      // 2 is then a quadratic residue, so g = 2 generates the subgroup of prime order q.
      expect(expected >> (B - 64n)).toBe((1n << 64n) - 1n);
      expect(expected & ((1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
      expect(expected % 8n).toBe(7n);
    });

    it(`${g}: p and q = (p-1)/2 are base-2 strong probable primes (a safe prime), and OpenSSL's DH_check accepts p`, () => {
      const { p, pBytes } = ffdheParams(g);
      const q = (p - 1n) / 2n;
      // Both are 3 (mod 4), so n - 1 = 2·d with d odd and Miller-Rabin to base 2 is 2^d ≡ ±1 (mod n).
      expect(p % 4n).toBe(3n);
      expect(q % 4n).toBe(3n);
      expect([1n, p - 1n]).toContain(powerOfTwo(q, p));
      expect([1n, q - 1n]).toContain(powerOfTwo((q - 1n) / 2n, q));
      // OpenSSL's DH_check (node's verifyError) has no complaint about p with g = 2.
      expect(nodeCrypto.createDiffieHellman(Buffer.from(pBytes), 2).verifyError).toBe(0);
    });
  }
});

describe('FFDHE key exchange in both providers', () => {
  for (const g of FFDHE_GROUPS) {
    const { pBytes, byteLength, p } = ffdheParams(g);

    it(`${g}: noble and node draw the same exponent and share from a seed; the exponent meets RFC 7919's minimum`, () => {
      const a = nobleProvider.keyExchange(g)!.generate(seededRandom(`ff:${g}`));
      const b = node.keyExchange(g)!.generate(seededRandom(`ff:${g}`));
      expect(b).toEqual(a);
      expect(a.share.length).toBe(byteLength);
      // The top bit is set, so the exponent has exactly 8·length bits, at least the RFC's minimum + 1.
      expect(a.privateKey[0]! & 0x80).toBe(0x80);
      expect(a.privateKey.length * 8 - 1).toBeGreaterThanOrEqual(RFC7919[g].minExponentBits);
      // Y = 2^x mod p, by plain node:crypto.
      const dh = nodeCrypto.createDiffieHellman(Buffer.from(pBytes), 2);
      dh.setPrivateKey(Buffer.from(a.privateKey));
      dh.generateKeys();
      expect(a.share).toEqual(leftPad(dh.getPublicKey(), byteLength));
    });

    it(`${g}: every provider pairing and node:crypto's own DiffieHellman agree on the secret`, () => {
      for (const [cn, cp] of PROVIDERS) {
        for (const [sn, sp] of PROVIDERS) {
          const own = cp.keyExchange(g)!.generate(seededRandom(`c:${g}:${cn}`));
          const res = sp.keyExchange(g)!.respond(own.share, seededRandom(`s:${g}:${sn}`));
          expect(res).not.toBeNull();
          expect(res!.share.length).toBe(byteLength);
          expect(res!.sharedSecret.length).toBe(byteLength);
          expect(cp.keyExchange(g)!.finish(own, res!.share)).toEqual(res!.sharedSecret);
        }
      }
      // A peer that is plain OpenSSL with the same prime, in both directions.
      const peer = nodeCrypto.createDiffieHellman(Buffer.from(pBytes), 2);
      peer.generateKeys();
      const peerShare = leftPad(peer.getPublicKey(), byteLength);
      for (const [, pr] of PROVIDERS) {
        const own = pr.keyExchange(g)!.generate(seededRandom(`o:${g}`));
        const ours = pr.keyExchange(g)!.finish(own, peerShare);
        expect(ours).toEqual(leftPad(peer.computeSecret(Buffer.from(own.share)), byteLength));
        const res = pr.keyExchange(g)!.respond(peerShare, seededRandom(`r:${g}`))!;
        expect(res.sharedSecret).toEqual(leftPad(peer.computeSecret(Buffer.from(res.share)), byteLength));
      }
      expect(toBig(peerShare)).toBeLessThan(p);
    });

    it(`${g}: §4.2.8.1 refuses a share that is not the size of p or not 1 < Y < p-1, in both roles`, () => {
      const n = byteLength;
      const bad: Record<string, Uint8Array> = {
        'one byte short': new Uint8Array(n - 1).fill(7),
        'one byte long': new Uint8Array(n + 1).fill(7),
        'Y = 2 without its leading zeros': new Uint8Array([2]),
        'Y = 0': toBytes(0n, n),
        'Y = 1': toBytes(1n, n),
        'Y = p - 1': toBytes(p - 1n, n),
        'Y = p': toBytes(p, n),
        'Y = p + 1': toBytes(p + 1n, n),
        'Y = 2^b - 1': new Uint8Array(n).fill(0xff),
      };
      for (const [, pr] of PROVIDERS) {
        const k = pr.keyExchange(g)!;
        const own = k.generate(seededRandom(`v:${g}`));
        for (const [what, share] of Object.entries(bad)) {
          expect([what, k.respond(share, seededRandom('x'))]).toEqual([what, null]);
          expect([what, k.finish(own, share)]).toEqual([what, null]);
        }
        // The bounds themselves are fine: 2 and p - 2.
        for (const y of [2n, p - 2n]) {
          expect(k.respond(toBytes(y, n), seededRandom('y'))).not.toBeNull();
          expect(k.finish(own, toBytes(y, n))).not.toBeNull();
        }
      }
    });
  }

  // Seeds found by search: the first draw whose share / shared secret starts with a zero byte.
  it('left-pads a public value with a leading zero byte to the size of p (§4.2.8.1)', () => {
    const a = nobleProvider.keyExchange('ffdhe2048')!.generate(seededRandom('pad:351'));
    expect(a.share.length).toBe(256);
    expect(a.share[0]).toBe(0);
    expect(node.keyExchange('ffdhe2048')!.generate(seededRandom('pad:351'))).toEqual(a);
  });

  it('left-pads a shared secret with a leading zero byte to the size of p (§7.4.1), in both providers', () => {
    for (const [, cp] of PROVIDERS) {
      for (const [, sp] of PROVIDERS) {
        const own = cp.keyExchange('ffdhe2048')!.generate(seededRandom('pad:37'));
        const res = sp.keyExchange('ffdhe2048')!.respond(own.share, seededRandom('pad-server:37'))!;
        expect(res.sharedSecret.length).toBe(256);
        expect(res.sharedSecret[0]).toBe(0);
        expect(cp.keyExchange('ffdhe2048')!.finish(own, res.share)).toEqual(res.sharedSecret);
      }
    }
  });

  it('goes through the memoising provider like any group', () => {
    const m = memoizeProvider(nobleProvider);
    const k = m.keyExchange('ffdhe2048')!;
    const own = k.generate(seededRandom('m'));
    const r1 = k.respond(own.share, seededRandom('n'));
    const r2 = k.respond(own.share, seededRandom('n'));
    expect(r2).toEqual(r1);
    expect(m.stats.byOp.respond).toEqual({ hits: 1, misses: 1 });
  });
});
