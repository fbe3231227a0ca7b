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
import { seededRandom } from '../src/crypto/random.js';
import type { EndpointConfig } from '../src/endpoint/config.js';
import { SealedTicketIssuer } from '../src/endpoint/psk.js';
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

function fullHandshake(provider: CryptoProvider, seed: number, server: Partial<EndpointConfig> = {}): void {
  const pair = makePair({ crypto: provider }, { crypto: provider, ...server }, seed);
  const { client } = pair;
  const srv = pair.server;
  client.start();
  drive(client, srv);
  expect(client.state).toBe('CONNECTED');
  expect(srv.state).toBe('CONNECTED');
}

describe('provider calls of a full handshake (RFC 8446 §7.1)', () => {
  it('are the key schedule of both sides, without recomputing the provider constants', () => {
    const c = counting(nobleProvider);
    fullHandshake(c.provider, 1);
    c.reset();
    fullHandshake(c.provider, 2);
    expect(c.counts).toEqual({
      // Per side, Transcript-Hash for: hs traffic, CertificateVerify, the server Finished,
      // ap traffic and exporter (through server Finished), the client Finished; and the
      // client's res master (through the client Finished): a server that sends no tickets
      // needs none (§4.6.1).
      hash: 9,
      // Per side: Handshake Secret and Master Secret.
      hkdfExtract: 4,
      // Per side: 2 hs + derived + 2 ap + exp, 4 × (key, iv), 2 finished keys; the client's
      // res master.
      hkdfExpand: 33,
      // Per side: its Finished and the peer's.
      hmac: 4,
      sign: 1,
      // The server's CertificateVerify, and the CA's signature on the server certificate.
      verify: 2,
    });
  });

  it("add, for a server that sends tickets, its res master and each ticket's PSK and sealing", () => {
    const c = counting(nobleProvider);
    const tickets = { count: 2, issuer: new SealedTicketIssuer(seededRandom('call-count-tickets')) };
    fullHandshake(c.provider, 3, { tickets });
    c.reset();
    fullHandshake(c.provider, 4, { tickets });
    expect(c.counts).toMatchObject({
      // The server's res master hashes the transcript through the client Finished.
      hash: 10,
      // Its res master, then per ticket the server's PSK and the client's.
      hkdfExpand: 34 + 2 * 2,
    });
  });
});
