/** Opaque names (host names, ALPN protocol names) held as strings, one char per byte, so any bytes round-trip exactly. */

export function latin1Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function latin1Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`latin1Encode: char ${c} at ${i} is not a byte`);
    out[i] = c;
  }
  return out;
}
