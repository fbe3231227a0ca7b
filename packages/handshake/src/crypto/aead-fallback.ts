/**
 * TEMPORARY: a private AEAD adapter until `nobleAead` lands in @tls13sim/record
 * (packages/record/src/aead.ts). RFC 8446 §5.2: AEAD_AES_128_GCM, AEAD_AES_256_GCM,
 * AEAD_CHACHA20_POLY1305, each with a 12-byte nonce and a 16-byte tag.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { Aead, AeadName } from '@tls13sim/record';

const KEY_LENGTHS: Readonly<Record<AeadName, number>> = { aes128gcm: 16, aes256gcm: 32, chacha20poly1305: 32 };

export function fallbackAead(name: AeadName): Aead {
  const keyLength = KEY_LENGTHS[name];
  if (keyLength === undefined) throw new TypeError(`unknown AEAD: ${String(name)}`);
  const cipher = name === 'chacha20poly1305' ? chacha20poly1305 : gcm;
  return {
    name,
    keyLength,
    nonceLength: 12,
    tagLength: 16,
    seal(key, nonce, aad, plaintext) {
      return cipher(key, nonce, aad).encrypt(plaintext);
    },
    open(key, nonce, aad, ciphertext) {
      if (key.length !== keyLength || nonce.length !== 12 || ciphertext.length < 16) return null;
      try {
        return cipher(key, nonce, aad).decrypt(ciphertext);
      } catch {
        return null;
      }
    },
  };
}
