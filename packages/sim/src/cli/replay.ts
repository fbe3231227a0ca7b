/**
 * `tls13sim replay FILE` — replays a counterexample saved by a failing property (tests or
 * `pnpm explore`) exactly: the same input, the very schedule it ran, and a check that the
 * trace is byte-identical to the one that failed. `tls13sim replay --property NAME --seed S
 * --path P` re-generates the input from fast-check's seed and path instead.
 *
 * Prints the run (`--format text|mermaid|json|hex`, default text), the property's verdict
 * and whether the replay was identical. Exit code 1 when the counterexample still fails the
 * property (it reproduced), 0 when the property now holds, 2 for usage errors.
 */
import { renderTrace } from '../render/index.js';
import { PROPERTIES } from '../explore/properties.js';
import { replayFile, replaySeedPath, type ReplayOutcome } from '../explore/runner.js';
import { UsageError, formatOption, parseOptions, registerCommand, type CliIo } from './main.js';

const USAGE = 'replay FILE | --property NAME --seed S --path P   [--format text|mermaid|json|hex]';

function replay(args: readonly string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['property', 'seed', 'path', 'format']);
  const format = formatOption(options);
  let outcome: ReplayOutcome;
  if (positional.length === 1 && !options.has('property') && !options.has('seed') && !options.has('path')) {
    outcome = replayFile(positional[0]!);
  } else if (positional.length === 0 && options.has('property') && options.has('seed') && options.has('path')) {
    const property = options.get('property')!;
    if (!PROPERTIES.some((p) => p.name === property)) {
      throw new UsageError(`unknown property '${property}' (one of ${PROPERTIES.map((p) => p.name).join(', ')})`);
    }
    const seedText = options.get('seed')!;
    if (!/^-?\d+$/.test(seedText)) throw new UsageError(`--seed must be an integer, got '${seedText}'`);
    const path = options.get('path')!;
    if (!/^\d+(:\d+)*$/.test(path)) throw new UsageError(`--path must look like 12:0:3, got '${path}'`);
    outcome = replaySeedPath(property, Number(seedText), path);
  } else {
    throw new UsageError(`replay needs a counterexample FILE, or --property, --seed and --path`);
  }
  if (outcome.sim !== undefined) io.stdout(renderTrace(outcome.sim.toTrace(), format));
  const log = format === 'json' ? io.stderr : io.stdout;
  if (outcome.diverged) log('replay: the saved schedule no longer fits what the endpoints send (code changed); re-ran the case from its script\n');
  else if (outcome.identical !== undefined) log(`replay: trace ${outcome.identical ? 'byte-identical to' : 'DIFFERS from'} the saved run\n`);
  log(outcome.reproduced ? `replay: property ${outcome.property} fails: ${outcome.message}\n` : `replay: property ${outcome.property} holds\n`);
  return outcome.reproduced ? 1 : 0;
}

registerCommand('replay', replay, USAGE);
