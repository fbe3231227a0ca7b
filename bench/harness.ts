/**
 * The bench harness: a bench is a named function that returns rows; `index.ts` runs the
 * registered ones and prints a table or JSON. Add a bench by writing a `Bench` in its own
 * file and listing it in `registry.ts`.
 */
export interface BenchRow {
  /** Stable, slash-separated: `<what>/<implementation>/<variant>`, e.g. `record/noble/TLS_AES_128_GCM_SHA256`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface BenchOptions {
  /** Shorter runs (CI smoke, tests): fewer, shorter samples. */
  readonly quick: boolean;
}

export interface Bench {
  /** Short id, used by `--filter`. */
  readonly id: string;
  readonly title: string;
  run(opts: BenchOptions): BenchRow[] | Promise<BenchRow[]>;
  /** Prints the bench's rows as a human table (default: one line per row). */
  format?(rows: readonly BenchRow[]): string;
}

/**
 * Runs `op` repeatedly and returns its rate in operations per second: the median of
 * `samples` timed batches of at least `sampleMs` each, after one warm-up batch (the JIT
 * and the noble tables settle). The median resists the noise of a shared 2-core machine.
 */
export function opsPerSecond(op: () => void, opts: { samples: number; sampleMs: number }): number {
  const batch = (ms: number): number => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      op();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (n * 1000) / elapsed;
  };
  batch(Math.min(200, opts.sampleMs));
  const rates: number[] = [];
  for (let i = 0; i < opts.samples; i++) rates.push(batch(opts.sampleMs));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/**
 * `opsPerSecond` for operations whose rates are compared (handshake vs its crypto floor,
 * record layer vs raw AEAD, explorer with vs without memoisation): their timed batches
 * alternate, so a load change on a shared machine reaches all of them alike. Measured one
 * after the other, their ratio measured a load swing as much as the code. Returns the
 * median rate of each op, in order.
 */
export function interleavedOpsPerSecond(ops: readonly (() => void)[], opts: { samples: number; sampleMs: number }): number[] {
  const batch = (op: () => void, ms: number): number => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      op();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (n * 1000) / elapsed;
  };
  for (const op of ops) batch(op, Math.min(200, opts.sampleMs));
  const rates: number[][] = ops.map(() => []);
  for (let i = 0; i < opts.samples; i++) ops.forEach((op, j) => rates[j]!.push(batch(op, opts.sampleMs)));
  return rates.map((r) => r.sort((a, b) => a - b)[Math.floor(r.length / 2)]!);
}

export function sampling(opts: BenchOptions): { samples: number; sampleMs: number } {
  return opts.quick ? { samples: 3, sampleMs: 100 } : { samples: 5, sampleMs: 400 };
}

/** A plain text table with right-aligned numeric columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `opsPerSecond` for an operation that completes asynchronously (awaited one at a time). */
export async function asyncOpsPerSecond(op: () => Promise<void>, opts: { samples: number; sampleMs: number }): Promise<number> {
  const batch = async (ms: number): Promise<number> => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      await op();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (n * 1000) / elapsed;
  };
  await batch(Math.min(200, opts.sampleMs));
  const rates: number[] = [];
  for (let i = 0; i < opts.samples; i++) rates.push(await batch(opts.sampleMs));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/** Rounds to 3 significant digits (bench values are noisy beyond that). */
export function sig3(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const p = Math.pow(10, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}
