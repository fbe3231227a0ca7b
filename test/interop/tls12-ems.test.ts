/**
 * RFC 7627 against a real peer without extended_master_secret: Python's ssl (OpenSSL 3.0
 * underneath) with SSL_OP_NO_EXTENDED_MASTER_SECRET, TLS 1.2 only, as the client of our
 * server and as the server of our client. With tls12ExtendedMasterSecret 'prefer' the
 * handshake completes, data flows, and the NSS CLIENT_RANDOM line equals OpenSSL's (the
 * RFC 5246 §8.1 master secret on both sides); with the default 'require' the handshake
 * fails with handshake_failure.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProvider, systemRandom, type EndpointConfig, type Tls12Session } from '@tls13sim/handshake';
import { keylogLines, type TlsServer } from '../../packages/sim/src/net/index.js';
import { clientConfig, HOST, makePki, ourClient, readUntil, run, startEchoServer, type Pki, type Proc } from './helpers.js';

let pki: Pki;
const procs: Proc[] = [];
const servers: TlsServer[] = [];
const crypto = createNodeProvider();

beforeAll(() => {
  pki = makePki(['p256']);
});

afterAll(async () => {
  for (const p of procs) p.kill();
  await Promise.all(servers.map((s) => s.close()));
});

/** OpenSSL 3.0 ssl.h: SSL_OP_NO_EXTENDED_MASTER_SECRET is SSL_OP_BIT(0). */
const CLIENT = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.options |= 1
ctx.load_verify_locations(sys.argv[2])
ctx.keylog_filename = sys.argv[3]
try:
    s = ctx.wrap_socket(socket.create_connection(("${HOST}", int(sys.argv[1])), timeout=10), server_hostname="localhost")
    s.sendall(b"hello\\n")
    print("got", s.recv(100).decode().strip(), flush=True)
except ssl.SSLError as e:
    print("error", e.reason, flush=True)
`;

function ourServer(extra: Partial<EndpointConfig>) {
  return startEchoServer(
    () => ({ crypto, random: systemRandom, versions: ['TLSv1.2'], certificate: pki.server.p256.certified, validationTime: Date.now(), ...extra }),
    servers,
  );
}

async function pythonClient(port: number): Promise<{ out: string; keylog: string[] }> {
  const keylog = pki.path(`py-keylog-${port}.txt`);
  const p = run('python3', ['-c', CLIENT, String(port), pki.caPath, keylog]);
  procs.push(p);
  await p.exited(15_000);
  const lines = readFileSync(keylog, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('CLIENT_RANDOM'));
  return { out: p.output(), keylog: lines };
}

describe.concurrent('a TLS 1.2 client without extended_master_secret (Python ssl / OpenSSL 3.0)', () => {
  it("'prefer': completes, echoes, and both sides log the same master secret", async () => {
    const s = await ourServer({ tls12ExtendedMasterSecret: 'prefer' });
    const { out, keylog } = await pythonClient(s.port);
    expect(out).toContain('got echo: hello');
    expect(s.outcomes).toEqual(['ok']);
    expect(keylog).toHaveLength(1);
    expect(keylogLines(s.conns[0]!.events)).toEqual(keylog);
  });

  it("'require' (default): OpenSSL gets handshake_failure", async () => {
    const s = await ourServer({});
    const { out } = await pythonClient(s.port);
    expect(out).toContain('error SSLV3_ALERT_HANDSHAKE_FAILURE');
    for (let i = 0; i < 100 && s.outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.outcomes).toEqual(['handshake_failure']);
  });
});

/** An echo server, OpenSSL's TLS 1.2 tickets left on (its default), logging its secrets. */
const SERVER = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.options |= 1
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.keylog_filename = sys.argv[3]
ls = socket.create_server(("${HOST}", 0))
print("port", ls.getsockname()[1], flush=True)
conn, _ = ls.accept()
try:
    s = ctx.wrap_socket(conn, server_side=True)
    s.sendall(b"echo: " + s.recv(100))
    s.recv(100)
    print("closed", flush=True)
except (ssl.SSLError, OSError) as e:
    print("error", getattr(e, "reason", None) or e, flush=True)
`;

async function pythonServer(): Promise<{ port: number; proc: Proc; keylog: () => string[] }> {
  const keylog = pki.path(`py-server-keylog-${Date.now()}-${procs.length}.txt`);
  const proc = run('python3', ['-c', SERVER, pki.server.p256.certPath, pki.server.p256.keyPath, keylog]);
  procs.push(proc);
  const m = await proc.waitFor(/port (\d+)/);
  const lines = (): string[] =>
    readFileSync(keylog, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CLIENT_RANDOM'));
  return { port: Number(m[1]), proc, keylog: lines };
}

describe.concurrent('a TLS 1.2 server without extended_master_secret (Python ssl / OpenSSL 3.0): our client', () => {
  it("'prefer': completes and echoes with the RFC 5246 master secret, exports nothing, and keeps no ticket of that session", async () => {
    const py = await pythonServer();
    const conn = await ourClient(py.port, clientConfig(pki, { crypto, versions: ['TLSv1.2'], tls12ExtendedMasterSecret: 'prefer', tls12RequestTicket: true }));
    const sessions: Tls12Session[] = [];
    conn.on('endpoint_event', (ev: { type: string; tls12Session?: Tls12Session }) => {
      if (ev.type === 'new_session_ticket' && ev.tls12Session !== undefined) sessions.push(ev.tls12Session);
    });
    await conn.handshake();
    conn.write('hello\n');
    expect(await readUntil(conn, /echo: hello/)).toContain('echo: hello');
    const n = conn.negotiated;
    expect(n !== null && 'extendedMasterSecret' in n && n.extendedMasterSecret).toBe(false);
    expect(() => conn.endpoint.exportKeyingMaterial('EXPORTER-test', new Uint8Array(0), 32)).toThrow(/RFC 7627 §5.4/);
    // OpenSSL sent a NewSessionTicket (it was promised and is in the trace); we kept no session of it.
    const tickets = conn.events.filter((e) => e.type === 'record_received' && e.messages.includes('new_session_ticket'));
    expect(tickets).toHaveLength(1);
    expect(sessions).toEqual([]);
    await conn.close();
    await py.proc.exited(10_000);
    expect(py.proc.output()).toContain('closed');
    expect(py.keylog()).toHaveLength(1);
    expect(keylogLines(conn.events)).toEqual(py.keylog());
  });

  it("'require' (default): our client aborts at the ServerHello with handshake_failure", async () => {
    const py = await pythonServer();
    const conn = await ourClient(py.port, clientConfig(pki, { crypto, versions: ['TLSv1.2'] }));
    await expect(conn.handshake()).rejects.toThrow(/extended_master_secret/);
    await py.proc.exited(10_000);
    expect(py.proc.output()).toContain('error SSLV3_ALERT_HANDSHAKE_FAILURE');
  });
});
