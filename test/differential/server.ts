/**
 * The real side of a differential case: our server endpoint over loopback TCP running the
 * case's server program (packages/sim/src/lens/cases.ts). The client is the real library's
 * harness. One listener serves one case; every connection runs the same program.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { EndpointConfig, EndpointEvent } from '@tls13sim/handshake';
import { SealedTicketIssuer, createNodeProvider, createTlsEndpoint, systemRandom } from '@tls13sim/handshake';
import { afterEarly, earlyBytesOf, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { TlsServer, type TlsConnection } from '../../packages/sim/src/net/index.js';
import { HOST, makePki, type Pki } from '../interop/helpers.js';
import { startMitm } from './mitm.js';
import { BLOCK_MS, WAIT_MS, type HarnessInput, type Outcome } from './harness.js';

export interface DiffPki extends Pki {}

/** Well under WAIT_MS (harness.ts): a `wait` step still sees the verdict arrive. */
export const VERDICT_DELAY_MS = 100;

/** The connection reads nothing for `ms` (what arrives waits in the socket buffer), as across a network. */
export function holdReads(conn: TlsConnection, ms: number): void {
  conn.socket.pause();
  setTimeout(() => {
    if (!conn.socket.destroyed) conn.socket.resume();
  }, ms).unref();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The handshake timeout of a server that gives up at its second flight (cancel 'at-flight2'). */
const CANCEL_TIMEOUT_MS = 200;

/** How long the server waits after its echo before its close_notify (closeAfterEcho). */
const CLOSE_AFTER_ECHO_MS = 100;

/** A PKI with a P-256 server certificate, a trusted and an untrusted client certificate (PEM files). */
export function makeDiffPki(): DiffPki {
  return makePki(['p256']);
}

export interface DiffServer {
  readonly port: number;
  /** Messages of connections that failed on our side (for test diagnostics). */
  readonly log: string[];
  /** The protocol version each connection negotiated, once its hellos were exchanged. */
  readonly versions: string[];
  /** Whether each connection resumed a session, once its hellos were exchanged. */
  readonly resumed: boolean[];
  /** Whether each connection's client early data was taken (connections without early data add nothing). */
  readonly earlyTaken: boolean[];
  /** The alerts our server received, in order (from its endpoint's events). */
  readonly alertsReceived: string[];
  close(): Promise<void>;
}

/** `override` replaces parts of the case's server config (a test of the config itself). */
export async function startDiffServer(c: DiffCase, pki: DiffPki, override: Partial<EndpointConfig> = {}): Promise<DiffServer> {
  const log: string[] = [];
  const versions: string[] = [];
  const resumed: boolean[] = [];
  const earlyTaken: boolean[] = [];
  const alertsReceived: string[] = [];
  let connections = 0;
  const p = c.server;
  if (p.hangUp === 'before-server-hello') return startHangUpServer(log);
  if (p.cancel === 'before-server-hello') return startHangUpServer(log, cancelRecords(pki));
  const crypto = createNodeProvider();
  const tickets = new SealedTicketIssuer(systemRandom);
  const server = new TlsServer({
    config: () => ({
      // A TLS 1.2 case: our server speaks only TLS 1.2 (the real clients offer 1.2 and 1.3).
      // It accepts a ClientHello without extended_master_secret (Go 1.19 sends none; RFC 7627
      // §5.3), so those clients meet it too; for a client that offers it nothing changes.
      ...(p.version === 'TLSv1.2' ? { versions: ['TLSv1.2' as const], tls12ExtendedMasterSecret: 'prefer' as const } : {}),
      // A downgrade case: a TLS 1.2 and 1.3 server (RFC 8446 §4.1.3 makes it write the sentinel).
      ...(p.downgrade === true ? { versions: ['TLSv1.2' as const, 'TLSv1.3' as const] } : {}),
      crypto,
      random: systemRandom,
      // A stray key: the server's chain, its CertificateVerify signed with another P-256 key.
      certificate: p.strayKey === true ? { chain: pki.server.p256.certified.chain, privateKey: pki.alt.certified.privateKey } : pki.server.p256.certified,
      clientAuth: p.clientAuth,
      trustAnchors: [pki.caDer],
      validationTime: Date.now(),
      ...(p.reject !== undefined ? { clientCertVerifier: () => ({ action: 'reject' as const, alert: p.reject! }) } : {}),
      ...(p.tickets !== undefined
        ? { tickets: { count: p.tickets, issuer: tickets, ...(p.earlyData !== undefined ? { maxEarlyData: p.earlyData } : {}) } }
        : {}),
      ...(p.groups !== undefined ? { groups: p.groups } : {}),
      ...(p.declineEarlyData === true ? { acceptEarlyData: false } : {}),
      ...override,
    }),
    // 'at-flight2': the handshake timer is what makes the server give up (below).
    handshakeTimeoutMs: p.cancel === 'at-flight2' ? CANCEL_TIMEOUT_MS : 10_000,
    idleTimeoutMs: 20_000,
    // The client's close_notify must not be answered at once by the connection itself: the
    // program hangs up instead.
    ...(p.hangUp === 'on-close-notify' || p.distant === true ? { allowHalfOpen: true } : {}),
    label: `diff:${c.name}`,
    onConnection: (conn) => {
      // A resumed case's first connection only hands out the tickets.
      const first = c.resume === true && connections++ === 0;
      if (!first) {
        conn.on('endpoint_event', (ev: EndpointEvent) => {
          if (ev.type === 'early_data') earlyTaken.push(ev.accepted);
          if (ev.type === 'alert_received') alertsReceived.push(ev.description);
        });
      }
      void (first ? handOutTickets(conn, log, resumed) : runProgram(conn, c, log, versions, resumed));
    },
    onError: (e) => log.push(e instanceof Error ? e.message : String(e)),
  });
  const addr = await server.listen(0, HOST);
  return { port: addr.port, log, versions, resumed, earlyTaken, alertsReceived, close: () => server.close() };
}

/** A resumed case's first connection: the handshake, the server's NewSessionTickets, then its close_notify. */
async function handOutTickets(conn: TlsConnection, log: string[], resumed: boolean[]): Promise<void> {
  try {
    await conn.handshake();
    resumed.push(conn.negotiated?.resumed === true);
    await conn.close();
  } catch (e) {
    log.push(`first connection: ${(e as Error).message}`);
  }
}

/** What our server endpoint sends when its application cancels the handshake before answering (cancel()). */
function cancelRecords(pki: DiffPki): Uint8Array {
  const ep = createTlsEndpoint({ role: 'server', crypto: createNodeProvider(), random: systemRandom, certificate: pki.server.p256.certified });
  ep.start();
  ep.cancel();
  const records: Uint8Array[] = [];
  for (let r = ep.pollTransmit(); r !== null; r = ep.pollTransmit()) records.push(r);
  return Buffer.concat(records);
}

/**
 * `hangUp` or `cancel: 'before-server-hello'`: a TCP server that reads the ClientHello and
 * sends `farewell` (nothing, or cancel()'s alerts), then a FIN, without answering. It goes on
 * reading (the socket is half-open), so that the client's later bytes meet no closed socket
 * and no RST replaces the FIN.
 */
async function startHangUpServer(log: string[], farewell: Uint8Array = new Uint8Array(0)): Promise<DiffServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.end(farewell));
    socket.on('data', () => {});
    socket.on('end', () => socket.destroy());
    socket.on('error', (e) => log.push(e.message));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as AddressInfo).port;
  const close = (): Promise<void> => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return { port, log, versions: [], resumed: [], earlyTaken: [], alertsReceived: [], close };
}

/** A FIN with no close_notify before it (§6.1: a truncation); the socket stays readable. */
function hangUp(conn: TlsConnection): void {
  conn.socket.end();
}

/**
 * Hangs up (again, harmlessly, if it already did), waits until the peer goes (its FIN, or
 * the socket's close), then releases the socket: releasing it with unread bytes would send
 * an RST instead of the FIN. Our client and our server both end this way.
 */
export async function hangUpAndRelease(conn: TlsConnection): Promise<void> {
  const s = conn.socket;
  s.end();
  if (!s.readableEnded && !s.destroyed) {
    await new Promise<void>((resolve) => {
      s.once('end', resolve);
      s.once('close', resolve);
    });
  }
  conn.destroy('after the hang-up');
}

/** After a hang-up: read what the client still sends until it goes, then release the socket. */
async function drainAfterHangUp(conn: TlsConnection): Promise<void> {
  try {
    while ((await conn.read()) !== null);
  } catch {
    // The client closed without close_notify in turn, or failed: either ends the connection.
  }
  await hangUpAndRelease(conn);
}

async function runProgram(conn: TlsConnection, c: DiffCase, log: string[], versions: string[], resumed: boolean[]): Promise<void> {
  const p = c.server;
  let halfRttSent = false;
  let versionSeen = false;
  if (p.distant === true) holdReads(conn, VERDICT_DELAY_MS);
  conn.on('endpoint_event', (ev: EndpointEvent) => {
    const v = conn.endpoint.version;
    if (!versionSeen && v !== null) {
      versionSeen = true;
      versions.push(v);
      resumed.push(conn.negotiated?.resumed === true);
    }
    // The verdict (the client's flight accepted) is where the server hangs up instead of an alert.
    if (p.hangUp === 'at-verdict' && ev.type === 'state' && ev.to === 'CONNECTED') hangUp(conn);
    if (p.afterAuth !== undefined && ev.type === 'post_handshake_auth' && ev.stage === 'authenticated') queueMicrotask(() => conn.write(p.afterAuth!));
    // WAIT_FLIGHT2 is TLS 1.3's: a TLS 1.2 server judges the client's flight inside the
    // client's handshake call (RFC 5246 §7.3), so there is no race to take out of it.
    if (ev.type !== 'state' || ev.to !== 'WAIT_FLIGHT2') return;
    // 0.5-RTT (§2.3): right after the server's first flight, before the client's Finished.
    if (p.halfRtt !== undefined && !halfRttSent) {
      halfRttSent = true;
      queueMicrotask(() => conn.write(p.halfRtt!));
    }
    // The server judges the client's flight VERDICT_DELAY_MS after its own flight left, so
    // that a client call made right after connect returns reliably comes before the verdict
    // (on loopback the verdict could otherwise win the race against the client's next call).
    // A server that times out never reads the client's flight: its handshake timer cancels.
    if (p.cancel === 'at-flight2') conn.socket.pause();
    else holdReads(conn, VERDICT_DELAY_MS);
  });
  try {
    await conn.handshake();
  } catch (e) {
    log.push(`handshake: ${(e as Error).message}`);
    // The timed-out server read nothing more: now it takes what the client sent, until it goes.
    if (p.cancel === 'at-flight2') conn.socket.resume();
    return;
  }
  if (p.hangUp === 'at-verdict') return drainAfterHangUp(conn);
  try {
    if (p.greet !== undefined) {
      // A distant server's greeting comes a network's round trip after the client's Finished.
      if (p.distant === true) await sleep(VERDICT_DELAY_MS);
      conn.write(p.greet);
    }
    if (p.postHandshakeAuth) conn.requestClientAuth();
    if (p.replyRecords !== undefined && (await conn.read()) !== null) {
      // One TCP write: every record together.
      conn.socket.cork();
      for (const r of p.replyRecords) conn.write(r);
      process.nextTick(() => conn.socket.uncork());
    }
    if (p.echo || p.reply !== undefined) {
      const skip = { left: p.earlyUnanswered === true ? earlyBytesOf(c) : 0 };
      for (let d = await conn.read(); d !== null; d = await conn.read()) {
        const rest = afterEarly(d, skip);
        if (rest.length === 0) continue;
        const echo = p.reply ?? rest;
        if (p.closeWithEcho) {
          // One TCP write: the echo record and the close_notify record together.
          conn.socket.cork();
          conn.write(echo);
          const closed = conn.close();
          process.nextTick(() => conn.socket.uncork());
          await closed;
          return;
        }
        conn.write(echo);
        if (p.hangUp === 'after-echo') {
          hangUp(conn);
          return drainAfterHangUp(conn);
        }
        if (p.closeAfterEcho) {
          // The close_notify follows the echo CLOSE_AFTER_ECHO_MS later, never in the same TCP
          // read: Go 1.19's Read returns (n, EOF) when a TLS 1.2 close_notify record already
          // sits behind the data it returns (conn.go reads such an alert at once), else (n, nil)
          // and EOF on the next Read. Without the pause the outcome depended on timing (seen
          // once in a clean-clone CI run: '4, EOF' for tls12-write-after-close-notify).
          await sleep(CLOSE_AFTER_ECHO_MS);
          break;
        }
      }
    } else {
      // Wait for the client to end the connection (or for an error).
      while ((await conn.read()) !== null);
    }
  } catch (e) {
    log.push(`after handshake: ${(e as Error).message}`);
  }
  if (p.hangUp === 'on-close-notify') {
    hangUp(conn);
    return drainAfterHangUp(conn);
  }
  // A distant server's close_notify answers the client's a network's round trip later.
  if (p.distant === true) await sleep(VERDICT_DELAY_MS);
  await conn.close();
}

/**
 * The alerts our server received in a handshake the library's client aborted (none: the
 * client closed or reset the connection without one), once that handshake has failed (its
 * log's `handshake:` line; waits up to 2 s for it).
 */
async function peerAlerts(c: DiffCase, server: DiffServer): Promise<string[]> {
  const failed = () => server.log.some((l) => l.startsWith('handshake:'));
  for (let i = 0; i < 40 && !failed(); i++) await sleep(50);
  if (!failed()) throw new Error(`${c.name}: our server's handshake did not fail (log: ${server.log.join('; ')})`);
  return [...server.alertsReceived];
}

/**
 * One real run of a case: its server on an ephemeral port, the library's harness as the
 * client (`run`), with the case's client certificate; the server is closed afterwards.
 */
export async function runOnServer(
  c: DiffCase,
  pki: DiffPki,
  run: (input: HarnessInput) => Promise<Outcome[]>,
  opts: {
    waitMs?: number;
    /**
     * The alerts our server received in a handshake the library's client aborted (none: it
     * closed or reset the connection without one); the run fails if our server's handshake
     * did not fail.
     */
    onPeerAlerts?: (alerts: string[]) => void;
  } = {},
): Promise<Outcome[]> {
  const server = await startDiffServer(c, pki);
  // A downgrade case: the harness talks to our server through the attacker (mitm.ts).
  const mitm = c.server.downgrade === true ? await startMitm(HOST, server.port) : undefined;
  try {
    if (c.clientCert === 'stray-key') throw new Error(`${c.name}: a library client cannot load a key that does not match its certificate (stray-key)`);
    const id = c.clientCert === 'trusted' ? pki.client : c.clientCert === 'untrusted' ? pki.untrustedClient : undefined;
    const outcomes = await run({
      host: HOST,
      port: mitm?.port ?? server.port,
      ...(id !== undefined ? { cert: id.certPath, key: id.keyPath } : {}),
      pha: c.clientPha ?? false,
      // The name is the server certificate's (test/interop/helpers.ts: dnsNames localhost).
      ...(c.verifyServer !== undefined ? { verifyCa: c.verifyServer === 'trusted' ? pki.caPath : pki.otherCaPath, verifyName: 'localhost' } : {}),
      waitMs: opts.waitMs ?? WAIT_MS,
      blockMs: BLOCK_MS,
      script: c.script,
      ...(c.resume === true ? { resume: true } : {}),
    });
    // A resumed case: the first connection was a full handshake, the second resumed it.
    if (c.resume === true && JSON.stringify(server.resumed) !== '[false,true]') {
      throw new Error(
        `${c.name}: the connections resumed ${JSON.stringify(server.resumed)}; the case needs a full handshake, then a resumed one (log: ${server.log.join('; ')})`,
      );
    }
    // A 0-RTT case: the library's client sent early data, which our server took or declined as the case says.
    if (c.script.some((s) => s.op === 'write_early')) {
      const taken = [c.server.declineEarlyData !== true];
      if (JSON.stringify(server.earlyTaken) !== JSON.stringify(taken)) {
        throw new Error(`${c.name}: early data taken ${JSON.stringify(server.earlyTaken)}; the case needs ${JSON.stringify(taken)}`);
      }
    }
    // The real client offered what it offers by default; the case's version is what it got.
    const want = c.server.downgrade === true ? 'TLSv1.2' : (c.server.version ?? 'TLSv1.3');
    // A server that hangs up or gives up before its ServerHello negotiates nothing.
    if (c.server.hangUp === 'before-server-hello' || c.server.cancel === 'before-server-hello') return outcomes;
    if (mitm !== undefined && mitm.rewritten() === 0) throw new Error(`${c.name}: the attacker found no ClientHello with supported_versions to strip`);
    if (server.versions.length === 0 || server.versions.some((v) => v !== want)) {
      throw new Error(`${c.name}: the harness negotiated ${JSON.stringify(server.versions)}, the case needs ${want}`);
    }
    if (opts.onPeerAlerts !== undefined) opts.onPeerAlerts(await peerAlerts(c, server));
    return outcomes;
  } finally {
    await mitm?.close();
    await server.close();
  }
}
