#!/usr/bin/env node
/**
 * `tls13sim` (DESIGN.md "CLI"). `list` and `run` live here; other commands (`step`,
 * `serve`, `connect`) plug in through `registerCommand`.
 */
import { accessSync, constants as fsConstants, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../scenarios/catalogue.js';
import { TEXT_FORMATS, renderKeylog, renderPcap, renderTrace, type TextFormat } from '../render/index.js';
import { renderLensDoc } from '../lens/doc.js';
import { LENS_NAMES } from '../lens/lens.js';
import { LENS_VERIFIED, isLensName } from '../lens/registry.js';
import { getScenario, listScenarios } from '../scenarios/registry.js';
import './serve.js';
import './connect.js';
import './step.js';
import './replay.js';
import './explore.js';
import { POLICY_FLAGS, POLICY_HELP, POLICY_USAGE, policyOptions, runWithDelivery } from './policy-options.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  writeFile(path: string, data: string | Uint8Array): void;
  /**
   * Raw bytes to stdout (what `connect` received: it may be binary). Without it, bytes go
   * through `stdout` decoded as UTF-8 — fine for a test's text, lossy for binary.
   */
  stdoutBytes?(data: Uint8Array): void;
}

export const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: (p, d) => writeFileSync(p, d),
  stdoutBytes: (d) => process.stdout.write(d),
};

/** Exit codes: 0 ok, 1 the run failed, 2 usage (unknown command, scenario or flag). */
export type CommandHandler = (args: readonly string[], io: CliIo) => number | Promise<number>;

/** A bad command line: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A bad input or environment the user can fix (a file that is not a certificate, a port in
 * use, an unwritable output): one line on stderr, exit code 1.
 */
export class CliError extends Error {
  /** The exit code: 1 unless a command documents another (replay: 2, as 1 means "reproduced"). */
  readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CliError';
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** Node's system errors (`ENOENT: no such file or directory, open '/x'`) in a few words. */
export function systemErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'a component of the path is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  if (typeof err?.code === 'string' && known[err.code] !== undefined) return `${known[err.code]} (${err.code})`;
  return firstLine(e instanceof Error ? e.message : String(e));
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

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

const LIST_USAGE = 'tls13sim list                                 the scenario catalogue';
const LENSES_USAGE = 'tls13sim lenses                               docs/lenses.md: what each library returns, per differential case';
const RUN_USAGE = `tls13sim run <scenario> [--format text|mermaid|json|hex|svg|html] [--seed N] [--lens openssl|node|go|python|gnutls|rustls] [--keylog FILE] [--pcap FILE] ${POLICY_USAGE}`;

/** `tls13sim help` lists these first, in this order; the other commands follow as registered. */
const FIRST = ['list', 'lenses', 'run'];

type CommandEntry = { handler: CommandHandler; usage?: string; help?: () => string };

/**
 * The command table, behind a (hoisted) function rather than a `const`: command modules
 * imported below (serve.ts, connect.ts) call `registerCommand` at their top level, which
 * ESM runs before this module's body, while a `const` would still be uninitialised.
 */
function commandTable(): Map<string, CommandEntry> {
  const holder = commandTable as typeof commandTable & { table?: Map<string, CommandEntry> };
  return (holder.table ??= new Map());
}

/**
 * Adds a command. `usage`: its one line in `tls13sim help` (`tls13sim NAME …`; the prefix is
 * added when missing); `help`: more lines that `tls13sim NAME --help` prints under it.
 */
export function registerCommand(name: string, handler: CommandHandler, usage?: string, help?: () => string): void {
  if (commandTable().has(name)) throw new Error(`registerCommand: '${name}' already registered`);
  const line = usage === undefined ? undefined : usage.startsWith('tls13sim ') ? usage : `tls13sim ${usage}`;
  commandTable().set(name, { handler, ...(line !== undefined ? { usage: line } : {}), ...(help !== undefined ? { help } : {}) });
}

function usage(): string {
  const names = [...commandTable().keys()];
  const ordered = [...FIRST.filter((n) => names.includes(n)), ...names.filter((n) => !FIRST.includes(n))];
  const lines = ordered.map((n) => commandTable().get(n)!.usage).filter((u): u is string => u !== undefined);
  return `usage:\n${lines.map((u) => `  ${u}\n`).join('')}`;
}

/** `tls13sim NAME --help` / `tls13sim help NAME`: that command's usage (and its details). */
function commandUsage(name: string): string {
  const c = commandTable().get(name);
  if (c === undefined) throw new UsageError(`unknown command '${name}'`);
  return `usage: ${c.usage ?? `tls13sim ${name}`}\n${c.help?.() ?? ''}`;
}

/** A request for help among a command's arguments (`--help`, `-h`), before any `--`. */
function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
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

function list(args: readonly string[], io: CliIo): number {
  if (args.length > 0) throw new UsageError(`list takes no arguments (got ${args.join(' ')})`);
  const all = listScenarios();
  if (all.length === 0) {
    io.stdout('(no scenarios registered)\n');
    return 0;
  }
  const w = Math.max(...all.map((s) => s.name.length));
  for (const s of all) io.stdout(`${s.name.padEnd(w)}  ${s.description}\n`);
  const lenses = LENS_NAMES.map((l) => `${l} (${LENS_VERIFIED[l] ? 'verified against the real library' : 'modelled from its documentation'})`);
  io.stdout(`\nlenses (run <scenario> --lens NAME): ${lenses.join(', ')}\n`);
  return 0;
}

function run(args: readonly string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['format', 'seed', 'keylog', 'pcap', 'lens', ...POLICY_FLAGS]);
  if (positional.length !== 1) throw new UsageError('run needs exactly one scenario name');
  const name = scenarioArg(positional[0]!);
  const format = formatOption(options);
  const seed = seedOption(options);
  const lens = options.get('lens');
  if (lens !== undefined && !isLensName(lens)) throw new UsageError(`--lens must be one of ${LENS_NAMES.join(', ')} (got '${lens}')`);
  const delivery = policyOptions(options);
  for (const flag of ['keylog', 'pcap']) {
    const path = options.get(flag);
    if (path !== undefined) checkWritable(path, `--${flag}`);
  }
  const trace = runWithDelivery(name, seed, lens !== undefined ? { lens } : {}, delivery);
  io.stdout(renderTrace(trace, format));
  const keylog = options.get('keylog');
  if (keylog !== undefined) writeOutput(io, keylog, '--keylog', renderKeylog(trace));
  const pcap = options.get('pcap');
  if (pcap !== undefined) writeOutput(io, pcap, '--pcap', renderPcap(trace));
  return 0;
}

/** `tls13sim lenses`: docs/lenses.md, generated from the lenses on the differential cases. */
function lenses(args: readonly string[], io: CliIo): number {
  if (args.length > 0) throw new UsageError('lenses takes no arguments');
  io.stdout(renderLensDoc());
  return 0;
}

registerCommand('list', list, LIST_USAGE);
registerCommand('run', run, RUN_USAGE, () => POLICY_HELP);
registerCommand('lenses', lenses, LENSES_USAGE);

export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' && rest.length > 0) {
    try {
      if (rest.length > 1) throw new UsageError(`help takes at most one command (got ${rest.join(' ')})`);
      io.stdout(commandUsage(rest[0]!));
      return 0;
    } catch (e) {
      const [line, code] = errorLine(e);
      io.stderr(`${line}\n`);
      return code;
    }
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(usage());
    return command === undefined ? 2 : 0;
  }
  const c = commandTable().get(command);
  try {
    if (c === undefined) throw new UsageError(`unknown command '${command}'`);
    if (asksForHelp(rest)) {
      io.stdout(commandUsage(command));
      return 0;
    }
    return await c.handler(rest, io);
  } catch (e) {
    const [line, code] = errorLine(e, c !== undefined ? command : undefined);
    io.stderr(`${line}\n`);
    if (process.env.TLS13SIM_DEBUG) io.stderr(debugStack(e));
    return code;
  }
}

/**
 * Every failure is one line on stderr, `tls13sim: …`, never a stack trace (set
 * TLS13SIM_DEBUG=1 to get one): usage errors exit 2, everything else 1. A usage error of a
 * known `command` points at `tls13sim COMMAND --help`; others at `tls13sim help`.
 */
export function errorLine(e: unknown, command?: string): [string, number] {
  if (e instanceof UsageError) return [`tls13sim: ${e.message} (\`tls13sim ${command !== undefined ? `${command} --help` : 'help'}\` shows the usage)`, 2];
  if (e instanceof CliError) return [`tls13sim: ${e.message}`, e.exitCode];
  // Anything else is unexpected: name it, in one line.
  const text = e instanceof Error ? `${e.name !== 'Error' ? `${e.name}: ` : ''}${firstLine(e.message)}` : firstLine(String(e));
  return [`tls13sim: ${text} (unexpected; TLS13SIM_DEBUG=1 shows where)`, 1];
}

/** TLS13SIM_DEBUG=1: the stack, and its cause's. */
function debugStack(e: unknown): string {
  let out = '';
  for (let x: unknown = e; x instanceof Error; x = x.cause) out += `${x.stack ?? x.message}\n`;
  return out;
}

/**
 * stdout or stderr closed under us (`tls13sim list | head -1`): stop quietly, as a program
 * killed by SIGPIPE would, with a non-zero status — the output was cut short — and no
 * message (there is no one left to read it). Any other stream error is one line and 1.
 */
export function onStreamError(stream: 'stdout' | 'stderr', e: NodeJS.ErrnoException, exit: (code: number) => void): void {
  if (e.code === 'EPIPE') return exit(1);
  if (stream === 'stdout') {
    try {
      process.stderr.write(`tls13sim: cannot write to stdout: ${systemErrorText(e)}\n`);
    } catch {
      // stderr is gone too
    }
  }
  exit(1);
}

/**
 * Started as the program (not imported by a test). Compared by real path: npm starts the
 * bin through a symlink (node_modules/.bin/tls13sim), and Node resolves it for
 * `import.meta.url` but not in `process.argv[1]`.
 */
function startedAsProgram(): boolean {
  const arg = process.argv[1];
  if (arg === undefined) return false;
  if (import.meta.url === pathToFileURL(arg).href) return true;
  try {
    return import.meta.url === pathToFileURL(realpathSync(arg)).href;
  } catch {
    return false;
  }
}

const invokedDirectly = startedAsProgram();
if (invokedDirectly) {
  const exit = (code: number): void => process.exit(code);
  process.stdout.on('error', (e: NodeJS.ErrnoException) => onStreamError('stdout', e, exit));
  process.stderr.on('error', (e: NodeJS.ErrnoException) => onStreamError('stderr', e, exit));
  // A last resort: an error thrown outside the command's own promise (a socket callback)
  // is still one line, not a stack trace.
  const fatal = (e: unknown): void => {
    const [line] = errorLine(e);
    process.stderr.write(`${line}\n`);
    if (process.env.TLS13SIM_DEBUG) process.stderr.write(debugStack(e));
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
