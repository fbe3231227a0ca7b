/**
 * Which of our certificates to present (§4.4.2.2, §4.4.2.3): one whose key can sign a
 * scheme the peer lists in "signature_algorithms", preferring a chain signed only with
 * algorithms from "signature_algorithms_cert" (or, absent that, "signature_algorithms").
 * "If the server cannot produce a certificate chain that is signed only via the indicated
 * supported algorithms, then it SHOULD continue the handshake by sending the client a
 * certificate chain of its choice that may include algorithms that are not known to be
 * supported by the client."
 */
import { bytesEqual } from '@tls13sim/record';
import type { SignatureSchemeName } from '../constants.js';
import { parseCertificateCached } from '../pki/cert-cache.js';
import type { SignatureAlgorithm } from '../pki/x509.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { Certificate } from '../messages/types.js';
import type { PublicKey } from '../crypto/keys.js';
import { chooseSignatureScheme, peerLeafKey, signCertificateVerify } from './common.js';
import { fail, HandshakeError } from './errors.js';
import type { CertifiedKey } from './config.js';
import type { Negotiated, PendingCertRequest } from './state.js';
import type { Env, Out } from './step.js';

export interface CertificateChoice {
  readonly certificate: CertifiedKey;
  readonly scheme: SignatureSchemeName;
}

export function chooseCertificate(
  candidates: readonly CertifiedKey[],
  signatureAlgorithms: readonly number[],
  signatureAlgorithmsCert: readonly number[] | null,
  env: Env,
): CertificateChoice | null {
  const forChains = signatureAlgorithmsCert ?? signatureAlgorithms;
  let fallback: CertificateChoice | null = null;
  for (const certificate of candidates) {
    const scheme = chooseSignatureScheme(certificate.privateKey, signatureAlgorithms, env);
    if (scheme === null) continue;
    if (chainSignedWith(certificate.chain, forChains)) return { certificate, scheme };
    fallback ??= { certificate, scheme };
  }
  return fallback;
}

/** True when every certificate of the chain is signed with a scheme the peer lists. */
function chainSignedWith(chain: readonly Uint8Array[], accepted: readonly number[]): boolean {
  return chain.every((der) => {
    try {
      return codesFor(parseCertificateCached(der).signatureAlgorithm).some((c) => accepted.includes(c));
    } catch {
      return false;
    }
  });
}

/**
 * The §4.2.3 code points that name an X.509 signature algorithm. For certificates an
 * ECDSA code point names its hash (§4.2.3: the ecdsa_* values "also apply" to
 * certificates); RSASSA-PSS may be signed by an rsaEncryption or an RSASSA-PSS key.
 */
function byHash(h: string, codes: Readonly<Record<string, number>>): number[] {
  return codes[h] !== undefined ? [codes[h]!] : [];
}

function codesFor(alg: SignatureAlgorithm): number[] {
  switch (alg.kind) {
    case 'ed25519':
      return [0x0807];
    case 'ed448':
      return [0x0808];
    case 'ecdsa':
      return byHash(alg.hash, { sha256: 0x0403, sha384: 0x0503, sha512: 0x0603 });
    case 'rsa_pkcs1':
      return byHash(alg.hash, { sha256: 0x0401, sha384: 0x0501, sha512: 0x0601 });
    case 'rsa_pss':
      return [...byHash(alg.hash, { sha256: 0x0804, sha384: 0x0805, sha512: 0x0806 }), ...byHash(alg.hash, { sha256: 0x0809, sha384: 0x080a, sha512: 0x080b })];
    case 'unsupported':
      return [];
  }
}

/**
 * §4.4.2: the client's Certificate in answer to a CertificateRequest: its chain if it has
 * one whose key can sign a scheme the server accepts, else an empty Certificate (§4.4.2.4:
 * "If the client does not send any certificates ... the client MUST send a Certificate
 * message containing no certificates").
 */
export function sendClientCertificate(req: PendingCertRequest, transcript: Transcript, hash: Negotiated['suite']['hash'], env: Env, out: Out): void {
  const choice = chooseCertificate(env.config.certificates, req.schemes, req.schemesCert, env);
  if (choice === null) {
    out.send({ type: 'certificate', certificateRequestContext: req.context, certificateList: [] }, transcript);
    return;
  }
  const { certificate: own, scheme } = choice;
  out.send(
    {
      type: 'certificate',
      certificateRequestContext: req.context,
      certificateList: own.chain.map((certData) => ({ certData, extensions: [] })),
    },
    transcript,
  );
  out.send(signCertificateVerify(scheme, own.privateKey, transcript, hash, 'client', env), transcript);
}

/** What the server makes of a client's Certificate message, in the handshake or after it. */
export type ClientCertificateJudgement =
  | { readonly kind: 'none' }
  | { readonly kind: 'chain'; readonly chain: readonly Uint8Array[]; readonly key: PublicKey; readonly ignore: boolean };

/**
 * Server: judges the client's certificate list (§4.4.2). Empty: §4.4.2.4 — "the server MAY
 * at its discretion either continue the handshake without client authentication, or abort
 * the handshake with a "certificate_required" alert" (we abort when authentication is
 * required). Otherwise the chain is path-validated (when trust anchors are configured) and
 * put to the configured verifier, whose rejection is its alert.
 */
export function judgeClientCertificate(certificateList: readonly { readonly certData: Uint8Array }[], env: Env, when: string): ClientCertificateJudgement {
  if (certificateList.length === 0) {
    if (env.config.clientAuth === 'require') fail('certificate_required', `the client sent no certificate${when}`);
    return { kind: 'none' };
  }
  const chain = certificateList.map((e) => e.certData);
  const key = peerLeafKey(chain, env, 'client', null);
  const verdict = env.config.clientCertVerifier?.(chain) ?? { action: 'accept' as const };
  if (verdict.action === 'reject')
    throw new HandshakeError('verifier_rejected', 'the verifier rejected the client certificate', { verdictAlert: verdict.alert });
  return { kind: 'chain', chain, key, ignore: verdict.action === 'ignore' };
}

/**
 * Server: a client Certificate message answering our CertificateRequest, in the handshake
 * or after it. §4.4.2: its certificate_request_context is, "in response to a
 * CertificateRequest, the value of certificate_request_context in that message"; then the
 * list is judged (judgeClientCertificate).
 */
export function judgeClientCertificateMessage(cert: Certificate, requestedContext: Uint8Array, env: Env, when: string): ClientCertificateJudgement {
  if (!bytesEqual(cert.certificateRequestContext, requestedContext))
    fail('illegal_parameter', `client Certificate context does not match the CertificateRequest${when}`);
  return judgeClientCertificate(cert.certificateList, env, when);
}
