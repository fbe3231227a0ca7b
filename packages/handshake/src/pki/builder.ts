/**
 * A certificate builder (RFC 5280 §4.1): self-signed and CA-issued certificates for every
 * key type, so tests and `tls13sim serve` need no external tool.
 *
 * Defaults follow what `openssl req -x509` / a small CA would produce:
 * - serial: 16 random bytes from `rand`, made positive (§4.1.2.2: at most 20 octets);
 * - a CA gets basicConstraints cA=TRUE (critical) and keyUsage keyCertSign|cRLSign|digitalSignature;
 * - a leaf gets basicConstraints cA=FALSE, keyUsage digitalSignature (critical; all TLS 1.3
 *   needs, §4.4.2.2), extKeyUsage serverAuth+clientAuth;
 * - subjectKeyIdentifier (SHA-1 of the key bits, §4.2.1.2 method 1) and, when issued by a
 *   CA certificate, authorityKeyIdentifier;
 * - the signature scheme defaults from the signing key: sha256WithRSAEncryption for an
 *   rsaEncryption key, RSASSA-PSS/SHA-256 for an RSASSA-PSS key, ECDSA with the curve's
 *   hash, Ed25519/Ed448.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import type { SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import type { RandomSource } from '../crypto/random.js';
import { DerReader, contextTag } from './der.js';
import {
  derBitString,
  derBoolean,
  derContext,
  derInteger,
  derNamedBits,
  derOctetString,
  derOid,
  derPrintable,
  derSequence,
  derSet,
  derTime,
  derTlv,
  derUtf8,
} from './der-write.js';
import { encodeSpki, publicKeysEqual } from './keys-der.js';
import { OID, attributeOid } from './oids.js';
import { parseIp } from './hostname.js';
import { defaultCertificateScheme, signData, signatureAlgorithmDer } from './signed-data.js';
import { KEY_USAGE_BITS, parseCertificate, type X509Certificate, type KeyUsage, type Name } from './x509.js';

/**
 * A distinguished name: a bare string without "=" is a CN ("example.com"); otherwise
 * "C=US, O=Example, CN=example.com" (or "/C=US/O=Example/CN=example.com"), in DER order,
 * the order `Name.text` prints; or explicit [type, value] pairs.
 */
export type NameInput = string | readonly (readonly [string, string])[] | Name;

export interface CertificateTemplate {
  readonly subject: NameInput;
  /** The issuing CA's certificate; omit for a self-signed certificate. */
  readonly issuer?: X509Certificate;
  readonly publicKey: PublicKey;
  readonly serial?: bigint | number;
  readonly notBefore: Date | number;
  readonly notAfter: Date | number;
  readonly isCA?: boolean;
  /** basicConstraints pathLenConstraint (CA only). */
  readonly pathLen?: number;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly keyUsage?: readonly KeyUsage[];
  /** 'serverAuth', 'clientAuth', or dotted OIDs; [] for none. */
  readonly extKeyUsage?: readonly string[];
  readonly signatureScheme?: SignatureSchemeName;
}

export function encodeName(input: NameInput): Uint8Array {
  if (typeof input === 'object' && 'der' in input) return (input as Name).der;
  const pairs: (readonly [string, string])[] =
    typeof input === 'string' ? parseNameString(input) : (input as readonly (readonly [string, string])[]).map((p) => p);
  return derSequence(
    ...pairs.map(([type, value]) => {
      const oid = /^\d+(\.\d+)+$/.test(type) ? type : attributeOid(type);
      if (oid === undefined) throw new Error(`unknown name attribute "${type}"`);
      // RFC 5280 §4.1.2.4: countryName and serialNumber are PrintableString; others UTF8String.
      const encoded =
        oid === '2.5.4.6' || oid === '2.5.4.5'
          ? derPrintable(value)
          : oid === '1.2.840.113549.1.9.1'
            ? derTlv(0x16, new TextEncoder().encode(value))
            : derUtf8(value);
      return derSet(derSequence(derOid(oid), encoded));
    }),
  );
}

function parseNameString(s: string): [string, string][] {
  if (!s.includes('=')) return [['CN', s]];
  // Split on unescaped separators ("," or, OpenSSL-style, a leading "/"), then undo RFC 4514 §2.4 escapes.
  const sep = s.startsWith('/') ? '/' : ',';
  const parts: string[] = [];
  let cur = '';
  for (let i = sep === '/' ? 1 : 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) cur += c + s[++i]!;
    else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`bad name component "${p.trim()}"`);
    return [
      p.slice(0, i).trim(),
      p
        .slice(i + 1)
        .trim()
        .replace(/\\(.)/g, '$1'),
    ];
  });
}

function toDate(d: Date | number): Date {
  return d instanceof Date ? d : new Date(d);
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? derSequence(derOid(oid), derBoolean(true), derOctetString(value)) : derSequence(derOid(oid), derOctetString(value));
}

function keyIdentifier(key: PublicKey): Uint8Array {
  const r = new DerReader(encodeSpki(key));
  const spki = r.sequence();
  spki.sequence();
  return sha1(spki.bitStringBytes());
}

const EKU: Record<string, string> = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };

/**
 * Builds and signs a certificate. `signingKey` is the subject's own private key for a
 * self-signed certificate, else the issuer's. Returns the parsed certificate (`.der`).
 */
export function buildCertificate(t: CertificateTemplate, signingKey: PrivateKey, rand: RandomSource): X509Certificate {
  const selfSigned = t.issuer === undefined;
  if (selfSigned && !publicKeysEqual(signingKey.publicKey, t.publicKey)) {
    throw new Error('buildCertificate: a self-signed certificate must be signed by the subject key (or pass `issuer`)');
  }
  if (t.issuer?.publicKey && !publicKeysEqual(signingKey.publicKey, t.issuer.publicKey)) {
    throw new Error("buildCertificate: signingKey does not match the issuer certificate's key");
  }
  const scheme = t.signatureScheme ?? defaultCertificateScheme(signingKey);
  const sigAlg = signatureAlgorithmDer(scheme);
  const subject = encodeName(t.subject);
  const issuer = t.issuer ? t.issuer.subject.der : subject;
  let serial: bigint;
  if (t.serial !== undefined) serial = BigInt(t.serial);
  else {
    const b = rand.bytes(16);
    b[0] = (b[0]! & 0x7f) | 0x01;
    serial = BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`);
  }
  if (serial <= 0n) throw new Error('buildCertificate: serial must be positive (RFC 5280 §4.1.2.2)');

  const isCA = t.isCA ?? false;
  const exts: Uint8Array[] = [];
  const bc = isCA ? [derBoolean(true), ...(t.pathLen !== undefined ? [derInteger(t.pathLen)] : [])] : [];
  exts.push(extension(OID.basicConstraints, true, derSequence(...bc)));
  const ku = t.keyUsage ?? (isCA ? ['digitalSignature', 'keyCertSign', 'cRLSign'] : ['digitalSignature']);
  if (ku.length > 0) exts.push(extension(OID.keyUsage, true, derNamedBits(ku.map((k) => KEY_USAGE_BITS.indexOf(k)))));
  const eku = t.extKeyUsage ?? (isCA ? [] : ['serverAuth', 'clientAuth']);
  if (eku.length > 0) exts.push(extension(OID.extKeyUsage, false, derSequence(...eku.map((e) => derOid(EKU[e] ?? e)))));
  const sans: Uint8Array[] = [];
  for (const dns of t.dnsNames ?? []) sans.push(derTlv(contextTag(2, false), new TextEncoder().encode(dns)));
  for (const ip of t.ipAddresses ?? []) {
    const bytes = parseIp(ip);
    if (bytes === undefined) throw new Error(`buildCertificate: "${ip}" is not an IP address`);
    sans.push(derTlv(contextTag(7, false), bytes));
  }
  // §4.2.1.6: critical when the subject is empty.
  if (sans.length > 0) exts.push(extension(OID.subjectAltName, subject.length === 2, derSequence(...sans)));
  exts.push(extension(OID.subjectKeyIdentifier, false, derOctetString(keyIdentifier(t.publicKey))));
  if (t.issuer?.publicKey) {
    const aki = t.issuer.subjectKeyIdentifier ?? keyIdentifier(t.issuer.publicKey);
    exts.push(extension(OID.authorityKeyIdentifier, false, derSequence(derTlv(contextTag(0, false), aki))));
  }

  const tbs = derSequence(
    derContext(0, derInteger(2)), // v3
    derInteger(serial),
    sigAlg,
    issuer,
    derSequence(derTime(toDate(t.notBefore)), derTime(toDate(t.notAfter))),
    subject,
    encodeSpki(t.publicKey),
    derContext(3, derSequence(...exts)),
  );
  const signature = signData(scheme, signingKey, tbs, rand);
  return parseCertificate(derSequence(tbs, sigAlg, derBitString(signature)));
}
