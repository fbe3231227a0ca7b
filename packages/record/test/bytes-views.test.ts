/** viewableBytes and span (bytes.ts): the record path's allocation helpers. */
import { describe, expect, it } from 'vitest';
import { span, viewableBytes } from '../src/bytes.js';

describe('viewableBytes', () => {
  it('gives zeroed arrays of the asked length, small ones with a buffer of their own', () => {
    for (const n of [0, 1, 5, 58, 64, 65, 1024]) {
      const b = viewableBytes(n);
      expect(b.length).toBe(n);
      expect(b.every((x) => x === 0)).toBe(true);
      expect(b.byteOffset).toBe(0);
      expect(b.buffer.byteLength).toBe(n);
    }
  });
});

describe('span', () => {
  it('returns the array itself for its whole range and a view otherwise', () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5);
    expect(span(b, 0, 5)).toBe(b);
    const v = span(b, 1, 4);
    expect(v).not.toBe(b);
    expect(v).toEqual(Uint8Array.of(2, 3, 4));
    expect(v.buffer).toBe(b.buffer);
    expect(span(b, 0, 0)).toEqual(new Uint8Array(0));
  });
});
