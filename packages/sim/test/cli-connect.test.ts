/**
 * `tls13sim connect` over real TCP (issue 16 items 7 and 9): what it received goes to stdout
 * byte for byte, and `--key-update` sends KeyUpdate(update_requested) right after the
 * handshake (RFC 8446 §4.6.3), against our own `serve` and against `openssl s_server`.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { startServe, type ServeHandle, type ServeOptions } from '../src/cli/serve.js';
import { nobleProvider, systemRandom } from '@tls13sim/handshake';
import { selfSigned } from '../src/cli/tls-options.js';
import type { TlsConnection } from '../src/net/connection.js';
import { TlsServer } from '../src/net/server.js';
import { fakeIo, makeBadInputs, runProcess, type BadInputs } from './cli-helpers.js';

let files: BadInputs;
const handles: ServeHandle[] = [];

beforeAll(() => {
  files = makeBadInputs();
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  rmSync(files.dir, { recursive: true, force: true });
});

async function serve(
  args: readonly string[],
  options: ServeOptions = { trace: 'handshake' },
): Promise<{ handle: ServeHandle; log: () => string; conns: TlsConnection[] }> {
  let log = '';
  const io = { ...fakeIo(), stdout: (t: string) => void (log += t) };
  const handle = await startServe(['--port', '0', ...args], io, options);
  handles.push(handle);
  const conns: TlsConnection[] = [];
  handle.server.on('connection', (c: TlsConnection) => conns.push(c));
  return { handle, log: () => log, conns };
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('connect writes what it received as raw bytes', () => {
  it('1 MiB of random bytes through serve --echo comes back byte for byte on stdout', async () => {
    const { handle } = await serve(['--echo']);
    const data = randomBytes(1 << 20);
    const r = await runProcess(['connect', `127.0.0.1:${handle.port}`, '--insecure', '--wait', '1000'], { stdin: data, timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(data.length);
    expect(sha(r.stdout)).toBe(sha(data));
  }, 70_000);

  it('without a byte sink (a test io), a character split across two records is decoded whole', async () => {
    // A server that sends 'é' (2 bytes in UTF-8) in two records, 100 ms apart.
    const server = new TlsServer({
      config: () => ({ crypto: nobleProvider, random: systemRandom, certificate: selfSigned() }),
      onConnection: async (conn) => {
        await conn.handshake();
        const bytes = new TextEncoder().encode('café!');
        conn.write(bytes.subarray(0, 4));
        await new Promise((r) => setTimeout(r, 100));
        conn.write(bytes.subarray(4));
        await conn.close();
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const io = fakeIo();
      expect(await runCli(['connect', `127.0.0.1:${port}`, '--insecure', '--request', 'x'], io), io.err).toBe(0);
      expect(io.out).toBe('café!');
    } finally {
      await server.close();
    }
  });
});

describe('connect --key-update', () => {
  it('against our serve: KeyUpdate(update_requested) after the handshake; the server rekeys both ways and answers under new keys', async () => {
    const s = await serve([]);
    const io = fakeIo();
    const code = await runCli(['connect', `127.0.0.1:${s.handle.port}`, '--insecure', '--key-update', '--request', 'GET / HTTP/1.0\\r\\n\\r\\n'], io);
    expect(code, io.err).toBe(0);
    expect(io.err).toMatch(/key update: sent KeyUpdate\(update_requested\) at \d+ ms; our write keys are now application\+1/);
    expect(io.err).toMatch(
      /key update: the server answered with its own KeyUpdate at \d+ ms: both directions rekeyed \(read application\+1, write application\+1\)/,
    );
    // The server's page, written after it processed our KeyUpdate: both its epochs moved on.
    expect(io.out).toContain('HTTP/1.0 200 ok');
    expect(io.out).toContain('read epoch: application+1');
    expect(io.out).toContain('write epoch: application+1');
    // On the wire: our KeyUpdate went under the first application keys, before the request.
    const conn = s.conns[0]!;
    const received = conn.events.filter((e) => e.type === 'record_received' && e.side === 'server');
    const ku = received.findIndex((e) => e.type === 'record_received' && e.messages.includes('key_update'));
    expect(ku).toBeGreaterThanOrEqual(0);
    expect(received[ku]).toMatchObject({ epoch: 'application' });
  });

  it('without --key-update nothing is rekeyed', async () => {
    const s = await serve([]);
    const io = fakeIo();
    expect(await runCli(['connect', `127.0.0.1:${s.handle.port}`, '--insecure', '--request', 'GET / HTTP/1.0\\r\\n\\r\\n'], io)).toBe(0);
    expect(io.out).toContain('read epoch: application\r\n');
    expect(io.err).not.toContain('key update');
  });

  it('against openssl s_server: it receives the KeyUpdate, then our data; its reply arrives under its new keys', async () => {
    // s_server exits when its stdin closes (TOOLCHAIN.md): keep it open and write to it.
    const srv = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-tls1_3', '-cert', files.cert, '-key', files.key, '-msg'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const waiters: (() => void)[] = [];
    const onData = (d: Buffer): void => {
      out += d.toString('latin1');
      for (const w of waiters.splice(0)) w();
    };
    srv.stdout.on('data', onData);
    srv.stderr.on('data', onData);
    const waitFor = async (re: RegExp, ms = 15_000): Promise<RegExpMatchArray> => {
      const end = Date.now() + ms;
      for (;;) {
        const m = out.match(re);
        if (m !== null) return m;
        if (Date.now() > end) throw new Error(`s_server never printed ${re}:\n${out}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    };
    try {
      const port = Number((await waitFor(/ACCEPT \S+:(\d+)/))[1]);
      const io = fakeIo();
      const done = runCli(['connect', `127.0.0.1:${port}`, '--insecure', '--key-update', '--wait', '1500', '--request', 'hello from tls13sim\\n'], io);
      // -msg logs each handshake message it reads: our KeyUpdate, then the data under the new keys.
      await waitFor(/<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate[\s\S]*hello from tls13sim/);
      srv.stdin.write('reply from openssl\n');
      const code = await done;
      expect(io.out).toContain('reply from openssl');
      // OpenSSL answered update_requested with its own KeyUpdate before its data (§4.6.3).
      expect(out).toMatch(/>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate/);
      expect(io.err).toMatch(/the server answered with its own KeyUpdate .*\(read application\+1, write application\+1\)/);
      expect(code, io.err).toBe(0);
    } finally {
      srv.kill('SIGKILL');
    }
  });
});

describe('serve builds a trace only when something reads it', () => {
  const served = async (s: Awaited<ReturnType<typeof serve>>): Promise<TlsConnection> => {
    const io = fakeIo();
    expect(await runCli(['connect', `127.0.0.1:${s.handle.port}`, '--insecure', '--request', 'GET / HTTP/1.0\\r\\n\\r\\n'], io), io.err).toBe(0);
    expect(io.out).toContain('HTTP/1.0 200 ok');
    const conn = s.conns[0]!;
    if (conn.closed === undefined) await new Promise((r) => conn.once('close', r));
    return conn;
  };

  it('by default: no trace events, none emitted, and the connection is served all the same', async () => {
    const s = await serve([], {});
    let emitted = 0;
    s.handle.server.on('connection', (c: TlsConnection) => c.on('event', () => emitted++));
    const conn = await served(s);
    expect(conn.traceMode).toBe('none');
    expect(conn.events).toEqual([]);
    expect(emitted).toBe(0);
    expect(conn.ledger.keys).toEqual({ read: [], write: [] });
    expect(conn.ledger.handshakeComplete).toBeUndefined();
    expect(conn.closed).toEqual({ kind: 'clean' });
    // serve logs the close once its close() returns, just after the socket's close event.
    for (let i = 0; i < 100 && !/closed: /.test(s.log()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.log()).toMatch(/accepted: TLS_AES_128_GCM_SHA256 x25519\n[^\n]*closed: clean close/);
  });

  it('with --keylog: the handshake trace, whose secrets go to the file', async () => {
    const keylog = join(files.dir, `serve-${Math.random()}.keylog`);
    const s = await serve(['--keylog', keylog], {});
    const conn = await served(s);
    expect(conn.traceMode).toBe('handshake');
    expect(conn.events.some((e) => e.type === 'keys_installed')).toBe(true);
    expect(readFileSync(keylog, 'utf8')).toMatch(/^SERVER_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}$/m);
  });

  it("refuses trace 'none' with --keylog, which reads the trace", async () => {
    const keylog = join(files.dir, `serve-${Math.random()}.keylog`);
    await expect(startServe(['--port', '0', '--keylog', keylog], fakeIo(), { trace: 'none' })).rejects.toThrow(/--keylog needs a trace/);
  });
});
