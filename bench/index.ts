/**
 * `pnpm bench [--json] [--quick] [--filter ID]`
 *
 * Runs the registered benches. Default output: one titled table per bench. `--json`: one
 * JSON array of `{ name, value, unit }` rows on stdout and nothing else. The benches
 * themselves are listed in `registry.ts`.
 */
import { benches } from './registry.js';
import type { Bench, BenchRow } from './harness.js';

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
    else if (a === '--filter') args.filter = argv[++i] ?? null;
    else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--') continue;
    else throw new Error(`bench: unknown argument ${a} (use --json, --quick, --filter ID)`);
  }
  return args;
}

async function runBenches(args: Args): Promise<BenchRow[]> {
  const selected = benches.filter((b) => args.filter === null || b.id.includes(args.filter));
  if (selected.length === 0) throw new Error(`bench: no bench matches ${args.filter}`);
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

const args = parseArgs(process.argv.slice(2));
const rows = await runBenches(args);
if (args.json) console.log(JSON.stringify(rows));
