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

/** Runs `op` for at least `ms` and returns its rate in operations per second. */
export function timedBatch(op: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    op();
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (n * 1000) / elapsed;
}

/** Rates of operations measured side by side, and how each compares with the first. */
export interface Interleaved {
  /** The median rate of each operation (1/s), in order. */
  readonly rates: number[];
  /**
   * For each operation, the median over rounds of (its rate ÷ the first operation's rate)
   * within the same round; `ratios[0]` is 1.
   */
  readonly ratios: number[];
  /** The median over rounds of (operation i's rate ÷ operation j's rate) within the same round. */
  ratio(i: number, j: number): number;
}

/**
 * Measures operations whose rates are compared (handshake vs its crypto floor, record layer
 * vs raw AEAD, explorer with vs without memoisation) in rounds: each round times one batch
 * of every operation, back to back, in an order that reverses every other round. A ratio
 * is taken within each round and the median of those is reported, so a change in the
 * machine's speed between rounds (this shared 2-core machine's speed moves by half within
 * minutes) cancels out instead of landing on one side. Before timing, every operation runs
 * for `warmupMs` so that what is measured is the code once the JIT has optimised it, not
 * its first few hundred runs.
 *
 * Each timed batch follows an untimed one of the same operation (`settleMs`). A batch
 * leaves garbage, and the next batch's first collections pay for it: without the settle
 * batch an operation would be charged part of its neighbour's collection and spared part
 * of its own. Floor replays leave dead node:crypto objects whose collection costs more
 * than a handshake's garbage does; bench/carryover.ts measures it.
 */
export function interleavedOpsPerSecond(ops: readonly (() => void)[], opts: Sampling): Interleaved {
  for (const op of ops) timedBatch(op, opts.warmupMs);
  const perRound: number[][] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const r: number[] = [];
    for (const j of roundOrder(ops.length, round)) {
      timedBatch(ops[j]!, opts.settleMs);
      r[j] = timedBatch(ops[j]!, opts.sampleMs);
    }
    perRound.push(r);
  }
  return summarize(perRound);
}

/**
 * `interleavedOpsPerSecond` for operations of which some complete asynchronously (Node's
 * `tls` over a stream pair), each awaited before the next starts.
 */
export async function interleavedAsyncOpsPerSecond(ops: readonly (() => void | Promise<void>)[], opts: Sampling): Promise<Interleaved> {
  for (const op of ops) await timedAsyncBatch(op, opts.warmupMs);
  const perRound: number[][] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const r: number[] = [];
    for (const j of roundOrder(ops.length, round)) {
      await timedAsyncBatch(ops[j]!, opts.settleMs);
      r[j] = await timedAsyncBatch(ops[j]!, opts.sampleMs);
    }
    perRound.push(r);
  }
  return summarize(perRound);
}

/** The order of a round's batches: forwards, then backwards in the next round. */
function roundOrder(n: number, round: number): number[] {
  const order = Array.from({ length: n }, (_, j) => j);
  return round % 2 === 0 ? order : order.reverse();
}

/** Median rates and median per-round ratios, from `perRound[round][op]` (one row per round, one column per operation). */
export function summarize(perRound: readonly (readonly number[])[]): Interleaved {
  const n = perRound[0]?.length ?? 0;
  const ratio = (i: number, j: number) => median(perRound.map((r) => r[i]! / r[j]!));
  return {
    rates: Array.from({ length: n }, (_, j) => median(perRound.map((r) => r[j]!))),
    ratios: Array.from({ length: n }, (_, j) => ratio(j, 0)),
    ratio,
  };
}

async function timedAsyncBatch(op: () => void | Promise<void>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const pending = op();
    if (pending !== undefined) await pending;
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (n * 1000) / elapsed;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Sampling {
  /** Rounds of `interleavedOpsPerSecond` and `interleavedAsyncOpsPerSecond`. */
  readonly rounds: number;
  readonly sampleMs: number;
  /** Untimed running before the first timed batch. */
  readonly warmupMs: number;
  /** Untimed running of the same operation just before each timed batch (see interleavedOpsPerSecond). */
  readonly settleMs: number;
}

export function sampling(opts: BenchOptions): Sampling {
  return opts.quick ? { rounds: 5, sampleMs: 100, warmupMs: 200, settleMs: 100 } : { rounds: 25, sampleMs: 200, warmupMs: 1500, settleMs: 200 };
}

/** What a table of interleaved measurements says under it. */
export const RATIO_NOTE =
  'Rates are medians over rounds; a ratio is the median of the ratios within each round, so it need not equal the ratio of the two medians.';

/** A plain text table with right-aligned numeric columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Rounds to 3 significant digits (bench values are noisy beyond that). */
export function sig3(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const p = 10 ** (2 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}
