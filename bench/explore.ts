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
 * All four are timed in rounds of back-to-back batches and the ratio is the median of
 * the per-round ratios (harness.ts), so a load swing on the shared machine reaches both
 * sides of it alike.
 */
import { memoizeProvider, nobleProvider, type CryptoProvider } from '@tls13sim/handshake';
import { exploreExhaustive, type Bound } from '../packages/sim/src/explore/exhaustive.js';
import { freshHandshake } from './fixtures.js';
import { interleavedOpsPerSecond, sampling, sig3, table, type Bench, type BenchRow } from './harness.js';

const SCENARIO = 'full-handshake';
const BOUND: Bound = { depth: 64, splits: { kind: 'bytes', k: 128 } };

/** One exhaustive exploration; returns the schedules it covered. */
function explore(crypto: CryptoProvider, dedupe: boolean): number {
  const r = exploreExhaustive(SCENARIO, { bound: BOUND, crypto, dedupe, save: false });
  if (r.violating !== 0n) throw new Error(`explore: ${r.violating} schedules violate ${SCENARIO}'s properties: ${r.violations[0]?.message}`);
  return Number(r.schedules);
}

export const exploreBench: Bench = {
  id: 'explore',
  title: `Explorer: schedules/s of the exhaustive explorer (${SCENARIO}, splits bytes:${(BOUND.splits as { k: number }).k}, depth ${BOUND.depth}, every schedule run to its end), without and with crypto memoisation`,
  run(opts) {
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
      ],
    );
  },
};
