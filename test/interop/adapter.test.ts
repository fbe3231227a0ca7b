/**
 * The TCP adapter itself (packages/sim/src/net): backpressure, timeouts, and the trace of
 * a real connection rendered as keylog + pcap that tshark decrypts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleProvider, providerByName, systemRandom } from '@tls13sim/handshake';
import { Deframer } from '@tls13sim/record';
import { TlsServer, attachKeylog, renderConnectionKeylog, renderConnectionPcap, type TlsConnection } from '../../packages/sim/src/net/index.js';
import { HOST, clientConfig, makePki, ourClient, type Pki } from './helpers.js';

let pki: Pki;

beforeAll(() => {
  pki = makePki(['p256']);
});

async function ourServer(
  onConnection: (c: TlsConnection) => Promise<void>,
  opts: { idleTimeoutMs?: number; crypto?: 'noble' | 'node'; trace?: 'full' | 'handshake' | 'none' } = {},
): Promise<{ port: number; close: () => Promise<void> }> {
  const crypto = opts.crypto === 'node' ? providerByName('node') : nobleProvider;
  const server = new TlsServer({
    config: () => ({ crypto, random: systemRandom, certificate: pki.server.p256.certified }),
    onConnection,
    ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
  });
  const addr = await server.listen(0, HOST);
  return { port: addr.port, close: () => server.close() };
}

describe.concurrent('the TCP adapter', () => {
  it('respects backpressure: a large write reports a full socket, resumes on drain, and arrives intact', async () => {
    // More than loopback's socket buffers hold (several MiB), so the socket must back up.
    const size = 32 << 20;
    const payload = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    let sawFull = false;
    const srv = await ourServer(
      async (conn) => {
        await conn.handshake();
        sawFull = !conn.write(payload);
        await conn.close();
      },
      { crypto: 'node', trace: 'handshake' },
    );
    // Node reads slowly: pause after the first chunk for a while.
    const got = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = tls.connect({ host: HOST, port: srv.port, servername: 'localhost', ca: readFileSync(pki.caPath), minVersion: 'TLSv1.3' });
      s.once('data', () => {
        s.pause();
        setTimeout(() => s.resume(), 300);
      });
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('end', () => resolve(Buffer.concat(chunks)));
      s.on('error', reject);
    });
    await srv.close();
    expect(sawFull, 'write() reports the full socket').toBe(true);
    expect(got.length).toBe(size);
    expect(Buffer.from(payload).equals(got)).toBe(true);
  });

  it('gives up a handshake the peer never answers: user_canceled and close_notify, then a handshake timeout', async () => {
    // The silent peer keeps what it receives: the alerts are checked on the wire too.
    const received: Buffer[] = [];
    let finReceived!: () => void;
    const fin = new Promise<void>((r) => (finReceived = r));
    const silent = createServer((socket) => {
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('end', () => finReceived());
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, HOST, r));
    const port = (silent.address() as AddressInfo).port;
    const conn = await (await import('../../packages/sim/src/net/index.js')).connectTls({
      host: HOST,
      port,
      config: clientConfig(pki),
      handshakeTimeoutMs: 300,
    });
    const t0 = Date.now();
    await expect(conn.handshake()).rejects.toThrow(/handshake timeout/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const alerts = conn.events.flatMap((e) => (e.type === 'alert_sent' ? [e.description] : []));
    expect(alerts).toEqual(['user_canceled', 'close_notify']);
    // No keys yet, so in plaintext (§5): the ClientHello, then user_canceled (warning, 90)
    // and close_notify (warning, 0), then the FIN.
    await fin;
    const deframer = new Deframer();
    deframer.push(Buffer.concat(received));
    const records: string[] = [];
    for (let r = deframer.next(); r !== null; r = deframer.next()) records.push(r.type === 21 ? `alert ${[...r.fragment].join(',')}` : `type ${r.type}`);
    expect(records).toEqual(['type 22', 'alert 1,90', 'alert 1,0']);
    expect(deframer.buffered).toBe(0);
    silent.close();
  });

  it('closes an idle connection with close_notify', async () => {
    let serverSide: TlsConnection | undefined;
    const srv = await ourServer(
      async (conn) => {
        serverSide = conn;
        await conn.handshake();
      },
      // Long enough that a handshake on a loaded 2-core CI machine never hits it.
      { idleTimeoutMs: 2000 },
    );
    const conn = await ourClient(srv.port, clientConfig(pki));
    await conn.handshake();
    expect(await conn.read()).toBeNull(); // the server's close_notify: a clean EOF
    await new Promise((r) => (serverSide!.closed ? r(null) : serverSide!.once('close', r)));
    expect(serverSide!.closed).toEqual({ kind: 'timeout', which: 'idle' });
    await srv.close();
  });

  it("with trace 'none' records and emits no trace events, and a keylog cannot be attached", async () => {
    let serverSide: TlsConnection | undefined;
    const kinds = new Set<string>();
    let traced = 0;
    const srv = await ourServer(
      async (conn) => {
        serverSide = conn;
        conn.on('event', () => traced++);
        conn.on('endpoint_event', (ev: { type: string }) => kinds.add(ev.type));
        await conn.handshake();
        const d = await conn.read();
        if (d) conn.write(d);
        await conn.close();
      },
      { trace: 'none' },
    );
    const conn = await ourClient(srv.port, clientConfig(pki));
    await conn.handshake();
    conn.write('echo');
    expect(new TextDecoder().decode((await conn.read())!)).toBe('echo');
    await conn.close();
    await srv.close();
    expect(serverSide!.traceMode).toBe('none');
    expect(serverSide!.events).toEqual([]);
    expect(traced).toBe(0);
    // The endpoint's own events still reach listeners (serve's description follows them).
    expect(kinds).toContain('handshake_complete');
    expect(kinds).toContain('application_data');
    expect(() => attachKeylog(serverSide!, () => {})).toThrow(/keeps no trace/);
    // The client kept its full trace.
    expect(conn.events.some((e) => e.type === 'keys_installed')).toBe(true);
  });

  it('records a real connection so that its pcap and keylog decrypt in tshark', async () => {
    const srv = await ourServer(async (conn) => {
      await conn.handshake();
      const d = await conn.read();
      if (d) conn.write(d);
      await conn.close();
    });
    const conn = await ourClient(srv.port, clientConfig(pki));
    await conn.handshake();
    conn.write('tshark can read this');
    await conn.read();
    await conn.close();
    await srv.close();
    const trace = conn.toTrace();
    const pcap = pki.path('conn.pcap');
    const keylog = pki.path('conn.keylog');
    writeFileSync(pcap, renderConnectionPcap(trace, conn.startedAt));
    writeFileSync(keylog, renderConnectionKeylog(trace));
    const r = spawnSync(
      'tshark',
      [
        '-r',
        pcap,
        '-o',
        `tls.keylog_file:${keylog}`,
        '-T',
        'fields',
        '-e',
        'tcp.srcport',
        '-e',
        'tls.handshake.type',
        '-e',
        'tls.alert_message.desc',
        '-e',
        'tls.app_data',
      ],
      { encoding: 'utf8' },
    );
    expect(r.error, 'tshark must be installed (.ci/run installs it)').toBeUndefined();
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const seen = rows
      .filter((x) => (x[1] ?? '') !== '' || (x[2] ?? '') !== '')
      .map(([port, hs, alert]) => `${port === '443' ? 'server' : 'client'}:${hs || `alert ${alert}`}`);
    // Decrypted: the encrypted handshake messages and both close_notify alerts are readable.
    expect(seen).toEqual(['client:1', 'server:2,8,11,15,20', 'client:20', 'server:alert 0', 'client:alert 0']);
  });
});
