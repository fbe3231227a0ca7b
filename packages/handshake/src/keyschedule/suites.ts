/**
 * What each TLS 1.3 cipher suite (RFC 8446 §B.4) means to the key schedule: the HKDF hash,
 * the record AEAD and its key length. §7.3: every TLS 1.3 AEAD takes a 12-byte IV
 * ("iv_length ... 8 or the nonce's minimum length, whichever is larger"; 12 here).
 */
import type { CipherSuiteName } from '../constants.js';
import type { AeadName, HashName } from '../crypto/provider.js';

export interface CipherSuiteParams {
  readonly name: CipherSuiteName;
  readonly hash: HashName;
  readonly aead: AeadName;
  readonly keyLength: number;
  readonly ivLength: 12;
  readonly hashLength: number;
}

export const CIPHER_SUITE_PARAMS: Readonly<Record<CipherSuiteName, CipherSuiteParams>> = {
  TLS_AES_128_GCM_SHA256: {
    name: 'TLS_AES_128_GCM_SHA256',
    hash: 'sha256',
    aead: 'aes128gcm',
    keyLength: 16,
    ivLength: 12,
    hashLength: 32,
  },
  TLS_AES_256_GCM_SHA384: {
    name: 'TLS_AES_256_GCM_SHA384',
    hash: 'sha384',
    aead: 'aes256gcm',
    keyLength: 32,
    ivLength: 12,
    hashLength: 48,
  },
  TLS_CHACHA20_POLY1305_SHA256: {
    name: 'TLS_CHACHA20_POLY1305_SHA256',
    hash: 'sha256',
    aead: 'chacha20poly1305',
    keyLength: 32,
    ivLength: 12,
    hashLength: 32,
  },
};

export function cipherSuiteParams(name: CipherSuiteName): CipherSuiteParams {
  const p = CIPHER_SUITE_PARAMS[name];
  if (p === undefined) throw new TypeError(`not a TLS 1.3 cipher suite: ${String(name)}`);
  return p;
}
