/**
 * A strict DER (X.690 §10) reader, just the universal types X.509 needs; the writer is
 * der-write.ts (re-exported by the package with this file).
 *
 * Strictness (the reader rejects, with a `DerError` naming what and where):
 * - indefinite lengths and non-minimal length encodings (X.690 §10.1, §8.1.3.5);
 * - high tag numbers (≥ 31; X.509 never needs them);
 * - non-minimal INTEGERs (§8.3.2), BOOLEANs other than 00/FF (§11.1),
 *   BIT STRING padding bits that are not zero (§11.2.1), NULL with content;
 * - times not in the RFC 5280 §4.1.2.5 profile (UTCTime YYMMDDHHMMSSZ,
 *   GeneralizedTime YYYYMMDDHHMMSSZ);
 * - trailing bytes after a value that should end there.
 */
import { PRINTABLE, Tag } from './der-tags.js';

export { Tag, TagClass, contextTag } from './der-tags.js';

export class DerError extends Error {
  constructor(message: string) {
    super(`bad DER: ${message}`);
    this.name = 'DerError';
  }
}

/** One TLV. `tag` is the whole identifier octet (class | constructed | number). */
export interface DerNode {
  readonly tag: number;
  readonly constructed: boolean;
  readonly tagClass: number;
  readonly tagNumber: number;
  /** The content octets. */
  readonly value: Uint8Array;
  /** The whole TLV encoding (what a signature covers). */
  readonly raw: Uint8Array;
  /** Offset of the TLV in the reader's input, for error messages. */
  readonly offset: number;
}

function tagName(tag: number): string {
  const name = Object.entries(Tag).find(([, v]) => v === tag)?.[0];
  if (name) return name;
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/** Reads consecutive TLVs from `bytes`. Sub-readers for SEQUENCE/SET content. */
export class DerReader {
  private pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = 'input',
    private readonly base = 0,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Throws unless every byte has been read. */
  end(): void {
    if (!this.atEnd) throw new DerError(`${this.bytes.length - this.pos} trailing bytes in ${this.what}`);
  }

  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.bytes[this.pos];
  }

  /** The next TLV, whatever its tag. */
  next(): DerNode {
    const b = this.bytes;
    const start = this.pos;
    const at = `at offset ${this.base + start} in ${this.what}`;
    if (start >= b.length) throw new DerError(`expected a value, found the end of ${this.what}`);
    const tag = b[start]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number form ${at}`);
    if (start + 1 >= b.length) throw new DerError(`truncated length ${at}`);
    let len = b[start + 1]!;
    let p = start + 2;
    if (len === 0x80) throw new DerError(`indefinite length ${at}`);
    if (len > 0x80) {
      const n = len & 0x7f;
      if (n > 4) throw new DerError(`length of ${n} octets ${at}`);
      if (p + n > b.length) throw new DerError(`truncated length ${at}`);
      if (b[p] === 0) throw new DerError(`non-minimal length ${at}`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
      if (len < 0x80) throw new DerError(`non-minimal length ${at}`);
      p += n;
    }
    if (p + len > b.length) throw new DerError(`${tagName(tag)} of ${len} bytes overruns ${this.what} ${at}`);
    this.pos = p + len;
    return {
      tag,
      constructed: (tag & 0x20) !== 0,
      tagClass: tag >> 6,
      tagNumber: tag & 0x1f,
      value: b.subarray(p, p + len),
      raw: b.subarray(start, p + len),
      offset: this.base + start,
    };
  }

  /** The next TLV, which must carry `tag`. */
  expect(tag: number, what?: string): DerNode {
    const got = this.peekTag();
    if (got !== tag) {
      const found = got === undefined ? 'the end' : tagName(got);
      throw new DerError(`expected ${what ?? tagName(tag)} (${tagName(tag)}), found ${found} in ${this.what}`);
    }
    return this.next();
  }

  /** The next TLV if it carries `tag`, else undefined (for OPTIONAL / DEFAULT fields). */
  optional(tag: number): DerNode | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  sequence(what = 'SEQUENCE'): DerReader {
    const n = this.expect(Tag.SEQUENCE, what);
    return new DerReader(n.value, what, n.offset + (n.raw.length - n.value.length));
  }

  set(what = 'SET'): DerReader {
    const n = this.expect(Tag.SET, what);
    return new DerReader(n.value, what, n.offset + (n.raw.length - n.value.length));
  }

  integer(what = 'INTEGER'): bigint {
    return decodeInteger(this.expect(Tag.INTEGER, what).value, what);
  }

  /** A small non-negative INTEGER as a number. */
  smallInteger(what = 'INTEGER'): number {
    const v = this.integer(what);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError(`${what} out of range`);
    return Number(v);
  }

  boolean(what = 'BOOLEAN'): boolean {
    return decodeBoolean(this.expect(Tag.BOOLEAN, what).value, what);
  }

  bitString(what = 'BIT STRING'): { unusedBits: number; bytes: Uint8Array } {
    return decodeBitString(this.expect(Tag.BIT_STRING, what).value, what);
  }

  /** A BIT STRING that must hold whole octets (keys, signatures). */
  bitStringBytes(what = 'BIT STRING'): Uint8Array {
    const { unusedBits, bytes } = this.bitString(what);
    if (unusedBits !== 0) throw new DerError(`${what} has ${unusedBits} unused bits`);
    return bytes;
  }

  octetString(what = 'OCTET STRING'): Uint8Array {
    return this.expect(Tag.OCTET_STRING, what).value;
  }

  null(what = 'NULL'): void {
    const n = this.expect(Tag.NULL, what);
    if (n.value.length !== 0) throw new DerError(`${what} with content`);
  }

  oid(what = 'OBJECT IDENTIFIER'): string {
    return decodeOid(this.expect(Tag.OID, what).value, what);
  }

  /** Any of the string types X.509 names use, as text. */
  string(what = 'string'): string {
    return decodeString(this.next(), what);
  }

  /** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5). */
  time(what = 'Time'): Date {
    return decodeTime(this.next(), what);
  }
}

export function decodeInteger(v: Uint8Array, what = 'INTEGER'): bigint {
  if (v.length === 0) throw new DerError(`empty ${what}`);
  if (v.length > 1 && ((v[0] === 0x00 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    throw new DerError(`non-minimal ${what}`);
  }
  let x = 0n;
  for (const b of v) x = (x << 8n) | BigInt(b);
  if (v[0]! & 0x80) x -= 1n << BigInt(8 * v.length);
  return x;
}

export function decodeBoolean(v: Uint8Array, what = 'BOOLEAN'): boolean {
  if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) throw new DerError(`${what} must be one octet 00 or FF`);
  return v[0] === 0xff;
}

export function decodeBitString(v: Uint8Array, what = 'BIT STRING'): { unusedBits: number; bytes: Uint8Array } {
  if (v.length === 0) throw new DerError(`empty ${what}`);
  const unusedBits = v[0]!;
  if (unusedBits > 7 || (v.length === 1 && unusedBits !== 0)) throw new DerError(`${what} with ${unusedBits} unused bits`);
  const bytes = v.subarray(1);
  if (unusedBits > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    throw new DerError(`${what} has non-zero padding bits`);
  }
  return { unusedBits, bytes };
}

export function decodeOid(v: Uint8Array, what = 'OBJECT IDENTIFIER'): string {
  if (v.length === 0) throw new DerError(`empty ${what}`);
  const arcs: bigint[] = [];
  let acc = 0n;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (!started && b === 0x80) throw new DerError(`non-minimal arc in ${what}`);
    started = true;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
      started = false;
    } else if (i === v.length - 1) {
      throw new DerError(`truncated arc in ${what}`);
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

export function decodeString(n: DerNode, what = 'string'): string {
  const v = n.value;
  switch (n.tag) {
    case Tag.UTF8String:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(v);
      } catch {
        throw new DerError(`${what}: invalid UTF-8`);
      }
    case Tag.PrintableString: {
      const s = latin1(v);
      if (!PRINTABLE.test(s)) throw new DerError(`${what}: character outside PrintableString`);
      return s;
    }
    case Tag.IA5String: {
      if (v.some((b) => b > 0x7f)) throw new DerError(`${what}: non-ASCII IA5String`);
      return latin1(v);
    }
    case Tag.T61String:
      return latin1(v);
    case Tag.BMPString: {
      if (v.length % 2) throw new DerError(`${what}: odd-length BMPString`);
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case Tag.UniversalString: {
      if (v.length % 4) throw new DerError(`${what}: bad UniversalString length`);
      let s = '';
      for (let i = 0; i < v.length; i += 4) s += String.fromCodePoint(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return s;
    }
    default:
      throw new DerError(`${what}: ${tagName(n.tag)} is not a string type`);
  }
}

function latin1(v: Uint8Array): string {
  let s = '';
  for (const b of v) s += String.fromCharCode(b);
  return s;
}

export function decodeTime(n: DerNode, what = 'Time'): Date {
  const s = latin1(n.value);
  let m: RegExpMatchArray | null;
  let year: number;
  if (n.tag === Tag.UTCTime) {
    // RFC 5280 §4.1.2.5.1: YYMMDDHHMMSSZ; YY >= 50 means 19YY.
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError(`${what}: UTCTime "${s}" is not YYMMDDHHMMSSZ`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (n.tag === Tag.GeneralizedTime) {
    // RFC 5280 §4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds.
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError(`${what}: GeneralizedTime "${s}" is not YYYYMMDDHHMMSSZ`);
    year = Number(m[1]);
  } else {
    throw new DerError(`${what}: expected UTCTime or GeneralizedTime, found ${tagName(n.tag)}`);
  }
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m![i]));
  const t = Date.UTC(year, mo! - 1, d, h, mi, se);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || h! > 23 || mi! > 59 || se! > 59) {
    throw new DerError(`${what}: "${s}" is not a valid date`);
  }
  return back;
}
