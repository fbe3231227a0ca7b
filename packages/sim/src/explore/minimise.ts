/**
 * Minimising a failing schedule: delta debugging (Zeller and Hildebrandt's ddmin) over the
 * list of choices the explorer made, then each remaining fault taken away if the run still
 * fails without it. Deterministic: the same failing schedule and the same judgement give
 * the same minimal one.
 *
 * A candidate list is run from a fresh setup, choice by choice; a choice that no longer fits
 * (its direction has fewer bytes queued than it takes, or a fault's offset falls outside
 * what it takes) makes the candidate invalid, which counts as "does not fail". Each choice's
 * virtual time is recomputed from the queue, as the explorer computes it (exhaustive.ts
 * choicesOf); after the list, the default schedule (FIFO, one flight at a time) finishes
 * the run, as it does past the explorer's depth bound.
 */
import type { ScenarioSetup } from '../scenarios/registry.js';
import type { Choice } from '../scheduler.js';
import { Branch } from './branch.js';

/**
 * `c` as it would be delivered from `b` now: its time recomputed from the queue; undefined
 * when it does not fit.
 */
export function fitChoice(b: Branch, c: Choice): Choice | undefined {
  if (c.take === 0) return c.fault?.kind === 'inject' ? { ...c, at: b.sim.now } : undefined;
  let total = 0;
  let at = b.sim.now;
  for (const s of b.sim.queued(c.direction)) {
    if (total >= c.take) break;
    at = Math.max(at, s.readyAt);
    total += s.bytes.length;
  }
  if (total < c.take) return undefined;
  const f = c.fault;
  if (f?.kind === 'corrupt' && f.offset >= c.take) return undefined;
  if (f?.kind === 'truncate' && f.keep > c.take) return undefined;
  return { ...c, at };
}

/** A branch that made `choices` (fitted), then finished by the default schedule; undefined if one does not fit. */
export function runChoices(setup: () => ScenarioSetup, choices: readonly Choice[]): { branch: Branch; livelock: boolean; explicit: number } | undefined {
  const b = Branch.start(setup());
  for (const c of choices) {
    const fitted = fitChoice(b, c);
    if (fitted === undefined) return undefined;
    b.deliver(fitted);
  }
  const explicit = b.deliveries;
  const livelock = !b.finishByDefault();
  b.finish();
  return { branch: b, livelock, explicit };
}

/**
 * ddmin: a sublist of `items` that still `fails`, from which removing any one chunk at the
 * finest granularity tried no longer fails (1-minimal when it ends at single items).
 */
export function ddmin<T>(items: readonly T[], fails: (xs: readonly T[]) => boolean): T[] {
  let current = [...items];
  if (current.length > 0 && fails([])) return [];
  let n = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    const chunks: T[][] = [];
    for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size));
    let reduced = false;
    for (let i = 0; i < chunks.length && !reduced; i++) {
      if (chunks.length > 1 && fails(chunks[i]!)) {
        current = chunks[i]!;
        n = 2;
        reduced = true;
      }
    }
    for (let i = 0; i < chunks.length && !reduced; i++) {
      const complement = chunks.filter((_, j) => j !== i).flat();
      if (fails(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

/** The choices with as many faults taken away as can be while the run still fails. */
function withoutFaults(choices: readonly Choice[], fails: (xs: readonly Choice[]) => boolean): Choice[] {
  let current = [...choices];
  for (let i = 0; i < current.length; i++) {
    const c = current[i]!;
    if (c.fault === undefined || c.fault.kind === 'inject') continue;
    const { fault: _dropped, ...plain } = c;
    const candidate = [...current.slice(0, i), plain, ...current.slice(i + 1)];
    if (fails(candidate)) current = candidate;
  }
  return current;
}

export interface Minimised {
  readonly choices: Choice[];
  /** Candidate schedules run. */
  readonly attempts: number;
}

/**
 * The smallest failing list of choices found from `choices` (which must fail): ddmin, then
 * faults taken away, repeated until neither changes anything. `fails` is called once per
 * distinct candidate.
 */
export function minimiseChoices(choices: readonly Choice[], fails: (xs: readonly Choice[]) => boolean): Minimised {
  const seen = new Map<string, boolean>();
  const memo = (xs: readonly Choice[]): boolean => {
    const key = JSON.stringify(xs.map((c) => [c.direction, c.take, c.fault ?? null]));
    let r = seen.get(key);
    if (r === undefined) {
      r = fails(xs);
      seen.set(key, r);
    }
    return r;
  };
  let current = [...choices];
  for (let round = 0; round < 8; round++) {
    const before = JSON.stringify(current);
    current = withoutFaults(ddmin(current, memo), memo);
    if (JSON.stringify(current) === before) break;
  }
  return { choices: current, attempts: seen.size };
}
