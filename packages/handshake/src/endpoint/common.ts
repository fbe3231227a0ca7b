/** Checks and derivations both roles share. Each cites the RFC 8446 rule it enforces. */
import { bytesEqual } from '@tls13sim/record';
import { CipherSuite, NamedGroup, SignatureScheme, type CipherSuiteName, type NamedGroupName, type SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import { schemesForKey } from '../crypto/signature.js';
import { lentCertificateVerifyContent } from '../crypto/signed-content.js';
import { cipherSuiteParams, type CipherSuiteParams } from '../keyschedule/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { CertificateVerify } from '../messages/types.js';
import { parseCertificateCached } from '../pki/cert-cache.js';
import { verifyChain } from '../pki/verify.js';
import type { EpochName } from './api.js';
import { fail, HandshakeError } from './errors.js';
import type { Env } from './step.js';

const suiteByCode = new Map<number, CipherSuiteName>(Object.entries(CipherSuite).map(([k, v]) => [v, k as CipherSuiteName]));
const groupByCode = new Map<number, NamedGroupName>(Object.entries(NamedGroup).map(([k, v]) => [v, k as NamedGroupName]));
const schemeByCode = new Map<number, SignatureSchemeName>(Object.entries(SignatureScheme).map(([k, v]) => [v, k as SignatureSchemeName]));

export const suiteName = (code: number): CipherSuiteName | undefined => suiteByCode.get(code);
export const groupName = (code: number): NamedGroupName | undefined => groupByCode.get(code);
export const schemeName = (code: number): SignatureSchemeName | undefined => schemeByCode.get(code);

export function suiteParams(code: number): CipherSuiteParams {
  const name = suiteName(code);
  if (name === undefined) fail('illegal_parameter', `cipher suite 0x${code.toString(16)} is not a TLS 1.3 suite`);
  return cipherSuiteParams(name);
}

/** The trace's name for the application epoch after `generation` KeyUpdates. */
export function applicationEpoch(generation: number): EpochName {
  return generation === 0 ? 'application' : `application+${generation}`;
}

/** NSS keylog label of an application traffic secret. */
export function appKeylogLabel(side: 'client' | 'server', generation: number): string {
  return `${side === 'client' ? 'CLIENT' : 'SERVER'}_TRAFFIC_SECRET_${generation}`;
}

/**
 * §4.4.2.2 / §4.4.3: the peer's leaf key, after path validation when trust anchors are
 * configured. A chain that fails gets the verifier's alert. A client must have anchors
 * unless it is configured `insecure`.
 */
export function peerLeafKey(chain: readonly Uint8Array[], env: Env, purpose: 'server' | 'client', hostname: string | null): PublicKey {
  const { trustAnchors, validationTime } = env.config;
  let key: PublicKey | null;
  // A client that verifies nothing would talk to anyone: no anchors is an error unless the
  // configuration says insecure (without this, `serverName: 'wrong.test'` used to connect).
  if (purpose === 'server' && trustAnchors === null && !env.config.insecure) {
    fail('unknown_ca', 'no trust anchors to verify the server certificate with (configure trustAnchors, or insecure: true to skip verification)');
  }
  if (trustAnchors !== null && !(purpose === 'server' && env.config.insecure)) {
    const result = verifyChain(chain, {
      trustAnchors,
      now: validationTime ?? env.now,
      ...(hostname !== null && purpose === 'server' ? { hostname } : {}),
      purpose,
      crypto: env.crypto,
    });
    if (!result.ok) fail(result.kind, result.reason);
    // The chain was parsed once already: reuse its leaf.
    key = result.leaf.publicKey;
  } else {
    try {
      key = parseCertificateCached(chain[0]!).publicKey;
    } catch (e) {
      fail('bad_certificate', `cannot parse the peer's certificate: ${(e as Error).message}`);
    }
  }
  if (key === null) fail('unsupported_certificate', 'the peer certificate key type is not supported');
  const verdict = purpose === 'server' ? env.config.serverCertVerifier?.(chain) : undefined;
  if (verdict?.action === 'reject')
    throw new HandshakeError('verifier_rejected', 'the verifier rejected the server certificate', { verdictAlert: verdict.alert });
  return key;
}

/**
 * §4.4.3: "the receiver MUST verify the signature field ... If the verification fails,
 * the receiver MUST terminate the handshake with a "decrypt_error" alert." The scheme must
 * be one we offered (illegal_parameter otherwise) and fit the key.
 */
export function verifyCertificateVerify(
  cv: CertificateVerify,
  key: PublicKey,
  transcript: Transcript,
  hash: CipherSuiteParams['hash'],
  side: 'server' | 'client',
  env: Env,
): SignatureSchemeName {
  const scheme = schemeName(cv.algorithm);
  if (scheme === undefined || !env.config.schemeCodes.includes(cv.algorithm)) {
    fail('illegal_parameter', `CertificateVerify uses signature scheme 0x${cv.algorithm.toString(16)}, which we did not offer`);
  }
  if (!schemesForKey(key).includes(scheme)) {
    fail('illegal_parameter', `CertificateVerify scheme ${scheme} does not fit the certificate's ${key.type} key`);
  }
  const content = lentCertificateVerifyContent(side, transcript.hash(env.crypto, hash));
  if (!env.crypto.verify(scheme, key, content, cv.signature)) {
    throw new HandshakeError('bad_signature', `the ${side} CertificateVerify signature (${scheme}) does not verify`, { signatureScheme: scheme });
  }
  return scheme;
}

/** The scheme we sign with: our preference order, limited to what the peer accepts and the key can do. */
export function chooseSignatureScheme(key: PrivateKey, peerSchemes: readonly number[], env: Env): SignatureSchemeName | null {
  const usable = schemesForKey(key);
  for (const s of env.config.schemes) {
    if (usable.includes(s) && peerSchemes.includes(SignatureScheme[s])) return s;
  }
  return null;
}

export function signCertificateVerify(
  scheme: SignatureSchemeName,
  key: PrivateKey,
  transcript: Transcript,
  hash: CipherSuiteParams['hash'],
  side: 'server' | 'client',
  env: Env,
): CertificateVerify {
  const content = lentCertificateVerifyContent(side, transcript.hash(env.crypto, hash));
  const cv: CertificateVerify = {
    type: 'certificate_verify',
    algorithm: SignatureScheme[scheme],
    signature: env.crypto.sign(scheme, key, content, env.random),
  };
  return env.config.hooks.certificateVerify ? env.config.hooks.certificateVerify(cv) : cv;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b);
}
