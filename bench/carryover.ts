/**
 * An experiment (not a bench row): how much a timed batch of handshakes is charged for
 * the batch that ran just before it. Every batch leaves garbage behind; the next batch's
 * first scavenges collect it, and what those cost depends on what the garbage is. A node
 * floor replay leaves many dead node:crypto objects (Hmac, Hash, KeyObject, Cipher), whose
 * weak callbacks run in the scavenge, so a batch that follows the floor pays part of the
 * floor's collection.
 *
 *   node --import tsx bench/carryover.ts [ed25519|ecdsa-p256] [rounds]
 *
 * Prints the median time per operation of a 200 ms batch of handshakes (node provider)
 * after a batch of floor replays and after a batch of handshakes, and the same for the
 * floor. With `--expose-gc` and `minor` as a third argument, a minor collection runs
 * (untimed) before each batch: the difference then mostly goes away.
 */
import { createNodeProvider } from '@tls13sim/handshake';
import { floorOf } from './handshake.js';
import { median, timedBatch } from './harness.js';
import { certKindArg, choiceArg, countArg, noMoreArgs, usageExit } from './args.js';
import { freshHandshake } from './fixtures.js';

const SCRIPT = 'carryover';
const argv = process.argv.slice(2);
noMoreArgs(SCRIPT, argv, 3, 'carryover.ts [CERT KIND] [ROUNDS] [minor]');
const kind = certKindArg(SCRIPT, argv[0] ?? 'ed25519');
const rounds = countArg(SCRIPT, 'the round count', argv[1] ?? '20');
const cleanArg = argv[2] === undefined ? undefined : choiceArg(SCRIPT, 'the third argument', argv[2], ['minor']);
const gc = (globalThis as { gc?: (o?: { type: 'minor' }) => void }).gc;
if (cleanArg === 'minor' && gc === undefined) usageExit(SCRIPT, 'minor needs node --expose-gc');

const node = createNodeProvider();
const floor = floorOf(node, kind).replay;
const handshake = () => void freshHandshake(node, kind);

/** µs per operation over a batch of at least `ms`. */
function batch(op: () => void, ms: number): number {
  if (cleanArg === 'minor') gc!({ type: 'minor' });
  return 1e6 / timedBatch(op, ms);
}

batch(handshake, 1500);
batch(floor, 1500);
const t = { hsAfterFloor: [] as number[], hsAfterHs: [] as number[], floorAfterHs: [] as number[], floorAfterFloor: [] as number[] };
for (let r = 0; r < rounds; r++) {
  batch(floor, 200);
  t.hsAfterFloor.push(batch(handshake, 200));
  t.hsAfterHs.push(batch(handshake, 200));
  t.floorAfterHs.push(batch(floor, 200));
  t.floorAfterFloor.push(batch(floor, 200));
}
const us = (xs: number[]) => `${median(xs).toFixed(0)} µs`;
console.log(`${kind}${cleanArg === 'minor' ? ' (minor GC before each batch)' : ''}, medians of ${rounds} rounds of 200 ms batches:`);
console.log(`  handshake after floor      ${us(t.hsAfterFloor)}`);
console.log(`  handshake after handshake  ${us(t.hsAfterHs)}`);
console.log(`  floor after handshake      ${us(t.floorAfterHs)}`);
console.log(`  floor after floor          ${us(t.floorAfterFloor)}`);
console.log(`  handshake ÷ floor, each after itself: ${(median(t.hsAfterHs) / median(t.floorAfterFloor)).toFixed(2)}`);
