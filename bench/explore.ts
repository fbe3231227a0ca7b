/**
 * Explorer throughput: complete delivery schedules of one deterministic handshake per
 * second. Each schedule is a fresh `Simulation` (packages/sim) of the same seeded client
 * and server (noble provider, Ed25519 certificate, x25519) run to quiescence under a
 * seeded random delivery policy (random unit: flight / record / split at any byte /
 * everything; random interleaving), the schedule seed changing every time. Both endpoints
 * must end CONNECTED.
 *
 * - explore/plain: every schedule computes its cryptography;
 * - explore/memo: one `memoizeProvider(nobleProvider)` shared by all schedules, as the
 *   explorer uses it: the handshake's crypto calls repeat with the same inputs whatever
 *   the schedule, so after the first schedule they are cache hits.
 */
import { createEndpoint, memoizeProvider, nobleProvider, seededRandom, type CryptoProvider } from '@tls13sim/handshake';
import { Simulation, type DeliveryPolicy } from '@tls13sim/sim';
import { interleavedOpsPerSecond, sampling, sig3, table, type Bench, type BenchRow } from './harness.js';
import { benchCert, SERVER_NAME, VALIDATION_TIME } from './fixtures.js';

const POLICY: DeliveryPolicy = { unit: { kind: 'random' }, interleave: 'random' };

function schedule(crypto: CryptoProvider, seed: number): void {
  const cert = benchCert('ed25519');
  const client = createEndpoint({
    role: 'client',
    crypto,
    random: seededRandom('explore-client'),
    serverName: SERVER_NAME,
    trustAnchors: [cert.der],
    validationTime: VALIDATION_TIME,
    groups: ['x25519'],
  });
  const server = createEndpoint({
    role: 'server',
    crypto,
    random: seededRandom('explore-server'),
    certificate: cert.certified,
    validationTime: VALIDATION_TIME,
    groups: ['x25519'],
  });
  const sim = new Simulation({ client, server, seed, policy: POLICY, scenario: 'bench-explore' });
  sim.run(10_000);
  if (client.state !== 'CONNECTED' || server.state !== 'CONNECTED') {
    throw new Error(`explore: schedule ${seed} ended ${client.state}/${server.state}`);
  }
}

export const exploreBench: Bench = {
  id: 'explore',
  title: 'Explorer: random delivery schedules of one seeded handshake per second (packages/sim Simulation), without and with crypto memoisation',
  run(opts) {
    const s = sampling(opts);
    let seed = 1;
    const memo = memoizeProvider(nobleProvider);
    const [plain, memoRate] = interleavedOpsPerSecond([() => schedule(nobleProvider, seed++), () => schedule(memo, seed++)], s) as [number, number];
    const rows: BenchRow[] = [
      { name: 'explore/plain', value: sig3(plain), unit: '1/s' },
      { name: 'explore/memo', value: sig3(memoRate), unit: '1/s' },
      { name: 'explore/memo-hit-rate', value: sig3(memo.stats.hits / Math.max(1, memo.stats.hits + memo.stats.misses)), unit: 'fraction' },
    ];
    return rows;
  },
  format(rows) {
    const v = (n: string) => rows.find((r) => r.name === n)?.value ?? NaN;
    return table(
      ['explorer', 'schedules/s'],
      [
        ['plain (noble)', v('explore/plain').toFixed(1)],
        ['memoised (noble)', v('explore/memo').toFixed(1)],
        ['memo ÷ plain', `${(v('explore/memo') / v('explore/plain')).toFixed(1)}×`],
        ['cache hit rate', `${(v('explore/memo-hit-rate') * 100).toFixed(1)}%`],
      ],
    );
  },
};
