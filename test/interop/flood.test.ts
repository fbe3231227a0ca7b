/**
 * `tls13sim serve` against floods over real TCP (issue 16 item 6): a connection that sends
 * records carrying nothing is cut after 32 of them (the record layer's limit), and what
 * serve keeps of a connection's trace is bounded (HANDSHAKE_TRACE_LIMIT) however many reads
 * it makes, while a short connection's trace is whole. The memory goal itself is measured
 * by `pnpm bench --filter flood`, not here.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerByName } from '@tls13sim/handshake';
import { startServe, type ServeHandle } from '../../packages/sim/src/cli/serve.js';
import { HANDSHAKE_TRACE_LIMIT, connectTls, renderConnectionKeylog, type TlsConnection } from '../../packages/sim/src/net/index.js';
import { HOST, clientConfig, makePki, type Pki } from './helpers.js';

let pki: Pki;
let handle: ServeHandle;
const conns: TlsConnection[] = [];

beforeAll(async () => {
  pki = makePki(['p256']);
  const quiet = { stdout: () => {}, stderr: () => {}, writeFile: () => {} };
  handle = await startServe(['--port', '0', '--echo', '--crypto', 'node', '--cert', pki.server.p256.certPath, '--key', pki.server.p256.keyPath], quiet, {
    trace: 'handshake',
  });
  handle.server.on('connection', (c: TlsConnection) => conns.push(c));
});

afterAll(async () => {
  await handle.close();
});

/** Sends `bytes` on a raw TCP connection; resolves with everything serve sent until it closed (or `waitMs`). */
function rawExchange(bytes: Uint8Array, waitMs: number): Promise<{ received: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s: Socket = netConnect({ host: HOST, port: handle.port }, () => s.write(bytes));
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ received: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => done(true));
    s.on('error', () => done(true));
  });
}

function repeat(record: readonly number[], n: number): Uint8Array {
  return new Uint8Array(Array.from({ length: n }, () => record).flat());
}

/** The NSS keylog lines of a connection's trace, in order of label (the two sides install keys in different orders). */
function keylogLines(c: TlsConnection): string[] {
  return renderConnectionKeylog(c.toTrace()).split('\n').filter(Boolean).sort();
}

/** §6: warning (1) user_canceled (90) in a TLSPlaintext alert record. */
const USER_CANCELED = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 90];

describe('serve under a flood', () => {
  it('cuts a connection sending user_canceled alerts before its ClientHello with a fatal unexpected_message, long before the handshake timeout', async () => {
    const { received, closed } = await rawExchange(repeat(USER_CANCELED, 1000), 4000);
    expect(closed, 'serve closed the connection (its handshake timeout is 10 s)').toBe(true);
    // fatal (2) unexpected_message (10), in the clear: the first and only record.
    expect([...received]).toEqual([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 10]);
  });

  it("keeps a bounded trace of an echo connection making thousands of reads, and the trace still holds the handshake's keylog", async () => {
    const before = conns.length;
    const client = await connectTls({ host: HOST, port: handle.port, config: clientConfig(pki, { crypto: providerByName('node') }), trace: 'handshake' });
    await client.handshake();
    const limit = 4096;
    expect(HANDSHAKE_TRACE_LIMIT.events).toBe(limit);
    // Each round trip is one read and one write for serve: two app_call events.
    const rounds = limit / 2 + 100;
    for (let i = 0; i < rounds; i++) {
      await client.writeAsync(new Uint8Array([i & 0xff]));
      const echoed = await client.read();
      expect(echoed).toEqual(new Uint8Array([i & 0xff]));
    }
    const server = conns[before]!;
    expect(server.events.length).toBe(limit);
    expect(server.events.at(-1)).toMatchObject({ type: 'note', fact: 'trace_truncated' });
    const keylog = keylogLines(server);
    expect(keylog).toEqual(keylogLines(client));
    expect(keylog).toHaveLength(5);
    await client.close();
  });

  it('keeps the whole trace of a short connection: no truncation note', async () => {
    const before = conns.length;
    const client = await connectTls({ host: HOST, port: handle.port, config: clientConfig(pki, { crypto: providerByName('node') }) });
    await client.handshake();
    await client.writeAsync('hello');
    expect(new TextDecoder().decode((await client.read())!)).toBe('hello');
    await client.close();
    const server = conns[before]!;
    expect(server.events.length).toBeGreaterThan(10);
    expect(server.events.some((e) => e.type === 'note' && e.fact === 'trace_truncated')).toBe(false);
    expect(keylogLines(server)).toEqual(keylogLines(client));
  });
});
