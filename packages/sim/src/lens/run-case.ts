/**
 * The simulated side of a differential case (cases.ts): the same server program and the same
 * client script as the real run over TCP, with the client's application seen through a lens.
 * Its `outcomes` are what the real library's harness must print, line for line.
 */
import {
  SealedTicketIssuer,
  createEndpoint,
  createTlsEndpoint,
  nobleProvider,
  seededRandom,
  type CertifiedKey,
  type CryptoProvider,
  type ResumptionSession,
  type TlsEndpoint,
} from '@tls13sim/handshake';
import { keepingSessions } from '../keeping-sessions.js';
import { casePki, VALIDATION_TIME } from './case-pki.js';
import { requestClientAuth } from './client-auth-request.js';
import { peerCert } from './peer-cert.js';
import { readEarly, writeEarly } from './early-data.js';
import { foreignEarlyDataSession } from './foreign-session.js';
import { rewriteFor } from '../scenarios/attacks.js';
import { Simulation } from '../simulation.js';
import type { Side, TraceEvent } from '../trace.js';
import { afterEarly, earlyBytesOf, earlyDataOf, type ClientProgram, type DiffCase, type ScriptStep, type ServerProgram } from './cases.js';
import { createLens } from './registry.js';
import { clientProgramOf } from './server-cases.js';
import type { Lens, LensName } from './lens.js';

/** One line of a library's call → outcome sequence (the harness's output format). */
export interface CaseOutcome {
  readonly call: string;
  readonly api: string;
  readonly outcome: string;
}

export interface CaseRun {
  readonly sim: Simulation;
  readonly lens: Lens;
  readonly outcomes: CaseOutcome[];
}

/** The case's client certificate; `stray-key`: the trusted chain, signed for with the other's key. */
function clientCertificate(c: DiffCase, pki: ReturnType<typeof casePki>): CertifiedKey | undefined {
  if (c.clientCert === 'stray-key') return { chain: pki.client.chain, privateKey: pki.untrusted.privateKey };
  return c.clientCert === 'trusted' ? pki.client : c.clientCert === 'untrusted' ? pki.untrusted : undefined;
}

/**
 * The case's two endpoints. `session`: the client offers it (a resumed case's second
 * connection); `connection` tells the first connection's randoms from the second's.
 */
function caseEndpoints(
  c: DiffCase,
  seed: number,
  crypto: CryptoProvider,
  issuer: SealedTicketIssuer | undefined,
  session?: ResumptionSession,
  connection = '',
) {
  const pki = casePki(seed);
  const p = c.server;
  const certificate = clientCertificate(c, pki);
  // A TLS 1.2 case: the server speaks only TLS 1.2; the client offers 1.2 and 1.3, as the
  // real libraries' clients do, and negotiates 1.2 (RFC 8446 §4.2.1, Appendix D).
  const tls12 = p.version === 'TLSv1.2';
  // A downgrade case: both sides speak TLS 1.2 and 1.3; an attacker strips the client's
  // supported_versions (below), so the server answers TLS 1.2 with the sentinel (§4.1.3).
  const downgrade = p.downgrade === true;
  const early = earlyDataOf(c);
  const make = tls12 || downgrade ? createTlsEndpoint : createEndpoint;
  const client = make({
    ...(tls12 || downgrade ? { versions: ['TLSv1.2', 'TLSv1.3'] as const } : {}),
    role: 'client',
    crypto,
    // As the real harnesses: the server certificate is not verified (the PKI is throwaway),
    // unless the case says so: then for the name localhost, against the CA it names.
    ...(c.verifyServer === undefined
      ? { insecure: true }
      : { trustAnchors: [c.verifyServer === 'trusted' ? pki.ca : pki.otherCa], serverName: 'localhost', validationTime: VALIDATION_TIME }),
    random: seededRandom(`diff:${c.name}:client:${seed}${connection}`),
    ...(certificate !== undefined ? { certificate } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(early !== undefined ? { earlyData: new TextEncoder().encode(early) } : {}),
    ...(c.clientPha === true ? { postHandshakeAuth: true } : {}),
    ...(c.client?.reject !== undefined ? { serverCertVerifier: () => ({ action: 'reject' as const, alert: c.client!.reject! }) } : {}),
    ...(c.client?.keyShare !== undefined ? { groups: [c.client.keyShare, 'x25519'] as const, keyShareGroups: [c.client.keyShare] } : {}),
  });
  const server = make({
    ...(tls12 ? { versions: ['TLSv1.2'] as const } : downgrade ? { versions: ['TLSv1.2', 'TLSv1.3'] as const } : {}),
    role: 'server',
    crypto,
    random: seededRandom(`diff:${c.name}:server:${seed}${connection}`),
    certificate: p.strayKey === true ? { chain: pki.server.chain, privateKey: pki.untrusted.privateKey } : pki.server,
    clientAuth: p.clientAuth,
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...(p.reject !== undefined ? { clientCertVerifier: () => ({ action: 'reject' as const, alert: p.reject! }) } : {}),
    ...(p.tickets !== undefined && issuer !== undefined
      ? { tickets: { count: p.tickets, issuer, ...(p.earlyData !== undefined ? { maxEarlyData: p.earlyData } : {}) } }
      : {}),
    ...(p.groups !== undefined ? { groups: p.groups } : {}),
    ...(p.declineEarlyData === true ? { acceptEarlyData: false } : {}),
  });
  return { client, server };
}

/**
 * A resumed case's first connection, run to its end: the server's NewSessionTickets give the
 * client the session its second connection offers.
 */
function earlierSession(
  c: DiffCase,
  seed: number,
  crypto: CryptoProvider,
  issuer: SealedTicketIssuer | undefined,
): { session: ResumptionSession; end: number } {
  const sessions: ResumptionSession[] = [];
  const { client, server } = caseEndpoints(c, seed, crypto, issuer, undefined, ':first');
  const first = new Simulation({ client: keepingSessions(client, sessions), server, scenario: `diff:${c.name}:first`, seed });
  first.run();
  const session = sessions[0];
  if (session === undefined) throw new Error(`${c.name}: the first connection gave the client no session (a resumed case needs server tickets)`);
  return { session, end: first.now };
}

/** The second connection starts this long after the first ended (a ticket's age must not be negative, §4.2.11.1). */
const RESUME_LATER_MS = 1000;

/** The case's two endpoints in a Simulation, the server running the case's program. */
export function caseSimulation(c: DiffCase, seed = 1, crypto: CryptoProvider = nobleProvider): Simulation {
  const p = c.server;
  const issuer = p.tickets !== undefined ? new SealedTicketIssuer(seededRandom(`diff:${c.name}:tickets:${seed}`)) : undefined;
  const first = c.resume === true ? earlierSession(c, seed, crypto, issuer) : undefined;
  const session =
    first?.session ?? (c.client?.earlyData !== undefined ? foreignEarlyDataSession(crypto, seededRandom(`diff:${c.name}:foreign:${seed}`)) : undefined);
  const { client, server } = caseEndpoints(c, seed, crypto, issuer, session);
  const downgrade = p.downgrade === true;
  const sim = new Simulation({ client, server, scenario: `diff:${c.name}`, seed });
  if (first !== undefined) sim.advanceClock(first.end + RESUME_LATER_MS);
  // The library serves: our client runs the case's client program, the lens the server's script.
  if (c.side === 'server') {
    sim.setProgram('client', clientProgram(clientProgramOf(c)));
    return sim;
  }
  // The attacker of test/differential/mitm.ts: the first client-to-server delivery is the ClientHello.
  if (downgrade) sim.setRewrite(rewriteFor('strip_supported_versions', 'client_to_server', 0));
  sim.setProgram('server', serverProgram(p, { left: p.earlyUnanswered === true ? earlyBytesOf(c) : 0 }));
  // The client's ClientHello goes out; the server closes TCP before it could answer.
  if (p.hangUp === 'before-server-hello') sim.hangUp('server');
  // The server gives up instead: its cancel() alerts, then its FIN.
  if (p.cancel === 'before-server-hello') sim.cancel('server');
  return sim;
}

/** What test/differential/server.ts does over TCP, as a program over trace events. */
function serverProgram(p: ServerProgram, skip: { left: number }) {
  let halfRttSent = false;
  let authRequested = false;
  let greeted = false;
  let closed = false;
  return (sim: Simulation, side: Side, events: readonly TraceEvent[]): void => {
    for (const e of events) {
      if (p.halfRtt !== undefined && !halfRttSent && e.type === 'state' && e.to === 'WAIT_FLIGHT2') {
        halfRttSent = true;
        sim.write(side, new TextEncoder().encode(p.halfRtt));
      }
      if (p.greet !== undefined && !greeted && e.type === 'state' && e.to === 'CONNECTED') {
        greeted = true;
        sim.write(side, new TextEncoder().encode(p.greet));
      }
      if (p.afterAuth !== undefined && e.type === 'note' && e.fact === 'post_handshake_auth_authenticated')
        sim.write(side, new TextEncoder().encode(p.afterAuth));
      if (p.postHandshakeAuth === true && !authRequested && e.type === 'state' && e.to === 'CONNECTED') {
        authRequested = true;
        sim.requestClientAuth();
      }
      // Its flight out, the server gives up before reading the client's (a handshake timeout).
      if (p.cancel === 'at-flight2' && !closed && e.type === 'state' && e.to === 'WAIT_FLIGHT2') {
        closed = true;
        sim.cancel(side);
      }
      // The client's flight judged: the server closes TCP instead of answering anything.
      if (p.hangUp === 'at-verdict' && !closed && e.type === 'state' && e.to === 'CONNECTED') {
        closed = true;
        sim.hangUp(side);
      }
    }
    if (closed) return;
    closed = serveReads(p, sim, side, skip);
  };
}

/**
 * The server's reads once its handshake events are handled: echo, then close as the program
 * says. True once the server has closed (or hung up) and does nothing more.
 */
function serveReads(p: ServerProgram, sim: Simulation, side: Side, skip: { left: number }): boolean {
  const ep = sim.endpoint(side);
  if (ep.error !== undefined) {
    // After a failure our TCP server flushes its alert and closes the socket: a FIN follows.
    sim.hangUp(side);
    return true;
  }
  for (let read = ep.readApplicationData(); read !== null && read.length > 0; read = ep.readApplicationData()) {
    // Early data the server leaves unanswered (earlyUnanswered) is taken, not echoed.
    const d = afterEarly(read, skip);
    if (d.length === 0) continue;
    if (p.replyRecords !== undefined) {
      const records = p.replyRecords.map((r) => new TextEncoder().encode(r));
      sim.act(side, (e) => {
        for (const r of records) e.write(r);
      });
      return false;
    }
    if (p.echo !== true && p.reply === undefined) continue;
    const echo = p.reply === undefined ? d : new TextEncoder().encode(p.reply);
    if (p.closeWithEcho === true) {
      // One flight: the echo and the close_notify together.
      sim.act(side, (e) => {
        e.write(echo);
        e.close();
      });
      return true;
    }
    sim.write(side, echo);
    if (p.hangUp === 'after-echo') {
      sim.hangUp(side);
      return true;
    }
    if (p.closeAfterEcho === true) {
      sim.close(side);
      return true;
    }
  }
  // The client's close_notify ends the server's read loop; it then closes too (conn.close()),
  // or closes TCP without answering it.
  if (!ep.peerClosed) return false;
  if (p.hangUp === 'on-close-notify') sim.hangUp(side);
  else sim.close(side);
  return true;
}

/**
 * What test/differential/our-client.ts does over TCP: once complete, write the request; once
 * the answer has come, close (close_notify) or hang up (a FIN alone).
 */
function clientProgram(cp: ClientProgram) {
  let wrote = false;
  let ended = false;
  return (sim: Simulation, side: Side): void => {
    const ep = sim.endpoint(side);
    if (ended) return;
    if (ep.error !== undefined) {
      // After a failure our TCP client flushes its alert and closes the socket: a FIN follows.
      ended = true;
      sim.hangUp(side);
      return;
    }
    if (!wrote && ep.handshakeComplete) {
      wrote = true;
      if (cp.write !== undefined) sim.write(side, new TextEncoder().encode(cp.write));
      if (cp.alsoWrite !== undefined) sim.write(side, new TextEncoder().encode(cp.alsoWrite));
      if (cp.rekeyThen !== undefined) {
        sim.keyUpdate(side, true);
        sim.write(side, new TextEncoder().encode(cp.rekeyThen));
      }
    }
    if (!wrote) return;
    // Without a request there is no answer to wait for, unless the server greets.
    if (cp.write !== undefined || cp.awaitGreeting === true) {
      const answer = ep.readApplicationData();
      if (answer === null || answer.length === 0) return;
    }
    ended = true;
    // The simulation has no FIN after a close_notify: 'close' and 'closeNotify' are the same here.
    if (cp.end === 'close' || cp.end === 'closeNotify') sim.close(side);
    else sim.hangUp(side);
  };
}

/** The side whose script a case runs: the library's client, or its server (`side: 'server'`). */
export function caseSide(c: DiffCase): Side {
  return c.side === 'server' ? 'server' : 'client';
}

/** Runs the case's script through `lens` on the case's side (blocking until a `nonblocking` step). */
export function runCaseThroughLens(c: DiffCase, lens: LensName, seed = 1): CaseRun {
  return runCaseWith(c, (sim) => createLens(lens, sim, caseSide(c), { blocking: true }), seed);
}

/** Runs the case's client script through a lens `make` builds (a test's deliberately wrong lens, say). */
export function runCaseWith(c: DiffCase, make: (sim: Simulation) => Lens, seed = 1): CaseRun {
  const sim = caseSimulation(c, seed);
  const l = make(sim);
  const outcomes: CaseOutcome[] = [];
  const side = caseSide(c);
  const seen = { n: 0 };
  const collect = (): void => {
    const evs = sim.events;
    for (; seen.n < evs.length; seen.n++) {
      const e = evs[seen.n]!;
      if (e.type === 'app_call' && e.side === side && e.api !== undefined && e.outcome !== undefined) {
        outcomes.push({ call: e.call, api: e.api, outcome: e.outcome });
      }
    }
  };
  // A resumed case's second connection must resume, here as on TCP (server.ts, our-client.ts),
  // once its hellos were exchanged (a deliberately wrong lens may never get that far).
  let hellos = false;
  let resumed = false;
  const sawResumption = (): void => {
    const n = (sim.endpoint('client') as Partial<TlsEndpoint>).negotiated;
    hellos ||= n !== null && n !== undefined;
    resumed ||= n?.resumed === true;
  };
  for (const step of c.script) {
    runStep(l, step);
    collect();
    sawResumption();
  }
  l.finish();
  collect();
  sawResumption();
  if (c.resume === true && hellos && !resumed) throw new Error(`${c.name}: the simulated second connection did not resume the first's session`);
  return { sim, lens: l, outcomes };
}

function runStep(lens: Lens, step: ScriptStep): void {
  const enc = new TextEncoder();
  switch (step.op) {
    case 'connect':
      lens.connect();
      return;
    case 'accept':
      lens.accept();
      return;
    case 'write':
      lens.write(enc.encode(step.data));
      return;
    case 'read':
      lens.read(step.n);
      return;
    case 'write_early':
      writeEarly(lens, enc.encode(step.data));
      return;
    case 'read_early':
      readEarly(lens, step.n);
      return;
    case 'peek':
      lens.peek(step.n);
      return;
    case 'wait':
      lens.wait();
      return;
    case 'nonblocking':
      lens.blocking = false;
      return;
    case 'blocking':
      lens.blocking = true;
      return;
    case 'key_update':
      lens.sim.keyUpdate(lens.side, true);
      return;
    case 'shutdown':
      lens.shutdown();
      return;
    case 'request_auth':
      requestClientAuth(lens, lens.sim, step.send ?? true);
      return;
    case 'peer_cert':
      peerCert(lens);
      return;
    case 'auto_retry_off':
      lens.setAutoRetry(false);
      return;
    case 'pending':
      lens.pending();
      return;
    case 'tickets':
      lens.tickets();
      return;
  }
}
