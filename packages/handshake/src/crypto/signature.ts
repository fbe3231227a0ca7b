/**
 * Signature schemes (RFC 8446 §4.2.3) on noble and micro-rsa-dsa-dh.
 *
 * `signNoble` / `verifyNoble` take the message itself, never a digest: each scheme hashes
 * with its own hash ("ecdsa_secp521r1_sha512" hashes with SHA-512 whatever the curve's
 * default would be), so we always hash here and hand noble a prehashed value.
 *
 * - ECDSA signatures are DER `ECDSA-Sig-Value` (§4.2.3: "DER-encoded"); we verify with
 *   `lowS: false` because OpenSSL emits high-S signatures half of the time, and we sign
 *   deterministically (RFC 6979), so signing consumes no randomness.
 * - RSASSA-PSS: "The length of the Salt MUST be equal to the length of the digest
 *   algorithm", MGF1 with the same hash (§4.2.3, RFC 8017 §8.1, §9.1). The salt comes
 *   from the injected `rand`, so a seeded run is reproducible; micro-rsa-dsa-dh draws
 *   its salt from the system CSPRNG, hence our own EMSA-PSS-ENCODE and a CRT RSASP1.
 * - rsa_pss_rsae_* needs an rsaEncryption key, rsa_pss_pss_* an id-RSASSA-PSS key.
 * - rsa_pkcs1_* "refer solely to signatures which appear in certificates" (§4.2.3):
 *   `verifyNoble` accepts them (the PKI needs them), `signNoble` refuses them;
 *   `signRsaPkcs1` exists for the certificate builder only.
 *
 * verify never throws for bad input: every failure is `false`.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { PKCS1_SHA256, PKCS1_SHA384, PKCS1_SHA512, PSS, mgf1 } from 'micro-rsa-dsa-dh/rsa.js';
import type { SignatureSchemeName } from '../constants.js';
import type { EcCurve, PrivateKey, PublicKey } from './keys.js';
import type { RandomSource } from './random.js';

export { certificateVerifyContent, schemesForKey, type CertificateVerifySide } from './signed-content.js';

type Hash = CHash;
export type SignatureHashName = 'sha256' | 'sha384' | 'sha512';

const HASHES: Record<SignatureHashName, Hash> = { sha256, sha384, sha512 };
const CURVES = { p256, p384, p521 } as const;

/** What a scheme means, as data (§4.2.3). */
export type SchemeInfo =
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'ed448' }
  | { readonly kind: 'ecdsa'; readonly curve: EcCurve; readonly hash: SignatureHashName }
  | { readonly kind: 'rsa_pss'; readonly pssKey: boolean; readonly hash: SignatureHashName }
  | { readonly kind: 'rsa_pkcs1'; readonly hash: SignatureHashName };

export const SCHEME_INFO: Partial<Record<SignatureSchemeName, SchemeInfo>> = {
  ed25519: { kind: 'ed25519' },
  ed448: { kind: 'ed448' },
  ecdsa_secp256r1_sha256: { kind: 'ecdsa', curve: 'p256', hash: 'sha256' },
  ecdsa_secp384r1_sha384: { kind: 'ecdsa', curve: 'p384', hash: 'sha384' },
  ecdsa_secp521r1_sha512: { kind: 'ecdsa', curve: 'p521', hash: 'sha512' },
  rsa_pss_rsae_sha256: { kind: 'rsa_pss', pssKey: false, hash: 'sha256' },
  rsa_pss_rsae_sha384: { kind: 'rsa_pss', pssKey: false, hash: 'sha384' },
  rsa_pss_rsae_sha512: { kind: 'rsa_pss', pssKey: false, hash: 'sha512' },
  rsa_pss_pss_sha256: { kind: 'rsa_pss', pssKey: true, hash: 'sha256' },
  rsa_pss_pss_sha384: { kind: 'rsa_pss', pssKey: true, hash: 'sha384' },
  rsa_pss_pss_sha512: { kind: 'rsa_pss', pssKey: true, hash: 'sha512' },
  rsa_pkcs1_sha256: { kind: 'rsa_pkcs1', hash: 'sha256' },
  rsa_pkcs1_sha384: { kind: 'rsa_pkcs1', hash: 'sha384' },
  rsa_pkcs1_sha512: { kind: 'rsa_pkcs1', hash: 'sha512' },
};

/**
 * Schemes usable in CertificateVerify (sign and verify), in our preference order.
 * rsa_pkcs1_* are deliberately absent: §4.4.3 forbids them in CertificateVerify.
 */
export const NOBLE_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ed25519',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed448',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
];

/** Schemes `verifyNoble` accepts in certificates (signature_algorithms_cert, §4.2.3). */
export const NOBLE_CERT_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  ...NOBLE_SIGNATURE_SCHEMES,
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
];

export function schemeInfo(scheme: SignatureSchemeName): SchemeInfo | undefined {
  return SCHEME_INFO[scheme];
}

/** Whether `key` is of the type `scheme` requires (§4.2.3; rsae vs pss key OIDs). */
export function keyMatchesScheme(scheme: SignatureSchemeName, key: PublicKey | PrivateKey): boolean {
  const info = SCHEME_INFO[scheme];
  if (info === undefined) return false;
  switch (info.kind) {
    case 'ed25519':
      return key.type === 'ed25519';
    case 'ed448':
      return key.type === 'ed448';
    case 'ecdsa':
      return key.type === 'ecdsa' && key.curve === info.curve;
    case 'rsa_pss':
      return key.type === 'rsa' && key.pss === info.pssKey;
    case 'rsa_pkcs1':
      // PKCS#1 v1.5 with an id-RSASSA-PSS key is forbidden (RFC 4055 §1.2).
      return key.type === 'rsa' && !key.pss;
  }
}

/** Signs `message` with `scheme` (§4.2.3). Throws (API misuse) on a key/scheme mismatch. */
export function signNoble(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource): Uint8Array {
  const info = SCHEME_INFO[scheme];
  if (info === undefined) throw new Error(`signNoble: unsupported signature scheme ${scheme}`);
  if (info.kind === 'rsa_pkcs1') {
    throw new Error(`signNoble: ${scheme} is for certificate signatures only (RFC 8446 §4.2.3); use signRsaPkcs1`);
  }
  if (!keyMatchesScheme(scheme, key)) {
    throw new Error(`signNoble: a ${describeKey(key)} key cannot sign with ${scheme}`);
  }
  switch (info.kind) {
    case 'ed25519':
      return ed25519.sign(message, (key as Extract<PrivateKey, { type: 'ed25519' }>).seed);
    case 'ed448':
      return ed448.sign(message, (key as Extract<PrivateKey, { type: 'ed448' }>).seed);
    case 'ecdsa': {
      const k = key as Extract<PrivateKey, { type: 'ecdsa' }>;
      const digest = HASHES[info.hash](message);
      return CURVES[info.curve].sign(digest, k.scalar, { prehash: false, format: 'der' });
    }
    case 'rsa_pss':
      return rsaPssSign(info.hash, key as RsaPrivateKey, message, rand);
  }
}

/** Verifies `signature` over `message`; false for anything wrong, never throws. */
export function verifyNoble(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const info = SCHEME_INFO[scheme];
  if (info === undefined || !keyMatchesScheme(scheme, key)) return false;
  try {
    switch (info.kind) {
      case 'ed25519':
        // RFC 8032 §5.1.7 strict decoding (noble defaults to the laxer ZIP-215 rules).
        return ed25519.verify(signature, message, (key as Extract<PublicKey, { type: 'ed25519' }>).raw, { zip215: false });
      case 'ed448':
        return ed448.verify(signature, message, (key as Extract<PublicKey, { type: 'ed448' }>).raw);
      case 'ecdsa': {
        const k = key as Extract<PublicKey, { type: 'ecdsa' }>;
        const digest = HASHES[info.hash](message);
        return CURVES[info.curve].verify(signature, digest, k.point, { prehash: false, format: 'der', lowS: false });
      }
      case 'rsa_pss': {
        const k = key as Extract<PublicKey, { type: 'rsa' }>;
        const h = HASHES[info.hash];
        return PSS(h, mgf1(h), h.outputLen).verify({ n: k.n, e: k.e }, message, signature);
      }
      case 'rsa_pkcs1': {
        const k = key as Extract<PublicKey, { type: 'rsa' }>;
        return PKCS1[info.hash].verify({ n: k.n, e: k.e }, message, signature);
      }
    }
  } catch {
    return false;
  }
}

const PKCS1 = { sha256: PKCS1_SHA256, sha384: PKCS1_SHA384, sha512: PKCS1_SHA512 } as const;

function describeKey(key: PublicKey | PrivateKey): string {
  if (key.type === 'ecdsa') return `ecdsa ${key.curve}`;
  if (key.type === 'rsa') return key.pss ? 'RSASSA-PSS' : 'rsaEncryption';
  return key.type;
}

// ---------------------------------------------------------------------------------------
// RSA math (RFC 8017) for signing: CRT RSASP1, EMSA-PSS-ENCODE with an injected salt,
// EMSA-PKCS1-v1_5-ENCODE. Verification uses micro-rsa-dsa-dh.

type RsaPrivateKey = Extract<PrivateKey, { type: 'rsa' }>;

/** RFC 8017 §8.1.1 RSASSA-PSS-SIGN with sLen = hLen (RFC 8446 §4.2.3). */
export function rsaPssSign(hash: SignatureHashName, key: RsaPrivateKey, message: Uint8Array, rand: RandomSource): Uint8Array {
  const h = HASHES[hash];
  const modBits = bitLength(key.n);
  const k = Math.ceil(modBits / 8);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const sLen = h.outputLen;
  // §9.1.1 steps 2–12.
  const mHash = h(message);
  if (emLen < h.outputLen + sLen + 2) throw new Error('rsaPssSign: modulus too small for this hash');
  const salt = rand.bytes(sLen);
  const mPrime = new Uint8Array(8 + mHash.length + sLen);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + mHash.length);
  const H = h(mPrime);
  const db = new Uint8Array(emLen - h.outputLen - 1);
  db[emLen - sLen - h.outputLen - 2] = 0x01;
  db.set(salt, db.length - sLen);
  const dbMask = mgf1(h)(H, { dkLen: db.length });
  for (let i = 0; i < db.length; i++) db[i]! ^= dbMask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(H, db.length);
  em[emLen - 1] = 0xbc;
  // §8.1.1 step 2: the signature is k octets even when emLen = k - 1.
  return i2osp(rsasp1(key, os2ip(em)), k);
}

const PKCS1_DIGEST_INFO: Record<SignatureHashName, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * RFC 8017 §8.2.1 RSASSA-PKCS1-v1_5-SIGN. Only for certificate signatures (the builder):
 * RFC 8446 §4.2.3 forbids rsa_pkcs1_* in CertificateVerify.
 */
export function signRsaPkcs1(hash: SignatureHashName, key: RsaPrivateKey, message: Uint8Array): Uint8Array {
  if (key.pss) throw new Error('signRsaPkcs1: an RSASSA-PSS key may not sign PKCS#1 v1.5 (RFC 4055 §1.2)');
  const k = Math.ceil(bitLength(key.n) / 8);
  const t = concat(hexBytes(PKCS1_DIGEST_INFO[hash]), HASHES[hash](message));
  if (k < t.length + 11) throw new Error('signRsaPkcs1: modulus too small');
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length);
  return i2osp(rsasp1(key, os2ip(em)), k);
}

/** RFC 8017 §5.2.1 RSASP1, second form (CRT), with a check against fault attacks. */
function rsasp1(key: RsaPrivateKey, m: bigint): bigint {
  const { n, e, d, p, q } = key;
  if (m < 0n || m >= n) throw new Error('RSASP1: message representative out of range');
  const dP = d % (p - 1n);
  const dQ = d % (q - 1n);
  const qInv = modInverse(q, p);
  const s1 = modPow(m, dP, p);
  const s2 = modPow(m, dQ, q);
  const h = (((((s1 - s2) % p) + p) % p) * qInv) % p;
  const s = s2 + q * h;
  if (modPow(s, e, n) !== m) throw new Error('RSASP1: signature check failed (inconsistent private key)');
  return s;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod === 1n) return 0n;
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  let x = exp;
  while (x > 0n) {
    if (x & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    x >>= 1n;
  }
  return result;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const qt = oldR / r;
    [oldR, r] = [r, oldR - qt * r];
    [oldS, s] = [s, oldS - qt * s];
  }
  if (oldR !== 1n) throw new Error('modInverse: not invertible');
  return ((oldS % m) + m) % m;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function os2ip(b: Uint8Array): bigint {
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  return x;
}

function i2osp(x: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let v = x;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new Error('I2OSP: integer too large');
  return out;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
