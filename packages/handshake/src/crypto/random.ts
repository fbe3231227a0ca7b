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

const encoder = new TextEncoder();

export function seededRandom(seed: number | string | Uint8Array): RandomSource {
  const seedBytes = typeof seed === 'number' ? encoder.encode(`tls13sim-seed:${seed}`) : typeof seed === 'string' ? encoder.encode(seed) : seed.slice();
  return new SeededDrbg(seedBytes, 0, new Uint8Array(0), 0);
}

type Sha256 = ReturnType<typeof sha256.create>;

/** SHA-256(seed || uint32 counter, big-endian) blocks, served in order. */
class SeededDrbg implements RandomSource {
  /**
   * SHA-256 having absorbed the seed: each block continues a copy of it with the counter.
   * Only ever copied from, so clones share it.
   */
  private readonly seeded: Sha256;
  /** The copy a block is hashed in, reused from block to block. */
  private scratch: Sha256 | undefined;
  private readonly counterBytes = new Uint8Array(4);

  constructor(
    private readonly seed: Uint8Array,
    private counter: number,
    private pool: Uint8Array,
    private poolPos: number,
    seeded?: Sha256,
  ) {
    this.seeded = seeded ?? sha256.create().update(seed);
  }

  clone(): RandomSource {
    return new SeededDrbg(this.seed, this.counter, this.pool, this.poolPos, this.seeded);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.poolPos === this.pool.length) {
        const c = this.counter++;
        const ctr = this.counterBytes;
        ctr[0] = c >>> 24;
        ctr[1] = (c >>> 16) & 0xff;
        ctr[2] = (c >>> 8) & 0xff;
        ctr[3] = c & 0xff;
        const h = (this.scratch = this.seeded._cloneInto(this.scratch));
        h.update(ctr);
        // A fresh pool per block: clones of this source share the one they were made with.
        this.pool = new Uint8Array(32);
        h.digestInto(this.pool);
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
