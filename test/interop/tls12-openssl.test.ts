/**
 * TLS 1.2 against OpenSSL 3.0 over real TCP: our client against `openssl s_server -tls1_2`,
 * `openssl s_client -tls1_2` against our server, for each suite; client authentication
 * accepted and rejected — in TLS 1.2 a rejected client certificate makes our connect()
 * itself fail; the NSS CLIENT_RANDOM key log line equal to OpenSSL's; and a 1.2+1.3
 * endpoint negotiating each version with each kind of peer.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProvider, SealedTicketIssuer, systemRandom, type EndpointConfig, type Tls12Session } from '@tls13sim/handshake';
import { keylogLines, type TlsServer } from '../../packages/sim/src/net/index.js';
import {
  clientConfig,
  HOST,
  makePki,
  ourClient,
  readText,
  run,
  startEchoServer,
  TLS12_OPENSSL_NAME,
  TLS12_SUITES,
  tls12LeafFor,
  type LeafKind,
  type Pki,
  type Proc,
} from './helpers.js';

let pki: Pki;
const procs: Proc[] = [];
const servers: TlsServer[] = [];
const crypto = createNodeProvider();

beforeAll(() => {
  pki = makePki(['p256', 'rsa']);
});

afterAll(async () => {
  for (const p of procs) p.kill();
  await Promise.all(servers.map((s) => s.close()));
});

/** `openssl s_server` (TLS 1.2 only unless `version` says otherwise) on an ephemeral port, stdin kept open. */
async function sServer(args: readonly string[], leaf: LeafKind = 'p256', version: string[] = ['-tls1_2']): Promise<Proc & { port: number }> {
  const p = run('openssl', [
    's_server',
    '-accept',
    `${HOST}:0`,
    ...version,
    '-www',
    '-cert',
    pki.server[leaf].certPath,
    '-key',
    pki.server[leaf].keyPath,
    ...args,
  ]);
  procs.push(p);
  const m = await p.waitFor(/ACCEPT \S+:(\d+)/);
  return { ...p, port: Number(m[1]) };
}

const V12: Partial<EndpointConfig> = { versions: ['TLSv1.2'], crypto };

async function getPage(port: number, extra: Partial<EndpointConfig>) {
  const conn = await ourClient(port, clientConfig(pki, { ...V12, ...extra }));
  await conn.handshake();
  conn.write('GET / HTTP/1.0\r\n\r\n');
  const page = await readText(conn);
  await conn.close();
  return { conn, page };
}

describe.concurrent('our TLS 1.2 client against openssl s_server -tls1_2', () => {
  for (const suite of TLS12_SUITES) {
    it(`${suite}: handshake, data, and the close_notify s_server sends after its page read as a clean EOF`, async () => {
      const s = await sServer(['-cipher', TLS12_OPENSSL_NAME[suite]], tls12LeafFor(suite));
      const { conn, page } = await getPage(s.port, { tls12CipherSuites: [suite] });
      expect(conn.negotiated?.suite.name).toBe(suite);
      expect(page.end).toBe('eof');
      expect(page.text).toContain(`New, TLSv1.2, Cipher is ${TLS12_OPENSSL_NAME[suite]}`);
    });
  }

  for (const group of ['x25519', 'secp256r1', 'secp384r1'] as const) {
    it(`ECDHE over ${group}`, async () => {
      const s = await sServer(['-groups', group]);
      // OpenSSL also wants the certificate's curve (P-256) among the client's groups (RFC 8422 §5.1: the list covers ECDSA certificates too).
      const { conn, page } = await getPage(s.port, { groups: group === 'secp256r1' ? [group] : [group, 'secp256r1'] });
      expect(conn.negotiated?.group).toBe(group);
      expect(page.end).toBe('eof');
    });
  }

  it('derives the master secret OpenSSL logs (NSS CLIENT_RANDOM line)', async () => {
    const keylog = pki.path(`s-keylog-${Date.now()}.txt`);
    const s = await sServer(['-keylogfile', keylog]);
    const { conn } = await getPage(s.port, {});
    const theirs = readFileSync(keylog, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CLIENT_RANDOM'));
    expect(theirs).toHaveLength(1);
    expect(keylogLines(conn.events)).toEqual(theirs);
  });

  it('client certificate accepted: the page shows our client certificate', async () => {
    const s = await sServer(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const { page } = await getPage(s.port, { certificate: pki.client.certified });
    expect(page.end).toBe('eof');
    expect(page.text).toContain('interop client');
  });

  it("client certificate rejected: connect() itself fails with the server's alert (no later read needed)", async () => {
    const s = await sServer(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const conn = await ourClient(s.port, clientConfig(pki, { ...V12, certificate: pki.untrustedClient.certified }));
    const err = await conn.handshake().then(
      () => undefined,
      (e: unknown) => e as Error & { alert?: string },
    );
    expect(err?.name).toBe('PeerAlertError');
    expect(err?.alert).toBe('unknown_ca');
    expect(conn.connectedAt).toBeUndefined();
    expect(conn.endpoint.handshakeComplete).toBe(false);
  });

  it('no client certificate when OpenSSL requires one: connect() fails with handshake_failure', async () => {
    const s = await sServer(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const conn = await ourClient(s.port, clientConfig(pki, V12));
    await expect(conn.handshake()).rejects.toMatchObject({ alert: 'handshake_failure' });
  });
});

/** Our server: echoes one line back and closes; records each connection and its handshake outcome. */
function ourServer(extra: Partial<EndpointConfig>, leaf: LeafKind = 'p256') {
  return startEchoServer(
    () => ({ crypto, random: systemRandom, certificate: pki.server[leaf].certified, validationTime: Date.now(), trustAnchors: [pki.caDer], ...V12, ...extra }),
    servers,
  );
}

async function sClient(port: number, args: readonly string[], version: string[] = ['-tls1_2']): Promise<string> {
  const p = run('openssl', ['s_client', '-connect', `${HOST}:${port}`, ...version, '-CAfile', pki.caPath, '-verify_return_error', '-ign_eof', ...args]);
  procs.push(p);
  p.send('hello\n');
  p.child.stdin.end();
  await p.exited(15_000);
  return p.output();
}

describe.concurrent('openssl s_client -tls1_2 against our TLS 1.2 server', () => {
  for (const suite of TLS12_SUITES) {
    it(`${suite}: handshake and echo`, async () => {
      const s = await ourServer({ tls12CipherSuites: [suite] }, tls12LeafFor(suite));
      const out = await sClient(s.port, ['-cipher', TLS12_OPENSSL_NAME[suite]]);
      expect(out).toContain(`New, TLSv1.2, Cipher is ${TLS12_OPENSSL_NAME[suite]}`);
      expect(out).toContain('Verify return code: 0 (ok)');
      expect(out).toContain('echo: hello');
      expect(out).toMatch(/Extended master secret: yes/);
    });
  }

  it('client certificate accepted: our server sees the chain', async () => {
    const s = await ourServer({ clientAuth: 'require' });
    const out = await sClient(s.port, ['-cert', pki.client.certPath, '-key', pki.client.keyPath]);
    expect(out).toContain('echo: hello');
    for (let i = 0; i < 100 && s.outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.outcomes).toEqual(['ok']);
    expect(s.conns[0]!.peerCertificates[0]).toEqual(pki.client.certified.chain[0]);
  });

  it('client certificate rejected: s_client gets our unknown_ca during its handshake', async () => {
    const s = await ourServer({ clientAuth: 'require' });
    const out = await sClient(s.port, ['-cert', pki.untrustedClient.certPath, '-key', pki.untrustedClient.keyPath]);
    expect(out).toMatch(/alert unknown ca/);
    expect(out).not.toContain('echo: hello');
    // Our side settles when its socket closes, which may be just after s_client exits.
    for (let i = 0; i < 100 && s.outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.outcomes).toEqual(['unknown_ca']);
  });
});

describe.concurrent('TLS 1.2 session tickets (RFC 5077) with OpenSSL', () => {
  it('our client resumes with a ticket from s_server -tls1_2', async () => {
    const s = await sServer([]);
    const first = await ourClient(s.port, clientConfig(pki, { ...V12, tls12RequestTicket: true }));
    const sessions: Tls12Session[] = [];
    first.on('endpoint_event', (ev: { type: string; tls12Session?: Tls12Session }) => {
      if (ev.type === 'new_session_ticket' && ev.tls12Session) sessions.push(ev.tls12Session);
    });
    await first.handshake();
    first.write('GET / HTTP/1.0\r\n\r\n');
    await readText(first);
    expect(sessions).toHaveLength(1);
    const { conn, page } = await getPage(s.port, { tls12Session: sessions[0]! });
    expect(conn.negotiated?.resumed).toBe(true);
    expect(page.text).toContain('Reused, TLSv1.2');
  });

  it('s_client -tls1_2 -sess_out / -sess_in resumes with a ticket from our server', async () => {
    const s = await ourServer({ tls12Tickets: { issuer: new SealedTicketIssuer(systemRandom) } });
    const sess = pki.path(`sess-${Date.now()}.pem`);
    const out1 = await sClient(s.port, ['-sess_out', sess]);
    expect(out1).toContain('New, TLSv1.2');
    expect(out1).toMatch(/TLS session ticket lifetime hint: 7200/);
    const out2 = await sClient(s.port, ['-sess_in', sess]);
    expect(out2).toContain('Reused, TLSv1.2');
    expect(out2).toContain('echo: hello');
    expect(s.conns.map((c) => c.negotiated?.resumed)).toEqual([false, true]);
  });
});

describe.concurrent('a 1.2+1.3 endpoint negotiates with OpenSSL (RFC 8446 §4.2.1)', () => {
  const BOTH: Partial<EndpointConfig> = { versions: ['TLSv1.2', 'TLSv1.3'], crypto };

  it('our client: TLS 1.2 with s_server -tls1_2, TLS 1.3 with a default s_server', async () => {
    const s12 = await sServer([]);
    const a = await getPage(s12.port, BOTH);
    expect([a.conn.endpoint.version, a.page.end]).toEqual(['TLSv1.2', 'eof']);
    expect(a.page.text).toContain('New, TLSv1.2');
    const s13 = await sServer([], 'p256', []);
    const b = await getPage(s13.port, BOTH);
    expect([b.conn.endpoint.version, b.page.end]).toEqual(['TLSv1.3', 'eof']);
    expect(b.page.text).toContain('New, TLSv1.3');
  });

  it('our server: TLS 1.2 with s_client -tls1_2 (with the downgrade sentinel, which a 1.2 client ignores), TLS 1.3 with a default s_client', async () => {
    const s = await ourServer(BOTH);
    const out12 = await sClient(s.port, []);
    expect(out12).toContain('New, TLSv1.2');
    expect(out12).toContain('echo: hello');
    const out13 = await sClient(s.port, [], []);
    expect(out13).toContain('New, TLSv1.3');
    expect(out13).toContain('echo: hello');
    expect(s.conns.map((c) => c.endpoint.version)).toEqual(['TLSv1.2', 'TLSv1.3']);
  });
});
