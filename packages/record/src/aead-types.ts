/** The AEAD boundary of record protection (RFC 8446 §5.2). Implementations live with the crypto providers. */
export type AeadName = 'aes128gcm' | 'aes256gcm' | 'chacha20poly1305';

export interface Aead {
  readonly name: AeadName;
  readonly keyLength: number;
  /** 12 for every TLS 1.3 AEAD. */
  readonly nonceLength: number;
  /** 16 for every TLS 1.3 AEAD. */
  readonly tagLength: number;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns null on any authentication failure (never throws for bad input). */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}
