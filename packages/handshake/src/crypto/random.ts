/**
 * Injected randomness. Nothing in tls13sim calls a global random source: endpoints and
 * providers receive a `RandomSource`. `seededRandom` is a deterministic DRBG (SHA-256 in
 * counter mode over the seed) so that a seed replays a run byte for byte.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';

export interface RandomSource {
  /** `n` fresh bytes. */
  bytes(n: number): Uint8Array;
  /** An independent copy at the same position (endpoints are forked by the simulator). */
  clone?(): RandomSource;
}

export function seededRandom(seed: number | string | Uint8Array): RandomSource {
  const seedBytes =
    typeof seed === 'number'
      ? new TextEncoder().encode(`tls13sim-seed:${seed}`)
      : typeof seed === 'string'
        ? new TextEncoder().encode(seed)
        : seed.slice();
  return new SeededDrbg(seedBytes, 0, new Uint8Array(0), 0);
}

/** SHA-256(seed || uint32 counter, big-endian) blocks, served in order. */
class SeededDrbg implements RandomSource {
  /** seed || counter: one buffer per source, its counter rewritten per block. */
  private readonly block: Uint8Array;

  constructor(
    private readonly seed: Uint8Array,
    private counter: number,
    private pool: Uint8Array,
    private poolPos: number,
  ) {
    this.block = new Uint8Array(seed.length + 4);
    this.block.set(seed);
  }

  clone(): RandomSource {
    return new SeededDrbg(this.seed, this.counter, this.pool, this.poolPos);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    const at = this.seed.length;
    let filled = 0;
    while (filled < n) {
      if (this.poolPos === this.pool.length) {
        const c = this.counter++;
        this.block[at] = c >>> 24;
        this.block[at + 1] = (c >>> 16) & 0xff;
        this.block[at + 2] = (c >>> 8) & 0xff;
        this.block[at + 3] = c & 0xff;
        this.pool = sha256(this.block);
        this.poolPos = 0;
      }
      const take = Math.min(n - filled, this.pool.length - this.poolPos);
      out.set(this.pool.subarray(this.poolPos, this.poolPos + take), filled);
      filled += take;
      this.poolPos += take;
    }
    return out;
  }
}

/** The system CSPRNG (crypto.getRandomValues), for real connections. */
export const systemRandom: RandomSource = { bytes: (n) => randomBytes(n) };

/** Replays fixed byte strings in order (to inject RFC 8448's randoms and keys), then fails loudly. */
export function scriptedRandom(chunks: readonly Uint8Array[], fallback?: RandomSource): RandomSource {
  const queue = [...chunks];
  return {
    clone: () => scriptedRandom(queue, fallback?.clone?.() ?? fallback),
    bytes(n: number): Uint8Array {
      const next = queue.shift();
      if (next === undefined) {
        if (fallback) return fallback.bytes(n);
        throw new Error(`scriptedRandom: asked for ${n} bytes after the script ran out`);
      }
      if (next.length !== n) throw new Error(`scriptedRandom: asked for ${n} bytes, script has ${next.length}`);
      return next.slice();
    },
  };
}
