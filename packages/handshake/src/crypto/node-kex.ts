/**
 * Key exchange for the node:crypto provider (node.ts; RFC 8446 §4.2.8, §7.4): X25519/X448,
 * the NIST curves, FFDHE (RFC 7919) and X25519MLKEM768, drawing private keys from the
 * injected RandomSource exactly as the noble exchanges do.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { concatBytes, constantTimeEqual } from '@tls13sim/record';
import { MLKEM768_SIZES } from './kex-mlkem.js';
import type { KeyExchange, KeyShareSecret } from './provider.js';
import { type DhGroup, isAllZero, nistPrivateKey } from './kex-ecdhe.js';
import { ffdheParams, ffdhePeerValue, ffdhePrivateKey, type FfdheGroupName } from './kex-ffdhe.js';
import { b64u, type Crypto, u8 } from './node-common.js';

// ---------------------------------------------------------------------------------------
// Key exchange (RFC 8446 §4.2.8, §7.4)

/**
 * Remembers the objects built for the last few private keys: `respond` needs one twice
 * (shared secret, then public value) and `finish` follows `generate` with the same key,
 * often with the peer's calls in between when both endpoints share the provider.
 */
function lastOne<T>(build: (sk: Uint8Array) => T, size = 4): (sk: Uint8Array) => T {
  const recent: { key: Uint8Array; value: T }[] = [];
  return (sk) => {
    const hit = recent.find((r) => constantTimeEqual(r.key, sk));
    if (hit !== undefined) return hit.value;
    const value = build(sk);
    recent.unshift({ key: sk.slice(), value });
    if (recent.length > size) recent.pop();
    return value;
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
export function montgomery(c: Crypto, group: 'x25519' | 'x448'): DhGroup {
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
export function nist(c: Crypto, group: 'secp256r1' | 'secp384r1' | 'secp521r1'): DhGroup {
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
export function ffdhe(c: Crypto, group: FfdheGroupName): DhGroup {
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
export function hybrid(x: KeyExchange): KeyExchange {
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
