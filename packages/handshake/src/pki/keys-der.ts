/**
 * Keys in and out of DER: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and private keys
 * (PKCS#8 / RFC 5958, plus the traditional RSAPrivateKey of RFC 8017 Appendix A.1.2 and
 * ECPrivateKey of RFC 5915).
 *
 * Key algorithms: rsaEncryption and id-RSASSA-PSS (RFC 8017, RFC 4055 §1.2; the PSS
 * key's optional parameter restrictions are accepted and not enforced), id-ecPublicKey
 * with P-256/P-384/P-521 named curves (RFC 5480 §2.1.1; points are validated and kept
 * uncompressed), Ed25519 and Ed448 (RFC 8410 §4, §7).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { EcCurve, PrivateKey, PublicKey } from '../crypto/keys.js';
import { modInverse } from '../crypto/signature.js';
import { DerError, DerReader, Tag, contextTag } from './der.js';
import { derBitString, derContext, derInteger, derNull, derOctetString, derOid, derSequence } from './der-write.js';
import { CURVE_OID, OID, curveForOid } from './oids.js';

const CURVES = { p256, p384, p521 } as const;
const SCALAR_LENGTH: Record<EcCurve, number> = { p256: 32, p384: 48, p521: 66 };

export class UnsupportedKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedKeyError';
  }
}

/** What a SubjectPublicKeyInfo holds: a key we support, or the algorithm we do not. */
export type SpkiResult =
  | { readonly supported: true; readonly algorithm: string; readonly publicKey: PublicKey }
  | { readonly supported: false; readonly algorithm: string; readonly reason: string };

// ---------------------------------------------------------------------------------------
// Public keys

/** Parses a SubjectPublicKeyInfo. Malformed → DerError; unknown algorithm → supported: false. */
export function parseSpki(spki: Uint8Array): SpkiResult {
  const top = new DerReader(spki, 'SubjectPublicKeyInfo');
  const seq = top.sequence('SubjectPublicKeyInfo');
  top.end();
  const alg = seq.sequence('AlgorithmIdentifier');
  const algorithm = alg.oid('algorithm');
  const params = alg.atEnd ? undefined : alg.next();
  alg.end();
  const keyBits = seq.bitStringBytes('subjectPublicKey');
  seq.end();

  switch (algorithm) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const pss = algorithm === OID.rsassaPss;
      // RFC 8017 A.1: rsaEncryption parameters MUST be NULL. RFC 4055 §1.2: id-RSASSA-PSS
      // parameters are absent or RSASSA-PSS-params.
      if (!pss && (params === undefined || params.tag !== Tag.NULL || params.value.length !== 0)) {
        throw new DerError('rsaEncryption parameters must be NULL');
      }
      if (pss && params !== undefined && params.tag !== Tag.SEQUENCE) throw new DerError('bad RSASSA-PSS-params');
      const { n, e } = parseRsaPublicKey(keyBits);
      return { supported: true, algorithm, publicKey: { type: 'rsa', n, e, pss } };
    }
    case OID.ecPublicKey: {
      // RFC 5480 §2.1.1: namedCurve only.
      if (params === undefined || params.tag !== Tag.OID) throw new DerError('id-ecPublicKey needs a namedCurve OID');
      const curveOid = new DerReader(params.raw).oid('namedCurve');
      const curve = curveForOid(curveOid);
      if (curve === undefined) return { supported: false, algorithm, reason: `unsupported elliptic curve ${curveOid}` };
      return { supported: true, algorithm, publicKey: { type: 'ecdsa', curve, point: normalisePoint(curve, keyBits) } };
    }
    case OID.ed25519:
    case OID.ed448: {
      // RFC 8410 §3: "the parameters MUST be absent".
      if (params !== undefined) throw new DerError('EdDSA AlgorithmIdentifier parameters must be absent');
      const type = algorithm === OID.ed25519 ? 'ed25519' : 'ed448';
      const expected = type === 'ed25519' ? 32 : 57;
      if (keyBits.length !== expected) throw new DerError(`${type} public key of ${keyBits.length} bytes`);
      return { supported: true, algorithm, publicKey: { type, raw: keyBits.slice() } };
    }
    default:
      return { supported: false, algorithm, reason: `unsupported public key algorithm ${algorithm}` };
  }
}

/** Parses a SubjectPublicKeyInfo, throwing `UnsupportedKeyError` for unknown key types. */
export function parsePublicKey(spki: Uint8Array): PublicKey {
  const r = parseSpki(spki);
  if (!r.supported) throw new UnsupportedKeyError(r.reason);
  return r.publicKey;
}

function parseRsaPublicKey(bytes: Uint8Array): { n: bigint; e: bigint } {
  // RFC 8017 A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
  const top = new DerReader(bytes, 'RSAPublicKey');
  const seq = top.sequence('RSAPublicKey');
  top.end();
  const n = seq.integer('modulus');
  const e = seq.integer('publicExponent');
  seq.end();
  if (n <= 0n || e <= 1n || (n & 1n) === 0n) throw new DerError('RSA public key out of range');
  return { n, e };
}

function normalisePoint(curve: EcCurve, bytes: Uint8Array): Uint8Array {
  try {
    return CURVES[curve].Point.fromBytes(bytes).toBytes(false);
  } catch {
    throw new DerError(`invalid ${curve} point`);
  }
}

/** The SubjectPublicKeyInfo DER of `key`. */
export function encodeSpki(key: PublicKey): Uint8Array {
  switch (key.type) {
    case 'rsa':
      return derSequence(
        key.pss ? derSequence(derOid(OID.rsassaPss)) : derSequence(derOid(OID.rsaEncryption), derNull()),
        derBitString(derSequence(derInteger(key.n), derInteger(key.e))),
      );
    case 'ecdsa':
      return derSequence(derSequence(derOid(OID.ecPublicKey), derOid(CURVE_OID[key.curve])), derBitString(key.point));
    case 'ed25519':
      return derSequence(derSequence(derOid(OID.ed25519)), derBitString(key.raw));
    case 'ed448':
      return derSequence(derSequence(derOid(OID.ed448)), derBitString(key.raw));
  }
}

export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  const ea = encodeSpki(a);
  const eb = encodeSpki(b);
  return ea.length === eb.length && ea.every((x, i) => x === eb[i]);
}

// ---------------------------------------------------------------------------------------
// Private keys

/** RFC 5958 OneAsymmetricKey (PKCS#8 PrivateKeyInfo, v1 or v2). */
export function parsePkcs8(der: Uint8Array): PrivateKey {
  const top = new DerReader(der, 'PrivateKeyInfo');
  const seq = top.sequence('PrivateKeyInfo');
  top.end();
  const version = seq.smallInteger('version');
  if (version !== 0 && version !== 1) throw new DerError(`PrivateKeyInfo version ${version}`);
  const alg = seq.sequence('privateKeyAlgorithm');
  const algorithm = alg.oid('algorithm');
  const params = alg.atEnd ? undefined : alg.next();
  alg.end();
  const privateKey = seq.octetString('privateKey');
  seq.optional(contextTag(0)); // attributes
  seq.optional(contextTag(1, false)); // publicKey (v2)
  seq.end();

  switch (algorithm) {
    case OID.rsaEncryption:
      return parseRsaPrivateKey(privateKey, false);
    case OID.rsassaPss:
      return parseRsaPrivateKey(privateKey, true);
    case OID.ecPublicKey: {
      if (params === undefined || params.tag !== Tag.OID) throw new DerError('EC private key needs a namedCurve');
      const curveOid = new DerReader(params.raw).oid('namedCurve');
      const curve = curveForOid(curveOid);
      if (curve === undefined) throw new UnsupportedKeyError(`unsupported elliptic curve ${curveOid}`);
      return parseEcPrivateKey(privateKey, curve);
    }
    case OID.ed25519:
    case OID.ed448: {
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING inside the privateKey OCTET STRING.
      const type = algorithm === OID.ed25519 ? 'ed25519' : 'ed448';
      const r = new DerReader(privateKey, 'CurvePrivateKey');
      const seed = r.octetString('CurvePrivateKey').slice();
      r.end();
      return edPrivateKey(type, seed);
    }
    default:
      throw new UnsupportedKeyError(`unsupported private key algorithm ${algorithm}`);
  }
}

export function edPrivateKey(type: 'ed25519' | 'ed448', seed: Uint8Array): PrivateKey {
  const expected = type === 'ed25519' ? 32 : 57;
  if (seed.length !== expected) throw new DerError(`${type} private key of ${seed.length} bytes`);
  const raw = (type === 'ed25519' ? ed25519 : ed448).getPublicKey(seed);
  return { type, seed, publicKey: { type, raw } };
}

/** RFC 8017 A.1.2 RSAPrivateKey (two-prime only). */
export function parseRsaPrivateKey(der: Uint8Array, pss = false): PrivateKey {
  const top = new DerReader(der, 'RSAPrivateKey');
  const seq = top.sequence('RSAPrivateKey');
  top.end();
  const version = seq.smallInteger('version');
  if (version !== 0) throw new UnsupportedKeyError('multi-prime RSA keys are not supported');
  const [n, e, d, p, q] = ['modulus', 'publicExponent', 'privateExponent', 'prime1', 'prime2'].map((w) => seq.integer(w)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  for (const w of ['exponent1', 'exponent2', 'coefficient']) seq.integer(w);
  seq.end();
  if (p * q !== n) throw new DerError('RSA private key: p·q ≠ n');
  return { type: 'rsa', n, e, d, p, q, pss, publicKey: { type: 'rsa', n, e, pss } };
}

/** RFC 5915 ECPrivateKey; `curve` from the PKCS#8 wrapper or the key's own [0] parameters. */
export function parseEcPrivateKey(der: Uint8Array, curve?: EcCurve): PrivateKey {
  const top = new DerReader(der, 'ECPrivateKey');
  const seq = top.sequence('ECPrivateKey');
  top.end();
  if (seq.smallInteger('version') !== 1) throw new DerError('ECPrivateKey version must be 1');
  const raw = seq.octetString('privateKey');
  const paramsNode = seq.optional(contextTag(0));
  seq.optional(contextTag(1));
  seq.end();
  let c = curve;
  if (paramsNode !== undefined) {
    const r = new DerReader(paramsNode.value, 'ECParameters');
    const oid = r.oid('namedCurve');
    r.end();
    const own = curveForOid(oid);
    if (own === undefined) throw new UnsupportedKeyError(`unsupported elliptic curve ${oid}`);
    if (c !== undefined && own !== c) throw new DerError('ECPrivateKey curve differs from its PKCS#8 algorithm');
    c = own;
  }
  if (c === undefined) throw new DerError('ECPrivateKey without a named curve');
  return ecPrivateKey(c, raw);
}

export function ecPrivateKey(curve: EcCurve, rawScalar: Uint8Array): PrivateKey {
  const len = SCALAR_LENGTH[curve];
  if (rawScalar.length > len) throw new DerError(`${curve} private key of ${rawScalar.length} bytes`);
  const scalar = new Uint8Array(len);
  scalar.set(rawScalar, len - rawScalar.length);
  let point: Uint8Array;
  try {
    point = CURVES[curve].getPublicKey(scalar, false);
  } catch {
    throw new DerError(`${curve} private key out of range`);
  }
  return { type: 'ecdsa', curve, scalar, publicKey: { type: 'ecdsa', curve, point } };
}

function rsaPrivateKeyDer(key: Extract<PrivateKey, { type: 'rsa' }>): Uint8Array {
  const { n, e, d, p, q } = key;
  return derSequence(
    derInteger(0),
    derInteger(n),
    derInteger(e),
    derInteger(d),
    derInteger(p),
    derInteger(q),
    derInteger(d % (p - 1n)),
    derInteger(d % (q - 1n)),
    derInteger(modInverse(q, p)),
  );
}

/** PKCS#8 PrivateKeyInfo (v1) for any key type. */
export function encodePkcs8(key: PrivateKey): Uint8Array {
  const wrap = (alg: Uint8Array, inner: Uint8Array) => derSequence(derInteger(0), alg, derOctetString(inner));
  switch (key.type) {
    case 'rsa':
      return wrap(key.pss ? derSequence(derOid(OID.rsassaPss)) : derSequence(derOid(OID.rsaEncryption), derNull()), rsaPrivateKeyDer(key));
    case 'ecdsa': {
      const point = key.publicKey.type === 'ecdsa' ? key.publicKey.point : CURVES[key.curve].getPublicKey(key.scalar, false);
      return wrap(
        derSequence(derOid(OID.ecPublicKey), derOid(CURVE_OID[key.curve])),
        derSequence(derInteger(1), derOctetString(key.scalar), derContext(1, derBitString(point))),
      );
    }
    case 'ed25519':
      return wrap(derSequence(derOid(OID.ed25519)), derOctetString(key.seed));
    case 'ed448':
      return wrap(derSequence(derOid(OID.ed448)), derOctetString(key.seed));
  }
}

/** The traditional RSAPrivateKey ("RSA PRIVATE KEY") of an rsaEncryption key. */
export function encodeRsaPrivateKey(key: Extract<PrivateKey, { type: 'rsa' }>): Uint8Array {
  return rsaPrivateKeyDer(key);
}
