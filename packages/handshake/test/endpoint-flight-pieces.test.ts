/** flightPieces (endpoint/records.ts): a flight cut into records, joined without a copy when it can be. */
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '@tls13sim/record';
import { flightPieces } from '../src/endpoint/records.js';

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('flightPieces', () => {
  it('joins messages lying back to back in one buffer by a view', () => {
    const buf = new Uint8Array(400);
    for (let i = 0; i < buf.length; i++) buf[i] = i & 0xff;
    const raws = [buf.subarray(10, 110), buf.subarray(110, 150), buf.subarray(150, 300)];
    const [piece, more] = flightPieces(raws, ['a', 'b', 'c'], 1000);
    expect(more).toBeUndefined();
    expect(piece!.bytes.buffer).toBe(buf.buffer);
    expect(toHex(piece!.bytes)).toBe(toHex(buf.subarray(10, 300)));
    expect(piece!.messages).toEqual(['a', 'b', 'c']);
  });

  it('copies messages that are not back to back, or not in one buffer, or not views', () => {
    const buf = new Uint8Array(400).fill(3);
    const other = new Uint8Array(400).fill(4);
    const cases = [
      [buf.subarray(10, 110), buf.subarray(120, 150)], // a gap
      [buf.subarray(10, 110), other.subarray(110, 150)], // the same offsets, another buffer
      [filled(100, 1), filled(40, 2)], // arrays of their own
      [buf.subarray(110, 150), buf.subarray(10, 110)], // out of order
    ];
    for (const raws of cases) {
      const [piece] = flightPieces(raws, ['a', 'b'], 1000);
      expect(piece!.bytes.buffer).not.toBe(buf.buffer);
      expect(piece!.bytes.buffer).not.toBe(other.buffer);
      expect(toHex(piece!.bytes)).toBe(toHex(concatBytes(...raws)));
    }
  });

  it('cuts a joined flight into pieces of the record size, naming the messages starting in each', () => {
    const buf = new Uint8Array(300).fill(9);
    const raws = [buf.subarray(1, 101), buf.subarray(101, 141), buf.subarray(141, 291)];
    const pieces = flightPieces(raws, ['a', 'b', 'c'], 128);
    expect(pieces.map((p) => p.bytes.length)).toEqual([128, 128, 34]);
    expect(pieces.map((p) => p.messages)).toEqual([['a', 'b'], ['c'], []]);
  });
});
