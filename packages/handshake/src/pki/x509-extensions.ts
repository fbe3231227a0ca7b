/**
 * The X.509 v3 extensions parseCertificate (x509.ts) decodes (RFC 5280 §4.2.1):
 * BasicConstraints, KeyUsage, ExtKeyUsage and SubjectAltName, and the printable form of an
 * iPAddress. x509.ts re-exports the public names.
 */
import { DerError, DerReader, Tag, contextTag, decodeBitString, decodeString, type DerNode } from './der.js';

/** The KeyUsage bits (RFC 5280 §4.2.1.3), in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface SubjectAltName {
  readonly dnsNames: readonly string[];
  /** Printable addresses: dotted IPv4, or RFC 5952 IPv6. */
  readonly ipAddresses: readonly string[];
  /** The raw 4- or 16-byte addresses, in the same order. */
  readonly ipAddressBytes: readonly Uint8Array[];
  readonly emails: readonly string[];
  readonly uris: readonly string[];
}

export function parseBasicConstraints(v: Uint8Array): { ca: boolean; pathLen?: number } {
  const top = new DerReader(v, 'BasicConstraints');
  const seq = top.sequence('BasicConstraints');
  top.end();
  const caNode = seq.optional(Tag.BOOLEAN);
  const ca = caNode ? new DerReader(caNode.raw).boolean('cA') : false;
  const pathLen = seq.atEnd ? undefined : seq.smallInteger('pathLenConstraint');
  seq.end();
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

export function parseKeyUsage(v: Uint8Array): Set<KeyUsage> {
  const top = new DerReader(v, 'KeyUsage');
  const node = top.expect(Tag.BIT_STRING, 'KeyUsage');
  top.end();
  const { unusedBits, bytes } = decodeBitString(node.value, 'KeyUsage');
  const out = new Set<KeyUsage>();
  const nbits = bytes.length * 8 - unusedBits;
  KEY_USAGE_BITS.forEach((name, i) => {
    if (i < nbits && (bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0) out.add(name);
  });
  return out;
}

export function parseExtKeyUsage(v: Uint8Array): string[] {
  const top = new DerReader(v, 'ExtKeyUsageSyntax');
  const seq = top.sequence('ExtKeyUsageSyntax');
  top.end();
  const out: string[] = [];
  while (!seq.atEnd) out.push(seq.oid('KeyPurposeId'));
  if (out.length === 0) throw new DerError('empty ExtKeyUsageSyntax');
  return out;
}

export function parseSubjectAltName(v: Uint8Array): SubjectAltName {
  const top = new DerReader(v, 'SubjectAltName');
  const seq = top.sequence('GeneralNames');
  top.end();
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const ipAddressBytes: Uint8Array[] = [];
  const emails: string[] = [];
  const uris: string[] = [];
  const ia5 = (n: DerNode, what: string) => decodeString({ ...n, tag: Tag.IA5String }, what);
  while (!seq.atEnd) {
    const n = seq.next();
    switch (n.tag) {
      case contextTag(1, false):
        emails.push(ia5(n, 'rfc822Name'));
        break;
      case contextTag(2, false):
        dnsNames.push(ia5(n, 'dNSName'));
        break;
      case contextTag(6, false):
        uris.push(ia5(n, 'uniformResourceIdentifier'));
        break;
      case contextTag(7, false):
        if (n.value.length !== 4 && n.value.length !== 16) throw new DerError(`iPAddress of ${n.value.length} bytes`);
        ipAddressBytes.push(n.value.slice());
        ipAddresses.push(formatIp(n.value));
        break;
      default:
        break; // otherName, x400Address, directoryName, ediPartyName, registeredID: kept only in the raw extension
    }
  }
  return { dnsNames, ipAddresses, ipAddressBytes, emails, uris };
}

export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const h = groups.map((g) => g.toString(16));
  if (bestStart < 0) return h.join(':');
  return `${h.slice(0, bestStart).join(':')}::${h.slice(bestStart + bestLen).join(':')}`;
}
