/**
 * Memory per idle connected endpoint pair: N pairs handshake (noble, Ed25519 certificate)
 * and stay referenced; (heap + external after − before) / N, each after forced GCs.
 * `global.gc` needs `--expose-gc`: when this process lacks it, the measurement runs in a
 * child `node --expose-gc --import tsx bench/memory-child.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bench } from './harness.js';
import { measureIdlePairBytes } from './memory-child.js';

function idlePairBytes(pairs: number): number {
  if ((globalThis as { gc?: unknown }).gc !== undefined) return measureIdlePairBytes(pairs);
  const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, '--memory-child', String(pairs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(line) as { bytesPerPair: number }).bytesPerPair;
}

export const memoryBench: Bench = {
  id: 'memory',
  title: 'Memory per idle connected endpoint pair (client + server after a full handshake)',
  run(opts) {
    const pairs = opts.quick ? 40 : 150;
    return [{ name: 'memory/idle-pair', value: idlePairBytes(pairs), unit: 'bytes' }];
  },
  format(rows) {
    return rows.map((r) => `${r.name}  ${r.value} ${r.unit} (${(r.value / 1024).toFixed(1)} KiB)`).join('\n');
  },
};
