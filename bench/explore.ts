/**
 * Explorer throughput: schedules per second of the real exhaustive explorer
 * (packages/sim/src/explore/exhaustive.ts) on the `full-handshake` scenario (noble
 * provider, Ed25519 certificates, x25519, a request and a response), bound `--splits
 * bytes:128 --depth 64`: every interleaving and every split of the queued bytes on a
 * 128-byte grid (and at record ends), 128 schedules, each run to its end and checked
 * against the scenario's properties. Pruning of equal states is off for the two main rows,
 * so every schedule counted was run: forks share their prefixes, nothing else is skipped.
 *
 * - explore/plain: the endpoints compute all their cryptography, on every branch;
 * - explore/memo: one `memoizeProvider(nobleProvider)` shared by every branch and every
 *   exploration, as `pnpm explore --exhaustive` uses it: after the first exploration the
 *   handshake's crypto calls are all cache hits;
 * - explore/memo-pruned: schedules covered per second with pruning on as well (the CLI's
 *   default), counted through the pruned states;
 * - explore/memo-vs-handshake: memoised explorer schedules/s ÷ fresh noble Ed25519
 *   handshakes/s (the handshake/noble/ed25519 row's operation). Issue 9's goal: ≥ 20.
 * - explore/workers-1, explore/workers-N: schedules/s of the CLI's default explorer (shared
 *   memo, pruning off so that the work is every schedule) on a larger bound, `--splits
 *   bytes:64 --depth 64` (12,288 schedules), on this thread and on N worker threads
 *   (`--workers N`, N = the core count; a pool kept across explorations, each worker's memo
 *   as warm as this thread's); explore/workers-speedup: their ratio, per round (issue 20's
 *   goal: ≥ 1.7× with 2 workers on a 2-core machine). explore/workers-N-oneshot-ms: one
 *   exploration with its workers started for it (`explore --workers N` from the CLI),
 *   startup and cold memos included. explore/workers-ceiling: a plain computation on N
 *   threads ÷ on one, timed in the same rounds: what the shared machine gave N threads.
 * All four are timed in rounds of back-to-back batches and the ratio is the median of
 * the per-round ratios (harness.ts), so a load swing on the shared machine reaches both
 * sides of it alike.
 */
import { Worker } from 'node:worker_threads';
import { memoizeProvider, nobleProvider, type CryptoProvider } from '@tls13sim/handshake';
import { exploreExhaustive, type Bound } from '../packages/sim/src/explore/exhaustive.js';
import { ExplorePool, defaultWorkers, exploreParallel } from '../packages/sim/src/explore/parallel.js';
import { freshHandshake } from './fixtures.js';
import { interleavedOpsPerSecond, median, sampling, sig3, table, type Bench, type BenchRow } from './harness.js';

const SCENARIO = 'full-handshake';
const BOUND: Bound = { depth: 64, splits: { kind: 'bytes', k: 128 } };
/** The bound of the worker rows: enough work per exploration for the threads to share. */
const WORKERS_BOUND: Bound = { depth: 64, splits: { kind: 'bytes', k: 64 } };

/** One exhaustive exploration; returns the schedules it covered. */
function explore(crypto: CryptoProvider, dedupe: boolean): number {
  const r = exploreExhaustive(SCENARIO, { bound: BOUND, crypto, dedupe, save: false });
  if (r.violating !== 0n) throw new Error(`explore: ${r.violating} schedules violate ${SCENARIO}'s properties: ${r.violations[0]?.message}`);
  return Number(r.schedules);
}

export const exploreBench: Bench = {
  id: 'explore',
  title: `Explorer: schedules/s of the exhaustive explorer (${SCENARIO}, splits bytes:${(BOUND.splits as { k: number }).k}, depth ${BOUND.depth}, every schedule run to its end), without and with crypto memoisation`,
  async run(opts) {
    // Fewer rounds than the other benches: a plain exploration alone takes most of a batch.
    const s = { ...sampling(opts), rounds: opts.quick ? 3 : 7 };
    const perExploration = explore(nobleProvider, false);
    const memo = memoizeProvider(nobleProvider);
    // Measured side by side; the handshake first, so that each ratio to it is taken
    // within a round (harness.ts).
    const m = interleavedOpsPerSecond(
      [
        () => void freshHandshake(nobleProvider, 'ed25519'),
        () => void explore(nobleProvider, false),
        () => void explore(memo, false),
        () => void explore(memo, true),
      ],
      s,
    );
    const [, plain, memoRate, pruned] = m.rates.map((r, i) => (i > 0 ? perExploration * r : r)) as [number, number, number, number];
    const memoVsHandshake = perExploration * m.ratios[2]!;
    const rows: BenchRow[] = [
      { name: 'explore/plain', value: sig3(plain), unit: '1/s' },
      { name: 'explore/memo', value: sig3(memoRate), unit: '1/s' },
      { name: 'explore/memo-pruned', value: sig3(pruned), unit: '1/s' },
      { name: 'explore/memo-vs-handshake', value: sig3(memoVsHandshake), unit: 'x' },
      { name: 'explore/memo-hit-rate', value: sig3(memo.stats.hits / Math.max(1, memo.stats.hits + memo.stats.misses)), unit: 'fraction' },
    ];
    rows.push(...(await workerRows(s)));
    return rows;
  },
  format(rows) {
    const v = (n: string) => rows.find((r) => r.name === n)?.value ?? NaN;
    return table(
      ['explorer', 'schedules/s'],
      [
        ['plain (noble)', v('explore/plain').toFixed(1)],
        ['memoised (noble)', v('explore/memo').toFixed(1)],
        ['memoised + pruned', v('explore/memo-pruned').toFixed(1)],
        ['memo ÷ plain', `${(v('explore/memo') / v('explore/plain')).toFixed(1)}×`],
        ['memo ÷ noble handshakes/s', `${v('explore/memo-vs-handshake').toFixed(1)}× (goal ≥ 20×)`],
        ['cache hit rate', `${(v('explore/memo-hit-rate') * 100).toFixed(1)}%`],
        [`1 thread (bytes:${(WORKERS_BOUND.splits as { k: number }).k}, no pruning)`, v('explore/workers-1').toFixed(1)],
        [`${v('explore/workers-n')} worker threads, same bound`, v('explore/workers-N').toFixed(1)],
        ['workers ÷ 1 thread', `${v('explore/workers-speedup').toFixed(2)}× (goal ≥ 1.7× on 2 cores)`],
        [
          `plain computation, ${v('explore/workers-n')} threads ÷ 1, same rounds`,
          `${v('explore/workers-ceiling').toFixed(2)}× (what the machine gave N threads)`,
        ],
        [`one \`--workers ${v('explore/workers-n')}\` run, startup included`, `${v('explore/workers-N-oneshot-ms').toFixed(0)} ms`],
      ],
    );
  },
};

/** A fixed amount of pure computation (~0.2 s): the machine's own speedup on N threads, for comparison. */
const BURN = 'let x = 0; for (let i = 0; i < 6e7; i++) x = (x + i * 7) % 1000003; globalThis.burnSink = x;';

/** N threads that each run BURN when asked. */
function burnPool(n: number): { run: () => Promise<void>; close: () => Promise<void> } {
  const code = `const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => { ${BURN} parentPort.postMessage(0); });`;
  const workers = Array.from({ length: n }, () => new Worker(code, { eval: true }));
  return {
    run: () =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('message', () => resolve());
              w.postMessage(0);
            }),
        ),
      ).then(() => undefined),
    close: () => Promise.all(workers.map((w) => w.terminate())).then(() => undefined),
  };
}

/**
 * Schedules/s on this thread and on a pool of worker threads, in rounds of back-to-back
 * explorations (the order reversing every other round); the speedup is the median of the
 * per-round ratios. Each round also times BURN on this thread and on N threads at once:
 * on this shared machine, what N threads get depends on what else runs, and that ratio
 * (explore/workers-ceiling) is the most any N-thread code could get in the same rounds.
 */
async function workerRows(s: ReturnType<typeof sampling>): Promise<BenchRow[]> {
  const n = defaultWorkers();
  const opts = { bound: WORKERS_BOUND, dedupe: false, save: false } as const;
  const check = (r: { schedules: bigint; violating: bigint }): number => {
    if (r.violating !== 0n) throw new Error(`explore: ${r.violating} schedules violate ${SCENARIO}'s properties`);
    return Number(r.schedules);
  };
  const t0 = performance.now();
  const perExploration = check(await exploreParallel(SCENARIO, n, opts));
  const oneshot = performance.now() - t0;
  const pool = new ExplorePool(n);
  const burn = burnPool(n);
  const burn1 = new Function(BURN) as () => void;
  const time = async (op: () => unknown): Promise<number> => {
    const t = performance.now();
    await op();
    return performance.now() - t;
  };
  const ops = [() => check(exploreExhaustive(SCENARIO, opts)), async () => check(await pool.explore(SCENARIO, opts)), burn1, burn.run];
  try {
    for (const op of ops) await op(); // warm-up: JIT, and each worker's crypto memo
    const rounds: number[][] = [];
    for (let round = 0; round < Math.max(5, s.rounds); round++) {
      const ms: number[] = [];
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const j of order) ms[j] = await time(ops[j]!);
      rounds.push(ms);
    }
    const med = (f: (ms: number[]) => number) => median(rounds.map(f));
    return [
      { name: 'explore/workers-1', value: sig3(med((ms) => (perExploration * 1000) / ms[0]!)), unit: '1/s' },
      { name: 'explore/workers-N', value: sig3(med((ms) => (perExploration * 1000) / ms[1]!)), unit: '1/s' },
      { name: 'explore/workers-n', value: n, unit: 'threads' },
      { name: 'explore/workers-speedup', value: sig3(med((ms) => ms[0]! / ms[1]!)), unit: 'x' },
      { name: 'explore/workers-ceiling', value: sig3(med((ms) => (n * ms[2]!) / ms[3]!)), unit: 'x' },
      { name: 'explore/workers-N-oneshot-ms', value: sig3(oneshot), unit: 'ms' },
    ];
  } finally {
    await pool.close();
    await burn.close();
  }
}
