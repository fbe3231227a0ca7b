/**
 * `tls13sim serve` under a one-connection flood (issue 16 item 6), and its memory per idle
 * connected connection.
 *
 * serve runs in a child process (serve-child.ts: startServe, as the CLI starts it, with
 * `--echo` and a fixed P-256 certificate), so its RSS is serve's alone. For each kind of
 * record a fresh child is started, one warm-up handshake is made and closed, and its RSS
 * after that is the idle RSS. Then one client connection at a time floods it for a fixed
 * time (10 s; 1 s with --quick), over 127.0.0.1, as fast as TCP lets it; when serve cuts
 * the connection the flooder opens the next one. The child's RSS is sampled every 25 ms
 * from outside (/proc), and the row is the peak ÷ the idle RSS. Goal: under 2.
 *
 * Kinds: `alerts` (plaintext warning user_canceled alerts from the first byte, before any
 * ClientHello), `ccs` (a real ClientHello, then change_cipher_spec records), `empty`
 * (after a full handshake: zero-length application-data records, §5.1), `app-1byte`
 * (after a full handshake: one-byte application-data records, each sent once serve's echo
 * of the one before has arrived, so that each is one read and one write of serve's) and
 * `app-1byte-bulk` (the same records 64 KiB at a time, as fast as TCP takes them). The
 * flooder discards what serve sends without decrypting it.
 *
 * Rows: flood/serve/idle-rss (bytes); flood/serve/<kind>/rss-ratio (x: peak RSS ÷ idle
 * RSS); flood/serve/<kind>/heap-held-ratio and heap-after-ratio (x: V8 heap + external
 * after forced GCs ÷ the same before the flood, at its end with its last connection still
 * open, and once that is closed: what serve holds, as opposed to memory the allocator has
 * not given back); flood/serve/<kind>/records (records the flooder handed to
 * TCP per second: when serve cuts a connection, what was already in the socket buffers is
 * counted too) and flood/serve/<kind>/connections (how many connections the flood took);
 * memory/serve-idle-connection (bytes: heap + external per idle connected connection after
 * forced GCs, N connections in one child, N = 100, 30 with --quick).
 *
 * RSS is read from /proc/PID/status: Linux only, as are this project's machines.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificateToPem, createEndpoint, createNodeProvider, privateKeyToPem, systemRandom, type Endpoint } from '@tls13sim/handshake';
import { benchCert, SERVER_NAME, VALIDATION_TIME } from './fixtures.js';
import { sig3, table, type Bench, type BenchOptions, type BenchRow } from './harness.js';
import type { ServeChildMemory } from './serve-child.js';

export const FLOOD_KINDS = ['alerts', 'ccs', 'empty', 'app-1byte', 'app-1byte-bulk', 'key-update'] as const;
export type FloodKind = (typeof FLOOD_KINDS)[number];

const HOST = '127.0.0.1';
/** Bytes of records per socket write. */
const BATCH_BYTES = 64 * 1024;
const SAMPLE_MS = 25;

// ── the serve child ─────────────────────────────────────────────────────────────────────

/**
 * A server in a child process that answers `mem`/`exit` as serve-child.ts does. Default:
 * `serve --echo` (serve-child.ts); `script` and `args` start another (load.ts: `serve
 * --crypto node`, and Node's `tls` in node-tls-serve-child.ts).
 */
export class ServeChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(certFile: string, keyFile: string, opts: { script?: string; args?: readonly string[] } = {}): Promise<ServeChild> {
    const script = opts.script ?? './serve-child.ts';
    const path = fileURLToPath(new URL(script, import.meta.url));
    const child = fork(path, ['--port', '0', '--host', HOST, ...(opts.args ?? ['--echo']), '--cert', certFile, '--key', keyFile], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bench: ${script} exited (${code}) before listening`)));
    });
    return new ServeChild(child, port);
  }

  /** RSS in bytes, read from outside (the child may be too busy to answer). */
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (m === null) throw new Error('bench flood: no VmRSS in /proc/PID/status');
    return Number(m[1]) * 1024;
  }

  /** CPU time (user + system) the child has used, in ms, from /proc/PID/stat (USER_HZ = 100 on Linux). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  }

  mem(gc: boolean): Promise<ServeChildMemory> {
    return new Promise((resolve) => {
      this.child.once('message', (m: ServeChildMemory) => resolve(m));
      this.child.send({ type: 'mem', gc });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' });
    await exited;
  }
}

// ── a flooding client ───────────────────────────────────────────────────────────────────

const clientCrypto = createNodeProvider();

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: HOST, port });
    s.once('connect', () => {
      s.removeListener('error', reject);
      s.on('error', () => {}); // serve cutting a flood resets it: expected
      // Read (and drop) what serve sends, so its FIN is seen: a flood stops when serve cuts it.
      s.on('data', () => {});
      resolve(s);
    });
    s.once('error', reject);
  });
}

function clientEndpoint(): Endpoint {
  return createEndpoint({
    role: 'client',
    crypto: clientCrypto,
    random: systemRandom,
    serverName: SERVER_NAME,
    trustAnchors: [benchCert('ecdsa-p256').der],
    validationTime: VALIDATION_TIME,
  });
}

function drainEvents(ep: Endpoint): void {
  while (ep.pollEvent() !== null);
}

function transmitAll(ep: Endpoint): Buffer {
  const parts: Uint8Array[] = [];
  for (let r = ep.pollTransmit(); r !== null; r = ep.pollTransmit()) parts.push(r);
  drainEvents(ep);
  return Buffer.concat(parts);
}

/**
 * Runs our client endpoint's handshake over `socket`; resolves with it once it is CONNECTED
 * (what comes in after that is discarded), or with what went wrong.
 */
function clientHandshake(socket: Socket): Promise<Endpoint | string> {
  const ep = clientEndpoint();
  ep.start();
  return new Promise((resolve) => {
    const done = (r: Endpoint | string): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      ep.handleBytes(new Uint8Array(chunk));
      const out = transmitAll(ep);
      if (out.length > 0) socket.write(out);
      if (ep.error !== undefined) done(ep.error.message);
      else if (ep.state === 'CONNECTED') done(ep);
    };
    const onClose = (): void => done('serve closed the connection');
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(transmitAll(ep));
  });
}

function repeated(record: readonly number[]): { batch: Buffer; count: number } {
  const count = Math.floor(BATCH_BYTES / record.length);
  const batch = Buffer.alloc(count * record.length);
  for (let i = 0; i < count; i++) batch.set(record, i * record.length);
  return { batch, count };
}

/** RFC 8446 §5.1/§6: a TLSPlaintext alert record, warning (1) user_canceled (90). */
const USER_CANCELED = repeated([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 90]);
/** §5: change_cipher_spec, the single byte 0x01. */
const CCS = repeated([0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);

interface Batch {
  readonly batch: Buffer;
  readonly count: number;
}

/** How a connection floods: the next batch, and whether to wait for serve's answer to each (ping-pong). */
interface Pour {
  readonly next: () => Batch;
  readonly pingPong: boolean;
}

function sealedBatches(ep: Endpoint, data: Uint8Array, count = Math.floor(BATCH_BYTES / (5 + data.length + 1 + 16))): () => Batch {
  return () => {
    for (let i = 0; i < count; i++) ep.write(data);
    return { batch: transmitAll(ep), count };
  };
}

/** How a connection floods, or null when it could not be set up. */
async function prepare(kind: FloodKind, socket: Socket): Promise<Pour | null> {
  switch (kind) {
    case 'alerts':
      return { next: () => USER_CANCELED, pingPong: false };
    case 'ccs': {
      const ep = clientEndpoint();
      ep.start();
      socket.write(transmitAll(ep));
      return { next: () => CCS, pingPong: false };
    }
    case 'key-update': {
      // Post-handshake handshake records: KeyUpdate(update_not_requested), each one new
      // traffic keys for serve to derive and install (§4.6.3).
      const ep = await clientHandshake(socket);
      if (typeof ep === 'string') return null;
      const count = Math.floor(BATCH_BYTES / (5 + 5 + 1 + 16));
      return {
        next: () => {
          for (let i = 0; i < count; i++) ep.keyUpdate(false);
          return { batch: transmitAll(ep), count };
        },
        pingPong: false,
      };
    }
    case 'empty':
    case 'app-1byte':
    case 'app-1byte-bulk': {
      const ep = await clientHandshake(socket);
      if (typeof ep === 'string') return null;
      const data = new Uint8Array(kind === 'empty' ? 0 : 1).fill(0x61);
      // app-1byte: one record, then wait for its echo, so that every record is one read
      // (and one write) of serve's: what a chatty client costs it per read.
      return kind === 'app-1byte' ? { next: sealedBatches(ep, data, 1), pingPong: true } : { next: sealedBatches(ep, data), pingPong: false };
    }
  }
}

/** Resolves when `socket` emits `event` or closes, or at the deadline. */
function waitFor(socket: Socket, event: 'drain' | 'data', deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off(event, done);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, deadline - performance.now()));
    socket.on(event, done);
    socket.on('close', done);
  });
}

interface FloodResult {
  readonly records: number;
  readonly connections: number;
  readonly ms: number;
  /** The flood's last connection, left open (serve may have cut it). */
  readonly last: Socket;
}

async function flood(kind: FloodKind, port: number, ms: number): Promise<FloodResult> {
  const start = performance.now();
  const deadline = start + ms;
  let records = 0;
  let connections = 0;
  let last: Socket | undefined;
  while (performance.now() < deadline) {
    last?.destroy();
    const socket = (last = await openSocket(port));
    connections++;
    const pour = await prepare(kind, socket);
    while (pour !== null && performance.now() < deadline && !socket.destroyed && socket.writable) {
      const { batch, count } = pour.next();
      records += count;
      const written = socket.write(batch);
      // Wait for the echo, or for the socket to drain; when it took everything at once,
      // still let serve's answer (its alert, its FIN) in before the next batch.
      if (pour.pingPong) await waitFor(socket, 'data', deadline);
      else if (!written) await waitFor(socket, 'drain', deadline);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { records, connections, ms: performance.now() - start, last: last! };
}

// ── measurements ────────────────────────────────────────────────────────────────────────

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One full handshake and close, so that what the first connection loads is in the idle RSS. */
async function warmUp(port: number): Promise<void> {
  const socket = await openSocket(port);
  const ep = await clientHandshake(socket);
  if (typeof ep === 'string') throw new Error(`bench flood: the warm-up handshake with serve failed: ${ep}`);
  socket.destroy();
  await pause(100);
}

interface KindResult extends FloodResult {
  readonly idle: number;
  readonly peak: number;
  /** Heap + external after forced GCs: before the flood, at its end (the last connection still open), and once it is closed. */
  readonly heapIdle: number;
  readonly heapHeld: number;
  readonly heapAfter: number;
}

async function measureFlood(kind: FloodKind, files: CertFiles, ms: number): Promise<KindResult> {
  const serve = await ServeChild.start(files.cert, files.key);
  try {
    await warmUp(serve.port);
    const heapIdle = (await serve.mem(true)).heap;
    const idle = serve.rss();
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, serve.rss())), SAMPLE_MS);
    let r: FloodResult;
    try {
      r = await flood(kind, serve.port, ms);
      await pause(SAMPLE_MS * 2);
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, serve.rss());
    const heapHeld = (await serve.mem(true)).heap;
    r.last.destroy();
    // The flood's last connection may still be closing (serve's grace period after its FIN).
    for (let i = 0; i < 300 && (await serve.mem(false)).open > 0; i++) await pause(10);
    const heapAfter = (await serve.mem(true)).heap;
    return { ...r, idle, peak, heapIdle, heapHeld, heapAfter };
  } finally {
    await serve.stop();
  }
}

/** Heap + external per idle connected connection in serve, after forced GCs. */
async function idleConnectionBytes(files: CertFiles, n: number): Promise<number> {
  const serve = await ServeChild.start(files.cert, files.key);
  const sockets: Socket[] = [];
  try {
    await warmUp(serve.port);
    const before = await serve.mem(true);
    for (let i = 0; i < n; i++) {
      const s = await openSocket(serve.port);
      sockets.push(s);
      const ep = await clientHandshake(s);
      if (typeof ep === 'string') throw new Error(`bench flood: a handshake with serve failed: ${ep}`);
    }
    // serve is CONNECTED once it has read the client's Finished, a moment after the client.
    for (let i = 0; i < 200 && (await serve.mem(false)).connected < n; i++) await pause(10);
    const after = await serve.mem(true);
    if (after.connected < n) throw new Error(`bench flood: ${after.connected} of ${n} connections connected`);
    return Math.round((after.heap - before.heap) / n);
  } finally {
    for (const s of sockets) s.destroy();
    await serve.stop();
  }
}

interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-flood-'));
  try {
    const c = benchCert('ecdsa-p256');
    const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    writeFileSync(files.cert, certificateToPem(c.der));
    writeFileSync(files.key, privateKeyToPem(c.certified.privateKey));
    const ms = opts.quick ? 1000 : 10_000;
    const rows: BenchRow[] = [];
    const idles: number[] = [];
    for (const kind of FLOOD_KINDS) {
      const r = await measureFlood(kind, files, ms);
      idles.push(r.idle);
      rows.push({ name: `flood/serve/${kind}/rss-ratio`, value: sig3(r.peak / r.idle), unit: 'x' });
      rows.push({ name: `flood/serve/${kind}/heap-held-ratio`, value: sig3(r.heapHeld / r.heapIdle), unit: 'x' });
      rows.push({ name: `flood/serve/${kind}/heap-after-ratio`, value: sig3(r.heapAfter / r.heapIdle), unit: 'x' });
      rows.push({ name: `flood/serve/${kind}/records`, value: Math.round(sig3((r.records * 1000) / r.ms)), unit: '1/s' });
      rows.push({ name: `flood/serve/${kind}/connections`, value: r.connections, unit: 'connections' });
    }
    rows.unshift({ name: 'flood/serve/idle-rss', value: Math.round(idles.reduce((a, b) => a + b, 0) / idles.length), unit: 'bytes' });
    rows.push({ name: 'memory/serve-idle-connection', value: await idleConnectionBytes(files, opts.quick ? 30 : 100), unit: 'bytes' });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const floodBench: Bench = {
  id: 'flood',
  title: 'tls13sim serve under a one-connection flood: peak RSS ÷ idle RSS (goal < 2), and memory per idle connection',
  run,
  format(rows) {
    const get = (name: string) => rows.find((r) => r.name === name)?.value ?? NaN;
    const idle = get('flood/serve/idle-rss');
    const body = FLOOD_KINDS.map((k) => [
      k,
      String(get(`flood/serve/${k}/records`)),
      String(get(`flood/serve/${k}/connections`)),
      ((get(`flood/serve/${k}/rss-ratio`) * idle) / 2 ** 20).toFixed(0),
      `${get(`flood/serve/${k}/rss-ratio`)}x`,
      `${get(`flood/serve/${k}/heap-held-ratio`)}x`,
      `${get(`flood/serve/${k}/heap-after-ratio`)}x`,
    ]);
    const perConn = get('memory/serve-idle-connection');
    return [
      table(['flood', 'records/s written', 'connections', 'peak RSS MiB', 'peak ÷ idle', 'heap held ÷ idle', 'heap after ÷ idle'], body),
      '',
      'heap: V8 heap + external after forced GCs ÷ the same before the flood; held: at its end, its last connection still open; after: once that is closed.',
      `idle RSS: ${(idle / 2 ** 20).toFixed(0)} MiB (mean over the children)`,
      `memory/serve-idle-connection  ${perConn} bytes (${(perConn / 1024).toFixed(1)} KiB heap + external per idle connected connection)`,
    ].join('\n');
  },
};
