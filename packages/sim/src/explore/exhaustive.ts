/**
 * The exhaustive explorer: every schedule of a scenario within a bound,
 * enumerated depth-first with `Simulation.fork()`, each checked against the scenario's
 * properties (branch.ts) at its end.
 *
 * The bound, explicit:
 * - `splits`: at each delivery the network hands the receiver any prefix of what is queued
 *   in either direction that ends at a boundary: a flight (`flight`: whole flights, several
 *   coalesced), a record (`record`: k records, across flights too), or a record or any
 *   multiple of K bytes (`bytes:K`: records cut anywhere on that grid);
 * - `depth`: the first `depth` deliveries of every schedule branch that way; from there on
 *   the default schedule (FIFO, one whole flight at a time) finishes the run. A schedule
 *   that needed the default continuation is counted as `truncated`: with none, the
 *   enumeration is complete for that split granularity.
 *
 * Crypto goes through one memoising provider shared by every branch (memo.ts), so a branch
 * costs protocol logic, not cryptography. States already explored are pruned: two
 * branches with equal keys (branch.ts: bytes each endpoint was fed, states, application
 * progress, queue shape) have equal futures, so the second reuses the first's summary —
 * its schedule count, outcomes and violation count — and adds it to the totals.
 */
import type { CryptoProvider } from '@tls13sim/handshake';
import type { Choice } from '../scheduler.js';
import type { NetDirection } from '../trace.js';
import type { ScenarioSetup } from '../scenarios/registry.js';
import { Branch, checkLeaf, exhaustiveProperty, setupOf, type ExhaustiveInput, type LeafCheck, type StepInvariant } from './branch.js';
import { exploreCrypto } from './config.js';
import { saveCounterexample } from './runner.js';

export type SplitMode = { readonly kind: 'flight' } | { readonly kind: 'record' } | { readonly kind: 'bytes'; readonly k: number };

export interface Bound {
  readonly depth: number;
  readonly splits: SplitMode;
}

/**
 * Every split at any byte, every interleaving, flights coalesced: complete for the scenarios
 * here (their longest schedule, one byte per delivery, is ~1,500 deliveries).
 */
export const DEFAULT_BOUND: Bound = { depth: 4096, splits: { kind: 'bytes', k: 1 } };

export interface ExhaustiveOptions {
  readonly seed?: number;
  readonly bound?: Bound;
  /** Crypto provider for the endpoints (default: the explorer's shared memoising one). */
  readonly crypto?: CryptoProvider;
  /** Prune states already explored (default true). */
  readonly dedupe?: boolean;
  /**
   * Extra checks at the end of every schedule. With pruning on, a check must depend on the
   * end state only (a pruned schedule shares its end state, not its history, with the one
   * checked); history belongs in `invariants`.
   */
  readonly extraChecks?: readonly LeafCheck[];
  /** Extra invariants checked after every delivery of every branch (a test injects a faulty one). */
  readonly invariants?: readonly StepInvariant[];
  /** Save violations as counterexample files with a replay command (default true). */
  readonly save?: boolean;
  /** Violations kept with their schedule (default 5). */
  readonly maxExamples?: number;
  /** Where counterexample files go (runner.ts default when absent). */
  readonly dir?: string;
  /** The explored setup, instead of the named scenario's (a user's factory: explore/api.ts). */
  readonly setup?: () => ScenarioSetup;
  /** The deliveries allowed from a branch, instead of `choicesOf(b, bound.splits)` (faults: explore/api.ts). */
  readonly choices?: (b: Branch) => Choice[];
  /** Judges a finished schedule instead of the scenario's checks (checkLeaf); throws when it fails. */
  readonly leafCheck?: (b: Branch, livelock: boolean) => void;
}

export interface Violation {
  readonly message: string;
  readonly schedule: readonly Choice[];
  readonly file?: string;
  /** Replays the schedule exactly: `pnpm tls13sim replay FILE`. */
  readonly command?: string;
}

export interface ExhaustiveResult {
  readonly scenario: string;
  readonly seed: number;
  readonly bound: Bound;
  /** Complete schedules covered: run to their end, or reached through a pruned state (exact: may exceed 2^53). */
  readonly schedules: bigint;
  /** Schedules actually run to their end (the rest were covered by pruning). */
  readonly leaves: number;
  /** Schedules the default continuation finished (0: the enumeration is complete). */
  readonly truncated: bigint;
  /** Branch points visited (deliveries chosen). */
  readonly nodes: number;
  /** States whose subtree was skipped as equal to one already explored. */
  readonly pruned: number;
  /** Canonical end signature → schedules that ended so. */
  readonly outcomes: ReadonlyMap<string, bigint>;
  /** Schedules that violated a property (pruned ones included). */
  readonly violating: bigint;
  readonly violations: readonly Violation[];
  readonly ms: number;
  readonly schedulesPerSecond: number;
}

export function formatBound(b: Bound): string {
  const s = b.splits.kind === 'bytes' ? `bytes:${b.splits.k}` : b.splits.kind;
  return `depth ${b.depth}, splits ${s}`;
}

export function parseSplits(text: string): SplitMode {
  if (text === 'flight' || text === 'record') return { kind: text };
  const m = /^bytes:(\d+)$/.exec(text);
  if (m !== null && Number(m[1]) >= 1) return { kind: 'bytes', k: Number(m[1]) };
  throw new Error(`--splits must be record, flight or bytes:K (K ≥ 1), got '${text}'`);
}

/** Every delivery allowed from here: per direction, each prefix of its queue that ends at a boundary. */
export function choicesOf(b: Branch, splits: SplitMode): Choice[] {
  const out: Choice[] = [];
  for (const d of ['client_to_server', 'server_to_client'] as const satisfies readonly NetDirection[]) {
    const segs = b.sim.queued(d);
    let total = 0;
    let at = b.sim.now;
    const takes: Array<{ take: number; at: number }> = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      at = Math.max(at, s.readyAt);
      if (splits.kind === 'bytes') {
        for (let t = Math.floor(total / splits.k) * splits.k + splits.k; t < total + s.bytes.length; t += splits.k) {
          if (t > total) takes.push({ take: t, at });
        }
      }
      total += s.bytes.length;
      const next = segs[i + 1];
      if (splits.kind !== 'flight' || next === undefined || next.flight !== s.flight) takes.push({ take: total, at });
    }
    for (const t of takes) out.push({ at: t.at, direction: d, take: t.take });
  }
  return out;
}

interface Summary {
  schedules: bigint;
  truncated: bigint;
  violating: bigint;
  outcomes: Map<string, bigint>;
  /** Branching deliveries below this state, at most. */
  height: number;
}

function merge(into: Summary, s: Summary): void {
  into.schedules += s.schedules;
  into.truncated += s.truncated;
  into.violating += s.violating;
  for (const [k, n] of s.outcomes) into.outcomes.set(k, (into.outcomes.get(k) ?? 0n) + n);
  into.height = Math.max(into.height, s.height + 1);
}

/** One violating schedule found in a unit, before it is saved. */
export interface Example {
  readonly message: string;
  readonly schedule: readonly Choice[];
  /** How many of the schedule's choices the explorer made (the default schedule made the rest). */
  readonly explicit?: number;
}

/**
 * What exploring one unit of the schedule tree gives (parallel.ts): a unit is a node at the
 * split depth (or a leaf above it), numbered in depth-first order. Counts are exact;
 * `examples` are the unit's first violating schedules in depth-first order (at most
 * `maxExamples`), whatever was pruned, so units merged in index order give the same first
 * violations as one run over the whole tree.
 */
export interface UnitResult {
  readonly unit: number;
  readonly schedules: bigint;
  readonly truncated: bigint;
  readonly violating: bigint;
  readonly outcomes: Map<string, bigint>;
  readonly leaves: number;
  readonly nodes: number;
  readonly pruned: number;
  readonly examples: readonly Example[];
}

/** The exploration's options (nothing is saved: the caller saves what it combines). */
export interface UnitOptions extends Omit<ExhaustiveOptions, 'save'> {
  /** Deliveries above the units (0: one unit, the root). */
  readonly unitDepth: number;
  /**
   * The next unit to explore, strictly increasing between calls; a number past the last
   * unit ends the walk. A shard claims k, k+N, k+2N…; a worker claims from a shared counter.
   */
  readonly next: () => number;
}

export interface UnitsRun {
  readonly seed: number;
  /** Units in the tree at this split depth (all of them, explored here or not). */
  readonly units: number;
  readonly results: UnitResult[];
}

/**
 * Walks the top of the schedule tree to `unitDepth` deliveries and explores the units that
 * `next` claims, with one table of explored states shared by the units run here (pruning is
 * sound, so sharing it changes no count, only the work).
 */
export function exploreUnits(scenario: string, opts: UnitOptions): UnitsRun {
  const bound = opts.bound ?? DEFAULT_BOUND;
  const dedupe = opts.dedupe ?? true;
  const maxExamples = opts.maxExamples ?? 5;
  const extra = opts.extraChecks ?? [];
  const invariants = opts.invariants ?? [];
  const setup = opts.setup?.() ?? setupOf(scenario, opts.seed, opts.crypto ?? exploreCrypto);
  const choose = opts.choices ?? ((b: Branch) => choicesOf(b, bound.splits));
  const judge = opts.leafCheck ?? ((b: Branch, livelock: boolean) => void checkLeaf(b, livelock, extra));
  const seed = setup.sim.seed;
  const seen = new Map<string, { summary: Summary; remaining: number }>();
  let examples: Example[] = [];
  let leaves = 0;
  let nodes = 0;
  let pruned = 0;

  const leaf = (b: Branch): Summary => {
    leaves++;
    const truncated = !b.quiescent;
    const explicit = b.deliveries;
    const livelock = !b.finishByDefault();
    b.finish();
    let violating = 0n;
    try {
      judge(b, livelock);
    } catch (e) {
      violating = 1n;
      if (examples.length < maxExamples)
        examples.push({ message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), schedule: [...b.sim.schedule], explicit });
    }
    return { schedules: 1n, truncated: truncated ? 1n : 0n, violating, outcomes: new Map([[b.signature(), 1n]]), height: 0 };
  };

  /** The summary of an explored state with this key, if it is valid with `remaining` deliveries of budget. */
  const known = (key: string | undefined, remaining: number): Summary | undefined => {
    if (key === undefined) return undefined;
    const hit = seen.get(key);
    if (hit === undefined) return undefined;
    // The stored subtree is this one if it had the same budget, or never needed its budget.
    const same = hit.remaining === remaining || (hit.summary.truncated === 0n && hit.summary.height <= remaining);
    if (!same) return undefined;
    // While examples are still wanted, a subtree with violations is run again: the examples
    // are then the first violating schedules in depth-first order, pruned or not, sharded or not.
    if (hit.summary.violating > 0n && examples.length < maxExamples) return undefined;
    return hit.summary;
  };

  const visit = (b: Branch): Summary => {
    const remaining = bound.depth - b.deliveries;
    const choices = remaining > 0 ? choose(b) : [];
    if (choices.length === 0) return leaf(b);
    // A branch whose past broke an invariant is explored on its own, never merged away.
    const key = dedupe && b.violations.length === 0 ? b.key() : undefined;
    const hit = known(key, remaining);
    if (hit !== undefined) {
      pruned++;
      return hit;
    }
    nodes++;
    const summary: Summary = { schedules: 0n, truncated: 0n, violating: 0n, outcomes: new Map(), height: 0 };
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      // Most byte splits end inside a record: the child's key is known without running it.
      // (Not with extra invariants: they may look at the delivery itself.)
      if (key !== undefined && invariants.length === 0 && c.fault === undefined) {
        const hit = known(b.keyAfterPartial(c.direction, c.take), remaining - 1);
        if (hit !== undefined) {
          pruned++;
          merge(summary, hit);
          continue;
        }
      }
      // The last choice continues on this branch itself: one fork fewer per node.
      const child = i === choices.length - 1 ? b : b.fork();
      child.deliver(c);
      merge(summary, visit(child));
    }
    if (key !== undefined) seen.set(key, { summary, remaining });
    return summary;
  };

  const results: UnitResult[] = [];
  let units = 0;
  let want = opts.next();
  const walk = (b: Branch, above: number): void => {
    const remaining = bound.depth - b.deliveries;
    const choices = above > 0 && remaining > 0 ? choose(b) : [];
    if (choices.length === 0) {
      const unit = units++;
      if (unit !== want) return;
      examples = [];
      [leaves, nodes, pruned] = [0, 0, 0];
      const s = visit(b);
      results.push({ unit, schedules: s.schedules, truncated: s.truncated, violating: s.violating, outcomes: s.outcomes, leaves, nodes, pruned, examples });
      want = opts.next();
      return;
    }
    for (let i = 0; i < choices.length; i++) {
      const child = i === choices.length - 1 ? b : b.fork();
      child.deliver(choices[i]!);
      walk(child, above - 1);
    }
  };
  walk(Branch.start(setup, invariants), opts.unitDepth);
  return { seed, units, results };
}

/** Units explored anywhere, merged in unit order into the result of one run over the whole tree. */
export function mergeUnits(
  scenario: string,
  seed: number,
  bound: Bound,
  results: readonly UnitResult[],
  ms: number,
  opts: { maxExamples?: number; save?: boolean; dir?: string } = {},
): ExhaustiveResult {
  const maxExamples = opts.maxExamples ?? 5;
  const sorted = [...results].sort((a, b) => a.unit - b.unit);
  const outcomes = new Map<string, bigint>();
  let [schedules, truncated, violating] = [0n, 0n, 0n];
  let [leaves, nodes, pruned] = [0, 0, 0];
  const examples: Example[] = [];
  for (const r of sorted) {
    schedules += r.schedules;
    truncated += r.truncated;
    violating += r.violating;
    leaves += r.leaves;
    nodes += r.nodes;
    pruned += r.pruned;
    for (const [k, n] of r.outcomes) outcomes.set(k, (outcomes.get(k) ?? 0n) + n);
    for (const e of r.examples) if (examples.length < maxExamples) examples.push(e);
  }
  const violations = examples.map((e): Violation => {
    const input: ExhaustiveInput = { scenario, seed, schedule: [...e.schedule] };
    if (opts.save === false) return { message: e.message, schedule: input.schedule };
    const file = saveCounterexample(exhaustiveProperty, input, { seed, path: '', error: e.message }, opts.dir);
    return { message: e.message, schedule: input.schedule, file, command: `pnpm tls13sim replay ${file}` };
  });
  return {
    scenario,
    seed,
    bound,
    schedules,
    leaves,
    truncated,
    nodes,
    pruned,
    outcomes,
    violating,
    violations,
    ms,
    schedulesPerSecond: Number(schedules) / (ms / 1000),
  };
}

export function exploreExhaustive(scenario: string, opts: ExhaustiveOptions = {}): ExhaustiveResult {
  const t0 = performance.now();
  let claimed = -1;
  const run = exploreUnits(scenario, { ...opts, unitDepth: 0, next: () => ++claimed });
  return mergeUnits(scenario, run.seed, opts.bound ?? DEFAULT_BOUND, run.results, performance.now() - t0, opts);
}

/** An exact count, readable: digits up to 15 of them, else 1.93e431. */
export function formatCount(n: bigint): string {
  const s = n.toString();
  if (s.length <= 15) return Number(n).toLocaleString('en-US');
  return `${s[0]}.${s.slice(1, 3)}e${s.length - 1}`;
}

/** Schedules per second, exact enough for any count: count ÷ seconds. */
export function formatRate(n: bigint, ms: number): string {
  const perMs = (n * 1000n) / BigInt(Math.max(1, Math.round(ms)));
  return formatCount(perMs);
}

/** The report `pnpm explore --exhaustive` prints. */
export function formatExhaustive(r: ExhaustiveResult): string {
  const states = r.nodes + r.pruned + r.leaves;
  const lines = [
    `scenario     ${r.scenario} (seed ${r.seed})`,
    `bound        ${formatBound(r.bound)}${r.truncated === 0n ? ' — complete: no schedule reached the depth bound' : ` — ${formatCount(r.truncated)} schedules finished by the default schedule past the depth bound`}`,
    `schedules    ${formatCount(r.schedules)} explored: ${BigInt(r.leaves) === r.schedules ? 'all' : r.leaves.toLocaleString('en-US')} run to the end${BigInt(r.leaves) === r.schedules ? '' : ', the rest through pruned equal states'} (${r.nodes.toLocaleString('en-US')} branch points)`,
    `outcomes     ${r.outcomes.size} distinct`,
    ...[...r.outcomes].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)).map(([sig, n]) => `  ${formatCount(n).padStart(10)} × ${sig}`),
    `pruned       ${r.pruned.toLocaleString('en-US')} states equal to one already explored`,
    `rate         ${formatRate(r.schedules, r.ms)} schedules/s (${Math.round(states / (r.ms / 1000)).toLocaleString('en-US')} states/s, ${Math.round(r.leaves / (r.ms / 1000)).toLocaleString('en-US')} schedules run to the end/s)`,
    `elapsed      ${(r.ms / 1000).toFixed(2)} s`,
    `violations   ${r.violating === 0n ? 'none' : `${formatCount(r.violating)} schedules`}`,
  ];
  for (const v of r.violations) {
    lines.push(`  ${v.message}`);
    lines.push(`    schedule: ${v.schedule.map((c) => `${c.direction === 'client_to_server' ? 'C→S' : 'S→C'}:${c.take}`).join(' ')}`);
    if (v.command !== undefined) lines.push(`    replay:   ${v.command}`);
  }
  return lines.join('\n');
}
