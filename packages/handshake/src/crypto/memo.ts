/**
 * A memoising `CryptoProvider` wrapper for the explorer: forks of one deterministic
 * handshake repeat the same crypto calls with the same inputs, so each is computed once.
 *
 * Every provider call is a function of its inputs and, for `generate` / `respond` /
 * `sign`, of the bytes it draws from the `RandomSource`. Those calls are cached as a tree
 * of draws: the first call learns how many bytes the inner provider draws, and later calls
 * draw exactly that many from the caller's source, follow the branch for those bytes, and
 * either reach a cached result or run the inner provider with the bytes already drawn
 * replayed first. The caller's source is consumed exactly as the inner provider would
 * consume it, so a memoised run is byte-for-byte the run without the cache.
 *
 * Requirements: the inner provider must be deterministic given inputs and draws (noble
 * is; the node provider is except for OpenSSL's own ECDSA nonces and PSS salts, where the
 * cache pins the first signature, which verifies like any other). Results are copied in
 * and out, so callers may mutate what they get.
 */
import type { NamedGroupName, SignatureSchemeName } from '../constants.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type { Aead, AeadName, CryptoProvider, HashName, KeyExchange, KeyShareSecret } from './provider.js';
import type { RandomSource } from './random.js';

export interface MemoOptions {
  /** Cached results kept; past this the whole cache is dropped and refilled (default 200,000). */
  readonly maxEntries?: number;
  /** Calls whose byte inputs exceed this are passed through uncached (default 65,536). */
  readonly maxInputBytes?: number;
}

export type MemoOp = 'hash' | 'hmac' | 'hkdfExtract' | 'hkdfExpand' | 'seal' | 'open' | 'generate' | 'respond' | 'finish' | 'sign' | 'verify';

export interface MemoStats {
  hits: number;
  misses: number;
  /** Calls passed through because their inputs were larger than `maxInputBytes`. */
  bypassed: number;
  /** Cached results currently held. */
  entries: number;
  readonly byOp: Record<MemoOp, { hits: number; misses: number }>;
}

export interface MemoizedProvider extends CryptoProvider {
  readonly inner: CryptoProvider;
  readonly stats: MemoStats;
  /** Drops every cached result (stats are kept). */
  clear(): void;
}

type Part = string | number | Uint8Array;

/** A tree of draws: `draw` says how many bytes come next; `leaf` holds the result. */
type DrawNode<T> = { readonly kind: 'leaf'; readonly value: T } | { readonly kind: 'draw'; readonly size: number; readonly next: Map<string, DrawNode<T>> };

// windows-1252 as WHATWG defines it ("latin1") maps each of the 256 bytes to its own code
// point, so this is an injective bytes → string encoding, done natively.
const decoder = new TextDecoder('latin1');

function bytesKey(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Each part is length-prefixed, so distinct argument lists never share a key. */
function keyOf(parts: readonly Part[]): string {
  let k = '';
  for (const p of parts) {
    const s = typeof p === 'string' ? p : typeof p === 'number' ? String(p) : bytesKey(p);
    k += `${s.length}:${s}`;
  }
  return k;
}

/**
 * A 32-bit FNV-style hash over every byte, a word at a time where the bytes are aligned
 * (a transcript or a record weighs kilobytes): picks a bucket; the stored arguments decide
 * a hit. Process-local, so the platform's byte order does not matter.
 */
function hash32(b: Uint8Array): number {
  let h = 0x811c9dc5;
  let i = 0;
  const words = wordsOf(b);
  if (words !== undefined) {
    for (let k = 0; k < words.length; k++) {
      h = Math.imul(h ^ words[k]!, 0x01000193);
      h ^= h >>> 15;
    }
    i = words.length * 4;
  }
  for (; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** The whole 32-bit words of `b` as a view, when `b` is long and aligned enough to be worth one. */
function wordsOf(b: Uint8Array): Int32Array | undefined {
  return b.length >= 64 && (b.byteOffset & 3) === 0 ? new Int32Array(b.buffer, b.byteOffset, b.length >>> 2) : undefined;
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  let i = 0;
  const wx = wordsOf(x);
  const wy = wx === undefined ? undefined : wordsOf(y);
  if (wx !== undefined && wy !== undefined) {
    for (let k = 0; k < wx.length; k++) if (wx[k] !== wy[k]) return false;
    i = wx.length * 4;
  }
  for (; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The bucket of an argument list: one number mixed from every part (byte strings through
 * `hash32`), where spelling every byte out as a string key made building and hashing the
 * key cost more than the lookup saved. Equal lists share a bucket; the rest rarely do.
 */
function bucketOf(parts: readonly Part[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    if (typeof p === 'string') {
      for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ p.length ^ 0x5bd1e995, 0x01000193);
    } else if (typeof p === 'number') {
      h = Math.imul(h ^ (p | 0) ^ 0x27d4eb2d, 0x01000193);
    } else {
      h = Math.imul(h ^ hash32(p) ^ (p.length << 7), 0x01000193);
    }
    h ^= h >>> 13;
  }
  return h >>> 0;
}

function sameParts(a: readonly Part[], b: readonly Part[]): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) {
    const x = a[j]!;
    const y = b[j]!;
    if (typeof x === 'object' && typeof y === 'object') {
      if (!sameBytes(x, y)) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/** Argument lists to values, exactly: a bucket's entries keep copies of their arguments. */
class ArgTable<T> {
  private readonly buckets = new Map<number, { readonly parts: readonly Part[]; readonly value: T }[]>();

  find(bucket: number, parts: readonly Part[]): { readonly value: T } | undefined {
    const entries = this.buckets.get(bucket);
    if (entries === undefined) return undefined;
    for (const e of entries) if (sameParts(e.parts, parts)) return e;
    return undefined;
  }

  add(bucket: number, parts: readonly Part[], value: T): void {
    const entry = { parts: parts.map((p) => (typeof p === 'object' ? p.slice() : p)), value };
    const entries = this.buckets.get(bucket);
    if (entries === undefined) this.buckets.set(bucket, [entry]);
    else entries.push(entry);
  }
}

function inputBytes(parts: readonly Part[]): number {
  let n = 0;
  for (const p of parts) if (p instanceof Uint8Array) n += p.length;
  return n;
}

const copy = (b: Uint8Array): Uint8Array => b.slice();

export function memoizeProvider(inner: CryptoProvider, opts: MemoOptions = {}): MemoizedProvider {
  const maxEntries = opts.maxEntries ?? 200_000;
  const maxInputBytes = opts.maxInputBytes ?? 65_536;
  const ops: MemoOp[] = ['hash', 'hmac', 'hkdfExtract', 'hkdfExpand', 'seal', 'open', 'generate', 'respond', 'finish', 'sign', 'verify'];
  const stats: MemoStats = {
    hits: 0,
    misses: 0,
    bypassed: 0,
    entries: 0,
    byOp: Object.fromEntries(ops.map((o) => [o, { hits: 0, misses: 0 }])) as MemoStats['byOp'],
  };
  let flat = new ArgTable<unknown>();
  // Draw trees stay keyed by spelled-out arguments: their inputs are small (a group, a key
  // share, a CertificateVerify's signed content).
  let trees = new Map<string, DrawNode<unknown>>();

  const clear = (): void => {
    flat = new ArgTable();
    trees = new Map();
    stats.entries = 0;
  };
  const added = (): void => {
    if (++stats.entries > maxEntries) clear();
  };
  const hit = (op: MemoOp): void => {
    stats.hits++;
    stats.byOp[op].hits++;
  };
  const miss = (op: MemoOp): void => {
    stats.misses++;
    stats.byOp[op].misses++;
  };

  /** A pure call: cached by its inputs. */
  function pure<T>(op: MemoOp, parts: readonly Part[], compute: () => T, clone: (v: T) => T): T {
    if (inputBytes(parts) > maxInputBytes) {
      stats.bypassed++;
      return compute();
    }
    const args = [op, ...parts];
    const bucket = bucketOf(args);
    const found = flat.find(bucket, args);
    if (found !== undefined) {
      hit(op);
      return clone(found.value as T);
    }
    miss(op);
    const value = compute();
    flat.add(bucket, args, clone(value));
    added();
    return value;
  }

  /** A call that also depends on the bytes it draws from `rand`: cached along a tree of draws. */
  function drawing<T>(op: MemoOp, parts: readonly Part[], rand: RandomSource, compute: (r: RandomSource) => T, clone: (v: T) => T): T {
    if (inputBytes(parts) > maxInputBytes) {
      stats.bypassed++;
      return compute(rand);
    }
    let at: Map<string, DrawNode<unknown>> = trees;
    let key = keyOf([op, ...parts]);
    let node = at.get(key);
    const drawn: Uint8Array[] = [];
    while (node !== undefined && node.kind === 'draw') {
      const b = rand.bytes(node.size);
      drawn.push(b);
      at = node.next;
      key = bytesKey(b);
      node = at.get(key);
    }
    if (node !== undefined) {
      hit(op);
      return clone(node.value as T);
    }
    miss(op);
    // Replay what we drew while walking the tree, then record what the inner call draws.
    const fresh: Uint8Array[] = [];
    let replayed = 0;
    const replay: RandomSource = {
      bytes(n: number): Uint8Array {
        if (replayed < drawn.length) {
          const b = drawn[replayed++]!;
          if (b.length !== n) throw new Error(`memoizeProvider: ${op} of ${inner.name} drew ${n} bytes where it drew ${b.length} before: not deterministic`);
          return b.slice();
        }
        const b = rand.bytes(n);
        fresh.push(b.slice());
        return b;
      },
    };
    const value = compute(replay);
    if (replayed < drawn.length) throw new Error(`memoizeProvider: ${op} of ${inner.name} drew less than before: not deterministic`);
    for (const b of fresh) {
      const next = new Map<string, DrawNode<unknown>>();
      at.set(key, { kind: 'draw', size: b.length, next });
      at = next;
      key = bytesKey(b);
    }
    at.set(key, { kind: 'leaf', value: clone(value) });
    added();
    return value;
  }

  const aeads = new Map<AeadName, Aead>();
  function memoAead(a: Aead): Aead {
    return {
      name: a.name,
      keyLength: a.keyLength,
      nonceLength: a.nonceLength,
      tagLength: a.tagLength,
      seal: (key, nonce, aad, plaintext) => pure('seal', [a.name, key, nonce, aad, plaintext], () => a.seal(key, nonce, aad, plaintext), copy),
      open: (key, nonce, aad, ciphertext) =>
        pure(
          'open',
          [a.name, key, nonce, aad, ciphertext],
          () => a.open(key, nonce, aad, ciphertext),
          (v) => (v === null ? null : v.slice()),
        ),
    };
  }

  const cloneShare = (s: KeyShareSecret): KeyShareSecret => ({ group: s.group, privateKey: s.privateKey.slice(), share: s.share.slice() });
  const exchanges = new Map<NamedGroupName, KeyExchange>();
  function memoExchange(k: KeyExchange): KeyExchange {
    const g = k.group;
    return {
      group: g,
      generate: (rand) => drawing('generate', [g], rand, (r) => k.generate(r), cloneShare),
      respond: (peerShare, rand) =>
        drawing(
          'respond',
          [g, peerShare],
          rand,
          (r) => k.respond(peerShare, r),
          (v) => (v === null ? null : { share: v.share.slice(), sharedSecret: v.sharedSecret.slice() }),
        ),
      finish: (own, peerShare) =>
        pure(
          'finish',
          [g, own.group, own.privateKey, own.share, peerShare],
          () => k.finish(own, peerShare),
          (v) => (v === null ? null : v.slice()),
        ),
    };
  }

  return {
    name: `memo(${inner.name})`,
    inner,
    stats,
    clear,
    hash: (alg: HashName, data: Uint8Array) => pure('hash', [alg, data], () => inner.hash(alg, data), copy),
    hashLength: (alg: HashName) => inner.hashLength(alg),
    hmac: (alg: HashName, key: Uint8Array, data: Uint8Array) => pure('hmac', [alg, key, data], () => inner.hmac(alg, key, data), copy),
    hkdfExtract: (alg: HashName, salt: Uint8Array, ikm: Uint8Array) => pure('hkdfExtract', [alg, salt, ikm], () => inner.hkdfExtract(alg, salt, ikm), copy),
    hkdfExpand: (alg: HashName, prk: Uint8Array, info: Uint8Array, length: number) =>
      pure('hkdfExpand', [alg, prk, info, length], () => inner.hkdfExpand(alg, prk, info, length), copy),
    aead(name: AeadName): Aead {
      let a = aeads.get(name);
      if (a === undefined) {
        a = memoAead(inner.aead(name));
        aeads.set(name, a);
      }
      return a;
    },
    keyExchange(group: NamedGroupName): KeyExchange | undefined {
      let k = exchanges.get(group);
      if (k === undefined) {
        const i = inner.keyExchange(group);
        if (i === undefined) return undefined;
        k = memoExchange(i);
        exchanges.set(group, k);
      }
      return k;
    },
    sign: (scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rand: RandomSource) =>
      drawing('sign', [scheme, privateKeyId(key), message], rand, (r) => inner.sign(scheme, key, message, r), copy),
    verify: (scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array) =>
      pure(
        'verify',
        [scheme, publicKeyId(key), message, signature],
        () => inner.verify(scheme, key, message, signature),
        (v) => v,
      ),
    get supportedGroups() {
      return inner.supportedGroups;
    },
    get supportedSignatureSchemes() {
      return inner.supportedSignatureSchemes;
    },
  };
}

// Keys are identified by content, not by object: the endpoint parses the peer's
// certificate afresh in every handshake. The encoding is memoised per key object.
const keyIds = new WeakMap<object, string>();

function publicKeyId(k: PublicKey): string {
  let id = keyIds.get(k);
  if (id === undefined) {
    switch (k.type) {
      case 'ed25519':
      case 'ed448':
        id = keyOf([k.type, k.raw]);
        break;
      case 'ecdsa':
        id = keyOf([k.type, k.curve, k.point]);
        break;
      case 'rsa':
        id = keyOf([k.type, k.n.toString(16), k.e.toString(16), k.pss ? 'pss' : 'rsae']);
        break;
    }
    keyIds.set(k, id);
  }
  return id;
}

function privateKeyId(k: PrivateKey): string {
  let id = keyIds.get(k);
  if (id === undefined) {
    switch (k.type) {
      case 'ed25519':
      case 'ed448':
        id = keyOf([k.type, k.seed]);
        break;
      case 'ecdsa':
        id = keyOf([k.type, k.curve, k.scalar]);
        break;
      case 'rsa':
        id = keyOf([k.type, k.n.toString(16), k.e.toString(16), k.d.toString(16), k.p.toString(16), k.pss ? 'pss' : 'rsae']);
        break;
    }
    keyIds.set(k, id);
  }
  return id;
}
