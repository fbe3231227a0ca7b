/**
 * Node's `tls` (OpenSSL inside Node) as server against our client, and as client against
 * `tls13sim serve`, over real TCP.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CipherSuiteName, NamedGroupName, ResumptionSession } from '@tls13sim/handshake';
import { startServe, type ServeHandle } from '../../packages/sim/src/cli/serve.js';
import { renderConnectionKeylog, type TlsConnection } from '../../packages/sim/src/net/index.js';
import {
  HOST,
  clientConfig,
  describeOpened,
  epochs,
  expectSameKeylog,
  keyUpdates,
  makePki,
  openTapped,
  ourClient,
  readText,
  wireTap,
  type LeafKind,
  type Pki,
} from './helpers.js';

let pki: Pki;
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  pki = makePki();
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

const SUITES: CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
/** Our group names → Node's (OpenSSL's) ecdhCurve names. */
const NODE_GROUP: Record<string, string> = { x25519: 'X25519', x448: 'X448', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const GROUPS: NamedGroupName[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];
/** External PSK shared with Node (OpenSSL inside Node uses it with SHA-256 in TLS 1.3). */
const PSK_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const LEAVES: [LeafKind, string][] = [
  ['ed25519', 'ed25519'],
  ['p256', 'ecdsa_secp256r1_sha256'],
  ['p384', 'ecdsa_secp384r1_sha384'],
  ['rsa', 'rsa_pss_rsae_sha256'],
];

// ── Node as the server ──────────────────────────────────────────────────────────────────

interface NodeServer {
  readonly port: number;
  /** Server-side sockets, in order of secureConnection. */
  readonly sockets: tls.TLSSocket[];
  /** `error` events of those sockets. */
  readonly socketErrors: Error[];
  /** Errors from `tlsClientError` (handshakes Node's server failed). */
  readonly clientErrors: (Error & { code?: string })[];
  /** NSS key log lines from the server's `keylog` events, all connections, in order. */
  readonly keylog: string[];
}

/** A Node TLS 1.3 server that answers each line `X` with `echo: X` and ends on `bye`. */
async function nodeServer(options: tls.TlsOptions = {}, leaf: LeafKind = 'p256'): Promise<NodeServer> {
  const sockets: tls.TLSSocket[] = [];
  const socketErrors: Error[] = [];
  const clientErrors: (Error & { code?: string })[] = [];
  const server = tls.createServer(
    {
      key: readFileSync(pki.server[leaf].keyPath),
      cert: readFileSync(pki.server[leaf].certPath),
      minVersion: 'TLSv1.3',
      ...options,
    },
    (socket) => {
      sockets.push(socket);
      socket.on('error', (e) => socketErrors.push(e));
      let buf = '';
      socket.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line === 'bye') socket.end();
          else socket.write(`echo: ${line}\n`);
        }
      });
    },
  );
  server.on('tlsClientError', (e) => clientErrors.push(e));
  const keylog: string[] = [];
  server.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, sockets, socketErrors, clientErrors, keylog };
}

/** Our client: handshake, one echoed line, then `bye` (Node ends with close_notify). */
async function echoOnce(port: number, extra: Parameters<typeof clientConfig>[1] = {}): Promise<{ conn: TlsConnection; text: string; end: string | Error }> {
  const conn = await ourClient(port, clientConfig(pki, extra));
  await conn.handshake();
  conn.write('hello\nbye\n');
  const { text, end } = await readText(conn);
  return { conn, text, end };
}

describe.concurrent('our client against a Node tls server', () => {
  for (const suite of SUITES) {
    it(`exchanges data over ${suite}`, async () => {
      const s = await nodeServer({ ciphers: suite });
      const { conn, text, end } = await echoOnce(s.port, { cipherSuites: [suite] });
      expect(conn.negotiated?.suite.name).toBe(suite);
      expect(s.sockets[0]!.getCipher().name).toBe(suite);
      expect(text).toBe('echo: hello\n');
      expect(end).toBe('eof');
    });
  }

  for (const group of GROUPS) {
    it(`agrees on key exchange group ${group}`, async () => {
      const s = await nodeServer({ ecdhCurve: NODE_GROUP[group]! });
      const { conn, text } = await echoOnce(s.port, { groups: [group] });
      expect(conn.negotiated?.group).toBe(group);
      expect(text).toBe('echo: hello\n');
    });
  }

  for (const [leaf, scheme] of LEAVES) {
    it(`verifies a ${leaf} certificate chain and CertificateVerify (${scheme}) from Node`, async () => {
      const s = await nodeServer({}, leaf);
      const { conn, text } = await echoOnce(s.port);
      expect(conn.negotiated?.serverSignatureScheme).toBe(scheme);
      expect(text).toBe('echo: hello\n');
    });
  }

  it('answers a HelloRetryRequest from Node', async () => {
    const s = await nodeServer({ ecdhCurve: 'P-384' });
    const { conn, text } = await echoOnce(s.port, { groups: ['x25519', 'secp384r1'], keyShareGroups: ['x25519'] });
    expect(conn.negotiated?.helloRetry).toBe(true);
    expect(conn.negotiated?.group).toBe('secp384r1');
    expect(text).toBe('echo: hello\n');
  });

  it('authenticates with a client certificate Node trusts', async () => {
    const s = await nodeServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) });
    const { text } = await echoOnce(s.port, { certificate: pki.client.certified });
    expect(text).toBe('echo: hello\n');
    expect(s.sockets[0]!.authorized).toBe(true);
    expect(s.sockets[0]!.getPeerCertificate().subject.CN).toBe('interop client');
  });

  it('the SSL_connect question with Node: connect succeeds; Node drops the connection without an alert, so the first read reports truncation', async () => {
    // Node verifies client certificates after the handshake and destroys the socket: no alert.
    const s = await nodeServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) });
    const conn = await ourClient(s.port, clientConfig(pki, { certificate: pki.untrustedClient.certified }));
    await expect(conn.handshake()).resolves.toBeUndefined();
    conn.write('hello\n');
    const err = await conn.read().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toMatch(/TruncationError|ConnectionClosedError/);
    expect(conn.events.some((e) => e.type === 'alert_received')).toBe(false);
    expect(conn.ledger.peerVerdict.verdict).toBe('unknown');
  });

  it('client certificate missing, required: connect succeeds with an empty Certificate; Node sends certificate_required, which our first read returns', async () => {
    // Unlike an untrusted certificate (checked by Node after the handshake, no alert), a
    // missing one is refused by OpenSSL inside the handshake (SSL_VERIFY_FAIL_IF_NO_PEER_CERT), with an alert.
    const s = await nodeServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) });
    const conn = await ourClient(s.port, clientConfig(pki));
    await expect(conn.handshake()).resolves.toBeUndefined();
    expect(conn.ledger.peerVerdict.verdict).toBe('unknown');
    const sent = conn.events.flatMap((e) => (e.type === 'record_sent' ? [...e.messages] : []));
    expect(sent).toContain('certificate');
    expect(sent).not.toContain('certificate_verify');
    conn.write('hello\n');
    const err = await conn.read().then(
      () => undefined,
      (e: unknown) => e as Error & { alert?: string },
    );
    expect(err?.name).toBe('PeerAlertError');
    expect(err?.alert).toBe('certificate_required');
    expect(conn.ledger.peerVerdict).toMatchObject({ verdict: 'rejected', alert: { level: 'fatal', description: 'certificate_required' } });
    // Node's server never emitted secureConnection; tlsClientError says why.
    expect(s.sockets).toHaveLength(0);
    expect(s.clientErrors.map((e) => e.code)).toEqual(['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    expect(s.clientErrors[0]!.message).toMatch(/peer did not return a certificate/);
  });

  const pskServer = (identities: string[], options: tls.TlsOptions = {}): Promise<NodeServer> =>
    nodeServer({
      pskCallback: (_socket, identity) => {
        identities.push(identity);
        return Buffer.from(PSK_HEX, 'hex');
      },
      ...options,
    });
  const PSK = { identity: new TextEncoder().encode('interop'), key: Uint8Array.from(Buffer.from(PSK_HEX, 'hex')), hash: 'sha256' as const };

  it('handshakes with an external PSK (Node pskCallback, no server certificate)', async () => {
    const identities: string[] = [];
    const s = await pskServer(identities, { key: undefined, cert: undefined });
    // No trust anchors: nothing but the PSK can authenticate Node.
    const { conn, text, end } = await echoOnce(s.port, { externalPsk: PSK, trustAnchors: [] });
    expect(identities).toEqual(['interop']);
    expect(conn.negotiated?.resumed).toBe(true);
    expect(conn.negotiated?.suite.hash).toBe('sha256');
    expect(conn.peerCertificates).toHaveLength(0);
    expect(s.sockets[0]!.isSessionReused()).toBe(true);
    expect(text).toBe('echo: hello\n');
    expect(end).toBe('eof');
  });

  it('external PSK with a certificate too: Node picks TLS_AES_256_GCM_SHA384 first, then ignores our SHA-256 PSK and authenticates with its certificate', async () => {
    const identities: string[] = [];
    const s = await pskServer(identities);
    const { conn, text } = await echoOnce(s.port, { externalPsk: PSK });
    // The callback ran (the identity was looked up), but the PSK's hash does not fit the suite.
    expect(identities).toEqual(['interop']);
    expect(conn.negotiated?.suite.name).toBe('TLS_AES_256_GCM_SHA384');
    expect(conn.negotiated?.resumed).toBe(false);
    expect(conn.negotiated?.serverSignatureScheme).toBe('ecdsa_secp256r1_sha256');
    expect(s.sockets[0]!.isSessionReused()).toBe(false);
    expect(text).toBe('echo: hello\n');
    // Limiting Node to a SHA-256 suite makes it use the PSK.
    const limited = await pskServer([], { ciphers: 'TLS_AES_128_GCM_SHA256' });
    const again = await echoOnce(limited.port, { externalPsk: PSK, trustAnchors: [] });
    expect(again.conn.negotiated?.resumed).toBe(true);
    expect(again.conn.peerCertificates).toHaveLength(0);
  });

  it('resumes with a ticket from Node', async () => {
    const s = await nodeServer();
    const conn = await ourClient(s.port, clientConfig(pki));
    const session = new Promise<ResumptionSession>((resolve) =>
      conn.on('endpoint_event', (ev: { type: string; session?: ResumptionSession }) => {
        if (ev.type === 'new_session_ticket' && ev.session) resolve(ev.session);
      }),
    );
    await conn.handshake();
    conn.write('hello\nbye\n');
    await readText(conn);
    const again = await echoOnce(s.port, { session: await session });
    expect(again.conn.negotiated?.resumed).toBe(true);
    expect(s.sockets[1]!.isSessionReused()).toBe(true);
    expect(again.text).toBe('echo: hello\n');
  });

  it('sends a KeyUpdate(update_requested) that Node follows and answers', async () => {
    const s = await nodeServer();
    const conn = await ourClient(s.port, clientConfig(pki));
    await conn.handshake();
    conn.keyUpdate(true);
    conn.write('after update\nbye\n');
    const { text, end } = await readText(conn);
    expect(text).toBe('echo: after update\n');
    expect(end).toBe('eof');
    expect(epochs(conn, 'read')).toContain('application+1');
  });

  it('negotiates ALPN with Node', async () => {
    const s = await nodeServer({ ALPNProtocols: ['h2', 'http/1.1'] });
    const { conn } = await echoOnce(s.port, { alpn: ['http/1.1'] });
    expect(conn.negotiated?.alpn).toBe('http/1.1');
    expect(s.sockets[0]!.alpnProtocol).toBe('http/1.1');
  });

  it('sends SNI that Node sees', async () => {
    const names: string[] = [];
    const s = await nodeServer({
      SNICallback: (name, cb) => {
        names.push(name);
        cb(null, tls.createSecureContext({ key: readFileSync(pki.alt.keyPath), cert: readFileSync(pki.alt.certPath) }));
      },
    });
    // Our client checks the certificate against alt.test: only the SNICallback's certificate matches.
    const { conn, text } = await echoOnce(s.port, { serverName: 'alt.test' });
    expect(text).toBe('echo: hello\n');
    expect(names).toEqual(['alt.test']);
    // Node's SNICallback path does not acknowledge server_name in EncryptedExtensions
    // (RFC 6066 §3: the server MAY); our client reports only an acknowledged name.
    expect(conn.negotiated?.serverName).toBeNull();
  });

  // The two close_notify cases read the records off the wire (wireTap) and open them with
  // the client's application traffic secret as Node's server logged it: our own trace
  // saying "alert_sent" is not evidence that the peer got one.
  it('answers the close_notify Node sends on end(): ours is on the wire, under the key Node derived, then our FIN', async () => {
    const s = await nodeServer();
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const { conn, end } = await echoOnce(tap.port);
    expect(end).toBe('eof');
    await new Promise((r) => (conn.closed ? r(null) : conn.once('close', r)));
    expect(conn.closed).toEqual({ kind: 'clean' });
    expect(conn.events.filter((e) => e.type === 'alert_sent').map((e) => (e.type === 'alert_sent' ? e.description : ''))).toEqual(['close_notify']);
    await Promise.all([tap.ended.c2s, tap.ended.s2c]);
    const suite = conn.negotiated!.suite.name;
    const keylog = s.keylog.join('');
    const fromNode = openTapped(tap, 's2c', suite, keylog).map(describeOpened);
    expect(fromNode.slice(-2)).toEqual(['application_data 12 bytes', 'alert close_notify']);
    const ours = openTapped(tap, 'c2s', suite, keylog).map(describeOpened);
    expect(ours).toEqual(['application_data 10 bytes', 'alert close_notify']);
  });

  it("sends close_notify before its FIN, under the key Node derived, and Node's socket ends without an error", async () => {
    const s = await nodeServer();
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const conn = await ourClient(tap.port, clientConfig(pki));
    await conn.handshake();
    conn.write('hello\n');
    await conn.read();
    const ended = new Promise<void>((resolve) => s.sockets[0]!.once('end', () => resolve()));
    await conn.close();
    await ended;
    await tap.ended.c2s;
    expect(s.socketErrors).toEqual([]);
    const suite = conn.negotiated!.suite.name;
    const ours = openTapped(tap, 'c2s', suite, s.keylog.join('')).map(describeOpened);
    expect(ours).toEqual(['application_data 6 bytes', 'alert close_notify']);
  });

  it("writes the same keylog as Node's server (keylog events), for the same client random", async () => {
    const s = await nodeServer();
    const { conn, end } = await echoOnce(s.port);
    expect(end).toBe('eof');
    expectSameKeylog(renderConnectionKeylog(conn.toTrace()), s.keylog.join(''));
  });
});

// ── Node as the client ──────────────────────────────────────────────────────────────────

async function serve(args: readonly string[], leaf: LeafKind = 'p256'): Promise<{ port: number; conns: TlsConnection[]; log: () => string }> {
  let log = '';
  const io = {
    stdout: (t: string) => void (log += t),
    stderr: (t: string) => void (log += t),
    writeFile: (p: string, d: string | Uint8Array) => writeFileSync(p, d),
  };
  const h: ServeHandle = await startServe(['--port', '0', '--cert', pki.server[leaf].certPath, '--key', pki.server[leaf].keyPath, ...args], io, {
    trace: 'handshake',
  });
  closers.push(() => h.close());
  const conns: TlsConnection[] = [];
  h.server.on('connection', (c: TlsConnection) => conns.push(c));
  return { port: h.port, conns, log: () => log };
}

interface NodeResult {
  readonly text: string;
  readonly socket: tls.TLSSocket;
  readonly error?: Error;
  readonly secure: boolean;
  readonly session?: Buffer;
  /** Taken at secureConnect (Node clears them when the socket closes). */
  readonly cipher?: string;
  readonly reused?: boolean;
  readonly authorized?: boolean;
  readonly alpn?: string | false | null;
}

/** A Node TLS 1.3 client: sends `request`, reads to the end (or error). */
function nodeGet(
  port: number,
  options: tls.ConnectionOptions & { onKeylog?: (line: string) => void } = {},
  request = 'GET / HTTP/1.0\r\n\r\n',
): Promise<NodeResult> {
  const { onKeylog, ...connectOptions } = options;
  return new Promise((resolve) => {
    let text = '';
    let secure = false;
    let session: Buffer | undefined;
    let info: Pick<NodeResult, 'cipher' | 'reused' | 'authorized' | 'alpn'> = {};
    const socket = tls.connect({ host: HOST, port, servername: 'localhost', ca: readFileSync(pki.caPath), minVersion: 'TLSv1.3', ...connectOptions }, () => {
      secure = true;
      info = { cipher: socket.getCipher().name, reused: socket.isSessionReused(), authorized: socket.authorized, alpn: socket.alpnProtocol };
      socket.write(request);
    });
    if (onKeylog) socket.on('keylog', (line: Buffer) => onKeylog(line.toString('latin1')));
    socket.on('session', (s: Buffer) => (session = s));
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const done = (error?: Error): void => resolve({ text, socket, secure, ...info, ...(error ? { error } : {}), ...(session ? { session } : {}) });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done());
  });
}

describe.concurrent('a Node tls client against tls13sim serve', () => {
  for (const suite of SUITES) {
    it(`serves Node over ${suite}`, async () => {
      const s = await serve([]);
      const r = await nodeGet(s.port, { ciphers: suite });
      expect(r.error).toBeUndefined();
      expect(r.cipher).toBe(suite);
      expect(r.text).toContain(`cipher suite: ${suite}`);
    });
  }

  for (const group of GROUPS) {
    it(`agrees with Node on group ${group}`, async () => {
      const s = await serve([]);
      const r = await nodeGet(s.port, { ecdhCurve: NODE_GROUP[group]! });
      expect(r.text).toContain(`group: ${group}`);
      expect(r.text).toContain('hello retry: no');
    });
  }

  for (const [leaf, scheme] of LEAVES) {
    it(`presents a ${leaf} chain Node verifies (${scheme})`, async () => {
      const s = await serve([], leaf);
      const r = await nodeGet(s.port);
      expect(r.error).toBeUndefined();
      expect(r.authorized).toBe(true);
      expect(r.text).toContain('HTTP/1.0 200 ok');
    });
  }

  it('sends Node a HelloRetryRequest', async () => {
    const s = await serve(['--groups', 'secp384r1']);
    const r = await nodeGet(s.port, { ecdhCurve: 'X25519:P-384' });
    expect(r.text).toContain('hello retry: yes');
    expect(r.text).toContain('group: secp384r1');
  });

  it('accepts a client certificate from Node', async () => {
    const s = await serve(['--client-auth', 'require', '--ca', pki.caPath]);
    const r = await nodeGet(s.port, { cert: readFileSync(pki.client.certPath), key: readFileSync(pki.client.keyPath) });
    expect(r.text).toContain('client certificate: CN=interop client, O=tls13sim');
  });

  it('the SSL_connect question from Node: secureConnect fires, then the alert arrives as an error', async () => {
    const s = await serve(['--client-auth', 'require', '--ca', pki.caPath]);
    const r = await nodeGet(s.port, { cert: readFileSync(pki.untrustedClient.certPath), key: readFileSync(pki.untrustedClient.keyPath) });
    expect(r.secure).toBe(true);
    expect(r.error?.message).toMatch(/alert unknown ca/i);
    expect(r.text).toBe('');
  });

  it('client certificate missing, required: secureConnect fires, then certificate_required arrives as an error', async () => {
    const s = await serve(['--client-auth', 'require', '--ca', pki.caPath]);
    const seen: string[] = [];
    let error: (Error & { code?: string }) | undefined;
    let text = '';
    await new Promise<void>((resolve) => {
      const socket = tls.connect({ host: HOST, port: s.port, servername: 'localhost', ca: readFileSync(pki.caPath), minVersion: 'TLSv1.3' }, () => {
        seen.push(`secureConnect authorized=${socket.authorized}`);
        socket.write('GET / HTTP/1.0\r\n\r\n');
      });
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', (e) => {
        seen.push('error');
        error = e;
      });
      socket.on('close', () => {
        seen.push('close');
        resolve();
      });
    });
    // (Node also emits 'end' between error and close when it reads the FIN: not listened for, timing.)
    expect(seen).toEqual(['secureConnect authorized=true', 'error', 'close']);
    expect(error?.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(error?.message).toMatch(/tlsv13 alert certificate required.*SSL alert number 116/s);
    expect(text).toBe('');
    await waitFor(() => /handshake failed: sent alert certificate_required/.test(s.log()));
  });

  it('handshakes with an external PSK from Node (pskCallback / --psk)', async () => {
    const s = await serve(['--psk', PSK_HEX, '--psk-identity', 'interop']);
    const hints: (string | null)[] = [];
    // No CA and no name to check: only the PSK can authenticate our server to Node.
    const r = await nodeGet(s.port, {
      servername: undefined,
      ca: undefined,
      pskCallback: (hint) => {
        hints.push(hint);
        return { psk: Buffer.from(PSK_HEX, 'hex'), identity: 'interop' };
      },
    });
    expect(r.error).toBeUndefined();
    // TLS 1.3 has no identity hint.
    expect(hints).toEqual([null]);
    expect(r.reused).toBe(true);
    expect(r.cipher).toMatch(/_SHA256$/);
    // Node counts a PSK handshake as authorized, with no certificate.
    expect(r.authorized).toBe(true);
    expect(r.text).toContain('HTTP/1.0 200 ok');
    expect(r.text).toContain('resumed: yes');
    expect(r.text).toContain('signature scheme: (none)');
    await waitFor(() => /accepted: TLS_\w+_SHA256 \w+ resumed/.test(s.log()));
  });

  it('issues tickets Node resumes with', async () => {
    const s = await serve([]);
    const first = await nodeGet(s.port);
    expect(first.session).toBeDefined();
    const second = await nodeGet(s.port, { session: first.session! });
    expect(second.reused).toBe(true);
    expect(second.text).toContain('resumed: yes');
  });

  it('GET /keyupdate: Node follows our KeyUpdate(update_requested) and reads the answer', async () => {
    const s = await serve([]);
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const keylog: string[] = [];
    const r = await nodeGet(tap.port, { onKeylog: (line) => keylog.push(line) }, 'GET /keyupdate HTTP/1.0\r\n\r\n');
    expect(r.text).toContain('sent KeyUpdate(update_requested)');
    expect(r.text).toContain('write epoch: application+1');
    // On the wire, under the secret Node logged: request_update 1, then the answer under the next secret.
    await tap.ended.s2c;
    const fromServe = openTapped(tap, 's2c', r.cipher!, keylog.join(''));
    expect(keyUpdates(fromServe)).toEqual([[24, 0, 0, 1, 1]]);
    expect(fromServe.map(describeOpened).slice(-2)).toEqual([expect.stringMatching(/^application_data /), 'alert close_notify']);
  });

  it('negotiates ALPN with Node', async () => {
    const s = await serve(['--alpn', 'http/1.1']);
    const r = await nodeGet(s.port, { ALPNProtocols: ['h2', 'http/1.1'] });
    expect(r.alpn).toBe('http/1.1');
    expect(r.text).toContain('ALPN: http/1.1');
  });

  it('reads the SNI Node sends', async () => {
    const s = await serve([]);
    const r = await nodeGet(s.port, { servername: 'example.test', checkServerIdentity: () => undefined });
    expect(r.text).toContain('SNI: example.test');
  });

  // As in the Node-server cases above, serve's close_notify is read off the wire and opened
  // with the server's application traffic secret from Node's client keylog.
  it('closes with close_notify after the response, then its FIN: Node sees a clean end', async () => {
    const s = await serve([]);
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const keylog: string[] = [];
    const r = await nodeGet(tap.port, { onKeylog: (line) => keylog.push(line) });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('HTTP/1.0 200 ok');
    await waitFor(() => /closed: clean close/.test(s.log()));
    await tap.ended.s2c;
    const fromServe = openTapped(tap, 's2c', r.cipher!, keylog.join('')).map(describeOpened);
    expect(fromServe.at(-1)).toBe('alert close_notify');
    expect(fromServe.at(-2)).toMatch(/^application_data /);
  });

  it("answers the close_notify Node sends on end(): serve's is on the wire, under the key Node derived", async () => {
    const s = await serve(['--echo']);
    const tap = await wireTap(s.port);
    closers.push(() => tap.close());
    const keylog: string[] = [];
    let cipher = '';
    const text = await new Promise<string>((resolve, reject) => {
      let got = '';
      const socket = tls.connect({ host: HOST, port: tap.port, servername: 'localhost', ca: readFileSync(pki.caPath), minVersion: 'TLSv1.3' }, () => {
        cipher = socket.getCipher().name;
        socket.write('ping');
      });
      socket.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
      socket.on('data', (d: Buffer) => {
        got += d.toString();
        if (got === 'ping') socket.end();
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(got));
    });
    expect(text).toBe('ping');
    await waitFor(() => /closed: clean close/.test(s.log()));
    const conn = s.conns[0]!;
    const alerts = conn.events.flatMap((e) => (e.type === 'alert_received' || e.type === 'alert_sent' ? [`${e.type}:${e.description}`] : []));
    expect(alerts).toEqual(['alert_received:close_notify', 'alert_sent:close_notify']);
    await Promise.all([tap.ended.c2s, tap.ended.s2c]);
    const keylogText = keylog.join('');
    const fromNode = openTapped(tap, 'c2s', cipher, keylogText).map(describeOpened);
    expect(fromNode).toEqual(['application_data 4 bytes', 'alert close_notify']);
    const fromServe = openTapped(tap, 's2c', cipher, keylogText).map(describeOpened);
    expect(fromServe.slice(-2)).toEqual(['application_data 4 bytes', 'alert close_notify']);
  });

  it("writes the same keylog (serve --keylog) as Node's client (keylog events), for the same client random", async () => {
    const ours = pki.path(`serve-keylog-${Math.random()}.txt`);
    const s = await serve(['--keylog', ours]);
    const theirs: string[] = [];
    const r = await nodeGet(s.port, { onKeylog: (line) => theirs.push(line) });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('HTTP/1.0 200 ok');
    // serve appends as keys are installed: the client's application secret comes with its
    // Finished, EXPORTER_SECRET when the server's handshake completes on it.
    await waitFor(() => readFileSync(ours, 'utf8').includes('EXPORTER_SECRET '));
    expectSameKeylog(readFileSync(ours, 'utf8'), theirs.join(''));
  });
});

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
