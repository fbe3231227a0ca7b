/**
 * X.509 v3 certificate parsing (RFC 5280 §4.1, extensions of §4.2.1).
 *
 * `parseCertificate` is strict about structure (a `DerError` for malformed DER, a
 * mismatched inner/outer signature algorithm (§4.1.1.2), duplicate extensions (§4.2))
 * and lenient about content: a key type we do not support leaves `publicKey` null (chain
 * verification answers unsupported_certificate), an unknown signature algorithm is kept
 * as `{ kind: 'unsupported' }`, unknown extensions are kept raw.
 */
import type { PublicKey } from '../crypto/keys.js';
import type { SignatureHashName } from '../crypto/signature.js';
import { DerError, DerReader, Tag, contextTag, decodeString, type DerNode } from './der.js';
import { parseSpki } from './keys-der.js';
import { NAME_ATTRIBUTES, OID } from './oids.js';
import { parseBasicConstraints, parseExtKeyUsage, parseKeyUsage, parseSubjectAltName, type KeyUsage, type SubjectAltName } from './x509-extensions.js';

export { KEY_USAGE_BITS, formatIp, type KeyUsage, type SubjectAltName } from './x509-extensions.js';

export interface NameAttribute {
  readonly oid: string;
  /** OpenSSL's short name (CN, O, …) or the dotted OID. */
  readonly type: string;
  readonly value: string;
}

export interface Name {
  /** RelativeDistinguishedNames in DER order (most general first, usually). */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** The Name's DER, as signed (issuer/subject chaining compares these). */
  readonly der: Uint8Array;
  /** Printable form in DER order, as OpenSSL prints it: "C=US, O=Example, CN=example.com". */
  readonly text: string;
}

export type SignatureAlgorithm = { readonly oid: string; readonly name: string } & (
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'ed448' }
  | { readonly kind: 'ecdsa'; readonly hash: SignatureHashName }
  | { readonly kind: 'rsa_pkcs1'; readonly hash: SignatureHashName }
  | {
      readonly kind: 'rsa_pss';
      readonly hash: SignatureHashName;
      readonly mgfHash: SignatureHashName;
      readonly saltLength: number;
    }
  | { readonly kind: 'unsupported'; readonly reason: string }
);

export interface X509Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

export interface X509Certificate {
  readonly der: Uint8Array;
  /** The signed part (TBSCertificate DER). */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  readonly serial: bigint;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: string;
  /** null when the key type is not supported (see `publicKeyUnsupportedReason`). */
  readonly publicKey: PublicKey | null;
  readonly publicKeyUnsupportedReason?: string;
  readonly extensions: readonly X509Extension[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number };
  readonly keyUsage?: ReadonlySet<KeyUsage>;
  /** Key purpose OIDs; see `OID.serverAuth` / `OID.clientAuth`. */
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltName?: SubjectAltName;
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: Uint8Array;
}

/** Parses one DER certificate. Throws `DerError` (→ bad_certificate) if malformed. */
export function parseCertificate(input: Uint8Array): X509Certificate {
  const der = input.slice();
  const top = new DerReader(der, 'Certificate');
  const cert = top.sequence('Certificate');
  top.end();
  const tbsNode = cert.expect(Tag.SEQUENCE, 'tbsCertificate');
  const outerAlg = cert.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const signature = cert.bitStringBytes('signatureValue');
  cert.end();

  const tbs = new DerReader(tbsNode.value, 'tbsCertificate', tbsNode.offset);
  // version [0] EXPLICIT Version DEFAULT v1
  let version: 1 | 2 | 3 = 1;
  const vNode = tbs.optional(contextTag(0));
  if (vNode !== undefined) {
    const vr = new DerReader(vNode.value, 'version');
    const v = vr.smallInteger('version');
    vr.end();
    if (v !== 1 && v !== 2) throw new DerError(`certificate version ${v}`);
    version = (v + 1) as 2 | 3;
  }
  const serial = tbs.integer('serialNumber');
  const innerAlg = tbs.expect(Tag.SEQUENCE, 'signature');
  // RFC 5280 §4.1.1.2: "This field MUST contain the same algorithm identifier as the
  // signature field in the sequence tbsCertificate."
  if (!bytesEqual(innerAlg.raw, outerAlg.raw)) throw new DerError('signatureAlgorithm differs from tbsCertificate.signature');
  const issuer = parseName(tbs.expect(Tag.SEQUENCE, 'issuer'));
  const validity = tbs.sequence('validity');
  const notBefore = validity.time('notBefore');
  const notAfter = validity.time('notAfter');
  validity.end();
  const subject = parseName(tbs.expect(Tag.SEQUENCE, 'subject'));
  const spkiNode = tbs.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
  const spkiInfo = parseSpki(spkiNode.raw);
  tbs.optional(contextTag(1, false)); // issuerUniqueID
  tbs.optional(contextTag(2, false)); // subjectUniqueID
  const extensions: X509Extension[] = [];
  const extNode = tbs.optional(contextTag(3));
  tbs.end();
  if (extNode !== undefined) {
    if (version !== 3) throw new DerError('extensions in a certificate that is not v3');
    const wrapper = new DerReader(extNode.value, 'extensions');
    const list = wrapper.sequence('Extensions');
    wrapper.end();
    if (list.atEnd) throw new DerError('empty Extensions');
    while (!list.atEnd) {
      const ext = list.sequence('Extension');
      const oid = ext.oid('extnID');
      const criticalNode = ext.optional(Tag.BOOLEAN);
      const critical = criticalNode ? new DerReader(criticalNode.raw).boolean('critical') : false;
      const value = ext.octetString('extnValue');
      ext.end();
      if (extensions.some((e) => e.oid === oid)) throw new DerError(`duplicate extension ${oid}`);
      extensions.push({ oid, critical, value });
    }
  }

  const base = {
    der,
    tbs: tbsNode.raw,
    version,
    serial,
    signatureAlgorithm: parseSignatureAlgorithm(outerAlg),
    signature: signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiNode.raw,
    publicKeyAlgorithm: spkiInfo.algorithm,
    publicKey: spkiInfo.supported ? spkiInfo.publicKey : null,
    extensions,
    ...(spkiInfo.supported ? {} : { publicKeyUnsupportedReason: spkiInfo.reason }),
  };
  const parsed: Record<string, unknown> = {};
  for (const ext of extensions) {
    switch (ext.oid) {
      case OID.basicConstraints:
        parsed['basicConstraints'] = parseBasicConstraints(ext.value);
        break;
      case OID.keyUsage:
        parsed['keyUsage'] = parseKeyUsage(ext.value);
        break;
      case OID.extKeyUsage:
        parsed['extKeyUsage'] = parseExtKeyUsage(ext.value);
        break;
      case OID.subjectAltName:
        parsed['subjectAltName'] = parseSubjectAltName(ext.value);
        break;
      case OID.subjectKeyIdentifier: {
        const r = new DerReader(ext.value, 'SubjectKeyIdentifier');
        parsed['subjectKeyIdentifier'] = r.octetString().slice();
        r.end();
        break;
      }
      case OID.authorityKeyIdentifier: {
        const r = new DerReader(ext.value, 'AuthorityKeyIdentifier');
        const seq = r.sequence('AuthorityKeyIdentifier');
        r.end();
        const kid = seq.optional(contextTag(0, false));
        if (kid) parsed['authorityKeyIdentifier'] = kid.value.slice();
        break;
      }
    }
  }
  return { ...base, ...parsed } as X509Certificate;
}

/** The extension OIDs `parseCertificate` understands (a critical unknown one fails verification, RFC 5280 §4.2). */
export const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
]);

function parseName(node: DerNode): Name {
  const r = new DerReader(node.value, 'Name', node.offset);
  const rdns: NameAttribute[][] = [];
  while (!r.atEnd) {
    const set = r.set('RelativeDistinguishedName');
    const rdn: NameAttribute[] = [];
    while (!set.atEnd) {
      const atv = set.sequence('AttributeTypeAndValue');
      const oid = atv.oid('type');
      const valueNode = atv.next();
      atv.end();
      let value: string;
      try {
        value = decodeString(valueNode, `${NAME_ATTRIBUTES[oid] ?? oid} value`);
      } catch (e) {
        if (!(e instanceof DerError) || isStringTag(valueNode.tag)) throw e;
        value = `#${hex(valueNode.raw)}`; // RFC 4514 §2.4 form for non-string values
      }
      rdn.push({ oid, type: NAME_ATTRIBUTES[oid] ?? oid, value });
    }
    if (rdn.length === 0) throw new DerError('empty RelativeDistinguishedName');
    rdns.push(rdn);
  }
  const text = rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join(' + ')).join(', ');
  return { rdns, der: node.raw.slice(), text };
}

function isStringTag(tag: number): boolean {
  const stringTags: number[] = [Tag.UTF8String, Tag.PrintableString, Tag.IA5String, Tag.T61String, Tag.BMPString, Tag.UniversalString];
  return stringTags.includes(tag);
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

const HASH_BY_OID: Record<string, SignatureHashName> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** AlgorithmIdentifier → what to verify with (RFC 4055, RFC 5758 §3.2, RFC 8410 §6). */
export function parseSignatureAlgorithm(node: DerNode): SignatureAlgorithm {
  const r = new DerReader(node.value, 'AlgorithmIdentifier', node.offset);
  const oid = r.oid('algorithm');
  const params = r.atEnd ? undefined : r.next();
  r.end();
  const noParams = params === undefined;
  const nullParams = params !== undefined && params.tag === Tag.NULL && params.value.length === 0;
  const unsupported = (reason: string): SignatureAlgorithm => ({ oid, name: oid, kind: 'unsupported', reason });
  switch (oid) {
    case OID.ed25519:
    case OID.ed448:
      if (!noParams) throw new DerError('EdDSA signature algorithm parameters must be absent');
      return oid === OID.ed25519 ? { oid, name: 'Ed25519', kind: 'ed25519' } : { oid, name: 'Ed448', kind: 'ed448' };
    case OID.ecdsaWithSHA256:
    case OID.ecdsaWithSHA384:
    case OID.ecdsaWithSHA512: {
      // RFC 5758 §3.2: "the encoding MUST omit the parameters field".
      if (!noParams) throw new DerError('ECDSA signature algorithm parameters must be absent');
      const hash: SignatureHashName = oid === OID.ecdsaWithSHA256 ? 'sha256' : oid === OID.ecdsaWithSHA384 ? 'sha384' : 'sha512';
      return { oid, name: `ecdsa-with-${hash.toUpperCase()}`, kind: 'ecdsa', hash };
    }
    case OID.sha256WithRSAEncryption:
    case OID.sha384WithRSAEncryption:
    case OID.sha512WithRSAEncryption: {
      // RFC 4055 §5: parameters NULL (absent tolerated, as most verifiers do).
      if (!noParams && !nullParams) throw new DerError('PKCS#1 signature algorithm parameters must be NULL');
      const hash: SignatureHashName = oid === OID.sha256WithRSAEncryption ? 'sha256' : oid === OID.sha384WithRSAEncryption ? 'sha384' : 'sha512';
      return { oid, name: `${hash}WithRSAEncryption`, kind: 'rsa_pkcs1', hash };
    }
    case OID.rsassaPss: {
      if (params === undefined || params.tag !== Tag.SEQUENCE) throw new DerError('RSASSA-PSS signature without parameters');
      const p = parsePssParams(params);
      if (typeof p === 'string') return unsupported(p);
      return { oid, name: `RSASSA-PSS(${p.hash})`, kind: 'rsa_pss', ...p };
    }
    default:
      return unsupported(`unsupported signature algorithm ${oid}`);
  }
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params. Defaults (SHA-1, MGF1-SHA-1) are not supported.
 * Returns a reason string for an unsupported combination.
 */
function parsePssParams(node: DerNode): { hash: SignatureHashName; mgfHash: SignatureHashName; saltLength: number } | string {
  const r = new DerReader(node.value, 'RSASSA-PSS-params', node.offset);
  const hashNode = r.optional(contextTag(0));
  const mgfNode = r.optional(contextTag(1));
  const saltNode = r.optional(contextTag(2));
  const trailerNode = r.optional(contextTag(3));
  r.end();
  if (hashNode === undefined || mgfNode === undefined) return 'RSASSA-PSS with SHA-1 is not supported';
  const hashAlg = new DerReader(hashNode.value, 'hashAlgorithm');
  const hashOid = readHashAlgorithm(hashAlg.sequence('hashAlgorithm'));
  hashAlg.end();
  const mgfR = new DerReader(mgfNode.value, 'maskGenAlgorithm');
  const mgf = mgfR.sequence('maskGenAlgorithm');
  mgfR.end();
  if (mgf.oid('mgf') !== OID.mgf1) return 'RSASSA-PSS with a mask generation function other than MGF1';
  const mgfHashOid = readHashAlgorithm(mgf.sequence('MGF1 hash'));
  mgf.end();
  let saltLength = 20;
  if (saltNode !== undefined) {
    const sr = new DerReader(saltNode.value, 'saltLength');
    saltLength = sr.smallInteger('saltLength');
    sr.end();
  }
  if (trailerNode !== undefined) {
    const tr = new DerReader(trailerNode.value, 'trailerField');
    if (tr.smallInteger('trailerField') !== 1) throw new DerError('RSASSA-PSS trailerField must be 1');
    tr.end();
  }
  const hash = HASH_BY_OID[hashOid];
  const mgfHash = HASH_BY_OID[mgfHashOid];
  if (hash === undefined || mgfHash === undefined) return `RSASSA-PSS with hash ${hashOid} / MGF1 ${mgfHashOid}`;
  return { hash, mgfHash, saltLength };
}

function readHashAlgorithm(r: DerReader): string {
  const oid = r.oid('hash algorithm');
  if (!r.atEnd) r.null('hash parameters');
  r.end();
  return oid;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
