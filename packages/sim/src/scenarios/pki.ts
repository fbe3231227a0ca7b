/**
 * Certificates for the scenarios, made in-process and deterministically from the scenario
 * seed (cached per seed): a CA, a server certificate for `server.test`, a client
 * certificate, and a stray key that matches no certificate (to make a CertificateVerify
 * the server cannot verify, RFC 8446 §4.4.3).
 */
import { buildCertificate, generateKeyPair, seededRandom, type CertifiedKey, type PrivateKey } from '@tls13sim/handshake';

export const SERVER_NAME = 'server.test';
/** Certificate validity is checked at this fixed instant (never the wall clock). */
export const VALIDATION_TIME = Date.UTC(2026, 0, 1);
const NOT_BEFORE = Date.UTC(2020, 0, 1);
const NOT_AFTER = Date.UTC(2099, 0, 1);

export interface ScenarioPki {
  /** The CA certificate (DER): both sides' trust anchor. */
  readonly ca: Uint8Array;
  readonly server: CertifiedKey;
  readonly client: CertifiedKey;
  /** A key that matches neither certificate. */
  readonly strayKey: PrivateKey;
}

const cache = new Map<number, ScenarioPki>();

export function scenarioPki(seed: number): ScenarioPki {
  const hit = cache.get(seed);
  if (hit !== undefined) return hit;
  const rand = seededRandom(`tls13sim-scenario-pki:${seed}`);
  const caKey = generateKeyPair('ed25519', rand);
  const ca = buildCertificate(
    {
      subject: 'CN=tls13sim Scenario CA',
      publicKey: caKey.publicKey,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      isCA: true,
      keyUsage: ['keyCertSign', 'digitalSignature'],
    },
    caKey.privateKey,
    rand,
  );
  const serverKey = generateKeyPair('ed25519', rand);
  const serverCert = buildCertificate(
    {
      subject: `CN=${SERVER_NAME}`,
      issuer: ca,
      publicKey: serverKey.publicKey,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      dnsNames: [SERVER_NAME],
      extKeyUsage: ['serverAuth'],
    },
    caKey.privateKey,
    rand,
  );
  const clientKey = generateKeyPair('ed25519', rand);
  const clientCert = buildCertificate(
    { subject: 'CN=client', issuer: ca, publicKey: clientKey.publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, extKeyUsage: ['clientAuth'] },
    caKey.privateKey,
    rand,
  );
  const stray = generateKeyPair('ed25519', rand);
  const pki: ScenarioPki = {
    ca: ca.der,
    server: { chain: [serverCert.der], privateKey: serverKey.privateKey },
    client: { chain: [clientCert.der], privateKey: clientKey.privateKey },
    strayKey: stray.privateKey,
  };
  cache.set(seed, pki);
  return pki;
}
