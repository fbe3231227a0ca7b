/**
 * Certificate path validation to trust anchors (a practical subset of RFC 5280 §6.1), with
 * an injected clock. Each failure is an error kind named after the RFC 8446 §6.2 alert it
 * maps to (endpoint/errors.ts `alertFor`):
 *
 * | failure                                                    | kind                    |
 * |------------------------------------------------------------|-------------------------|
 * | malformed certificate, empty chain                         | bad_certificate         |
 * | signature does not verify; issuer is not a CA (§4.2.1.9);  | bad_certificate         |
 * |   issuer lacks keyCertSign (§4.2.1.3); path too long       |                         |
 * | host name not in subjectAltName (see hostname.ts)          | bad_certificate         |
 * | now outside notBefore..notAfter (§4.1.2.5), any cert       | certificate_expired     |
 * | no issuer found among the chain and the anchors            | unknown_ca              |
 * | key type or signature algorithm we cannot use; unknown     | unsupported_certificate |
 * |   critical extension (§4.2); key usage / extended key      |                         |
 * |   usage forbids the purpose (§4.2.1.3, §4.2.1.12)          |                         |
 *
 * Path building: from the leaf, each step looks for an issuer whose subject equals the
 * current issuer name, first among the anchors (trusted: no CA checks beyond the
 * signature) and then among the other certificates sent (RFC 8446 §4.4.2: "the sender's
 * certificate MUST come in the first CertificateEntry"; the rest may be in any order, and
 * we backtrack over candidates). A certificate byte-identical to an anchor is trusted.
 * Revocation, name constraints and policies are not checked.
 */
import { bytesEqual } from '@tls13sim/record';
import type { CryptoProvider } from '../crypto/provider.js';
import { parseCertificateCached } from './cert-cache.js';
import { matchesHostname } from './hostname.js';
import { OID } from './oids.js';
import { verifySignedData } from './signed-data.js';
import { KNOWN_EXTENSIONS, type X509Certificate } from './x509.js';

export type VerifyResult =
  | { readonly ok: true; readonly leaf: X509Certificate; readonly path: readonly X509Certificate[] }
  | { readonly ok: false; readonly kind: ChainFailureKind; readonly reason: string };

/**
 * Why a chain fails, named as the error kinds of endpoint/errors.ts, which map each to its
 * RFC 8446 §6.2 alert of the same name.
 */
export type ChainFailureKind = 'unknown_ca' | 'certificate_expired' | 'unsupported_certificate' | 'bad_certificate';

export interface VerifyOptions {
  readonly trustAnchors: readonly Uint8Array[] | readonly X509Certificate[];
  /** The clock: a Date or milliseconds since the epoch. */
  readonly now: Date | number;
  /** Checked against the leaf's subjectAltName when given. */
  readonly hostname?: string;
  /** The TLS role the leaf must be allowed to play (extKeyUsage); default 'server'. */
  readonly purpose?: 'server' | 'client';
  /** Longest path, anchor excluded; default 8. */
  readonly maxDepth?: number;
  /**
   * Verifies chain signatures that are TLS signature schemes it supports (the endpoint's
   * provider); the others, and every signature when absent, are verified with noble.
   */
  readonly crypto?: CryptoProvider;
}

type Failure = { ok: false; kind: ChainFailureKind; reason: string };
const fail = (kind: ChainFailureKind, reason: string): Failure => ({ ok: false, kind, reason });

/** Failures ranked by how much they say: when every path fails, report the most specific. */
const RANK: Record<ChainFailureKind, number> = {
  unknown_ca: 0,
  certificate_expired: 1,
  unsupported_certificate: 2,
  bad_certificate: 3,
};

function toCertificate(c: Uint8Array | X509Certificate): X509Certificate {
  return c instanceof Uint8Array ? parseCertificateCached(c) : c;
}

function describe(c: X509Certificate): string {
  return `"${c.subject.text}"`;
}

export function verifyChain(chainDer: readonly Uint8Array[], opts: VerifyOptions): VerifyResult {
  if (chainDer.length === 0) return fail('bad_certificate', 'empty certificate chain');
  const now = opts.now instanceof Date ? opts.now.getTime() : opts.now;
  const maxDepth = opts.maxDepth ?? 8;
  let chain: X509Certificate[];
  try {
    chain = chainDer.map((d) => parseCertificateCached(d));
  } catch (e) {
    return fail('bad_certificate', `cannot parse certificate: ${(e as Error).message}`);
  }
  let anchors: X509Certificate[];
  try {
    anchors = (opts.trustAnchors as readonly (Uint8Array | X509Certificate)[]).map(toCertificate);
  } catch (e) {
    throw new Error(`verifyChain: a trust anchor does not parse: ${(e as Error).message}`);
  }
  const leaf = chain[0]!;

  // The leaf's own usability first: these do not depend on the path.
  const leafCheck = checkLeaf(leaf, opts);
  if (leafCheck) return leafCheck;

  const search = new PathSearch(chain, anchors, now, maxDepth, opts.crypto);
  const path = search.extend([leaf], [0]);
  if (path) return { ok: true, leaf, path };
  return search.best ?? fail('unknown_ca', 'no path to a trust anchor');
}

/** Depth-first path building from the leaf (see the module comment), keeping the most specific failure. */
class PathSearch {
  /** The most specific failure met so far (RANK). */
  best: Failure | undefined;

  constructor(
    private readonly chain: readonly X509Certificate[],
    private readonly anchors: readonly X509Certificate[],
    private readonly now: number,
    private readonly maxDepth: number,
    private readonly crypto: CryptoProvider | undefined,
  ) {}

  private note(f: Failure): void {
    if (this.best === undefined || RANK[f.kind] > RANK[this.best.kind]) this.best = f;
  }

  /**
   * A trusted path extending `path`, or undefined. `used`: the chain positions on `path`
   * (parsed certificates are shared between equal DER, so a chain that repeats a
   * certificate repeats the object: positions tell them apart).
   */
  extend(path: X509Certificate[], used: readonly number[]): X509Certificate[] | undefined {
    const { chain, anchors, now, maxDepth, crypto } = this;
    const cur = path[path.length - 1]!;
    const timeFail = checkValidity(cur, now);
    if (timeFail) {
      this.note(timeFail);
      return undefined;
    }
    const critical = cur.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
    if (critical) {
      this.note(fail('unsupported_certificate', `${describe(cur)} has an unknown critical extension ${critical.oid}`));
      return undefined;
    }
    if (anchors.some((a) => a === cur || bytesEqual(a.der, cur.der))) return path;

    for (const anchor of anchors.filter((a) => namesEqual(a.subject, cur.issuer))) {
      const sig = checkSignature(cur, anchor, crypto);
      if (sig) {
        this.note(sig);
        continue;
      }
      const t = checkValidity(anchor, now);
      if (t) {
        this.note(t);
        continue;
      }
      return [...path, anchor];
    }
    if (path.length > maxDepth) {
      this.note(fail('bad_certificate', `no trusted path within ${maxDepth} certificates`));
      return undefined;
    }
    const candidates = chain.flatMap((c, i) => (!used.includes(i) && namesEqual(c.subject, cur.issuer) ? [i] : []));
    if (candidates.length === 0) {
      this.note(fail('unknown_ca', `no trust anchor or chain certificate issued ${describe(cur)} (issuer "${cur.issuer.text}")`));
      return undefined;
    }
    for (const i of candidates) {
      const ca = chain[i]!;
      const caFail = checkCa(ca, path.length - 1) ?? checkSignature(cur, ca, crypto);
      if (caFail) {
        this.note(caFail);
        continue;
      }
      const found = this.extend([...path, ca], [...used, i]);
      if (found) return found;
    }
    return undefined;
  }
}

function checkLeaf(leaf: X509Certificate, opts: VerifyOptions): Failure | undefined {
  if (leaf.publicKey === null) {
    return fail('unsupported_certificate', `leaf key: ${leaf.publicKeyUnsupportedReason ?? leaf.publicKeyAlgorithm}`);
  }
  // RFC 8446 §4.4.2.2: "the digitalSignature bit MUST be set if the Key Usage extension is present".
  if (leaf.keyUsage && !leaf.keyUsage.has('digitalSignature')) {
    return fail('unsupported_certificate', 'leaf keyUsage lacks digitalSignature');
  }
  const purpose = opts.purpose ?? 'server';
  const wanted = purpose === 'server' ? OID.serverAuth : OID.clientAuth;
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(wanted) && !leaf.extKeyUsage.includes(OID.anyExtendedKeyUsage)) {
    return fail('unsupported_certificate', `leaf extKeyUsage does not allow ${purpose} authentication`);
  }
  if (opts.hostname !== undefined && !matchesHostname(leaf, opts.hostname)) {
    const names = [...(leaf.subjectAltName?.dnsNames ?? []), ...(leaf.subjectAltName?.ipAddresses ?? [])];
    return fail('bad_certificate', `certificate is not valid for "${opts.hostname}" (subjectAltName: ${names.join(', ') || 'none'})`);
  }
  return undefined;
}

function checkValidity(c: X509Certificate, now: number): Failure | undefined {
  if (now < c.notBefore.getTime()) {
    return fail('certificate_expired', `${describe(c)} is not valid before ${c.notBefore.toISOString()}`);
  }
  if (now > c.notAfter.getTime()) {
    return fail('certificate_expired', `${describe(c)} expired at ${c.notAfter.toISOString()}`);
  }
  return undefined;
}

/** `ca` may issue certificates with `below` CA certificates under it (RFC 5280 §4.2.1.9, §4.2.1.3). */
function checkCa(ca: X509Certificate, below: number): Failure | undefined {
  if (!ca.basicConstraints?.ca) return fail('bad_certificate', `${describe(ca)} is not a CA (basicConstraints cA is not set)`);
  if (ca.keyUsage && !ca.keyUsage.has('keyCertSign')) return fail('bad_certificate', `${describe(ca)} keyUsage lacks keyCertSign`);
  const pathLen = ca.basicConstraints.pathLen;
  if (pathLen !== undefined && below > pathLen) return fail('bad_certificate', `${describe(ca)} pathLenConstraint ${pathLen} exceeded`);
  return undefined;
}

function checkSignature(cert: X509Certificate, issuer: X509Certificate, crypto: CryptoProvider | undefined): Failure | undefined {
  if (cert.signatureAlgorithm.kind === 'unsupported') {
    return fail('unsupported_certificate', `${describe(cert)}: ${cert.signatureAlgorithm.reason}`);
  }
  if (issuer.publicKey === null) {
    return fail('unsupported_certificate', `issuer ${describe(issuer)} key: ${issuer.publicKeyUnsupportedReason ?? ''}`);
  }
  if (!verifySignedData(cert.signatureAlgorithm, issuer.publicKey, cert.tbs, cert.signature, crypto)) {
    return fail('bad_certificate', `signature on ${describe(cert)} does not verify with the key of ${describe(issuer)}`);
  }
  return undefined;
}

/** Name comparison: identical DER, or the same attributes compared case-insensitively (RFC 5280 §7.1, simplified). */
export function namesEqual(a: X509Certificate['subject'], b: X509Certificate['subject']): boolean {
  if (bytesEqual(a.der, b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.rdns.every((rdn, i) => {
    const other = b.rdns[i]!;
    return rdn.length === other.length && rdn.every((x, j) => x.oid === other[j]!.oid && norm(x.value) === norm(other[j]!.value));
  });
}
