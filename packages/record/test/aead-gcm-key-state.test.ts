/**
 * Issue 16: a flood of one-byte records made `serve` grow because every AES-GCM record
 * rebuilt the AES key schedule and the GHASH table (noble's `gcm(key, nonce)` per record).
 * The memory goal itself is a bench row (bench/flood.ts); this checks its cause: per-key
 * work is done once per key, not once per record. Counts every way noble builds it.
 */
import { describe, expect, it, vi } from 'vitest';

const counts = vi.hoisted(() => ({ gcm: 0, expandKey: 0, ghash: 0 }));

vi.mock('@noble/ciphers/aes.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('@noble/ciphers/aes.js')>();
  const gcm = ((...args: Parameters<typeof orig.gcm>) => {
    counts.gcm++;
    return orig.gcm(...args);
  }) as typeof orig.gcm;
  const unsafe = {
    ...orig.unsafe,
    expandKeyLE: (...args: Parameters<typeof orig.unsafe.expandKeyLE>) => {
      counts.expandKey++;
      return orig.unsafe.expandKeyLE(...args);
    },
  };
  return { ...orig, gcm, unsafe };
});

vi.mock('@noble/ciphers/_polyval.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('@noble/ciphers/_polyval.js')>();
  class GHASH extends orig.GHASH {
    constructor(...args: ConstructorParameters<typeof orig.GHASH>) {
      super(...args);
      counts.ghash++;
    }
  }
  return { ...orig, GHASH };
});

const { nobleAead } = await import('@tls13sim/record');

describe.each(['aes128gcm', 'aes256gcm'] as const)('noble %s per-key state', (name) => {
  it('1000 records sealed and opened under two keys build the key schedule and GHASH table once per key', () => {
    const aead = nobleAead(name);
    const keys = [new Uint8Array(aead.keyLength).fill(1), new Uint8Array(aead.keyLength).fill(2)];
    const aad = new Uint8Array(5);
    counts.gcm = counts.expandKey = counts.ghash = 0;
    for (let i = 0; i < 1000; i++) {
      const key = keys[i % 2]!;
      const nonce = new Uint8Array(12);
      new DataView(nonce.buffer).setUint32(8, i);
      const sealed = aead.seal(key, nonce, aad, Uint8Array.of(i & 0xff, 23));
      expect(aead.open(key, nonce, aad, sealed)).toEqual(Uint8Array.of(i & 0xff, 23));
    }
    // Each gcm(key, nonce) call expands the key and builds a GHASH table inside noble.
    expect(counts.gcm + counts.expandKey).toBe(2);
    expect(counts.gcm + counts.ghash).toBe(2);
  });
});
