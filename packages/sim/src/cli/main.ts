#!/usr/bin/env node
/**
 * `tls13sim` (DESIGN.md "CLI"). `list` and `run` live here; other commands (`step`,
 * `serve`, `connect`) plug in through `registerCommand`.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import '../scenarios/catalogue.js';
import { TEXT_FORMATS, renderKeylog, renderPcap, renderTrace, type TextFormat } from '../render/index.js';
import { renderLensDoc } from '../lens/doc.js';
import { LENS_NAMES } from '../lens/lens.js';
import { LENS_VERIFIED, isLensName } from '../lens/registry.js';
import { getScenario, listScenarios, runScenario } from '../scenarios/registry.js';
import './serve.js';
import './connect.js';
import './step.js';
import './replay.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  writeFile(path: string, data: string | Uint8Array): void;
}

export const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: (p, d) => writeFileSync(p, d),
};

/** Exit codes: 0 ok, 1 the run failed, 2 usage (unknown command, scenario or flag). */
export type CommandHandler = (args: readonly string[], io: CliIo) => number | Promise<number>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const USAGE = `usage:
  tls13sim list
  tls13sim lenses                               docs/lenses.md: what each library returns, per differential case
  tls13sim run <scenario> [--format text|mermaid|json|hex] [--seed N] [--lens openssl|node|go|python|gnutls|rustls] [--keylog FILE] [--pcap FILE]
`;

type CommandEntry = { handler: CommandHandler; usage?: string };

/**
 * The command table, behind a (hoisted) function rather than a `const`: command modules
 * imported below (serve.ts, connect.ts) call `registerCommand` at their top level, which
 * ESM runs before this module's body, while a `const` would still be uninitialised.
 */
function commandTable(): Map<string, CommandEntry> {
  const holder = commandTable as typeof commandTable & { table?: Map<string, CommandEntry> };
  return (holder.table ??= new Map());
}

export function registerCommand(name: string, handler: CommandHandler, usage?: string): void {
  if (commandTable().has(name)) throw new Error(`registerCommand: '${name}' already registered`);
  commandTable().set(name, usage === undefined ? { handler } : { handler, usage });
}

function usage(): string {
  const extra = [...commandTable().values()].map((c) => c.usage).filter((u): u is string => u !== undefined);
  return USAGE + extra.map((u) => `  ${u}\n`).join('');
}

/** Parses `--name value` / `--name=value` options; positional arguments are returned in order. */
export function parseOptions(
  args: readonly string[],
  known: readonly string[],
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
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else value = args[++i];
    if (value === undefined || value === '') throw new UsageError(`option --${name} needs a value`);
    if (options.has(name)) throw new UsageError(`option --${name} given twice`);
    options.set(name, value);
  }
  return { positional, options };
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
  const { positional, options } = parseOptions(args, ['format', 'seed', 'keylog', 'pcap', 'lens']);
  if (positional.length !== 1) throw new UsageError('run needs exactly one scenario name');
  const name = scenarioArg(positional[0]!);
  const format = formatOption(options);
  const seed = seedOption(options);
  const lens = options.get('lens');
  if (lens !== undefined && !isLensName(lens)) throw new UsageError(`--lens must be one of ${LENS_NAMES.join(', ')} (got '${lens}')`);
  const trace = runScenario(name, seed, lens !== undefined ? { lens } : {});
  io.stdout(renderTrace(trace, format));
  const keylog = options.get('keylog');
  if (keylog !== undefined) io.writeFile(keylog, renderKeylog(trace));
  const pcap = options.get('pcap');
  if (pcap !== undefined) io.writeFile(pcap, renderPcap(trace));
  return 0;
}

/** `tls13sim lenses`: docs/lenses.md, generated from the lenses on the differential cases. */
function lenses(args: readonly string[], io: CliIo): number {
  if (args.length > 0) throw new UsageError('lenses takes no arguments');
  io.stdout(renderLensDoc());
  return 0;
}

registerCommand('list', list);
registerCommand('run', run);
registerCommand('lenses', lenses);

export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(usage());
    return command === undefined ? 2 : 0;
  }
  const c = commandTable().get(command);
  try {
    if (c === undefined) throw new UsageError(`unknown command '${command}'`);
    return await c.handler(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`tls13sim: ${e.message}\n${usage()}`);
      return 2;
    }
    io.stderr(`tls13sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
