/**
 * Run by memory.ts under `node --expose-gc --import tsx`: prints the retained heap
 * (V8 heap + external/ArrayBuffer memory) per idle, connected endpoint pair as JSON.
 */
import { nobleProvider } from '@tls13sim/handshake';
import { freshHandshake } from './fixtures.js';

export function measureIdlePairBytes(pairs: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('memory: run with --expose-gc');
  const used = () => {
    for (let i = 0; i < 3; i++) gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  for (let i = 0; i < 5; i++) freshHandshake(nobleProvider, 'ed25519'); // caches, JIT, lazily built tables
  const keep: unknown[] = [];
  const before = used();
  for (let i = 0; i < pairs; i++) keep.push(freshHandshake(nobleProvider, 'ed25519'));
  const after = used();
  if (keep.length !== pairs) throw new Error('unreachable');
  return Math.round((after - before) / pairs);
}

if (process.argv.includes('--memory-child')) {
  const n = Number(process.argv[process.argv.indexOf('--memory-child') + 1]);
  console.log(JSON.stringify({ bytesPerPair: measureIdlePairBytes(n) }));
}
