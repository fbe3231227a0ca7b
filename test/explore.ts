/**
 * `pnpm explore [--runs N] [--seed S] [--property NAME]... [--path P]` — runs issue 8's
 * properties long. Each failure is shrunk to a minimal case, saved, and printed with the one
 * command that replays it exactly (`pnpm tls13sim replay FILE`). Exit code 1 on any failure.
 *
 * `pnpm explore --exhaustive SCENARIO [--depth N] [--splits record|flight|bytes:K]
 * [--seed S] [--no-dedupe] [--no-memo]` — every schedule of a scenario within the bound
 * (explore/exhaustive.ts), checked against the scenario's properties; prints the bound,
 * schedules explored, distinct outcomes, pruned states, schedules/s, elapsed time and any
 * violation with its replay command.
 */
import { nobleProvider } from '@tls13sim/handshake';
import { PROPERTIES } from '../packages/sim/src/explore/properties.js';
import { runProperty } from '../packages/sim/src/explore/runner.js';
import { exploreCrypto } from '../packages/sim/src/explore/config.js';
import '../packages/sim/src/scenarios/catalogue.js';
import { getScenario, listScenarios } from '../packages/sim/src/scenarios/registry.js';
import { DEFAULT_BOUND, exploreExhaustive, formatExhaustive, parseSplits, type Bound } from '../packages/sim/src/explore/exhaustive.js';

interface Options {
  runs?: number;
  seed: number;
  seedGiven: boolean;
  props: string[];
  path?: string;
  exhaustive?: string;
  bound: Bound;
  dedupe: boolean;
  memo: boolean;
}

const USAGE = [
  'pnpm explore [--runs N] [--seed S] [--property NAME]... [--path P]',
  'pnpm explore --exhaustive SCENARIO [--depth N] [--splits record|flight|bytes:K] [--seed S] [--no-dedupe] [--no-memo]',
  `  default bound: --depth ${DEFAULT_BOUND.depth} --splits ${DEFAULT_BOUND.splits.kind === 'bytes' ? `bytes:${DEFAULT_BOUND.splits.k}` : DEFAULT_BOUND.splits.kind}`,
];

/** A bad command line: one line on stderr (`tls13sim: explore: …`), exit code 2. */
class UsageError extends Error {}

/** A decimal integer (optionally signed), or a usage error naming the flag. */
function integer(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  return Number(text);
}

function parse(argv: readonly string[]): Options {
  const out: Options = { seed: Date.now() % 2 ** 31, seedGiven: false, props: [], bound: DEFAULT_BOUND, dedupe: true, memo: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const bare = (): void => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value (got '${arg}')`);
    };
    if (flag === '--runs') out.runs = integer(value(), '--runs');
    else if (flag === '--seed') {
      out.seed = integer(value(), '--seed');
      out.seedGiven = true;
    } else if (flag === '--property') out.props.push(value());
    else if (flag === '--path') out.path = value();
    else if (flag === '--exhaustive') out.exhaustive = value();
    else if (flag === '--depth') {
      const depth = integer(value(), '--depth');
      if (depth < 0) throw new UsageError('--depth must be a non-negative integer');
      out.bound = { ...out.bound, depth };
    } else if (flag === '--splits') {
      const text = value();
      try {
        out.bound = { ...out.bound, splits: parseSplits(text) };
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (flag === '--no-dedupe') {
      bare();
      out.dedupe = false;
    } else if (flag === '--no-memo') {
      bare();
      out.memo = false;
    } else if (flag === '--help' || flag === '-h') {
      for (const l of USAGE) console.log(l);
      console.log(`properties: ${PROPERTIES.map((p) => p.name).join(', ')}`);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (out.runs !== undefined && out.runs <= 0) throw new UsageError('--runs must be a positive integer');
  const exhaustiveOnly = out.bound !== DEFAULT_BOUND || !out.dedupe || !out.memo;
  if (out.exhaustive === undefined && exhaustiveOnly) throw new UsageError('--depth, --splits, --no-dedupe and --no-memo go with --exhaustive SCENARIO');
  if (out.exhaustive !== undefined && (out.runs !== undefined || out.props.length > 0 || out.path !== undefined)) {
    throw new UsageError('--exhaustive does not take --runs, --property or --path');
  }
  for (const n of out.props) {
    if (!PROPERTIES.some((p) => p.name === n)) throw new UsageError(`unknown property '${n}' (one of ${PROPERTIES.map((p) => p.name).join(', ')})`);
  }
  return out;
}

function exhaustive(opts: Options, scenario: string): void {
  const def = getScenario(scenario);
  if (def?.setup === undefined) {
    const ok = listScenarios().filter((d) => d.setup !== undefined).map((d) => d.name);
    console.error(`tls13sim: explore: ${def === undefined ? 'unknown scenario' : 'no setup hook for the explorer in scenario'} '${scenario}' (explorable: ${ok.join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const memo = opts.memo ? exploreCrypto : nobleProvider;
  console.log(`tls13sim explore --exhaustive ${scenario}${opts.memo ? '' : ' (no crypto memo)'}${opts.dedupe ? '' : ' (no pruning)'}`);
  const r = exploreExhaustive(scenario, {
    bound: opts.bound,
    dedupe: opts.dedupe,
    crypto: memo,
    ...(opts.seedGiven ? { seed: opts.seed } : {}),
  });
  console.log(formatExhaustive(r));
  if (opts.memo) {
    const s = exploreCrypto.stats;
    console.log(`crypto memo  ${s.hits} hits, ${s.misses} misses (${((100 * s.hits) / Math.max(1, s.hits + s.misses)).toFixed(1)}% hit)`);
  }
  process.exitCode = r.violating > 0n ? 1 : 0;
}

function main(opts: Options): void {
  if (opts.exhaustive !== undefined) {
    exhaustive(opts, opts.exhaustive);
    return;
  }
  const chosen = opts.props.length > 0 ? PROPERTIES.filter((p) => opts.props.includes(p.name)) : PROPERTIES;
  let failed = 0;
  console.log(`tls13sim explore — seed ${opts.seed}${opts.runs ? `, ${opts.runs} runs each` : ', CI run counts'}`);
  for (const def of chosen) {
    const r = runProperty(def, { seed: opts.seed, ...(opts.runs !== undefined ? { runs: opts.runs } : {}), ...(opts.path !== undefined ? { path: opts.path } : {}) });
    const rate = r.runs / (r.ms / 1000);
    if (!r.failed) {
      console.log(`  ok    ${def.name.padEnd(15)} ${String(r.runs).padStart(6)} runs  ${(r.ms / 1000).toFixed(1).padStart(6)} s  (${rate.toFixed(1)} runs/s)`);
      continue;
    }
    failed++;
    console.log(`  FAIL  ${def.name.padEnd(15)} after ${r.runs} runs  ${(r.ms / 1000).toFixed(1)} s`);
    console.log(`        ${r.message}`);
    console.log(`        replay: ${r.command}`);
    console.log(`        (or:    ${r.seedCommand})`);
  }
  const s = exploreCrypto.stats;
  console.log(`crypto memo: ${s.hits} hits, ${s.misses} misses (${((100 * s.hits) / Math.max(1, s.hits + s.misses)).toFixed(1)}% hit)`);
  console.log(`${chosen.length - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// Every failure is one line (`tls13sim: explore: …`), never a stack trace (TLS13SIM_DEBUG=1
// adds it): usage errors exit 2, anything else 1.
try {
  main(parse(process.argv.slice(2)));
} catch (e) {
  const usage = e instanceof UsageError;
  const text = e instanceof Error ? e.message.split('\n', 1)[0] : String(e);
  console.error(`tls13sim: explore: ${text}${usage ? ' (`pnpm explore --help` shows the usage)' : ''}`);
  if (process.env.TLS13SIM_DEBUG && e instanceof Error) console.error(e.stack);
  process.exitCode = usage ? 2 : 1;
}
