/**
 * The three TLS 1.3 AEADs (RFC 8446 §5.2, cipher suites in §B.4) over @noble/ciphers.
 * Pure JavaScript, so the record layer runs unchanged in browsers.
 */
import { GHASH } from '@noble/ciphers/_polyval.js';
import { unsafe as aesBlocks } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { Aead, AeadName } from './aead-types.js';
import { constantTimeEqual } from './bytes.js';

/** The little-endian 32-bit word at b[i..i+3]. */
function wordLE(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/**
 * GHASH (NIST SP 800-38D §6.4) whose multiplication table for H is built once per key and
 * reused for every record: `restart` clears the running value only. `absorb` feeds one
 * segment zero-padded to a whole block (the 0^v and 0^u padding of §7.1 step 5), reading
 * the words in place, so it needs neither a copy nor an aligned buffer.
 */
class ReusableGhash extends GHASH {
  /** The zero-padded last partial block of a segment. */
  private readonly last = new Uint8Array(16);

  restart(): this {
    this.s0 = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.finished = false;
    return this;
  }

  absorb(data: Uint8Array): this {
    const n = data.length;
    let i = 0;
    for (; i + 16 <= n; i += 16) {
      this._updateBlock(wordLE(data, i), wordLE(data, i + 4), wordLE(data, i + 8), wordLE(data, i + 12));
    }
    if (i < n) {
      const last = this.last;
      last.fill(0);
      last.set(data.subarray(i));
      this._updateBlock(wordLE(last, 0), wordLE(last, 4), wordLE(last, 8), wordLE(last, 12));
      last.fill(0);
    }
    return this;
  }
}

/**
 * What AES-GCM derives from the key alone (SP 800-38D §7.1 step 1): the AES key schedule and
 * H = E_K(0^128) with its GHASH table. noble's `gcm(key, nonce)` rebuilds both for every
 * message; a flood of small records made that most of the garbage per record.
 * Kept per key object, with a copy of the key bytes checked on each use so a key changed in
 * place is never used with stale state. The scratch blocks are 4-byte aligned, as noble's
 * word-at-a-time CTR and GHASH output need.
 */
interface GcmKeyState {
  readonly key: Uint8Array;
  readonly xk: Uint32Array;
  readonly ghash: ReusableGhash;
  readonly counter: Uint8Array;
  readonly mask: Uint8Array;
  readonly tag: Uint8Array;
  /** The last GHASH block, [len(A)]64 || [len(C)]64, and a view to write it. */
  readonly lengths: Uint8Array;
  readonly lengthsView: DataView;
}

const ZERO_BLOCK = new Uint8Array(16);
/** GHASH table size hint: noble's 4-bit windows (it picks them for messages over 1 KiB). */
const GHASH_TABLE_HINT = 2048;

function gcmKeyState(key: Uint8Array): GcmKeyState {
  const xk = aesBlocks.expandKeyLE(key);
  const h = new Uint8Array(16);
  aesBlocks.ctr32(xk, false, new Uint8Array(16), ZERO_BLOCK, h);
  const ghash = new ReusableGhash(h, GHASH_TABLE_HINT);
  h.fill(0);
  const lengths = new Uint8Array(16);
  return {
    key: key.slice(),
    xk,
    ghash,
    counter: new Uint8Array(16),
    mask: new Uint8Array(16),
    tag: new Uint8Array(16),
    lengths,
    lengthsView: new DataView(lengths.buffer),
  };
}

const aligned = (b: Uint8Array): Uint8Array => ((b.byteOffset & 3) === 0 ? b : b.slice());

/**
 * AES-GCM with a 96-bit IV (SP 800-38D §7.1/§7.2) from noble's AES block, CTR and GHASH
 * building blocks, the per-key state computed once per key.
 */
class CachedGcm {
  private readonly states = new WeakMap<Uint8Array, GcmKeyState>();

  private state(key: Uint8Array): GcmKeyState {
    let st = this.states.get(key);
    if (st === undefined || !constantTimeEqual(st.key, key)) {
      st = gcmKeyState(key);
      this.states.set(key, st);
    }
    return st;
  }

  /** J0 = IV || 0^31 || 1; the tag mask E_K(J0); leaves `counter` at inc32(J0). */
  private start(st: GcmKeyState, nonce: Uint8Array): void {
    st.counter.set(nonce);
    st.counter[12] = 0;
    st.counter[13] = 0;
    st.counter[14] = 0;
    st.counter[15] = 1;
    aesBlocks.ctr32(st.xk, false, st.counter, ZERO_BLOCK, st.mask);
  }

  /** T = GHASH_H(A || 0^v || C || 0^u || [len(A)]64 || [len(C)]64) xor E_K(J0), into st.tag. */
  private tag(st: GcmKeyState, aad: Uint8Array, ct: Uint8Array): Uint8Array {
    const aadBits = aad.length * 8;
    const ctBits = ct.length * 8;
    st.lengthsView.setUint32(0, Math.floor(aadBits / 2 ** 32));
    st.lengthsView.setUint32(4, aadBits >>> 0);
    st.lengthsView.setUint32(8, Math.floor(ctBits / 2 ** 32));
    st.lengthsView.setUint32(12, ctBits >>> 0);
    st.ghash.restart().absorb(aad).absorb(ct).absorb(st.lengths).digestInto(st.tag);
    for (let i = 0; i < 16; i++) st.tag[i]! ^= st.mask[i]!;
    st.mask.fill(0);
    return st.tag;
  }

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const st = this.state(key);
    this.start(st, nonce);
    const out = new Uint8Array(plaintext.length + 16);
    const ct = out.subarray(0, plaintext.length);
    aesBlocks.ctr32(st.xk, false, st.counter, aligned(plaintext), ct);
    out.set(this.tag(st, aad, ct), plaintext.length);
    st.tag.fill(0);
    return out;
  }

  /** null on a tag mismatch; the tag is checked before any plaintext is made (§7.2). */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    const st = this.state(key);
    this.start(st, nonce);
    const whole = aligned(ciphertext);
    const ct = whole.subarray(0, whole.length - 16);
    const ok = constantTimeEqual(this.tag(st, aad, ct), whole.subarray(whole.length - 16));
    st.tag.fill(0);
    return ok ? aesBlocks.ctr32(st.xk, false, st.counter, ct) : null;
  }
}

type CipherFactory = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
) => {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
};

/**
 * The plaintext length of a `sealInto` call (the parts' lengths together), after checking
 * that `out` has room at `offset` for it and the tag: a RangeError otherwise (Aead.sealInto).
 */
export function sealIntoLength(name: AeadName, parts: readonly Uint8Array[], out: Uint8Array, offset: number, tagLength: number): number {
  let total = 0;
  for (const p of parts) total += p.length;
  if (out.length - offset < total + tagLength) throw new RangeError(`${name}: sealInto needs ${total + tagLength} bytes at ${offset}, out has ${out.length}`);
  return total;
}

/**
 * Seals `plaintext` into `out` at `offset` (ciphertext, then tag): where it lies when the
 * AEAD has `sealInto`, else through `seal` and a copy. The one place that chooses.
 */
export function sealAt(aead: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
  if (aead.sealInto !== undefined) aead.sealInto(key, nonce, aad, [plaintext], out, offset);
  else out.set(aead.seal(key, nonce, aad, plaintext), offset);
}

/** noble's AEAD with an output buffer: `encrypt(plaintext, output)` writes ciphertext and tag into `output` (plaintext may be its start). */
type OutputCipherFactory = (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => { encrypt(plaintext: Uint8Array, output: Uint8Array): Uint8Array };

const KEY_LENGTH: Record<AeadName, number> = { aes128gcm: 16, aes256gcm: 32, chacha20poly1305: 32 };

class NobleAead implements Aead {
  readonly keyLength: number;
  readonly nonceLength = 12;
  readonly tagLength = 16;
  /** AES-GCM through per-key state; ChaCha20-Poly1305 has no per-key precomputation to keep. */
  private readonly gcm: CachedGcm | null;

  constructor(readonly name: AeadName) {
    this.keyLength = KEY_LENGTH[name];
    this.gcm = name === 'chacha20poly1305' ? null : new CachedGcm();
  }

  private check(key: Uint8Array, nonce: Uint8Array): void {
    if (key.length !== this.keyLength) throw new RangeError(`${this.name}: key must be ${this.keyLength} bytes, got ${key.length}`);
    if (nonce.length !== this.nonceLength) throw new RangeError(`${this.name}: nonce must be 12 bytes, got ${nonce.length}`);
  }

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.check(key, nonce);
    if (this.gcm !== null) return this.gcm.seal(key, nonce, aad, plaintext);
    return (chacha20poly1305 as unknown as CipherFactory)(key, nonce, aad).encrypt(plaintext);
  }

  /**
   * ChaCha20-Poly1305 sealed where it lies in `out`: the parts are placed there (a part
   * already in place is not copied), then noble encrypts that region in place. noble's
   * ChaCha20 works a 32-bit word at a time only on a 4-byte-aligned region (else byte by
   * byte, several times slower), so an unaligned region is sealed into a new buffer and
   * copied instead. AES-GCM gains nothing here: `seal`, then a copy.
   */
  sealInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): void {
    this.check(key, nonce);
    const total = sealIntoLength(this.name, parts, out, offset, this.tagLength);
    let pos = offset;
    for (const p of parts) {
      if (p.buffer !== out.buffer || p.byteOffset !== out.byteOffset + pos) out.set(p, pos);
      pos += p.length;
    }
    const region = out.subarray(offset, offset + total + this.tagLength);
    const plaintext = region.subarray(0, total);
    if (this.gcm === null && (region.byteOffset & 3) === 0) {
      (chacha20poly1305 as unknown as OutputCipherFactory)(key, nonce, aad).encrypt(plaintext, region);
      return;
    }
    region.set(this.seal(key, nonce, aad, plaintext));
  }

  /**
   * Any failure (bad tag, too-short input, wrong key or nonce size) is null: the caller
   * turns it into bad_record_mac (§5.2) and must learn nothing more.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (key.length !== this.keyLength || nonce.length !== this.nonceLength) return null;
    if (ciphertext.length < this.tagLength) return null;
    // noble works a 32-bit word at a time only on 4-byte-aligned buffers (else byte by
    // byte); a record's ciphertext starts 5 bytes into its wire bytes. Copying it is cheaper.
    if (this.gcm !== null) return this.gcm.open(key, nonce, aad, ciphertext);
    try {
      return (chacha20poly1305 as unknown as CipherFactory)(key, nonce, aad).decrypt(aligned(ciphertext));
    } catch {
      return null;
    }
  }
}

const cache = new Map<AeadName, Aead>();

/**
 * The noble implementation of one TLS 1.3 AEAD. Safe to share: the AES-GCM per-key state it
 * keeps is looked up by key object and checked against the key's bytes on every call.
 */
export function nobleAead(name: AeadName): Aead {
  let a = cache.get(name);
  if (!a) {
    if (!(name in KEY_LENGTH)) throw new RangeError(`nobleAead: unknown AEAD ${String(name)}`);
    a = new NobleAead(name);
    cache.set(name, a);
  }
  return a;
}

/** The cipher suite names (RFC 8446 §B.4) that use each AEAD. */
export const CipherSuiteAead = {
  TLS_AES_128_GCM_SHA256: 'aes128gcm',
  TLS_AES_256_GCM_SHA384: 'aes256gcm',
  TLS_CHACHA20_POLY1305_SHA256: 'chacha20poly1305',
} as const satisfies Record<string, AeadName>;
export type CipherSuiteName = keyof typeof CipherSuiteAead;
