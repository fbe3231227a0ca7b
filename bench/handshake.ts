/**
 * Full TLS 1.3 handshakes per second in memory (x25519, TLS_AES_128_GCM_SHA256, Ed25519 or
 * ECDSA P-256 certificate; see fixtures.ts), with the noble and the node:crypto provider,
 * next to Node's `tls` in the same process (node-tls.ts), and each provider's crypto
 * floor: the provider calls one handshake makes, replayed directly (floor.ts).
 *
 * Rows: handshake/<noble|node|node-tls>/<cert> (1/s), floor/<provider>/<cert> (1/s: floor
 * replays per second) and floor-ratio/<provider>/<cert> (handshake time ÷ floor time);
 * handshake/node+tickets/<cert>: the node provider with the server sending two
 * NewSessionTickets, as Node's `tls` server (OpenSSL's default) does in its row;
 * node-vs-node-tls/<cert> and node+tickets-vs-node-tls/<cert>: our handshakes/s ÷ Node's,
 * taken within each round; protocol/node/<cert> (µs): one handshake with every provider
 * call answered from a recording (canned.ts), i.e. the protocol's own time without crypto;
 * floor/node+tickets/<cert> and floor-ratio/node+tickets/<cert>: the same for handshakes
 * with two tickets; floor-vs-node-tls/<cert> and floor+tickets-vs-node-tls/<cert>: Node's
 * tls time ÷ the floor's, the ceiling of ÷ Node tls for this provider.
 */
import { createNodeProvider, nobleProvider, seededRandom, type CryptoProvider } from '@tls13sim/handshake';
import {
  interleavedAsyncOpsPerSecond,
  interleavedOpsPerSecond,
  RATIO_NOTE,
  sampling,
  sig3,
  table,
  type Bench,
  type BenchOptions,
  type BenchRow,
  type Interleaved,
} from './harness.js';
import { CERT_KINDS, freshHandshake, handshake, type CertKind } from './fixtures.js';
import { cannedProvider } from './canned.js';
import { recordingProvider } from './floor.js';
import { nodeTlsContexts, nodeTlsHandshake } from './node-tls.js';

/**
 * Recordings a floor cycles through: more than the node provider keeps key-exchange
 * KeyObjects for (4), so that, as in a run of handshakes, each replayed `generate` or
 * `respond` meets a private key it has not seen lately (see floor.ts).
 */
const FLOOR_RECORDINGS = 8;

/**
 * The floor of one handshake for `provider` (each replay: the next of several recorded
 * handshakes), and the calls one makes. Each recording is of a second handshake through
 * its wrapper: what a provider's constants (keyschedule/stages.ts) cost is paid by the
 * first, as in a run of handshakes. With `tickets`, the recorded handshakes are ones where
 * the server sends two NewSessionTickets and the client takes them in.
 */
export function floorOf(provider: CryptoProvider, kind: CertKind, tickets = false): { replay: () => void; counts: Readonly<Record<string, number>> } {
  const recordings = Array.from({ length: FLOOR_RECORDINGS }, (_, i) => {
    const { provider: rec, recording } = recordingProvider(provider);
    for (const round of ['warm-up', 'recorded']) {
      recording.reset();
      handshake({
        client: rec,
        server: rec,
        kind,
        clientRandom: seededRandom(`floor-client:${round}:${i}`),
        serverRandom: seededRandom(`floor-server:${round}:${i}`),
        tickets,
      });
    }
    return recording;
  });
  let next = 0;
  return { replay: () => recordings[next++ % FLOOR_RECORDINGS]!.replay(), counts: recordings[0]!.counts };
}

/**
 * One handshake of `kind` with no cryptography in it: the same seeds every time, and every
 * provider call answered from a recording of that handshake (canned.ts). The recording is
 * of the second handshake, as in `floorOf`: the first computes the provider's constants.
 */
export function protocolOnly(provider: CryptoProvider, kind: CertKind): () => void {
  const canned = cannedProvider(provider);
  const once = () =>
    void handshake({
      client: canned.provider,
      server: canned.provider,
      kind,
      clientRandom: seededRandom('protocol-client'),
      serverRandom: seededRandom('protocol-server'),
    });
  once();
  canned.record();
  once();
  return () => {
    canned.play();
    once();
  };
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const s = sampling(opts);
  const rows: BenchRow[] = [];
  for (const kind of CERT_KINDS) {
    const noble = floorOf(nobleProvider, kind);
    const m = interleavedOpsPerSecond([() => void freshHandshake(nobleProvider, kind), noble.replay], s);
    rows.push(...handshakeRows('noble', kind, m));
    // The node provider, its floor, the same with the server sending two tickets (as Node's
    // `tls` server always does: OpenSSL's default, with no switch in Node's API) and Node's
    // `tls` itself, all in the same rounds: the comparison with Node is a per-round ratio too.
    const node = createNodeProvider();
    const nodeFloor = floorOf(node, kind);
    const ticketFloor = floorOf(node, kind, true);
    const ctx = nodeTlsContexts(kind);
    const n = await interleavedAsyncOpsPerSecond(
      [
        () => void freshHandshake(node, kind),
        nodeFloor.replay,
        () => void freshHandshake(node, kind, true),
        () => nodeTlsHandshake(ctx),
        protocolOnly(node, kind),
        ticketFloor.replay,
      ],
      s,
    );
    rows.push(...handshakeRows('node', kind, n));
    rows.push({ name: `handshake/node+tickets/${kind}`, value: sig3(n.rates[2]!), unit: '1/s' });
    rows.push({ name: `handshake/node-tls/${kind}`, value: sig3(n.rates[3]!), unit: '1/s' });
    // node handshakes/s ÷ Node tls handshakes/s (issue 9's goal: ≥ 1), without and with tickets.
    rows.push({ name: `node-vs-node-tls/${kind}`, value: sig3(1 / n.ratios[3]!), unit: 'x' });
    rows.push({ name: `node+tickets-vs-node-tls/${kind}`, value: sig3(n.ratio(2, 3)), unit: 'x' });
    rows.push({ name: `protocol/node/${kind}`, value: sig3(1e6 / n.rates[4]!), unit: 'µs' });
    rows.push({ name: `floor/node+tickets/${kind}`, value: sig3(n.rates[5]!), unit: '1/s' });
    rows.push({ name: `floor-ratio/node+tickets/${kind}`, value: sig3(n.ratio(5, 2)), unit: 'x' });
    // Node's tls time ÷ the floor's time: what ÷ Node tls would be if our protocol code cost
    // nothing at all, without and with tickets. ÷ Node tls cannot go above it with this provider.
    rows.push({ name: `floor-vs-node-tls/${kind}`, value: sig3(n.ratio(1, 3)), unit: 'x' });
    rows.push({ name: `floor+tickets-vs-node-tls/${kind}`, value: sig3(n.ratio(5, 3)), unit: 'x' });
  }
  return rows;
}

/** handshake, floor and floor-ratio rows from a measurement whose first two operations are a handshake and its floor. */
function handshakeRows(provider: string, kind: CertKind, m: Interleaved): BenchRow[] {
  return [
    { name: `handshake/${provider}/${kind}`, value: sig3(m.rates[0]!), unit: '1/s' },
    { name: `floor/${provider}/${kind}`, value: sig3(m.rates[1]!), unit: '1/s' },
    // Handshake time ÷ floor time = floor rate ÷ handshake rate, taken within each round.
    { name: `floor-ratio/${provider}/${kind}`, value: sig3(m.ratios[1]!), unit: 'x' },
  ];
}

/** The ceiling row of each implementation row that has one. */
const CEILING_ROW: Record<string, string | undefined> = { node: 'floor-vs-node-tls', 'node+tickets': 'floor+tickets-vs-node-tls' };

const FLOOR_VS_NODE_NOTE =
  "floor ÷ Node tls: Node's tls time over the crypto floor's, per round: the most ÷ Node tls could be if our protocol code took no time at all.";

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
        const vsNode = v(`${impl}-vs-node-tls/${kind}`);
        const protocol = v(`protocol/${impl}/${kind}`);
        const ceilingRow = CEILING_ROW[impl];
        const ceiling = ceilingRow === undefined ? undefined : v(`${ceilingRow}/${kind}`);
        out.push([
          `${impl} / ${kind}`,
          f(v(`handshake/${impl}/${kind}`)),
          f(v(`floor/${impl}/${kind}`)),
          ratio === undefined ? '-' : `${ratio.toFixed(2)}×`,
          vsNode === undefined ? '-' : `${vsNode.toFixed(2)}×`,
          ceiling === undefined ? '-' : `${ceiling.toFixed(2)}×`,
          f(protocol, 1),
        ]);
      }
    }
    return `${table(['implementation / certificate', 'handshakes/s', 'crypto floor/s', 'time ÷ floor', '÷ Node tls', 'floor ÷ Node tls', 'protocol-only µs'], out)}\n\n${FLOOR_VS_NODE_NOTE}\n\n${RATIO_NOTE}`;
  },
};
