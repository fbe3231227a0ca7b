/**
 * FFDHE (RFC 7919 groups; RFC 8446 §4.2.7, §4.2.8.1, §7.4.1) against OpenSSL 3.0, both roles,
 * both crypto providers: our client offering only ffdhe2048 to `openssl s_server -groups
 * ffdhe2048`, `openssl s_client -groups ffdhe2048` to `tls13sim serve` with its default groups,
 * HelloRetryRequests into an FFDHE group, and `tls13sim connect --groups ffdhe2048`.
 * A finished handshake means both sides derived the same (left-padded) shared secret; the
 * keylog comparison shows it secret by secret.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerByName } from '@tls13sim/handshake';
import { connect } from '../../packages/sim/src/cli/connect.js';
import { startServe, type ServeHandle } from '../../packages/sim/src/cli/serve.js';
import { renderConnectionKeylog } from '../../packages/sim/src/net/index.js';
import { clientConfig, expectSameKeylog, HOST, makePki, opensslClient, opensslServer, ourClient, readText, type OpensslServer, type Pki } from './helpers.js';

let pki: Pki;
const servers: OpensslServer[] = [];
const handles: ServeHandle[] = [];

beforeAll(() => {
  pki = makePki(['p256']);
});

afterAll(async () => {
  for (const s of servers) s.kill();
  await Promise.all(handles.map((h) => h.close()));
});

const GET = 'GET / HTTP/1.0\r\n\r\n';

/** s_server -www with the P-256 leaf. */
async function www(extra: readonly string[]): Promise<OpensslServer> {
  const s = await opensslServer(['-www', '-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath, ...extra]);
  servers.push(s);
  return s;
}

/** `tls13sim serve` in-process (the CLI's own option handling), on an ephemeral port. */
async function serve(args: readonly string[]): Promise<number> {
  const io = { stdout: () => {}, stderr: () => {}, writeFile: (p: string, d: string | Uint8Array) => writeFileSync(p, d) };
  const h = await startServe(['--port', '0', '--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath, ...args], io);
  handles.push(h);
  return h.port;
}

/** s_client to completion: the request, then stdin closed (-ign_eof reads the answer to EOF). */
async function sClient(port: number, args: readonly string[]): Promise<string> {
  const p = opensslClient(port, ['-CAfile', pki.caPath, '-verify_return_error', '-verify_hostname', 'localhost', '-ign_eof', ...args]);
  p.send(GET);
  p.child.stdin.end();
  try {
    await p.exited(20_000);
  } finally {
    p.kill();
  }
  return p.output();
}

describe.concurrent('FFDHE against OpenSSL 3.0', () => {
  for (const crypto of ['noble', 'node'] as const) {
    it(`our client (${crypto}) offering only ffdhe2048 completes with s_server -groups ffdhe2048, and the keylogs agree`, async () => {
      const keylog = pki.path(`ffdhe-s_server-${crypto}.keylog`);
      writeFileSync(keylog, '');
      const s = await www(['-groups', 'ffdhe2048', '-keylogfile', keylog]);
      const conn = await ourClient(s.port, clientConfig(pki, { crypto: providerByName(crypto), groups: ['ffdhe2048'], keyShareGroups: ['ffdhe2048'] }));
      await conn.handshake();
      conn.write(GET);
      const page = await readText(conn);
      await conn.close();
      expect(conn.negotiated?.group).toBe('ffdhe2048');
      expect(conn.negotiated?.helloRetry).toBe(false);
      expect(page.end).toBe('eof');
      expect(page.text).toContain('New, TLSv1.3');
      expectSameKeylog(renderConnectionKeylog(conn.toTrace()), readFileSync(keylog, 'utf8'));
    });

    it(`s_client -groups ffdhe2048 is served by tls13sim serve --crypto ${crypto} with its default groups`, async () => {
      const port = await serve(['--crypto', crypto]);
      const out = await sClient(port, ['-groups', 'ffdhe2048']);
      expect(out).toContain('Verify return code: 0 (ok)');
      expect(out).toContain('HTTP/1.0 200 ok');
      expect(out).toContain('group: ffdhe2048');
      expect(out).toContain('hello retry: no');
    });
  }

  it('our client answers a HelloRetryRequest into ffdhe3072 (s_server -groups ffdhe3072; we sent an x25519 share)', async () => {
    const s = await www(['-groups', 'ffdhe3072']);
    const conn = await ourClient(s.port, clientConfig(pki, { groups: ['x25519', 'ffdhe3072'], keyShareGroups: ['x25519'] }));
    await conn.handshake();
    conn.write(GET);
    const page = await readText(conn);
    await conn.close();
    expect(conn.negotiated?.group).toBe('ffdhe3072');
    expect(conn.negotiated?.helloRetry).toBe(true);
    expect(page.end).toBe('eof');
  });

  it('serve --groups ffdhe4096 sends s_client (x25519 share, ffdhe4096 listed) a HelloRetryRequest into ffdhe4096', async () => {
    const port = await serve(['--groups', 'ffdhe4096']);
    const out = await sClient(port, ['-groups', 'x25519:ffdhe4096']);
    expect(out).toContain('HTTP/1.0 200 ok');
    expect(out).toContain('group: ffdhe4096');
    expect(out).toContain('hello retry: yes');
  });

  it('tls13sim connect --groups ffdhe2048 completes with s_server -groups ffdhe2048', async () => {
    const s = await www(['-groups', 'ffdhe2048']);
    let out = '';
    const io = {
      stdout: (t: string) => void (out += t),
      stderr: (t: string) => void (out += t),
      writeFile: (p: string, d: string | Uint8Array) => writeFileSync(p, d),
      readStdin: async () => new Uint8Array(0),
    };
    const status = await connect(
      [`${HOST}:${s.port}`, '--servername', 'localhost', '--ca', pki.caPath, '--groups', 'ffdhe2048', '--request', 'GET / HTTP/1.0\\r\\n\\r\\n'],
      io,
    );
    expect(status, out).toBe(0);
    expect(out).toContain('group: ffdhe2048');
    expect(out).toContain('New, TLSv1.3');
  });
});
