// A CA and the server certificate it issued, made in-process: no files, no OpenSSL.
import { buildCertificate, generateKeyPair, seededRandom, type CertifiedKey } from '@tls13sim/handshake';

const random = seededRandom('readme-pki'); // deterministic: the same certificates every run
const validity = { notBefore: Date.UTC(2025, 0, 1), notAfter: Date.UTC(2030, 0, 1) };
const caKey = generateKeyPair('ed25519', random);
const ca = buildCertificate({ subject: 'CN=Example CA', publicKey: caKey.publicKey, ...validity, isCA: true, keyUsage: ['keyCertSign'] }, caKey.privateKey, random);
const serverKey = generateKeyPair('p256', random);
const leaf = buildCertificate(
  { subject: 'CN=server.example', issuer: ca, publicKey: serverKey.publicKey, ...validity, dnsNames: ['server.example'], extKeyUsage: ['serverAuth'] },
  caKey.privateKey,
  random,
);
export const caDer: Uint8Array = ca.der;
export const serverCertificate: CertifiedKey = { chain: [leaf.der], privateKey: serverKey.privateKey };
