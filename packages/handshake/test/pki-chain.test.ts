import { describe, expect, it } from 'vitest';
import {
  buildCertificate,
  derBitString,
  derBoolean,
  derContext,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derTime,
  encodeName,
  encodeSpki,
  generateKeyPair,
  parseCertificate,
  signData,
  signatureAlgorithmDer,
  verifyChain,
  type CertificateTemplate,
  type KeyPair,
  type X509Certificate,
} from '../src/pki/index.js';
import { seededRandom } from '../src/crypto/random.js';
import { nobleProvider } from '../src/crypto/noble.js';
import type { CryptoProvider } from '../src/crypto/provider.js';
import type { PrivateKey } from '../src/crypto/keys.js';
import { p256 } from '@noble/curves/nist.js';
import { sha384 } from '@noble/hashes/sha2.js';

const rand = seededRandom('pki-chain');
const NOW = Date.UTC(2030, 5, 15);
const YEAR = 365 * 24 * 3600 * 1000;
const valid = { notBefore: NOW - YEAR, notAfter: NOW + YEAR };

const rootKey = generateKeyPair('p256', rand);
const interKey = generateKeyPair('ed25519', rand);
const leafKey = generateKeyPair('p384', rand);
const otherKey = generateKeyPair('ed25519', rand);

function issue(t: Omit<CertificateTemplate, 'notBefore' | 'notAfter'> & Partial<CertificateTemplate>, signer: KeyPair): X509Certificate {
  return buildCertificate({ ...valid, ...t }, signer.privateKey, rand);
}

const root = issue({ subject: 'O=Chain Test, CN=Root', publicKey: rootKey.publicKey, isCA: true }, rootKey);
const inter = issue({ subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: interKey.publicKey, isCA: true }, rootKey);
const leaf = issue(
  { subject: 'www.example.test', issuer: inter, publicKey: leafKey.publicKey, dnsNames: ['www.example.test', '*.apps.example.test'] },
  interKey,
);
const good = { trustAnchors: [root.der], now: NOW, hostname: 'www.example.test' };

describe('verifyChain: good chains', () => {
  it('accepts leaf + intermediate to a trusted root, and returns the path', () => {
    const r = verifyChain([leaf.der, inter.der], good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.path.map((c) => c.subject.text)).toEqual(['CN=www.example.test', 'O=Chain Test, CN=Intermediate', 'O=Chain Test, CN=Root']);
  });

  it('accepts extra and out-of-order certificates, including the root itself', () => {
    expect(verifyChain([leaf.der, root.der, inter.der], good).ok).toBe(true);
  });

  it('accepts anchors given as parsed certificates and a wildcard name', () => {
    expect(verifyChain([leaf.der, inter.der], { trustAnchors: [root], now: NOW, hostname: 'api.apps.example.test' }).ok).toBe(true);
  });

  it('accepts an intermediate as the anchor (the root need not be known)', () => {
    expect(verifyChain([leaf.der], { ...good, trustAnchors: [inter.der] }).ok).toBe(true);
  });
});

describe('verifyChain: rejections and their kinds (each named after its RFC 8446 §6.2 alert)', () => {
  it('rejects an expired leaf with certificate_expired', () => {
    const old = issue(
      {
        subject: 'www.example.test',
        issuer: inter,
        publicKey: leafKey.publicKey,
        dnsNames: ['www.example.test'],
        notBefore: NOW - 2 * YEAR,
        notAfter: NOW - YEAR,
      },
      interKey,
    );
    expect(verifyChain([old.der, inter.der], good)).toMatchObject({ ok: false, kind: 'certificate_expired', reason: expect.stringMatching(/expired/) });
  });

  it('rejects a not-yet-valid leaf with certificate_expired', () => {
    const future = issue(
      {
        subject: 'www.example.test',
        issuer: inter,
        publicKey: leafKey.publicKey,
        dnsNames: ['www.example.test'],
        notBefore: NOW + YEAR,
        notAfter: NOW + 2 * YEAR,
      },
      interKey,
    );
    expect(verifyChain([future.der, inter.der], good)).toMatchObject({
      ok: false,
      kind: 'certificate_expired',
      reason: expect.stringMatching(/not valid before/),
    });
  });

  it('rejects a chain through an expired intermediate with certificate_expired', () => {
    const oldInter = issue(
      { subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: interKey.publicKey, isCA: true, notBefore: NOW - 3 * YEAR, notAfter: NOW - 1 },
      rootKey,
    );
    expect(verifyChain([leaf.der, oldInter.der], good)).toMatchObject({ ok: false, kind: 'certificate_expired' });
  });

  it('judges validity by the injected clock, not the system clock', () => {
    expect(verifyChain([leaf.der, inter.der], { ...good, now: new Date(NOW + 2 * YEAR) })).toMatchObject({ ok: false, kind: 'certificate_expired' });
    expect(verifyChain([leaf.der, inter.der], { ...good, now: new Date(NOW) }).ok).toBe(true);
  });

  it('rejects a certificate for another host name with bad_certificate', () => {
    for (const hostname of ['example.test', 'evil.test', 'a.b.apps.example.test', 'apps.example.test']) {
      expect(verifyChain([leaf.der, inter.der], { ...good, hostname }), hostname).toMatchObject({
        ok: false,
        kind: 'bad_certificate',
        reason: expect.stringMatching(/not valid for/),
      });
    }
  });

  it('rejects a wrongly-signed leaf (right issuer name, wrong key) with bad_certificate', () => {
    const forged = issue({ subject: 'www.example.test', issuer: inter, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'] }, interKey);
    // Same issuer name, but sign with another key: build a look-alike intermediate for otherKey.
    const lookAlike = issue({ subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: otherKey.publicKey, isCA: true }, rootKey);
    const badLeaf = issue({ subject: 'www.example.test', issuer: lookAlike, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'] }, otherKey);
    expect(verifyChain([forged.der, inter.der], good).ok).toBe(true);
    expect(verifyChain([badLeaf.der, inter.der], good)).toMatchObject({ ok: false, kind: 'bad_certificate', reason: expect.stringMatching(/does not verify/) });
  });

  it('rejects a certificate whose signature bytes were altered with bad_certificate', () => {
    const der = leaf.der.slice();
    der[der.length - 3]! ^= 0x40;
    expect(verifyChain([der, inter.der], good)).toMatchObject({ ok: false, kind: 'bad_certificate' });
  });

  it('rejects a chain to an untrusted root with unknown_ca', () => {
    const otherRoot = issue({ subject: 'CN=Other Root', publicKey: otherKey.publicKey, isCA: true }, otherKey);
    expect(verifyChain([leaf.der, inter.der], { ...good, trustAnchors: [otherRoot.der] })).toMatchObject({ ok: false, kind: 'unknown_ca' });
    expect(verifyChain([leaf.der, inter.der, root.der], { ...good, trustAnchors: [otherRoot.der] })).toMatchObject({ ok: false, kind: 'unknown_ca' });
  });

  it('rejects a chain missing its intermediate with unknown_ca', () => {
    expect(verifyChain([leaf.der], good)).toMatchObject({ ok: false, kind: 'unknown_ca', reason: expect.stringMatching(/Intermediate/) });
  });

  it('rejects an untrusted self-signed certificate with unknown_ca', () => {
    const self = issue({ subject: 'www.example.test', publicKey: leafKey.publicKey, dnsNames: ['www.example.test'] }, leafKey);
    expect(verifyChain([self.der], good)).toMatchObject({ ok: false, kind: 'unknown_ca' });
  });

  it('rejects an issuer that is not a CA with bad_certificate', () => {
    const notCa = issue({ subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: interKey.publicKey, isCA: false }, rootKey);
    expect(verifyChain([leaf.der, notCa.der], good)).toMatchObject({ ok: false, kind: 'bad_certificate', reason: expect.stringMatching(/not a CA/) });
  });

  it('rejects an issuer whose keyUsage lacks keyCertSign with bad_certificate', () => {
    const noSign = issue(
      { subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: interKey.publicKey, isCA: true, keyUsage: ['digitalSignature'] },
      rootKey,
    );
    expect(verifyChain([leaf.der, noSign.der], good)).toMatchObject({ ok: false, kind: 'bad_certificate', reason: expect.stringMatching(/keyCertSign/) });
  });

  it('rejects a path longer than a pathLenConstraint allows with bad_certificate', () => {
    const constrainedRootInter = issue(
      { subject: 'O=Chain Test, CN=Intermediate', issuer: root, publicKey: interKey.publicKey, isCA: true, pathLen: 0 },
      rootKey,
    );
    const sub = issue({ subject: 'CN=Sub CA', issuer: constrainedRootInter, publicKey: otherKey.publicKey, isCA: true }, interKey);
    const deepLeaf = issue({ subject: 'www.example.test', issuer: sub, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'] }, otherKey);
    expect(verifyChain([deepLeaf.der, sub.der, constrainedRootInter.der], good)).toMatchObject({
      ok: false,
      kind: 'bad_certificate',
      reason: expect.stringMatching(/pathLen/),
    });
    // Without the constraint the same shape verifies.
    const sub2 = issue({ subject: 'CN=Sub CA', issuer: inter, publicKey: otherKey.publicKey, isCA: true }, interKey);
    const deepLeaf2 = issue({ subject: 'www.example.test', issuer: sub2, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'] }, otherKey);
    expect(verifyChain([deepLeaf2.der, sub2.der, inter.der], good).ok).toBe(true);
  });

  it('rejects a server-only certificate used for client authentication with unsupported_certificate', () => {
    const serverOnly = issue(
      { subject: 'www.example.test', issuer: inter, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'], extKeyUsage: ['serverAuth'] },
      interKey,
    );
    expect(verifyChain([serverOnly.der, inter.der], { ...good, purpose: 'server' }).ok).toBe(true);
    expect(verifyChain([serverOnly.der, inter.der], { trustAnchors: [root.der], now: NOW, purpose: 'client' })).toMatchObject({
      ok: false,
      kind: 'unsupported_certificate',
    });
  });

  it('rejects a leaf whose keyUsage forbids signing with unsupported_certificate (RFC 8446 §4.4.2.2)', () => {
    const encOnly = issue(
      { subject: 'www.example.test', issuer: inter, publicKey: leafKey.publicKey, dnsNames: ['www.example.test'], keyUsage: ['keyEncipherment'] },
      interKey,
    );
    expect(verifyChain([encOnly.der, inter.der], good)).toMatchObject({ ok: false, kind: 'unsupported_certificate' });
  });

  it('rejects a leaf with an unsupported key type (X25519) with unsupported_certificate', () => {
    const x25519Spki = derSequence(derSequence(derOid('1.3.101.110')), derBitString(new Uint8Array(32).fill(9)));
    const der = craft({ spki: x25519Spki, extensions: [] });
    expect(parseCertificate(der).publicKey).toBeNull();
    expect(verifyChain([der, inter.der], { trustAnchors: [root.der], now: NOW })).toMatchObject({ ok: false, kind: 'unsupported_certificate' });
  });

  it('rejects a certificate with an unknown critical extension with unsupported_certificate, and ignores a non-critical one', () => {
    const ext = (critical: boolean) => derSequence(derOid('1.2.3.4.5'), ...(critical ? [derBoolean(true)] : []), derOctetString(derSequence()));
    expect(verifyChain([craft({ extensions: [ext(false)] }), inter.der], { trustAnchors: [root.der], now: NOW }).ok).toBe(true);
    expect(verifyChain([craft({ extensions: [ext(true)] }), inter.der], { trustAnchors: [root.der], now: NOW })).toMatchObject({
      ok: false,
      kind: 'unsupported_certificate',
    });
  });

  it('rejects malformed DER and an empty chain with bad_certificate', () => {
    expect(verifyChain([leaf.der.subarray(0, 100), inter.der], good)).toMatchObject({
      ok: false,
      kind: 'bad_certificate',
      reason: expect.stringMatching(/bad DER/),
    });
    expect(verifyChain([], good)).toMatchObject({ ok: false, kind: 'bad_certificate' });
  });
});

/** A leaf issued by `inter`, assembled by hand to carry what the builder will not write. */
function craft(opts: { spki?: Uint8Array; extensions: Uint8Array[] }): Uint8Array {
  const alg = signatureAlgorithmDer('ed25519');
  const tbs = derSequence(
    derContext(0, derInteger(2)),
    derInteger(77),
    alg,
    inter.subject.der,
    derSequence(derTime(new Date(valid.notBefore)), derTime(new Date(valid.notAfter))),
    encodeName('crafted.example.test'),
    opts.spki ?? encodeSpki(leafKey.publicKey),
    ...(opts.extensions.length ? [derContext(3, derSequence(...opts.extensions))] : []),
  );
  return derSequence(tbs, alg, derBitString(signData('ed25519', interKey.privateKey, tbs, rand)));
}

describe("verifyChain: signatures through the endpoint's crypto provider", () => {
  /** nobleProvider, noting each verify call's scheme; `answer` overrides its result. */
  const recording = (answer?: boolean): { crypto: CryptoProvider; schemes: string[] } => {
    const schemes: string[] = [];
    const crypto: CryptoProvider = {
      ...nobleProvider,
      verify(scheme, key, message, signature) {
        schemes.push(scheme);
        return answer ?? nobleProvider.verify(scheme, key, message, signature);
      },
    };
    return { crypto, schemes };
  };

  it('verifies each chain signature that is a TLS signature scheme with the provider', () => {
    const { crypto, schemes } = recording();
    expect(verifyChain([leaf.der, inter.der], { ...good, crypto }).ok).toBe(true);
    expect(schemes).toEqual(['ed25519', 'ecdsa_secp256r1_sha256']);
  });

  it('rejects a chain whose signatures the provider does not accept with bad_certificate', () => {
    const { crypto } = recording(false);
    expect(verifyChain([leaf.der, inter.der], { ...good, crypto })).toMatchObject({ ok: false, kind: 'bad_certificate' });
  });

  it("verifies with noble what the provider does not support, and an ECDSA hash that is not the curve's own", () => {
    const edOnly = recording();
    const crypto = { ...edOnly.crypto, supportedSignatureSchemes: ['ed25519'] as const };
    expect(verifyChain([leaf.der, inter.der], { ...good, crypto }).ok).toBe(true);
    expect(edOnly.schemes).toEqual(['ed25519']);

    // A P-256 root signing with ecdsa-with-SHA384: no TLS 1.3 scheme means that (§4.2.3).
    const alg = signatureAlgorithmDer('ecdsa_secp384r1_sha384');
    const tbs = derSequence(
      derContext(0, derInteger(2)),
      derInteger(78),
      alg,
      root.subject.der,
      derSequence(derTime(new Date(valid.notBefore)), derTime(new Date(valid.notAfter))),
      encodeName('mixed.example.test'),
      encodeSpki(otherKey.publicKey),
    );
    const scalar = (rootKey.privateKey as Extract<PrivateKey, { type: 'ecdsa' }>).scalar;
    const mixed = derSequence(tbs, alg, derBitString(p256.sign(sha384(tbs), scalar, { prehash: false, format: 'der' })));
    const all = recording();
    expect(verifyChain([mixed], { trustAnchors: [root.der], now: NOW, crypto: all.crypto }).ok).toBe(true);
    expect(all.schemes).toEqual([]);
  });
});
