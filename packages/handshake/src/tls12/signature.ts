/**
 * TLS 1.2 signatures (RFC 5246 §4.7 digitally-signed, §7.4.1.4.1 signature_algorithms).
 * The SignatureScheme code points of RFC 8446 §4.2.3 are TLS 1.2's SignatureAndHashAlgorithm
 * pairs (hash, signature) for the values used here; RFC 8446 §4.2.3 lets rsa_pss_rsae_* be
 * used in TLS 1.2 too. Two differences from TLS 1.3: an ECDSA code point names only the
 * hash, not the curve (RFC 8422 §5.1.1 curves are negotiated by supported_groups), and
 * rsa_pkcs1_* signs handshake messages.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { SignatureScheme, type SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import { schemeInfo, signRsaPkcs1 } from '../crypto/signature.js';
import type { Env } from '../endpoint/step.js';
import { schemeName } from '../endpoint/common.js';
import { fail as fail12, HandshakeError } from '../endpoint/errors.js';

const CURVES = { p256, p384, p521 } as const;
const HASHES = { sha256, sha384, sha512 } as const;
const ECDSA_BY_CURVE = { p256: 'ecdsa_secp256r1_sha256', p384: 'ecdsa_secp384r1_sha384', p521: 'ecdsa_secp521r1_sha512' } as const;

/** The schemes a key can sign or verify with in TLS 1.2, its own curve's hash first. */
export function tls12SchemesForKey(key: PublicKey | PrivateKey): SignatureSchemeName[] {
  switch (key.type) {
    case 'ecdsa': {
      const own = ECDSA_BY_CURVE[key.curve];
      return [own, ...(['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512'] as const).filter((s) => s !== own)];
    }
    case 'rsa':
      return key.pss
        ? ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512']
        : ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512'];
    case 'ed25519':
      return ['ed25519']; // RFC 8422 §5.1.3
    case 'ed448':
      return ['ed448'];
  }
}

/** Our preference order (config.signatureSchemes) among what the key can do and the peer lists. */
export function chooseTls12Scheme(key: PrivateKey, peerSchemes: readonly number[], env: Env): SignatureSchemeName | null {
  const usable = tls12SchemesForKey(key);
  const ours = env.config.schemes.filter((s) => usable.includes(s));
  // The key's own ECDSA curve first whatever the configured order: the pairing every peer accepts.
  ours.sort((a, b) => usable.indexOf(a) - usable.indexOf(b));
  for (const s of ours) if (peerSchemes.includes(SignatureScheme[s])) return s;
  return null;
}

/** Signs `message` (not a digest) with `scheme` as TLS 1.2 means it. */
export function signTls12(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, env: Env): Uint8Array {
  const info = schemeInfo(scheme);
  if (info?.kind === 'rsa_pkcs1' && key.type === 'rsa') return signRsaPkcs1(info.hash, key, message);
  if (info?.kind === 'ecdsa' && key.type === 'ecdsa' && key.curve !== info.curve) {
    return CURVES[key.curve].sign(HASHES[info.hash](message), key.scalar, { prehash: false, format: 'der' });
  }
  return env.crypto.sign(scheme, key, message, env.random);
}

/** Verifies a TLS 1.2 signature; false for anything wrong. */
export function verifyTls12(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array, env: Env): boolean {
  if (!tls12SchemesForKey(key).includes(scheme)) return false;
  const info = schemeInfo(scheme);
  if (info?.kind === 'ecdsa' && key.type === 'ecdsa' && key.curve !== info.curve) {
    try {
      return CURVES[key.curve].verify(signature, HASHES[info.hash](message), key.point, { prehash: false, format: 'der', lowS: false });
    } catch {
      return false;
    }
  }
  return env.crypto.verify(scheme, key, message, signature);
}

/**
 * Checks a received digitally-signed struct: the algorithm must be one we offered (RFC 5246
 * §7.4.1.4.1: the peer "MUST" use one of the listed pairs; illegal_parameter otherwise,
 * as OpenSSL answers) and fit the key; a signature that fails is decrypt_error (RFC 5246
 * §7.2.2: "a signature could not be correctly verified").
 */
export function checkTls12Signature(
  algorithm: number,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  env: Env,
  what: string,
): SignatureSchemeName {
  const scheme = schemeName(algorithm);
  if (scheme === undefined || !env.config.schemeCodes.includes(algorithm)) {
    fail12('illegal_parameter', `${what} uses signature algorithm 0x${algorithm.toString(16).padStart(4, '0')}, which we did not offer`);
  }
  if (!tls12SchemesForKey(key).includes(scheme)) fail12('illegal_parameter', `${what} algorithm ${scheme} does not fit the ${key.type} key`);
  if (!verifyTls12(scheme, key, message, signature, env)) {
    throw new HandshakeError('bad_signature', `the ${what} signature (${scheme}) does not verify`, { signatureScheme: scheme });
  }
  return scheme;
}
