/**
 * SHA-256 (FIPS 180-4 §6.2) of `prefix || uint32 counter` for a fixed prefix and many
 * counters: the blocks of the seeded DRBG (random.ts). The prefix's whole 64-byte blocks
 * are compressed once; each counter then costs the last one or two blocks, written into a
 * padded template, with no hash object, DataView or buffer made per block. (Through
 * noble's hash object a 32-byte draw took 1.1 µs on the bench machine, and a new source
 * 1.7 µs, mostly in the views it makes; here 0.47 and 0.9 µs.)
 */

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

/** FIPS 180-4 §5.3.3: the initial hash value. */
export const H0 = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/** The message schedule, shared: compression is synchronous and never re-entered. */
const W = new Int32Array(64);

/** Compresses the 64-byte block at `block[at]` into `h` (8 words), in place. */
export function compress(h: Int32Array, block: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const i = at + 4 * t;
    W[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** SHA-256(prefix || counter) for one prefix. Instances share nothing mutable but the module's schedule. */
export class CounterSha256 {
  /** The hash state after the prefix's whole blocks. */
  private readonly mid: Int32Array;
  /** The rest of the prefix, the counter's 4 bytes, the 0x80 byte, zeros and the bit length: one or two blocks. */
  private readonly tail: Uint8Array;
  /** Where the counter goes in `tail`. */
  private readonly counterAt: number;
  /** The working state of one digest. */
  private readonly state = new Int32Array(8);

  constructor(prefix: Uint8Array) {
    const whole = prefix.length - (prefix.length % 64);
    this.mid = H0.slice();
    for (let at = 0; at < whole; at += 64) compress(this.mid, prefix, at);
    const rest = prefix.length - whole;
    // rest + 4 counter bytes + 0x80 + 8 length bytes must fit: one block, else two.
    this.tail = new Uint8Array(rest + 4 + 1 + 8 <= 64 ? 64 : 128);
    for (let i = whole; i < prefix.length; i++) this.tail[i - whole] = prefix[i]!;
    this.counterAt = rest;
    this.tail[rest + 4] = 0x80;
    const bits = (prefix.length + 4) * 8;
    const end = this.tail.length;
    // The message length in bits, big-endian in the last 8 bytes (prefixes stay far below 2^53 bits).
    const hi = Math.floor(bits / 0x1_0000_0000);
    const lo = bits >>> 0;
    for (let k = 0; k < 4; k++) {
      this.tail[end - 1 - k] = (lo >>> (8 * k)) & 0xff;
      this.tail[end - 5 - k] = (hi >>> (8 * k)) & 0xff;
    }
  }

  /** SHA-256(prefix || counter as a big-endian uint32), 32 fresh bytes. */
  digest(counter: number): Uint8Array {
    const t = this.tail;
    const at = this.counterAt;
    t[at] = counter >>> 24;
    t[at + 1] = (counter >>> 16) & 0xff;
    t[at + 2] = (counter >>> 8) & 0xff;
    t[at + 3] = counter & 0xff;
    const h = this.state;
    h.set(this.mid);
    compress(h, t, 0);
    if (t.length === 128) compress(h, t, 64);
    const out = new Uint8Array(32);
    writeWords(h, out);
    return out;
  }
}

/** The 8 state words of `h`, big-endian, into `out[0, 32)`: the digest. */
export function writeWords(h: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const w = h[i]!;
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
}
