/**
 * `tls13sim compare <scenario>`: a TLS 1.3 scenario and its TLS 1.2 twin side by side
 * (compare.ts reads the key moments off both traces). Either name of a pair works.
 */
import { compareJson, renderComparison } from '../compare.js';
import { LENS_NAMES } from '../lens/lens.js';
import { isLensName } from '../lens/registry.js';
import { runScenario } from '../scenarios/registry.js';
import { TLS12_TWINS } from '../scenarios/tls12.js';
import { UsageError, registerCommand, type CliIo } from './command.js';
import { parseOptions, seedOption } from './options.js';

const USAGE = 'tls13sim compare <scenario> [--seed N] [--lens openssl|node|go|python|gnutls|rustls] [--format text|json]';

/** The pairs, each as [TLS 1.3 scenario, TLS 1.2 twin]. */
export function twinPairs(): ReadonlyArray<readonly [string, string]> {
  return Object.entries(TLS12_TWINS).map(([v12, v13]) => [v13, v12] as const);
}

/** The pair a name belongs to, [TLS 1.3, TLS 1.2]; undefined when it has no twin. */
export function twinPair(name: string): readonly [string, string] | undefined {
  return twinPairs().find(([a, b]) => a === name || b === name);
}

function help(): string {
  const pairs = twinPairs().map(([a, b]) => `  ${a.padEnd(22)} ↔ ${b}`);
  return [
    'Runs a TLS 1.3 scenario and its TLS 1.2 twin (either name works) and prints, side by side, the',
    'moments read off the two traces: each Finished sent, each handshake complete, when connect()',
    'returns, when the server judges the client, and when the client presumes or knows the verdict.',
    '--lens NAME sees both runs through that library; --format json gives the moments as JSON.',
    '',
    'The pairs:',
    ...pairs,
    '',
  ].join('\n');
}

function compare(args: readonly string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['seed', 'lens', 'format']);
  if (positional.length !== 1) throw new UsageError('compare needs exactly one scenario name');
  const name = positional[0]!;
  const pair = twinPair(name);
  if (pair === undefined) {
    const names = twinPairs().flat().join(', ');
    throw new UsageError(`compare: '${name}' has no TLS 1.2 / TLS 1.3 twin (one of ${names})`);
  }
  const lens = options.get('lens');
  if (lens !== undefined && !isLensName(lens)) throw new UsageError(`--lens must be one of ${LENS_NAMES.join(', ')} (got '${lens}')`);
  const format = options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`compare: unknown format '${format}' (one of text, json)`);
  const seed = seedOption(options);
  const opts = lens !== undefined ? { lens } : {};
  const [v13, v12] = pair.map((n) => runScenario(n, seed, opts));
  io.stdout(format === 'json' ? `${JSON.stringify(compareJson(v13!, v12!), null, 2)}\n` : renderComparison(v13!, v12!));
  return 0;
}

registerCommand('compare', compare, USAGE, help);
