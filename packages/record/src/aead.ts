/**
 * The three TLS 1.3 AEADs (RFC 8446 §5.2, cipher suites in §B.4) over @noble/ciphers.
 * Pure JavaScript, so the record layer runs unchanged in browsers.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { Aead, AeadName } from './aead-types.js';

type CipherFactory = (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
};

const KEY_LENGTH: Record<AeadName, number> = { aes128gcm: 16, aes256gcm: 32, chacha20poly1305: 32 };

const FACTORY: Record<AeadName, CipherFactory> = {
  aes128gcm: gcm as unknown as CipherFactory,
  aes256gcm: gcm as unknown as CipherFactory,
  chacha20poly1305: chacha20poly1305 as unknown as CipherFactory,
};

class NobleAead implements Aead {
  readonly keyLength: number;
  readonly nonceLength = 12;
  readonly tagLength = 16;
  private readonly make: CipherFactory;

  constructor(readonly name: AeadName) {
    this.keyLength = KEY_LENGTH[name];
    this.make = FACTORY[name];
  }

  private check(key: Uint8Array, nonce: Uint8Array): void {
    if (key.length !== this.keyLength) throw new RangeError(`${this.name}: key must be ${this.keyLength} bytes, got ${key.length}`);
    if (nonce.length !== this.nonceLength) throw new RangeError(`${this.name}: nonce must be 12 bytes, got ${nonce.length}`);
  }

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.check(key, nonce);
    return this.make(key, nonce, aad).encrypt(plaintext);
  }

  /**
   * Any failure (bad tag, too-short input, wrong key or nonce size) is null: the caller
   * turns it into bad_record_mac (§5.2) and must learn nothing more.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (key.length !== this.keyLength || nonce.length !== this.nonceLength) return null;
    if (ciphertext.length < this.tagLength) return null;
    // noble works a 32-bit word at a time only on 4-byte-aligned buffers (else byte by
    // byte); a record's ciphertext starts 5 bytes into its wire bytes. Copying it is cheaper.
    const aligned = (ciphertext.byteOffset & 3) === 0 ? ciphertext : ciphertext.slice();
    try {
      return this.make(key, nonce, aad).decrypt(aligned);
    } catch {
      return null;
    }
  }
}

const cache = new Map<AeadName, Aead>();

/** The noble implementation of one TLS 1.3 AEAD. Stateless; safe to share. */
export function nobleAead(name: AeadName): Aead {
  let a = cache.get(name);
  if (!a) {
    if (!(name in KEY_LENGTH)) throw new RangeError(`nobleAead: unknown AEAD ${String(name)}`);
    a = new NobleAead(name);
    cache.set(name, a);
  }
  return a;
}

/** The cipher suite names (RFC 8446 §B.4) that use each AEAD. */
export const CipherSuiteAead = {
  TLS_AES_128_GCM_SHA256: 'aes128gcm',
  TLS_AES_256_GCM_SHA384: 'aes256gcm',
  TLS_CHACHA20_POLY1305_SHA256: 'chacha20poly1305',
} as const satisfies Record<string, AeadName>;
export type CipherSuiteName = keyof typeof CipherSuiteAead;
