/**
 * Exploration across cores and machines: worker threads, and shards merged afterwards.
 *
 * The schedule tree is cut deterministically: its top `unitDepth` deliveries are walked by
 * everyone alike, and every node at that depth (or leaf above it) is a unit, numbered in
 * depth-first order. The split depth is the first one giving at least `TARGET_UNITS`
 * units (planUnits), a function of the scenario, seed and bound only, so every worker and
 * every shard finds the same units.
 *
 * - `--workers N`: worker_threads claim units from a shared counter (Atomics), so a slow
 *   unit does not hold the others back; results are merged in unit order.
 * - `--shard K/N`: process K explores units K-1, K-1+N, K-1+2N…; each writes a result file,
 *   and `explore merge` sums them in unit order.
 *
 * Counts (schedules, truncated, violating, outcomes) are exact whatever the cut, since
 * pruning of equal states is sound; the examples kept are the first violating schedules in
 * depth-first order (exhaustive.ts), so the violations too are those of one run. Only the
 * work done (schedules run to the end, branch points, pruned states) depends on the cut:
 * a worker's table of explored states is its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { nobleProvider } from '@tls13sim/handshake';
import type { Choice } from '../scheduler.js';
import { Branch, setupOf, type LeafCheck } from './branch.js';
import { exploreCrypto } from './config.js';
import { choicesOf, exploreUnits, formatBound, mergeUnits, parseSplits, type Bound, type ExhaustiveResult, type UnitResult } from './exhaustive.js';

/**
 * Units wanted at least: enough for N ≤ 16 workers or shards to share evenly (claimed
 * dynamically, a few hundred units leave a short tail); a level that would give more than
 * 4 × as many is not expanded (its units are many already).
 */
export const TARGET_UNITS = 256;
/** Split depth at most (a tree this narrow has too few units to share anyway). */
const MAX_UNIT_DEPTH = 24;

export interface ParallelOptions {
  readonly seed?: number;
  readonly bound: Bound;
  readonly dedupe?: boolean;
  /** Memoised crypto (default true): the explorer's shared provider, else plain noble. */
  readonly memo?: boolean;
  readonly maxExamples?: number;
  readonly save?: boolean;
  readonly dir?: string;
  /** Extra end-of-schedule checks: in-process only (shards, tests), not sent to workers. */
  readonly extraChecks?: readonly LeafCheck[];
  /** Split depth (default: planUnits' choice, about TARGET_UNITS units). */
  readonly unitDepth?: number;
}

const cryptoOf = (memo: boolean | undefined) => (memo === false ? nobleProvider : exploreCrypto);

/**
 * The split depth and the seed every part uses: the top of the tree is expanded level by
 * level until the next level would give at least TARGET_UNITS units (a unit is a node at
 * the split depth, or a leaf above it), so the work is at most 4 × TARGET_UNITS nodes a level.
 */
export function planUnits(scenario: string, opts: ParallelOptions): { unitDepth: number; units: number; seed: number } {
  const setup = setupOf(scenario, opts.seed, cryptoOf(opts.memo));
  const seed = setup.sim.seed;
  const wanted = opts.unitDepth ?? Infinity;
  const target = opts.unitDepth === undefined ? TARGET_UNITS : Infinity;
  const choices = (b: Branch) => (b.deliveries < opts.bound.depth ? choicesOf(b, opts.bound.splits) : []);
  let leaves = 0;
  let frontier: Array<{ b: Branch; choices: Choice[] }> = [];
  const add = (b: Branch) => {
    const c = choices(b);
    if (c.length === 0) leaves++;
    else frontier.push({ b, choices: c });
  };
  add(Branch.start(setup));
  let depth = 0;
  // Units at depth d + 1: the leaves so far, and every child of the frontier (leaf or not).
  const next = () => leaves + frontier.reduce((n, f) => n + f.choices.length, 0);
  while (frontier.length > 0 && depth < Math.min(wanted, MAX_UNIT_DEPTH) && leaves + frontier.length < target && (depth === 0 || next() <= 4 * target)) {
    const level = frontier;
    frontier = [];
    for (const { b, choices: cs } of level) {
      for (let i = 0; i < cs.length; i++) {
        const child = i === cs.length - 1 ? b : b.fork();
        child.deliver(cs[i]!);
        add(child);
      }
    }
    depth++;
  }
  return { unitDepth: depth, units: leaves + frontier.length, seed };
}

/** What a worker is asked to do. */
export interface WorkerJob {
  readonly scenario: string;
  readonly seed: number;
  readonly bound: Bound;
  readonly dedupe: boolean;
  readonly memo: boolean;
  readonly maxExamples: number;
  readonly unitDepth: number;
  /** One Int32: the next unit to claim. */
  readonly counter: SharedArrayBuffer;
}

/** The worker's side: claim units until none is left, return their results. */
export function runWorkerJob(job: WorkerJob): UnitResult[] {
  const counter = new Int32Array(job.counter);
  return exploreUnits(job.scenario, {
    seed: job.seed,
    bound: job.bound,
    dedupe: job.dedupe,
    crypto: cryptoOf(job.memo),
    maxExamples: job.maxExamples,
    unitDepth: job.unitDepth,
    next: () => Atomics.add(counter, 0, 1),
  }).results;
}

/**
 * A worker running exhaustive-worker.ts. From the compiled package (dist) the `.js` worker
 * is started as is; from the sources (under tsx, vitest) the worker registers tsx first.
 */
function startWorker(): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./exhaustive-worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const target = new URL('./exhaustive-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(code, { eval: true });
}

export const defaultWorkers = (): number => availableParallelism();

/** A worker's answer to a job. */
export type WorkerReply =
  | { readonly ok: true; readonly results: UnitResult[] /** Time the worker spent on the job. */; readonly ms: number }
  | { readonly ok: false; readonly error: string };

/**
 * N worker threads kept for several explorations (each keeps its crypto memo warm, as one
 * thread does across explorations); `exploreParallel` starts one for a single exploration.
 */
export class ExplorePool {
  private readonly workers: Worker[];
  private busy = false;

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new Error(`ExplorePool: size must be ≥ 1, got ${size}`);
    this.workers = Array.from({ length: size }, () => startWorker());
  }

  /** One exhaustive exploration on the pool; the same result as one thread (exhaustive.ts) but for the work counts. */
  async explore(scenario: string, opts: ParallelOptions): Promise<ExhaustiveResult> {
    if (opts.extraChecks !== undefined) throw new Error('explore: extraChecks cannot be sent to workers');
    if (this.busy) throw new Error('ExplorePool: one exploration at a time');
    this.busy = true;
    try {
      const t0 = performance.now();
      const plan = planUnits(scenario, opts);
      const job: WorkerJob = {
        scenario,
        seed: plan.seed,
        bound: opts.bound,
        dedupe: opts.dedupe ?? true,
        memo: opts.memo ?? true,
        maxExamples: opts.maxExamples ?? 5,
        unitDepth: plan.unitDepth,
        counter: new SharedArrayBuffer(4),
      };
      const parts = await Promise.all(this.workers.slice(0, Math.min(this.size, plan.units)).map((w) => ask(w, job)));
      const results = parts.flat();
      if (results.length !== plan.units) throw new Error(`explore: workers returned ${results.length} of ${plan.units} units`);
      return mergeUnits(scenario, plan.seed, opts.bound, results, performance.now() - t0, opts);
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function ask(w: Worker, job: WorkerJob): Promise<UnitResult[]> {
  return new Promise<UnitResult[]>((resolve, reject) => {
    const done = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: WorkerReply) => {
      done();
      if (m.ok) resolve(m.results);
      else reject(new Error(`explore: a worker failed: ${m.error}`));
    };
    const onError = (e: Error) => {
      done();
      reject(new Error(`explore: a worker failed: ${e.message}`));
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`explore: a worker exited with code ${code} before its results`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage(job);
  });
}

/** An exhaustive exploration on `workers` threads started for it. */
export async function exploreParallel(scenario: string, workers: number, opts: ParallelOptions): Promise<ExhaustiveResult> {
  if (opts.extraChecks !== undefined) throw new Error('explore: extraChecks cannot be sent to workers');
  const pool = new ExplorePool(workers);
  try {
    return await pool.explore(scenario, opts);
  } finally {
    await pool.close();
  }
}

/** A shard's result file (`explore --shard K/N --out FILE`), JSON. */
export interface ShardFile {
  readonly format: 'tls13sim-explore-shard/1';
  readonly scenario: string;
  readonly seed: number;
  readonly bound: string;
  readonly dedupe: boolean;
  readonly shard: { readonly k: number; readonly n: number };
  readonly unitDepth: number;
  readonly units: number;
  readonly maxExamples: number;
  readonly ms: number;
  /** Summed over this shard's units. */
  readonly schedules: string;
  readonly truncated: string;
  readonly violating: string;
  readonly outcomes: ReadonlyArray<readonly [string, string]>;
  /** Each unit explored here, with its counts and first violating schedules (replay paths). */
  readonly results: ReadonlyArray<{
    unit: number;
    schedules: string;
    truncated: string;
    violating: string;
    outcomes: Array<[string, string]>;
    leaves: number;
    nodes: number;
    pruned: number;
    examples: Array<{ message: string; schedule: Choice[] }>;
  }>;
}

export function parseShard(text: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (m === null || !(n >= 1 && k >= 1 && k <= n && Number.isSafeInteger(n))) throw new Error(`--shard must be K/N with 1 ≤ K ≤ N, got '${text}'`);
  return { k, n };
}

/** Explores shard k of n (1-based) and returns its result file's contents. */
export function exploreShard(scenario: string, shard: { k: number; n: number }, opts: ParallelOptions): ShardFile {
  const t0 = performance.now();
  const plan = planUnits(scenario, opts);
  let want = shard.k - 1 - shard.n;
  const run = exploreUnits(scenario, {
    seed: plan.seed,
    bound: opts.bound,
    dedupe: opts.dedupe ?? true,
    crypto: cryptoOf(opts.memo),
    maxExamples: opts.maxExamples ?? 5,
    unitDepth: plan.unitDepth,
    ...(opts.extraChecks !== undefined ? { extraChecks: opts.extraChecks } : {}),
    next: () => (want += shard.n),
  });
  const total = mergeUnits(scenario, plan.seed, opts.bound, run.results, 1, { ...opts, save: false });
  return {
    format: 'tls13sim-explore-shard/1',
    scenario,
    seed: plan.seed,
    bound: formatBound(opts.bound),
    dedupe: opts.dedupe ?? true,
    shard,
    unitDepth: plan.unitDepth,
    units: run.units,
    maxExamples: opts.maxExamples ?? 5,
    ms: performance.now() - t0,
    schedules: total.schedules.toString(),
    truncated: total.truncated.toString(),
    violating: total.violating.toString(),
    outcomes: [...total.outcomes].map(([k, v]) => [k, v.toString()] as const),
    results: run.results.map((r) => ({
      unit: r.unit,
      schedules: r.schedules.toString(),
      truncated: r.truncated.toString(),
      violating: r.violating.toString(),
      outcomes: [...r.outcomes].map(([k, v]): [string, string] => [k, v.toString()]),
      leaves: r.leaves,
      nodes: r.nodes,
      pruned: r.pruned,
      examples: r.examples.map((e) => ({ message: e.message, schedule: [...e.schedule] })),
    })),
  };
}

export function writeShard(file: string, s: ShardFile): void {
  writeFileSync(file, `${JSON.stringify(s, null, 1)}\n`);
}

/** Reads a shard file, or throws a one-line error naming it. */
export function readShard(file: string): ShardFile {
  let s: ShardFile;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as ShardFile;
  } catch (e) {
    throw new Error(`${file}: not a shard result file (${(e as Error).message.split('\n')[0]})`);
  }
  if (s?.format !== 'tls13sim-explore-shard/1' || !Array.isArray(s.results)) throw new Error(`${file}: not a tls13sim-explore-shard/1 result file`);
  return s;
}

/**
 * Combines the result files of shards 1..N of one exploration (any order): counts summed,
 * outcomes unioned, the first violating schedules kept; errors if they are not the shards
 * of one exploration, or if a shard is missing or given twice.
 */
export function mergeShards(files: ReadonlyArray<{ name: string; shard: ShardFile }>, opts: { save?: boolean; dir?: string } = {}): ExhaustiveResult {
  if (files.length === 0) throw new Error('merge needs at least one shard result file');
  const first = files[0]!.shard;
  const seen = new Map<number, string>();
  for (const { name, shard: s } of files) {
    for (const f of ['scenario', 'seed', 'bound', 'dedupe', 'unitDepth', 'units', 'maxExamples'] as const) {
      if (s[f] !== first[f])
        throw new Error(`${name}: ${f} ${JSON.stringify(s[f])} differs from ${files[0]!.name}'s ${JSON.stringify(first[f])}: not shards of one exploration`);
    }
    if (s.shard.n !== first.shard.n) throw new Error(`${name}: shard ${s.shard.k}/${s.shard.n}, but ${files[0]!.name} is one of ${first.shard.n}`);
    const dup = seen.get(s.shard.k);
    if (dup !== undefined) throw new Error(`${name}: shard ${s.shard.k}/${s.shard.n} given twice (also ${dup})`);
    seen.set(s.shard.k, name);
  }
  const missing = Array.from({ length: first.shard.n }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new Error(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${first.shard.n}`).join(', ')}`);
  const results: UnitResult[] = files.flatMap(({ shard: s }) =>
    s.results.map((r) => ({
      unit: r.unit,
      schedules: BigInt(r.schedules),
      truncated: BigInt(r.truncated),
      violating: BigInt(r.violating),
      outcomes: new Map(r.outcomes.map(([k, v]) => [k, BigInt(v)] as const)),
      leaves: r.leaves,
      nodes: r.nodes,
      pruned: r.pruned,
      examples: r.examples,
    })),
  );
  const units = new Set(results.map((r) => r.unit));
  if (units.size !== results.length || units.size !== first.units)
    throw new Error(`the shards cover ${units.size} distinct of ${first.units} units in ${results.length} results: not an exact cover`);
  const ms = Math.max(...files.map((f) => f.shard.ms));
  return mergeUnits(first.scenario, first.seed, boundOf(first.bound), results, ms, { maxExamples: first.maxExamples, ...opts });
}

/** The bound back from its `formatBound` text. */
function boundOf(text: string): Bound {
  const m = /^depth (\d+), splits (\S+)$/.exec(text);
  if (m === null) throw new Error(`bad bound '${text}' in shard file`);
  return { depth: Number(m[1]), splits: parseSplits(m[2]!) };
}
