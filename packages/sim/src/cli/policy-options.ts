/**
 * `--unit`, `--interleave`, `--delay` and `--fault` for `run` and `step`:
 * a DeliveryPolicy laid over the scenario's own (scheduler.ts), and its text for the run's
 * first note. Every bad value is a usage error naming the flag.
 */
import type { DeliveryPolicy, DeliveryUnit, FaultSpec, Interleave } from '../scheduler.js';
import { FaultSyntaxError, faultCount, parseFaultText } from '../explore/fault-text.js';
import type { LensName } from '../lens/lens.js';
import { runScenario } from '../scenarios/registry.js';
import type { Trace } from '../trace.js';
import { CliError, UsageError } from './command.js';

export const POLICY_FLAGS = ['unit', 'interleave', 'delay', 'fault'] as const;

export const POLICY_USAGE =
  '[--unit flight|record|bytes:N|split|all] [--interleave fifo|random|client_first|server_first|alternate] [--delay MS | --delay C2S,S2C] [--fault KIND:DIR:I[,…]]';

/** What `run --help` and `step --help` say about the flags. */
export const POLICY_HELP = [
  "  each replaces the scenario's own setting (a flight per delivery, fifo, 10 ms each way, no fault, unless it says otherwise);",
  "  with any of them the scenario's notes, written for its own delivery, are left out",
  '  --unit         how much one delivery hands over: a flight, one record, N bytes, a seeded split, or all that is ready',
  '  --interleave   which direction goes next when both have something ready',
  '  --delay        one-way delay in virtual ms, both ways, or client-to-server,server-to-client',
  '  --fault        KIND:DIR:I, comma-separated: the I-th delivery (from 0) in direction DIR (c2s, s2c, or any: counted over both)',
  '                 drop | duplicate | truncate[:KEEP] | corrupt[:OFFSET[:XOR]] | inject:c2s|s2c:I:HEX (bytes delivered before it)',
  "                 e.g. --fault drop:c2s:2 drops the client's third delivery",
  '',
].join('\n');

const INTERLEAVES: readonly Interleave[] = ['fifo', 'random', 'client_first', 'server_first', 'alternate'];

function count(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return asUsage(() => faultCount(text, what, min, max));
}

/** A FaultSyntaxError (explore/fault-text.ts) as a usage error, same words. */
function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof FaultSyntaxError ? new UsageError(e.message) : e;
  }
}

export function parseUnit(text: string): DeliveryUnit {
  if (text === 'flight' || text === 'record' || text === 'split' || text === 'all') return { kind: text };
  const m = /^bytes:(.+)$/.exec(text);
  if (m !== null) return { kind: 'bytes', n: count(m[1]!, '--unit bytes:N', 1) };
  throw new UsageError(`--unit must be flight, record, bytes:N, split or all, got '${text}'`);
}

/** One `--fault` text (the vocabulary lives in explore/fault-text.ts, shared with `explore()`). */
export function parseFault(text: string): FaultSpec {
  return asUsage(() => parseFaultText(text));
}

/** The policy the flags describe, and their text; undefined when none is given. */
export function policyOptions(options: ReadonlyMap<string, string>): { policy: DeliveryPolicy; text: string } | undefined {
  const given = POLICY_FLAGS.filter((f) => options.has(f));
  if (given.length === 0) return undefined;
  let policy: DeliveryPolicy = {};
  const unit = options.get('unit');
  if (unit !== undefined) policy = { ...policy, unit: parseUnit(unit) };
  const interleave = options.get('interleave');
  if (interleave !== undefined) {
    if (!(INTERLEAVES as readonly string[]).includes(interleave))
      throw new UsageError(`--interleave must be one of ${INTERLEAVES.join(', ')}, got '${interleave}'`);
    policy = { ...policy, interleave: interleave as Interleave };
  }
  const delay = options.get('delay');
  if (delay !== undefined) {
    const parts = delay.split(',');
    if (parts.length > 2) throw new UsageError(`--delay must be MS or C2S,S2C, got '${delay}'`);
    const ms = parts.map((p) => count(p, '--delay', 0, 3_600_000));
    policy = { ...policy, delay: ms.length === 1 ? ms[0]! : { client_to_server: ms[0]!, server_to_client: ms[1]! } };
  }
  const fault = options.get('fault');
  if (fault !== undefined) policy = { ...policy, faults: fault.split(',').map(parseFault) };
  return { policy, text: given.map((f) => `--${f} ${options.get(f)}`).join(' ') };
}

/**
 * Runs a scenario with the flags' delivery. Its program was written for its own delivery:
 * under another it may find no ticket to resume with, or a handshake that never completed
 * before a KeyUpdate — one line naming the flags, exit 1 (not an "unexpected" error).
 */
export function runWithDelivery(name: string, seed: number | undefined, opts: { lens?: LensName }, delivery: ReturnType<typeof policyOptions>): Trace {
  if (delivery === undefined) return runScenario(name, seed, opts);
  try {
    return runScenario(name, seed, { ...opts, policy: delivery.policy, policyText: delivery.text });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n', 1)[0]!.replace(new RegExp(`^scenario ${name}: `), '') : String(e);
    throw new CliError(`scenario ${name} cannot run with ${delivery.text}: ${why}`, { cause: e });
  }
}
