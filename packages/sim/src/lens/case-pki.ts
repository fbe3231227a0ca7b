/**
 * The simulated differential cases' PKI (seeded): a CA the server trusts, one it does not,
 * and a client certificate from each. Every key is ECDSA P-256, as in the real runs' PKI
 * (test/differential/server.ts): Go's error for a signature that does not verify names the
 * key's algorithm (goBadSignature), so the simulated case words it as the real run does.
 */
import { buildCertificate, generateKeyPair, seededRandom, type CertifiedKey } from '@tls13sim/handshake';

const NOT_BEFORE = Date.UTC(2020, 0, 1);
const NOT_AFTER = Date.UTC(2099, 0, 1);
export const VALIDATION_TIME = Date.UTC(2026, 0, 1);

interface CasePki {
  readonly ca: Uint8Array;
  readonly server: CertifiedKey;
  readonly client: CertifiedKey;
  readonly untrusted: CertifiedKey;
  /** The CA of `untrusted`: a trust anchor that issued no server certificate. */
  readonly otherCa: Uint8Array;
}

const pkiCache = new Map<number, CasePki>();

/** A CA the server trusts, one it does not, and a client certificate from each (seeded). */
export function casePki(seed: number): CasePki {
  const hit = pkiCache.get(seed);
  if (hit !== undefined) return hit;
  const rand = seededRandom(`tls13sim-diff-pki:${seed}`);
  const makeCa = (subject: string) => {
    const key = generateKeyPair('p256', rand);
    const cert = buildCertificate(
      { subject, publicKey: key.publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, isCA: true, keyUsage: ['keyCertSign', 'digitalSignature'] },
      key.privateKey,
      rand,
    );
    return { key, cert };
  };
  const leaf = (issuer: ReturnType<typeof makeCa>, subject: string, client: boolean): CertifiedKey => {
    const key = generateKeyPair('p256', rand);
    const cert = buildCertificate(
      {
        subject,
        issuer: issuer.cert,
        publicKey: key.publicKey,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        ...(client ? { extKeyUsage: ['clientAuth' as const] } : { dnsNames: ['localhost'], extKeyUsage: ['serverAuth' as const] }),
      },
      issuer.key.privateKey,
      rand,
    );
    return { chain: [cert.der, issuer.cert.der], privateKey: key.privateKey };
  };
  const ca = makeCa('CN=tls13sim differential CA');
  const other = makeCa('CN=untrusted CA');
  const pki = {
    ca: ca.cert.der,
    server: leaf(ca, 'CN=localhost', false),
    client: leaf(ca, 'CN=client', true),
    untrusted: leaf(other, 'CN=stranger', true),
    otherCa: other.cert.der,
  };
  pkiCache.set(seed, pki);
  return pki;
}
