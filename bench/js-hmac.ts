/**
 * An experiment (not a bench row): what the node provider's ratios would be if its
 * HMAC-SHA256 (and so HKDF) ran in JS instead of through one node:crypto `Hmac` object per
 * call. A handshake makes about forty such calls (docs/performance.md, "The crypto floor"),
 * each about 2.3–3.1 µs plus the object's weak callback in a later scavenge.
 *
 *   node --import tsx bench/js-hmac.ts [ed25519|ecdsa-p256] [rounds]
 *
 * The variant provider is the node provider with `hmac`, `hkdfExtract` and `hkdfExpand`
 * for SHA-256 done in JS on the seeded DRBG's SHA-256 compression (counter-sha256.ts).
 * A key's inner and outer padded states are kept for the last few keys, found by content, so a secret expanded twice (a traffic
 * secret's key and IV) is padded once, in a handshake and in a floor replay alike (the
 * floor's recorded arguments are copies, so a cache by object would miss there only).
 * Every call's result is checked against node:crypto's during the warm-up.
 *
 * Prints, from the same rounds: each provider's handshake ÷ its floor, ÷ Node's `tls`, and
 * the ceiling (Node's `tls` time ÷ the floor's), without and with two tickets.
 *
 * (Through noble's HMAC, a keyed object cloned per call, the handshake got slower instead:
 * 720 against 603 µs with Ed25519, one run.) docs/performance.md has the results.
 */
import { createNodeProvider, type CryptoProvider, type HashName } from '@tls13sim/handshake';
import { timingSafeEqual } from 'node:crypto';
import { H0, compress, writeWords } from '../packages/handshake/src/crypto/counter-sha256.js';
import { certKindArg, countArg, noMoreArgs } from './args.js';
import { freshHandshake } from './fixtures.js';
import { floorOf } from './handshake.js';
import { interleavedAsyncOpsPerSecond } from './harness.js';
import { nodeTlsContexts, nodeTlsHandshake } from './node-tls.js';

const argv = process.argv.slice(2);
noMoreArgs('js-hmac', argv, 2, 'js-hmac.ts [CERT KIND] [ROUNDS]');
const kind = certKindArg('js-hmac', argv[0] ?? 'ed25519');
const rounds = countArg('js-hmac', 'the round count', argv[1] ?? '15');

/** A key's HMAC-SHA256 states after its inner and outer padded blocks (RFC 2104). */
interface Keyed {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

const block = new Uint8Array(64);
const state = new Int32Array(8);
const ONE = Uint8Array.of(1);

function keyed(key: Uint8Array): Keyed {
  const pad = (x: number): Int32Array => {
    for (let i = 0; i < 64; i++) block[i] = (i < key.length ? key[i]! : 0) ^ x;
    const h = H0.slice();
    compress(h, block, 0);
    return h;
  };
  return { inner: pad(0x36), outer: pad(0x5c) };
}

/** SHA-256 from state `from` (after `before` bytes) over `parts`, into `out` (32 bytes). */
function finish(from: Int32Array, before: number, parts: readonly Uint8Array[], out: Uint8Array): void {
  state.set(from);
  let fill = 0;
  let total = before;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      block[fill++] = p[i]!;
      if (fill === 64) {
        compress(state, block, 0);
        fill = 0;
      }
    }
    total += p.length;
  }
  block[fill++] = 0x80;
  if (fill > 56) {
    block.fill(0, fill);
    compress(state, block, 0);
    fill = 0;
  }
  block.fill(0, fill, 56);
  const bits = total * 8;
  const hi = Math.floor(bits / 0x1_0000_0000);
  for (let k = 0; k < 4; k++) {
    block[63 - k] = (bits >>> (8 * k)) & 0xff;
    block[59 - k] = (hi >>> (8 * k)) & 0xff;
  }
  compress(state, block, 0);
  writeWords(state, out);
}

/** The node provider with HMAC-SHA256 in JS (keys of up to 64 bytes); the rest stays with node:crypto. */
function jsHmacProvider(inner: CryptoProvider): CryptoProvider {
  const recent: { key: Uint8Array; keyed: Keyed }[] = [];
  const keyedFor = (key: Uint8Array): Keyed => {
    for (const r of recent) if (r.key.length === key.length && timingSafeEqual(r.key, key)) return r.keyed;
    const k = keyed(key);
    recent.unshift({ key: key.slice(), keyed: k });
    if (recent.length > 8) recent.pop();
    return k;
  };
  const mac = (key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array => {
    const k = keyedFor(key);
    const out = new Uint8Array(32);
    finish(k.inner, 64, parts, out);
    finish(k.outer, 64, [out], out);
    return out;
  };
  const js = (alg: HashName, key: Uint8Array) => alg === 'sha256' && key.length <= 64;
  return {
    ...inner,
    name: 'node+js-hmac',
    hmac: (alg, key, data) => (js(alg, key) ? mac(key, [data]) : inner.hmac(alg, key, data)),
    hkdfExtract: (alg, salt, ikm) => (js(alg, salt) ? mac(salt, [ikm]) : inner.hkdfExtract(alg, salt, ikm)),
    hkdfExpand(alg, prk, info, length) {
      if (!js(alg, prk) || length > 32) return inner.hkdfExpand(alg, prk, info, length);
      const t1 = mac(prk, [info, ONE]);
      return length === 32 ? t1 : t1.slice(0, length);
    },
  };
}

/** The variant's results are node:crypto's, for the inputs a handshake gives it. */
function checked(variant: CryptoProvider, reference: CryptoProvider): CryptoProvider {
  const same = (what: string, a: Uint8Array, b: Uint8Array) => {
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new Error(`js-hmac: ${what} differs from node:crypto`);
    return a;
  };
  return {
    ...variant,
    hmac: (alg, key, data) => same('hmac', variant.hmac(alg, key, data), reference.hmac(alg, key, data)),
    hkdfExtract: (alg, salt, ikm) => same('hkdfExtract', variant.hkdfExtract(alg, salt, ikm), reference.hkdfExtract(alg, salt, ikm)),
    hkdfExpand: (alg, prk, info, n) => same('hkdfExpand', variant.hkdfExpand(alg, prk, info, n), reference.hkdfExpand(alg, prk, info, n)),
  };
}

const node = createNodeProvider();
const js = jsHmacProvider(createNodeProvider());
for (let i = 0; i < 50; i++) {
  freshHandshake(checked(js, node), kind);
  freshHandshake(checked(js, node), kind, true);
}

const ctx = nodeTlsContexts(kind);
const ops = [
  () => void freshHandshake(node, kind),
  floorOf(node, kind).replay,
  () => void freshHandshake(node, kind, true),
  floorOf(node, kind, true).replay,
  () => void freshHandshake(js, kind),
  floorOf(js, kind).replay,
  () => void freshHandshake(js, kind, true),
  floorOf(js, kind, true).replay,
  () => nodeTlsHandshake(ctx),
];
const m = await interleavedAsyncOpsPerSecond(ops, { rounds, sampleMs: 200, warmupMs: 1500, settleMs: 200 });
const f = (x: number) => `${x.toFixed(2)}×`;
const us = (i: number) => `${(1e6 / m.rates[i]!).toFixed(0)} µs`;
console.log(`${kind}, ${rounds} rounds: handshake ÷ floor, ÷ Node tls, ceiling (Node tls ÷ floor); time per handshake / floor`);
for (const [name, h, fl] of [
  ['node', 0, 1],
  ['node+tickets', 2, 3],
  ['node, JS HMAC', 4, 5],
  ['node+tickets, JS HMAC', 6, 7],
] as const) {
  console.log(`${name.padEnd(22)} ${f(m.ratio(fl, h))}  ${f(m.ratio(h, 8))}  ${f(m.ratio(fl, 8))}   ${us(h)} / ${us(fl)}`);
}
console.log(`Node tls: ${us(8)}`);
