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
  parseEcPrivateKey,
  parsePem,
  parsePkcs8,
  parseRsaPrivateKey,
  providerByName,
  publicKeysEqual,
  systemRandom,
  type CertifiedKey,
  type CipherSuiteName,
  type CryptoProvider,
  type KeyType,
  type NamedGroupName,
  type PemBlock,
  type PrivateKey,
  type PublicKey,
  type TlsVersion,
  type X509Certificate,
} from '@tls13sim/handshake';
import type { TlsConnection } from '../net/connection.js';
import { CliError, UsageError, systemErrorText } from './command.js';

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

const VERSION_ALIASES: Readonly<Record<string, TlsVersion>> = {
  '1.2': 'TLSv1.2',
  tls1_2: 'TLSv1.2',
  'tls1.2': 'TLSv1.2',
  'tlsv1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
  tls1_3: 'TLSv1.3',
  'tls1.3': 'TLSv1.3',
  'tlsv1.3': 'TLSv1.3',
};

/** `--versions 1.2,1.3` (also `TLSv1.2`, OpenSSL's `tls1_2`): the versions an endpoint speaks (RFC 8446 §4.2.1). */
export function parseVersions(text: string): TlsVersion[] {
  const versions = splitList(text).map((v) => {
    const name = VERSION_ALIASES[v.toLowerCase()];
    if (name === undefined) throw new UsageError(`unknown TLS version '${v}' (1.2 or 1.3)`);
    return name;
  });
  return [...new Set(versions)];
}

/** `a,b` (this CLI's lists) or OpenSSL's `a:b`. */
export function splitList(text: string): string[] {
  const items = text
    .split(/[,:]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
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

/** A file's bytes; a CliError naming the flag when it cannot be read. */
export function readInput(path: string, flag: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`cannot read ${flag} ${path}: ${systemErrorText(e)}`);
  }
}

/** Names for the key algorithms and curves a user may meet in a key file we refuse. */
const KEY_OID_NAMES: Record<string, string> = {
  '1.3.132.0.10': 'secp256k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.3.132.0.33': 'secp224r1',
  '1.2.840.10045.3.1.1': 'secp192r1',
  '1.3.101.110': 'X25519 (a key-exchange key: it cannot sign)',
  '1.3.101.111': 'X448 (a key-exchange key: it cannot sign)',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'DH (a key-exchange key: it cannot sign)',
  '1.2.156.10197.1.301': 'SM2',
};

/** What a CertificateVerify (RFC 8446 §4.4.3) can be signed with here. */
const SUPPORTED_KEYS = 'RSA, RSA-PSS, ECDSA P-256/P-384/P-521, Ed25519, Ed448';

function unsupportedKeyText(message: string): string {
  const oid = /(\d+(?:\.\d+)+)/.exec(message)?.[1];
  const name = oid !== undefined ? KEY_OID_NAMES[oid] : undefined;
  const what = name !== undefined ? `${name}, OID ${oid}` : message.replace(/^unsupported /, '');
  return `unsupported key type: ${what} (supported: ${SUPPORTED_KEYS})`;
}

/** A key or certificate parser's error, without the class names (`bad DER: …` stays). */
function parseErrorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e.name === 'UnsupportedKeyError') return unsupportedKeyText(e.message);
  if (e.name === 'PemError' || e.name === 'DerError') return e.message;
  throw e;
}

const PEM_BEGIN = '-----BEGIN ';

/** PEM (any text with a BEGIN line) or DER: the file's blocks, or null for DER. */
function pemBlocks(bytes: Uint8Array, path: string, flag: string): PemBlock[] | null {
  const text = new TextDecoder('latin1').decode(bytes);
  if (!text.includes(PEM_BEGIN)) return null;
  try {
    return parsePem(text);
  } catch (e) {
    throw new CliError(`${flag} ${path}: ${parseErrorText(e)}`);
  }
}

/** Mostly printable ASCII: text that is not PEM (a DER file is binary from its first byte). */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  let printable = 0;
  for (const b of head) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return head.length > 0 && printable / head.length > 0.95;
}

const KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'];

/**
 * Certificates from a PEM file (every CERTIFICATE block, leaf first) or a DER file (one
 * certificate), each parsed, so that a bad file is refused now with what is wrong with it.
 */
export function readCertificates(path: string, flag: string): { der: Uint8Array; cert: X509Certificate }[] {
  const bytes = readInput(path, flag);
  if (bytes.length === 0) throw new CliError(`${flag} ${path}: the file is empty (expected a certificate, PEM or DER)`);
  const blocks = pemBlocks(bytes, path, flag);
  let ders: Uint8Array[];
  if (blocks !== null) {
    ders = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
    if (ders.length === 0) {
      const labels = blocks.map((b) => b.label);
      if (labels.some((l) => KEY_LABELS.includes(l))) {
        throw new CliError(`${flag} ${path} holds a private key, not a certificate (are --cert and --key swapped?)`);
      }
      throw new CliError(`${flag} ${path}: no CERTIFICATE block${labels.length > 0 ? ` (found ${labels.join(', ')})` : ''}`);
    }
  } else {
    if (looksLikeText(bytes)) throw new CliError(`${flag} ${path}: not a certificate (neither PEM nor DER)`);
    ders = [bytes];
  }
  return ders.map((der, i) => {
    try {
      return { der, cert: parseCertificate(der) };
    } catch (e) {
      const which = ders.length > 1 ? ` (certificate ${i + 1} of ${ders.length})` : '';
      throw new CliError(`${flag} ${path}: not a valid certificate${which}: ${parseErrorText(e)}`);
    }
  });
}

/** A private key from PEM (PKCS#8, SEC 1 or PKCS#1) or DER (the same three, tried in turn). */
export function readPrivateKey(path: string, flag: string): PrivateKey {
  const bytes = readInput(path, flag);
  if (bytes.length === 0) throw new CliError(`${flag} ${path}: the file is empty (expected a private key, PEM or DER)`);
  const blocks = pemBlocks(bytes, path, flag);
  const fail = (why: string): never => {
    throw new CliError(`${flag} ${path}: ${why}`);
  };
  if (blocks === null) {
    if (looksLikeText(bytes)) fail('not a private key (neither PEM nor DER)');
    let first: unknown;
    for (const parse of [parsePkcs8, (d: Uint8Array) => parseEcPrivateKey(d), (d: Uint8Array) => parseRsaPrivateKey(d, false)]) {
      try {
        return parse(bytes);
      } catch (e) {
        if (e instanceof Error && e.name === 'UnsupportedKeyError') fail(parseErrorText(e));
        first ??= e;
      }
    }
    return fail(`not a DER private key (PKCS#8, SEC 1 or PKCS#1): ${parseErrorText(first)}`);
  }
  for (const b of blocks) {
    try {
      switch (b.label) {
        case 'PRIVATE KEY':
          return parsePkcs8(b.der);
        case 'RSA PRIVATE KEY':
          return parseRsaPrivateKey(b.der, false);
        case 'EC PRIVATE KEY':
          return parseEcPrivateKey(b.der);
        case 'ENCRYPTED PRIVATE KEY':
          return fail(`the private key is encrypted; tls13sim reads unencrypted keys only (decrypt it: openssl pkey -in ${path} -out plain.key)`);
        default:
          continue;
      }
    } catch (e) {
      if (e instanceof CliError) throw e;
      fail(parseErrorText(e));
    }
  }
  const labels = blocks.map((b) => b.label);
  if (labels.includes('CERTIFICATE')) throw new CliError(`${flag} ${path} holds a certificate, not a private key (are --cert and --key swapped?)`);
  return fail(`no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block${labels.length > 0 ? ` (found ${labels.join(', ')})` : ''}`);
}

/** The same key: RSA compared on (n, e) alone (a PKCS#1 file does not say rsaEncryption or PSS). */
function sameKey(a: PublicKey, b: PublicKey): boolean {
  if (a.type === 'rsa' && b.type === 'rsa') return a.n === b.n && a.e === b.e;
  return publicKeysEqual(a, b);
}

/**
 * A certificate chain (leaf first) and its private key, each PEM or DER. Refused now, not at
 * the first handshake, when the leaf's key is one we cannot use or the private key is not
 * the leaf's: a CertificateVerify signed with it would fail at every peer (RFC 8446 §4.4.3).
 */
export function loadCertifiedKey(certPath: string, keyPath: string): CertifiedKey {
  const chain = readCertificates(certPath, '--cert');
  const leaf = chain[0]!.cert;
  const privateKey = readPrivateKey(keyPath, '--key');
  if (leaf.publicKey === null) {
    throw new CliError(`--cert ${certPath}: the certificate's ${unsupportedKeyText(leaf.publicKeyUnsupportedReason ?? leaf.publicKeyAlgorithm)}`);
  }
  if (!sameKey(leaf.publicKey, privateKey.publicKey)) {
    throw new CliError(`--key ${keyPath} does not match the certificate in --cert ${certPath} (${leaf.subject.text}): their public keys differ`);
  }
  return { chain: chain.map((c) => c.der), privateKey };
}

export function loadAnchors(path: string): Uint8Array[] {
  return readCertificates(path, '--ca').map((c) => c.der);
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
    protocol: conn.version ?? '(none)',
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
