import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { RFC8448_SERVER_RSA_KEY as KEY, RFC8448_SIMPLE as S } from '../../../test/vectors/rfc8448-pki.js';
import { certificateVerifyContent, signNoble, verifyNoble } from '../src/crypto/signature.js';
import type { PrivateKey } from '../src/crypto/keys.js';
import { seededRandom } from '../src/crypto/random.js';
import { encodeSpki, parseCertificate, verifyChain, verifySignedData } from '../src/pki/index.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const big = (h: string) => BigInt(`0x${h}`);

// Certificate message (§4.4.2): type(1) len(3) context<0..255>=empty(1) list-len(3) cert-len(3) cert …
const certMsg = hex(S.certificate);
const certLen = (certMsg[8]! << 16) | (certMsg[9]! << 8) | certMsg[10]!;
const certDer = certMsg.subarray(11, 11 + certLen);
const cert = parseCertificate(certDer);

// CertificateVerify (§4.4.3): type(1) len(3) algorithm(2) signature<0..2^16-1>
const cvMsg = hex(S.certificateVerify);
const cvScheme = (cvMsg[4]! << 8) | cvMsg[5]!;
const cvSignature = cvMsg.subarray(8);

const transcriptHash = sha256(new Uint8Array([...hex(S.clientHello), ...hex(S.serverHello), ...hex(S.encryptedExtensions), ...certMsg]));

describe('RFC 8448 §3 server certificate and CertificateVerify', () => {
  it('parses the §3 certificate: serial 2, CN=rsa, 2016–2026, a 1024-bit rsaEncryption key', () => {
    expect(certLen).toBe(432);
    expect(cert.version).toBe(3);
    expect(cert.serial).toBe(2n);
    expect(cert.subject.text).toBe('CN=rsa');
    expect(cert.issuer.text).toBe('CN=rsa');
    expect(cert.notBefore.toISOString()).toBe('2016-07-30T01:23:59.000Z');
    expect(cert.notAfter.toISOString()).toBe('2026-07-30T01:23:59.000Z');
    expect(cert.signatureAlgorithm).toMatchObject({ kind: 'rsa_pkcs1', hash: 'sha256' });
    expect(cert.basicConstraints).toEqual({ ca: false });
    expect([...(cert.keyUsage ?? [])].sort()).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(cert.publicKey).toEqual({ type: 'rsa', n: big(KEY.n), e: 65537n, pss: false });
  });

  it('verifies the §3 CertificateVerify (rsa_pss_rsae_sha256) over the transcript through Certificate', () => {
    expect(cvScheme).toBe(0x0804);
    expect(cvSignature.length).toBe(128);
    const content = certificateVerifyContent('server', transcriptHash);
    expect(verifyNoble('rsa_pss_rsae_sha256', cert.publicKey!, content, cvSignature)).toBe(true);
  });

  it('rejects the §3 CertificateVerify under the client context string, another scheme, or a changed transcript', () => {
    const client = certificateVerifyContent('client', transcriptHash);
    expect(verifyNoble('rsa_pss_rsae_sha256', cert.publicKey!, client, cvSignature)).toBe(false);
    const server = certificateVerifyContent('server', transcriptHash);
    expect(verifyNoble('rsa_pss_rsae_sha384', cert.publicKey!, server, cvSignature)).toBe(false);
    expect(verifyNoble('rsa_pss_pss_sha256', cert.publicKey!, server, cvSignature)).toBe(false);
    const otherHash = transcriptHash.slice();
    otherHash[0]! ^= 1;
    expect(verifyNoble('rsa_pss_rsae_sha256', cert.publicKey!, certificateVerifyContent('server', otherHash), cvSignature)).toBe(false);
  });

  it('the §2 private key signs a CertificateVerify that node:crypto verifies with the §3 certificate', () => {
    const n = big(KEY.n);
    const pub = { type: 'rsa', n, e: 65537n, pss: false } as const;
    const priv: PrivateKey = { type: 'rsa', n, e: 65537n, d: big(KEY.d), p: big(KEY.p), q: big(KEY.q), pss: false, publicKey: pub };
    const content = certificateVerifyContent('server', transcriptHash);
    const sig = signNoble('rsa_pss_rsae_sha256', priv, content, seededRandom('rfc8448'));
    const nodeKey = nodeCrypto.createPublicKey({ key: Buffer.from(encodeSpki(cert.publicKey!)), format: 'der', type: 'spki' });
    expect(nodeCrypto.verify('sha256', content, { key: nodeKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(true);
  });

  it('is self-signed: its sha256WithRSAEncryption signature verifies with its own key', () => {
    expect(verifySignedData(cert.signatureAlgorithm, cert.publicKey!, cert.tbs, cert.signature)).toBe(true);
  });

  it('is trusted as its own anchor in 2020, expired after July 2026, and matches no host name (it has no SAN)', () => {
    const in2020 = Date.UTC(2020, 0, 1);
    expect(verifyChain([certDer], { trustAnchors: [certDer], now: in2020 }).ok).toBe(true);
    expect(verifyChain([certDer], { trustAnchors: [certDer], now: Date.UTC(2026, 6, 31) })).toMatchObject({
      ok: false,
      kind: 'certificate_expired',
    });
    // The CN is "rsa" and there is no subjectAltName: we never fall back to the CN.
    expect(verifyChain([certDer], { trustAnchors: [certDer], now: in2020, hostname: 'rsa' })).toMatchObject({
      ok: false,
      kind: 'bad_certificate',
    });
  });
});
