/**
 * X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §3, codepoint 0x11EC): a hybrid of ML-KEM-768
 * (FIPS 203) and X25519 in the single-share form of draft-ietf-tls-hybrid-design.
 *
 *   client share  = ML-KEM-768 encapsulation key (1184) || X25519 public (32)
 *   server share  = ML-KEM-768 ciphertext (1088)        || X25519 public (32)
 *   shared secret = ML-KEM-768 shared secret (32)       || X25519 shared secret (32)
 *
 * Randomness: `generate` draws a 64-byte ML-KEM seed (d || z) then a 32-byte X25519 key;
 * `respond` draws the 32-byte encapsulation message m then a 32-byte X25519 key.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes } from '@tls13sim/record';
import type { KeyExchange, KeyShareSecret } from './provider.js';
import type { RandomSource } from './random.js';
import { x25519Exchange } from './kex-ecdhe.js';

const EK_LEN = 1184;
const DK_LEN = 2400;
const CT_LEN = 1088;
const X_LEN = 32;

export const MLKEM768_SIZES = {
  clientShare: EK_LEN + X_LEN,
  serverShare: CT_LEN + X_LEN,
  sharedSecret: 64,
} as const;

function x25519Part(privateKey: Uint8Array): KeyShareSecret {
  return { group: 'x25519', privateKey, share: new Uint8Array(0) };
}

export const x25519MlKem768Exchange: KeyExchange = {
  group: 'X25519MLKEM768',

  generate(rand: RandomSource): KeyShareSecret {
    const kem = ml_kem768.keygen(rand.bytes(64));
    const x = x25519Exchange.generate(rand);
    return {
      group: 'X25519MLKEM768',
      // Our own encoding, never on the wire: decapsulation key || X25519 private key.
      privateKey: concatBytes(kem.secretKey, x.privateKey),
      share: concatBytes(kem.publicKey, x.share),
    };
  },

  respond(peerShare: Uint8Array, rand: RandomSource) {
    if (peerShare.length !== MLKEM768_SIZES.clientShare) return null;
    const ek = peerShare.slice(0, EK_LEN);
    const xPeer = peerShare.slice(EK_LEN);
    let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
    try {
      // Includes FIPS 203 §7.2's encapsulation key (modulus) check.
      kem = ml_kem768.encapsulate(ek, rand.bytes(32));
    } catch {
      return null;
    }
    const x = x25519Exchange.respond(xPeer, rand);
    if (x === null) return null;
    return {
      share: concatBytes(kem.cipherText, x.share),
      sharedSecret: concatBytes(kem.sharedSecret, x.sharedSecret),
    };
  },

  finish(own: KeyShareSecret, peerShare: Uint8Array): Uint8Array | null {
    if (own.group !== 'X25519MLKEM768') throw new TypeError(`finish: a ${own.group} key share given to X25519MLKEM768`);
    if (peerShare.length !== MLKEM768_SIZES.serverShare) return null;
    const dk = own.privateKey.slice(0, DK_LEN);
    const xSk = own.privateKey.slice(DK_LEN);
    let kemSecret: Uint8Array;
    try {
      // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection).
      kemSecret = ml_kem768.decapsulate(peerShare.slice(0, CT_LEN), dk);
    } catch {
      return null;
    }
    const xSecret = x25519Exchange.finish(x25519Part(xSk), peerShare.slice(CT_LEN));
    if (xSecret === null) return null;
    return concatBytes(kemSecret, xSecret);
  },
};
