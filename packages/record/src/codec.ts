/**
 * The one byte codec for every TLS structure (RFC 8446 §3 presentation language).
 *
 * `Reader` reads big-endian integers, fixed-length opaque values and variable-length
 * vectors `<min..max>` whose length prefix is 1, 2 or 3 bytes (§3.4). A vector's body is
 * read through a bounded sub-reader that must be consumed exactly; `end()` rejects
 * trailing bytes. Every failure is a `DecodeError` (→ decode_error).
 */
import { DecodeError } from './errors.js';

/** The RFC's `<min..max>` bounds of a vector, in bytes. */
export interface VecBounds {
  readonly min: number;
  readonly max: number;
}

export const bounds = (min: number, max: number): VecBounds => ({ min, max });

export class Reader {
  /**
   * The reader's bytes are `buf[from, to)`, `pos` an index into `buf`. A vector's sub-reader
   * shares its parent's `buf` with narrower bounds: no view is made per vector (a subarray
   * costs about as much as reading a whole small extension).
   */
  private readonly buf: Uint8Array;
  private readonly from: number;
  private readonly to: number;
  private pos: number;
  /** Absolute offset of this reader's first byte in the outermost buffer (for annotations). */
  readonly base: number;

  /**
   * Reads `buf[from, to)` (all of `buf` by default); `base` is the absolute offset of its
   * first byte in the outermost buffer.
   */
  constructor(buf: Uint8Array, base = 0, from = 0, to = buf.length) {
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= buf.length)) {
      throw new RangeError(`Reader: window [${from}, ${to}) outside a buffer of ${buf.length} bytes`);
    }
    this.buf = buf;
    this.from = from;
    this.to = to;
    this.pos = from;
    this.base = base;
  }

  get offset(): number {
    return this.pos - this.from;
  }

  get remaining(): number {
    return this.to - this.pos;
  }

  get atEnd(): boolean {
    return this.pos === this.to;
  }

  private need(n: number, what: string): void {
    if (this.to - this.pos < n) {
      throw new DecodeError(`truncated ${what}: need ${n} bytes, have ${this.to - this.pos}`);
    }
  }

  u8(): number {
    this.need(1, 'uint8');
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2, 'uint16');
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3, 'uint24');
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4, 'uint32');
    const v = this.buf[this.pos]! * 0x1000000 + ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  /** `opaque x[n]`: a fixed-length value, copied out (decoded values own their bytes). */
  bytes(n: number): Uint8Array {
    this.need(n, `opaque[${n}]`);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** All remaining bytes, copied. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Reads a vector's length prefix and checks it against `b` and the bytes left. */
  private vecLength(prefix: 1 | 2 | 3, b: VecBounds): number {
    const len = prefix === 1 ? this.u8() : prefix === 2 ? this.u16() : this.u24();
    if (len < b.min || len > b.max) {
      throw new DecodeError(`vector length ${len} outside <${b.min}..${b.max}>`);
    }
    this.need(len, `vector body of ${len} bytes`);
    return len;
  }

  private vec(prefix: 1 | 2 | 3, b: VecBounds): Reader {
    const len = this.vecLength(prefix, b);
    const sub = new Reader(this.buf, this.base + (this.pos - this.from), this.pos, this.pos + len);
    this.pos += len;
    return sub;
  }

  /** A vector's body copied out directly: no sub-reader for opaque bytes. */
  private opaque(prefix: 1 | 2 | 3, b: VecBounds): Uint8Array {
    const len = this.vecLength(prefix, b);
    const out = this.buf.slice(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** A vector with a 1-byte length prefix; returns a sub-reader over its body. */
  vec8(b: VecBounds = bounds(0, 0xff)): Reader {
    return this.vec(1, b);
  }

  vec16(b: VecBounds = bounds(0, 0xffff)): Reader {
    return this.vec(2, b);
  }

  vec24(b: VecBounds = bounds(0, 0xffffff)): Reader {
    return this.vec(3, b);
  }

  /** `opaque x<min..max>` with a 1/2/3-byte prefix, returned as bytes (copied). */
  opaque8(b: VecBounds = bounds(0, 0xff)): Uint8Array {
    return this.opaque(1, b);
  }

  opaque16(b: VecBounds = bounds(0, 0xffff)): Uint8Array {
    return this.opaque(2, b);
  }

  opaque24(b: VecBounds = bounds(0, 0xffffff)): Uint8Array {
    return this.opaque(3, b);
  }

  /** Reads items until this reader is exhausted (the body of a vector of structures). */
  list<T>(item: (r: Reader) => T): T[] {
    const out: T[] = [];
    while (!this.atEnd) out.push(item(this));
    return out;
  }

  /** Rejects trailing bytes: every structure must be consumed exactly. */
  end(what = 'structure'): void {
    if (!this.atEnd) throw new DecodeError(`${this.remaining} trailing bytes after ${what}`);
  }
}

/**
 * One working buffer lent to the Writer in use. Writers are synchronous and short-lived:
 * one takes the buffer when it is free and gives it back in `finish`, so encoding a
 * message allocates only its result. A Writer made while another holds it (a nested
 * encoding), or one that never finishes (an encoding error), works in its own buffer.
 */
const SPARE_BYTES = 4096;
const SPARE_MAX_BYTES = 1 << 16;
let spare: Uint8Array | null = null;

/** Growable big-endian writer. Length prefixes are back-patched and checked against bounds. */
export class Writer {
  private buf: Uint8Array;
  private len = 0;
  private borrowed: boolean;

  /** `own`: work in this buffer, not the spare (appendingTo). */
  constructor(own?: Uint8Array) {
    if (own !== undefined) {
      this.buf = own;
      this.borrowed = false;
    } else if (spare !== null) {
      this.buf = spare;
      spare = null;
      this.borrowed = true;
    } else {
      this.buf = new Uint8Array(256);
      this.borrowed = false;
    }
  }

  /**
   * A writer that appends to `buf` after its first `from` bytes, which it keeps: for an
   * owner that holds a growing buffer and wants a message encoded straight into it. Once
   * `buf` is outgrown the writer works in a larger copy (the first `from` bytes included):
   * the owner then takes `buffer` in place of its own. `finish` is not for such a writer.
   */
  static appendingTo(buf: Uint8Array, from: number): Writer {
    if (from > buf.length) throw new RangeError(`Writer.appendingTo: offset ${from} past the buffer's ${buf.length} bytes`);
    const w = new Writer(buf);
    w.len = from;
    return w;
  }

  /** The working buffer: the bytes written are its first `length`. An appending writer's owner reads it; others call `finish`. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = Math.max(this.buf.length * 2, 256);
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    checkInt(v, 0xff, 'uint8');
    this.grow(1);
    this.buf[this.len++] = v;
    return this;
  }

  u16(v: number): this {
    checkInt(v, 0xffff, 'uint16');
    this.grow(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    checkInt(v, 0xffffff, 'uint24');
    this.grow(3);
    this.buf[this.len++] = v >>> 16;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    checkInt(v, 0xffffffff, 'uint32');
    this.grow(4);
    this.buf[this.len++] = (v / 0x1000000) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  private vec(prefix: 1 | 2 | 3, b: VecBounds, body: (w: Writer) => void): this {
    const start = this.len;
    this.grow(prefix);
    this.len += prefix;
    body(this);
    const n = this.len - start - prefix;
    if (n < b.min || n > b.max) {
      throw new RangeError(`Writer: vector length ${n} outside <${b.min}..${b.max}>`);
    }
    for (let i = 0; i < prefix; i++) this.buf[start + i] = (n >>> (8 * (prefix - 1 - i))) & 0xff;
    return this;
  }

  vec8(body: (w: Writer) => void, b: VecBounds = bounds(0, 0xff)): this {
    return this.vec(1, b, body);
  }

  vec16(body: (w: Writer) => void, b: VecBounds = bounds(0, 0xffff)): this {
    return this.vec(2, b, body);
  }

  vec24(body: (w: Writer) => void, b: VecBounds = bounds(0, 0xffffff)): this {
    return this.vec(3, b, body);
  }

  opaque8(v: Uint8Array, b: VecBounds = bounds(0, 0xff)): this {
    return this.vec8((w) => w.bytes(v), b);
  }

  opaque16(v: Uint8Array, b: VecBounds = bounds(0, 0xffff)): this {
    return this.vec16((w) => w.bytes(v), b);
  }

  opaque24(v: Uint8Array, b: VecBounds = bounds(0, 0xffffff)): this {
    return this.vec24((w) => w.bytes(v), b);
  }

  /** The bytes written (a copy the caller owns). */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    if (this.borrowed) {
      // Hand the working buffer back (grown or not, within reason) and carry on, should
      // anything be written after finish, from our own copy.
      spare = this.buf.length <= SPARE_MAX_BYTES ? this.buf : null;
      this.buf = out;
      this.borrowed = false;
    } else if (spare === null) {
      spare = new Uint8Array(SPARE_BYTES);
    }
    return out;
  }
}

function checkInt(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`Writer: ${v} is not a ${what}`);
}
