/**
 * (EC)DHE key exchange on noble (RFC 8446 §4.2.8, §7.4.2).
 *
 * Randomness: `generate` and `respond` draw exactly one private key from the injected
 * `RandomSource` (32 bytes for x25519, 56 for x448, the scalar length for the NIST curves),
 * so a test can inject a known private key, as RFC 8448 prints them.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { NamedGroupName } from '../constants.js';
import type { KeyExchange, KeyShareSecret } from './provider.js';
import type { RandomSource } from './random.js';

/** The two calls every DH group has: a public value from a private key, and a shared secret. */
export interface DhGroup {
  readonly group: NamedGroupName;
  readonly shareLength: number;
  newPrivateKey(rand: RandomSource): Uint8Array;
  publicValue(privateKey: Uint8Array): Uint8Array;
  /** null for an invalid peer value or a forbidden result. */
  sharedSecret(privateKey: Uint8Array, peer: Uint8Array): Uint8Array | null;
}

/** The three KeyExchange calls over a DH group's two (shared with the node:crypto exchanges, node-kex.ts). */
export function dhKeyExchange(g: DhGroup): KeyExchange {
  return {
    group: g.group,
    generate(rand: RandomSource): KeyShareSecret {
      const privateKey = g.newPrivateKey(rand);
      return { group: g.group, privateKey, share: g.publicValue(privateKey) };
    },
    respond(peerShare: Uint8Array, rand: RandomSource) {
      if (peerShare.length !== g.shareLength) return null;
      const privateKey = g.newPrivateKey(rand);
      const sharedSecret = g.sharedSecret(privateKey, peerShare);
      if (sharedSecret === null) return null;
      return { share: g.publicValue(privateKey), sharedSecret };
    },
    finish(own: KeyShareSecret, peerShare: Uint8Array): Uint8Array | null {
      if (own.group !== g.group) throw new TypeError(`finish: a ${own.group} key share given to ${g.group}`);
      if (peerShare.length !== g.shareLength) return null;
      return g.sharedSecret(own.privateKey, peerShare);
    },
  };
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/**
 * X25519 / X448 (RFC 7748). §7.4.2: "For X25519 and X448, ... implementations MUST check
 * whether the computed Diffie-Hellman shared secret is the all-zero value and abort if so".
 * noble already refuses low-order inputs (which are what yield zero); we check the output too.
 */
function montgomery(group: 'x25519' | 'x448', curve: typeof x25519 | typeof x448, length: number): DhGroup {
  return {
    group,
    shareLength: length,
    newPrivateKey: (rand) => rand.bytes(length),
    publicValue: (sk) => curve.getPublicKey(sk),
    sharedSecret(sk, peer) {
      let z: Uint8Array;
      try {
        z = curve.getSharedSecret(sk, peer);
      } catch {
        return null;
      }
      return isAllZero(z) ? null : z;
    },
  };
}

type NistCurve = typeof p256 | typeof p384 | typeof p521;

/**
 * A NIST-curve private key from `rand`: rejection sampling over the scalar's length. P-521's
 * order has 521 bits: keep the top byte's low bit only, so nearly every draw is in range (as
 * Go's crypto/ecdh does). Both providers draw through this, so a seed gives the same share.
 */
export function nistPrivateKey(group: 'secp256r1' | 'secp384r1' | 'secp521r1', rand: RandomSource): Uint8Array {
  const curve = { secp256r1: p256, secp384r1: p384, secp521r1: p521 }[group];
  const skLen = curve.lengths.secretKey!;
  const topMask = group === 'secp521r1' ? 0x01 : 0xff;
  for (;;) {
    const sk = rand.bytes(skLen);
    sk[0] = sk[0]! & topMask;
    if (curve.utils.isValidSecretKey(sk)) return sk;
  }
}

/**
 * secp256r1 / secp384r1 / secp521r1. §4.2.8.2: the share is UncompressedPointRepresentation
 * (0x04 || X || Y), and "peers MUST validate each other's public key" (on the curve, not the
 * point at infinity). §7.4.2: "the shared secret is the x-coordinate of the ECDH shared
 * secret elliptic curve point", encoded at the field's byte length.
 */
function nist(group: 'secp256r1' | 'secp384r1' | 'secp521r1', curve: NistCurve): DhGroup {
  const pointLen = curve.lengths.publicKeyUncompressed!;
  return {
    group,
    shareLength: pointLen,
    newPrivateKey: (rand) => nistPrivateKey(group, rand),
    publicValue: (sk) => curve.getPublicKey(sk, false),
    sharedSecret(sk, peer) {
      if (peer.length !== pointLen || peer[0] !== 0x04) return null;
      try {
        // fromBytes checks that the point is on the curve (and not infinity).
        curve.Point.fromBytes(peer).assertValidity();
        const shared = curve.getSharedSecret(sk, peer, true);
        return shared.slice(1);
      } catch {
        return null;
      }
    },
  };
}

export const x25519Exchange: KeyExchange = dhKeyExchange(montgomery('x25519', x25519, 32));
export const x448Exchange: KeyExchange = dhKeyExchange(montgomery('x448', x448, 56));
export const secp256r1Exchange: KeyExchange = dhKeyExchange(nist('secp256r1', p256));
export const secp384r1Exchange: KeyExchange = dhKeyExchange(nist('secp384r1', p384));
export const secp521r1Exchange: KeyExchange = dhKeyExchange(nist('secp521r1', p521));
