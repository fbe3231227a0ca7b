/** The AEAD boundary of record protection (RFC 8446 §5.2). Implementations live with the crypto providers. */
export type AeadName = 'aes128gcm' | 'aes256gcm' | 'chacha20poly1305';

/**
 * Arguments are read during the call only: an implementation keeps no reference to any of
 * them after it returns (record protection reuses its nonce and additional-data buffers).
 */
export interface Aead {
  readonly name: AeadName;
  readonly keyLength: number;
  /** 12 for every TLS 1.3 AEAD. */
  readonly nonceLength: number;
  /** 16 for every TLS 1.3 AEAD. */
  readonly tagLength: number;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Optional: `seal` of the concatenation of `parts`, written into `out` at `offset`
   * (ciphertext, then tag) instead of a new buffer, so record protection writes header and
   * ciphertext into one buffer without concatenating plaintext or copying ciphertext.
   * Same bytes as `seal`. A part may lie in `out` exactly where its ciphertext goes
   * (sealing in place). A RangeError if `out` is too short.
   */
  sealInto?(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void;
  /**
   * Returns null on any authentication failure (never throws for bad input). The plaintext
   * is the caller's to keep: a fresh array (or a view of one) that the AEAD does not reuse,
   * since the record layer keeps handshake bytes as they come out of `open`.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}
