/** The TLS 1.2 secrets of one connection and the Finished checks, from prf.ts's derivations. */
import { constantTimeEqual } from '@tls13sim/record';
import type { PublicKey } from '../crypto/keys.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { fail } from '../endpoint/errors.js';
import type { Env } from '../endpoint/step.js';
import { encodeTls12 } from './messages.js';
import { tls12ExtendedMasterSecret, tls12KeyBlock, tls12MasterSecret, tls12VerifyData } from './prf.js';
import type { Tls12Hello, Tls12Secrets } from './state.js';
import type { Tls12SuiteParams } from './suites.js';

/**
 * RFC 7627 §4 master secret from the ECDHE shared secret (RFC 8422 §5.10: the
 * pre-master secret is the x-coordinate / X25519 output) over the session hash, the
 * transcript through ClientKeyExchange — or, for a client without extended_master_secret
 * (hello.legacyMasterSecret), the RFC 5246 §8.1 one over the two randoms; then the RFC 5246
 * §6.3 key block.
 */
export function deriveSecrets(env: Env, hello: Tls12Hello, preMaster: Uint8Array, transcriptThroughCke: Transcript): Tls12Secrets {
  const { suite } = hello;
  const master =
    hello.legacyMasterSecret === true
      ? tls12MasterSecret(env.crypto, suite.hash, preMaster, hello.clientRandom, hello.serverRandom)
      : tls12ExtendedMasterSecret(env.crypto, suite.hash, preMaster, transcriptThroughCke.hash(env.crypto, suite.hash));
  const kb = tls12KeyBlock(env.crypto, suite.hash, master, hello.clientRandom, hello.serverRandom, suite.keyLength, suite.fixedIvLength);
  return { master, clientKey: kb.client.key, clientIv: kb.client.iv, serverKey: kb.server.key, serverIv: kb.server.iv };
}

/** RFC 5246 §7.4.9: our Finished over the transcript so far. */
export function finishedMessage(env: Env, suite: Tls12SuiteParams, master: Uint8Array, side: 'client' | 'server', t: Transcript): Uint8Array {
  return encodeTls12({ type: 'finished', verifyData: tls12VerifyData(env.crypto, suite.hash, master, side, t.hash(env.crypto, suite.hash)) });
}

/**
 * RFC 5246 §7.4.9: "Recipients of Finished messages MUST verify that the contents are
 * correct"; a mismatch is decrypt_error (§7.2.2: "a handshake cryptographic operation failed,
 * including being unable to ... validate a Finished message").
 */
export function checkFinished(env: Env, suite: Tls12SuiteParams, master: Uint8Array, side: 'client' | 'server', t: Transcript, got: Uint8Array): void {
  const want = tls12VerifyData(env.crypto, suite.hash, master, side, t.hash(env.crypto, suite.hash));
  if (!constantTimeEqual(want, got)) fail('bad_finished', `the ${side} Finished verify_data does not match`);
}

/**
 * RFC 5246 §7.4.2: "The end entity certificate's public key ... MUST be compatible with the
 * selected key exchange algorithm": ECDHE_ECDSA needs an ECDSA key (RFC 8422 §2.1; EdDSA
 * keys too, RFC 8422 §5.1.3), ECDHE_RSA an RSA key. Otherwise unsupported_certificate.
 */
export function keyTypeFits(key: PublicKey, suite: Tls12SuiteParams, side: string): void {
  const ok = suite.auth === 'rsa' ? key.type === 'rsa' : key.type === 'ecdsa' || key.type === 'ed25519' || key.type === 'ed448';
  if (!ok) fail('unsupported_certificate', `the ${side} certificate's ${key.type} key does not fit ${suite.name}`);
}

/** The key types a suite's certificate may have. */
export function keyTypeOk(type: PublicKey['type'], suite: Tls12SuiteParams): boolean {
  return suite.auth === 'rsa' ? type === 'rsa' : type !== 'rsa';
}
