/** Signature schemes (RFC 8446 §4.2.3) on noble. PLACEHOLDER: being written; API is fixed. */
import type { SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type { RandomSource } from './random.js';

export const NOBLE_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [];

export function signNoble(scheme: SignatureSchemeName, _key: PrivateKey, _message: Uint8Array, _rand: RandomSource): Uint8Array {
  throw new Error(`signNoble(${scheme}): not written yet`);
}

export function verifyNoble(_scheme: SignatureSchemeName, _key: PublicKey, _message: Uint8Array, _signature: Uint8Array): boolean {
  return false;
}
