/** Test helpers: certificates made in-process and a loop that drives two endpoints to quiescence. */
import { expect } from 'vitest';
import {
  HandshakeError,
  buildCertificate,
  createEndpoint,
  generateKeyPair,
  nobleProvider,
  seededRandom,
  type CertifiedKey,
  type Endpoint,
  type EndpointConfig,
  type KeyType,
} from '@tls13sim/handshake';
import type { Aead } from '@tls13sim/record';

const NOT_BEFORE = Date.UTC(2020, 0, 1);
const NOT_AFTER = Date.UTC(2099, 0, 1);
export const VALIDATION_TIME = Date.UTC(2026, 0, 1);

const certCache = new Map<string, { ca: Uint8Array; leaf: CertifiedKey }>();

/** A CA and a leaf certificate for `name` with a `type` key, signed by the CA (cached per type/name). */
export function testPki(type: KeyType = 'ed25519', name = 'server.test', caType: KeyType = 'ed25519'): { ca: Uint8Array; leaf: CertifiedKey } {
  const k = `${type}/${name}/${caType}`;
  const hit = certCache.get(k);
  if (hit) return hit;
  const rand = seededRandom(`pki:${k}`);
  const caKey = generateKeyPair(caType, rand);
  const ca = buildCertificate(
    {
      subject: `CN=Test CA ${caType}`,
      publicKey: caKey.publicKey,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      isCA: true,
      keyUsage: ['keyCertSign', 'digitalSignature'],
    },
    caKey.privateKey,
    rand,
  );
  const leafKey = generateKeyPair(type, rand);
  const leaf = buildCertificate(
    {
      subject: `CN=${name}`,
      issuer: ca,
      publicKey: leafKey.publicKey,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      dnsNames: [name],
      extKeyUsage: ['serverAuth', 'clientAuth'],
    },
    caKey.privateKey,
    rand,
  );
  const out = { ca: ca.der, leaf: { chain: [leaf.der], privateKey: leafKey.privateKey } };
  certCache.set(k, out);
  return out;
}

export function makePair(
  client: Partial<EndpointConfig> = {},
  server: Partial<EndpointConfig> = {},
  seed = 1,
): { client: Endpoint; server: Endpoint; ca: Uint8Array } {
  const pki = testPki();
  const c = createEndpoint({
    role: 'client',
    crypto: nobleProvider,
    random: seededRandom(`client:${seed}`),
    serverName: 'server.test',
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...client,
  });
  const s = createEndpoint({
    role: 'server',
    crypto: nobleProvider,
    random: seededRandom(`server:${seed}`),
    certificate: pki.leaf,
    validationTime: VALIDATION_TIME,
    ...server,
  });
  return { client: c, server: s, ca: pki.ca };
}

/** Moves every queued record across, alternately, until neither side has anything to send. */
export function drive(a: Endpoint, b: Endpoint, maxRounds = 100): void {
  for (let i = 0; i < maxRounds; i++) {
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
  throw new Error('drive: no quiescence');
}

/** Drains the events of an endpoint. */
export function events(e: Endpoint): ReturnType<Endpoint['pollEvent']>[] {
  const out = [];
  for (let ev = e.pollEvent(); ev !== null; ev = e.pollEvent()) out.push(ev);
  return out;
}

/** `ep` failed with `alert` (and, when given, a HandshakeError of `kind`) and is CLOSED. */
export function expectFailed(ep: Endpoint, alert: string, kind?: string): void {
  expect(ep.error?.alert).toBe(alert);
  if (kind !== undefined) {
    expect(ep.error).toBeInstanceOf(HandshakeError);
    expect((ep.error as HandshakeError).kind).toBe(kind);
  }
  expect(ep.state).toBe('CLOSED');
}

/** `a` with seal and open only, no sealInto: to hold record protection's seal-then-copy path against sealInto. */
export function sealOnlyAead(a: Aead): Aead {
  return { name: a.name, keyLength: a.keyLength, nonceLength: a.nonceLength, tagLength: a.tagLength, seal: a.seal.bind(a), open: a.open.bind(a) };
}
