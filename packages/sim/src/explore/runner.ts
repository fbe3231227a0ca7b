/**
 * Runs a property with fast-check, and on failure saves the shrunk counterexample (its
 * input, the exact schedule it ran and a digest of its trace) and prints the one command
 * that replays it: `pnpm tls13sim replay FILE`. Node-only (files); the properties are not.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import type { Choice, Schedule } from '../scheduler.js';
import type { Simulation } from '../simulation.js';
import { stableStringify, traceToJson } from '../trace.js';
import { getProperty, type PropertyDef } from './properties.js';

export interface ExploreOptions {
  readonly runs?: number;
  readonly seed?: number;
  /** fast-check's replay path (with the seed it came from). */
  readonly path?: string;
  /** Where counterexample files go (default: $TLS13SIM_CX_DIR or the OS temp dir). */
  readonly dir?: string;
}

export interface ExploreResult {
  readonly property: string;
  readonly runs: number;
  readonly ms: number;
  readonly seed: number;
  readonly failed: boolean;
  readonly message?: string;
  readonly path?: string;
  readonly file?: string;
  /** The one command that replays the shrunk counterexample exactly. */
  readonly command?: string;
  readonly seedCommand?: string;
}

export interface CounterexampleFile {
  readonly tls13sim: 'counterexample';
  readonly version: 1;
  readonly property: string;
  readonly seed: number;
  readonly path: string;
  readonly error: string;
  readonly input: unknown;
  /** The choices the failing run made, replayed exactly by `tls13sim replay`. */
  readonly schedule?: readonly Choice[];
  /** SHA-256 of the failing run's JSON trace: the replay must be byte-identical. */
  readonly traceSha256?: string;
  /**
   * A user's property (`tlsProperty`): the module (URL or path) that exports it, which
   * `tls13sim replay` imports to run the case again. Absent for the built-in properties.
   */
  readonly module?: string;
}

export function traceDigest(sim: Simulation): string {
  return createHash('sha256').update(traceToJson(sim.toTrace())).digest('hex');
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export function runProperty<T>(def: PropertyDef<T>, opts: ExploreOptions = {}): ExploreResult {
  const runs = opts.runs ?? def.ciRuns;
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const t0 = performance.now();
  const details = fc.check(
    fc.property(def.arbitrary, (input) => {
      def.check(input);
    }),
    { numRuns: runs, seed, ...(opts.path !== undefined ? { path: opts.path, endOnFailure: true } : {}) },
  );
  const ms = performance.now() - t0;
  if (!details.failed || details.counterexample === null) {
    return { property: def.name, runs: details.numRuns, ms, seed, failed: false };
  }
  const input = details.counterexample[0] as T;
  const path = details.counterexamplePath ?? '';
  const error = message(details.errorInstance);
  const file = saveCounterexample(def, input, { seed, path, error }, opts.dir);
  return {
    property: def.name,
    runs: details.numRuns,
    ms,
    seed,
    failed: true,
    message: error,
    path,
    file,
    command: `pnpm tls13sim replay ${file}`,
    seedCommand: `pnpm tls13sim replay --property ${def.name} --seed ${seed} --path ${path}`,
  };
}

export function saveCounterexample<T>(
  def: PropertyDef<T>,
  input: T,
  meta: { seed: number; path: string; error: string },
  dir?: string,
  module?: string,
): string {
  const outDir = resolve(dir ?? process.env.TLS13SIM_CX_DIR ?? join(tmpdir(), 'tls13sim-counterexamples'));
  mkdirSync(outDir, { recursive: true });
  let extra: Pick<CounterexampleFile, 'schedule' | 'traceSha256'> = {};
  if (def.simulate !== undefined) {
    const sim = def.simulate(input);
    extra = { schedule: sim.schedule, traceSha256: traceDigest(sim) };
  }
  const body: CounterexampleFile = {
    tls13sim: 'counterexample',
    version: 1,
    property: def.name,
    seed: meta.seed,
    path: meta.path,
    error: meta.error,
    input: def.encode(input),
    ...extra,
    ...(module !== undefined ? { module } : {}),
  };
  const text = `${stableStringify(body)}\n`;
  const id = createHash('sha256').update(text).digest('hex').slice(0, 10);
  const file = join(outDir, `${def.name}-${id}.json`);
  writeFileSync(file, text);
  return file;
}

export function readCounterexample(file: string): CounterexampleFile {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<CounterexampleFile>;
  if (j.tls13sim !== 'counterexample' || j.version !== 1 || typeof j.property !== 'string') {
    throw new Error(`${file}: not a tls13sim counterexample file (version 1)`);
  }
  return j as CounterexampleFile;
}

export interface ReplayOutcome {
  readonly property: string;
  /** The property fails again (the counterexample reproduces). */
  readonly reproduced: boolean;
  readonly message?: string;
  /** Replayed trace digest equals the saved one (undefined when nothing was saved). */
  readonly identical?: boolean;
  /** The saved schedule no longer fits (the code changed); the input was re-run by its script. */
  readonly diverged?: boolean;
  readonly sim?: Simulation;
}

/** Replays a saved counterexample exactly: its input, and the very schedule it ran. */
export function replayFile(file: string): ReplayOutcome {
  const cx = readCounterexample(file);
  const def = getProperty(cx.property);
  if (def === undefined) throw new Error(`${file}: unknown property '${cx.property}'`);
  return replayWith(def, cx);
}

/** Replays a saved counterexample of `def` (a built-in property, or a user's seen as one). */
export function replayWith<T>(def: PropertyDef<T>, cx: CounterexampleFile): ReplayOutcome {
  const input = def.decode(cx.input);
  const schedule: Schedule | undefined = cx.schedule;
  let sim: Simulation | undefined;
  let identical: boolean | undefined;
  if (def.simulate !== undefined && schedule !== undefined) {
    sim = def.simulate(input, schedule);
    if (cx.traceSha256 !== undefined) identical = traceDigest(sim) === cx.traceSha256;
  }
  const base = { property: def.name, ...(identical !== undefined ? { identical } : {}), ...(sim ? { sim } : {}) };
  try {
    def.check(input, schedule);
    return { ...base, reproduced: false };
  } catch (e) {
    const m = message(e);
    // The code changed since the file was saved: the recorded choices no longer fit the
    // bytes the endpoints now send. Judge the input by its own (shrunk) script instead.
    if (!m.includes('replay diverged')) return { ...base, reproduced: true, message: m };
    const rerun = def.simulate?.(input);
    try {
      def.check(input);
      return { property: def.name, reproduced: false, diverged: true, ...(rerun ? { sim: rerun } : {}) };
    } catch (e2) {
      return { property: def.name, reproduced: true, diverged: true, message: message(e2), ...(rerun ? { sim: rerun } : {}) };
    }
  }
}

/** Replays fast-check's seed and path for a property (re-generates the input, then checks it). */
export function replaySeedPath(property: string, seed: number, path: string): ReplayOutcome & { input?: unknown } {
  const def = getProperty(property);
  if (def === undefined) throw new Error(`unknown property '${property}'`);
  const details = fc.check(
    fc.property(def.arbitrary, (input) => {
      def.check(input);
    }),
    // The path leads straight to the shrunk case: one run replays it.
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (!details.failed || details.counterexample === null) return { property, reproduced: false };
  const input = details.counterexample[0];
  const sim = def.simulate?.(input);
  return { property, reproduced: true, message: message(details.errorInstance), input: def.encode(input), ...(sim ? { sim } : {}) };
}
