/**
 * The handshake bench's protocol-only row (bench/canned.ts, `protocolOnly` in
 * bench/handshake.ts) must contain no cryptography at all, and must not quietly answer a
 * handshake that makes different calls from the one recorded.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider, seededRandom, type CryptoProvider } from '@tls13sim/handshake';
import { cannedProvider } from '../bench/canned.js';
import { drive, handshake, makeBenchPair } from '../bench/fixtures.js';

/** noble, counting every call that reaches it. */
function counting(): { provider: CryptoProvider; calls: () => number } {
  let n = 0;
  const count =
    <A extends unknown[], R>(f: (...a: A) => R, self: object) =>
    (...a: A): R => {
      n++;
      return f.apply(self, a);
    };
  const p = nobleProvider;
  return {
    provider: {
      ...p,
      hash: count(p.hash, p),
      hmac: count(p.hmac, p),
      hkdfExtract: count(p.hkdfExtract, p),
      hkdfExpand: count(p.hkdfExpand, p),
      sign: count(p.sign, p),
      verify: count(p.verify, p),
      aead: (name) => {
        const a = p.aead(name);
        return { ...a, seal: count(a.seal, a), open: count(a.open, a) };
      },
      keyExchange: (g) => {
        const x = p.keyExchange(g);
        return x === undefined ? undefined : { group: x.group, generate: count(x.generate, x), respond: count(x.respond, x), finish: count(x.finish, x) };
      },
    },
    calls: () => n,
  };
}

const pair = (provider: CryptoProvider, kind: 'ed25519' | 'ecdsa-p256') =>
  handshake({ client: provider, server: provider, kind, clientRandom: seededRandom('canned-c'), serverRandom: seededRandom('canned-s') });

describe('the handshake bench protocol-only row', () => {
  it('replays a whole handshake without one call reaching the provider', () => {
    const inner = counting();
    const canned = cannedProvider(inner.provider);
    pair(canned.provider, 'ed25519');
    canned.record();
    pair(canned.provider, 'ed25519');
    expect(canned.calls).toBeGreaterThan(20);
    const before = inner.calls();
    canned.play();
    const { client, server } = pair(canned.provider, 'ed25519');
    expect(inner.calls()).toBe(before);
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
  });

  it('refuses a handshake whose calls differ from the recording', () => {
    const canned = cannedProvider(nobleProvider);
    pair(canned.provider, 'ed25519');
    canned.record();
    pair(canned.provider, 'ed25519');
    canned.play();
    // An ECDSA server signs with ecdsa_secp256r1_sha256 where the recording has ed25519: the
    // server fails with the canned provider's error (internal_error to the client).
    const p = makeBenchPair({
      client: canned.provider,
      server: canned.provider,
      kind: 'ecdsa-p256',
      clientRandom: seededRandom('canned-c'),
      serverRandom: seededRandom('canned-s'),
    });
    p.client.start();
    drive(p.client, p.server);
    expect(p.server.state).toBe('CLOSED');
    expect(String(p.server.error)).toMatch(/canned: call \d+ is sign:ecdsa_secp256r1_sha256, the recording has sign:ed25519/);
  });
});
