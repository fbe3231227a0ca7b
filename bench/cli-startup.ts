/**
 * CLI start-up (issue 17 item 5): the wall time of `tls13sim list`, the compiled bin
 * (`node packages/sim/dist/cli/main.js`, what `npx tls13sim` runs from the packed tarball)
 * against the TypeScript through tsx (what `pnpm tls13sim` runs today, minus pnpm's own
 * start). The packages are built first (`tsc -p packages/<p>/tsconfig.build.json`, as
 * `pnpm build` does). Median of the runs, in ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchRow } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one run (ms); throws unless it lists the catalogue. */
function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || !r.stdout.startsWith('blocking-read-deadlock')) throw new Error(`cli-startup: ${args.join(' ')} failed: ${r.stderr.split('\n', 1)[0]}`);
  return ms;
}

export const cliStartupBench: Bench = {
  id: 'cli-startup',
  title: 'CLI start-up: `tls13sim list` wall time, compiled bin vs tsx (median, ms)',
  run({ quick }): BenchRow[] {
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    for (const p of ['record', 'handshake', 'sim']) execFileSync(tsc, ['-p', join('packages', p, 'tsconfig.build.json')], { cwd: root, stdio: 'ignore' });
    const runs = quick ? 3 : 9;
    const built = ['packages/sim/dist/cli/main.js', 'list'];
    const tsx = ['--import', 'tsx', 'packages/sim/src/cli/main.ts', 'list'];
    once(built);
    once(tsx);
    const b: number[] = [];
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternating, so a change in the machine's speed lands on both.
      b.push(once(built));
      t.push(once(tsx));
    }
    const mb = median(b);
    const mt = median(t);
    return [
      { name: 'cli-startup/built/list', value: Math.round(mb), unit: 'ms' },
      { name: 'cli-startup/tsx/list', value: Math.round(mt), unit: 'ms' },
      { name: 'cli-startup/tsx-vs-built', value: Math.round((mt / mb) * 100) / 100, unit: 'x' },
    ];
  },
  format: (rows) => rows.map((r) => `${r.name.padEnd(28)} ${String(r.value).padStart(6)} ${r.unit}`).join('\n'),
};
