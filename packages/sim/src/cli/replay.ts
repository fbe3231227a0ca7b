/**
 * `tls13sim replay FILE` — replays a counterexample saved by a failing property (tests or
 * `pnpm explore`) exactly: the same input, the very schedule it ran, and a check that the
 * trace is byte-identical to the one that failed. `tls13sim replay --property NAME --seed S
 * --path P` re-generates the input from fast-check's seed and path instead.
 *
 * Prints the run (`--format text|mermaid|json|hex`, default text), the property's verdict
 * and whether the replay was identical. Exit code 1 when the counterexample still fails the
 * property (it reproduced), 0 when the property now holds, 2 for usage errors and for a
 * file that cannot be replayed (unreadable, not a counterexample): one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderTrace } from '../render/index.js';
import { PROPERTIES, getProperty } from '../explore/properties.js';
import { readCounterexample, replayFile, replaySeedPath, replayWith, type ReplayOutcome } from '../explore/runner.js';
import { asPropertyDef, findExportedProperty } from '../explore/user-property.js';
import { explorationProperty, findExportedExploration } from '../explore/api.js';
import { CliError, UsageError, registerCommand, type CliIo } from './command.js';
import { formatOption, parseOptions } from './options.js';
import { readInput } from './tls-options.js';

const USAGE = 'tls13sim replay FILE | --property NAME --seed S --path P   [--format text|mermaid|json|hex]';

async function replay(args: readonly string[], io: CliIo): Promise<number> {
  const { positional, options } = parseOptions(args, ['property', 'seed', 'path', 'format']);
  const format = formatOption(options);
  let outcome: ReplayOutcome;
  if (positional.length === 1 && !options.has('property') && !options.has('seed') && !options.has('path')) {
    outcome = await replayCounterexample(positional[0]!);
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

/**
 * A counterexample file, checked before it runs: readable, JSON, a tls13sim counterexample
 * of a property we know. What fails after that (an input the property cannot decode) is
 * still one line naming the file.
 */
async function replayCounterexample(file: string): Promise<ReplayOutcome> {
  // Exit code 2, not 1: 1 says the counterexample reproduced.
  const fail = (message: string, cause?: unknown): never => {
    throw new CliError(message, { exitCode: 2, ...(cause !== undefined ? { cause } : {}) });
  };
  let bytes: Uint8Array;
  try {
    bytes = readInput(file, 'counterexample');
  } catch (e) {
    return fail((e as Error).message);
  }
  const not = (why: string): never => fail(`${file} is not a tls13sim counterexample file (${why}; a failing \`pnpm explore\` or property test writes them)`);
  try {
    JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    not('not JSON');
  }
  let cx: ReturnType<typeof readCounterexample>;
  try {
    cx = readCounterexample(file);
  } catch {
    return not('no "tls13sim": "counterexample", version 1 header');
  }
  if (cx.module !== undefined) return replayUserProperty(file, cx, fail);
  // getProperty knows the replay-only ones too (`exhaustive`: a schedule the explorer found).
  if (getProperty(cx.property) === undefined) fail(`${file}: unknown property '${cx.property}' (one of ${PROPERTIES.map((p) => p.name).join(', ')})`);
  if (cx.input === undefined || cx.input === null) not('no input');
  if (cx.schedule !== undefined && !Array.isArray(cx.schedule)) not('schedule is not a list');
  try {
    return replayFile(file);
  } catch (e) {
    return fail(`${file}: cannot replay this counterexample: ${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}`, e);
  }
}

registerCommand('replay', replay, USAGE, () =>
  [
    '  FILE: a counterexample that `tls13sim explore`, a failing property test, `tlsProperty` (@tls13sim/sim/vitest) or `explore()` wrote;',
    "        a user property's file names the module that exports it, which replay imports (a .ts module through the tsx of its project)",
    '  exit 1: the case still fails the property; 0: it now holds; 2: the file cannot be replayed',
    '',
  ].join('\n'),
);

/**
 * A counterexample of a user's property (`tlsProperty`): import the module that exports it
 * (a file URL or path; a .ts module goes through tsx, see `importPropertyModule`),
 * find the property by name, and replay the saved input and schedule through it.
 */
async function replayUserProperty(
  file: string,
  cx: ReturnType<typeof readCounterexample>,
  fail: (message: string, cause?: unknown) => never,
): Promise<ReplayOutcome> {
  const spec = cx.module!;
  const url = /^[a-z][a-z0-9+.-]*:/i.test(spec) ? spec : pathToFileURL(resolve(dirname(file), spec)).href;
  let mod: Record<string, unknown>;
  try {
    mod = await importPropertyModule(url);
  } catch (e) {
    return fail(`${file}: cannot load the module of property '${cx.property}' (${spec}): ${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}`, e);
  }
  // A `tlsProperty` property, or an `explore()` exploration (explore/api.ts).
  const def = findExportedProperty(mod, cx.property);
  const exploration = def === undefined ? findExportedExploration(mod, cx.property) : undefined;
  if (def === undefined && exploration === undefined) return fail(`${file}: ${spec} exports no property or exploration named '${cx.property}'`);
  try {
    return replayWith(def !== undefined ? asPropertyDef(def) : explorationProperty(exploration!), cx);
  } catch (e) {
    return fail(`${file}: cannot replay this counterexample: ${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}`, e);
  }
}

/**
 * Imports a user's property module. Node 20 cannot load TypeScript, so a .ts module that
 * Node refuses is imported through the tsx installed in the module's own project (its
 * `tsImport`, scoped to this one import): the compiled bin then replays a TypeScript
 * property as it is, and says in one line what is missing when there is no tsx.
 */
async function importPropertyModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[mc]?ts$/.test(new URL(url).pathname)) throw e;
  }
  // tsx's ESM API (its CommonJS build cannot import the ESM loader it registers), found
  // from the module's own directory through tsx's package.json and its `exports`.
  let api: string;
  try {
    const manifest = createRequire(url).resolve('tsx/package.json');
    const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> }).exports;
    api = pathToFileURL(resolve(dirname(manifest), exported?.['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs')).href;
  } catch {
    throw new Error('a TypeScript property module needs tsx in its project (npm install --save-dev tsx), or compile the module to .js');
  }
  const tsx = (await import(api)) as { tsImport(specifier: string, parentURL: string): Promise<unknown> };
  return (await tsx.tsImport(url, url)) as Record<string, unknown>;
}
