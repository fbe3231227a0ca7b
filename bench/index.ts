/**
 * `pnpm bench [--json] [--quick] [--filter ID]`
 *
 * Runs the registered benches. Default output: one titled table per bench. `--json`: one
 * JSON array of `{ name, value, unit }` rows on stdout and nothing else. The benches
 * themselves are listed in `registry.ts`. A bad argument is one line on stderr and exit
 * status 2; `--help` prints the usage and the bench ids.
 */
import { quietOnClosedStdout, usageExit } from './args.js';
import { benches } from './registry.js';
import type { Bench, BenchRow } from './harness.js';

const USAGE = 'pnpm bench [--json] [--quick] [--filter ID]';

interface Args {
  json: boolean;
  quick: boolean;
  filter: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, quick: false, filter: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--filter' || a.startsWith('--filter=')) {
      const value = a === '--filter' ? argv[++i] : a.slice('--filter='.length);
      if (value === undefined || value === '') usageExit('bench', `--filter needs a bench id (${ids()})`);
      args.filter = value;
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: ${USAGE}\nbenches: ${ids()}\n--filter ID runs the benches whose id contains ID.`);
      process.exit(0);
    } else if (a === '--') continue;
    else usageExit('bench', `unknown argument ${JSON.stringify(a)} (usage: ${USAGE})`);
  }
  return args;
}

const ids = (): string => benches.map((b) => b.id).join(', ');

async function runBenches(args: Args): Promise<BenchRow[]> {
  const selected = benches.filter((b) => args.filter === null || b.id.includes(args.filter));
  if (selected.length === 0) usageExit('bench', `no bench id contains ${JSON.stringify(args.filter)} (benches: ${ids()})`);
  const all: BenchRow[] = [];
  for (const b of selected) {
    const rows = await b.run({ quick: args.quick });
    all.push(...rows);
    if (!args.json) print(b, rows);
  }
  return all;
}

function print(b: Bench, rows: readonly BenchRow[]): void {
  console.log(`\n${b.title}\n`);
  console.log(b.format ? b.format(rows) : rows.map((r) => `${r.name}  ${r.value} ${r.unit}`).join('\n'));
}

quietOnClosedStdout();
const args = parseArgs(process.argv.slice(2));
const rows = await runBenches(args);
if (args.json) console.log(JSON.stringify(rows));
