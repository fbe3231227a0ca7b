/**
 * Verifying and making certificate signatures (RFC 5280 §4.1.1.3).
 *
 * Unlike TLS 1.3 signature schemes, X.509 does not bind an ECDSA hash to a curve, and an
 * rsaEncryption key may sign RSASSA-PSS with any parameters (RFC 4055 §3.1), so this is
 * its own small dispatcher on top of the same libraries. Never throws for bad input.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { PSS, mgf1 } from 'micro-rsa-dsa-dh/rsa.js';
import type { SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { RandomSource } from '../crypto/random.js';
import { signNoble, signRsaPkcs1, verifyNoble, type SignatureHashName } from '../crypto/signature.js';
import { derInteger, derNull, derOid, derSequence, derContext } from './der-write.js';
import { OID } from './oids.js';
import type { SignatureAlgorithm } from './x509.js';

const HASHES = { sha256, sha384, sha512 } as const;
const CURVES = { p256, p384, p521 } as const;

/**
 * Verifies a certificate signature. With `crypto`, an algorithm that is also a TLS
 * signature scheme the provider supports (§4.2.3: the same code points name certificate
 * signatures) is verified by the provider, so an endpoint on the node provider does not
 * pay a noble verification per chain certificate. The rest — ECDSA with a hash not bound
 * to its curve, PSS with other parameters than §4.2.3's, schemes the provider lacks — stays
 * on noble.
 */
export function verifySignedData(alg: SignatureAlgorithm, key: PublicKey, data: Uint8Array, signature: Uint8Array, crypto?: CryptoProvider): boolean {
  if (crypto !== undefined) {
    const scheme = tlsSchemeOf(alg, key);
    if (scheme !== undefined && crypto.supportedSignatureSchemes.includes(scheme)) {
      return crypto.verify(scheme, key, data, signature);
    }
  }
  try {
    switch (alg.kind) {
      case 'ed25519':
      case 'ed448':
        return verifyNoble(alg.kind, key, data, signature);
      case 'ecdsa':
        if (key.type !== 'ecdsa') return false;
        return CURVES[key.curve].verify(signature, HASHES[alg.hash](data), key.point, {
          prehash: false,
          format: 'der',
          lowS: false,
        });
      case 'rsa_pkcs1':
        return verifyNoble(`rsa_pkcs1_${alg.hash}`, key, data, signature);
      case 'rsa_pss': {
        if (key.type !== 'rsa') return false;
        const h = HASHES[alg.hash];
        return PSS(h, mgf1(HASHES[alg.mgfHash]), alg.saltLength).verify({ n: key.n, e: key.e }, data, signature);
      }
      case 'unsupported':
        return false;
    }
  } catch {
    return false;
  }
}

const ECDSA_SCHEMES = {
  p256: { sha256: 'ecdsa_secp256r1_sha256' },
  p384: { sha384: 'ecdsa_secp384r1_sha384' },
  p521: { sha512: 'ecdsa_secp521r1_sha512' },
} as const satisfies Record<string, Partial<Record<SignatureHashName, SignatureSchemeName>>>;

/**
 * The TLS scheme (§4.2.3) that verifies exactly what `alg` with `key` means, if there is
 * one: ECDSA only where the hash is the curve's own; RSASSA-PSS only with MGF1 over the
 * same hash and a salt as long as the hash ("The length of the Salt MUST be equal to the
 * length of the digest algorithm"), the rsae or pss variant by the key's OID.
 */
function tlsSchemeOf(alg: SignatureAlgorithm, key: PublicKey): SignatureSchemeName | undefined {
  switch (alg.kind) {
    case 'ed25519':
    case 'ed448':
      return alg.kind;
    case 'ecdsa':
      if (key.type !== 'ecdsa') return undefined;
      return (ECDSA_SCHEMES[key.curve] as Partial<Record<SignatureHashName, SignatureSchemeName>>)[alg.hash];
    case 'rsa_pkcs1':
      return `rsa_pkcs1_${alg.hash}`;
    case 'rsa_pss':
      if (key.type !== 'rsa' || alg.mgfHash !== alg.hash || alg.saltLength !== HASH_LEN[alg.hash]) return undefined;
      return key.pss ? `rsa_pss_pss_${alg.hash}` : `rsa_pss_rsae_${alg.hash}`;
    case 'unsupported':
      return undefined;
  }
}

const HASH_OID: Record<SignatureHashName, string> = { sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };
const HASH_LEN: Record<SignatureHashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** The AlgorithmIdentifier DER for signing a certificate with a TLS signature scheme. */
export function signatureAlgorithmDer(scheme: SignatureSchemeName): Uint8Array {
  switch (scheme) {
    case 'ed25519':
      return derSequence(derOid(OID.ed25519));
    case 'ed448':
      return derSequence(derOid(OID.ed448));
    case 'ecdsa_secp256r1_sha256':
      return derSequence(derOid(OID.ecdsaWithSHA256));
    case 'ecdsa_secp384r1_sha384':
      return derSequence(derOid(OID.ecdsaWithSHA384));
    case 'ecdsa_secp521r1_sha512':
      return derSequence(derOid(OID.ecdsaWithSHA512));
    case 'rsa_pkcs1_sha256':
      return derSequence(derOid(OID.sha256WithRSAEncryption), derNull());
    case 'rsa_pkcs1_sha384':
      return derSequence(derOid(OID.sha384WithRSAEncryption), derNull());
    case 'rsa_pkcs1_sha512':
      return derSequence(derOid(OID.sha512WithRSAEncryption), derNull());
    case 'rsa_pss_rsae_sha256':
    case 'rsa_pss_pss_sha256':
      return pssAlgorithm('sha256');
    case 'rsa_pss_rsae_sha384':
    case 'rsa_pss_pss_sha384':
      return pssAlgorithm('sha384');
    case 'rsa_pss_rsae_sha512':
    case 'rsa_pss_pss_sha512':
      return pssAlgorithm('sha512');
    default:
      throw new Error(`cannot sign a certificate with ${scheme}`);
  }
}

/** RFC 4055 §3.1 RSASSA-PSS-params with hash = MGF1 hash and saltLength = hash length. */
function pssAlgorithm(hash: SignatureHashName): Uint8Array {
  const hashAlg = derSequence(derOid(HASH_OID[hash]), derNull());
  return derSequence(
    derOid(OID.rsassaPss),
    derSequence(derContext(0, hashAlg), derContext(1, derSequence(derOid(OID.mgf1), hashAlg)), derContext(2, derInteger(HASH_LEN[hash]))),
  );
}

/** Signs `data` (a TBSCertificate) as `scheme` says. */
export function signData(scheme: SignatureSchemeName, key: PrivateKey, data: Uint8Array, rand: RandomSource): Uint8Array {
  if (scheme === 'rsa_pkcs1_sha256' || scheme === 'rsa_pkcs1_sha384' || scheme === 'rsa_pkcs1_sha512') {
    if (key.type !== 'rsa') throw new Error(`a ${key.type} key cannot sign with ${scheme}`);
    return signRsaPkcs1(scheme.slice('rsa_pkcs1_'.length) as SignatureHashName, key, data);
  }
  return signNoble(scheme, key, data, rand);
}

/** The scheme a key signs certificates with by default (what `openssl req` would pick). */
export function defaultCertificateScheme(key: PrivateKey | PublicKey): SignatureSchemeName {
  switch (key.type) {
    case 'ed25519':
      return 'ed25519';
    case 'ed448':
      return 'ed448';
    case 'ecdsa':
      return key.curve === 'p256' ? 'ecdsa_secp256r1_sha256' : key.curve === 'p384' ? 'ecdsa_secp384r1_sha384' : 'ecdsa_secp521r1_sha512';
    case 'rsa':
      return key.pss ? 'rsa_pss_pss_sha256' : 'rsa_pkcs1_sha256';
  }
}
