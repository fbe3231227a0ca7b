/** Values derived from a single secret: traffic keys, KeyUpdate, Finished, binders, PSKs, exporters. */
import { constantTimeEqual } from '@tls13sim/record';
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import { deriveSecret, emptyHash, hkdfExpandLabel } from './hkdf-label.js';
import type { CipherSuiteParams } from './suites.js';

export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/**
 * §7.3 traffic key calculation:
 *   [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 *   [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
 */
export function trafficKeys(provider: CryptoProvider, suite: CipherSuiteParams, trafficSecret: Uint8Array): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(provider, suite.hash, trafficSecret, 'key', empty, suite.keyLength),
    iv: hkdfExpandLabel(provider, suite.hash, trafficSecret, 'iv', empty, suite.ivLength),
  };
}

/**
 * §7.2 KeyUpdate:
 *   application_traffic_secret_N+1 =
 *       HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
 */
export function nextTrafficSecret(provider: CryptoProvider, hash: HashName, trafficSecret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, trafficSecret, 'traffic upd', new Uint8Array(0), provider.hashLength(hash));
}

/** §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedKey(provider: CryptoProvider, hash: HashName, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, baseKey, 'finished', new Uint8Array(0), provider.hashLength(hash));
}

/**
 * §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context,
 * Certificate*, CertificateVerify*)). `baseKey` is the sender's handshake traffic secret
 * (or, post-handshake, its application traffic secret).
 */
export function finishedVerifyData(provider: CryptoProvider, hash: HashName, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return provider.hmac(hash, finishedKey(provider, hash, baseKey), transcriptHash);
}

/** §4.4.4: "Recipients of Finished messages MUST verify that the contents are correct" — in constant time. */
export function verifyFinished(provider: CryptoProvider, hash: HashName, baseKey: Uint8Array, transcriptHash: Uint8Array, verifyData: Uint8Array): boolean {
  return constantTimeEqual(finishedVerifyData(provider, hash, baseKey, transcriptHash), verifyData);
}

/**
 * §4.2.11.2: "The PskBinderEntry is computed in the same way as the Finished message
 * (Section 4.4.4) but with the BaseKey being the binder_key", over Transcript-Hash of the
 * ClientHello truncated before the binders list (preceded, after a HelloRetryRequest, by
 * message_hash and the HelloRetryRequest).
 */
export function pskBinder(provider: CryptoProvider, hash: HashName, binderKey: Uint8Array, truncatedTranscriptHash: Uint8Array): Uint8Array {
  return finishedVerifyData(provider, hash, binderKey, truncatedTranscriptHash);
}

/** §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
export function resumptionPsk(provider: CryptoProvider, hash: HashName, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, resumptionMasterSecret, 'resumption', ticketNonce, provider.hashLength(hash));
}

/**
 * §7.5 TLS-Exporter(label, context_value, key_length) =
 *     HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
 * `exporterSecret` is exporter_master_secret (or early_exporter_master_secret for 0-RTT).
 * §7.5: "a zero-length context_value and no context_value" are the same here.
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  hash: HashName,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const secret = deriveSecret(provider, hash, exporterSecret, label, emptyHash(provider, hash));
  return hkdfExpandLabel(provider, hash, secret, 'exporter', provider.hash(hash, context), length);
}
