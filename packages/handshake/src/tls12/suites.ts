/**
 * The TLS 1.2 cipher suites tls13sim speaks: ECDHE key exchange, ECDSA or RSA signatures,
 * AEAD record protection. RFC 5289 §3.2 (AES-GCM: "the PRF ... uses SHA-256 ... SHA-384",
 * codes in §3.2 of RFC 5289 and RFC 8422 §6), RFC 7905 §2 (ChaCha20-Poly1305, SHA-256 PRF).
 */
import type { AeadName, HashName } from '../crypto/provider.js';

export const Tls12CipherSuite = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
} as const;
export type Tls12CipherSuiteName = keyof typeof Tls12CipherSuite;

export interface Tls12SuiteParams {
  readonly name: Tls12CipherSuiteName;
  readonly code: number;
  /** The PRF hash (RFC 5246 §5; RFC 5289 §3.2 for the SHA-384 suites). */
  readonly hash: HashName;
  readonly aead: AeadName;
  readonly keyLength: number;
  /** RFC 5288 §3 fixed_iv_length 4; RFC 7905 §2: 12. */
  readonly fixedIvLength: number;
  /** The certificate key type the suite's authentication needs (RFC 8422 §2.1, RFC 5246 §7.4.2). */
  readonly auth: 'ecdsa' | 'rsa';
}

function params(name: Tls12CipherSuiteName): Tls12SuiteParams {
  const aead: AeadName = name.includes('CHACHA20') ? 'chacha20poly1305' : name.includes('AES_256') ? 'aes256gcm' : 'aes128gcm';
  return {
    name,
    code: Tls12CipherSuite[name],
    hash: name.endsWith('SHA384') ? 'sha384' : 'sha256',
    aead,
    keyLength: aead === 'aes128gcm' ? 16 : 32,
    fixedIvLength: aead === 'chacha20poly1305' ? 12 : 4,
    auth: name.includes('_ECDSA_') ? 'ecdsa' : 'rsa',
  };
}

export const TLS12_SUITE_PARAMS: Readonly<Record<Tls12CipherSuiteName, Tls12SuiteParams>> = Object.fromEntries(
  (Object.keys(Tls12CipherSuite) as Tls12CipherSuiteName[]).map((n) => [n, params(n)]),
) as Record<Tls12CipherSuiteName, Tls12SuiteParams>;

const byCode = new Map<number, Tls12SuiteParams>(Object.values(TLS12_SUITE_PARAMS).map((p) => [p.code, p]));

export function tls12SuiteByCode(code: number): Tls12SuiteParams | undefined {
  return byCode.get(code);
}

/** Default preference: ECDSA before RSA, then AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (as the 1.3 default order). */
export const DEFAULT_TLS12_SUITES: readonly Tls12CipherSuiteName[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

/** The groups TLS 1.2 ECDHE here can use (RFC 8422 §5.1.1 NamedCurve: the NIST curves, x25519 and x448). */
export const TLS12_GROUPS = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'] as const;
export type Tls12GroupName = (typeof TLS12_GROUPS)[number];
