/**
 * The bench harness (bench/harness.ts) times each batch of an operation right after an
 * untimed batch of the same operation, so that no batch pays for the garbage another
 * operation left (bench/carryover.ts measures why). These tests check the order in which
 * the operations run, not how fast anything is: every stretch of calls to one operation
 * must last at least a settle batch and a timed batch.
 */
import { describe, expect, it } from 'vitest';
import { interleavedAsyncOpsPerSecond, interleavedOpsPerSecond, summarize, type Sampling } from '../bench/harness.js';

const SAMPLING: Sampling = { rounds: 4, sampleMs: 15, settleMs: 15, warmupMs: 40 };

interface Stretch {
  op: number;
  first: number;
  last: number;
  /** The longest time between two calls of the stretch (a call, or the process descheduled). */
  gap: number;
}

/** Operations that note, for each uninterrupted stretch of calls to one of them, when it began and ended. */
function stretches(count: number) {
  const runs: Stretch[] = [];
  const ops = Array.from({ length: count }, (_, j) => () => {
    const t = performance.now();
    const r = runs[runs.length - 1];
    if (r !== undefined && r.op === j) {
      r.gap = Math.max(r.gap, t - r.last);
      r.last = t;
    } else runs.push({ op: j, first: t, last: t, gap: 0 });
  });
  return { runs, ops };
}

/**
 * Each stretch after the warm-up lasts a settle batch plus a timed batch, less what one call
 * at each edge may take: the stretch's longest gap between calls stands for that (on a
 * loaded machine a call can be descheduled for over a millisecond). A stretch with only a
 * timed batch lasts half as long with gaps of microseconds, and fails.
 */
function expectSettled(runs: readonly Stretch[], count: number): void {
  // Warm-up stretches (one per operation), then 2 per round at most (round ends merge with the next round's start).
  expect(runs.length).toBeGreaterThanOrEqual(count + SAMPLING.rounds);
  for (const r of runs.slice(count)) expect(r.last - r.first + 2 * r.gap).toBeGreaterThanOrEqual(SAMPLING.settleMs + SAMPLING.sampleMs);
}

describe('interleaved batches', () => {
  it('run an untimed batch of the same operation before each timed one', () => {
    const { runs, ops } = stretches(3);
    const m = interleavedOpsPerSecond(ops, SAMPLING);
    expect(m.rates).toHaveLength(3);
    expectSettled(runs, 3);
  });

  it('do the same for operations that complete asynchronously', async () => {
    const { runs, ops } = stretches(2);
    const asyncOps = ops.map((op) => async () => op());
    const m = await interleavedAsyncOpsPerSecond(asyncOps, SAMPLING);
    expect(m.rates).toHaveLength(2);
    expectSettled(runs, 2);
  });
});

describe('ratios between operations', () => {
  // Three rounds of three operations' rates. Operations 1 and 2 have the same median rate
  // (4), but within each round operation 2 ran at 4, 0.5 and 0.5 times operation 1.
  const m = summarize([
    [1, 2, 8],
    [1, 4, 2],
    [1, 8, 4],
  ]);

  it('are medians of the ratios within each round, not quotients of medians', () => {
    expect(m.rates).toEqual([1, 4, 4]);
    expect(m.ratios).toEqual([1, 4, 4]);
    expect(m.ratio(2, 1)).toBe(0.5);
    expect(m.ratios[2]! / m.ratios[1]!).toBe(1);
    expect(m.ratio(1, 2)).toBe(2);
    expect(m.ratio(1, 1)).toBe(1);
  });
});
