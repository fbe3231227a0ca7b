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
 */
import type * as NodeCrypto from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { concatBytes } from '@tls13sim/record';
import type { NamedGroupName, SignatureSchemeName } from '../constants.js';
import { HASH_LENGTHS } from './hash.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { MLKEM768_SIZES } from './kex-mlkem.js';
import type { Aead, AeadName, CryptoProvider, HashName, KeyExchange, KeyShareSecret } from './provider.js';
import type { RandomSource } from './random.js';
import { keyMatchesScheme, modInverse, NOBLE_SIGNATURE_SCHEMES, SCHEME_INFO } from './signature.js';
import { nistPrivateKey } from './kex-ecdhe.js';
import { FFDHE_GROUPS, ffdheParams, ffdhePeerValue, ffdhePrivateKey, type FfdheGroupName } from './kex-ffdhe.js';

type Crypto = typeof NodeCrypto;

function loadNodeCrypto(): Crypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new Error('createNodeProvider: node:crypto is not available here (needs Node ≥ 20.16); use the noble provider');
  }
  return get('node:crypto') as Crypto;
}

/** A Buffer as a plain Uint8Array: a view when it owns its memory, else a copy (pooled small Buffers). */
function u8(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
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
    let total = 0;
    for (const p of parts) total += p.length;
    if (out.length - offset < total + tagLength) throw new RangeError(`${name}: sealInto needs ${total + tagLength} bytes at ${offset}, out has ${out.length}`);
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

// ---------------------------------------------------------------------------------------
// Key exchange (RFC 8446 §4.2.8, §7.4)

interface DhGroup {
  readonly group: NamedGroupName;
  readonly shareLength: number;
  newPrivateKey(rand: RandomSource): Uint8Array;
  publicValue(privateKey: Uint8Array): Uint8Array;
  sharedSecret(privateKey: Uint8Array, peer: Uint8Array): Uint8Array | null;
}

/**
 * Remembers the objects built for the last few private keys: `respond` needs one twice
 * (shared secret, then public value) and `finish` follows `generate` with the same key,
 * often with the peer's calls in between when both endpoints share the provider.
 */
function lastOne<T>(build: (sk: Uint8Array) => T, size = 4): (sk: Uint8Array) => T {
  const recent: { key: Uint8Array; value: T }[] = [];
  return (sk) => {
    const hit = recent.find((r) => sameBytes(r.key, sk));
    if (hit !== undefined) return hit.value;
    const value = build(sk);
    recent.unshift({ key: sk.slice(), value });
    if (recent.length > size) recent.pop();
    return value;
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i]! ^ b[i]!;
  return acc === 0;
}

function dhKeyExchange(g: DhGroup): KeyExchange {
  return {
    group: g.group,
    generate(rand) {
      const privateKey = g.newPrivateKey(rand);
      return { group: g.group, privateKey, share: g.publicValue(privateKey) };
    },
    respond(peerShare, rand) {
      if (peerShare.length !== g.shareLength) return null;
      const privateKey = g.newPrivateKey(rand);
      const sharedSecret = g.sharedSecret(privateKey, peerShare);
      if (sharedSecret === null) return null;
      return { share: g.publicValue(privateKey), sharedSecret };
    },
    finish(own, peerShare) {
      if (own.group !== g.group) throw new TypeError(`finish: a ${own.group} key share given to ${g.group}`);
      if (peerShare.length !== g.shareLength) return null;
      return g.sharedSecret(own.privateKey, peerShare);
    },
  };
}

/**
 * X25519 / X448 (RFC 7748) on OpenSSL. §7.4.2: "implementations MUST check whether the
 * computed Diffie-Hellman shared secret is the all-zero value and abort if so"; OpenSSL
 * refuses it too, and we check regardless.
 *
 * Raw keys go in as JWK (RFC 8037): OpenSSL 3's DER decoders cost ~10× more than the
 * raw-key import behind Node's JWK path. For a private JWK Node reads only `d` and derives
 * the public key itself, so `x` is left empty rather than computed twice.
 */
function montgomery(c: Crypto, group: 'x25519' | 'x448'): DhGroup {
  const length = group === 'x25519' ? 32 : 56;
  const crv = group === 'x25519' ? 'X25519' : 'X448';
  const privateKeyObject = lastOne((sk: Uint8Array) => c.createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(sk), x: '' }, format: 'jwk' }));
  return {
    group,
    shareLength: length,
    newPrivateKey: (rand) => rand.bytes(length),
    publicValue(sk) {
      // A private key's JWK carries its public key `x` too (RFC 8037 §2).
      const jwk = privateKeyObject(sk).export({ format: 'jwk' });
      return u8(Buffer.from(jwk.x!, 'base64url'));
    },
    sharedSecret(sk, peer) {
      try {
        const publicKey = c.createPublicKey({ key: { kty: 'OKP', crv, x: b64u(peer) }, format: 'jwk' });
        const z = u8(c.diffieHellman({ privateKey: privateKeyObject(sk), publicKey }));
        return isAllZero(z) ? null : z;
      } catch {
        return null;
      }
    },
  };
}

/**
 * secp256r1/384r1/521r1 with ECDH objects. §4.2.8.2: shares are uncompressed points and
 * "peers MUST validate each other's public key" (OpenSSL's point decoding checks the curve
 * equation); §7.4.2: the secret is the x-coordinate at the field's length.
 * Private keys are drawn as the noble exchange draws them (noble checks the range).
 */
function nist(c: Crypto, group: 'secp256r1' | 'secp384r1' | 'secp521r1'): DhGroup {
  const curve = { secp256r1: p256, secp384r1: p384, secp521r1: p521 }[group];
  const openSslName = { secp256r1: 'prime256v1', secp384r1: 'secp384r1', secp521r1: 'secp521r1' }[group];
  const pointLen = curve.lengths.publicKeyUncompressed!;
  const ecdh = lastOne((sk: Uint8Array) => {
    const e = c.createECDH(openSslName);
    e.setPrivateKey(sk);
    return e;
  });
  return {
    group,
    shareLength: pointLen,
    newPrivateKey: (rand) => nistPrivateKey(group, rand),
    publicValue: (sk) => u8(ecdh(sk).getPublicKey()),
    sharedSecret(sk, peer) {
      if (peer.length !== pointLen || peer[0] !== 0x04) return null;
      try {
        return u8(ecdh(sk).computeSecret(peer));
      } catch {
        return null;
      }
    },
  };
}

/**
 * ffdhe2048 … ffdhe8192 (RFC 7919) with OpenSSL's DiffieHellman on the RFC's prime and g = 2.
 * Same draws and the same §4.2.8.1 checks as kex-ffdhe.ts (the share is exactly the size of
 * p, 1 < Y < p-1, checked here before OpenSSL sees it); the public value and the secret are
 * left-padded to the size of p (§4.2.8.1, §7.4.1) whatever length OpenSSL returns them at.
 */
function ffdhe(c: Crypto, group: FfdheGroupName): DhGroup {
  const params = ffdheParams(group);
  const dh = lastOne((sk: Uint8Array) => {
    const d = c.createDiffieHellman(params.pBytes, 2);
    d.setPrivateKey(sk);
    // With the private key set, OpenSSL's DH_generate_key computes only Y = g^x mod p.
    d.generateKeys();
    return d;
  });
  const padded = (b: Uint8Array): Uint8Array => {
    if (b.length === params.byteLength) return u8(b);
    const out = new Uint8Array(params.byteLength);
    out.set(b, params.byteLength - b.length);
    return out;
  };
  return {
    group,
    shareLength: params.byteLength,
    newPrivateKey: (rand) => ffdhePrivateKey(params, rand),
    publicValue: (sk) => padded(dh(sk).getPublicKey()),
    sharedSecret(sk, peer) {
      if (ffdhePeerValue(params, peer) === null) return null;
      try {
        return padded(dh(sk).computeSecret(peer));
      } catch {
        return null;
      }
    },
  };
}

/** X25519MLKEM768 as in kex-mlkem.ts (same draws, same encodings), with OpenSSL's X25519. */
function hybrid(x: KeyExchange): KeyExchange {
  const EK = 1184;
  const DK = 2400;
  const CT = 1088;
  return {
    group: 'X25519MLKEM768',
    generate(rand) {
      const kem = ml_kem768.keygen(rand.bytes(64));
      const xs = x.generate(rand);
      return { group: 'X25519MLKEM768', privateKey: concatBytes(kem.secretKey, xs.privateKey), share: concatBytes(kem.publicKey, xs.share) };
    },
    respond(peerShare, rand) {
      if (peerShare.length !== MLKEM768_SIZES.clientShare) return null;
      let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        kem = ml_kem768.encapsulate(peerShare.slice(0, EK), rand.bytes(32));
      } catch {
        return null;
      }
      const xr = x.respond(peerShare.slice(EK), rand);
      if (xr === null) return null;
      return { share: concatBytes(kem.cipherText, xr.share), sharedSecret: concatBytes(kem.sharedSecret, xr.sharedSecret) };
    },
    finish(own, peerShare) {
      if (own.group !== 'X25519MLKEM768') throw new TypeError(`finish: a ${own.group} key share given to X25519MLKEM768`);
      if (peerShare.length !== MLKEM768_SIZES.serverShare) return null;
      let kemSecret: Uint8Array;
      try {
        kemSecret = ml_kem768.decapsulate(peerShare.slice(0, CT), own.privateKey.slice(0, DK));
      } catch {
        return null;
      }
      const xPart: KeyShareSecret = { group: 'x25519', privateKey: own.privateKey.slice(DK), share: new Uint8Array(0) };
      const xSecret = x.finish(xPart, peerShare.slice(CT));
      return xSecret === null ? null : concatBytes(kemSecret, xSecret);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Signatures (RFC 8446 §4.2.3)

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');

function bigintBytes(x: bigint): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

const JWK_CURVE = { p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const;

function publicJwk(key: PublicKey): NodeCrypto.JsonWebKey {
  switch (key.type) {
    case 'ed25519':
      return { kty: 'OKP', crv: 'Ed25519', x: b64u(key.raw) };
    case 'ed448':
      return { kty: 'OKP', crv: 'Ed448', x: b64u(key.raw) };
    case 'ecdsa': {
      const n = (key.point.length - 1) / 2;
      if (key.point[0] !== 0x04 || !Number.isInteger(n)) throw new Error('not an uncompressed point');
      return { kty: 'EC', crv: JWK_CURVE[key.curve], x: b64u(key.point.subarray(1, 1 + n)), y: b64u(key.point.subarray(1 + n)) };
    }
    case 'rsa':
      return { kty: 'RSA', n: b64u(bigintBytes(key.n)), e: b64u(bigintBytes(key.e)) };
  }
}

function privateJwk(key: PrivateKey): NodeCrypto.JsonWebKey {
  switch (key.type) {
    case 'ed25519':
    case 'ed448':
      return { ...publicJwk(key.publicKey), d: b64u(key.seed) };
    case 'ecdsa':
      return { ...publicJwk(key.publicKey), d: b64u(key.scalar) };
    case 'rsa': {
      const { n, e, d, p, q } = key;
      const big = (x: bigint) => b64u(bigintBytes(x));
      return { kty: 'RSA', n: big(n), e: big(e), d: big(d), p: big(p), q: big(q), dp: big(d % (p - 1n)), dq: big(d % (q - 1n)), qi: big(modInverse(q, p)) };
    }
  }
}

function signatures(c: Crypto) {
  const privateKeys = new WeakMap<PrivateKey, NodeCrypto.KeyObject>();
  const publicKeys = new WeakMap<PublicKey, NodeCrypto.KeyObject>();
  const privateKeyObject = (key: PrivateKey): NodeCrypto.KeyObject => {
    let k = privateKeys.get(key);
    if (k === undefined) {
      k = c.createPrivateKey({ key: privateJwk(key), format: 'jwk' });
      privateKeys.set(key, k);
    }
    return k;
  };
  // A peer's key arrives as a new object in every handshake (its certificate is parsed
  // afresh), so public KeyObjects are also found by content.
  const byContent = new Map<string, NodeCrypto.KeyObject>();
  const publicKeyObject = (key: PublicKey): NodeCrypto.KeyObject => {
    let k = publicKeys.get(key);
    if (k === undefined) {
      const jwk = publicJwk(key);
      const id = JSON.stringify(jwk);
      k = byContent.get(id);
      if (k === undefined) {
        k = c.createPublicKey({ key: jwk, format: 'jwk' });
        if (byContent.size >= 256) byContent.clear();
        byContent.set(id, k);
      }
      publicKeys.set(key, k);
    }
    return k;
  };
  const PSS = { padding: c.constants.RSA_PKCS1_PSS_PADDING };
  const PKCS1 = { padding: c.constants.RSA_PKCS1_PADDING };

  return {
    sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource): Uint8Array {
      const info = SCHEME_INFO[scheme];
      if (info === undefined) throw new Error(`nodeSign: unsupported signature scheme ${scheme}`);
      if (info.kind === 'rsa_pkcs1') throw new Error(`nodeSign: ${scheme} is for certificate signatures only (RFC 8446 §4.2.3)`);
      if (!keyMatchesScheme(scheme, key)) throw new Error(`nodeSign: this ${key.type} key cannot sign with ${scheme}`);
      const k = privateKeyObject(key);
      switch (info.kind) {
        case 'ed25519':
        case 'ed448':
          return u8(c.sign(null, message, k));
        case 'ecdsa':
          return u8(c.sign(info.hash, message, { key: k, dsaEncoding: 'der' }));
        case 'rsa_pss': {
          // "The length of the Salt MUST be equal to the length of the digest algorithm" (§4.2.3).
          const hLen = HASH_LENGTHS[info.hash];
          rand.bytes(hLen); // OpenSSL draws its own salt; keep the caller's stream aligned with noble's.
          return u8(c.sign(info.hash, message, { key: k, ...PSS, saltLength: hLen }));
        }
      }
    },
    verify(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
      const info = SCHEME_INFO[scheme];
      if (info === undefined || !keyMatchesScheme(scheme, key)) return false;
      try {
        const k = publicKeyObject(key);
        switch (info.kind) {
          case 'ed25519':
          case 'ed448':
            return c.verify(null, message, k, signature);
          case 'ecdsa':
            return c.verify(info.hash, message, { key: k, dsaEncoding: 'der' }, signature);
          // RFC 8017 §8.1.2 / §8.2.2 step 1: a signature that is not exactly k octets (the
          // modulus length) is invalid. OpenSSL accepts one with a leading zero octet dropped.
          case 'rsa_pss':
            if (key.type !== 'rsa' || signature.length !== modulusOctets(key.n)) return false;
            return c.verify(info.hash, message, { key: k, ...PSS, saltLength: HASH_LENGTHS[info.hash] }, signature);
          case 'rsa_pkcs1':
            if (key.type !== 'rsa' || signature.length !== modulusOctets(key.n)) return false;
            return c.verify(info.hash, message, { key: k, ...PKCS1 }, signature);
        }
      } catch {
        return false;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------

/** k, the length in octets of an RSA modulus (RFC 8017 §2). */
function modulusOctets(n: bigint): number {
  return Math.ceil(n.toString(16).length / 2);
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
