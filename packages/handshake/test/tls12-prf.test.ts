/**
 * TLS 1.2 PRF (RFC 5246 §5), extended master secret (RFC 7627 §4), key block (§6.3) and
 * Finished verify_data (§7.4.9). Oracles: the P_SHA256 / P_SHA384 "test label" vectors
 * posted to the IETF TLS list (mail-archive tls/current/msg03416) and OpenSSL 3.0's
 * TLS1-PRF (`openssl kdf ... TLS1-PRF`, whose seed is label || seed), never this code.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '@tls13sim/record';
import {
  createNodeProvider,
  tls12ExtendedMasterSecret,
  tls12VerifyData,
  tls12KeyBlock,
  nobleProvider,
  tls12PHash,
  tls12Prf,
  type HashName,
} from '@tls13sim/handshake';

const providers = [nobleProvider, createNodeProvider()];

const IETF = [
  {
    hash: 'sha256' as HashName,
    secret: '9bbe436ba940f017b17652849a71db35',
    seed: 'a0ba9f936cda311827a6f796ffd5198c',
    out:
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
      '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  },
  {
    hash: 'sha384' as HashName,
    secret: 'b80b733d6ceefcdc71566ea48e5567df',
    seed: 'cd665cf6a8447dd6ff8b27555edb7465',
    out:
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
      '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
      '91c8f3a26854308d5eaa3be85e0990703d73e56f',
  },
];

/** OpenSSL's TLS1-PRF: the seed it takes is label || seed. */
function opensslPrf(hash: HashName, secret: Uint8Array, labelAndSeed: Uint8Array, length: number): string {
  const out = execFileSync(
    'openssl',
    [
      'kdf',
      '-keylen',
      String(length),
      '-kdfopt',
      `digest:${hash.toUpperCase()}`,
      '-kdfopt',
      `hexsecret:${toHex(secret)}`,
      '-kdfopt',
      `hexseed:${toHex(labelAndSeed)}`,
      'TLS1-PRF',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return out.trim().replace(/:/g, '').toLowerCase();
}

describe('TLS 1.2 PRF known answers', () => {
  for (const p of providers) {
    for (const v of IETF) {
      it(`P_${v.hash.toUpperCase()} "test label" vector (${v.out.length / 2} bytes) with the ${p.name} provider`, () => {
        expect(toHex(tls12Prf(p, v.hash, fromHex(v.secret), 'test label', fromHex(v.seed), v.out.length / 2))).toBe(v.out);
      });
    }
  }

  it('every output length is a prefix of the longer output (P_hash is a stream; the excess is discarded)', () => {
    const v = IETF[0]!;
    for (let n = 0; n <= 100; n++)
      expect(toHex(tls12Prf(nobleProvider, 'sha256', fromHex(v.secret), 'test label', fromHex(v.seed), n))).toBe(v.out.slice(0, 2 * n));
    expect(() => tls12PHash(nobleProvider, 'sha256', new Uint8Array(1), new Uint8Array(1), -1)).toThrow(RangeError);
  });
});

describe('TLS 1.2 derivations against OpenSSL 3.0 TLS1-PRF', () => {
  it('PRF with random secrets, seeds and lengths, both hashes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HashName>('sha256', 'sha384'),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 200 }),
        (hash, secret, seed, n) => {
          const want = opensslPrf(hash, secret, concatBytes(utf8('some label'), seed), n);
          expect(toHex(tls12Prf(nobleProvider, hash, secret, 'some label', seed, n))).toBe(want);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('extended master secret, key block and verify_data are the PRF with the RFC labels and seeds', () => {
    const pms = fromHex('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20');
    const sessionHash = fromHex('aa'.repeat(48));
    for (const hash of ['sha256', 'sha384'] as HashName[]) {
      const ms = tls12ExtendedMasterSecret(nobleProvider, hash, pms, sessionHash);
      expect(ms.length).toBe(48);
      expect(toHex(ms)).toBe(opensslPrf(hash, pms, concatBytes(utf8('extended master secret'), sessionHash), 48));
      const cr = fromHex('11'.repeat(32));
      const sr = fromHex('22'.repeat(32));
      // RFC 5246 §6.3: the seed is server_random + client_random (the reverse of the master secret's).
      const block = opensslPrf(hash, ms, concatBytes(utf8('key expansion'), sr, cr), 2 * 32 + 2 * 4);
      const kb = tls12KeyBlock(nobleProvider, hash, ms, cr, sr, 32, 4);
      expect(toHex(concatBytes(kb.client.key, kb.server.key, kb.client.iv, kb.server.iv))).toBe(block);
      const th = fromHex('33'.repeat(hash === 'sha256' ? 32 : 48));
      expect(toHex(tls12VerifyData(nobleProvider, hash, ms, 'client', th))).toBe(opensslPrf(hash, ms, concatBytes(utf8('client finished'), th), 12));
      expect(toHex(tls12VerifyData(nobleProvider, hash, ms, 'server', th))).toBe(opensslPrf(hash, ms, concatBytes(utf8('server finished'), th), 12));
    }
  });
});
