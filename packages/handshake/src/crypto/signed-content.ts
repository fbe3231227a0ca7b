/**
 * What a CertificateVerify signs (RFC 8446 §4.4.3), and which schemes a key can use.
 *
 *   "The digital signature is then computed over the concatenation of:
 *    -  A string that consists of octet 32 (0x20) repeated 64 times
 *    -  The context string
 *    -  A single 0 byte which serves as the separator
 *    -  The content to be signed"
 * where the content is Transcript-Hash(Handshake Context, Certificate).
 */
import type { SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from './keys.js';

export type CertificateVerifySide = 'server' | 'client';

const CONTEXT: Record<CertificateVerifySide, string> = {
  server: 'TLS 1.3, server CertificateVerify',
  client: 'TLS 1.3, client CertificateVerify',
};

/** 64 spaces, the context string and the 0x00 separator: what precedes the content, per side (built once). */
function prefixOf(side: CertificateVerifySide): Uint8Array {
  const context = new TextEncoder().encode(CONTEXT[side]);
  const prefix = new Uint8Array(64 + context.length + 1);
  prefix.fill(0x20, 0, 64);
  prefix.set(context, 64);
  // prefix[64 + context.length] is already the 0x00 separator.
  return prefix;
}

const PREFIX: Record<CertificateVerifySide, Uint8Array> = { server: prefixOf('server'), client: prefixOf('client') };

/** The §4.4.3 signed content for `side`'s CertificateVerify over `transcriptHash`. */
export function certificateVerifyContent(side: CertificateVerifySide, transcriptHash: Uint8Array): Uint8Array {
  const prefix = PREFIX[side];
  const out = new Uint8Array(prefix.length + transcriptHash.length);
  out.set(prefix);
  out.set(transcriptHash, prefix.length);
  return out;
}

/**
 * Buffers for the signed content, one per side and hash length, lent to the provider for
 * one sign or verify call (CryptoProvider: byte arguments are lent for the call): the
 * prefix stays in place and only the transcript hash is written.
 */
const lent: Record<CertificateVerifySide, Map<number, Uint8Array>> = { server: new Map(), client: new Map() };

/** `certificateVerifyContent`, written into a lent buffer: for a provider call that reads it and keeps nothing. */
export function lentCertificateVerifyContent(side: CertificateVerifySide, transcriptHash: Uint8Array): Uint8Array {
  const prefix = PREFIX[side];
  let out = lent[side].get(transcriptHash.length);
  if (out === undefined) {
    out = new Uint8Array(prefix.length + transcriptHash.length);
    out.set(prefix);
    lent[side].set(transcriptHash.length, out);
  }
  out.set(transcriptHash, prefix.length);
  return out;
}

/**
 * The CertificateVerify schemes (§4.2.3) a key can sign or verify with, preferred first.
 * An rsaEncryption key gets rsa_pss_rsae_*, an id-RSASSA-PSS key rsa_pss_pss_*; an ECDSA
 * key only the scheme of its own curve (TLS 1.3 binds curve and hash). rsa_pkcs1_* never.
 */
export function schemesForKey(key: PublicKey | PrivateKey): SignatureSchemeName[] {
  switch (key.type) {
    case 'ed25519':
      return ['ed25519'];
    case 'ed448':
      return ['ed448'];
    case 'ecdsa':
      return [key.curve === 'p256' ? 'ecdsa_secp256r1_sha256' : key.curve === 'p384' ? 'ecdsa_secp384r1_sha384' : 'ecdsa_secp521r1_sha512'];
    case 'rsa':
      return key.pss
        ? ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512']
        : ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512'];
  }
}
