/**
 * Ready-made certificates and endpoint pairs for users' own tests (docs/testing.md).
 *
 * `testPki(seed)` is a CA with server and client certificates for every key type the
 * handshake package supports, and ready-made bad ones (a private key that does not match
 * its certificate, expired, issued by another CA, issued for another name). Everything is
 * derived from the seed (same seed, same bytes, on every machine) and built lazily, once
 * per seed: an RSA key takes about half a second to generate, an Ed25519 one a millisecond.
 *
 * `clientServerPair(opts)` builds a fresh Simulation over two real endpoints configured
 * from such a PKI. Endpoints are single-use, so a property test calls it once per run.
 *
 * Browser-safe: no `node:` import (the default crypto provider is noble).
 */
import {
  buildCertificate,
  createEndpoint,
  generateKeyPair,
  nobleProvider,
  seededRandom,
  type CertifiedKey,
  type ClientAuthPolicy,
  type CryptoProvider,
  type EndpointConfig,
  type KeyType,
  type PrivateKey,
  type X509Certificate,
} from '@tls13sim/handshake';
import type { DeliveryPolicy, Schedule, Scheduler } from './scheduler.js';
import { Simulation, type PullMode } from './simulation.js';
import type { Side } from './trace.js';

/** The name the server certificates are issued for (and the client asks for). */
export const TEST_SERVER_NAME = 'server.test';
/** The name a `wrong-name` server certificate is issued for instead. */
export const TEST_WRONG_NAME = 'wrong.test';
/**
 * The instant certificates are validated at (2026-01-01T00:00:00Z): pass it as
 * `validationTime`, never the wall clock, so tests do not age.
 */
export const TEST_VALIDATION_TIME = Date.UTC(2026, 0, 1);

const NOT_BEFORE = Date.UTC(2020, 0, 1);
const NOT_AFTER = Date.UTC(2099, 0, 1);
/** An expired certificate's notAfter: a year before TEST_VALIDATION_TIME. */
const EXPIRED_AFTER = Date.UTC(2025, 0, 1);

/**
 * What is wrong with a certificate from `TestPki.leaf`, and what the peer does with it:
 * - `wrong-key`: a good certificate, but the private key is another key of the same type,
 *   so the CertificateVerify signature does not verify: the peer sends `decrypt_error`
 *   (RFC 8446 §4.4.3, §6.2);
 * - `expired`: notAfter is a year before `TEST_VALIDATION_TIME` (`certificate_expired`);
 * - `untrusted`: issued by another CA (`untrustedCa`), which the PKI's users do not trust
 *   (`unknown_ca`);
 * - `wrong-name`: issued for `wrong.test`, not `server.test` (a client checking the
 *   server's name rejects it with `bad_certificate`; names are not checked on client
 *   certificates).
 */
export type LeafFlaw = 'wrong-key' | 'expired' | 'untrusted' | 'wrong-name';

export const LEAF_FLAWS: readonly LeafFlaw[] = ['wrong-key', 'expired', 'untrusted', 'wrong-name'];

export interface LeafOptions {
  /** The certificate's key type (default `ed25519`). */
  readonly keyType?: KeyType;
  /** Make it a bad one (default: a good certificate). */
  readonly flaw?: LeafFlaw;
}

/** A certificate of each kind for one role, all Ed25519 (`TestPki.leaf` for other key types). */
export interface BadLeaves {
  /** The certificate is good; its private key does not match it (CertificateVerify fails: decrypt_error). */
  readonly wrongKey: CertifiedKey;
  /** Expired a year before the validation time. */
  readonly expired: CertifiedKey;
  /** Issued by `untrustedCa`. */
  readonly untrusted: CertifiedKey;
  /** Issued for `wrong.test`. */
  readonly wrongName: CertifiedKey;
}

/**
 * A test PKI: one CA that both sides trust, and certificates it issued. Build it with
 * `testPki(seed)`; certificates are made on first use and cached.
 *
 * ```ts
 * const pki = testPki();
 * const sim = clientServerPair({ pki, server: { clientAuth: 'require' }, clientCertificate: pki.bad.client.wrongKey });
 * ```
 */
export interface TestPki {
  /** The seed everything here is derived from. */
  readonly seed: string;
  /** The CA certificate (DER): the trust anchor to give both endpoints. */
  readonly ca: Uint8Array;
  /** Another CA's certificate (DER), which issued the `untrusted` certificates. */
  readonly untrustedCa: Uint8Array;
  /** `server.test`: the name the server certificates carry. */
  readonly serverName: string;
  /** When to validate certificates (`TEST_VALIDATION_TIME`). */
  readonly validationTime: number;
  /** The Ed25519 server certificate for `server.test`. */
  readonly server: CertifiedKey;
  /** The Ed25519 client certificate. */
  readonly client: CertifiedKey;
  /** Ready-made bad certificates, per role (Ed25519). */
  readonly bad: Readonly<Record<Side, BadLeaves>>;
  /**
   * A certificate for `role`: key type `opts.keyType` (default Ed25519), good unless
   * `opts.flaw` says what is wrong with it. The same arguments return the same object.
   */
  leaf(role: Side, opts?: LeafOptions): CertifiedKey;
  /**
   * The settings a client needs to verify this PKI's servers: `serverName`,
   * `trustAnchors`, `validationTime`.
   */
  readonly clientSettings: Pick<EndpointConfig, 'serverName' | 'trustAnchors' | 'validationTime'>;
  /** The settings a server needs: its Ed25519 `certificate`, `trustAnchors` (for client certificates) and `validationTime`. */
  readonly serverSettings: Pick<EndpointConfig, 'certificate' | 'trustAnchors' | 'validationTime'>;
}

interface Issuer {
  readonly cert: X509Certificate;
  readonly key: PrivateKey;
}

class Pki implements TestPki {
  readonly serverName = TEST_SERVER_NAME;
  readonly validationTime = TEST_VALIDATION_TIME;
  private readonly leaves = new Map<string, CertifiedKey>();
  private readonly trusted: Issuer;
  private other: Issuer | undefined;
  readonly bad: Readonly<Record<Side, BadLeaves>>;

  constructor(readonly seed: string) {
    this.trusted = this.makeCa('trusted', 'CN=tls13sim Test CA');
    this.bad = { client: this.badFor('client'), server: this.badFor('server') };
  }

  get ca(): Uint8Array {
    return this.trusted.cert.der;
  }

  get untrustedCa(): Uint8Array {
    return this.untrustedIssuer().cert.der;
  }

  get server(): CertifiedKey {
    return this.leaf('server');
  }

  get client(): CertifiedKey {
    return this.leaf('client');
  }

  get clientSettings(): Pick<EndpointConfig, 'serverName' | 'trustAnchors' | 'validationTime'> {
    return { serverName: this.serverName, trustAnchors: [this.ca], validationTime: this.validationTime };
  }

  get serverSettings(): Pick<EndpointConfig, 'certificate' | 'trustAnchors' | 'validationTime'> {
    return { certificate: this.server, trustAnchors: [this.ca], validationTime: this.validationTime };
  }

  leaf(role: Side, opts: LeafOptions = {}): CertifiedKey {
    if (role !== 'client' && role !== 'server') throw new Error(`testPki: role must be 'client' or 'server', got '${String(role)}'`);
    const keyType = opts.keyType ?? 'ed25519';
    const flaw = opts.flaw;
    if (flaw !== undefined && !LEAF_FLAWS.includes(flaw)) throw new Error(`testPki: unknown flaw '${String(flaw)}' (one of ${LEAF_FLAWS.join(', ')})`);
    const id = `${role}/${keyType}/${flaw ?? 'good'}`;
    const hit = this.leaves.get(id);
    if (hit !== undefined) return hit;
    let out: CertifiedKey;
    if (flaw === 'wrong-key') {
      // The good certificate with another key of the same type: the signature scheme still
      // fits the certificate, so a CertificateVerify is sent, and it does not verify.
      const good = this.leaf(role, { keyType });
      const stray = generateKeyPair(keyType, this.rand(`stray/${role}/${keyType}`));
      out = { chain: good.chain, privateKey: stray.privateKey };
    } else {
      const issuer = flaw === 'untrusted' ? this.untrustedIssuer() : this.trusted;
      const name =
        role === 'server' ? (flaw === 'wrong-name' ? TEST_WRONG_NAME : TEST_SERVER_NAME) : flaw === 'wrong-name' ? 'client.wrong.test' : 'client.test';
      const rand = this.rand(`leaf/${id}`);
      const k = generateKeyPair(keyType, rand);
      const cert = buildCertificate(
        {
          subject: `CN=${name}`,
          issuer: issuer.cert,
          publicKey: k.publicKey,
          notBefore: NOT_BEFORE,
          notAfter: flaw === 'expired' ? EXPIRED_AFTER : NOT_AFTER,
          dnsNames: [name],
          extKeyUsage: [role === 'server' ? 'serverAuth' : 'clientAuth'],
        },
        issuer.key,
        rand,
      );
      out = { chain: [cert.der], privateKey: k.privateKey };
    }
    this.leaves.set(id, out);
    return out;
  }

  private badFor(role: Side): BadLeaves {
    const pki = this;
    return {
      get wrongKey() {
        return pki.leaf(role, { flaw: 'wrong-key' });
      },
      get expired() {
        return pki.leaf(role, { flaw: 'expired' });
      },
      get untrusted() {
        return pki.leaf(role, { flaw: 'untrusted' });
      },
      get wrongName() {
        return pki.leaf(role, { flaw: 'wrong-name' });
      },
    };
  }

  private untrustedIssuer(): Issuer {
    this.other ??= this.makeCa('untrusted', 'CN=tls13sim Untrusted CA');
    return this.other;
  }

  private makeCa(label: string, subject: string): Issuer {
    const rand = this.rand(`ca/${label}`);
    const k = generateKeyPair('ed25519', rand);
    const cert = buildCertificate(
      { subject, publicKey: k.publicKey, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, isCA: true, keyUsage: ['keyCertSign', 'digitalSignature'] },
      k.privateKey,
      rand,
    );
    return { cert, key: k.privateKey };
  }

  /** Each certificate draws from its own stream, so the order they are made in changes nothing. */
  private rand(label: string) {
    return seededRandom(`tls13sim-test-pki:${this.seed}:${label}`);
  }
}

const pkis = new Map<string, TestPki>();

/**
 * The test PKI for `seed` (default `'default'`), built once and cached: the same seed gives
 * the same certificates and keys, byte for byte, in every process.
 */
export function testPki(seed: string | number = 'default'): TestPki {
  const key = String(seed);
  let pki = pkis.get(key);
  if (pki === undefined) {
    pki = new Pki(key);
    pkis.set(key, pki);
  }
  return pki;
}

type EndpointExtra = Partial<Omit<EndpointConfig, 'role'>>;

/** What `clientServerPair` builds; every field is optional. */
export interface PairOptions {
  /** The certificates (default `testPki()`). */
  readonly pki?: TestPki;
  /**
   * Seeds both endpoints' randomness (with `name`) and the scheduler (default 1): the same
   * options give the same bytes.
   */
  readonly seed?: number;
  /** The scenario name recorded in the trace (default `pair`). */
  readonly name?: string;
  /** The server certificate's key type (default `ed25519`); ignored when `server.certificate` is given. */
  readonly keyType?: KeyType;
  /**
   * The client's certificate: sent when the server asks (`server: { clientAuth }`).
   * Default: the PKI's Ed25519 client certificate when the server asks, none otherwise;
   * `null` for none even then.
   */
  readonly clientCertificate?: CertifiedKey | null;
  /** More client settings, over the defaults (`serverName`, `trustAnchors`, `validationTime` from the PKI). */
  readonly client?: EndpointExtra;
  /** More server settings, over the defaults (`certificate`, `trustAnchors`, `validationTime` from the PKI). */
  readonly server?: EndpointExtra;
  /** Both endpoints' crypto provider (default noble; `createNodeProvider()` is faster under Node). */
  readonly crypto?: CryptoProvider;
  /** How the network delivers (units, delays, faults; see `DeliveryPolicy`). */
  readonly policy?: DeliveryPolicy;
  /** Decide every delivery with this scheduler (e.g. a `ScriptedScheduler`). */
  readonly scheduler?: Scheduler;
  /** Replay these recorded choices. */
  readonly replay?: Schedule;
  /** When each side's library reads its socket (default: on arrival). */
  readonly pull?: Partial<Record<Side, PullMode>>;
}

/**
 * A fresh Simulation of a client and a server configured from a test PKI: the client
 * trusts the CA and asks for `server.test`, the server presents its certificate. Nothing
 * is sent until the simulation starts (`sim.start()`, `sim.run()` or a lens call).
 * Endpoints are single-use: call this once per test run (it is the factory a property
 * test wants).
 *
 * ```ts
 * const sim = clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: testPki().bad.client.wrongKey });
 * const ssl = openSslLens(sim, 'client', { blocking: true });
 * ssl.connect(); // ok: the client cannot know its CertificateVerify is bad
 * ssl.read(100); // error decrypt_error
 * ```
 */
export function clientServerPair(opts: PairOptions = {}): Simulation {
  const pki = opts.pki ?? testPki();
  const seed = opts.seed ?? 1;
  const name = opts.name ?? 'pair';
  const crypto = opts.crypto ?? nobleProvider;
  const auth: ClientAuthPolicy | undefined = opts.server?.clientAuth;
  const clientCert =
    opts.clientCertificate === undefined ? (auth === 'require' || auth === 'request' ? pki.client : undefined) : (opts.clientCertificate ?? undefined);
  const client = createEndpoint({
    role: 'client',
    crypto,
    random: seededRandom(`${name}:client:${seed}`),
    ...pki.clientSettings,
    ...(clientCert !== undefined ? { certificate: clientCert } : {}),
    ...opts.client,
  });
  const server = createEndpoint({
    role: 'server',
    crypto,
    random: seededRandom(`${name}:server:${seed}`),
    ...pki.serverSettings,
    certificate: pki.leaf('server', { keyType: opts.keyType ?? 'ed25519' }),
    ...opts.server,
  });
  return new Simulation({
    client,
    server,
    scenario: name,
    seed,
    ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
    ...(opts.scheduler !== undefined ? { scheduler: opts.scheduler } : {}),
    ...(opts.replay !== undefined ? { replay: opts.replay } : {}),
    ...(opts.pull !== undefined ? { pull: opts.pull } : {}),
  });
}
