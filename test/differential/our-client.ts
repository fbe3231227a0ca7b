/**
 * The real side of a differential case whose `side` is 'server': the library's harness
 * serves on a free loopback port and runs the case's script as the server; our client (the
 * TCP adapter over our endpoint) connects and runs the case's client program
 * (packages/sim/src/lens/cases.ts, ClientProgram) — what run-case.ts's clientProgram does in
 * the simulation.
 */
import { createNodeProvider, systemRandom, type EndpointEvent, type ResumptionSession } from '@tls13sim/handshake';
import type { DiffCase } from '../../packages/sim/src/lens/cases.js';
import { foreignEarlyDataSession } from '../../packages/sim/src/lens/foreign-session.js';
import { clientProgramOf } from '../../packages/sim/src/lens/server-cases.js';
import { connectTls } from '../../packages/sim/src/net/index.js';
import { HOST } from '../interop/helpers.js';
import { BLOCK_MS, WAIT_MS, type HarnessInput, type HarnessRunOptions, type Outcome } from './harness.js';
import { hangUpAndRelease, holdReads, sleep, VERDICT_DELAY_MS, type DiffPki } from './server.js';

/**
 * One real run: the harness as the server (`run`), our client against it. The harness picks
 * its port (port 0) and says it on stderr; our client connects only then, so it can never
 * reach another test's server on a port freePort found free a moment earlier.
 */
export async function runOnClient(
  c: DiffCase,
  pki: DiffPki,
  run: (input: HarnessInput, opts?: HarnessRunOptions) => Promise<Outcome[]>,
  /** A resumed case: the session the library's first connection gave our client. */
  onFirstSession?: (s: ResumptionSession) => void,
  /** Each alert our client receives from the library (on the connection the script runs on). */
  onAlert?: (description: string) => void,
): Promise<Outcome[]> {
  let client: Promise<string | undefined> | undefined;
  const outcomes = await run(
    {
      role: 'server',
      host: HOST,
      port: 0,
      cert: pki.server.p256.certPath,
      key: pki.server.p256.keyPath,
      ...(c.server.clientAuth !== 'none' ? { clientAuth: c.server.clientAuth, verifyCa: pki.caPath } : {}),
      ...(c.server.postHandshakeAuth === true ? { postHandshakeAuth: true, verifyCa: pki.caPath } : {}),
      ...(c.server.version !== undefined ? { version: c.server.version } : {}),
      // The case's verifier refuses: the library serving refuses through its own callback (and its own alert).
      ...(c.server.reject !== undefined ? { refuseCert: true } : {}),
      ...(c.server.earlyData !== undefined ? { maxEarlyData: c.server.earlyData } : {}),
      pha: false,
      waitMs: WAIT_MS,
      blockMs: BLOCK_MS,
      script: c.script,
      ...(c.resume === true ? { resume: true } : {}),
    },
    // The harness's failure is the one to report: our client only follows it.
    { onListening: (port) => (client = runClientProgram(c, pki, port, onFirstSession, onAlert).catch(() => undefined)) },
  );
  if (client === undefined) throw new Error(`${c.name}: the harness never said where it listens`);
  const wrongHellos = await client;
  if (wrongHellos !== undefined) throw new Error(wrongHellos);
  return outcomes;
}

function clientConfig(c: DiffCase, pki: DiffPki, session?: ResumptionSession) {
  const id = c.clientCert === 'trusted' || c.clientCert === 'stray-key' ? pki.client : c.clientCert === 'untrusted' ? pki.untrustedClient : undefined;
  // A stray key: the trusted certificate, its CertificateVerify signed with the untrusted one's key.
  const certified = c.clientCert === 'stray-key' ? { chain: pki.client.certified.chain, privateKey: pki.untrustedClient.certified.privateKey } : id?.certified;
  return {
    // A TLS 1.2 case: the library serves TLS 1.2 only; our client offers 1.2 and 1.3, as the
    // simulated one, and goes on without extended_master_secret, which Go 1.19's server never
    // negotiates (RFC 7627 §5.3 'prefer'); with the other libraries nothing changes.
    ...(c.server.version === 'TLSv1.2' ? { versions: ['TLSv1.2', 'TLSv1.3'] as const, tls12ExtendedMasterSecret: 'prefer' as const } : {}),
    crypto: createNodeProvider(),
    random: systemRandom,
    ...(certified !== undefined ? { certificate: certified } : {}),
    ...(c.clientPha === true ? { postHandshakeAuth: true } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(c.client?.earlyData !== undefined ? { earlyData: new TextEncoder().encode(c.client.earlyData) } : {}),
    ...(c.client?.reject !== undefined ? { serverCertVerifier: () => ({ action: 'reject' as const, alert: c.client!.reject! }) } : {}),
    ...(c.client?.keyShare !== undefined ? { groups: [c.client.keyShare, 'x25519'] as const, keyShareGroups: [c.client.keyShare] } : {}),
    // As the simulated client: no verification, unless the case verifies the server (for the name localhost).
    ...(c.verifyServer === undefined
      ? { insecure: true }
      : { trustAnchors: [c.verifyServer === 'trusted' ? pki.caDer : pki.otherCaDer], serverName: 'localhost' }),
  };
}

/**
 * The case's client program over TCP: handshake, the request, the answer, then close or hang
 * up. Resolves with what was wrong with the hellos (version, HelloRetryRequest), if anything.
 */
async function runClientProgram(
  c: DiffCase,
  pki: DiffPki,
  port: number,
  onFirstSession?: (s: ResumptionSession) => void,
  onAlert?: (description: string) => void,
): Promise<string | undefined> {
  const program = clientProgramOf(c);
  // A resumed case offers the first connection's session; a foreign early-data case, one from a server of our own.
  const first = c.resume === true ? await firstSession(c, pki, port).catch((e: unknown) => e as Error) : undefined;
  // Without the first connection's ticket there is no second connection to make.
  if (first instanceof Error) return first.message;
  if (first !== undefined) onFirstSession?.(first);
  const session = first ?? (program.earlyData !== undefined ? foreignEarlyDataSession(createNodeProvider(), systemRandom) : undefined);
  const conn = await connectTls({ host: HOST, port, config: clientConfig(c, pki, session), handshakeTimeoutMs: 10_000, idleTimeoutMs: 20_000 });
  const want = c.server.version ?? 'TLSv1.3';
  // A library told to ask for our certificate must have asked (a harness that ignored the setting would pass unseen).
  let askedForCertificate = false;
  // A library told to ask after the handshake must ask then, and only then.
  let askedAfterHandshake = false;
  // Whether the library took the early data we offered (undefined: none was offered).
  let earlyTaken: boolean | undefined;
  conn.on('endpoint_event', (ev: EndpointEvent) => {
    if (ev.type === 'record_received' && ev.record.messages.includes('certificate_request')) {
      // Under the application keys: after the handshake (§4.6.2).
      if (ev.record.epoch.startsWith('application')) askedAfterHandshake = true;
      else askedForCertificate = true;
    }
    if (ev.type === 'early_data') earlyTaken = ev.accepted;
    if (ev.type === 'alert_received') onAlert?.(ev.description);
  });
  // What the case needs of the hellos (its version; a HelloRetryRequest), known once they are
  // exchanged, whether the handshake then fails or not.
  const helloCheck = (): string | undefined => {
    if (conn.version !== null && conn.version !== want) return `${c.name}: negotiated ${conn.version}, the case needs ${want}`;
    const resumed = conn.negotiated?.resumed === true;
    if (c.resume === true && conn.negotiated !== null && !resumed) return `${c.name}: the library did not resume the first connection's session`;
    // A resumed 0-RTT case: the library took our early data, or declined it, as the case says.
    const takes = c.server.declineEarlyData !== true;
    if (c.resume === true && program.earlyData !== undefined && conn.negotiated !== null && earlyTaken !== takes)
      return `${c.name}: the library ${earlyTaken === undefined ? 'saw no early data from us' : earlyTaken ? 'took our early data' : 'declined our early data'}; the case needs it ${takes ? 'taken' : 'declined'}`;
    if (c.resume !== true && program.earlyData !== undefined && resumed) return `${c.name}: the library resumed a ticket it never issued`;
    if (c.server.clientAuth !== 'none' && conn.negotiated !== null && !askedForCertificate && !resumed)
      return `${c.name}: the library sent no CertificateRequest; the case's server asks for a client certificate (${c.server.clientAuth})`;
    const n = conn.endpoint.negotiated;
    // The case's key share is one the library does not take: it must have asked for another.
    if (program.keyShare !== undefined && n !== null && 'helloRetry' in n && !n.helloRetry)
      return `${c.name}: the library took our ${program.keyShare} key share; the case needs a HelloRetryRequest`;
    return undefined;
  };
  if (program.distant === true) holdReads(conn, WAIT_MS + VERDICT_DELAY_MS);
  const exchange = async (): Promise<void> => {
    await conn.handshake();
    if (program.write !== undefined) {
      conn.write(program.write);
      if (program.alsoWrite !== undefined) conn.write(program.alsoWrite);
      if (program.rekeyThen !== undefined) {
        // As in the scenario, the server has read the first write before the second leaves:
        // rustls would return both in one read if they arrived together.
        await sleep(VERDICT_DELAY_MS);
        conn.keyUpdate(true);
        conn.write(program.rekeyThen);
      }
      if ((await conn.read()) === null) return;
    } else if (program.awaitGreeting === true && (await conn.read()) === null) return;
    // close_notify then FIN; close_notify alone, TCP open until the library's side closes it;
    // or a FIN alone with the socket readable until the harness goes.
    if (program.end === 'close') await conn.close();
    else if (program.end === 'closeNotify') await conn.close({ fin: false });
    else await hangUpAndRelease(conn);
  };
  // A failure here is the harness's to report (its outcomes say what it saw).
  await exchange().catch(() => undefined);
  conn.destroy('the case is over');
  const phaWrong =
    c.server.postHandshakeAuth === true && (askedForCertificate || !askedAfterHandshake)
      ? `${c.name}: the library asked for our certificate ${askedForCertificate ? 'during' : 'never after'} the handshake; the case's server asks after it (request_auth)`
      : undefined;
  return helloCheck() ?? phaWrong;
}

/**
 * A resumed case's first connection: the handshake, then the library's first NewSessionTicket
 * (its session is what the second connection offers), then a clean close.
 */
async function firstSession(c: DiffCase, pki: DiffPki, port: number): Promise<ResumptionSession> {
  const conn = await connectTls({ host: HOST, port, config: clientConfig(c, pki), handshakeTimeoutMs: 10_000, idleTimeoutMs: 20_000 });
  try {
    const ticket = new Promise<ResumptionSession>((resolve, reject) => {
      conn.on('endpoint_event', (ev: EndpointEvent) => {
        if (ev.type === 'new_session_ticket' && ev.session !== undefined) resolve(ev.session);
      });
      setTimeout(() => reject(new Error(`${c.name}: the library sent no NewSessionTicket on the first connection`)), BLOCK_MS).unref();
    });
    // A failed handshake is what this function reports; the ticket's timer must not be an unhandled rejection then.
    ticket.catch(() => {});
    await conn.handshake();
    // Tickets are processed as records are read; the server sends no data before we close.
    const reading = conn.read().catch(() => null);
    const session = await ticket;
    await conn.close();
    await reading;
    return session;
  } finally {
    conn.destroy('the first connection is over');
  }
}
