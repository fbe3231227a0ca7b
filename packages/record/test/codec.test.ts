import { describe, expect, it } from 'vitest';
import { bounds, DecodeError, fromHex, Reader, toHex, Writer } from '@tls13sim/record';

describe('Reader and Writer', () => {
  it('round-trips integers of every width big-endian', () => {
    const b = new Writer().u8(0xab).u16(0x1234).u24(0x56789a).u32(0xdeadbeef).finish();
    expect(toHex(b)).toBe('ab123456789adeadbeef');
    const r = new Reader(b);
    expect([r.u8(), r.u16(), r.u24(), r.u32()]).toEqual([0xab, 0x1234, 0x56789a, 0xdeadbeef]);
    r.end();
  });

  it('writes vectors with back-patched length prefixes', () => {
    const b = new Writer().opaque8(fromHex('0102')).opaque16(fromHex('03')).opaque24(fromHex('')).finish();
    expect(toHex(b)).toBe('020102' + '000103' + '000000');
  });

  it('rejects a vector shorter than its <min..max> lower bound', () => {
    const r = new Reader(fromHex('0001ff'));
    expect(() => r.vec16(bounds(2, 10))).toThrow(DecodeError);
  });

  it('rejects a vector longer than its upper bound', () => {
    expect(() => new Reader(fromHex('03010203')).vec8(bounds(0, 2))).toThrow(DecodeError);
  });

  it('rejects a vector whose body runs past the input', () => {
    expect(() => new Reader(fromHex('0005010203')).opaque16()).toThrow(/truncated/);
  });

  it('rejects trailing bytes at end()', () => {
    const r = new Reader(fromHex('0102'));
    r.u8();
    expect(() => r.end()).toThrow(/1 trailing bytes/);
  });

  it('refuses to write a vector outside its bounds', () => {
    expect(() => new Writer().opaque8(new Uint8Array(3), bounds(1, 2))).toThrow(RangeError);
  });

  it('gives every writer its own bytes: nested, abandoned, large, and written to after finish', () => {
    // Writers borrow one working buffer while it is free (codec.ts); after any finish() it
    // is free again, so the first Writer made after one borrows it.
    new Writer().finish();
    const w = new Writer().u8(0x11);
    const done = w.finish();
    const other = new Writer().u8(0x22);
    w.u8(0x33);
    expect([toHex(done), toHex(w.finish()), toHex(other.finish())]).toEqual(['11', '1133', '22']);

    const outer = new Writer().u8(1);
    const inner = new Writer().u16(0x0203).finish();
    const nested = outer.opaque8(inner).finish();
    expect(toHex(nested)).toBe('01020203');

    // A writer that throws never gives the buffer back; the next ones still work.
    expect(() => new Writer().u8(9).vec8((x) => x.bytes(new Uint8Array(300)))).toThrow(RangeError);
    const afterError = new Writer().u8(0xaa).finish();
    const afterThat = new Writer().u8(0xbb).finish();
    expect([toHex(afterError), toHex(afterThat)]).toEqual(['aa', 'bb']);

    new Writer().finish();
    const big = new Writer().bytes(new Uint8Array(70_000).fill(5)).finish();
    const small = new Writer().u8(0xcc).finish();
    expect(big.length).toBe(70_000);
    expect(big.every((x) => x === 5)).toBe(true);
    expect([toHex(done), toHex(nested), toHex(afterError), toHex(small)]).toEqual(['11', '01020203', 'aa', 'cc']);
  });

  it('reads a window of a buffer, and gives vectors sub-readers bounded to their bodies', () => {
    const buf = fromHex('ffff' + '0003' + 'aabbcc' + '01' + 'eeee');
    const r = new Reader(buf, 100, 2, 8);
    expect(r.remaining).toBe(6);
    const v = r.vec16();
    expect([v.base, v.offset, v.remaining]).toEqual([102, 0, 3]);
    expect(v.u8()).toBe(0xaa);
    expect(() => v.u32()).toThrow(DecodeError);
    expect(toHex(v.rest())).toBe('bbcc');
    v.end();
    expect([r.offset, r.u8()]).toEqual([5, 1]);
    expect(r.atEnd).toBe(true);
    expect(() => r.u8()).toThrow(DecodeError);
    expect(() => new Reader(buf, 0, 3, 2)).toThrow(RangeError);
    expect(() => new Reader(buf, 0, 0, buf.length + 1)).toThrow(RangeError);
  });

  it('copies decoded bytes out of the input buffer', () => {
    const input = fromHex('020102');
    const v = new Reader(input).opaque8();
    input[1] = 0xff;
    expect(toHex(v)).toBe('0102');
  });
});

describe('Writer.appendingTo', () => {
  it('writes after the given offset into the given buffer, keeping what precedes it', () => {
    const buf = fromHex('aabbcc0000000000');
    const w = Writer.appendingTo(buf, 3);
    w.u16(0x0102).opaque8(fromHex('ff'));
    expect(w.buffer).toBe(buf);
    expect(w.length).toBe(7);
    expect(toHex(buf.subarray(0, 7))).toBe('aabbcc010201ff');
  });

  it('grows into a larger copy that keeps the prefix, leaving the given buffer as it was past the offset', () => {
    const buf = fromHex('aabbcc00');
    const w = Writer.appendingTo(buf, 3);
    w.bytes(new Uint8Array(300).fill(7));
    expect(w.buffer).not.toBe(buf);
    expect(w.length).toBe(303);
    expect(toHex(w.buffer.subarray(0, 4))).toBe('aabbcc07');
    expect(toHex(buf)).toBe('aabbcc00');
  });

  it('grows from an empty buffer, and refuses an offset past the end', () => {
    const w = Writer.appendingTo(new Uint8Array(0), 0);
    w.u8(5);
    expect(toHex(w.buffer.subarray(0, w.length))).toBe('05');
    expect(() => Writer.appendingTo(new Uint8Array(2), 3)).toThrow(/past the buffer/);
  });
});

describe('toHex', () => {
  it('writes two lower-case digits per byte, short and long inputs alike', () => {
    const naive = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    for (const n of [0, 1, 31, 32, 33, 256, 4099]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 0xff);
      expect(toHex(b)).toBe(naive(b));
    }
    expect(toHex(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(naive(Uint8Array.from({ length: 256 }, (_, i) => i)));
  });
});
