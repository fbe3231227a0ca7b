/**
 * A `CryptoProvider` on `node:crypto` (OpenSSL): the same interface and semantics as the
 * noble provider, 10–30× faster per primitive. Synchronous throughout.
 *
 * - `node:crypto` is loaded when `createNodeProvider()` is called (`process.getBuiltinModule`,
 *   Node ≥ 20.16), not imported at the top, so browser bundles of this package keep working.
 * - HKDF (RFC 5869) is HMAC: `hkdfSync` does extract and expand in one call and cannot
 *   take an already-extracted PRK, and RFC 8446 §7.1 needs the two apart.
 * - Key exchange draws its private keys from the injected `RandomSource` exactly as the
 *   noble exchanges do (same sizes, same P-521 masking, same rejection sampling), so a
 *   seed gives the same key shares with either provider.
 * - X25519MLKEM768: ML-KEM-768 stays on noble (Node 20 has no ML-KEM); the X25519 half is
 *   OpenSSL's.
 * - FFDHE (RFC 7919): `createDiffieHellman` on the RFC's primes (kex-ffdhe.ts holds them).
 * - Signatures: Ed25519/Ed448 are deterministic (RFC 8032) like noble's. OpenSSL's ECDSA
 *   nonces and RSA-PSS salts come from OpenSSL's own CSPRNG, so those signatures are not
 *   reproducible from a seed (any of them verifies the same). RSA-PSS still draws and
 *   discards its hLen-byte salt from `rand`, so the endpoint's random stream stays aligned
 *   with a noble run.
 * - Our key objects become KeyObjects through JWK, once per key object (WeakMap cache).
 *
 * The key exchanges are in node-kex.ts, the signatures in node-signatures.ts.
 */
import { concatBytes, sealIntoLength } from '@tls13sim/record';
import type { NamedGroupName } from '../constants.js';
import { HASH_LENGTHS } from './hash.js';
import type { Aead, AeadName, CryptoProvider, HashName, KeyExchange } from './provider.js';
import { NOBLE_SIGNATURE_SCHEMES } from './signature.js';
import { FFDHE_GROUPS } from './kex-ffdhe.js';
import { type Crypto, u8 } from './node-common.js';
import { dhKeyExchange } from './kex-ecdhe.js';
import { ffdhe, hybrid, montgomery, nist } from './node-kex.js';
import { signatures } from './node-signatures.js';

function loadNodeCrypto(): Crypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new Error('createNodeProvider: node:crypto is not available here (needs Node ≥ 20.16); use the noble provider');
  }
  return get('node:crypto') as Crypto;
}

// ---------------------------------------------------------------------------------------
// Hash, HMAC, HKDF

/** `crypto.hash(alg, data, 'buffer')`: one native call, no Hash object (Node ≥ 20.12; absent before). */
type OneShotHash = (alg: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array;

const ONE = Uint8Array.of(1);

function hashes(c: Crypto) {
  const check = (alg: HashName): void => {
    if (HASH_LENGTHS[alg] === undefined) throw new TypeError(`unknown hash: ${String(alg)}`);
  };
  const hmac = (alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array => {
    check(alg);
    return u8(c.createHmac(alg, key).update(data).digest());
  };
  const oneShot = (c as { hash?: OneShotHash }).hash;
  return {
    hash: oneShot
      ? (alg: HashName, data: Uint8Array): Uint8Array => {
          check(alg);
          return u8(oneShot(alg, data, 'buffer'));
        }
      : (alg: HashName, data: Uint8Array): Uint8Array => {
          check(alg);
          return u8(c.createHash(alg).update(data).digest());
        },
    hmac,
    /**
     * HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). "if not provided, [salt]
     * is set to a string of HashLen zeros": HMAC pads its key with zeros, so an empty key is
     * the same key.
     */
    hkdfExtract: (alg: HashName, salt: Uint8Array, ikm: Uint8Array) => hmac(alg, salt, ikm),
    /** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i). */
    hkdfExpand(alg: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      check(alg);
      const hLen = HASH_LENGTHS[alg];
      if (!Number.isInteger(length) || length < 0 || length > 255 * hLen) {
        throw new RangeError(`hkdfExpand: length ${length} out of range (≤ 255·${hLen})`);
      }
      // Every length TLS 1.3 asks for (keys, IVs, secrets) is one block: T(1) = HMAC(PRK, info | 0x01).
      if (length <= hLen) {
        const t1 = c.createHmac(alg, prk).update(info).update(ONE).digest();
        // As u8 does: a view when the digest owns its memory, else a copy.
        return t1.byteOffset === 0 && t1.byteLength === t1.buffer.byteLength ? new Uint8Array(t1.buffer, 0, length) : new Uint8Array(t1.subarray(0, length));
      }
      const out = new Uint8Array(length);
      let t: Uint8Array = new Uint8Array(0);
      const counter = new Uint8Array(1);
      for (let i = 1, pos = 0; pos < length; i++) {
        counter[0] = i;
        t = c.createHmac(alg, prk).update(t).update(info).update(counter).digest();
        out.set(t.subarray(0, Math.min(hLen, length - pos)), pos);
        pos += hLen;
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------
// AEAD (RFC 8446 §5.2; RFC 5116 AES-GCM, RFC 8439 ChaCha20-Poly1305)

const CIPHERS: Record<AeadName, { cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; keyLength: number }> = {
  aes128gcm: { cipher: 'aes-128-gcm', keyLength: 16 },
  aes256gcm: { cipher: 'aes-256-gcm', keyLength: 32 },
  chacha20poly1305: { cipher: 'chacha20-poly1305', keyLength: 32 },
};

function nodeAead(c: Crypto, name: AeadName): Aead {
  const spec = CIPHERS[name];
  if (spec === undefined) throw new RangeError(`nodeAead: unknown AEAD ${String(name)}`);
  const { cipher, keyLength } = spec;
  const tagLength = 16;
  /** Writes ciphertext (OpenSSL's update/final outputs, as they come) and tag into `out`. */
  const sealInto = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void => {
    if (key.length !== keyLength) throw new RangeError(`${name}: key must be ${keyLength} bytes, got ${key.length}`);
    if (nonce.length !== 12) throw new RangeError(`${name}: nonce must be 12 bytes, got ${nonce.length}`);
    sealIntoLength(name, parts, out, offset, tagLength);
    const e = c.createCipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: tagLength });
    e.setAAD(aad);
    let pos = offset;
    for (const p of parts) {
      const chunk = e.update(p);
      out.set(chunk, pos);
      pos += chunk.length;
    }
    const rest = e.final();
    out.set(rest, pos);
    out.set(e.getAuthTag(), pos + rest.length);
  };
  return {
    name,
    keyLength,
    nonceLength: 12,
    tagLength,
    seal(key, nonce, aad, plaintext) {
      const out = new Uint8Array(plaintext.length + tagLength);
      sealInto(key, nonce, aad, [plaintext], out, 0);
      return out;
    },
    sealInto,
    /** Any failure is null (→ bad_record_mac, §5.2), never an exception. */
    open(key, nonce, aad, ciphertext) {
      if (key.length !== keyLength || nonce.length !== 12 || ciphertext.length < tagLength) return null;
      try {
        const d = c.createDecipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: tagLength });
        d.setAAD(aad);
        d.setAuthTag(ciphertext.subarray(ciphertext.length - tagLength));
        const body = d.update(ciphertext.subarray(0, ciphertext.length - tagLength));
        const rest = d.final();
        // GCM and ChaCha20-Poly1305 give everything from update: keep that buffer (u8 copies
        // only a pooled one) instead of copying it into another.
        return rest.length === 0 ? u8(body) : concatBytes(body, rest);
      } catch {
        return null;
      }
    },
  };
}

export function createNodeProvider(): CryptoProvider {
  const c = loadNodeCrypto();
  const h = hashes(c);
  const sig = signatures(c);
  const x25519 = dhKeyExchange(montgomery(c, 'x25519'));
  // Same preference order as the noble provider.
  const exchanges: readonly KeyExchange[] = [
    x25519,
    dhKeyExchange(nist(c, 'secp256r1')),
    dhKeyExchange(montgomery(c, 'x448')),
    dhKeyExchange(nist(c, 'secp384r1')),
    dhKeyExchange(nist(c, 'secp521r1')),
    hybrid(x25519),
    ...FFDHE_GROUPS.map((g) => dhKeyExchange(ffdhe(c, g))),
  ];
  const byGroup = new Map<NamedGroupName, KeyExchange>(exchanges.map((k) => [k.group, k]));
  const aeads = new Map<AeadName, Aead>();
  return {
    name: 'node',
    hash: h.hash,
    hashLength: (alg: HashName) => HASH_LENGTHS[alg],
    hmac: h.hmac,
    hkdfExtract: h.hkdfExtract,
    hkdfExpand: h.hkdfExpand,
    aead(name: AeadName): Aead {
      let a = aeads.get(name);
      if (a === undefined) {
        a = nodeAead(c, name);
        aeads.set(name, a);
      }
      return a;
    },
    keyExchange: (group: NamedGroupName) => byGroup.get(group),
    sign: sig.sign,
    verify: sig.verify,
    supportedGroups: exchanges.map((k) => k.group),
    supportedSignatureSchemes: NOBLE_SIGNATURE_SCHEMES,
  };
}
