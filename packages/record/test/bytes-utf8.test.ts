/** utf8 (bytes.ts): the same bytes as TextEncoder, by the ASCII copy or the encoder. */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/bytes.js';

const encoder = new TextEncoder();

describe('utf8', () => {
  it('encodes ASCII, non-ASCII and lone surrogates exactly as TextEncoder does', () => {
    const strings = ['', 'tls13 ', 'TLS_AES_128_GCM_SHA256', 'h2', '\u007f', 'caf\u00e9', 'a\u00ffb', '\u{1f512}x', 'x\ud800y', 'end\u0080'];
    for (const s of strings) expect(utf8(s), JSON.stringify(s)).toEqual(encoder.encode(s));
  });

  it('returns a fresh array each time', () => {
    const a = utf8('abc');
    a[0] = 0;
    expect(utf8('abc')).toEqual(Uint8Array.of(0x61, 0x62, 0x63));
  });
});
