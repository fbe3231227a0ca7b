/**
 * What the handshake benches share: one self-signed server certificate per key type, the
 * endpoint pair, and a loop that runs one full handshake in memory.
 *
 * The certificate is self-signed and is itself the client's trust anchor (for our
 * endpoint and for Node's `tls` alike). Path validation still runs (names, validity, key
 * usage), but a certificate byte-identical to an anchor needs no signature check, so
 * every signature operation of a handshake is the CertificateVerify's, made through the
 * crypto provider. (A CA-issued chain's signatures go through the endpoint's provider too.)
 */
import {
  buildCertificate,
  createEndpoint,
  SealedTicketIssuer,
  generateKeyPair,
  seededRandom,
  systemRandom,
  type CertifiedKey,
  type CryptoProvider,
  type Endpoint,
  type KeyType,
  type RandomSource,
} from '@tls13sim/handshake';

export type CertKind = 'ed25519' | 'ecdsa-p256';
export const CERT_KINDS: readonly CertKind[] = ['ed25519', 'ecdsa-p256'];
const KEY_TYPE: Record<CertKind, KeyType> = { ed25519: 'ed25519', 'ecdsa-p256': 'p256' };

export const SERVER_NAME = 'server.test';
/** The cipher suite our bench endpoints negotiate by default, and Node's `tls` is held to (node-tls.ts, load.ts). */
export const BENCH_SUITE = 'TLS_AES_128_GCM_SHA256';
export const VALIDATION_TIME = Date.UTC(2026, 0, 1);

export interface BenchCert {
  readonly certified: CertifiedKey;
  readonly der: Uint8Array;
}

const certs = new Map<CertKind, BenchCert>();

export function benchCert(kind: CertKind): BenchCert {
  let c = certs.get(kind);
  if (c === undefined) {
    const rand = seededRandom(`bench-cert:${kind}`);
    const key = generateKeyPair(KEY_TYPE[kind], rand);
    const cert = buildCertificate(
      {
        subject: `CN=${SERVER_NAME}`,
        publicKey: key.publicKey,
        notBefore: Date.UTC(2020, 0, 1),
        notAfter: Date.UTC(2099, 0, 1),
        dnsNames: [SERVER_NAME],
        extKeyUsage: ['serverAuth'],
      },
      key.privateKey,
      rand,
    );
    c = { certified: { chain: [cert.der], privateKey: key.privateKey }, der: cert.der };
    certs.set(kind, c);
  }
  return c;
}

export interface PairOptions {
  readonly client: CryptoProvider;
  readonly server: CryptoProvider;
  readonly kind: CertKind;
  readonly clientRandom: RandomSource;
  readonly serverRandom: RandomSource;
  /**
   * The server sends two NewSessionTickets after the client's Finished, as OpenSSL (and so
   * Node's `tls`) does by default; the client takes them in. Default: none.
   */
  readonly tickets?: boolean;
}

/** One ticket issuer for every bench server, as a server process keeps its ticket keys. */
let ticketIssuer: SealedTicketIssuer | undefined;

/** A client and a server that will agree on x25519 and TLS_AES_128_GCM_SHA256. */
export function makeBenchPair(o: PairOptions): { client: Endpoint; server: Endpoint } {
  const cert = benchCert(o.kind);
  const client = createEndpoint({
    role: 'client',
    crypto: o.client,
    random: o.clientRandom,
    serverName: SERVER_NAME,
    trustAnchors: [cert.der],
    validationTime: VALIDATION_TIME,
    groups: ['x25519'],
  });
  const server = createEndpoint({
    role: 'server',
    crypto: o.server,
    random: o.serverRandom,
    certificate: cert.certified,
    validationTime: VALIDATION_TIME,
    groups: ['x25519'],
    ...(o.tickets ? { tickets: { count: 2, issuer: (ticketIssuer ??= new SealedTicketIssuer(seededRandom('bench-ticket-keys'))) } } : {}),
  });
  return { client, server };
}

/** Moves records across until neither side has anything to send. */
export function drive(a: Endpoint, b: Endpoint): void {
  for (let i = 0; i < 100; i++) {
    let moved = false;
    for (let r = a.pollTransmit(); r !== null; r = a.pollTransmit()) {
      b.handleBytes(r);
      moved = true;
    }
    for (let r = b.pollTransmit(); r !== null; r = b.pollTransmit()) {
      a.handleBytes(r);
      moved = true;
    }
    if (!moved) return;
  }
  throw new Error('bench: no quiescence');
}

/** Drops queued events (a real application drains them); returns how many were tickets. */
function drainEvents(e: Endpoint): number {
  let tickets = 0;
  for (let ev = e.pollEvent(); ev !== null; ev = e.pollEvent()) if (ev.type === 'new_session_ticket') tickets++;
  return tickets;
}

/** One full handshake; throws unless both sides are CONNECTED (and the client got its tickets). */
export function handshake(o: PairOptions): { client: Endpoint; server: Endpoint } {
  const pair = makeBenchPair(o);
  pair.client.start();
  drive(pair.client, pair.server);
  const tickets = drainEvents(pair.client);
  drainEvents(pair.server);
  if (pair.client.state !== 'CONNECTED' || pair.server.state !== 'CONNECTED') {
    throw new Error(`bench: handshake ended ${pair.client.state}/${pair.server.state}: ${String(pair.client.error ?? pair.server.error)}`);
  }
  if (tickets !== (o.tickets ? 2 : 0)) throw new Error(`bench: the client took in ${tickets} tickets`);
  return pair;
}

/**
 * A handshake with fresh randomness, drawn as real connections draw it (`serve`, `connect`
 * and `connectTls` use systemRandom), so nothing is accidentally the same twice. Not a
 * seeded source: its SHA-256 DRBG, there for deterministic simulations, cost a handshake
 * 17–24 µs that no real connection pays (measured when the bench moved off it).
 */
export function freshHandshake(provider: CryptoProvider, kind: CertKind, tickets = false): { client: Endpoint; server: Endpoint } {
  return handshake({ client: provider, server: provider, kind, clientRandom: systemRandom, serverRandom: systemRandom, tickets });
}
