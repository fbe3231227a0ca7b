/**
 * `pnpm explore [--runs N] [--seed S] [--property NAME]... [--path P]` — runs issue 8's
 * properties long. Each failure is shrunk to a minimal case, saved, and printed with the one
 * command that replays it exactly (`pnpm tls13sim replay FILE`). Exit code 1 on any failure.
 */
import { PROPERTIES } from '../packages/sim/src/explore/properties.js';
import { runProperty } from '../packages/sim/src/explore/runner.js';
import { exploreCrypto } from '../packages/sim/src/explore/config.js';

function parse(argv: readonly string[]): { runs?: number; seed: number; props: string[]; path?: string } {
  const out: { runs?: number; seed: number; props: string[]; path?: string } = { seed: Date.now() % 2 ** 31, props: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--runs') out.runs = Number(value());
    else if (flag === '--seed') out.seed = Number(value());
    else if (flag === '--property') out.props.push(value());
    else if (flag === '--path') out.path = value();
    else if (flag === '--help' || flag === '-h') {
      console.log('pnpm explore [--runs N] [--seed S] [--property NAME]... [--path P]');
      console.log(`properties: ${PROPERTIES.map((p) => p.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (out.runs !== undefined && !(Number.isInteger(out.runs) && out.runs > 0)) throw new Error('--runs must be a positive integer');
  if (!Number.isSafeInteger(out.seed)) throw new Error('--seed must be an integer');
  return out;
}

const opts = parse(process.argv.slice(2));
const chosen = opts.props.length > 0 ? PROPERTIES.filter((p) => opts.props.includes(p.name)) : PROPERTIES;
for (const n of opts.props) if (!PROPERTIES.some((p) => p.name === n)) throw new Error(`unknown property ${n}`);
let failed = 0;
console.log(`tls13sim explore — seed ${opts.seed}${opts.runs ? `, ${opts.runs} runs each` : ', CI run counts'}`);
for (const def of chosen) {
  const r = runProperty(def, { seed: opts.seed, ...(opts.runs !== undefined ? { runs: opts.runs } : {}), ...(opts.path !== undefined ? { path: opts.path } : {}) });
  const rate = r.runs / (r.ms / 1000);
  if (!r.failed) {
    console.log(`  ok    ${def.name.padEnd(15)} ${String(r.runs).padStart(6)} runs  ${(r.ms / 1000).toFixed(1).padStart(6)} s  (${rate.toFixed(1)} runs/s)`);
    continue;
  }
  failed++;
  console.log(`  FAIL  ${def.name.padEnd(15)} after ${r.runs} runs  ${(r.ms / 1000).toFixed(1)} s`);
  console.log(`        ${r.message}`);
  console.log(`        replay: ${r.command}`);
  console.log(`        (or:    ${r.seedCommand})`);
}
const s = exploreCrypto.stats;
console.log(`crypto memo: ${s.hits} hits, ${s.misses} misses (${((100 * s.hits) / Math.max(1, s.hits + s.misses)).toFixed(1)}% hit)`);
console.log(`${chosen.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
