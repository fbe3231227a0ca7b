/**
 * `tls13sim explore [--runs N] [--seed S] [--property NAME]... [--path P]` — runs the explorer's
 * properties (explore/properties.ts) long. Each failure is shrunk to a minimal case, saved, and printed with the one
 * command that replays it exactly (`tls13sim replay FILE`). Exit code 1 on any failure.
 *
 * `tls13sim explore --exhaustive SCENARIO [--depth N] [--splits record|flight|bytes:K]
 * [--seed S] [--no-dedupe] [--no-memo]` — every schedule of a scenario within the bound
 * (explore/exhaustive.ts), checked against the scenario's properties; prints the bound,
 * schedules explored, distinct outcomes, pruned states, schedules/s, elapsed time and any
 * violation with its replay command. Exit code 1 on a violation.
 *
 * `--workers N` (default: the core count) runs the schedules on worker_threads;
 * `--shard K/N --out FILE` explores the K-th of N deterministic parts and writes a JSON
 * result file; `tls13sim explore merge FILE...` combines the N files into the summary one
 * run prints (explore/parallel.ts). All give one run's counts, outcomes and violations.
 *
 * (Formerly the script test/explore.ts, `pnpm explore`, which now runs this command.)
 */
import { nobleProvider } from '@tls13sim/handshake';
import { exploreCrypto } from '../explore/config.js';
import { DEFAULT_BOUND, exploreExhaustive, formatExhaustive, parseSplits, type Bound } from '../explore/exhaustive.js';
import { defaultWorkers, exploreParallel, exploreShard, mergeShards, parseShard, readShard, writeShard } from '../explore/parallel.js';
import { PROPERTIES } from '../explore/properties.js';
import { runProperty } from '../explore/runner.js';
import { getScenario, listScenarios } from '../scenarios/registry.js';
import { UsageError, registerCommand, type CliIo } from './command.js';

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
  workers?: number;
  shard?: { k: number; n: number };
  out?: string;
}

const splitsText = DEFAULT_BOUND.splits.kind === 'bytes' ? `bytes:${DEFAULT_BOUND.splits.k}` : DEFAULT_BOUND.splits.kind;

export const EXPLORE_USAGE =
  'tls13sim explore [--runs N] [--seed S] [--property NAME]... [--path P] | --exhaustive SCENARIO [--depth N] [--splits record|flight|bytes:K] [--seed S] [--no-dedupe] [--no-memo] [--workers N | --shard K/N --out FILE] | merge FILE...';

/** What `tls13sim explore --help` adds under the usage line. */
export function exploreHelp(): string {
  return [
    `  properties (fast-check, shrunk, saved for \`tls13sim replay\`): ${PROPERTIES.map((p) => p.name).join(', ')}`,
    `  --exhaustive: every schedule within the bound (default --depth ${DEFAULT_BOUND.depth} --splits ${splitsText}); explorable scenarios: ${listScenarios()
      .filter((d) => d.setup !== undefined)
      .map((d) => d.name)
      .join(', ')}`,
    "  --workers N: worker threads (default: the core count); --shard K/N --out FILE: the K-th of N parts, a JSON result file; merge FILE...: the N files combined into one run's summary",
    '',
  ].join('\n');
}

/** A usage error, worded `explore: …`. */
const usage = (text: string): UsageError => new UsageError(`explore: ${text}`);

/** A decimal integer (optionally signed), or a usage error naming the flag. */
function integer(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw usage(`${flag} must be an integer, got '${text}'`);
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
      if (v === undefined || v === '') throw usage(`${flag} needs a value`);
      return v;
    };
    const bare = (): void => {
      if (inline !== undefined) throw usage(`${flag} takes no value (got '${arg}')`);
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
      if (depth < 0) throw usage('--depth must be a non-negative integer');
      out.bound = { ...out.bound, depth };
    } else if (flag === '--splits') {
      const text = value();
      try {
        out.bound = { ...out.bound, splits: parseSplits(text) };
      } catch (e) {
        throw usage((e as Error).message);
      }
    } else if (flag === '--workers') {
      out.workers = integer(value(), '--workers');
      if (out.workers < 1) throw usage('--workers must be a positive integer');
    } else if (flag === '--shard') {
      const text = value();
      try {
        out.shard = parseShard(text);
      } catch (e) {
        throw usage((e as Error).message);
      }
    } else if (flag === '--out') out.out = value();
    else if (flag === '--no-dedupe') {
      bare();
      out.dedupe = false;
    } else if (flag === '--no-memo') {
      bare();
      out.memo = false;
    } else if (arg.startsWith('-')) throw usage(`unknown option ${flag}`);
    else throw usage(`unexpected argument '${arg}'`);
  }
  if (out.runs !== undefined && out.runs <= 0) throw usage('--runs must be a positive integer');
  const exhaustiveOnly =
    out.bound !== DEFAULT_BOUND || !out.dedupe || !out.memo || out.workers !== undefined || out.shard !== undefined || out.out !== undefined;
  if (out.exhaustive === undefined && exhaustiveOnly)
    throw usage('--depth, --splits, --no-dedupe, --no-memo, --workers, --shard and --out go with --exhaustive SCENARIO');
  if (out.shard !== undefined && out.workers !== undefined) throw usage('--shard runs in one process: it does not take --workers');
  if ((out.shard === undefined) !== (out.out === undefined)) throw usage('--shard K/N and --out FILE go together');
  if (out.exhaustive !== undefined && (out.runs !== undefined || out.props.length > 0 || out.path !== undefined)) {
    throw usage('--exhaustive does not take --runs, --property or --path');
  }
  for (const n of out.props) {
    if (!PROPERTIES.some((p) => p.name === n)) throw usage(`unknown property '${n}' (one of ${PROPERTIES.map((p) => p.name).join(', ')})`);
  }
  if (out.exhaustive !== undefined) {
    const def = getScenario(out.exhaustive);
    if (def?.setup === undefined) {
      const ok = listScenarios()
        .filter((d) => d.setup !== undefined)
        .map((d) => d.name);
      throw usage(
        `${def === undefined ? 'unknown scenario' : 'no setup hook for the explorer in scenario'} '${out.exhaustive}' (explorable: ${ok.join(', ')})`,
      );
    }
  }
  return out;
}

async function exhaustive(opts: Options, scenario: string, io: CliIo): Promise<number> {
  const memo = opts.memo ? exploreCrypto : nobleProvider;
  const seed = opts.seedGiven ? { seed: opts.seed } : {};
  if (opts.shard !== undefined) {
    const { k, n } = opts.shard;
    const s = exploreShard(scenario, opts.shard, { bound: opts.bound, dedupe: opts.dedupe, memo: opts.memo, ...seed });
    try {
      writeShard(opts.out!, s);
    } catch (e) {
      throw usage(`cannot write --out ${opts.out}: ${(e as Error).message}`);
    }
    io.stdout(
      `tls13sim explore --exhaustive ${scenario} --shard ${k}/${n}: ${s.results.length} of ${s.units} units (split depth ${s.unitDepth}), ${s.schedules} schedules, ${s.violating} violating, ${(s.ms / 1000).toFixed(2)} s → ${opts.out}\n`,
    );
    return s.violating !== '0' ? 1 : 0;
  }
  const workers = opts.workers ?? defaultWorkers();
  io.stdout(`tls13sim explore --exhaustive ${scenario}${opts.memo ? '' : ' (no crypto memo)'}${opts.dedupe ? '' : ' (no pruning)'}\n`);
  const r =
    workers > 1
      ? await exploreParallel(scenario, workers, { bound: opts.bound, dedupe: opts.dedupe, memo: opts.memo, ...seed })
      : exploreExhaustive(scenario, { bound: opts.bound, dedupe: opts.dedupe, crypto: memo, ...seed });
  io.stdout(`${formatExhaustive(r)}\n`);
  io.stdout(`workers      ${workers}${workers > 1 ? ' (worker_threads)' : ''}\n`);
  if (opts.memo && workers === 1) {
    const s = exploreCrypto.stats;
    io.stdout(`crypto memo  ${s.hits} hits, ${s.misses} misses (${((100 * s.hits) / Math.max(1, s.hits + s.misses)).toFixed(1)}% hit)\n`);
  }
  return r.violating > 0n ? 1 : 0;
}

function properties(opts: Options, io: CliIo): number {
  const chosen = opts.props.length > 0 ? PROPERTIES.filter((p) => opts.props.includes(p.name)) : PROPERTIES;
  let failed = 0;
  io.stdout(`tls13sim explore — seed ${opts.seed}${opts.runs ? `, ${opts.runs} runs each` : ', CI run counts'}\n`);
  for (const def of chosen) {
    const r = runProperty(def, {
      seed: opts.seed,
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
      ...(opts.path !== undefined ? { path: opts.path } : {}),
    });
    const rate = r.runs / (r.ms / 1000);
    if (!r.failed) {
      io.stdout(`  ok    ${def.name.padEnd(15)} ${String(r.runs).padStart(6)} runs  ${(r.ms / 1000).toFixed(1).padStart(6)} s  (${rate.toFixed(1)} runs/s)\n`);
      continue;
    }
    failed++;
    io.stdout(`  FAIL  ${def.name.padEnd(15)} after ${r.runs} runs  ${(r.ms / 1000).toFixed(1)} s\n`);
    io.stdout(`        ${r.message}\n`);
    io.stdout(`        replay: ${r.command}\n`);
    io.stdout(`        (or:    ${r.seedCommand})\n`);
  }
  const s = exploreCrypto.stats;
  io.stdout(`crypto memo: ${s.hits} hits, ${s.misses} misses (${((100 * s.hits) / Math.max(1, s.hits + s.misses)).toFixed(1)}% hit)\n`);
  io.stdout(`${chosen.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/** `tls13sim explore merge FILE...`: the shards' result files combined into one run's summary. */
function mergeCommand(files: readonly string[], io: CliIo): number {
  if (files.length === 0) throw usage("merge needs the shards' result files: explore merge FILE...");
  const bad = files.find((f) => f.startsWith('-'));
  if (bad !== undefined) throw usage(`merge takes only files, got option ${bad}`);
  let r: ReturnType<typeof mergeShards>;
  try {
    r = mergeShards(files.map((name) => ({ name, shard: readShard(name) })));
  } catch (e) {
    throw usage(`merge: ${(e as Error).message}`);
  }
  io.stdout(`tls13sim explore merge: ${files.length} shard${files.length > 1 ? 's' : ''} of ${r.scenario}\n`);
  io.stdout(`${formatExhaustive(r)}\n`);
  return r.violating > 0n ? 1 : 0;
}

export function exploreCommand(args: readonly string[], io: CliIo): number | Promise<number> {
  if (args[0] === 'merge') return mergeCommand(args.slice(1), io);
  const opts = parse(args);
  return opts.exhaustive !== undefined ? exhaustive(opts, opts.exhaustive, io) : properties(opts, io);
}

registerCommand('explore', exploreCommand, EXPLORE_USAGE, exploreHelp);
