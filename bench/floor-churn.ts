/**
 * An experiment, not a bench row: how much slower the node provider's crypto floor runs
 * once a little JS garbage is made between its replays, next to fresh handshakes, e.g.
 *
 *   node --import tsx bench/floor-churn.ts [ed25519|ecdsa-p256]
 *
 * Each operation runs in batches of 300, in 12 interleaved rounds (the first two
 * discarded); the median µs per operation is printed. On the bench machine 5 KB of
 * short-lived objects per replay (about 2 µs of work on its own) made the floor 20–61 µs
 * slower (docs/performance.md).
 */
import { createNodeProvider } from '@tls13sim/handshake';
import { certKindArg, noMoreArgs } from './args.js';
import { freshHandshake } from './fixtures.js';
import { floorOf } from './handshake.js';

noMoreArgs('floor-churn', process.argv.slice(2), 1, 'floor-churn.ts [CERT KIND]');
const kind = certKindArg('floor-churn', process.argv[2] ?? 'ed25519');
const node = createNodeProvider();
const floor = floorOf(node, kind);

/** Where the garbage waits for the next call, so that it dies young. */
const sink: { last: unknown } = { last: null };
/** About `kb` KB of small short-lived objects. */
function garbage(kb: number): void {
  const objects: { a: number; b: number; c: number; d: number; e: number }[] = [];
  for (let i = 0; i < (kb * 1024) / 64; i++) objects.push({ a: i, b: i, c: i, d: i, e: i });
  sink.last = objects;
}

const ops: [string, () => void, number][] = [
  ['floor', floor.replay, 300],
  ['floor + 5 KB', () => (floor.replay(), garbage(5)), 300],
  ['floor + 20 KB', () => (floor.replay(), garbage(20)), 300],
  ['floor + 100 KB', () => (floor.replay(), garbage(100)), 300],
  ['fresh handshake', () => void freshHandshake(node, kind), 300],
  ['5 KB alone', () => garbage(5), 3000],
  ['20 KB alone', () => garbage(20), 3000],
  ['100 KB alone', () => garbage(100), 3000],
];
const times = new Map<string, number[]>();
for (let round = 0; round < 12; round++) {
  for (const [name, op, n] of ops) {
    const t = performance.now();
    for (let i = 0; i < n; i++) op();
    const us = ((performance.now() - t) * 1000) / n;
    if (round >= 2) times.set(name, [...(times.get(name) ?? []), us]);
  }
}
for (const [name, v] of times) {
  v.sort((a, b) => a - b);
  console.log(`${name.padEnd(16)} ${v[v.length >> 1]!.toFixed(1).padStart(7)} µs`);
}
