/**
 * The DER (X.690 §10) writer of der.ts: each function returns one complete TLV, in the
 * minimal encodings the reader demands (definite, minimal lengths; minimal INTEGERs;
 * RFC 5280 §4.1.2.5 times). der.ts re-exports it.
 */
import { concatBytes } from '@tls13sim/record';
import { PRINTABLE, Tag, contextTag } from './der-tags.js';

export function derTlv(tag: number, value: Uint8Array): Uint8Array {
  const len = value.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const lenBytes: number[] = [];
    for (let l = len; l > 0; l = Math.floor(l / 256)) lenBytes.unshift(l & 0xff);
    header = [tag, 0x80 | lenBytes.length, ...lenBytes];
  }
  const out = new Uint8Array(header.length + len);
  out.set(header);
  out.set(value, header.length);
  return out;
}

export function derSequence(...children: Uint8Array[]): Uint8Array {
  return derTlv(Tag.SEQUENCE, concatBytes(...children));
}

/** SET OF: DER sorts the encodings (X.690 §11.6). */
export function derSet(...children: Uint8Array[]): Uint8Array {
  const sorted = [...children].sort(compareBytes);
  return derTlv(Tag.SET, concatBytes(...sorted));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function derInteger(x: bigint | number): Uint8Array {
  let v = BigInt(x);
  const bytes: number[] = [];
  if (v >= 0n) {
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if (bytes[0]! & 0x80) bytes.unshift(0);
  } else {
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v < -1n || (bytes[0]! & 0x80) === 0);
  }
  return derTlv(Tag.INTEGER, Uint8Array.from(bytes));
}

/** An INTEGER from unsigned big-endian bytes (leading zeros stripped). */
export function derUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const body = bytes.subarray(i);
  return derTlv(Tag.INTEGER, body[0]! & 0x80 ? concatBytes(Uint8Array.of(0), body) : body);
}

export function derBoolean(b: boolean): Uint8Array {
  return derTlv(Tag.BOOLEAN, Uint8Array.of(b ? 0xff : 0x00));
}

export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(Tag.BIT_STRING, concatBytes(Uint8Array.of(unusedBits), bytes));
}

/** A named-bit BIT STRING (KeyUsage): bit 0 is the MSB of the first octet; trailing zero bits dropped (X.690 §11.2.2). */
export function derNamedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return derBitString(new Uint8Array(0));
  const max = Math.max(...bits);
  const bytes = new Uint8Array((max >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return derBitString(bytes, 7 - (max & 7));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(Tag.OCTET_STRING, bytes);
}

export function derNull(): Uint8Array {
  return Uint8Array.of(Tag.NULL, 0);
}

export function derOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`derOid: bad OID "${oid}"`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2n) throw new Error(`derOid: bad OID "${oid}"`);
  const out: number[] = [];
  const push = (x: bigint) => {
    const group: number[] = [Number(x & 0x7fn)];
    for (let v = x >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return derTlv(Tag.OID, Uint8Array.from(out));
}

export function derUtf8(s: string): Uint8Array {
  return derTlv(Tag.UTF8String, new TextEncoder().encode(s));
}

export function derPrintable(s: string): Uint8Array {
  if (!PRINTABLE.test(s)) throw new Error(`derPrintable: "${s}" has characters outside PrintableString`);
  return derTlv(Tag.PrintableString, new TextEncoder().encode(s));
}

export function derIa5(s: string): Uint8Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5String is all of ASCII, controls included (X.680)
  if (/[^\x00-\x7f]/.test(s)) throw new Error(`derIa5: "${s}" is not ASCII`);
  return derTlv(Tag.IA5String, new TextEncoder().encode(s));
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function timeDigits(d: Date): string {
  return `${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
}

export function derUtcTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (y < 1950 || y > 2049) throw new Error(`derUtcTime: year ${y} needs GeneralizedTime`);
  return derTlv(Tag.UTCTime, new TextEncoder().encode(pad(y % 100, 2) + timeDigits(d)));
}

export function derGeneralizedTime(d: Date): Uint8Array {
  return derTlv(Tag.GeneralizedTime, new TextEncoder().encode(pad(d.getUTCFullYear(), 4) + timeDigits(d)));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function derTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  return y >= 1950 && y <= 2049 ? derUtcTime(d) : derGeneralizedTime(d);
}

/** A context-specific tag: constructed ([n] EXPLICIT, or IMPLICIT of a constructed type) or primitive (IMPLICIT). */
export function derContext(n: number, content: Uint8Array, constructed = true): Uint8Array {
  return derTlv(contextTag(n, constructed), content);
}
