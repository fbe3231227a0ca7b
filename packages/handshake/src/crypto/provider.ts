/**
 * The crypto boundary. Everything cryptographic in tls13sim goes through a
 * `CryptoProvider`; the noble implementation is the default, `node:crypto` is another.
 * All calls are synchronous and pure given their inputs (randomness is passed in), which
 * is what lets the explorer memoise them. Byte arguments are lent for the call, as with
 * `Aead`: read them during the call and copy what you keep, since callers may reuse them
 * (the key schedule writes each HKDF `info` into a buffer it lends again).
 */
import type { NamedGroupName, SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type { RandomSource } from './random.js';
import type { Aead, AeadName } from '@tls13sim/record';

export type HashName = 'sha256' | 'sha384' | 'sha512';
export type { Aead, AeadName } from '@tls13sim/record';

/** A key share we generated: the private part stays with us, `share` goes on the wire. */
export interface KeyShareSecret {
  readonly group: NamedGroupName;
  readonly privateKey: Uint8Array;
  readonly share: Uint8Array;
}

/**
 * Key exchange for one group. DH groups and KEM hybrids fit the same three calls:
 * the client `generate`s, the server `respond`s to the client's share (for a KEM: it
 * encapsulates), and the client `finish`es with the server's share.
 * Invalid peer shares return null (→ illegal_parameter), never throw.
 */
export interface KeyExchange {
  readonly group: NamedGroupName;
  generate(rand: RandomSource): KeyShareSecret;
  respond(peerShare: Uint8Array, rand: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } | null;
  finish(own: KeyShareSecret, peerShare: Uint8Array): Uint8Array | null;
}

export interface CryptoProvider {
  readonly name: string;
  hash(alg: HashName, data: Uint8Array): Uint8Array;
  hashLength(alg: HashName): number;
  hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfExtract(alg: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  hkdfExpand(alg: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  aead(name: AeadName): Aead;
  /** undefined when the provider does not implement the group. */
  keyExchange(group: NamedGroupName): KeyExchange | undefined;
  /** Signs `message` (not a digest) with the scheme's hash and padding. */
  sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource): Uint8Array;
  /** false for any bad signature or mismatched key type (never throws for bad input). */
  verify(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean;
  readonly supportedGroups: readonly NamedGroupName[];
  readonly supportedSignatureSchemes: readonly SignatureSchemeName[];
}
