/**
 * TLS 1.2 against Node's `tls` (OpenSSL inside Node) with maxVersion 'TLSv1.2', both roles,
 * over real TCP: every suite, client authentication accepted and rejected. Node as the
 * server rejecting our certificate makes our connect() fail; our server rejecting Node's
 * makes Node's handshake fail (an 'error' before 'secureConnect').
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProvider, systemRandom, type EndpointConfig } from '@tls13sim/handshake';
import { keylogLines, TlsServer } from '../../packages/sim/src/net/index.js';
import { clientConfig, HOST, makePki, ourClient, readText, TLS12_OPENSSL_NAME, TLS12_SUITES, tls12LeafFor, type LeafKind, type Pki } from './helpers.js';

let pki: Pki;
const closers: (() => Promise<void>)[] = [];
const crypto = createNodeProvider();
const V12: Partial<EndpointConfig> = { versions: ['TLSv1.2'], crypto };

beforeAll(() => {
  pki = makePki(['p256', 'rsa']);
});

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

/** A Node TLS 1.2 server answering the first chunk `X` with `echo: X`, then ending. */
async function nodeServer(options: tls.TlsOptions, leaf: LeafKind = 'p256') {
  const errors: (Error & { code?: string })[] = [];
  const keylog: string[] = [];
  const server = tls.createServer(
    { key: readFileSync(pki.server[leaf].keyPath), cert: readFileSync(pki.server[leaf].certPath), maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2', ...options },
    (s) => s.once('data', (d: Buffer) => s.end(`echo: ${d.toString()}`)),
  );
  server.on('tlsClientError', (e) => errors.push(e));
  server.on('keylog', (line: Buffer) => keylog.push(line.toString().trim()));
  await new Promise<void>((r) => server.listen(0, HOST, r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, errors, keylog };
}

describe.concurrent("our TLS 1.2 client against Node's tls server (maxVersion TLSv1.2)", () => {
  for (const suite of TLS12_SUITES) {
    it(`${suite}: handshake, echo, close; the CLIENT_RANDOM key log line equals Node's`, async () => {
      const s = await nodeServer({ ciphers: TLS12_OPENSSL_NAME[suite] }, tls12LeafFor(suite));
      const conn = await ourClient(s.port, clientConfig(pki, { ...V12, tls12CipherSuites: [suite] }));
      await conn.handshake();
      expect(conn.negotiated?.suite.name).toBe(suite);
      conn.write('hi');
      const r = await readText(conn);
      expect(r).toEqual({ text: 'echo: hi', end: 'eof' });
      expect(keylogLines(conn.events)).toEqual(s.keylog);
    });
  }

  it('client certificate accepted (requestCert, rejectUnauthorized)', async () => {
    const s = await nodeServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) });
    const conn = await ourClient(s.port, clientConfig(pki, { ...V12, certificate: pki.client.certified }));
    await conn.handshake();
    conn.write('hi');
    expect((await readText(conn)).text).toBe('echo: hi');
  });

  it('client certificate rejected: our connect() fails inside the handshake (Node closes the connection without an alert)', async () => {
    // Node's server judges the client certificate itself (rejectUnauthorized) and destroys the
    // socket instead of letting OpenSSL send an alert: our handshake sees the end of the stream
    // before the server's Finished.
    const s = await nodeServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) });
    const conn = await ourClient(s.port, clientConfig(pki, { ...V12, certificate: pki.untrustedClient.certified }));
    await expect(conn.handshake()).rejects.toMatchObject({ name: 'TruncationError' });
    expect(conn.connectedAt).toBeUndefined();
    expect(conn.endpoint.state).toBe('WAIT_CCS');
  });
});

/** Our TLS 1.2 server: echoes the first chunk and closes; records each handshake's outcome. */
async function ourServer(extra: Partial<EndpointConfig>, leaf: LeafKind = 'p256') {
  const outcomes: string[] = [];
  const server = new TlsServer({
    config: () => ({
      crypto,
      random: systemRandom,
      certificate: pki.server[leaf].certified,
      validationTime: Date.now(),
      trustAnchors: [pki.caDer],
      ...V12,
      ...extra,
    }),
    onConnection: async (conn) => {
      try {
        await conn.handshake();
      } catch (e) {
        outcomes.push((e as { alert?: string }).alert ?? String(e));
        return;
      }
      outcomes.push('ok');
      const d = await conn.read();
      conn.write(`echo: ${new TextDecoder().decode(d ?? new Uint8Array(0))}`);
      await conn.close();
    },
    onError: () => {},
  });
  closers.push(() => server.close());
  return { port: (await server.listen(0, HOST)).port, outcomes };
}

/** Node's TLS 1.2 client: sends `hi`, returns what came back or the error. */
function nodeClient(
  port: number,
  options: tls.ConnectionOptions,
): Promise<{ text: string; cipher?: string; version?: string; error?: Error & { code?: string } }> {
  return new Promise((resolve) => {
    let text = '';
    const s = tls.connect({ host: HOST, port, servername: 'localhost', ca: readFileSync(pki.caPath), maxVersion: 'TLSv1.2', ...options }, () => s.write('hi'));
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('end', () => resolve({ text, cipher: s.getCipher()?.name, version: s.getProtocol() ?? undefined }));
    s.on('error', (error: Error & { code?: string }) => resolve({ text, error }));
    s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
  });
}

describe.concurrent("Node's tls client (maxVersion TLSv1.2) against our TLS 1.2 server", () => {
  for (const suite of TLS12_SUITES) {
    it(`${suite}: handshake and echo`, async () => {
      const s = await ourServer({ tls12CipherSuites: [suite] }, tls12LeafFor(suite));
      const r = await nodeClient(s.port, { ciphers: TLS12_OPENSSL_NAME[suite] });
      expect(r).toMatchObject({ text: 'echo: hi', cipher: TLS12_OPENSSL_NAME[suite], version: 'TLSv1.2' });
    });
  }

  it('client certificate accepted', async () => {
    const s = await ourServer({ clientAuth: 'require' });
    const r = await nodeClient(s.port, { cert: readFileSync(pki.client.certPath), key: readFileSync(pki.client.keyPath) });
    expect(r.text).toBe('echo: hi');
    expect(s.outcomes).toEqual(['ok']);
  });

  it("client certificate rejected: Node's handshake fails with our unknown_ca", async () => {
    const s = await ourServer({ clientAuth: 'require' });
    const r = await nodeClient(s.port, { cert: readFileSync(pki.untrustedClient.certPath), key: readFileSync(pki.untrustedClient.keyPath) });
    expect(r.error?.code).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    expect(r.text).toBe('');
    for (let i = 0; i < 100 && s.outcomes.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(s.outcomes).toEqual(['unknown_ca']);
  });
});
