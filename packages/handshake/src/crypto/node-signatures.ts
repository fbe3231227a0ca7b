/**
 * Signatures for the node:crypto provider (node.ts; RFC 8446 §4.2.3): our key objects become
 * KeyObjects through JWK, once per key object.
 */
import type * as NodeCrypto from 'node:crypto';
import type { SignatureSchemeName } from '../constants.js';
import { HASH_LENGTHS } from './hash.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type { RandomSource } from './random.js';
import { keyMatchesScheme, modInverse, SCHEME_INFO } from './signature.js';
import { b64u, type Crypto, u8 } from './node-common.js';

// ---------------------------------------------------------------------------------------
// Signatures (RFC 8446 §4.2.3)

function bigintBytes(x: bigint): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

const JWK_CURVE = { p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const;

function publicJwk(key: PublicKey): NodeCrypto.JsonWebKey {
  switch (key.type) {
    case 'ed25519':
      return { kty: 'OKP', crv: 'Ed25519', x: b64u(key.raw) };
    case 'ed448':
      return { kty: 'OKP', crv: 'Ed448', x: b64u(key.raw) };
    case 'ecdsa': {
      const n = (key.point.length - 1) / 2;
      if (key.point[0] !== 0x04 || !Number.isInteger(n)) throw new Error('not an uncompressed point');
      return { kty: 'EC', crv: JWK_CURVE[key.curve], x: b64u(key.point.subarray(1, 1 + n)), y: b64u(key.point.subarray(1 + n)) };
    }
    case 'rsa':
      return { kty: 'RSA', n: b64u(bigintBytes(key.n)), e: b64u(bigintBytes(key.e)) };
  }
}

function privateJwk(key: PrivateKey): NodeCrypto.JsonWebKey {
  switch (key.type) {
    case 'ed25519':
    case 'ed448':
      return { ...publicJwk(key.publicKey), d: b64u(key.seed) };
    case 'ecdsa':
      return { ...publicJwk(key.publicKey), d: b64u(key.scalar) };
    case 'rsa': {
      const { n, e, d, p, q } = key;
      const big = (x: bigint) => b64u(bigintBytes(x));
      return { kty: 'RSA', n: big(n), e: big(e), d: big(d), p: big(p), q: big(q), dp: big(d % (p - 1n)), dq: big(d % (q - 1n)), qi: big(modInverse(q, p)) };
    }
  }
}

export function signatures(c: Crypto) {
  const privateKeys = new WeakMap<PrivateKey, NodeCrypto.KeyObject>();
  const publicKeys = new WeakMap<PublicKey, NodeCrypto.KeyObject>();
  const privateKeyObject = (key: PrivateKey): NodeCrypto.KeyObject => {
    let k = privateKeys.get(key);
    if (k === undefined) {
      k = c.createPrivateKey({ key: privateJwk(key), format: 'jwk' });
      privateKeys.set(key, k);
    }
    return k;
  };
  // A peer's key arrives as a new object in every handshake (its certificate is parsed
  // afresh), so public KeyObjects are also found by content.
  const byContent = new Map<string, NodeCrypto.KeyObject>();
  const publicKeyObject = (key: PublicKey): NodeCrypto.KeyObject => {
    let k = publicKeys.get(key);
    if (k === undefined) {
      const jwk = publicJwk(key);
      const id = JSON.stringify(jwk);
      k = byContent.get(id);
      if (k === undefined) {
        k = c.createPublicKey({ key: jwk, format: 'jwk' });
        if (byContent.size >= 256) byContent.clear();
        byContent.set(id, k);
      }
      publicKeys.set(key, k);
    }
    return k;
  };
  const PSS = { padding: c.constants.RSA_PKCS1_PSS_PADDING };
  const PKCS1 = { padding: c.constants.RSA_PKCS1_PADDING };

  return {
    sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource): Uint8Array {
      const info = SCHEME_INFO[scheme];
      if (info === undefined) throw new Error(`nodeSign: unsupported signature scheme ${scheme}`);
      if (info.kind === 'rsa_pkcs1') throw new Error(`nodeSign: ${scheme} is for certificate signatures only (RFC 8446 §4.2.3)`);
      if (!keyMatchesScheme(scheme, key)) throw new Error(`nodeSign: this ${key.type} key cannot sign with ${scheme}`);
      const k = privateKeyObject(key);
      switch (info.kind) {
        case 'ed25519':
        case 'ed448':
          return u8(c.sign(null, message, k));
        case 'ecdsa':
          return u8(c.sign(info.hash, message, { key: k, dsaEncoding: 'der' }));
        case 'rsa_pss': {
          // "The length of the Salt MUST be equal to the length of the digest algorithm" (§4.2.3).
          const hLen = HASH_LENGTHS[info.hash];
          rand.bytes(hLen); // OpenSSL draws its own salt; keep the caller's stream aligned with noble's.
          return u8(c.sign(info.hash, message, { key: k, ...PSS, saltLength: hLen }));
        }
      }
    },
    verify(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
      const info = SCHEME_INFO[scheme];
      if (info === undefined || !keyMatchesScheme(scheme, key)) return false;
      try {
        const k = publicKeyObject(key);
        switch (info.kind) {
          case 'ed25519':
          case 'ed448':
            return c.verify(null, message, k, signature);
          case 'ecdsa':
            return c.verify(info.hash, message, { key: k, dsaEncoding: 'der' }, signature);
          // RFC 8017 §8.1.2 / §8.2.2 step 1: a signature that is not exactly k octets (the
          // modulus length) is invalid. OpenSSL accepts one with a leading zero octet dropped.
          case 'rsa_pss':
            if (key.type !== 'rsa' || signature.length !== modulusOctets(key.n)) return false;
            return c.verify(info.hash, message, { key: k, ...PSS, saltLength: HASH_LENGTHS[info.hash] }, signature);
          case 'rsa_pkcs1':
            if (key.type !== 'rsa' || signature.length !== modulusOctets(key.n)) return false;
            return c.verify(info.hash, message, { key: k, ...PKCS1 }, signature);
        }
      } catch {
        return false;
      }
    },
  };
}

/** k, the length in octets of an RSA modulus (RFC 8017 §2). */
function modulusOctets(n: bigint): number {
  return Math.ceil(n.toString(16).length / 2);
}
