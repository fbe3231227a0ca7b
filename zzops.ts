import { createNodeProvider, type CryptoProvider } from '@tls13sim/handshake';
import { freshHandshake } from './bench/fixtures.js';
import { nodeTlsContexts, nodeTlsHandshake } from './bench/node-tls.js';
const t: Record<string, [number, number]> = {};
function timed<T>(op: string, f: () => T): T { const s = performance.now(); const r = f(); const e = performance.now() - s; const x = (t[op] ??= [0, 0]); x[0] += e; x[1]++; return r; }
const inner = createNodeProvider();
const p: CryptoProvider = {
  ...inner,
  hash: (a, d) => timed('hash', () => inner.hash(a, d)),
  hmac: (a, k, d) => timed('hmac', () => inner.hmac(a, k, d)),
  hkdfExtract: (a, s, i) => timed('extract', () => inner.hkdfExtract(a, s, i)),
  hkdfExpand: (a, pr, i, l) => timed('expand', () => inner.hkdfExpand(a, pr, i, l)),
  aead(n) { const a = inner.aead(n); return { ...a, seal: (k, no, d, pt) => timed('seal:' + n, () => a.seal(k, no, d, pt)), sealInto: a.sealInto, open: (k, no, d, c) => timed('open:' + n, () => a.open(k, no, d, c)) }; },
  keyExchange(g) { const x = inner.keyExchange(g)!; return { group: x.group, generate: (r) => timed('gen', () => x.generate(r)), respond: (pe, r) => timed('respond', () => x.respond(pe, r)), finish: (o, pe) => timed('finish', () => x.finish(o, pe)) }; },
  sign: (s, k, m, r) => timed('sign:' + s, () => inner.sign(s, k, m, r)),
  verify: (s, k, m, sg) => timed('verify:' + s, () => inner.verify(s, k, m, sg)),
};
const kind = (process.argv[2] ?? 'ed25519') as 'ed25519';
const tickets = process.argv[3] === 'tickets';
for (let i = 0; i < 300; i++) freshHandshake(p, kind, tickets);
for (const k of Object.keys(t)) delete t[k];
const N = 3000; const s = performance.now();
for (let i = 0; i < N; i++) freshHandshake(p, kind, tickets);
const total = (performance.now() - s) / N * 1000;
let sum = 0;
for (const [k, [ms, n]] of Object.entries(t)) { const per = ms / N * 1000; sum += per; console.log(k.padEnd(22), (n / N).toFixed(1).padStart(5), 'calls', (ms / n * 1000).toFixed(2).padStart(8), 'µs/call', per.toFixed(1).padStart(8), 'µs/hs'); }
console.log('total µs/hs', total.toFixed(1), 'crypto', sum.toFixed(1));
const ctx = nodeTlsContexts(kind);
for (let i = 0; i < 200; i++) await nodeTlsHandshake(ctx);
const s2 = performance.now(); for (let i = 0; i < 1000; i++) await nodeTlsHandshake(ctx);
console.log('node tls µs/hs', ((performance.now() - s2)).toFixed(1));
