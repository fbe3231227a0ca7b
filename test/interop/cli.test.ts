/**
 * The `tls13sim serve` and `tls13sim connect` commands as processes: `serve` under load
 * with misbehaving clients, `connect` against OpenSSL (the SSL_connect question from the
 * command line) and against `serve`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, makePki, opensslServer, run, type Pki, type Proc } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}packages/sim/src/cli/main.ts`;

/** The CLI in one node process (tsx as a loader, not tsx's wrapper: a kill must not orphan it). */
function cli(args: readonly string[]): Proc {
  return run(process.execPath, ['--import', 'tsx', MAIN, ...args]);
}

let pki: Pki;
const procs: Proc[] = [];

beforeAll(() => {
  pki = makePki(['p256']);
});

afterAll(() => {
  for (const p of procs) p.kill();
});

async function startServe(args: readonly string[]): Promise<{ proc: Proc; port: number }> {
  const proc = cli(['serve', '--port', '0', ...args]);
  procs.push(proc);
  const m = await proc.waitFor(/listening on [\d.]+:(\d+)/, 30_000);
  return { proc, port: Number(m[1]) };
}

/** A Node TLS client's GET against serve: the response text, or the error. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = tls.connect({ host: HOST, port, servername: 'localhost', ca: readFileSync(pki.caPath), minVersion: 'TLSv1.3' }, () =>
      socket.write('GET / HTTP/1.0\r\n\r\n'),
    );
    socket.setTimeout(20_000, () => socket.destroy(new Error('client timed out')));
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('end', () => resolve(text));
  });
}

/** A raw TCP client: sends `bytes` (then FIN if `end`), collects what comes back until close. */
function raw(port: number, bytes: Uint8Array | null, end: boolean): { socket: Socket; received: Promise<Buffer> } {
  const socket = netConnect({ host: HOST, port });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  const received = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
  socket.on('connect', () => {
    if (bytes !== null) socket.write(bytes);
    if (end) socket.end();
  });
  return { socket, received };
}

/** The first bytes of a real ClientHello (Node's), cut short. */
async function truncatedClientHello(): Promise<Uint8Array> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.once('data', (d: Buffer) => {
        resolve(new Uint8Array(d.subarray(0, Math.floor(d.length / 2))));
        s.destroy();
        server.close();
      });
    }).listen(0, HOST, () => {
      const port = (server.address() as { port: number }).port;
      const c = tls.connect({ host: HOST, port, servername: 'localhost', rejectUnauthorized: false });
      c.on('error', () => {});
    });
  });
}

describe.concurrent('tls13sim serve and connect as processes', () => {
  it('serve survives 50 concurrent clients plus one sending random bytes, one a truncated handshake and one silent, and serves every good client', async () => {
    const { proc, port } = await startServe(['--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath]);
    const silent = raw(port, null, false);
    const garbage = raw(port, randomBytes(4096), false);
    const truncated = raw(port, await truncatedClientHello(), true);
    const results = await Promise.all(Array.from({ length: 50 }, () => get(port)));
    for (const r of results) {
      expect(r).toContain('HTTP/1.0 200 ok');
      expect(r).toContain('state: CONNECTED');
    }
    // The garbage sender got a plaintext fatal alert (content type 21, level 2), then the close.
    const answer = await garbage.received;
    expect(answer[0]).toBe(21);
    expect(answer[5]).toBe(2);
    // The truncated handshake ended with the peer's FIN: nothing to answer, connection gone.
    await truncated.received;
    // The silent client is still pending (its handshake timeout is 10 s) and blocked no one.
    expect(silent.socket.destroyed).toBe(false);
    // And the server still serves.
    expect(await get(port)).toContain('HTTP/1.0 200 ok');
    // Its log reaches us through a pipe: wait for the 51st line rather than race it.
    const accepted = (): number => proc.output().match(/accepted: /g)?.length ?? 0;
    for (const end = Date.now() + 5_000; accepted() < 51 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    expect(accepted()).toBe(51);
    silent.socket.destroy();
    proc.child.kill('SIGTERM');
    expect(await proc.exited(10_000)).toBe(0);
  }, 60_000);

  it('connect against openssl s_server that rejects our certificate: connect succeeds, then the late alert is reported and the exit status is 1', async () => {
    const s = await opensslServer([
      '-www',
      '-cert',
      pki.server.p256.certPath,
      '-key',
      pki.server.p256.keyPath,
      '-Verify',
      '1',
      '-verify_return_error',
      '-CAfile',
      pki.caPath,
    ]);
    procs.push(s);
    const c = cli([
      'connect',
      `${HOST}:${s.port}`,
      '--servername',
      'localhost',
      '--ca',
      pki.caPath,
      '--cert',
      pki.untrustedClient.certPath,
      '--key',
      pki.untrustedClient.keyPath,
      '--request',
      'GET / HTTP/1.0\\r\\n\\r\\n',
    ]);
    procs.push(c);
    expect(await c.exited(30_000)).toBe(1);
    const out = c.output();
    expect(out).toMatch(/connect: ok at \d+ ms/);
    expect(out).toMatch(/late alert: received alert unknown_ca/);
    expect(out).toMatch(/server verdict: +rejected at \d+ ms \(alert unknown_ca\)/);
  }, 40_000);

  it('connect gets a ticket from serve, resumes with it and sends 0-RTT data, writing a keylog', async () => {
    const { port } = await startServe(['--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath, '--crypto', 'node']);
    const sess = pki.path('cli-session.json');
    const keylog = pki.path('cli-keylog.txt');
    const first = cli([
      'connect',
      `${HOST}:${port}`,
      '--servername',
      'localhost',
      '--ca',
      pki.caPath,
      '--request',
      'GET / HTTP/1.0\\r\\n\\r\\n',
      '--sess-out',
      sess,
      '--keylog',
      keylog,
      '--crypto',
      'node',
    ]);
    procs.push(first);
    expect(await first.exited(30_000)).toBe(0);
    expect(first.output()).toContain('HTTP/1.0 200 ok');
    expect(first.output()).toMatch(/server verdict: +accepted at \d+ ms \(evidence: new_session_ticket/);
    expect(existsSync(sess)).toBe(true);
    expect(readFileSync(keylog, 'utf8')).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}$/m);
    const early = pki.path('cli-early.txt');
    (await import('node:fs')).writeFileSync(early, 'GET / HTTP/1.0\r\n\r\n');
    const second = cli(['connect', `${HOST}:${port}`, '--servername', 'localhost', '--ca', pki.caPath, '--sess-in', sess, '--early-data', early]);
    procs.push(second);
    second.child.stdin.end(); // no request besides the early data
    const status = await second.exited(30_000);
    const out = second.output();
    expect(status, out).toBe(0);
    expect(out).toContain('resumed: yes');
    expect(out).toMatch(/early data: accepted/);
  }, 60_000);
});

describe.concurrent('tls13sim serve and connect with --versions (TLS 1.2)', () => {
  it('connect --versions 1.2 against openssl s_server -tls1_2 that rejects our certificate: connect itself fails, exit status 1', async () => {
    const p = run('openssl', [
      's_server',
      '-accept',
      `${HOST}:0`,
      '-tls1_2',
      '-www',
      '-cert',
      pki.server.p256.certPath,
      '-key',
      pki.server.p256.keyPath,
      '-Verify',
      '1',
      '-verify_return_error',
      '-CAfile',
      pki.caPath,
    ]);
    procs.push(p);
    const port = Number((await p.waitFor(/ACCEPT \S+:(\d+)/))[1]);
    const c = cli([
      'connect',
      `${HOST}:${port}`,
      '--servername',
      'localhost',
      '--ca',
      pki.caPath,
      '--versions',
      '1.2',
      '--cert',
      pki.untrustedClient.certPath,
      '--key',
      pki.untrustedClient.keyPath,
      '--request',
      'GET / HTTP/1.0\\r\\n\\r\\n',
    ]);
    procs.push(c);
    expect(await c.exited(30_000)).toBe(1);
    const out = c.output();
    // RFC 5246 §7.3: the server judged our Certificate before sending its Finished, so the
    // rejection reached us inside the handshake: connect never returned ok.
    expect(out).not.toMatch(/connect: ok/);
    expect(out).toMatch(/connect failed: received alert unknown_ca/);
    expect(out).toMatch(/protocol: TLSv1\.2/);
    expect(out).toMatch(/connect returned: +never/);
  }, 40_000);

  it('serve --versions 1.2,1.3 answers openssl s_client -tls1_2 with TLS 1.2, and connect --versions 1.2 too', async () => {
    const { port } = await startServe(['--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath, '--versions', '1.2,1.3', '--echo']);
    const s = run('openssl', ['s_client', '-connect', `${HOST}:${port}`, '-tls1_2', '-CAfile', pki.caPath, '-verify_return_error', '-servername', 'localhost']);
    procs.push(s);
    s.child.stdin.end('ping\n');
    await s.exited(30_000);
    expect(s.output()).toMatch(/Protocol *: TLSv1\.2/);
    expect(s.output()).toMatch(/Verify return code: 0 \(ok\)/);
    const c = cli([
      'connect',
      `${HOST}:${port}`,
      '--servername',
      'localhost',
      '--ca',
      pki.caPath,
      '--versions',
      '1.2',
      '--request',
      'hello\\n',
      '--wait',
      '500',
    ]);
    procs.push(c);
    expect(await c.exited(30_000)).toBe(0);
    expect(c.output()).toMatch(/connect: ok at \d+ ms \(SSL_connect returned: the server's Finished is verified/);
    expect(c.output()).toMatch(/protocol: TLSv1\.2/);
    expect(c.output()).toMatch(/cipher suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256/);
    expect(c.output()).toMatch(/handshake complete: \d+ ms \(RFC 5246 \S+7\.4\.9: Finished sent and received\)/);
  }, 60_000);

  it('--versions rejects a version it does not speak with one line and exit status 2', async () => {
    const c = cli(['connect', `${HOST}:1`, '--insecure', '--versions', '1.1']);
    procs.push(c);
    expect(await c.exited(30_000)).toBe(2);
    expect(c.output().trim()).toBe("tls13sim: unknown TLS version '1.1' (1.2 or 1.3) (`tls13sim connect --help` shows the usage)");
  }, 40_000);
});
