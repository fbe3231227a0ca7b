/**
 * The exhaustive explorer as a library (`explore()` from `@tls13sim/sim`): every schedule of
 * a catalogue scenario, or of a setup a user's factory builds, within a bound — which
 * direction delivers next, where each delivery is cut, and, when asked, where the network
 * drops, duplicates, truncates, corrupts or injects (the `--fault` vocabulary of
 * `tls13sim run`, explore/fault-text.ts). The enumeration, the pruning of equal states and
 * the counts are exhaustive.ts's; this file adds the user's property, faults as choices,
 * and for a failure the first violating schedule minimised (minimise.ts), its timeline,
 * and a counterexample file that `tls13sim replay` runs byte for byte.
 */
import { concatBytes } from '@tls13sim/record';
import { renderTimeline } from '../render/timeline.js';
import type { ScenarioSetup } from '../scenarios/registry.js';
import type { Choice, FaultSpec } from '../scheduler.js';
import type { Simulation } from '../simulation.js';
import type { AppliedFault, Side, Trace } from '../trace.js';
import { Branch, checkLeaf, exhaustiveProperty, setupOf, type ExhaustiveInput } from './branch.js';
import {
  DEFAULT_BOUND,
  choicesOf,
  exploreUnits,
  formatExhaustive,
  mergeUnits,
  parseSplits,
  type Bound,
  type ExhaustiveResult,
  type SplitMode,
} from './exhaustive.js';
import { faultChoices, parseExploreFault } from './fault-choices.js';
import { minimiseChoices, runChoices } from './minimise.js';
import { saveCounterexample } from './runner.js';
import type { PropertyDef } from './property-def.js';

export { parseExploreFault };

/** How far the enumeration goes (exhaustive.ts `Bound`; the splits also as text: `record`, `flight`, `bytes:K`). */
export interface ExploreBounds {
  /** Deliveries chosen per schedule; the default schedule finishes the rest (default 4096). */
  readonly depth?: number;
  /** Where a delivery may end (default `bytes:1`: any byte). */
  readonly splits?: SplitMode | string;
}

/**
 * Faults the network may commit, each a choice the explorer takes or not at every delivery
 * it fits. In the `--fault` vocabulary of `tls13sim run`, with the position optional:
 * `drop` (any delivery), `corrupt:s2c` (any server-to-client one), `duplicate:c2s:2` (the
 * client's third delivery), `truncate:any:*:5`, `corrupt:any:*:0:255`, `inject:c2s:1:1503…`;
 * or a `FaultSpec`. Without parameters, truncate keeps half the delivery and corrupt flips
 * the low bit of its last byte (inside a record's AEAD tag when the delivery ends a record).
 */
export interface ExploreFaults {
  readonly allow: readonly (string | FaultSpec)[];
  /** Faults in one schedule at most (default 1). */
  readonly max?: number;
}

/** One finished schedule, as the property sees it. */
export interface ExploredRun {
  readonly sim: Simulation;
  /** The run's trace (built when first read). */
  readonly trace: Trace;
  /** Each side's application calls and their results, in order: `connect:ok`, `read:error(decrypt_error)`. */
  readonly calls: Readonly<Record<Side, readonly string[]>>;
  /** Every alert sent, `side:alert@epoch` (e.g. `server:decrypt_error@application`). */
  readonly alerts: readonly string[];
  /** What each side's application read, and what was still readable at the end. */
  readonly received: Readonly<Record<Side, Uint8Array>>;
  /** What each side's application wrote. */
  readonly written: Readonly<Record<Side, Uint8Array>>;
  /** Exceptions that escaped an endpoint (each one a bug). */
  readonly thrown: readonly string[];
  /** The default continuation did not reach quiescence. */
  readonly livelock: boolean;
  /** Faults this schedule applied. */
  readonly faults: readonly AppliedFault[];
  /** How the schedule ended, canonically (the outcome counted in `outcomes`). */
  readonly signature: string;
}

/** What `explore()` explores, and how it judges each schedule. */
export interface Exploration {
  /** Names the exploration in messages and in its counterexample file (lowercase, digits, '-'). */
  readonly name?: string;
  /** A catalogue scenario with a setup hook (`tls13sim explore --help` lists them)… */
  readonly scenario?: string;
  /** …or a fresh, unstarted setup of your own per call: a Simulation and each side's calls. */
  readonly factory?: () => ScenarioSetup;
  /** The scenario's seed (default: its own). */
  readonly seed?: number;
  readonly bounds?: ExploreBounds;
  readonly faults?: ExploreFaults;
  /**
   * Judges each finished schedule: return false or throw when it does not hold. Without one,
   * the scenario's own checks judge (those of `tls13sim explore --exhaustive`). With pruning
   * on, judge where the run ended (states, calls, alerts, data), not the order it got there.
   */
  readonly property?: (run: ExploredRun) => boolean | void;
  /** Prune states equal to one already explored (default true; counts are exact either way). */
  readonly dedupe?: boolean;
  /** Minimise the first failing schedule (default true). */
  readonly minimise?: boolean;
  /** Where the exploration is exported from (`import.meta.url`): `tls13sim replay` imports it. */
  readonly module?: string;
}

/** A failing schedule: the first found, and the minimised one with its timeline and replay file. */
export interface ExplorationFailure {
  /** Why the minimised schedule fails. */
  readonly message: string;
  /** The first violating schedule in depth-first order: the explorer's choices, and all (default continuation included). */
  readonly first: { readonly message: string; readonly choices: readonly Choice[]; readonly schedule: readonly Choice[] };
  /** The minimised choices: after them, the default schedule finishes the run. */
  readonly choices: readonly Choice[];
  /** The minimised run's whole schedule (what the replay file holds). */
  readonly schedule: readonly Choice[];
  /** Candidate schedules the minimiser ran. */
  readonly attempts: number;
  readonly trace: Trace;
  readonly timeline: string;
  /** The counterexample file (`save` on), and the command that replays it. */
  readonly file?: string;
  readonly command?: string;
}

export interface ExplorationResult extends ExhaustiveResult {
  readonly name: string;
  readonly failure?: ExplorationFailure;
}

export interface ExploreRunOptions {
  /** Write the failure's counterexample file (default true). */
  readonly save?: boolean;
  /** Where (default $TLS13SIM_CX_DIR or the OS temp dir). */
  readonly dir?: string;
}

/** Types an exploration to export from its own module (an identity function). */
export function defineExploration(def: Exploration): Exploration {
  return def;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The finished branch as the property sees it. */
function exploredRun(b: Branch, livelock: boolean): ExploredRun {
  const o = b.outcome(livelock);
  let trace: Trace | undefined;
  return {
    sim: b.sim,
    get trace() {
      trace ??= b.sim.toTrace();
      return trace;
    },
    calls: { client: [...b.results.client], server: [...b.results.server] },
    alerts: [...b.alerts],
    received: o.received,
    written: { client: concatBytes(...b.written.client), server: concatBytes(...b.written.server) },
    thrown: [...b.thrown],
    livelock,
    faults: b.sim.schedule.flatMap((c) => (c.fault !== undefined ? [c.fault] : [])),
    signature: b.signature(),
  };
}

/** The judgement of one finished schedule: the user's property, or the scenario's checks. */
function judgeOf(def: Exploration, name: string): (b: Branch, livelock: boolean) => void {
  const property = def.property;
  if (property === undefined) return (b, livelock) => void checkLeaf(b, livelock);
  return (b, livelock) => {
    if (property(exploredRun(b, livelock)) === false) throw new Error(`property ${name} does not hold`);
  };
}

function nameOf(def: Exploration): string {
  const name = def.name ?? def.scenario ?? 'exploration';
  if (!NAME.test(name)) throw new Error(`explore: bad name '${name}' (lowercase, digits, '-')`);
  return name;
}

/** A fresh setup per call: the factory's, or the scenario's (with the explorer's memoising crypto). */
function setupFactory(def: Exploration): () => ScenarioSetup {
  if ((def.scenario === undefined) === (def.factory === undefined)) throw new Error('explore: give either a scenario or a factory');
  if (def.factory !== undefined) return def.factory;
  const scenario = def.scenario!;
  return () => setupOf(scenario, def.seed);
}

function boundOf(b: ExploreBounds | undefined): Bound {
  const splits = b?.splits === undefined ? DEFAULT_BOUND.splits : typeof b.splits === 'string' ? parseSplits(b.splits) : b.splits;
  const depth = b?.depth ?? DEFAULT_BOUND.depth;
  if (!Number.isSafeInteger(depth) || depth < 0) throw new Error(`explore: bounds.depth must be a non-negative integer, got ${depth}`);
  return { depth, splits };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The message a judgement throws for a finished branch, or undefined when it holds. */
function verdictOf(judge: (b: Branch, livelock: boolean) => void, b: Branch, livelock: boolean): string | undefined {
  try {
    judge(b, livelock);
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}

/**
 * Explores every schedule of `def` within its bounds and judges each. The counts are those
 * `tls13sim explore --exhaustive` prints for the same scenario and bound; a failure comes
 * back minimised, with its timeline and (unless `save: false`) a replay file.
 *
 * ```ts
 * const r = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['drop'] },
 *   property: (run) => run.alerts.every((a) => a.startsWith('server:decrypt_error')) });
 * if (r.failure) console.log(r.failure.timeline);
 * ```
 */
export function explore(def: Exploration, opts: ExploreRunOptions = {}): ExplorationResult {
  const name = nameOf(def);
  const setup = setupFactory(def);
  const bound = boundOf(def.bounds);
  const candidates = (def.faults?.allow ?? []).map(parseExploreFault);
  const max = def.faults?.max ?? 1;
  const judge = judgeOf(def, name);
  const t0 = performance.now();
  let claimed = -1;
  const run = exploreUnits(def.scenario ?? name, {
    unitDepth: 0,
    next: () => ++claimed,
    bound,
    dedupe: def.dedupe ?? true,
    maxExamples: 1,
    setup,
    leafCheck: judge,
    ...(candidates.length > 0 ? { choices: (b: Branch) => faultChoices(choicesOf(b, bound.splits), b, candidates, max) } : {}),
  });
  const summary = mergeUnits(def.scenario ?? name, run.seed, bound, run.results, performance.now() - t0, { save: false, maxExamples: 1 });
  const example = run.results.flatMap((r) => r.examples)[0];
  if (example === undefined) return { ...summary, name };
  const failure = failureOf(def, name, setup, judge, example, opts);
  return { ...summary, name, failure };
}

function failureOf(
  def: Exploration,
  name: string,
  setup: () => ScenarioSetup,
  judge: (b: Branch, livelock: boolean) => void,
  example: { message: string; schedule: readonly Choice[]; explicit?: number },
  opts: ExploreRunOptions,
): ExplorationFailure {
  const firstChoices = example.schedule.slice(0, example.explicit ?? example.schedule.length);
  const fails = (xs: readonly Choice[]): boolean => {
    const r = runChoices(setup, xs);
    return r !== undefined && verdictOf(judge, r.branch, r.livelock) !== undefined;
  };
  const m = def.minimise === false ? { choices: [...firstChoices], attempts: 0 } : minimiseChoices(firstChoices, fails);
  const r = runChoices(setup, m.choices);
  const message = r === undefined ? undefined : verdictOf(judge, r.branch, r.livelock);
  if (r === undefined || message === undefined)
    throw new Error(`explore: the first failing schedule of ${name} does not fail again (is the setup deterministic?)`);
  const choices = r.branch.sim.schedule.slice(0, r.explicit);
  const trace = r.branch.sim.toTrace();
  const base = {
    message,
    first: { message: example.message, choices: firstChoices, schedule: example.schedule },
    choices,
    schedule: r.branch.sim.schedule,
    attempts: m.attempts,
    trace,
    timeline: renderTimeline(trace),
  };
  if (opts.save === false) return base;
  const input: ExhaustiveInput = { scenario: def.scenario ?? name, seed: run0Seed(def, r.branch), schedule: choices };
  const builtIn = def.property === undefined && def.factory === undefined;
  const prop = builtIn ? exhaustiveProperty : explorationProperty(def);
  const file = saveCounterexample(prop, input, { seed: input.seed, path: '', error: message }, opts.dir, builtIn ? undefined : def.module);
  const replayable = builtIn || def.module !== undefined;
  const command = replayable ? `tls13sim replay ${file}` : `${file} (give the exploration a \`module: import.meta.url\` to replay it with tls13sim replay)`;
  return { ...base, file, command };
}

function run0Seed(def: Exploration, b: Branch): number {
  return def.seed ?? b.sim.seed;
}

/**
 * An exploration seen as a property (what runner.ts saves and `tls13sim replay` replays):
 * its input is a scenario, a seed and the choices; the run is the same branch again.
 */
export function explorationProperty(def: Exploration): PropertyDef<ExhaustiveInput> {
  const name = nameOf(def);
  const setup = setupFactory(def);
  const judge = judgeOf(def, name);
  const branchOf = (input: ExhaustiveInput, replay?: readonly Choice[]): { branch: Branch; livelock: boolean } => {
    // A replay delivers the recorded choices exactly; the input's own choices are fitted.
    if (replay !== undefined) {
      const b = Branch.start(setup());
      for (const c of replay) b.deliver(c);
      const livelock = !b.finishByDefault();
      b.finish();
      return { branch: b, livelock };
    }
    const r = runChoices(setup, input.schedule);
    if (r === undefined) throw new Error(`explore ${name}: the saved choices no longer fit what the endpoints send (replay diverged)`);
    return r;
  };
  return {
    name,
    description: `an exploration: ${name}`,
    arbitrary: exhaustiveProperty.arbitrary,
    ciRuns: 1,
    check(input, replay) {
      const { branch, livelock } = branchOf(input, replay);
      judge(branch, livelock);
    },
    simulate: (input, replay) => branchOf(input, replay).branch.sim,
    encode: (x) => x,
    decode: (json) => json as ExhaustiveInput,
  };
}

/** Finds the exploration `name` among a module's exports (what `tls13sim replay` loads). */
export function findExportedExploration(mod: Record<string, unknown>, name: string): Exploration | undefined {
  for (const v of Object.values(mod)) {
    if (typeof v !== 'object' || v === null) continue;
    const e = v as Partial<Exploration>;
    const target = typeof e.factory === 'function' || typeof e.scenario === 'string';
    if (target && (e.name ?? e.scenario) === name) return e as Exploration;
  }
  return undefined;
}

/** One choice in a line: `C→S 120 B`, `S→C 40 B drop`. */
export function describeChoice(c: Choice): string {
  const d = c.direction === 'client_to_server' ? 'C→S' : 'S→C';
  const f =
    c.fault === undefined
      ? ''
      : ` ${c.fault.kind}${c.fault.kind === 'corrupt' ? `@${c.fault.offset}^${c.fault.xor}` : c.fault.kind === 'truncate' ? `→${c.fault.keep}` : c.fault.kind === 'inject' ? ` ${c.fault.hex.length / 2} B` : ''}`;
  return `${d} ${c.take} B${f}`;
}

const choices = (n: number): string => `${n} choice${n === 1 ? '' : 's'}`;

/** The report: the counts as `tls13sim explore --exhaustive` prints them, then the minimised failure and its timeline. */
export function formatExploration(r: ExplorationResult): string {
  const lines = [formatExhaustive({ ...r, violations: [] })];
  const f = r.failure;
  if (f === undefined) return lines.join('\n');
  lines.push(
    `first failing schedule: ${choices(f.first.choices.length)} — ${f.first.message}`,
    `minimised (${f.attempts} runs): ${choices(f.choices.length)}, then the default schedule — ${f.message}`,
    ...f.choices.map((c, i) => `  ${String(i + 1).padStart(3)}. ${describeChoice(c)}`),
    ...(f.command !== undefined ? [`replay: ${f.command}`] : []),
    '',
    f.timeline,
  );
  return lines.join('\n');
}
