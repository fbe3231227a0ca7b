/**
 * The real side of a differential case whose `side` is 'server': the library's harness
 * serves on a free loopback port and runs the case's script as the server; our client (the
 * TCP adapter over our endpoint) connects and runs the case's client program
 * (packages/sim/src/lens/cases.ts, ClientProgram) — what run-case.ts's clientProgram does in
 * the simulation.
 */
import { createNodeProvider, systemRandom } from '@tls13sim/handshake';
import type { DiffCase } from '../../packages/sim/src/lens/cases.js';
import { connectTls, type TlsConnection } from '../../packages/sim/src/net/index.js';
import { HOST, freePort } from '../interop/helpers.js';
import { BLOCK_MS, WAIT_MS, type HarnessInput, type Outcome } from './harness.js';
import type { DiffPki } from './server.js';

/** How long our client keeps trying to reach a harness that is not listening yet. */
const CONNECT_WINDOW_MS = 5000;

/** One real run: the harness as the server (`run`), our client against it. */
export async function runOnClient(c: DiffCase, pki: DiffPki, run: (input: HarnessInput) => Promise<Outcome[]>): Promise<Outcome[]> {
  const port = await freePort();
  const outcomes = run({
    role: 'server',
    host: HOST,
    port,
    cert: pki.server.p256.certPath,
    key: pki.server.p256.keyPath,
    ...(c.server.clientAuth === 'require' ? { clientAuth: 'require' as const, verifyCa: pki.caPath } : {}),
    pha: false,
    waitMs: WAIT_MS,
    blockMs: BLOCK_MS,
    script: c.script,
  });
  // The harness's failure is the one to report: our client only follows it.
  const client = runClientProgram(c, pki, port).catch(() => undefined);
  const [got] = await Promise.all([outcomes, client]);
  return got;
}

async function connectSoon(c: DiffCase, pki: DiffPki, port: number): Promise<TlsConnection> {
  const id = c.clientCert === 'trusted' ? pki.client : c.clientCert === 'untrusted' ? pki.untrustedClient : undefined;
  const until = Date.now() + CONNECT_WINDOW_MS;
  for (;;) {
    try {
      return await connectTls({
        host: HOST,
        port,
        config: {
          crypto: createNodeProvider(),
          random: systemRandom,
          ...(id !== undefined ? { certificate: id.certified } : {}),
          // As the simulated client: no verification, unless the case verifies the server (for the name localhost).
          ...(c.verifyServer === undefined
            ? { insecure: true }
            : { trustAnchors: [c.verifyServer === 'trusted' ? pki.caDer : pki.otherCaDer], serverName: 'localhost' }),
        },
        handshakeTimeoutMs: 10_000,
        idleTimeoutMs: 20_000,
      });
    } catch (e) {
      if ((e as { code?: string }).code !== 'ECONNREFUSED' || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The case's client program over TCP: handshake, the request, the answer, then close or hang up. */
async function runClientProgram(c: DiffCase, pki: DiffPki, port: number): Promise<void> {
  const program = c.client ?? { write: 'ping', end: 'close' as const };
  const conn = await connectSoon(c, pki, port);
  try {
    await conn.handshake();
    conn.write(program.write);
    if ((await conn.read()) === null) return;
    if (program.end === 'close') {
      await conn.close();
      return;
    }
    // A FIN without close_notify; the socket stays readable until the harness goes.
    const s = conn.socket;
    s.end();
    if (!s.readableEnded && !s.destroyed) await new Promise<void>((resolve) => s.once('close', () => resolve()));
  } finally {
    conn.destroy('the case is over');
  }
}
