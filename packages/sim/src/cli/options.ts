/**
 * The command line's shared pieces: `--name value` parsing, boolean flags, `--seed`,
 * `--format`, scenario names, and output files checked before a run and written after.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TEXT_FORMATS, type TextFormat } from '../render/index.js';
import { getScenario } from '../scenarios/registry.js';
import { CliError, UsageError, systemErrorText, type CliIo } from './command.js';

/**
 * Fails (CliError) unless `path` can be written: an existing file we may write, or a new
 * file in a directory we may write. Checked before a run, so that a typo in `--keylog` is
 * reported at once and not after the whole connection. Creates nothing.
 */
export function checkWritable(path: string, flag: string): void {
  const fail = (why: string): never => {
    throw new CliError(`cannot write ${flag} ${path}: ${why}`);
  };
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(systemErrorText(e));
  }
  if (st !== undefined) {
    if (st.isDirectory()) fail('is a directory (EISDIR)');
    try {
      accessSync(path, fsConstants.W_OK);
    } catch (e) {
      fail(systemErrorText(e));
    }
    return;
  }
  const dir = dirname(path);
  let dirStat: ReturnType<typeof statSync>;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    return fail(`directory ${dir}: ${systemErrorText(e)}`);
  }
  if (!dirStat.isDirectory()) fail(`${dir} is not a directory (ENOTDIR)`);
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch (e) {
    fail(`directory ${dir}: ${systemErrorText(e)}`);
  }
}
/** `io.writeFile`, its failure one line naming the flag. */
export function writeOutput(io: CliIo, path: string, flag: string, data: string | Uint8Array): void {
  try {
    io.writeFile(path, data);
  } catch (e) {
    throw new CliError(`cannot write ${flag} ${path}: ${systemErrorText(e)}`);
  }
}

const TRUE_WORDS = ['yes', 'true'];
const FALSE_WORDS = ['no', 'false'];

/**
 * Parses `--name value` / `--name=value` options; positional arguments are returned in order.
 * Flags named in `booleans` take no separate value: the bare `--echo` is on, `--echo=yes|true`
 * on, `--echo=no|false` off (stored as `yes`/`no`: read them with `flagOption`); any other
 * `--echo=…` is a usage error.
 */
export function parseOptions(
  args: readonly string[],
  known: readonly string[],
  booleans: readonly string[] = [],
): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined;
    if (booleans.includes(name)) {
      const word = eq >= 0 ? a.slice(eq + 1).toLowerCase() : 'yes';
      if (TRUE_WORDS.includes(word)) value = 'yes';
      else if (FALSE_WORDS.includes(word)) value = 'no';
      else throw new UsageError(`--${name} takes no value, or yes/no/true/false (got '${a.slice(eq + 1)}')`);
    } else if (eq >= 0) value = a.slice(eq + 1);
    else value = args[++i];
    if (value === undefined || value === '') throw new UsageError(`option --${name} needs a value`);
    if (options.has(name)) throw new UsageError(`option --${name} given twice`);
    options.set(name, value);
  }
  return { positional, options };
}

/** A boolean flag parsed by `parseOptions(…, booleans)`: true when given and not `=no`/`=false`. */
export function flagOption(options: ReadonlyMap<string, string>, name: string): boolean {
  return options.get(name) === 'yes';
}

/** `--seed N`: a non-negative safe integer; undefined when the option is absent. */
export function seedOption(options: ReadonlyMap<string, string>): number | undefined {
  const text = options.get('seed');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--seed must be a non-negative integer, got '${text}'`);
  }
  return Number(text);
}

/** `--format`: one of the text renderers, `text` when absent. */
export function formatOption(options: ReadonlyMap<string, string>): TextFormat {
  const format = options.get('format') ?? 'text';
  if (!(TEXT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${format}' (one of ${TEXT_FORMATS.join(', ')})`);
  return format as TextFormat;
}

/** A scenario name from the command line, checked against the catalogue. */
export function scenarioArg(name: string): string {
  if (getScenario(name) === undefined) throw new UsageError(`unknown scenario '${name}' (\`tls13sim list\` shows the catalogue)`);
  return name;
}
