import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { NOBLE_SIGNATURE_SCHEMES, certificateVerifyContent, schemesForKey, signNoble, signRsaPkcs1, verifyNoble } from '../src/crypto/signature.js';
import type { EcCurve, PrivateKey, PublicKey } from '../src/crypto/keys.js';
import { seededRandom } from '../src/crypto/random.js';
import type { SignatureSchemeName } from '../src/constants.js';

// --- node keys → our key types, through JWK --------------------------------------------

function b64u(s: string | undefined): Uint8Array {
  if (s === undefined) throw new Error('missing JWK field');
  return new Uint8Array(Buffer.from(s, 'base64url'));
}
function big(s: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(b64u(s)).toString('hex')}`);
}

interface Pair {
  priv: PrivateKey;
  pub: PublicKey;
  nodePriv: nodeCrypto.KeyObject;
  nodePub: nodeCrypto.KeyObject;
}

function fromNode(nodePriv: nodeCrypto.KeyObject, opts: { pss?: boolean } = {}): Pair {
  const jwk = nodePriv.export({ format: 'jwk' });
  const nodePub = nodeCrypto.createPublicKey(nodePriv);
  if (jwk.kty === 'OKP') {
    const type = jwk.crv === 'Ed25519' ? 'ed25519' : 'ed448';
    const pub: PublicKey = { type, raw: b64u(jwk.x) };
    return { priv: { type, seed: b64u(jwk.d), publicKey: pub }, pub, nodePriv, nodePub };
  }
  if (jwk.kty === 'EC') {
    const curve: EcCurve = jwk.crv === 'P-256' ? 'p256' : jwk.crv === 'P-384' ? 'p384' : 'p521';
    const point = new Uint8Array([4, ...b64u(jwk.x), ...b64u(jwk.y)]);
    const pub: PublicKey = { type: 'ecdsa', curve, point };
    return { priv: { type: 'ecdsa', curve, scalar: b64u(jwk.d), publicKey: pub }, pub, nodePriv, nodePub };
  }
  const pss = opts.pss ?? false;
  const pub: PublicKey = { type: 'rsa', n: big(jwk.n), e: big(jwk.e), pss };
  const priv: PrivateKey = { type: 'rsa', n: big(jwk.n), e: big(jwk.e), d: big(jwk.d), p: big(jwk.p), q: big(jwk.q), pss, publicKey: pub };
  return { priv, pub, nodePriv, nodePub };
}

const pairs = {
  ed25519: fromNode(nodeCrypto.generateKeyPairSync('ed25519').privateKey),
  ed448: fromNode(nodeCrypto.generateKeyPairSync('ed448').privateKey),
  p256: fromNode(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  p384: fromNode(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
  p521: fromNode(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey),
  rsa: fromNode(nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
  rsaPss: fromNode(nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { pss: true }),
};

type NodeAlg = { hash: string | null; padding?: number; saltLength?: number; dsaEncoding?: 'der' };
const PSS = nodeCrypto.constants.RSA_PKCS1_PSS_PADDING;
const cases: Array<{ scheme: SignatureSchemeName; pair: Pair; node: NodeAlg }> = [
  { scheme: 'ed25519', pair: pairs.ed25519, node: { hash: null } },
  { scheme: 'ed448', pair: pairs.ed448, node: { hash: null } },
  { scheme: 'ecdsa_secp256r1_sha256', pair: pairs.p256, node: { hash: 'sha256', dsaEncoding: 'der' } },
  { scheme: 'ecdsa_secp384r1_sha384', pair: pairs.p384, node: { hash: 'sha384', dsaEncoding: 'der' } },
  { scheme: 'ecdsa_secp521r1_sha512', pair: pairs.p521, node: { hash: 'sha512', dsaEncoding: 'der' } },
  { scheme: 'rsa_pss_rsae_sha256', pair: pairs.rsa, node: { hash: 'sha256', padding: PSS, saltLength: 32 } },
  { scheme: 'rsa_pss_rsae_sha384', pair: pairs.rsa, node: { hash: 'sha384', padding: PSS, saltLength: 48 } },
  { scheme: 'rsa_pss_rsae_sha512', pair: pairs.rsa, node: { hash: 'sha512', padding: PSS, saltLength: 64 } },
  { scheme: 'rsa_pss_pss_sha256', pair: pairs.rsaPss, node: { hash: 'sha256', padding: PSS, saltLength: 32 } },
  { scheme: 'rsa_pss_pss_sha384', pair: pairs.rsaPss, node: { hash: 'sha384', padding: PSS, saltLength: 48 } },
  { scheme: 'rsa_pss_pss_sha512', pair: pairs.rsaPss, node: { hash: 'sha512', padding: PSS, saltLength: 64 } },
];

function nodeSign(c: (typeof cases)[number], msg: Uint8Array): Uint8Array {
  const { hash, ...rest } = c.node;
  return new Uint8Array(nodeCrypto.sign(hash, msg, { key: c.pair.nodePriv, ...rest }));
}
function nodeVerify(c: (typeof cases)[number], msg: Uint8Array, sig: Uint8Array): boolean {
  const { hash, ...rest } = c.node;
  return nodeCrypto.verify(hash, msg, { key: c.pair.nodePub, ...rest }, sig);
}

const message = certificateVerifyContent('server', new Uint8Array(32).fill(0xab));

describe('signature schemes against node:crypto', () => {
  it('lists every CertificateVerify scheme and no rsa_pkcs1 scheme', () => {
    expect(new Set(NOBLE_SIGNATURE_SCHEMES)).toEqual(new Set(cases.map((c) => c.scheme)));
  });

  for (const c of cases) {
    it(`${c.scheme}: a signature made here verifies in node:crypto`, () => {
      const sig = signNoble(c.scheme, c.pair.priv, message, seededRandom(1));
      expect(nodeVerify(c, message, sig)).toBe(true);
      expect(verifyNoble(c.scheme, c.pair.pub, message, sig)).toBe(true);
    });

    it(`${c.scheme}: a signature made by node:crypto verifies here, and a flipped bit does not`, () => {
      const sig = nodeSign(c, message);
      expect(verifyNoble(c.scheme, c.pair.pub, message, sig)).toBe(true);
      const bad = sig.slice();
      bad[bad.length >> 1]! ^= 0x01;
      expect(verifyNoble(c.scheme, c.pair.pub, message, bad)).toBe(false);
      const otherMsg = message.slice();
      otherMsg[0] = 0x21;
      expect(verifyNoble(c.scheme, c.pair.pub, otherMsg, sig)).toBe(false);
    });
  }

  it('rsa_pkcs1 signatures (certificates only) agree with node:crypto both ways', () => {
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      const scheme = `rsa_pkcs1_${hash}` as SignatureSchemeName;
      const ours = signRsaPkcs1(hash, pairs.rsa.priv as Extract<PrivateKey, { type: 'rsa' }>, message);
      expect(nodeCrypto.verify(hash, message, pairs.rsa.nodePub, ours)).toBe(true);
      // PKCS#1 v1.5 is deterministic: the two signatures are identical.
      expect(Buffer.from(ours).equals(nodeCrypto.sign(hash, message, pairs.rsa.nodePriv))).toBe(true);
      expect(verifyNoble(scheme, pairs.rsa.pub, message, ours)).toBe(true);
    }
  });

  it('accepts a high-S ECDSA signature (OpenSSL emits them), which noble rejects by default', () => {
    // Sign until node produces a high-S signature, then check we still verify it.
    const nHalf = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;
    for (let i = 0; i < 64; i++) {
      const c = cases[2]!;
      const msg = new Uint8Array([i]);
      const sig = nodeSign(c, msg);
      // DER: 30 len 02 rlen r 02 slen s
      const rLen = sig[3]!;
      const sLen = sig[5 + rLen]!;
      const s = BigInt(`0x${Buffer.from(sig.subarray(6 + rLen, 6 + rLen + sLen)).toString('hex')}`);
      if (s > nHalf) {
        expect(verifyNoble('ecdsa_secp256r1_sha256', pairs.p256.pub, msg, sig)).toBe(true);
        return;
      }
    }
    throw new Error('node never produced a high-S signature in 64 tries');
  });

  it('RSA-PSS signing takes its salt from the injected random source', () => {
    const a = signNoble('rsa_pss_rsae_sha256', pairs.rsa.priv, message, seededRandom(7));
    const b = signNoble('rsa_pss_rsae_sha256', pairs.rsa.priv, message, seededRandom(7));
    const c = signNoble('rsa_pss_rsae_sha256', pairs.rsa.priv, message, seededRandom(8));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('refuses to verify with a key of the wrong type for the scheme', () => {
    const rsae = signNoble('rsa_pss_rsae_sha256', pairs.rsa.priv, message, seededRandom(1));
    // Same modulus, but labelled as an id-RSASSA-PSS key: rsae schemes need rsaEncryption (§4.2.3).
    const asPss: PublicKey = { ...(pairs.rsa.pub as Extract<PublicKey, { type: 'rsa' }>), pss: true };
    expect(verifyNoble('rsa_pss_rsae_sha256', asPss, message, rsae)).toBe(false);
    expect(verifyNoble('rsa_pss_pss_sha256', pairs.rsa.pub, message, rsae)).toBe(false);
    const p256sig = signNoble('ecdsa_secp256r1_sha256', pairs.p256.priv, message, seededRandom(1));
    expect(verifyNoble('ecdsa_secp384r1_sha384', pairs.p256.pub, message, p256sig)).toBe(false);
    expect(verifyNoble('ed25519', pairs.p256.pub, message, p256sig)).toBe(false);
  });

  it('refuses to sign with a mismatched key or an rsa_pkcs1 scheme', () => {
    expect(() => signNoble('ed25519', pairs.p256.priv, message, seededRandom(1))).toThrow(/cannot sign/);
    expect(() => signNoble('rsa_pss_pss_sha256', pairs.rsa.priv, message, seededRandom(1))).toThrow(/cannot sign/);
    expect(() => signNoble('rsa_pkcs1_sha256', pairs.rsa.priv, message, seededRandom(1))).toThrow(/certificate signatures only/);
  });

  it('returns false, never throws, for garbage signatures of any length', () => {
    for (const c of cases) {
      for (const len of [0, 1, 8, 64, 72, 114, 255, 256, 257]) {
        const junk = new Uint8Array(len).fill(0xff);
        expect(verifyNoble(c.scheme, c.pair.pub, message, junk)).toBe(false);
      }
    }
    expect(verifyNoble('ecdsa_sha1', pairs.p256.pub, message, new Uint8Array(70))).toBe(false);
  });
});

describe('CertificateVerify signed content (RFC 8446 §4.4.3)', () => {
  it('is 64 spaces, the context string, a zero byte and the transcript hash', () => {
    const hash = new Uint8Array(32).fill(7);
    const server = certificateVerifyContent('server', hash);
    expect(server.length).toBe(64 + 33 + 1 + 32);
    expect(server.subarray(0, 64).every((b) => b === 0x20)).toBe(true);
    expect(Buffer.from(server.subarray(64, 97)).toString('latin1')).toBe('TLS 1.3, server CertificateVerify');
    expect(server[97]).toBe(0);
    expect(Buffer.from(server.subarray(98)).equals(Buffer.from(hash))).toBe(true);
    const client = certificateVerifyContent('client', hash);
    expect(Buffer.from(client.subarray(64, 97)).toString('latin1')).toBe('TLS 1.3, client CertificateVerify');
  });

  it('offers each key only the schemes its type allows', () => {
    expect(schemesForKey(pairs.ed25519.pub)).toEqual(['ed25519']);
    expect(schemesForKey(pairs.p384.pub)).toEqual(['ecdsa_secp384r1_sha384']);
    expect(schemesForKey(pairs.rsa.pub)).toEqual(['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512']);
    expect(schemesForKey(pairs.rsaPss.priv)).toEqual(['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512']);
  });
});

describe('lentCertificateVerifyContent', () => {
  it('is certificateVerifyContent, in one buffer per side and hash length that the next call reuses', async () => {
    const { certificateVerifyContent: fresh, lentCertificateVerifyContent: lent } = await import('../src/crypto/signed-content.js');
    const h1 = new Uint8Array(32).fill(1);
    const h2 = new Uint8Array(32).fill(2);
    const a = lent('server', h1);
    expect(a).toEqual(fresh('server', h1));
    const b = lent('server', h2);
    expect(b).toBe(a);
    expect(b).toEqual(fresh('server', h2));
    // Other side or other hash length: its own buffer, with its own prefix.
    expect(lent('client', h1)).not.toBe(a);
    expect(lent('client', h1)).toEqual(fresh('client', h1));
    expect(lent('server', new Uint8Array(48).fill(3))).toEqual(fresh('server', new Uint8Array(48).fill(3)));
  });
});
