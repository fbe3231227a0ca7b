#!/usr/bin/env node
/**
 * `tls13sim` (README "The `tls13sim` CLI"). `list`, `lenses` and `run` live here; the other
 * commands (`step`, `serve`, `connect`, …) register themselves in the table of command.ts,
 * and this module imports them.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import '../scenarios/catalogue.js';
import { renderKeylog, renderPcap, renderTrace } from '../render/index.js';
import { renderLensDoc } from '../lens/doc.js';
import { LENS_NAMES } from '../lens/lens.js';
import { LENS_VERIFIED, isLensName } from '../lens/registry.js';
import { listScenarios } from '../scenarios/registry.js';
import './serve.js';
import './connect.js';
import './step.js';
import './replay.js';
import './explore.js';
import './compare.js';
import {
  asksForHelp,
  commandUsage,
  debugStack,
  defaultIo,
  errorLine,
  findCommand,
  registerCommand,
  systemErrorText,
  usage,
  UsageError,
  type CliIo,
} from './command.js';
import { checkWritable, formatOption, parseOptions, scenarioArg, seedOption, writeOutput } from './options.js';
import { POLICY_FLAGS, POLICY_HELP, POLICY_USAGE, policyOptions, runWithDelivery } from './policy-options.js';

// The CLI's shared pieces, for the tests and embedders that import them from here.
export { CliError, UsageError, defaultIo, errorLine, registerCommand, systemErrorText, type CliIo, type CommandHandler } from './command.js';
export { checkWritable, flagOption, formatOption, parseOptions, scenarioArg, seedOption, writeOutput } from './options.js';

const LIST_USAGE = 'tls13sim list                                 the scenario catalogue';
const LENSES_USAGE = 'tls13sim lenses                               docs/lenses.md: what each library returns, per differential case';
const RUN_USAGE = `tls13sim run <scenario> [--format text|mermaid|json|hex|svg|html] [--seed N] [--lens openssl|node|go|python|gnutls|rustls] [--keylog FILE] [--pcap FILE] ${POLICY_USAGE}`;

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
  const c = findCommand(command);
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
