/**
 * The default `CryptoProvider`: pure JavaScript on noble, so it runs in browsers too.
 * Randomness only ever comes from the `RandomSource` a caller passes in.
 */
import { nobleAead } from '@tls13sim/record';
import type { NamedGroupName, SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type { Aead, AeadName, CryptoProvider, HashName, KeyExchange } from './provider.js';
import type { RandomSource } from './random.js';
import { HASH_LENGTHS, nobleHash, nobleHkdfExpand, nobleHkdfExtract, nobleHmac } from './hash.js';
import { secp256r1Exchange, secp384r1Exchange, secp521r1Exchange, x25519Exchange, x448Exchange } from './kex-ecdhe.js';
import { x25519MlKem768Exchange } from './kex-mlkem.js';
import { ffdheExchanges } from './kex-ffdhe.js';
import { NOBLE_SIGNATURE_SCHEMES, signNoble, verifyNoble } from './signature.js';

/** Our preference order (RFC 8446 §4.2.7 leaves it to the implementation). */
const EXCHANGES: readonly KeyExchange[] = [
  x25519Exchange,
  secp256r1Exchange,
  x448Exchange,
  secp384r1Exchange,
  secp521r1Exchange,
  x25519MlKem768Exchange,
  // RFC 7919 finite-field groups last: a share is 256–1024 bytes and costs milliseconds.
  ...ffdheExchanges,
];

export function createNobleProvider(): CryptoProvider {
  const byGroup = new Map<NamedGroupName, KeyExchange>(EXCHANGES.map((k) => [k.group, k]));
  return {
    name: 'noble',
    hash: (alg: HashName, data: Uint8Array) => nobleHash(alg, data),
    hashLength: (alg: HashName) => HASH_LENGTHS[alg],
    hmac: (alg: HashName, key: Uint8Array, data: Uint8Array) => nobleHmac(alg, key, data),
    hkdfExtract: (alg: HashName, salt: Uint8Array, ikm: Uint8Array) => nobleHkdfExtract(alg, salt, ikm),
    hkdfExpand: (alg: HashName, prk: Uint8Array, info: Uint8Array, length: number) => nobleHkdfExpand(alg, prk, info, length),
    aead: (name: AeadName): Aead => nobleAead(name),
    keyExchange: (group: NamedGroupName) => byGroup.get(group),
    sign: (scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource) => signNoble(scheme, key, message, rand),
    verify: (scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array) => verifyNoble(scheme, key, message, signature),
    supportedGroups: EXCHANGES.map((k) => k.group),
    get supportedSignatureSchemes(): readonly SignatureSchemeName[] {
      return NOBLE_SIGNATURE_SCHEMES;
    },
  };
}

export const nobleProvider: CryptoProvider = createNobleProvider();
