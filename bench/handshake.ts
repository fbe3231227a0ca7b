/**
 * Full TLS 1.3 handshakes per second in memory (x25519, TLS_AES_128_GCM_SHA256, Ed25519 or
 * ECDSA P-256 certificate; see fixtures.ts), with the noble and the node:crypto provider,
 * next to Node's `tls` in the same process (node-tls.ts), and each provider's crypto
 * floor: the provider calls one handshake makes, replayed directly (floor.ts).
 *
 * Rows: handshake/<noble|node|node-tls>/<cert> (1/s), floor/<provider>/<cert> (1/s: floor
 * replays per second) and floor-ratio/<provider>/<cert> (handshake time ÷ floor time);
 * handshake/node+tickets/<cert>: the node provider with the server sending two
 * NewSessionTickets, as Node's `tls` server (OpenSSL's default) does in its row.
 */
import { createNodeProvider, nobleProvider, seededRandom, type CryptoProvider } from '@tls13sim/handshake';
import { asyncOpsPerSecond, interleavedOpsPerSecond, RATIO_NOTE, sampling, sig3, table, type Bench, type BenchOptions, type BenchRow } from './harness.js';
import { CERT_KINDS, freshHandshake, handshake, type CertKind } from './fixtures.js';
import { recordingProvider } from './floor.js';
import { nodeTlsContexts, nodeTlsHandshake } from './node-tls.js';

function providers(): [string, CryptoProvider][] {
  return [
    ['noble', nobleProvider],
    ['node', createNodeProvider()],
  ];
}

/** The floor of one handshake for `provider`, and the calls it consists of. */
export function floorOf(provider: CryptoProvider, kind: CertKind): { replay: () => void; counts: Readonly<Record<string, number>> } {
  const { provider: rec, recording } = recordingProvider(provider);
  handshake({ client: rec, server: rec, kind, clientRandom: seededRandom('floor-client'), serverRandom: seededRandom('floor-server') });
  return { replay: recording.replay, counts: recording.counts };
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const s = sampling(opts);
  const rows: BenchRow[] = [];
  for (const kind of CERT_KINDS) {
    for (const [name, p] of providers()) {
      const floor = floorOf(p, kind);
      const m = interleavedOpsPerSecond([() => void freshHandshake(p, kind), floor.replay], s);
      const [hs, fl] = m.rates as [number, number];
      rows.push({ name: `handshake/${name}/${kind}`, value: sig3(hs), unit: '1/s' });
      rows.push({ name: `floor/${name}/${kind}`, value: sig3(fl), unit: '1/s' });
      // Handshake time ÷ floor time = floor rate ÷ handshake rate, taken within each round.
      rows.push({ name: `floor-ratio/${name}/${kind}`, value: sig3(m.ratios[1]!), unit: 'x' });
    }
    // Node's server sends OpenSSL's default two tickets per connection (Node has no switch
    // for that); this row does the same with our node provider, for a like-for-like look.
    const node = createNodeProvider();
    const withTickets = interleavedOpsPerSecond([() => void freshHandshake(node, kind, true)], s).rates[0]!;
    rows.push({ name: `handshake/node+tickets/${kind}`, value: sig3(withTickets), unit: '1/s' });
    const ctx = nodeTlsContexts(kind);
    const tlsRate = await asyncOpsPerSecond(() => nodeTlsHandshake(ctx), s);
    rows.push({ name: `handshake/node-tls/${kind}`, value: sig3(tlsRate), unit: '1/s' });
  }
  return rows;
}

export const handshakeBench: Bench = {
  id: 'handshake',
  title: 'Full TLS 1.3 handshakes in memory (x25519, AES-128-GCM), per second; crypto floor = the same provider calls replayed directly',
  run,
  format(rows) {
    const v = (n: string) => rows.find((r) => r.name === n)?.value;
    const f = (x: number | undefined, d = 0) => (x === undefined ? '-' : x.toFixed(d));
    const out: string[][] = [];
    for (const kind of CERT_KINDS) {
      for (const impl of ['noble', 'node', 'node+tickets', 'node-tls']) {
        const ratio = v(`floor-ratio/${impl}/${kind}`);
        out.push([`${impl} / ${kind}`, f(v(`handshake/${impl}/${kind}`)), f(v(`floor/${impl}/${kind}`)), ratio === undefined ? '-' : `${ratio.toFixed(2)}×`]);
      }
    }
    return `${table(['implementation / certificate', 'handshakes/s', 'crypto floor/s', 'time ÷ floor'], out)}\n\n${RATIO_NOTE}`;
  },
};
