import { TlsError } from '@tls13sim/record';

/** Runs `f` and returns the alert name of the TlsError it throws; fails on any other outcome. */
export function alertOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsError) return e.alert;
    throw new Error(`expected a TlsError, got ${String(e)}`);
  }
  throw new Error('expected a TlsError, nothing was thrown');
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** A deterministic byte source for padding policies (xorshift32). */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}
