/** Small byte helpers shared by every layer. Uint8Array everywhere. */

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** `b[from, to)` as a view, or `b` itself when that is all of it (no view made). */
export function span(b: Uint8Array, from: number, to: number): Uint8Array {
  return from === 0 && to === b.length ? b : b.subarray(from, to);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison for MACs and verify_data (timing leaks only the length). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
// The hex digits are ASCII, which windows-1252 ("latin1") decodes to themselves.
const asciiDecoder = new TextDecoder('latin1');

// Node's Buffer hex-encodes natively; browsers take the portable path below.
type HexBuffer = { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'hex'): string } };
const nodeBuffer = (globalThis as { Buffer?: HexBuffer }).Buffer;

/** Lower-case hex. Traces hex every record, so long inputs take one native call. */
export function toHex(b: Uint8Array): string {
  if (b.length >= 32 && nodeBuffer !== undefined) return nodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  if (b.length < 32) {
    let s = '';
    for (let i = 0; i < b.length; i++) s += HEX_PAIRS[b[i]!]!;
    return s;
  }
  const digits = new Uint8Array(2 * b.length);
  for (let i = 0; i < b.length; i++) {
    digits[2 * i] = HEX_DIGITS[b[i]! >>> 4]!;
    digits[2 * i + 1] = HEX_DIGITS[b[i]! & 15]!;
  }
  return asciiDecoder.decode(digits);
}

/** Parses hex, ignoring whitespace (so RFC 8448 dumps paste in directly). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new TypeError(`fromHex: not a hex string: ${clean.slice(0, 32)}…`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of `s`. ASCII, which is what TLS names and labels are, is copied char by char:
 * TextEncoder's call into the runtime costs more than the copy for strings this short.
 */
export function utf8(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(s);
    out[i] = c;
  }
  return out;
}
