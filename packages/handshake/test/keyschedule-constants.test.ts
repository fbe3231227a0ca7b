/**
 * The key schedule's per-provider constants (keyschedule/stages.ts, hkdf-label.ts): without
 * a PSK the Early Secret, its "derived" salt and Hash("") depend on the provider and the
 * hash function alone, so each is computed once per provider object and hash. These tests
 * pin the values (RFC 8448 §3), that a second handshake's worth of them costs no provider
 * call, and that the cache can never hand out a value that is not the provider's own:
 * another provider gets its own, and a caller mutating what it got changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '@tls13sim/record';
import { nobleProvider } from '../src/crypto/noble.js';
import type { CryptoProvider, HashName } from '../src/crypto/provider.js';
import { EarlySecret, emptyHash } from '../src/keyschedule/index.js';

/** Wraps `inner`, counting every call; `tweak` (if given) alters every hash and HKDF output. */
function counting(inner: CryptoProvider, tweak?: (b: Uint8Array) => Uint8Array): { provider: CryptoProvider; calls: () => number } {
  let n = 0;
  const t = tweak ?? ((b: Uint8Array) => b);
  const provider: CryptoProvider = {
    ...inner,
    hash: (alg, data) => (n++, t(inner.hash(alg, data))),
    hmac: (alg, key, data) => (n++, t(inner.hmac(alg, key, data))),
    hkdfExtract: (alg, salt, ikm) => (n++, t(inner.hkdfExtract(alg, salt, ikm))),
    hkdfExpand: (alg, prk, info, length) => (n++, t(inner.hkdfExpand(alg, prk, info, length))),
  };
  return { provider, calls: () => n };
}

/** The same values computed the long way, with nothing cached: HKDF-Extract(0, 0) and Derive-Secret(., "derived", ""). */
function uncached(provider: CryptoProvider, hash: HashName): { early: Uint8Array; derived: Uint8Array } {
  const zeros = new Uint8Array(provider.hashLength(hash));
  const e = EarlySecret.fromPsk(provider, hash, zeros);
  return { early: e.secret, derived: e.derivedSecret() };
}

describe('key schedule constants without a PSK (RFC 8446 §7.1)', () => {
  it('are the RFC 8448 §3 values', () => {
    const e = EarlySecret.withoutPsk(nobleProvider, 'sha256');
    // RFC 8448 §3, "HKDF-Extract ... secret" (early) and "derive secret for handshake" ("tls13 derived").
    expect(e.secret).toEqual(fromHex('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a'));
    expect(e.derivedSecret()).toEqual(fromHex('6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba'));
    expect(emptyHash(nobleProvider, 'sha256')).toEqual(fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'));
  });

  it('cost no provider call after the first time for a provider and hash', () => {
    const { provider, calls } = counting(nobleProvider);
    for (const hash of ['sha256', 'sha384'] as const) {
      EarlySecret.withoutPsk(provider, hash).derivedSecret();
      emptyHash(provider, hash);
      const before = calls();
      const e = EarlySecret.withoutPsk(provider, hash);
      const derived = e.derivedSecret();
      const empty = emptyHash(provider, hash);
      expect(calls()).toBe(before);
      const expected = uncached(nobleProvider, hash);
      expect(e.secret).toEqual(expected.early);
      expect(derived).toEqual(expected.derived);
      expect(empty).toEqual(nobleProvider.hash(hash, new Uint8Array(0)));
    }
  });

  it("are per provider: another provider gets its own values, never the first one's", () => {
    const a = counting(nobleProvider);
    const flip = (b: Uint8Array) => b.map((x) => x ^ 0xff);
    const b = counting(nobleProvider, flip);
    const fromA = EarlySecret.withoutPsk(a.provider, 'sha256');
    const fromB = EarlySecret.withoutPsk(b.provider, 'sha256');
    expect(fromB.secret).not.toEqual(fromA.secret);
    expect(fromB.secret).toEqual(uncached(b.provider, 'sha256').early);
    expect(fromB.derivedSecret()).toEqual(uncached(b.provider, 'sha256').derived);
    expect(emptyHash(b.provider, 'sha256')).toEqual(flip(nobleProvider.hash('sha256', new Uint8Array(0))));
    expect(emptyHash(a.provider, 'sha256')).toEqual(nobleProvider.hash('sha256', new Uint8Array(0)));
  });

  it('stay as computed when a caller overwrites what it was given', () => {
    const { provider } = counting(nobleProvider);
    const first = EarlySecret.withoutPsk(provider, 'sha256');
    first.secret.fill(0);
    first.derivedSecret().fill(0);
    emptyHash(provider, 'sha256').fill(0);
    const expected = uncached(nobleProvider, 'sha256');
    const again = EarlySecret.withoutPsk(provider, 'sha256');
    expect(again.secret).toEqual(expected.early);
    expect(again.derivedSecret()).toEqual(expected.derived);
    expect(emptyHash(provider, 'sha256')).toEqual(nobleProvider.hash('sha256', new Uint8Array(0)));
    // The handshake secret built on it is the uncached one's.
    const shared = new Uint8Array(32).fill(7);
    expect(again.handshakeSecret(shared).secret).toEqual(EarlySecret.fromPsk(nobleProvider, 'sha256', new Uint8Array(32)).handshakeSecret(shared).secret);
  });
});
