/**
 * What every `tls13sim` command shares: the I/O it writes through, its errors (a usage
 * error exits 2, any other failure 1, each one line on stderr), and the command table that
 * main.ts dispatches on. Commands register themselves here; main.ts imports them, and
 * nothing here imports a command, so the CLI has no import cycle (docs/architecture.md).
 */
import { writeFileSync } from 'node:fs';

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

/** `tls13sim help` lists these first, in this order; the other commands follow as registered. */
const FIRST = ['list', 'lenses', 'run'];

export type CommandEntry = { handler: CommandHandler; usage?: string; help?: () => string };

/**
 * The command table. Command modules (serve.ts, connect.ts, …) fill it through
 * `registerCommand` at their top level; they import this module, never main.ts, so it is
 * initialised before any of them runs.
 */
const COMMANDS = new Map<string, CommandEntry>();

/** The command registered as `name`, if any. */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.get(name);
}

/**
 * Adds a command. `usage`: its one line in `tls13sim help` (`tls13sim NAME …`; the prefix is
 * added when missing); `help`: more lines that `tls13sim NAME --help` prints under it.
 */
export function registerCommand(name: string, handler: CommandHandler, usage?: string, help?: () => string): void {
  if (COMMANDS.has(name)) throw new Error(`registerCommand: '${name}' already registered`);
  const line = usage === undefined ? undefined : usage.startsWith('tls13sim ') ? usage : `tls13sim ${usage}`;
  COMMANDS.set(name, { handler, ...(line !== undefined ? { usage: line } : {}), ...(help !== undefined ? { help } : {}) });
}

export function usage(): string {
  const names = [...COMMANDS.keys()];
  const ordered = [...FIRST.filter((n) => names.includes(n)), ...names.filter((n) => !FIRST.includes(n))];
  const lines = ordered.map((n) => COMMANDS.get(n)!.usage).filter((u): u is string => u !== undefined);
  return `usage:\n${lines.map((u) => `  ${u}\n`).join('')}`;
}

/** `tls13sim NAME --help` / `tls13sim help NAME`: that command's usage (and its details). */
export function commandUsage(name: string): string {
  const c = COMMANDS.get(name);
  if (c === undefined) throw new UsageError(`unknown command '${name}'`);
  return `usage: ${c.usage ?? `tls13sim ${name}`}\n${c.help?.() ?? ''}`;
}

/** A request for help among a command's arguments (`--help`, `-h`), before any `--`. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
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
export function debugStack(e: unknown): string {
  let out = '';
  for (let x: unknown = e; x instanceof Error; x = x.cause) out += `${x.stack ?? x.message}\n`;
  return out;
}
