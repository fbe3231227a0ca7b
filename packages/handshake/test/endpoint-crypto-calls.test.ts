/**
 * What a full 1-RTT handshake asks of its crypto provider, both endpoints together, once
 * the provider's constants are known (the no-PSK Early Secret, its "derived" salt and
 * Hash(""), keyschedule/stages.ts): the RFC 8446 §7.1 schedule and nothing besides. Each
 * side extracts the Handshake and Master Secrets, hashes its transcript where §7.1 and
 * §4.4 need it, and derives its secrets, traffic keys and Finished keys. A call added to
 * the handshake path shows up here (and in the bench's crypto floor).
 */
import { describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../src/crypto/provider.js';
import { nobleProvider } from '../src/crypto/noble.js';
import { drive, makePair } from './endpoint-helpers.js';

function counting(inner: CryptoProvider): { provider: CryptoProvider; counts: Record<string, number>; reset: () => void } {
  const counts: Record<string, number> = {};
  const n = (op: string) => void (counts[op] = (counts[op] ?? 0) + 1);
  const provider: CryptoProvider = {
    ...inner,
    hash: (alg, data) => (n('hash'), inner.hash(alg, data)),
    hmac: (alg, key, data) => (n('hmac'), inner.hmac(alg, key, data)),
    hkdfExtract: (alg, salt, ikm) => (n('hkdfExtract'), inner.hkdfExtract(alg, salt, ikm)),
    hkdfExpand: (alg, prk, info, length) => (n('hkdfExpand'), inner.hkdfExpand(alg, prk, info, length)),
    sign: (scheme, key, message, rand) => (n('sign'), inner.sign(scheme, key, message, rand)),
    verify: (scheme, key, message, signature) => (n('verify'), inner.verify(scheme, key, message, signature)),
  };
  return { provider, counts, reset: () => Object.keys(counts).forEach((k) => delete counts[k]) };
}

function fullHandshake(provider: CryptoProvider, seed: number): void {
  const { client, server } = makePair({ crypto: provider }, { crypto: provider }, seed);
  client.start();
  drive(client, server);
  expect(client.state).toBe('CONNECTED');
  expect(server.state).toBe('CONNECTED');
}

describe('provider calls of a full handshake (RFC 8446 §7.1)', () => {
  it('are the key schedule of both sides, without recomputing the provider constants', () => {
    const c = counting(nobleProvider);
    fullHandshake(c.provider, 1);
    c.reset();
    fullHandshake(c.provider, 2);
    expect(c.counts).toEqual({
      // Per side, Transcript-Hash for: hs traffic, CertificateVerify, the server Finished,
      // ap traffic and exporter (through server Finished), the client Finished, res master.
      hash: 10,
      // Per side: Handshake Secret and Master Secret.
      hkdfExtract: 4,
      // Per side: 2 hs + derived + 2 ap + exp + res master, 4 × (key, iv), 2 finished keys.
      hkdfExpand: 34,
      // Per side: its Finished and the peer's.
      hmac: 4,
      sign: 1,
      // The server's CertificateVerify, and the CA's signature on the server certificate.
      verify: 2,
    });
  });
});
