/**
 * One branch of the exhaustive explorer: a scenario's Simulation at some point of some
 * schedule, with the application's progress through its program (each side's calls, made
 * as soon as they can answer, as a blocking application would). The explorer forks a
 * branch at every delivery choice; this file holds what a branch knows, the invariants
 * checked after every delivery, the checks at the end of a schedule, and the canonical
 * signature of how a schedule ended.
 *
 * The checks are the explorer's properties as they apply to a scenario: nothing escapes an
 * endpoint and nothing unauthentic is accepted (checks.ts); the client considers the
 * handshake complete before the server receives its CertificateVerify or Finished
 * (RFC 8446 §4.4.4); a server rejection never surfaces through `connect`, only through a
 * later `read`; and without a rejection both sides connect and every byte arrives.
 *
 * The applications here are always blocked in their next call, so their libraries process
 * bytes as they arrive (lens option `pulls: 'on_arrival'`): the explorer varies the network's
 * orderings, not when a library reads its socket.
 */
import { peerOf } from '../trace.js';
import { DIRECTIONS } from '../duplex.js';
import type { CryptoProvider, Endpoint } from '@tls13sim/handshake';
import { concatBytes } from '@tls13sim/record';
import fc from 'fast-check';
import { OpenSslLens, type LensResult } from '../lens/openssl.js';
import '../scenarios/catalogue.js';
import { appStepReady, getScenario, type AppStep, type ScenarioSetup } from '../scenarios/registry.js';
import type { Choice, Schedule } from '../scheduler.js';
import type { Simulation, StepResult } from '../simulation.js';
import type { NetDirection, Side, TraceEvent } from '../trace.js';
import type { Outcome } from './case.js';
import { PropertyViolation, checkAuthentic, checkLedgerSound, checkNoThrow } from './checks.js';
import { exploreCrypto } from './config.js';
import type { PropertyDef } from './property-def.js';

const SIDES: readonly Side[] = ['client', 'server'];

/** Deliveries the default continuation may make before a schedule counts as a livelock. */
const MAX_STEPS = 10_000;

/**
 * An invariant checked after every delivery on every branch, from the branch (after the
 * delivery) and the trace events that delivery produced: a message when it fails. A
 * function of the state and the delivery only, it stays sound when equal states are pruned.
 */
export type StepInvariant = (b: Branch, events: readonly TraceEvent[]) => string | undefined;

/** What every branch of one exploration shares. */
export interface BranchContext {
  readonly setup: ScenarioSetup;
  readonly invariants: readonly StepInvariant[];
}

/** A branch: everything that is not in the Simulation itself is small and copied on fork. */
export class Branch {
  constructor(
    readonly ctx: BranchContext,
    readonly sim: Simulation,
    /** Index of each side's next application call. */
    readonly pos: Record<Side, number> = { client: 0, server: 0 },
    /** Each call's result, `call:result`, in order. */
    readonly results: Record<Side, string[]> = { client: [], server: [] },
    readonly written: Record<Side, Uint8Array[]> = { client: [], server: [] },
    readonly read: Record<Side, Uint8Array[]> = { client: [], server: [] },
    /** Bytes the network handed to each endpoint. */
    readonly fedIn: Record<Side, number> = { client: 0, server: 0 },
    /** `side:alert@epoch` for every alert sent. */
    readonly alerts: string[] = [],
    readonly thrown: string[] = [],
    /** Invariants that failed after some delivery (the first one is reported). */
    readonly violations: string[] = [],
    /** Deliveries made so far. */
    public deliveries = 0,
    /**
     * Each fault applied so far, with where it fell in its direction's stream: part of the
     * key, since a fault changes what an endpoint was fed without changing how much.
     */
    readonly faultLog: string[] = [],
    /** Bytes taken from each direction's queue so far (the faults' stream positions). */
    readonly taken: Record<NetDirection, number> = { client_to_server: 0, server_to_client: 0 },
  ) {}

  static start(setup: ScenarioSetup, invariants: readonly StepInvariant[] = []): Branch {
    const b = new Branch({ setup, invariants }, setup.sim);
    b.guard('start', () => b.sim.start());
    b.react();
    b.observe(b.sim.events);
    return b;
  }

  fork(): Branch {
    const two = <T>(r: Record<Side, T[]>): Record<Side, T[]> => ({ client: [...r.client], server: [...r.server] });
    return new Branch(
      this.ctx,
      this.sim.fork(),
      { ...this.pos },
      two(this.results),
      two(this.written),
      two(this.read),
      { ...this.fedIn },
      [...this.alerts],
      [...this.thrown],
      [...this.violations],
      this.deliveries,
      [...this.faultLog],
      { ...this.taken },
    );
  }

  get setup(): ScenarioSetup {
    return this.ctx.setup;
  }

  get quiescent(): boolean {
    return this.sim.inFlight() === 0;
  }

  /** Delivers one choice, checks the per-delivery invariants, then lets the applications act. */
  deliver(choice: Choice): void {
    let r: StepResult | undefined;
    if (choice.fault !== undefined) this.faultLog.push(`${choice.direction}@${this.taken[choice.direction]}+${choice.take}:${JSON.stringify(choice.fault)}`);
    this.taken[choice.direction] += choice.take;
    this.guard('deliver', () => (r = this.sim.stepWith(choice)));
    this.deliveries++;
    if (r !== undefined) this.fedIn[r.to] += r.delivered;
    this.react();
    // From the delivered event on, the applications' calls included: all this delivery caused.
    this.observe(r === undefined ? [] : this.sim.events.slice(r.events[0]?.seq ?? this.sim.events.length));
  }

  /** The default schedule from here: FIFO across directions, one whole flight at a time. */
  finishByDefault(): boolean {
    for (let n = 0; !this.quiescent; n++) {
      if (n >= MAX_STEPS) return false;
      this.deliver(defaultChoice(this.sim));
    }
    return true;
  }

  /** The end of a schedule: calls still waiting are made once more (a blocking call reports `blocked`). */
  finish(): void {
    for (const side of SIDES) {
      const steps = this.setup.app[side];
      while (this.pos[side] < steps.length) this.call(side, steps[this.pos[side]!]!, true);
    }
  }

  // ── the application ──

  /** Makes every call that can answer now, each side in program order, until none can. */
  private react(): void {
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const side of SIDES) {
        const step = this.setup.app[side][this.pos[side]];
        if (step === undefined || !this.ready(side, step)) continue;
        this.call(side, step, false);
        progressed = true;
      }
    }
  }

  private ready(side: Side, step: AppStep): boolean {
    return appStepReady(this.sim.endpoint(side), step);
  }

  private call(side: Side, step: AppStep, blocking: boolean): void {
    const lens = new OpenSslLens(this.sim, side, { blocking, pulls: 'on_arrival' });
    let r: Pick<LensResult, 'result' | 'alert' | 'bytes'> = { result: 'error', alert: 'thrown' };
    this.guard(`${side}.${step.call}`, () => {
      switch (step.call) {
        case 'connect':
          r = lens.connect();
          break;
        case 'accept':
          r = lens.accept();
          break;
        case 'write':
          r = lens.write(step.data);
          break;
        case 'read':
          r = lens.read(step.max);
          break;
      }
    });
    this.pos[side]++;
    this.results[side].push(`${step.call}:${r.result}${r.alert !== undefined ? `(${r.alert})` : ''}`);
    if (r.result === 'ok' && r.bytes !== undefined) (step.call === 'write' ? this.written : this.read)[side].push(r.bytes);
    if (step.call === 'connect' && r.result === 'error' && this.setup.version !== 'TLSv1.2') {
      this.violations.push(`connect() reported error(${r.alert}) after ${this.deliveries} deliveries: a server verdict must never surface through connect`);
    }
    // A blocking application stops at its first failed call.
    if (r.result === 'error') this.pos[side] = this.setup.app[side].length;
  }

  // ── invariants after each delivery ──

  private observe(events: readonly TraceEvent[]): void {
    for (const e of events) {
      if (e.type === 'alert_sent') this.alerts.push(`${e.side}:${e.description}@${e.epoch}`);
      if (e.type === 'note' && e.fact === 'handle_error') this.thrown.push(`${e.side}: ${e.text}`);
      if (
        this.setup.version !== 'TLSv1.2' &&
        e.type === 'record_received' &&
        e.side === 'server' &&
        e.messages.some((m) => m === 'certificate_verify' || m === 'finished')
      ) {
        // §4.4.4: the client's handshake is complete when it sends its Finished, before the
        // server can have received its CertificateVerify or Finished (not in TLS 1.2, RFC 5246 §7.3).
        if (this.sim.ledger('client').handshakeComplete === undefined) {
          this.violations.push(`the server received the client's ${e.messages.join('+')} (seq ${e.seq}) before the client considered the handshake complete`);
        }
      }
    }
    for (const inv of this.ctx.invariants) {
      const broken = inv(this, events);
      if (broken !== undefined) this.violations.push(broken);
    }
  }

  private guard(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.thrown.push(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  // ── the end of a schedule ──

  /** What each side's application got: its reads, then whatever is still readable. */
  received(side: Side): Uint8Array {
    const parts = [...this.read[side]];
    const ep = this.sim.endpoint(side);
    try {
      for (let d = ep.readApplicationData(); d !== null && d.length > 0; d = ep.readApplicationData()) parts.push(d);
    } catch (e) {
      if (ep.error === undefined || e !== ep.error) this.thrown.push(`${side}.read: ${String(e)}`);
    }
    return concatBytes(...parts);
  }

  /** The run as checks.ts sees it. */
  outcome(livelock: boolean): Outcome {
    return {
      sim: this.sim,
      client: this.sim.client as Endpoint,
      server: this.sim.server as Endpoint,
      written: { client: concatBytes(...this.written.client), server: concatBytes(...this.written.server) },
      early: new Uint8Array(0),
      received: { client: this.received('client'), server: this.received('server') },
      thrown: this.thrown,
      livelock,
      skipped: [],
      actionsDone: [],
    };
  }

  /**
   * Equal keys, equal futures: what each endpoint has been fed (its state is a function of
   * the byte prefix it received and its application's calls), its state, the application's
   * progress and results, the shape of both queues (the bytes in them are the rest of
   * what each side sent), and the faults applied, each where it fell in its stream. The virtual clock is left out: no scenario here depends on it.
   */
  key(): string {
    return this.keyWith(undefined, 0);
  }

  /**
   * The key this branch will have after delivering `take` bytes toward the receiver of
   * `direction`, when they end inside the front record: no record completes, so the
   * receiver only buffers (nothing else changes). Lets the explorer prune without forking.
   */
  keyAfterPartial(direction: NetDirection, take: number): string | undefined {
    const front = this.sim.queued(direction)[0];
    if (front === undefined || take >= front.bytes.length) return undefined;
    return this.keyWith(direction, take);
  }

  private keyWith(direction: NetDirection | undefined, take: number): string {
    let k = '';
    const to: Side | undefined = direction === undefined ? undefined : direction === 'client_to_server' ? 'server' : 'client';
    for (const side of SIDES) {
      const ep = this.sim.endpoint(side);
      const v = this.sim.ledger(side).peerVerdict.verdict;
      const fed = this.fedIn[side] + (side === to ? take : 0);
      k += `${side}:${ep.state}:${ep.error?.alert ?? ''}:${ep.handshakeComplete ? 1 : 0}:${fed}:${this.pos[side]}:${this.results[side].join(',')}:${v};`;
    }
    for (const d of DIRECTIONS) {
      let prev: number | undefined;
      for (const seg of this.sim.queued(d)) {
        const len = prev === undefined && d === direction ? seg.bytes.length - take : seg.bytes.length;
        k += `${prev === undefined ? '' : seg.flight === prev ? ',' : '|'}${len}`;
        prev = seg.flight;
      }
      k += ';';
    }
    return `${k}${this.alerts.join(',')};${this.thrown.length}${this.faultLog.length > 0 ? `;${this.faultLog.join(',')}` : ''}`;
  }

  /** How the schedule ended, canonically: final states, alerts, calls, verdicts, data (timing left out). */
  signature(): string {
    return SIDES.map((side) => {
      const ep = this.sim.endpoint(side);
      const verdict = this.sim.ledger(side).peerVerdict;
      const alerts = this.alerts.filter((a) => a.startsWith(`${side}:`)).map((a) => a.slice(side.length + 1));
      const got = this.read[side].reduce((n, b) => n + b.length, 0);
      return [
        `${side} ${ep.state}${ep.error ? `(${ep.error.alert})` : ''}`,
        `calls ${this.results[side].join(' ') || '-'}`,
        `read ${got}B`,
        ...(alerts.length > 0 ? [`sent ${alerts.join(' ')}`] : []),
        `peer ${verdict.verdict === 'rejected' ? `rejected(${verdict.alert.description})` : verdict.verdict}`,
      ].join(', ');
    }).join(' | ');
  }
}

/** FIFO across directions (the front sent first), the whole front flight. */
export function defaultChoice(sim: Simulation): Choice {
  let best: { d: NetDirection; order: number } | undefined;
  for (const d of DIRECTIONS) {
    const front = sim.queued(d)[0];
    if (front !== undefined && (best === undefined || front.order < best.order)) best = { d, order: front.order };
  }
  if (best === undefined) throw new Error('defaultChoice: nothing queued');
  const segs = sim.queued(best.d);
  let take = 0;
  let at = sim.now;
  for (const s of segs) {
    if (s.flight !== segs[0]!.flight) break;
    take += s.bytes.length;
    at = Math.max(at, s.readyAt);
  }
  return { at, direction: best.d, take };
}

/** A check of one finished schedule; throws PropertyViolation. */
export type LeafCheck = (b: Branch, o: Outcome) => void;

function fail(message: string): never {
  throw new PropertyViolation(message);
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The explorer's properties (properties.ts) that apply to a scenario, at the end of one schedule. */
export function checkLeaf(b: Branch, livelock: boolean, extra: readonly LeafCheck[] = []): Outcome {
  const o = b.outcome(livelock);
  if (b.violations.length > 0) fail(b.violations[0]!);
  checkNoThrow(o);
  checkAuthentic(o);
  checkLedgerSound(o);
  const { rejection } = b.setup;
  if (rejection === undefined) checkAccepted(b, o);
  else checkRejected(b, rejection);
  for (const c of extra) c(b, o);
  return o;
}

function checkAccepted(b: Branch, o: Outcome): void {
  for (const side of SIDES) {
    const ep = b.sim.endpoint(side);
    if (ep.state !== 'CONNECTED' || ep.error !== undefined) fail(`${side} ended ${ep.state}${ep.error ? ` with ${ep.error.alert}` : ''}, not CONNECTED`);
    const bad = b.results[side].find((r) => !r.endsWith(':ok'));
    if (bad !== undefined) fail(`${side}'s ${bad.replace(':', '() → ')}; every call should succeed`);
    if (!eq(o.received[side], o.written[peerOf(side)]))
      fail(`${side} received ${o.received[side].length} of the ${o.written[peerOf(side)].length} bytes its peer wrote`);
  }
}

function checkRejected(b: Branch, rejection: { readonly alert: string; readonly epoch: string }): void {
  const { alert, epoch } = rejection;
  const server = b.sim.server;
  if (server.error?.alert !== alert)
    fail(`the server ended ${server.state}${server.error ? ` with ${server.error.alert}` : ''}, not rejecting the client with ${alert}`);
  if (!b.alerts.includes(`server:${alert}@${epoch}`))
    fail(`the server did not send ${alert} under its ${epoch} keys (sent: ${b.alerts.join(', ') || 'nothing'})`);
  if (b.sim.ledger('server').handshakeComplete !== undefined) fail('the server considered a rejected handshake complete');
  if (b.setup.version === 'TLSv1.2') return checkRejectedInConnect(b, alert);
  if (b.sim.ledger('client').handshakeComplete === undefined) fail('the client never considered the handshake complete');
  const calls = b.results.client;
  const last = calls[calls.length - 1];
  if (last !== `read:error(${alert})`) fail(`the client's last call was ${last ?? 'none'}, not read() → error(${alert})`);
  const early = calls.slice(0, -1).find((r) => !r.endsWith(':ok'));
  if (early !== undefined) fail(`the client learned of the rejection before its read: ${early}`);
  const verdict = b.sim.ledger('client').peerVerdict;
  if (verdict.verdict !== 'rejected' || verdict.alert.description !== alert) fail(`the client's ledger shows ${verdict.verdict}, not rejected(${alert})`);
}

/**
 * TLS 1.2 (RFC 5246 §7.3): the server judges the client before it sends its Finished, so
 * the client never completes, and its connect() itself reports the rejection.
 */
function checkRejectedInConnect(b: Branch, alert: string): void {
  if (b.sim.ledger('client').handshakeComplete !== undefined) fail('the client considered a handshake the server rejected complete');
  const first = b.results.client[0];
  if (first !== `connect:error(${alert})`) fail(`the client's connect() gave ${first ?? 'nothing'}, not error(${alert})`);
  const verdict = b.sim.ledger('client').peerVerdict;
  if (verdict.verdict !== 'rejected' || verdict.alert.description !== alert) fail(`the client's ledger shows ${verdict.verdict}, not rejected(${alert})`);
}

// ── replay: a schedule of a scenario, as a property `tls13sim replay` understands ──

export interface ExhaustiveInput {
  readonly scenario: string;
  readonly seed: number;
  /** The schedule's choices; after the last one the default schedule finishes the run. */
  readonly schedule: Schedule;
}

export function setupOf(scenario: string, seed: number | undefined, crypto: CryptoProvider = exploreCrypto): ScenarioSetup {
  const def = getScenario(scenario);
  if (def === undefined) throw new Error(`unknown scenario '${scenario}'`);
  if (def.setup === undefined) throw new Error(`scenario '${scenario}' has no setup hook for the explorer`);
  return def.setup(seed ?? def.defaultSeed ?? 1, { crypto });
}

/** Runs a scenario along `schedule`, then by default to the end, exactly as the explorer did. */
export function replayBranch(input: ExhaustiveInput): { branch: Branch; livelock: boolean } {
  const b = Branch.start(setupOf(input.scenario, input.seed));
  for (const c of input.schedule) b.deliver(c);
  const livelock = !b.finishByDefault();
  b.finish();
  return { branch: b, livelock };
}

export const exhaustiveProperty: PropertyDef<ExhaustiveInput> = {
  name: 'exhaustive',
  description: "one schedule found by `pnpm explore --exhaustive`: the scenario's properties at the end of it",
  arbitrary: fc.constant({ scenario: 'client-cv-rejected', seed: 1, schedule: [] }),
  ciRuns: 1,
  check(input, replay) {
    const { branch, livelock } = replayBranch(replay === undefined ? input : { ...input, schedule: replay });
    checkLeaf(branch, livelock);
  },
  simulate: (input, replay) => replayBranch(replay === undefined ? input : { ...input, schedule: replay }).branch.sim,
  encode: (x) => x,
  decode: (json) => json as ExhaustiveInput,
};
