/**
 * The TLS 1.2 key derivations: the PRF (RFC 5246 §5), the extended master secret (RFC 7627
 * §4), the key block (RFC 5246 §6.3) and Finished.verify_data (RFC 5246 §7.4.9). Pure
 * functions of their inputs through the CryptoProvider's HMAC and hash.
 */
import { concatBytes, utf8 } from '@tls13sim/record';
import type { CryptoProvider, HashName } from '../crypto/provider.js';

/**
 * RFC 5246 §5: P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 * with A(0) = seed and A(i) = HMAC_hash(secret, A(i-1)), iterated "as many times as
 * necessary to produce the required quantity of data", the excess discarded.
 */
export function tls12PHash(crypto: CryptoProvider, hash: HashName, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`P_hash: length ${length}`);
  const out = new Uint8Array(length);
  let a = seed;
  let off = 0;
  while (off < length) {
    a = crypto.hmac(hash, secret, a);
    const block = crypto.hmac(hash, secret, concatBytes(a, seed));
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
  }
  return out;
}

/**
 * RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed). "The label is an
 * ASCII string". The hash is SHA-256 for every TLS 1.2 suite here but the SHA-384 ones
 * (RFC 5289 §3.2: "the PRF ... uses SHA-384 as the hash function").
 */
export function tls12Prf(crypto: CryptoProvider, hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return tls12PHash(crypto, hash, secret, concatBytes(utf8(label), seed), length);
}

/** RFC 5246 §8.1: "The master secret is always exactly 48 bytes in length." */
export const MASTER_SECRET_LENGTH = 48;

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret",
 * session_hash)[0..47], where session_hash = Hash(handshake_messages) "from the ClientHello
 * up to and including the ClientKeyExchange message" (§3).
 */
export function tls12ExtendedMasterSecret(crypto: CryptoProvider, hash: HashName, preMasterSecret: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return tls12Prf(crypto, hash, preMasterSecret, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret",
 * ClientHello.random + ServerHello.random)[0..47] — without RFC 7627's session hash.
 */
export function tls12MasterSecret(
  crypto: CryptoProvider,
  hash: HashName,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return tls12Prf(crypto, hash, preMasterSecret, 'master secret', concatBytes(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
}

/** One direction's record keys from the key block (no MAC key: AEAD suites, RFC 5246 §6.3 mac_key_length 0). */
export interface Tls12DirectionKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/**
 * RFC 5246 §6.3: key_block = PRF(SecurityParameters.master_secret, "key expansion",
 * SecurityParameters.server_random + SecurityParameters.client_random), partitioned as
 * client_write_MAC_key, server_write_MAC_key (empty for AEAD), client_write_key,
 * server_write_key, client_write_IV, server_write_IV.
 */
export function tls12KeyBlock(
  crypto: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  fixedIvLength: number,
): { readonly client: Tls12DirectionKeys; readonly server: Tls12DirectionKeys } {
  const block = tls12Prf(crypto, hash, master, 'key expansion', concatBytes(serverRandom, clientRandom), 2 * keyLength + 2 * fixedIvLength);
  let off = 0;
  const take = (n: number): Uint8Array => block.slice(off, (off += n));
  const clientKey = take(keyLength);
  const serverKey = take(keyLength);
  const clientIv = take(fixedIvLength);
  const serverIv = take(fixedIvLength);
  return { client: { key: clientKey, iv: clientIv }, server: { key: serverKey, iv: serverIv } };
}

/** RFC 5246 §7.4.9: "In previous versions of TLS, the verify_data was always 12 octets long." The suites here keep 12. */
export const VERIFY_DATA_LENGTH = 12;

/**
 * RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label,
 * Hash(handshake_messages))[0..verify_data_length-1]; finished_label is "client finished"
 * or "server finished".
 */
export function tls12VerifyData(crypto: CryptoProvider, hash: HashName, master: Uint8Array, side: 'client' | 'server', transcriptHash: Uint8Array): Uint8Array {
  return tls12Prf(crypto, hash, master, `${side} finished`, transcriptHash, VERIFY_DATA_LENGTH);
}
