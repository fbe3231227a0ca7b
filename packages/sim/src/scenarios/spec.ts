/**
 * A catalogue scenario as plain data (`ScenarioSpec`): both endpoints' settings, the
 * connection it resumes from, what each application does in order, and the teaching notes
 * with the events they explain. JSON-serialisable — copy one (`getScenario(name).spec`),
 * change a setting, and `runSpec` runs it. The catalogue's own scenarios are registered
 * from their specs (registerSpecScenario), so a spec and its scenario give the same trace,
 * byte for byte.
 *
 * What is not data is named: certificates by role from the scenario PKI (scenarios/pki.ts,
 * derived from the seed), a mismatched CertificateVerify key as `client-stray-key` (the
 * client certificate with a key that does not match it, RFC 8446 §4.4.3), the client
 * certificate verifier as its verdict, and the ticket issuer as the seed's.
 */
import { SealedTicketIssuer, seededRandom, type CryptoProvider, type EndpointConfig, type ResumptionSession } from '@tls13sim/handshake';
import { requestClientAuth } from '../lens/client-auth-request.js';
import { readEarly, writeEarly } from '../lens/early-data.js';
import { peerCert } from '../lens/peer-cert.js';
import type { Lens } from '../lens/lens.js';
import type { Simulation } from '../simulation.js';
import type { Side, Trace, TraceEvent } from '../trace.js';
import { rewriteFor } from './attacks.js';
import { scenarioSim, utf8 } from './build.js';
import { narrate, type Anchor } from './narrate.js';
import { scenarioPki } from './pki.js';
import { registerScenario, scenarioLens, type ScenarioDefinition, type ScenarioSetup } from './registry.js';
import type { AnchorSpec, EndpointSpec, ProgramOp, ScenarioSpec } from './spec-types.js';

export type { AnchorSpec, CertificateName, EndpointSpec, NoteLenses, NoteSpec, ProgramOp, ScenarioSpec } from './spec-types.js';

/** A spec's endpoint settings as an EndpointConfig (over scenarioSim's defaults). */
function endpointExtra(e: EndpointSpec, seed: number, issuer: SealedTicketIssuer | undefined): Partial<EndpointConfig> {
  const pki = scenarioPki(seed);
  const certificate =
    e.certificate === undefined ? undefined : e.certificate === 'client-stray-key' ? { chain: pki.client.chain, privateKey: pki.strayKey } : pki[e.certificate];
  const verdict = e.verdict;
  return {
    ...(certificate !== undefined ? { certificate } : {}),
    ...(e.clientAuth !== undefined ? { clientAuth: e.clientAuth } : {}),
    ...(verdict !== undefined ? { clientCertVerifier: () => (verdict === 'ignore' ? { action: 'ignore' } : { action: 'reject', alert: verdict.reject }) } : {}),
    ...(e.groups !== undefined ? { groups: [...e.groups] } : {}),
    ...(e.keyShareGroups !== undefined ? { keyShareGroups: [...e.keyShareGroups] } : {}),
    ...(e.postHandshakeAuth !== undefined ? { postHandshakeAuth: e.postHandshakeAuth } : {}),
    ...(e.tickets !== undefined && issuer !== undefined ? { tickets: { issuer, count: e.tickets.count, maxEarlyData: e.tickets.maxEarlyData } } : {}),
    ...(e.acceptEarlyData !== undefined ? { acceptEarlyData: e.acceptEarlyData } : {}),
    ...(e.earlyData !== undefined ? { earlyData: utf8(e.earlyData) } : {}),
    ...(e.versions !== undefined ? { versions: [...e.versions] } : {}),
  };
}

/** The earlier connection of a resumed spec: the client's first session, and when it ended. */
function earlierConnection(
  spec: ScenarioSpec,
  seed: number,
  issuer: SealedTicketIssuer | undefined,
  crypto?: CryptoProvider,
): { session: ResumptionSession; end: number } {
  const sessions: ResumptionSession[] = [];
  const tickets = endpointExtra({ ...(spec.server.tickets !== undefined ? { tickets: spec.server.tickets } : {}) }, seed, issuer);
  const sim = scenarioSim(spec.name, seed, { server: tickets, sessions, connection: 1, crypto });
  sim.run();
  const session = sessions[0];
  if (session === undefined) throw new Error(`scenario ${spec.name}: the earlier connection gave the client no ticket`);
  return { session, end: sim.now };
}

/** The spec's Simulation, built and not started (its earlier connection, if any, already run). */
export function specSim(spec: ScenarioSpec, seed: number, opts: { readonly crypto?: CryptoProvider } = {}): Simulation {
  const issuer = spec.server.tickets !== undefined ? new SealedTicketIssuer(seededRandom(`${spec.name}:ticket-keys:${seed}`)) : undefined;
  const client = endpointExtra(spec.client, seed, issuer);
  const server = endpointExtra(spec.server, seed, issuer);
  if (spec.resume === undefined) return scenarioSim(spec.name, seed, { client, server, crypto: opts.crypto });
  const { session, end } = earlierConnection(spec, seed, issuer, opts.crypto);
  return scenarioSim(spec.name, seed, { client: { session, ...client }, server, connection: 2, startAt: end + spec.resume.laterMs, crypto: opts.crypto });
}

/** Runs the program's steps against the simulation. */
function runProgram(sim: Simulation, program: readonly ProgramOp[]): void {
  const lenses: Partial<Record<Side, Lens>> = {};
  const lens = (side: Side): Lens => {
    const l = lenses[side];
    if (l === undefined) throw new Error(`scenario program: a ${side} call before its { op: 'lens' }`);
    return l;
  };
  for (const p of program) {
    switch (p.op) {
      case 'lens':
        lenses[p.side] = p.blocking === undefined ? scenarioLens(sim, p.side) : scenarioLens(sim, p.side, { blocking: p.blocking });
        break;
      case 'blocking':
      case 'connect':
      case 'accept':
      case 'write':
      case 'read':
      case 'writeEarly':
      case 'readEarly':
        lensProgramOp(lens(p.side), p);
        break;
      case 'step':
        sim.step();
        break;
      case 'run':
        sim.run();
        break;
      case 'keyUpdate':
        sim.keyUpdate(p.side, p.request);
        break;
      case 'peerCert':
        peerCert(lens(p.side));
        break;
      case 'requestClientAuth':
        // Through the server's lens where its library has the calls (they are recorded).
        requestClientAuth(lenses.server, sim);
        break;
      case 'pull':
        sim.setPullMode(p.side, p.mode);
        break;
      case 'send':
        sim.write(p.side, utf8(p.data));
        break;
      case 'rewrite':
        sim.setRewrite(rewriteFor(p.rewrite, p.direction, p.nth));
        break;
      case 'hangUp':
      case 'cancel':
      case 'sendOnState':
        sideProgramOp(sim, p);
        break;
      default:
        throw new Error(`scenario program: unknown op ${JSON.stringify((p as { op?: unknown }).op)}`);
    }
  }
}

/** An op its side's application makes through its lens. */
function lensProgramOp(l: Lens, p: Extract<ProgramOp, { op: 'blocking' | 'connect' | 'accept' | 'write' | 'read' | 'writeEarly' | 'readEarly' }>): void {
  switch (p.op) {
    case 'blocking':
      l.blocking = p.value;
      return;
    case 'connect':
      l.connect();
      return;
    case 'accept':
      l.accept();
      return;
    case 'write':
      l.write(utf8(p.data));
      return;
    case 'read':
      l.read(p.max);
      return;
    case 'writeEarly':
      writeEarly(l, utf8(p.data));
      return;
    case 'readEarly':
      readEarly(l, p.max);
      return;
  }
}

/** An op one side runs at once or the first time its endpoint enters a state. */
function sideProgramOp(sim: Simulation, p: Extract<ProgramOp, { op: 'hangUp' | 'cancel' | 'sendOnState' }>): void {
  const act =
    p.op === 'sendOnState'
      ? (s: Simulation, side: Side) => s.write(side, utf8(p.data))
      : p.op === 'cancel'
        ? (s: Simulation, side: Side) => s.cancel(side)
        : (s: Simulation, side: Side) => s.hangUp(side);
  if (p.state === undefined) act(sim, p.side);
  else onState(sim, p.side, p.state, act);
}

/** Runs `act` once, the first time `side`'s endpoint enters `state` (the side's program). */
function onState(sim: Simulation, side: Side, state: string, act: (s: Simulation, side: Side) => void): void {
  let done = false;
  sim.setProgram(side, (s, at, events) => {
    if (done || !events.some((e) => e.type === 'state' && e.to === state)) return;
    done = true;
    act(s, at);
  });
}

/** The event an AnchorSpec names, as narrate's anchor (each anchor is used by one pass over the events). */
export function anchorOf(a: 'start' | AnchorSpec): Anchor {
  if (a === 'start') return 'start';
  let seen = -1;
  return (e: TraceEvent): boolean => {
    const f = e as unknown as Record<string, unknown>;
    if (e.type !== a.event || (a.side !== undefined && e.side !== a.side)) return false;
    if (a.message !== undefined && !(Array.isArray(f.messages) && f.messages.includes(a.message))) return false;
    for (const k of ['innerType', 'epoch', 'to', 'verdict', 'call', 'fact'] as const) {
      if (a[k] !== undefined && f[k] !== a[k]) return false;
    }
    if (a.later !== undefined && !(e.time > a.later)) return false;
    return ++seen === (a.nth ?? 0);
  };
}

/** Runs a spec: its Simulation, its program, its notes (seed default 1). */
export function runSpec(spec: ScenarioSpec, seed = 1): Trace {
  const sim = specSim(spec, seed);
  runProgram(sim, spec.program);
  return narrate(
    sim,
    spec.notes.map((n) => ({ ...n, after: anchorOf(n.after) })),
  );
}

/** Registers a scenario from its spec: `run` is `runSpec`, `spec` is the data itself. */
export function registerSpecScenario(
  spec: ScenarioSpec,
  description: string,
  setup?: (seed: number, opts?: { readonly crypto?: CryptoProvider }) => ScenarioSetup,
): ScenarioDefinition {
  return registerScenario({ name: spec.name, description, spec, run: (seed) => runSpec(spec, seed), ...(setup !== undefined ? { setup } : {}) });
}
