/**
 * What `tls13sim serve` and `tls13sim connect` share: reading PEM files, naming groups and
 * suites (RFC 8446 names, plus OpenSSL's spellings), choosing a crypto provider, making a
 * throwaway self-signed certificate, and describing a connection in words.
 */
import { readFileSync } from 'node:fs';
import {
  CipherSuite,
  NamedGroup,
  buildCertificate,
  generateKeyPair,
  parseCertificate,
  parseCertificatesPem,
  parsePrivateKeyPem,
  providerByName,
  systemRandom,
  type CertifiedKey,
  type CipherSuiteName,
  type CryptoProvider,
  type KeyType,
  type NamedGroupName,
} from '@tls13sim/handshake';
import type { TlsConnection } from '../net/connection.js';
import { UsageError } from './main.js';

/** OpenSSL's (and common) spellings of the §4.2.7 group names. */
const GROUP_ALIASES: Record<string, NamedGroupName> = {
  'p-256': 'secp256r1',
  p256: 'secp256r1',
  prime256v1: 'secp256r1',
  'p-384': 'secp384r1',
  p384: 'secp384r1',
  'p-521': 'secp521r1',
  p521: 'secp521r1',
  x25519mlkem768: 'X25519MLKEM768',
};

export function parseGroups(text: string): NamedGroupName[] {
  return splitList(text).map((g) => {
    const lower = g.toLowerCase();
    const name = GROUP_ALIASES[lower] ?? (Object.keys(NamedGroup) as NamedGroupName[]).find((n) => n.toLowerCase() === lower);
    if (name === undefined) throw new UsageError(`unknown group '${g}' (one of ${Object.keys(NamedGroup).join(', ')})`);
    return name;
  });
}

export function parseSuites(text: string): CipherSuiteName[] {
  return splitList(text).map((s) => {
    const upper = s.toUpperCase();
    const name = (Object.keys(CipherSuite) as CipherSuiteName[]).find((n) => n === upper);
    if (name === undefined) throw new UsageError(`unknown cipher suite '${s}' (one of ${Object.keys(CipherSuite).join(', ')})`);
    return name;
  });
}

/** `a,b` (DESIGN.md) or OpenSSL's `a:b`. */
export function splitList(text: string): string[] {
  const items = text.split(/[,:]/).map((x) => x.trim()).filter((x) => x.length > 0);
  if (items.length === 0) throw new UsageError(`empty list '${text}'`);
  return items;
}

export function cryptoProvider(name: string | undefined): CryptoProvider {
  try {
    return providerByName(name ?? 'noble');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${path}': ${(e as Error).message}`);
  }
}

/** A certificate chain (PEM, leaf first) and its private key (PEM: PKCS#8, SEC 1 or PKCS#1). */
export function loadCertifiedKey(certPath: string, keyPath: string): CertifiedKey {
  const chain = parseCertificatesPem(readText(certPath, 'certificate'));
  if (chain.length === 0) throw new UsageError(`no CERTIFICATE in '${certPath}'`);
  const privateKey = parsePrivateKeyPem(readText(keyPath, 'private key'));
  return { chain, privateKey };
}

export function loadAnchors(path: string): Uint8Array[] {
  const anchors = parseCertificatesPem(readText(path, 'CA file'));
  if (anchors.length === 0) throw new UsageError(`no CERTIFICATE in CA file '${path}'`);
  return anchors;
}

/** A fresh self-signed certificate for `localhost`, 127.0.0.1 and ::1 (valid a day either side of now). */
export function selfSigned(type: KeyType = 'p256', subject = 'localhost'): CertifiedKey {
  const key = generateKeyPair(type, systemRandom);
  const now = Date.now();
  const cert = buildCertificate(
    {
      subject,
      publicKey: key.publicKey,
      notBefore: now - 86_400_000,
      notAfter: now + 86_400_000,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
    },
    key.privateKey,
    systemRandom,
  );
  return { chain: [cert.der], privateKey: key.privateKey };
}

export function subjectOf(der: Uint8Array): string {
  try {
    return parseCertificate(der).subject.text;
  } catch {
    return '(unparsable certificate)';
  }
}

export function fromHexArg(text: string, flag: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new UsageError(`${flag} needs an even number of hex digits`);
  return Uint8Array.from(text.match(/../g)!.map((h) => parseInt(h, 16)));
}

export function parseCount(text: string | undefined, flag: string, dflt: number): number {
  if (text === undefined) return dflt;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a non-negative integer, got '${text}'`);
  return Number(text);
}

/** What was negotiated, as `key: value` lines (both commands print these). */
export function describeConnection(conn: TlsConnection, extra: Record<string, string> = {}): string[] {
  const ep = conn.endpoint;
  const n = conn.negotiated;
  const peer = conn.peerCertificates;
  const lines: Record<string, string> = {
    protocol: 'TLSv1.3',
    state: ep.state,
    'cipher suite': n?.suite.name ?? '(none)',
    group: n?.group ?? '(none)',
    'signature scheme': n?.serverSignatureScheme ?? '(none)',
    ALPN: n?.alpn ?? '(none)',
    SNI: n?.serverName ?? '(none)',
    'hello retry': n === null ? '(unknown)' : n.helloRetry ? 'yes' : 'no',
    resumed: n === null ? '(unknown)' : n.resumed ? 'yes' : 'no',
    [`${ep.role === 'server' ? 'client' : 'server'} certificate`]: peer.length > 0 ? subjectOf(peer[0]!) : '(none)',
    'read epoch': ep.readEpoch,
    'write epoch': ep.writeEpoch,
    ...extra,
  };
  return Object.entries(lines).map(([k, v]) => `${k}: ${v}`);
}
