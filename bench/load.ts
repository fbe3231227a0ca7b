/**
 * `tls13sim serve --crypto node` under load (issue 20 item 4), next to Node's own `tls`
 * server in the same harness.
 *
 * Each server runs in a child process with the same P-256 certificate on 127.0.0.1:
 * `serve` as the CLI starts it (serve-child.ts, `--crypto node`, its default two
 * NewSessionTickets) and `tls.createServer` (node-tls-serve-child.ts, TLS 1.3 only; OpenSSL
 * also sends two tickets by default). Both agree on x25519 and TLS_AES_128_GCM_SHA256 with
 * our client (Node's server is told the suite: OpenSSL would pick TLS_AES_256_GCM_SHA384).
 * The clients are ours, in this process: `connectTls`
 * (packages/sim/src/net) with the node:crypto provider, `trace: 'handshake'`.
 *
 * For each server: a child is started and warmed up (WARMUP sequential handshakes, closed),
 * then, after forced GCs in the child, its RSS is the idle RSS. CLIENTS connections are
 * opened (BATCH at a time) and left idle, connected on both sides; after forced GCs its RSS
 * again, and (that − idle) ÷ CLIENTS is the RSS per connection. They are closed, and the
 * load runs: CLIENTS concurrent clients each handshake, destroy the connection and start the
 * next, for a fixed time. A handshake's latency is from the TCP connect until our client is
 * CONNECTED (it has the server's Finished and sent its own). The rounds alternate the two
 * servers (serve first in even rounds) so that a change in this shared machine's speed does
 * not land on one side; rates and percentiles are medians over rounds, and the ratio is the
 * median of the per-round ratios.
 *
 * Client and servers share this 2-core machine: the client's half of each handshake (its
 * key share, the server's CertificateVerify, the certificate path) costs about as much as
 * the server's, so the rates are those of the pair and the comparison is what matters.
 *
 * The server child's CPU time (user + system, /proc/PID/stat, 10 ms resolution) over the load
 * ÷ the handshakes made is its cost per handshake, whatever the client's share of the machine.
 *
 * Rows: load/<server>/handshakes (1/s), load/<server>/p50 and p99 (ms),
 * load/<server>/cpu-per-handshake (ms: the server's CPU time per handshake, including its
 * share of accepting and closing TCP connections),
 * load/<server>/rss-per-connection (bytes), for <server> = serve-node and node-tls, and
 * load/serve-node-vs-node-tls (x: handshakes/s ÷ Node's).
 *
 * RSS is read from /proc/PID/status (Linux only, as are this project's machines).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateToPem, createNodeProvider, privateKeyToPem, systemRandom } from '@tls13sim/handshake';
import { connectTls, type TlsConnection } from '../packages/sim/src/net/index.js';
import { BENCH_SUITE, benchCert, SERVER_NAME, VALIDATION_TIME } from './fixtures.js';
import { ServeChild } from './flood.js';
import { median, sig3, table, type Bench, type BenchOptions, type BenchRow } from './harness.js';

const HOST = '127.0.0.1';
/** Concurrent clients, and idle connections held for the RSS measurement. */
const CLIENTS = 200;
/** Idle connections opened at a time. */
const BATCH = 20;
const WARMUP = 20;

export const LOAD_SERVERS = ['serve-node', 'node-tls'] as const;
export type LoadServer = (typeof LOAD_SERVERS)[number];

const clientConfig = {
  crypto: createNodeProvider(),
  random: systemRandom,
  serverName: SERVER_NAME,
  trustAnchors: [benchCert('ecdsa-p256').der],
  validationTime: VALIDATION_TIME,
};

/** A connected client, and how long it took from the TCP connect (ms). */
async function connect(port: number): Promise<{ conn: TlsConnection; ms: number }> {
  const t0 = performance.now();
  const conn = await connectTls({ host: HOST, port, config: clientConfig, trace: 'handshake' });
  try {
    await conn.handshake();
  } catch (e) {
    conn.destroy();
    throw e;
  }
  // Both servers must do the same work: a different suite would not compare like with like.
  const suite = conn.negotiated?.suite.name;
  if (suite !== BENCH_SUITE) {
    conn.destroy();
    throw new Error(`bench load: negotiated ${String(suite)}, not ${BENCH_SUITE}`);
  }
  return { conn, ms: performance.now() - t0 };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function startServer(which: LoadServer, files: CertFiles): Promise<ServeChild> {
  return which === 'serve-node'
    ? ServeChild.start(files.cert, files.key, { args: ['--crypto', 'node'] })
    : ServeChild.start(files.cert, files.key, { script: './node-tls-serve-child.ts', args: [] });
}

/** Waits until the child has `n` connections connected (or open, when `n` is 0). */
async function settle(server: ServeChild, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const m = await server.mem(false);
    if (n > 0 ? m.connected >= n : m.open === 0) return;
    await pause(10);
  }
  const m = await server.mem(false);
  throw new Error(`bench load: the server has ${m.connected} connected and ${m.open} open connections, expected ${n > 0 ? `${n} connected` : 'none open'}`);
}

/** The child's RSS after forced GCs. */
async function rssAfterGc(server: ServeChild): Promise<number> {
  await server.mem(true);
  await pause(50);
  return server.rss();
}

/** RSS per idle connected connection: warm-up, idle RSS, CLIENTS connections held. */
async function rssPerConnection(server: ServeChild): Promise<number> {
  for (let i = 0; i < WARMUP; i++) (await connect(server.port)).conn.destroy();
  await settle(server, 0);
  const idle = await rssAfterGc(server);
  const held: TlsConnection[] = [];
  try {
    while (held.length < CLIENTS) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, CLIENTS - held.length) }, () => connect(server.port)));
      held.push(...batch.map((b) => b.conn));
    }
    await settle(server, CLIENTS);
    const loaded = await rssAfterGc(server);
    return Math.round((loaded - idle) / CLIENTS);
  } finally {
    for (const c of held) c.destroy();
    await settle(server, 0);
  }
}

interface LoadResult {
  readonly rate: number;
  /** The server child's CPU time per handshake (ms). */
  readonly cpu: number;
  readonly p50: number;
  readonly p99: number;
}

/** CLIENTS clients handshaking back to back for `ms`; every handshake must succeed. */
async function load(server: ServeChild, ms: number): Promise<LoadResult> {
  const port = server.port;
  const latencies: number[] = [];
  const cpu0 = server.cpuMs();
  const start = performance.now();
  const deadline = start + ms;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const { conn, ms: took } = await connect(port);
      latencies.push(took);
      conn.destroy();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = performance.now() - start;
  const cpu = (server.cpuMs() - cpu0) / latencies.length;
  const sorted = latencies.sort((a, b) => a - b);
  return { rate: (sorted.length * 1000) / elapsed, cpu, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-load-'));
  const servers = new Map<LoadServer, ServeChild>();
  try {
    const c = benchCert('ecdsa-p256');
    const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    writeFileSync(files.cert, certificateToPem(c.der));
    writeFileSync(files.key, privateKeyToPem(c.certified.privateKey));
    const rounds = opts.quick ? 1 : 3;
    const ms = opts.quick ? 2000 : 4000;
    const rss = new Map<LoadServer, number>();
    for (const which of LOAD_SERVERS) {
      const server = await startServer(which, files);
      servers.set(which, server);
      rss.set(which, await rssPerConnection(server));
    }
    const results = new Map<LoadServer, LoadResult[]>(LOAD_SERVERS.map((s) => [s, []]));
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? LOAD_SERVERS : [...LOAD_SERVERS].reverse();
      const r = new Map<LoadServer, LoadResult>();
      for (const which of order) {
        const server = servers.get(which)!;
        r.set(which, await load(server, ms));
        await settle(server, 0);
      }
      for (const [which, res] of r) results.get(which)!.push(res);
      ratios.push(r.get('serve-node')!.rate / r.get('node-tls')!.rate);
    }
    const rows: BenchRow[] = [];
    for (const which of LOAD_SERVERS) {
      const rs = results.get(which)!;
      rows.push({ name: `load/${which}/handshakes`, value: Math.round(sig3(median(rs.map((x) => x.rate)))), unit: '1/s' });
      rows.push({ name: `load/${which}/p50`, value: sig3(median(rs.map((x) => x.p50))), unit: 'ms' });
      rows.push({ name: `load/${which}/p99`, value: sig3(median(rs.map((x) => x.p99))), unit: 'ms' });
      rows.push({ name: `load/${which}/cpu-per-handshake`, value: sig3(median(rs.map((x) => x.cpu))), unit: 'ms' });
      rows.push({ name: `load/${which}/rss-per-connection`, value: rss.get(which)!, unit: 'bytes' });
    }
    rows.push({ name: 'load/serve-node-vs-node-tls', value: sig3(median(ratios)), unit: 'x' });
    return rows;
  } finally {
    for (const s of servers.values()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const loadBench: Bench = {
  id: 'load',
  title: `tls13sim serve --crypto node under ${CLIENTS} concurrent clients (ours, node:crypto) over 127.0.0.1, next to Node's tls server`,
  run,
  format(rows) {
    const get = (name: string) => rows.find((r) => r.name === name)?.value ?? NaN;
    const label: Record<LoadServer, string> = { 'serve-node': 'tls13sim serve --crypto node', 'node-tls': "Node's tls.createServer" };
    const body = LOAD_SERVERS.map((s) => [
      label[s],
      String(get(`load/${s}/handshakes`)),
      String(get(`load/${s}/p50`)),
      String(get(`load/${s}/p99`)),
      String(get(`load/${s}/cpu-per-handshake`)),
      (get(`load/${s}/rss-per-connection`) / 1024).toFixed(1),
    ]);
    return [
      table(['server', 'handshakes/s', 'p50 ms', 'p99 ms', 'server CPU ms/handshake', 'RSS KiB / idle connection'], body),
      '',
      `load/serve-node-vs-node-tls  ${get('load/serve-node-vs-node-tls')}x (handshakes/s, median of the per-round ratios)`,
      `Latency: TCP connect until our client is CONNECTED. RSS per connection: the server child's RSS with ${CLIENTS} idle connected connections, minus its idle RSS (both after forced GCs), ÷ ${CLIENTS}.`,
      "The clients share the machine with the server: rates are those of the pair; server CPU per handshake is the server's own cost.",
    ].join('\n');
  },
};
