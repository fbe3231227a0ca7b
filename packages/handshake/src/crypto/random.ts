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
  return drbg(seedBytes, 0, new Uint8Array(0), 0);
}

function drbg(seedBytes: Uint8Array, counter: number, pool: Uint8Array, poolPos: number): RandomSource {
  // seed || uint32 counter (big-endian): one buffer per source, its counter rewritten per block.
  const block = new Uint8Array(seedBytes.length + 4);
  block.set(seedBytes);
  const at = seedBytes.length;
  return {
    clone: () => drbg(seedBytes, counter, pool, poolPos),
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        if (poolPos === pool.length) {
          block[at] = counter >>> 24;
          block[at + 1] = (counter >>> 16) & 0xff;
          block[at + 2] = (counter >>> 8) & 0xff;
          block[at + 3] = counter & 0xff;
          counter++;
          pool = sha256(block);
          poolPos = 0;
        }
        const take = Math.min(n - filled, pool.length - poolPos);
        out.set(pool.subarray(poolPos, poolPos + take), filled);
        filled += take;
        poolPos += take;
      }
      return out;
    },
  };
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
