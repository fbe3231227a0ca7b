/**
 * Certificates for the explorer and the property arbitraries, built in-process with
 * `generateKeyPair` / `buildCertificate` from fixed seeds (so every run, and every replay,
 * sees the same bytes). One CA signs every leaf; leaves are made lazily, once per key type.
 */
import {
  buildCertificate,
  generateKeyPair,
  seededRandom,
  type CertifiedKey,
  type KeyType,
  type SignatureSchemeName,
  type X509Certificate,
} from '@tls13sim/handshake';

const NOT_BEFORE = Date.UTC(2020, 0, 1);
const NOT_AFTER = Date.UTC(2099, 0, 1);
/** The certificate validation time every explored endpoint is given. */
export const EXPLORE_VALIDATION_TIME = Date.UTC(2026, 0, 1);
export const EXPLORE_SERVER_NAME = 'server.test';

/** The leaf key type that makes the server sign with `scheme` (RFC 8446 §4.2.3). */
export const KEY_TYPE_FOR_SCHEME = {
  ed25519: 'ed25519',
  ed448: 'ed448',
  ecdsa_secp256r1_sha256: 'p256',
  ecdsa_secp384r1_sha384: 'p384',
  rsa_pss_rsae_sha256: 'rsa',
} as const satisfies Partial<Record<SignatureSchemeName, KeyType>>;

export type ExploredScheme = keyof typeof KEY_TYPE_FOR_SCHEME;

interface Ca {
  readonly cert: X509Certificate;
  readonly key: ReturnType<typeof generateKeyPair>['privateKey'];
}

let ca: Ca | undefined;
const leaves = new Map<string, CertifiedKey>();

function theCa(): Ca {
  if (ca === undefined) {
    const rand = seededRandom('tls13sim-explore-ca');
    const k = generateKeyPair('ed25519', rand);
    const cert = buildCertificate(
      {
        subject: 'CN=tls13sim explorer CA',
        publicKey: k.publicKey,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        isCA: true,
        keyUsage: ['keyCertSign', 'digitalSignature'],
      },
      k.privateKey,
      rand,
    );
    ca = { cert, key: k.privateKey };
  }
  return ca;
}

/** The CA certificate (DER): the trust anchor of both endpoints. */
export function exploreCa(): Uint8Array {
  return theCa().cert.der;
}

/** A leaf for `role` whose key signs with `scheme`, issued by the explorer CA (cached). */
export function exploreLeaf(role: 'server' | 'client', scheme: ExploredScheme): CertifiedKey {
  const id = `${role}/${scheme}`;
  const hit = leaves.get(id);
  if (hit !== undefined) return hit;
  const { cert: caCert, key: caKey } = theCa();
  const rand = seededRandom(`tls13sim-explore-leaf:${id}`);
  const k = generateKeyPair(KEY_TYPE_FOR_SCHEME[scheme], rand);
  const leaf = buildCertificate(
    {
      subject: role === 'server' ? `CN=${EXPLORE_SERVER_NAME}` : 'CN=explorer client',
      issuer: caCert,
      publicKey: k.publicKey,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      ...(role === 'server' ? { dnsNames: [EXPLORE_SERVER_NAME] } : {}),
      extKeyUsage: [role === 'server' ? 'serverAuth' : 'clientAuth'],
    },
    caKey,
    rand,
  );
  const out: CertifiedKey = { chain: [leaf.der], privateKey: k.privateKey };
  leaves.set(id, out);
  return out;
}

const strays = new Map<string, CertifiedKey>();

/**
 * The client leaf for `scheme` with a private key that does not match it (another key of
 * the same type): its CertificateVerify does not verify (RFC 8446 §4.4.3).
 */
export function exploreStrayLeaf(scheme: ExploredScheme): CertifiedKey {
  let hit = strays.get(scheme);
  if (hit === undefined) {
    const stray = generateKeyPair(KEY_TYPE_FOR_SCHEME[scheme], seededRandom(`tls13sim-explore-stray:${scheme}`));
    hit = { chain: exploreLeaf('client', scheme).chain, privateKey: stray.privateKey };
    strays.set(scheme, hit);
  }
  return hit;
}
