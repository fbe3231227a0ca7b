/**
 * RFC 8446 §6.1 half-close over real TCP: "Each party MUST send a "close_notify" alert before
 * closing its write side" — a close_notify closes only its sender's direction. A client that
 * writes everything and then closes its side (close_notify, then FIN) must still receive
 * everything `tls13sim serve` writes back, and then `serve`'s own close_notify.
 *
 * The peers are Node's `tls` (allowHalfOpen: true, `end()`) and, when they are on the
 * machine, Go's crypto/tls (`CloseWrite()`) and gnutls-cli (its stdin's EOF).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../../packages/sim/src/cli/serve.js';
import { createServer, connect as netConnect, type AddressInfo } from 'node:net';
import { nobleProvider, systemRandom } from '@tls13sim/handshake';
import { TlsServer, renderConnectionKeylog, type TlsConnection } from '../../packages/sim/src/net/index.js';
import { ContentType } from '@tls13sim/record';
import type { CipherSuiteName } from '@tls13sim/handshake';
import {
  HOST,
  buildGoProgram,
  describeOpened,
  keylogSecret,
  clientConfig,
  makePki,
  openApplicationRecords,
  ourClient,
  openTapped,
  wireTap,
  type OpenedRecord,
  type Pki,
} from './helpers.js';

let pki: Pki;
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  pki = makePki(['p256']);
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function serve(args: readonly string[]): Promise<{ port: number; conns: TlsConnection[]; log: () => string }> {
  let log = '';
  const io = {
    stdout: (t: string) => void (log += t),
    stderr: (t: string) => void (log += t),
    writeFile: (p: string, d: string | Uint8Array) => writeFileSync(p, d),
  };
  const h: ServeHandle = await startServe(['--port', '0', '--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath, ...args], io, {
    trace: 'handshake',
  });
  closers.push(() => h.close());
  const conns: TlsConnection[] = [];
  h.server.on('connection', (c: TlsConnection) => conns.push(c));
  return { port: h.port, conns, log: () => log };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface HalfCloseResult {
  readonly received: Buffer;
  /** Node's 'end': the server's close_notify (and FIN) arrived. */
  readonly ended: boolean;
  readonly error?: Error;
}

/** A Node TLS 1.3 client with allowHalfOpen: writes `payload`, calls end() at once, reads until 'close'. */
function nodeHalfClose(port: number, payload: Uint8Array, onKeylog?: (line: string) => void): Promise<HalfCloseResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ended = false;
    let error: Error | undefined;
    // tls.connect passes allowHalfOpen on to its TLSSocket (@types/node does not list it).
    const options = {
      host: HOST,
      port,
      servername: 'localhost',
      ca: readFileSync(pki.caPath),
      minVersion: 'TLSv1.3',
      allowHalfOpen: true,
    } as tls.ConnectionOptions;
    const socket = tls.connect(options, () => {
      socket.write(payload);
      socket.end();
    });
    if (onKeylog) socket.on('keylog', (line: Buffer) => onKeylog(line.toString('latin1')));
    socket.setTimeout(20_000, () => socket.destroy(new Error('client timed out')));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => (ended = true));
    socket.on('error', (e) => (error = e));
    socket.on('close', () => resolve({ received: Buffer.concat(chunks), ended, ...(error !== undefined ? { error } : {}) }));
  });
}

/** Resolves once the connection's trace has the peer's FIN. */
function tcpFin(conn: TlsConnection): Promise<void> {
  const seen = (e: { type: string; fact?: string }): boolean => e.type === 'note' && e.fact === 'tcp_fin';
  if (conn.events.some(seen)) return Promise.resolve();
  return new Promise((resolve) => {
    const onEvent = (e: { type: string; fact?: string }): void => {
      if (!seen(e)) return;
      conn.off('event', onEvent);
      resolve();
    };
    conn.on('event', onEvent);
  });
}

/** A real ClientHello record (Node's), captured by a plain TCP server. */
function nodeClientHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.once('data', (d: Buffer) => {
        resolve(d);
        s.destroy();
        server.close();
      });
    }).listen(0, HOST, () => {
      const port = (server.address() as AddressInfo).port;
      const c = tls.connect({ host: HOST, port, servername: 'localhost', rejectUnauthorized: false, minVersion: 'TLSv1.3' });
      c.on('error', () => {});
    });
  });
}

function alertsOf(conn: TlsConnection): string[] {
  return conn.events.flatMap((e) => (e.type === 'alert_received' || e.type === 'alert_sent' ? [`${e.type}:${e.description}`] : []));
}

describe.concurrent('close_notify half-close against tls13sim serve (RFC 8446 §6.1)', () => {
  it('serve --echo: a Node client (allowHalfOpen) writes 256 KiB and calls end(); it gets all 262,144 bytes back, then the end', async () => {
    const s = await serve(['--echo']);
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const payload = randomBytes(256 * 1024);
    const keylog: string[] = [];
    const r = await nodeHalfClose(tap.port, payload, (line) => keylog.push(line));
    expect(r.error).toBeUndefined();
    expect(r.received.length).toBe(262_144);
    expect(r.received.equals(payload)).toBe(true);
    expect(r.ended).toBe(true);
    await waitFor(() => /closed: clean close/.test(s.log()));
    expect(s.log()).not.toMatch(/close_notify was already sent/);
    // The client's close_notify first; ours only after the echo, when serve closes its side.
    const conn = s.conns[0]!;
    expect(alertsOf(conn)).toEqual(['alert_received:close_notify', 'alert_sent:close_notify']);
    // The trace says when each direction closed: the client's first (serve half-closed), then serve's.
    const closures = conn.events.flatMap((e) => (e.type === 'note' && (e.fact === 'read_closed' || e.fact === 'write_closed') ? [`${e.fact}: ${e.text}`] : []));
    expect(closures).toEqual([
      "read_closed: read side closed (the client's close_notify); can still write: half-closed (RFC 8446 §6.1)",
      'write_closed: write side closed (close_notify sent); both directions closed (RFC 8446 §6.1)',
    ]);
    // The wire, opened with the secrets Node's client logged: its 256 KiB then its
    // close_notify; from serve the echo, all of it, and only then serve's close_notify.
    await Promise.all([tap.ended.c2s, tap.ended.s2c]);
    const suite = conn.negotiated!.suite.name;
    const keylogText = keylog.join('');
    const summary = (records: OpenedRecord[]) => {
      const last = records.at(-1)!;
      const data = records.slice(0, -1).filter((r) => r.type === ContentType.application_data);
      return { dataBytes: data.reduce((n, r) => n + r.content.length, 0), last: describeOpened(last) };
    };
    expect(summary(openTapped(tap, 'c2s', suite, keylogText))).toEqual({ dataBytes: 262_144, last: 'alert close_notify' });
    expect(summary(openTapped(tap, 's2c', suite, keylogText))).toEqual({ dataBytes: 262_144, last: 'alert close_notify' });
  });

  it('serve (www): a request followed at once by the client closing its side is still answered', async () => {
    const s = await serve([]);
    const r = await nodeHalfClose(s.port, Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    expect(r.error).toBeUndefined();
    expect(r.received.toString()).toContain('HTTP/1.0 200 ok');
    expect(r.received.toString()).toContain('tls13sim serve');
    expect(r.ended).toBe(true);
    await waitFor(() => /closed: clean close/.test(s.log()));
  });

  it("TlsServer with allowHalfOpen: after the client's close_notify and its FIN the server still writes; the client reads it, then the server's close_notify", async () => {
    let serverConn: TlsConnection | undefined;
    const server = new TlsServer({
      config: () => ({ crypto: nobleProvider, random: systemRandom, certificate: pki.server.p256.certified }),
      allowHalfOpen: true,
      onConnection: async (conn) => {
        serverConn = conn;
        await conn.handshake();
        const question = new TextDecoder().decode(await conn.readAll()); // to the client's close_notify
        await tcpFin(conn); // the client's FIN too: only its direction is closed
        await conn.writeAsync(`answer to ${question}`);
        await conn.close();
      },
    });
    const addr = await server.listen(0, HOST);
    closers.push(() => server.close());
    const tap = await wireTap(addr.port);
    closers.push(() => tap.close());
    const keylog: string[] = [];
    const r = await nodeHalfClose(tap.port, Buffer.from('question'), (line) => keylog.push(line));
    expect(r.error).toBeUndefined();
    expect(r.received.toString()).toBe('answer to question');
    expect(r.ended).toBe(true);
    await waitFor(() => serverConn?.closed !== undefined);
    expect(serverConn!.closed).toEqual({ kind: 'clean' });
    const notes = serverConn!.events.flatMap((e) => (e.type === 'note' ? [e.fact ?? e.text] : []));
    expect(notes.indexOf('read_closed')).toBeLessThan(notes.indexOf('tcp_fin'));
    expect(notes.indexOf('tcp_fin')).toBeLessThan(notes.indexOf('write_closed'));
    // Node's 'end' comes for a bare FIN too: the server's close_notify is read off the wire.
    await Promise.all([tap.ended.c2s, tap.ended.s2c]);
    const suite = serverConn!.negotiated!.suite.name;
    const keylogText = keylog.join('');
    expect(openTapped(tap, 'c2s', suite, keylogText).map(describeOpened)).toEqual(['application_data 8 bytes', 'alert close_notify']);
    expect(openTapped(tap, 's2c', suite, keylogText).map(describeOpened).slice(-2)).toEqual(['application_data 18 bytes', 'alert close_notify']);
  });

  it("close({ fin: false }): our client's close_notify goes without a FIN, which waits until the server has closed; a plain close() sends both at once", async () => {
    const served: TlsConnection[] = [];
    const server = new TlsServer({
      config: () => ({ crypto: nobleProvider, random: systemRandom, certificate: pki.server.p256.certified }),
      allowHalfOpen: true,
      onConnection: async (conn) => {
        served.push(conn);
        await conn.handshake();
        await conn.readAll(); // to the client's close_notify
        // Long enough for a FIN sent with the close_notify to have come on loopback.
        await new Promise((r) => setTimeout(r, 300));
        await conn.writeAsync('after your close_notify');
        await conn.close();
      },
    });
    const addr = await server.listen(0, HOST);
    closers.push(() => server.close());
    const finOrder = async (fin: boolean): Promise<{ notes: string[]; read: string; closed: unknown }> => {
      const client = await ourClient(addr.port, clientConfig(pki));
      await client.handshake();
      const closing = client.close({ fin });
      const read = new TextDecoder().decode(await client.readAll().catch(() => new Uint8Array(0)));
      const closed = await closing;
      const conn = served.at(-1)!;
      await tcpFin(conn);
      const notes = conn.events.flatMap((e) => (e.type === 'note' && e.fact !== undefined ? [e.fact] : []));
      return { notes, read, closed };
    };
    const held = await finOrder(false);
    // The server read our close_notify, wrote, and closed before our FIN came; we read what it wrote.
    expect(held.read).toBe('after your close_notify');
    expect(held.closed).toEqual({ kind: 'clean' });
    expect(held.notes.indexOf('read_closed')).toBeGreaterThanOrEqual(0);
    expect(held.notes.indexOf('write_closed')).toBeGreaterThan(held.notes.indexOf('read_closed'));
    expect(held.notes.indexOf('tcp_fin')).toBeGreaterThan(held.notes.indexOf('write_closed'));
    // The control: close() sends the FIN right after the close_notify, before the server writes.
    const plain = await finOrder(true);
    expect(plain.notes.indexOf('tcp_fin')).toBeGreaterThan(plain.notes.indexOf('read_closed'));
    expect(plain.notes.indexOf('tcp_fin')).toBeLessThan(plain.notes.indexOf('write_closed'));
  });

  it('TlsServer with allowHalfOpen: a close_notify before the handshake completes is still answered at once (nothing to keep writing on)', async () => {
    let serverConn: TlsConnection | undefined;
    const server = new TlsServer({
      config: () => ({ crypto: nobleProvider, random: systemRandom, certificate: pki.server.p256.certified }),
      allowHalfOpen: true,
      handshakeTimeoutMs: 20_000,
      onConnection: async (conn) => {
        serverConn = conn;
        await conn.handshake().catch(() => {});
      },
    });
    const addr = await server.listen(0, HOST);
    closers.push(() => server.close());
    const hello = await nodeClientHello();
    const t0 = Date.now();
    // A ClientHello, then a plaintext close_notify (a client without handshake keys alerts in the clear).
    const socket = netConnect({ host: HOST, port: addr.port, allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {});
    socket.on('connect', () => socket.write(Buffer.concat([hello, Buffer.from([21, 3, 3, 0, 2, 1, 0])])));
    await new Promise((resolve) => socket.on('end', resolve));
    socket.destroy();
    expect(Date.now() - t0).toBeLessThan(10_000);
    await waitFor(() => serverConn?.closed !== undefined);
    expect(serverConn!.closed).toEqual({ kind: 'clean' });
    const alerts = serverConn!.events.flatMap((e) => (e.type === 'alert_sent' ? [e.description] : []));
    expect(alerts).toEqual(['close_notify']);
    // On the wire, after the ServerHello and the server's flight: one record under the
    // server's application traffic secret, its close_notify, and then the FIN.
    const keylog = renderConnectionKeylog(serverConn!.toTrace());
    const suite = serverConn!.negotiated!.suite.name as CipherSuiteName;
    const answered = openApplicationRecords(Buffer.concat(received), suite, keylogSecret(keylog, 'SERVER_TRAFFIC_SECRET_0'));
    expect(answered.map(describeOpened)).toEqual(['alert close_notify']);
  });

  const gnutls = spawnSync('gnutls-cli', ['--version'], { encoding: 'utf8' });
  it.skipIf(gnutls.status !== 0)('serve --echo: gnutls-cli sends 1 MiB from its stdin, closes its side at stdin EOF, and prints all of it back', async () => {
    const s = await serve(['--echo']);
    const payload = randomBytes(1 << 20);
    const input = pki.path('gnutls-half-close.bin');
    writeFileSync(input, payload);
    const r = await spawnAsync('sh', ['-c', `exec gnutls-cli --insecure --port ${s.port} ${HOST} < "${input}"`]);
    expect(r.status).toBe(0);
    // gnutls-cli prints its status lines on stdout too: the echo sits between them.
    const out = r.stdoutBytes;
    const at = out.indexOf(payload.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    expect(out.length - at).toBeGreaterThanOrEqual(payload.length);
    expect(out.subarray(at, at + payload.length).equals(payload)).toBe(true);
    expect(out.subarray(at + payload.length).toString()).toContain('Peer has closed the GnuTLS connection');
    await waitFor(() => /closed: clean close/.test(s.log()));
  });

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  it.skipIf(go.status !== 0)('serve --echo: a Go crypto/tls client writes 1 MiB and calls CloseWrite(); it reads back the same SHA-256, then EOF', async () => {
    const bin = buildGoClient();
    const s = await serve(['--echo']);
    const payload = randomBytes(1 << 20);
    const input = pki.path('go-half-close.bin');
    writeFileSync(input, payload);
    const r = await spawnAsync(bin, [`${HOST}:${s.port}`, pki.caPath, input]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const want = createHash('sha256').update(payload).digest('hex');
    expect(r.stdout.trim()).toBe(`${payload.length} ${want} EOF`);
    await waitFor(() => /closed: clean close/.test(s.log()));
  });
});

// ── the Go client ────────────────────────────────────────────────────────────────────────

const GO_CLIENT = `package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// Writes the file, CloseWrite() (close_notify), reads to EOF; prints "<bytes> <sha256> EOF".
func main() {
	pem, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	data, err := os.ReadFile(os.Args[3])
	if err != nil {
		fail(err)
	}
	conn, err := tls.Dial("tcp", os.Args[1], &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS13})
	if err != nil {
		fail(err)
	}
	done := make(chan error, 1)
	go func() {
		if _, err := conn.Write(data); err != nil {
			done <- err
			return
		}
		done <- conn.CloseWrite()
	}()
	h := sha256.New()
	n, err := io.Copy(h, conn)
	if err != nil {
		fail(err)
	}
	if err := <-done; err != nil {
		fail(err)
	}
	fmt.Printf("%d %s EOF\\n", n, hex.EncodeToString(h.Sum(nil)))
	conn.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`;

function buildGoClient(): string {
  return buildGoProgram('half-close', GO_CLIENT);
}

async function spawnAsync(cmd: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stdoutBytes: Buffer; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill(), 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ status, stdout: stdoutBytes.toString(), stdoutBytes, stderr });
    });
  });
}
