/**
 * PEM (RFC 7468) in and out: certificates and private keys.
 *
 * Reads "CERTIFICATE", "PRIVATE KEY" (PKCS#8, every key type), and the traditional
 * "RSA PRIVATE KEY" (RFC 8017 A.1.2) and "EC PRIVATE KEY" (RFC 5915) forms. Encrypted keys
 * ("ENCRYPTED PRIVATE KEY", or a Proc-Type header) are refused with a clear error.
 * Writes certificates and PKCS#8 keys.
 */
import type { PrivateKey } from '../crypto/keys.js';
import { encodePkcs8, parseEcPrivateKey, parsePkcs8, parseRsaPrivateKey } from './keys-der.js';
import { parseCertificate, type X509Certificate } from './x509.js';

export class PemError extends Error {
  constructor(message: string) {
    super(`bad PEM: ${message}`);
    this.name = 'PemError';
  }
}

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block in `text`, in order; text between blocks is ignored (RFC 7468 §2). */
export function parsePem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, label, body, endLabel] = m as unknown as [string, string, string, string];
    if (label !== endLabel) throw new PemError(`BEGIN ${label} closed by END ${endLabel}`);
    if (/^Proc-Type:/m.test(body)) throw new PemError(`encrypted ${label} is not supported`);
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new PemError(`${label}: invalid base64`);
    out.push({ label, der: base64Decode(b64) });
  }
  return out;
}

/** One PEM block: 64-character lines (RFC 7468 §2). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of every CERTIFICATE block (a chain file: leaf first, as written). */
export function parseCertificatesPem(text: string): Uint8Array[] {
  const certs = parsePem(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
  if (certs.length === 0) throw new PemError('no CERTIFICATE block');
  return certs;
}

/** Parses the first CERTIFICATE block. */
export function parseCertificatePem(text: string): X509Certificate {
  return parseCertificate(parseCertificatesPem(text)[0]!);
}

export function certificateToPem(cert: X509Certificate | Uint8Array): string {
  return toPem('CERTIFICATE', cert instanceof Uint8Array ? cert : cert.der);
}

/** The first private key block in `text`, in any of the forms this module reads. */
export function parsePrivateKeyPem(text: string): PrivateKey {
  for (const block of parsePem(text)) {
    switch (block.label) {
      case 'PRIVATE KEY':
        return parsePkcs8(block.der);
      case 'RSA PRIVATE KEY':
        return parseRsaPrivateKey(block.der, false);
      case 'EC PRIVATE KEY':
        return parseEcPrivateKey(block.der);
      case 'ENCRYPTED PRIVATE KEY':
        throw new PemError('encrypted private keys are not supported (decrypt with `openssl pkey`)');
      default:
        continue;
    }
  }
  throw new PemError('no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block');
}

/** A PKCS#8 "PRIVATE KEY" block, readable by OpenSSL and node:crypto. */
export function privateKeyToPem(key: PrivateKey): string {
  return toPem('PRIVATE KEY', encodePkcs8(key));
}

// Base64 without Buffer, so the PKI works in browsers too.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Encode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < b.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

function base64Decode(s: string): Uint8Array {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s[i + j]!;
      n = (n << 6) | (c === '=' ? 0 : ALPHABET.indexOf(c));
    }
    for (const shift of [16, 8, 0]) if (o < out.length) out[o++] = (n >> shift) & 0xff;
  }
  return out;
}
