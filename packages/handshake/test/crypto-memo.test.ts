/** memoizeProvider: same results as the provider it wraps, the random stream consumed identically, and real cache hits. */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import {
  generateKeyPair,
  memoizeProvider,
  nobleProvider,
  scriptedRandom,
  seededRandom,
  type CryptoProvider,
  type Endpoint,
  type NamedGroupName,
  type RandomSource,
} from '@tls13sim/handshake';
import { drive, makePair } from './endpoint-helpers.js';

const bytes = (seed: string, n: number) => seededRandom(seed).bytes(n);

describe('memoizeProvider: pure calls', () => {
  it('returns what the inner provider returns and hits the cache on the same inputs', () => {
    const m = memoizeProvider(nobleProvider);
    const data = bytes('d', 100);
    const key = bytes('k', 32);
    for (let round = 0; round < 2; round++) {
      expect(m.hash('sha384', data)).toEqual(nobleProvider.hash('sha384', data));
      expect(m.hmac('sha256', key, data)).toEqual(nobleProvider.hmac('sha256', key, data));
      expect(m.hkdfExtract('sha256', new Uint8Array(0), key)).toEqual(nobleProvider.hkdfExtract('sha256', new Uint8Array(0), key));
      expect(m.hkdfExpand('sha256', key, data, 77)).toEqual(nobleProvider.hkdfExpand('sha256', key, data, 77));
    }
    expect(m.stats.misses).toBe(4);
    expect(m.stats.hits).toBe(4);
    expect(m.stats.byOp.hkdfExpand).toEqual({ hits: 1, misses: 1 });
    expect(m.name).toBe('memo(noble)');
    expect(m.hashLength('sha384')).toBe(48);
    expect(m.supportedGroups).toEqual(nobleProvider.supportedGroups);
  });

  it('tells apart calls whose inputs differ only in how bytes are split between arguments', () => {
    const m = memoizeProvider(nobleProvider);
    const a = m.hmac('sha256', Uint8Array.of(1, 2), Uint8Array.of(3));
    const b = m.hmac('sha256', Uint8Array.of(1), Uint8Array.of(2, 3));
    expect(a).not.toEqual(b);
    expect(m.hkdfExpand('sha256', bytes('p', 32), new Uint8Array(0), 16)).not.toEqual(
      m.hkdfExpand('sha256', bytes('p', 32), new Uint8Array(0), 17).subarray(0, 15),
    );
    expect(m.stats.hits).toBe(0);
  });

  it('hands out copies: mutating a result does not change the cache', () => {
    const m = memoizeProvider(nobleProvider);
    const first = m.hash('sha256', utf8('abc'));
    const expected = first.slice();
    first.fill(0);
    expect(m.hash('sha256', utf8('abc'))).toEqual(expected);
  });

  it('caches AEAD seal and open, including failed opens', () => {
    const m = memoizeProvider(nobleProvider);
    const a = m.aead('chacha20poly1305');
    expect(m.aead('chacha20poly1305')).toBe(a);
    const key = bytes('key', 32);
    const nonce = bytes('nonce', 12);
    const aad = Uint8Array.of(23, 3, 3, 0, 20);
    const sealed = a.seal(key, nonce, aad, utf8('data'));
    expect(sealed).toEqual(nobleProvider.aead('chacha20poly1305').seal(key, nonce, aad, utf8('data')));
    expect(a.seal(key, nonce, aad, utf8('data'))).toEqual(sealed);
    expect(a.open(key, nonce, aad, sealed)).toEqual(utf8('data'));
    const bad = sealed.slice();
    bad[0]! ^= 1;
    expect(a.open(key, nonce, aad, bad)).toBeNull();
    expect(a.open(key, nonce, aad, bad)).toBeNull();
    expect(m.stats.byOp.seal).toEqual({ hits: 1, misses: 1 });
    expect(m.stats.byOp.open).toEqual({ hits: 1, misses: 2 });
  });

  it('caches signature verification by key content, not key object', () => {
    const m = memoizeProvider(nobleProvider);
    const kp = generateKeyPair('p256', seededRandom('k'));
    const msg = utf8('content');
    const sig = m.sign('ecdsa_secp256r1_sha256', kp.privateKey, msg, seededRandom('r'));
    const samePublicKey = { ...kp.publicKey };
    expect(m.verify('ecdsa_secp256r1_sha256', kp.publicKey, msg, sig)).toBe(true);
    expect(m.verify('ecdsa_secp256r1_sha256', samePublicKey, msg, sig)).toBe(true);
    expect(m.verify('ecdsa_secp256r1_sha256', kp.publicKey, utf8('other'), sig)).toBe(false);
    expect(m.stats.byOp.verify).toEqual({ hits: 1, misses: 2 });
  });

  it('passes large inputs through uncached and drops the cache past maxEntries', () => {
    const m = memoizeProvider(nobleProvider, { maxInputBytes: 10, maxEntries: 3 });
    m.hash('sha256', new Uint8Array(11));
    m.hash('sha256', new Uint8Array(11));
    expect(m.stats.bypassed).toBe(2);
    expect(m.stats.entries).toBe(0);
    for (let i = 0; i < 3; i++) m.hash('sha256', Uint8Array.of(i));
    expect(m.stats.entries).toBe(3);
    m.hash('sha256', Uint8Array.of(9));
    expect(m.stats.entries).toBe(0);
    m.hash('sha256', Uint8Array.of(0));
    expect(m.stats.hits).toBe(0);
    m.clear();
    expect(m.stats.entries).toBe(0);
  });
});

describe('memoizeProvider: calls that draw randomness', () => {
  const groups: NamedGroupName[] = ['x25519', 'secp256r1', 'secp521r1', 'X25519MLKEM768'];
  for (const group of groups) {
    it(`generates and responds as the inner provider, consuming the same random bytes (${group})`, () => {
      const m = memoizeProvider(nobleProvider);
      const inner = nobleProvider.keyExchange(group)!;
      const k = m.keyExchange(group)!;
      for (let round = 0; round < 2; round++) {
        const [r1, r2] = [seededRandom(`g${group}`), seededRandom(`g${group}`)];
        const own = k.generate(r1);
        expect(own).toEqual(inner.generate(r2));
        expect(r1.bytes(16)).toEqual(r2.bytes(16));
        const [s1, s2] = [seededRandom(`s${group}`), seededRandom(`s${group}`)];
        const resp = k.respond(own.share, s1)!;
        expect(resp).toEqual(inner.respond(own.share, s2));
        expect(s1.bytes(16)).toEqual(s2.bytes(16));
        expect(k.finish(own, resp.share)).toEqual(resp.sharedSecret);
      }
      expect(m.stats.byOp.generate).toEqual({ hits: 1, misses: 1 });
      expect(m.stats.byOp.respond).toEqual({ hits: 1, misses: 1 });
      expect(m.stats.byOp.finish).toEqual({ hits: 1, misses: 1 });
    });
  }

  it('follows a rejection-sampling draw sequence (a P-256 scalar ≥ n is drawn again)', () => {
    const m = memoizeProvider(nobleProvider);
    const k = m.keyExchange('secp256r1')!;
    const script = (): RandomSource => scriptedRandom([new Uint8Array(32).fill(0xff), bytes('ok', 32), bytes('after', 8)]);
    const expected = nobleProvider.keyExchange('secp256r1')!.generate(script());
    for (let round = 0; round < 2; round++) {
      const r = script();
      expect(k.generate(r)).toEqual(expected);
      expect(r.bytes(8)).toEqual(bytes('after', 8));
    }
    // A different first draw is a different branch: a miss, then a hit.
    const other = (): RandomSource => scriptedRandom([bytes('ok', 32)]);
    expect(k.generate(other()).share).toEqual(expected.share);
    expect(k.generate(other()).share).toEqual(expected.share);
    expect(m.stats.byOp.generate).toEqual({ hits: 2, misses: 2 });
  });

  it('keys RSA-PSS signatures by the drawn salt', () => {
    const m = memoizeProvider(nobleProvider);
    const key = generateKeyPair('rsa', seededRandom('rsa')).privateKey;
    const msg = utf8('m');
    const a1 = m.sign('rsa_pss_rsae_sha256', key, msg, seededRandom('salt1'));
    const a2 = m.sign('rsa_pss_rsae_sha256', key, msg, seededRandom('salt1'));
    const b = m.sign('rsa_pss_rsae_sha256', key, msg, seededRandom('salt2'));
    expect(a2).toEqual(a1);
    expect(b).not.toEqual(a1);
    expect(a1).toEqual(nobleProvider.sign('rsa_pss_rsae_sha256', key, msg, seededRandom('salt1')));
    expect(m.stats.byOp.sign).toEqual({ hits: 1, misses: 2 });
  });

  it('returns null for invalid shares and caches that too', () => {
    const m = memoizeProvider(nobleProvider);
    const k = m.keyExchange('x25519')!;
    expect(k.respond(new Uint8Array(32), seededRandom('z'))).toBeNull();
    expect(k.respond(new Uint8Array(32), seededRandom('z'))).toBeNull();
    expect(m.stats.byOp.respond).toEqual({ hits: 1, misses: 1 });
    expect(m.keyExchange('unknown_group' as NamedGroupName)).toBeUndefined();
  });

  it('refuses an inner provider whose draws are not a function of its inputs', () => {
    let calls = 0;
    const flaky: CryptoProvider = {
      ...nobleProvider,
      name: 'flaky',
      sign: (_s, _k, _m, rand) => rand.bytes(++calls === 1 ? 4 : 8),
    };
    const m = memoizeProvider(flaky);
    const key = generateKeyPair('ed25519', seededRandom('e')).privateKey;
    m.sign('ed25519', key, utf8('x'), seededRandom('a'));
    // Same path (same first draw of 4 bytes, not cached: a different 4 bytes) → inner now draws 8.
    expect(() => m.sign('ed25519', key, utf8('x'), seededRandom('b'))).toThrow(/not deterministic/);
  });
});

describe('memoizeProvider: handshakes', () => {
  const run = (crypto: CryptoProvider, seed = 3): { wire: Uint8Array[]; client: Endpoint; server: Endpoint } => {
    const { client, server } = makePair({ crypto }, { crypto }, seed);
    const wire: Uint8Array[] = [];
    client.start();
    for (let i = 0; i < 10; i++) {
      let moved = false;
      for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit(), moved = true) wire.push(r), server.handleBytes(r);
      for (let r = server.pollTransmit(); r !== null; r = server.pollTransmit(), moved = true) wire.push(r), client.handleBytes(r);
      if (!moved) break;
    }
    return { wire, client, server };
  };

  it('runs a seeded handshake byte for byte like the plain provider, and the second time from the cache alone', () => {
    const m = memoizeProvider(nobleProvider);
    const plain = run(nobleProvider);
    const first = run(m);
    expect(first.wire).toEqual(plain.wire);
    expect(first.client.state).toBe('CONNECTED');
    const missesAfterFirst = m.stats.misses;
    expect(missesAfterFirst).toBeGreaterThan(10);
    const second = run(m);
    expect(second.wire).toEqual(plain.wire);
    expect(second.server.state).toBe('CONNECTED');
    expect(m.stats.misses).toBe(missesAfterFirst);
    expect(m.stats.byOp.sign.hits).toBe(1);
    // The leaf's signature by the test CA (chain validation uses the endpoint's provider) and CertificateVerify.
    expect(m.stats.byOp.verify.hits).toBe(2);
  });

  it('shares the cache between forks made with Endpoint.clone()', () => {
    const m = memoizeProvider(nobleProvider);
    const { client, server } = makePair({ crypto: m }, { crypto: m }, 5);
    client.start();
    const ch = client.pollTransmit()!;
    const forks = [0, 1, 2].map(() => ({ c: client.clone(), s: server.clone() }));
    for (const f of forks) {
      f.s.handleBytes(ch);
      drive(f.c, f.s);
      expect(f.c.state).toBe('CONNECTED');
      expect(f.s.state).toBe('CONNECTED');
      f.c.write(utf8('hi'));
      drive(f.c, f.s);
      expect(f.s.readApplicationData()).toEqual(utf8('hi'));
    }
    // Forks 2 and 3 cost no new key exchange or signature.
    expect(m.stats.byOp.respond).toEqual({ hits: 2, misses: 1 });
    expect(m.stats.byOp.sign).toEqual({ hits: 2, misses: 1 });
    expect(m.stats.byOp.finish).toEqual({ hits: 2, misses: 1 });
  });
});
