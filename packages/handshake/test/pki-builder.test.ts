import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KEY_TYPES,
  OID,
  buildCertificate,
  certificateToPem,
  encodeSpki,
  generateKeyPair,
  parseCertificatePem,
  parsePrivateKeyPem,
  privateKeyToPem,
  publicKeysEqual,
  verifyChain,
  type KeyPair,
  type KeyType,
} from '../src/pki/index.js';
import { seededRandom } from '../src/crypto/random.js';
import type { SignatureSchemeName } from '../src/constants.js';

const rand = seededRandom('pki-builder');
const keys = new Map<KeyType, KeyPair>(KEY_TYPES.map((t) => [t, generateKeyPair(t, rand)]));
const key = (t: KeyType) => keys.get(t)!;
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2125-01-01T00:00:00Z');
const NOW = Date.now();

const nodePublic = (k: KeyPair) => nodeCrypto.createPublicKey({ key: Buffer.from(encodeSpki(k.publicKey)), format: 'der', type: 'spki' });

function openssl(args: string[]): string {
  // CI installs openssl: a missing binary fails this test loudly rather than skipping it.
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('generateKeyPair', () => {
  it('makes the same key from the same seed and a different one from another seed', () => {
    for (const t of ['ed25519', 'ed448', 'p256', 'p521'] as const) {
      const a = generateKeyPair(t, seededRandom(1));
      const b = generateKeyPair(t, seededRandom(1));
      const c = generateKeyPair(t, seededRandom(2));
      expect(publicKeysEqual(a.publicKey, b.publicKey), t).toBe(true);
      expect(publicKeysEqual(a.publicKey, c.publicKey), t).toBe(false);
    }
  });

  it('makes 2048-bit RSA keys with e = 65537 whose private exponent inverts the public one', () => {
    for (const t of ['rsa', 'rsa-pss'] as const) {
      const k = key(t).privateKey;
      if (k.type !== 'rsa') throw new Error('not rsa');
      expect(k.n.toString(2).length).toBe(2048);
      expect(k.e).toBe(65537n);
      expect(k.p * k.q).toBe(k.n);
      expect(k.pss).toBe(t === 'rsa-pss');
      const m = 0x1234567890abcdefn;
      const modPow = (b: bigint, e: bigint, n: bigint) => {
        let r = 1n;
        for (let x = b % n, y = e; y > 0n; y >>= 1n, x = (x * x) % n) if (y & 1n) r = (r * x) % n;
        return r;
      };
      expect(modPow(modPow(m, k.e, k.n), k.d, k.n)).toBe(m);
    }
  });

  it('writes PKCS#8 PEM keys that node:crypto loads as the same key, and reads them back', () => {
    for (const t of KEY_TYPES) {
      const pem = privateKeyToPem(key(t).privateKey);
      const nodeKey = nodeCrypto.createPrivateKey(pem);
      const nodePub = nodeCrypto.createPublicKey(nodeKey).export({ format: 'der', type: 'spki' });
      expect(nodePub.equals(Buffer.from(encodeSpki(key(t).publicKey))), t).toBe(true);
      expect(parsePrivateKeyPem(pem), t).toEqual(key(t).privateKey);
    }
  });
});

describe('buildCertificate', () => {
  for (const t of KEY_TYPES) {
    it(`makes a self-signed ${t} certificate that node:crypto parses and verifies`, () => {
      const cert = buildCertificate(
        {
          subject: `C=US, O=tls13sim, CN=${t}.example`,
          publicKey: key(t).publicKey,
          notBefore: NOT_BEFORE,
          notAfter: NOT_AFTER,
          dnsNames: [`${t}.example`, `*.${t}.example`],
          ipAddresses: ['192.0.2.1', '2001:db8::1'],
        },
        key(t).privateKey,
        rand,
      );
      const pem = certificateToPem(cert);
      const nodeCert = new nodeCrypto.X509Certificate(pem);
      expect(nodeCert.verify(nodePublic(key(t)))).toBe(true);
      expect(nodeCert.subject.split('\n')).toEqual(['C=US', 'O=tls13sim', `CN=${t}.example`]);
      expect(nodeCert.subjectAltName).toBe(`DNS:${t}.example, DNS:*.${t}.example, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1`);
      expect(nodeCert.ca).toBe(false);
      expect(nodeCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(nodeCert.checkPrivateKey(nodeCrypto.createPrivateKey(privateKeyToPem(key(t).privateKey)))).toBe(true);
      expect(new Date(nodeCert.validFrom).getTime()).toBe(NOT_BEFORE.getTime());
      expect(new Date(nodeCert.validTo).getTime()).toBe(NOT_AFTER.getTime()); // 2125: GeneralizedTime
      // And we read back what we wrote.
      const back = parseCertificatePem(pem);
      expect(back.subjectAltName?.ipAddresses).toEqual(['192.0.2.1', '2001:db8::1']);
      expect(back.extKeyUsage).toEqual([OID.serverAuth, OID.clientAuth]);
      expect(verifyChain([cert.der], { trustAnchors: [cert], now: NOW, hostname: `www.${t}.example` }).ok).toBe(true);
    });
  }

  it('makes a CA that issues leaves of every key type, verified by node:crypto and by openssl verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls13sim-pki-'));
    const ca = buildCertificate(
      { subject: 'O=tls13sim, CN=Test Root', publicKey: key('p384').publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, isCA: true },
      key('p384').privateKey,
      rand,
    );
    writeFileSync(join(dir, 'ca.pem'), certificateToPem(ca));
    const nodeCa = new nodeCrypto.X509Certificate(certificateToPem(ca));
    expect(nodeCa.ca).toBe(true);
    for (const t of KEY_TYPES) {
      const leaf = buildCertificate(
        { subject: `${t}.leaf.example`, issuer: ca, publicKey: key(t).publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, dnsNames: [`${t}.leaf.example`] },
        key('p384').privateKey,
        rand,
      );
      const pem = certificateToPem(leaf);
      const nodeLeaf = new nodeCrypto.X509Certificate(pem);
      expect(nodeLeaf.verify(nodeCa.publicKey), t).toBe(true);
      expect(nodeLeaf.checkIssued(nodeCa), t).toBe(true);
      expect(nodeLeaf.issuer).toBe('O=tls13sim\nCN=Test Root');
      writeFileSync(join(dir, `${t}.pem`), pem);
      expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslserver', join(dir, `${t}.pem`)]).trim()).toBe(`${join(dir, `${t}.pem`)}: OK`);
      expect(verifyChain([leaf.der], { trustAnchors: [ca.der], now: NOW, hostname: `${t}.leaf.example` })).toMatchObject({ ok: true });
    }
  });

  it('signs certificates with each RSA and ECDSA certificate signature scheme it is asked for', () => {
    const schemes: Array<[KeyType, SignatureSchemeName]> = [
      ['rsa', 'rsa_pkcs1_sha256'],
      ['rsa', 'rsa_pkcs1_sha384'],
      ['rsa', 'rsa_pkcs1_sha512'],
      ['rsa', 'rsa_pss_rsae_sha256'],
      ['rsa', 'rsa_pss_rsae_sha512'],
      ['rsa-pss', 'rsa_pss_pss_sha384'],
      ['p256', 'ecdsa_secp256r1_sha256'],
      ['p521', 'ecdsa_secp521r1_sha512'],
    ];
    for (const [t, scheme] of schemes) {
      const cert = buildCertificate(
        { subject: scheme, publicKey: key(t).publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, signatureScheme: scheme },
        key(t).privateKey,
        rand,
      );
      expect(new nodeCrypto.X509Certificate(certificateToPem(cert)).verify(nodePublic(key(t))), scheme).toBe(true);
      expect(verifyChain([cert.der], { trustAnchors: [cert.der], now: NOW }).ok, scheme).toBe(true);
    }
  });

  it('refuses a self-signed certificate signed by a key other than the subject key', () => {
    expect(() =>
      buildCertificate({ subject: 'x', publicKey: key('p256').publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER }, key('ed25519').privateKey, rand),
    ).toThrow(/self-signed/);
  });

  it('makes a certificate openssl prints with the extensions we asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls13sim-pki-'));
    const cert = buildCertificate(
      {
        subject: 'CN=ca.example',
        publicKey: key('ed25519').publicKey,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        isCA: true,
        pathLen: 0,
        serial: 0x1234,
      },
      key('ed25519').privateKey,
      rand,
    );
    writeFileSync(join(dir, 'c.pem'), certificateToPem(cert));
    const text = openssl(['x509', '-in', join(dir, 'c.pem'), '-noout', '-text']);
    expect(text).toContain('Serial Number: 4660 (0x1234)');
    expect(text).toContain('CA:TRUE, pathlen:0');
    expect(text).toContain('Certificate Sign, CRL Sign');
    expect(text).toContain('Signature Algorithm: ED25519');
  });
});
