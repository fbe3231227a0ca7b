/**
 * `seededRandom` is SHA-256(seed || uint32 counter, big-endian) blocks served in order
 * (crypto/random.ts): every recorded run and scenario trace replays from it, so its bytes
 * must never change. Checked against that definition written out directly, over seeds of
 * every form and length (either side of SHA-256's 55/64-byte block boundaries), draw sizes
 * that cross blocks, and clones drawn from alongside their originals. `systemRandom`, the
 * CSPRNG for real connections, is checked for its pooling and its spread.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { seededRandom, systemRandom } from '../src/crypto/random.js';

/** The definition: the first `n` bytes of SHA-256(seed || 0) || SHA-256(seed || 1) || … */
function reference(seed: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n + 32);
  for (let c = 0, at = 0; at < n; c++, at += 32) {
    const ctr = Uint8Array.of(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
    out.set(createHash('sha256').update(seed).update(ctr).digest(), at);
  }
  return out.subarray(0, n);
}

function drawAll(r: { bytes(n: number): Uint8Array }, sizes: readonly number[]): Uint8Array {
  const parts = sizes.map((s) => r.bytes(s));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const SIZES = [1, 31, 32, 33, 0, 4, 100, 64, 7];
const total = SIZES.reduce((a, b) => a + b, 0);

describe('seededRandom (SHA-256 counter-mode DRBG)', () => {
  it('serves SHA-256(seed || counter) blocks in order for string, number and byte seeds', () => {
    const enc = new TextEncoder();
    expect(drawAll(seededRandom('bench-client:7'), SIZES)).toEqual(reference(enc.encode('bench-client:7'), total));
    expect(drawAll(seededRandom(42), SIZES)).toEqual(reference(enc.encode('tls13sim-seed:42'), total));
    for (const len of [0, 1, 51, 52, 55, 56, 60, 63, 64, 65, 119, 128, 300]) {
      const seed = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
      expect(drawAll(seededRandom(seed), SIZES), `seed of ${len} bytes`).toEqual(reference(seed, total));
    }
  });

  it('does not follow later changes to a byte seed', () => {
    const seed = Uint8Array.from({ length: 40 }, (_, i) => i);
    const r = seededRandom(seed);
    const expected = reference(seed.slice(), 96);
    seed.fill(0xee);
    expect(r.bytes(96)).toEqual(expected);
  });

  it('clones continue from the same position, independently of the original and of each other', () => {
    const seed = new TextEncoder().encode('clone-me');
    const all = reference(seed, 400);
    const r = seededRandom(seed);
    expect(r.bytes(45)).toEqual(all.subarray(0, 45));
    const c1 = r.clone!();
    expect(r.bytes(100)).toEqual(all.subarray(45, 145));
    const c2 = c1.clone!();
    expect(c1.bytes(70)).toEqual(all.subarray(45, 115));
    expect(c2.bytes(200)).toEqual(all.subarray(45, 245));
    expect(c1.bytes(30)).toEqual(all.subarray(115, 145));
    expect(r.bytes(10)).toEqual(all.subarray(145, 155));
  });

  it('hands out bytes the caller may overwrite without changing later draws or clones', () => {
    const seed = new TextEncoder().encode('overwrite');
    const all = reference(seed, 128);
    const r = seededRandom(seed);
    r.bytes(10).fill(0);
    const c = r.clone!();
    r.bytes(20).fill(0);
    expect(c.bytes(50)).toEqual(all.subarray(10, 60));
    expect(r.bytes(40)).toEqual(all.subarray(30, 70));
  });
});

describe('CounterSha256 (the DRBG blocks)', () => {
  it('is SHA-256(prefix || counter) for prefixes either side of the block boundaries and any uint32 counter', async () => {
    const { CounterSha256 } = await import('../src/crypto/counter-sha256.js');
    for (const len of [0, 1, 51, 52, 55, 56, 59, 60, 63, 64, 65, 115, 116, 127, 128, 129, 200]) {
      const prefix = Uint8Array.from({ length: len }, (_, i) => (i * 29 + len) & 0xff);
      const blocks = new CounterSha256(prefix);
      for (const c of [0, 1, 255, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
        const ctr = Uint8Array.of(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
        const expected = new Uint8Array(createHash('sha256').update(prefix).update(ctr).digest());
        expect(blocks.digest(c), `prefix of ${len} bytes, counter ${c}`).toEqual(expected);
      }
    }
  });
});

describe('systemRandom', () => {
  it('serves small draws from a pool filled 1 KiB at a time, and large ones straight from the CSPRNG', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      const draws = Array.from({ length: 96 }, () => systemRandom.bytes(32));
      // 96 × 32 bytes = 3 KiB: three or four fills of the pool (one may be part-used already).
      expect(spy.mock.calls.length).toBeLessThanOrEqual(4);
      expect(spy.mock.calls.every(([a]) => (a as Uint8Array).length === 1024)).toBe(true);
      spy.mockClear();
      expect(systemRandom.bytes(4096)).toHaveLength(4096);
      expect(spy.mock.calls.map(([a]) => (a as Uint8Array).length)).toEqual([4096]);
      // No byte is handed out twice: no 32-byte draw repeats, and none is all zeros.
      const hex = new Set(draws.map((d) => Buffer.from(d).toString('hex')));
      expect(hex.size).toBe(96);
      expect(draws.some((d) => d.every((x) => x === 0))).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives each length asked for, zero included, and refuses a bad one', () => {
    for (const n of [0, 1, 4, 12, 16, 32, 48, 255, 256, 257, 1024, 3000]) expect(systemRandom.bytes(n)).toHaveLength(n);
    expect(() => systemRandom.bytes(-1)).toThrow(RangeError);
    expect(() => systemRandom.bytes(1.5)).toThrow(RangeError);
  });

  it('spreads its bytes like a CSPRNG: each byte value about equally often over 64 KiB of small draws', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4096; i++) for (const b of systemRandom.bytes(16)) counts[b]! += 1;
    // 65,536 bytes: 256 expected per value; a uniform source stays within ±120 with overwhelming probability (7.5 sigma).
    expect(Math.min(...counts)).toBeGreaterThan(136);
    expect(Math.max(...counts)).toBeLessThan(376);
  });
});
