/** span (bytes.ts): a view only when one is needed. */
import { describe, expect, it } from 'vitest';
import { span } from '../src/bytes.js';

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
