/**
 * Injected randomness. Nothing in tls13sim calls a global random source: endpoints and
 * providers receive a `RandomSource`. `seededRandom` is a deterministic DRBG (SHA-256 in
 * counter mode over the seed) so that a seed replays a run byte for byte.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { utf8 } from '@tls13sim/record';
import { CounterSha256 } from './counter-sha256.js';

export interface RandomSource {
  /** `n` fresh bytes. */
  bytes(n: number): Uint8Array;
  /** An independent copy at the same position (endpoints are forked by the simulator). */
  clone?(): RandomSource;
}

const NO_BYTES = new Uint8Array(0);

export function seededRandom(seed: number | string | Uint8Array): RandomSource {
  const seedBytes = typeof seed === 'number' ? utf8(`tls13sim-seed:${seed}`) : typeof seed === 'string' ? utf8(seed) : seed;
  return new SeededDrbg(new CounterSha256(seedBytes), 0, NO_BYTES, 0);
}

/** SHA-256(seed || uint32 counter, big-endian) blocks, served in order. */
class SeededDrbg implements RandomSource {
  constructor(
    /** The seed's hashing, shared by clones: it holds no position (the counter is ours). */
    private readonly blocks: CounterSha256,
    private counter: number,
    private pool: Uint8Array,
    private poolPos: number,
  ) {}

  clone(): RandomSource {
    return new SeededDrbg(this.blocks, this.counter, this.pool, this.poolPos);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.poolPos === this.pool.length) {
        // A fresh pool per block: clones of this source share the one they were made with.
        this.pool = this.blocks.digest(this.counter++);
        this.poolPos = 0;
      }
      // Byte by byte, not `out.set(pool.subarray(…))`: a view of a small on-heap array makes
      // V8 move its bytes off-heap first, which cost more than the block's hashing.
      const pool = this.pool;
      const take = Math.min(n - filled, pool.length - this.poolPos);
      for (let k = 0; k < take; k++) out[filled + k] = pool[this.poolPos + k]!;
      filled += take;
      this.poolPos += take;
    }
    return out;
  }
}

/**
 * How many bytes `systemRandom` asks the system CSPRNG for at a time. A call costs about
 * 1.8 µs for 32 bytes and 3.3 µs for 4,096 on the bench machine (Node 20, OpenSSL 3.0), and
 * a server handshake makes a dozen small draws (randoms, key shares, ticket nonces and ids).
 */
const SYSTEM_POOL = 1024;

/**
 * The system CSPRNG (crypto.getRandomValues), for real connections. Draws of up to a
 * quarter of SYSTEM_POOL come out of a pool filled SYSTEM_POOL bytes at a time; each byte
 * is handed out once and zeroed in the pool as it goes. Larger draws go to the CSPRNG
 * directly. (Node's own `crypto.randomUUID` keeps such a cache too.)
 */
export const systemRandom: RandomSource = {
  bytes(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`systemRandom: cannot draw ${n} bytes`);
    if (n > SYSTEM_POOL / 4) return randomBytes(n);
    if (systemPoolPos + n > systemPool.length) {
      systemPool = randomBytes(SYSTEM_POOL);
      systemPoolPos = 0;
    }
    const out = new Uint8Array(n);
    const pool = systemPool;
    for (let k = 0; k < n; k++) {
      out[k] = pool[systemPoolPos + k]!;
      pool[systemPoolPos + k] = 0;
    }
    systemPoolPos += n;
    return out;
  },
};

let systemPool: Uint8Array = NO_BYTES;
let systemPoolPos = 0;

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
