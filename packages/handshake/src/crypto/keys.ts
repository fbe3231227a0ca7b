/**
 * Key material for signatures, independent of encoding (DER/PEM live in ../pki).
 * EC points are uncompressed SEC1 (0x04 || X || Y); RSA values are bigints.
 *
 * - Ed25519 / Ed448: `raw` is the RFC 8032 public key (32 / 57 bytes), `seed` the private
 *   key as RFC 8032 defines it (32 / 57 bytes), as in RFC 8410 CurvePrivateKey.
 * - ECDSA: `scalar` is big-endian, left-padded to the curve order's length (32/48/66).
 * - RSA: two-prime keys only; `pss` tells which SubjectPublicKeyInfo algorithm the key
 *   carries, which decides rsa_pss_rsae_* versus rsa_pss_pss_* (RFC 8446 §4.2.3).
 * Build them with `generateKeyPair`, `parsePrivateKeyPem`, `parsePublicKey` (../pki).
 */

export type EcCurve = 'p256' | 'p384' | 'p521';

export type PublicKey =
  | { readonly type: 'ed25519'; readonly raw: Uint8Array }
  | { readonly type: 'ed448'; readonly raw: Uint8Array }
  | { readonly type: 'ecdsa'; readonly curve: EcCurve; readonly point: Uint8Array }
  /** `pss: true` for an id-RSASSA-PSS key (rsa_pss_pss_*), false for rsaEncryption (rsae). */
  | { readonly type: 'rsa'; readonly n: bigint; readonly e: bigint; readonly pss: boolean };

export type PrivateKey =
  | { readonly type: 'ed25519'; readonly seed: Uint8Array; readonly publicKey: PublicKey }
  | { readonly type: 'ed448'; readonly seed: Uint8Array; readonly publicKey: PublicKey }
  | { readonly type: 'ecdsa'; readonly curve: EcCurve; readonly scalar: Uint8Array; readonly publicKey: PublicKey }
  | {
      readonly type: 'rsa';
      readonly n: bigint;
      readonly e: bigint;
      readonly d: bigint;
      readonly p: bigint;
      readonly q: bigint;
      readonly pss: boolean;
      readonly publicKey: PublicKey;
    };
