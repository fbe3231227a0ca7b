/**
 * Key generation from an injected random source (a seed replays the same key).
 *
 * RSA uses micro-rsa-dsa-dh's FIPS 186-5 A.1.3 prime generation (Miller-Rabin rounds per
 * FIPS 186-5 Table B.1) fed from `rand`; about a second per 2048-bit key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { IFCPrimes } from 'micro-rsa-dsa-dh/rsa.js';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import type { RandomSource } from '../crypto/random.js';
import { modInverse } from '../crypto/signature.js';
import { ecPrivateKey, edPrivateKey } from './keys-der.js';

export type KeyType = 'ed25519' | 'ed448' | 'p256' | 'p384' | 'p521' | 'rsa' | 'rsa-pss';

export const KEY_TYPES: readonly KeyType[] = ['ed25519', 'ed448', 'p256', 'p384', 'p521', 'rsa', 'rsa-pss'];

export interface KeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

export interface KeyGenOptions {
  /** RSA modulus size; default 2048. */
  readonly rsaBits?: number;
}

export function generateKeyPair(type: KeyType, rand: RandomSource, opts: KeyGenOptions = {}): KeyPair {
  const privateKey = generatePrivateKey(type, rand, opts);
  return { privateKey, publicKey: privateKey.publicKey };
}

function generatePrivateKey(type: KeyType, rand: RandomSource, opts: KeyGenOptions): PrivateKey {
  switch (type) {
    case 'ed25519':
      return edPrivateKey('ed25519', rand.bytes(ed25519.lengths.secretKey ?? 32));
    case 'ed448':
      return edPrivateKey('ed448', rand.bytes(ed448.lengths.secretKey ?? 57));
    case 'p256':
    case 'p384':
    case 'p521': {
      const curve = { p256, p384, p521 }[type];
      // noble maps a seed of ≥ field length + 8 bytes to a valid scalar without bias (FIPS 186-5 A.2.1).
      const seedLen = curve.lengths.seed ?? 48;
      return ecPrivateKey(type, curve.utils.randomSecretKey(rand.bytes(seedLen)));
    }
    case 'rsa':
    case 'rsa-pss': {
      const bits = opts.rsaBits ?? 2048;
      if (bits < 1024 || bits % 2 !== 0) throw new Error(`generateKeyPair: RSA size ${bits} not supported`);
      const e = 65537n;
      const { p, q } = IFCPrimes(bits, e, undefined, undefined, (n: number) => rand.bytes(n));
      const n = p * q;
      const lambda = lcm(p - 1n, q - 1n);
      const d = modInverse(e, lambda);
      const pss = type === 'rsa-pss';
      return { type: 'rsa', n, e, d, p, q, pss, publicKey: { type: 'rsa', n, e, pss } };
    }
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}
