/**
 * Key material for signatures, independent of encoding (DER/PEM live in ../pki).
 * EC points are uncompressed SEC1 (0x04 || X || Y); RSA values are bigints.
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
