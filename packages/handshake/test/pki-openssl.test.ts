import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import {
  encodePkcs8,
  encodeSpki,
  parseCertificatePem,
  parseCertificatesPem,
  parsePrivateKeyPem,
  parsePublicKey,
  publicKeysEqual,
  verifyChain,
  verifySignedData,
} from '../src/pki/index.js';
import { schemesForKey, signNoble } from '../src/crypto/signature.js';
import { seededRandom } from '../src/crypto/random.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/pki/${name}`, import.meta.url), 'utf8');

const SELF_SIGNED = [
  { name: 'rsa', keyType: 'rsa', pss: false, sig: 'rsa_pkcs1' },
  { name: 'rsa-pss', keyType: 'rsa', pss: true, sig: 'rsa_pss' },
  { name: 'p256', keyType: 'ecdsa', curve: 'p256', sig: 'ecdsa' },
  { name: 'p384', keyType: 'ecdsa', curve: 'p384', sig: 'ecdsa' },
  { name: 'ed25519', keyType: 'ed25519', sig: 'ed25519' },
  { name: 'ed448', keyType: 'ed448', sig: 'ed448' },
] as const;

const NOW = Date.now();

describe('certificates made by openssl req -x509', () => {
  for (const f of SELF_SIGNED) {
    describe(f.name, () => {
      const pem = fixture(`${f.name}.cert.pem`);
      const cert = parseCertificatePem(pem);
      const nodeCert = new nodeCrypto.X509Certificate(pem);

      it('parses version, serial, names, validity and key type as OpenSSL wrote them', () => {
        expect(cert.version).toBe(3);
        expect(cert.serial.toString(16).toUpperCase().padStart(nodeCert.serialNumber.length, '0')).toBe(nodeCert.serialNumber);
        expect(cert.subject.text).toBe(`C=US, O=tls13sim fixtures, CN=${f.name}.test`);
        expect(cert.issuer.text).toBe(cert.subject.text);
        expect(cert.notBefore.getTime()).toBe(new Date(nodeCert.validFrom).getTime());
        expect(cert.notAfter.getTime()).toBe(new Date(nodeCert.validTo).getTime());
        expect(cert.publicKey?.type).toBe(f.keyType);
        if (cert.publicKey?.type === 'rsa') expect(cert.publicKey.pss).toBe('pss' in f ? f.pss : false);
        if (cert.publicKey?.type === 'ecdsa') expect(cert.publicKey.curve).toBe('curve' in f ? f.curve : '');
        expect(cert.signatureAlgorithm.kind).toBe(f.sig);
        expect(cert.subjectAltName?.dnsNames).toContain(`${f.name}.test`);
      });

      it('re-encodes its public key to the exact SubjectPublicKeyInfo bytes', () => {
        const spki = nodeCert.publicKey.export({ format: 'der', type: 'spki' });
        expect(Buffer.from(cert.spki).equals(spki)).toBe(true);
        expect(Buffer.from(encodeSpki(cert.publicKey!)).equals(spki)).toBe(true);
      });

      it('has a self-signature that verifies, and fails when the TBS is altered', () => {
        expect(verifySignedData(cert.signatureAlgorithm, cert.publicKey!, cert.tbs, cert.signature)).toBe(true);
        const tampered = cert.tbs.slice();
        tampered[tampered.length - 5]! ^= 1;
        expect(verifySignedData(cert.signatureAlgorithm, cert.publicKey!, tampered, cert.signature)).toBe(false);
        const r = verifyChain([cert.der], { trustAnchors: [cert.der], now: NOW, hostname: `${f.name}.test` });
        expect(r.ok).toBe(true);
      });

      it('has a PKCS#8 key that matches the certificate and signs what node verifies with the certificate', () => {
        const key = parsePrivateKeyPem(fixture(`${f.name}.key.pem`));
        expect(publicKeysEqual(key.publicKey, cert.publicKey!)).toBe(true);
        // Our PKCS#8 encoding is what OpenSSL wrote (modulo the optional EC public key, which we always write).
        const nodeKey = nodeCrypto.createPrivateKey(fixture(`${f.name}.key.pem`));
        const reparsed = nodeCrypto.createPrivateKey({ key: Buffer.from(encodePkcs8(key)), format: 'der', type: 'pkcs8' });
        expect(reparsed.export({ format: 'der', type: 'pkcs8' }).equals(nodeKey.export({ format: 'der', type: 'pkcs8' }))).toBe(true);
        const msg = new TextEncoder().encode(`signed with ${f.name}`);
        for (const scheme of schemesForKey(key)) {
          const sig = signNoble(scheme, key, msg, seededRandom(scheme));
          const hash = scheme.match(/sha(256|384|512)$/)?.[0] ?? null;
          const opts = scheme.startsWith('rsa_pss')
            ? { padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(hash!.slice(3)) / 8 }
            : scheme.startsWith('ecdsa')
              ? { dsaEncoding: 'der' as const }
              : {};
          expect(nodeCrypto.verify(hash, msg, { key: nodeCert.publicKey, ...opts }, sig)).toBe(true);
        }
      });
    });
  }

  it('reads the traditional "RSA PRIVATE KEY" and "EC PRIVATE KEY" forms as the same keys', () => {
    const rsaTrad = parsePrivateKeyPem(fixture('rsa.traditional.key.pem'));
    const rsa8 = parsePrivateKeyPem(fixture('rsa.key.pem'));
    expect(fixture('rsa.traditional.key.pem')).toContain('BEGIN RSA PRIVATE KEY');
    expect(rsaTrad).toEqual(rsa8);
    const ecTrad = parsePrivateKeyPem(fixture('p256.traditional.key.pem'));
    expect(fixture('p256.traditional.key.pem')).toContain('BEGIN EC PRIVATE KEY');
    expect(ecTrad).toEqual(parsePrivateKeyPem(fixture('p256.key.pem')));
  });

  it('parses the RSASSA-PSS parameters OpenSSL chose (SHA-256, MGF1-SHA-256, maximal salt)', () => {
    const cert = parseCertificatePem(fixture('rsa-pss.cert.pem'));
    expect(cert.signatureAlgorithm).toMatchObject({ kind: 'rsa_pss', hash: 'sha256', mgfHash: 'sha256', saltLength: 222 });
  });

  it('verifies an OpenSSL-issued chain (P-384 root, RSA leaf) and rejects it for another name', () => {
    const [leaf] = parseCertificatesPem(fixture('leaf.cert.pem'));
    const [root] = parseCertificatesPem(fixture('ca.cert.pem'));
    const ok = verifyChain([leaf!], { trustAnchors: [root!], now: NOW, hostname: 'leaf.test' });
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.leaf.serial).toBe(4242n);
      expect(ok.path.map((c) => c.subject.text)).toEqual(['CN=leaf.test', 'O=tls13sim fixtures, CN=Fixture Root CA']);
    }
    const wrong = verifyChain([leaf!], { trustAnchors: [root!], now: NOW, hostname: 'other.test' });
    expect(wrong).toMatchObject({ ok: false, kind: 'bad_certificate' });
    const clientUse = verifyChain([leaf!], { trustAnchors: [root!], now: NOW, purpose: 'client' });
    expect(clientUse).toMatchObject({ ok: false, kind: 'unsupported_certificate' });
  });

  it("verifies ECDSA certificate signatures whose hash is not the curve's own (X.509 does not bind them)", () => {
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
      for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
        const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve });
        const tbs = new TextEncoder().encode(`${namedCurve} ${hash}`);
        const sig = nodeCrypto.sign(hash, tbs, privateKey);
        const pub = parsePublicKey(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })));
        const alg = { oid: '', name: '', kind: 'ecdsa', hash } as const;
        expect(verifySignedData(alg, pub, tbs, sig), `${namedCurve} ${hash}`).toBe(true);
        expect(verifySignedData(alg, pub, tbs.subarray(1), sig), `${namedCurve} ${hash}`).toBe(false);
      }
    }
  });

  it('matches the wildcard and IP subjectAltNames OpenSSL wrote', () => {
    const rsa = parseCertificatePem(fixture('rsa.cert.pem'));
    expect(rsa.subjectAltName?.ipAddresses).toEqual(['127.0.0.1']);
    for (const host of ['rsa.test', 'www.rsa.test', 'WWW.RSA.TEST.', '127.0.0.1']) {
      expect(verifyChain([rsa.der], { trustAnchors: [rsa.der], now: NOW, hostname: host }).ok, host).toBe(true);
    }
    for (const host of ['a.b.rsa.test', 'rsa.test.evil', '127.0.0.2', 'test']) {
      expect(verifyChain([rsa.der], { trustAnchors: [rsa.der], now: NOW, hostname: host }).ok, host).toBe(false);
    }
  });
});
