/**
 * The scenario catalogue: named, seeded, deterministic runs (docs/architecture.md "How to add a scenario").
 * A scenario's `run(seed)` builds and drives a Simulation and returns it (or its Trace);
 * the registry turns that into a Trace named after the scenario.
 */
import type { CryptoProvider, EndpointApi } from '@tls13sim/handshake';
import { DIFF_CASES } from '../lens/cases.js';
import { createLens } from '../lens/registry.js';
import { uncheckedWhy } from '../lens/scenario-checks.js';
import type { Lens, LensName, LensOptions } from '../lens/lens.js';
import type { DeliveryPolicy } from '../scheduler.js';
import { Simulation } from '../simulation.js';
import type { Side, Trace } from '../trace.js';
import type { ScenarioSpec } from './spec-types.js';

/** The library the scenario now running is seen through (runScenario's `lens`). */
let currentLens: LensName = 'openssl';

/** Delivery settings laid over the scenario's own while it runs (runScenario's `policy`). */
let currentPolicy: DeliveryPolicy | undefined;

/**
 * The delivery policy a scenario's Simulation uses: its own (`base`), with the fields of
 * runScenario's `policy` (`tls13sim run --unit/--delay/--fault/--interleave`) replacing
 * those it sets.
 */
export function scenarioPolicy(base: DeliveryPolicy): DeliveryPolicy {
  return currentPolicy === undefined ? base : { ...base, ...currentPolicy };
}

/** runScenario was given a delivery policy: `narrate` leaves the scenario's notes out (they describe its own delivery). */
export function scenarioDeliveryChanged(): boolean {
  return currentPolicy !== undefined;
}

/** The library the scenario now running is seen through. */
export function scenarioLensName(): LensName {
  return currentLens;
}

/**
 * The lens a scenario's application uses: OpenSSL's unless `runScenario` was asked for
 * another library (`tls13sim run <scenario> --lens NAME`).
 */
export function scenarioLens(sim: Simulation, side: Side, opts?: LensOptions): Lens {
  return createLens(currentLens, sim, side, opts);
}

/** One application call of a scenario's program, made as soon as it can answer (as if blocking). */
export type AppStep =
  | { readonly call: 'connect' }
  | { readonly call: 'accept' }
  | { readonly call: 'write'; readonly data: Uint8Array }
  | { readonly call: 'read'; readonly max: number };

/**
 * Whether a blocking application's next call would answer now (the explorer and the
 * browser stepper make each call only then): a failed or closed endpoint answers anything;
 * connect, accept and write need the handshake done; a read needs data or the peer's
 * close_notify.
 */
export function appStepReady(ep: EndpointApi, step: AppStep): boolean {
  if (ep.error !== undefined || ep.state === 'CLOSED') return true;
  switch (step.call) {
    case 'connect':
    case 'accept':
    case 'write':
      return ep.handshakeComplete;
    case 'read':
      return ep.peerClosed || (ep.peekApplicationData(1)?.length ?? 0) > 0;
  }
}

/**
 * A scenario set up but not run, for the exhaustive explorer (`pnpm explore --exhaustive`):
 * the explorer decides every delivery itself and makes each side's calls in order.
 */
export interface ScenarioSetup {
  /** Built, not started. */
  readonly sim: Simulation;
  /** Each side's application calls, in order. */
  readonly app: Readonly<Record<Side, readonly AppStep[]>>;
  /** The server rejects the client with this alert, sent under these keys; absent: both connect and every call succeeds. */
  readonly rejection?: { readonly alert: string; readonly epoch: string };
  /**
   * The version both endpoints speak (default TLS 1.3). Under TLS 1.3 the client completes
   * before the server reads its flight (RFC 8446 §4.4.4) and a rejection surfaces on a later
   * read; under TLS 1.2 the server judges the client before it sends its Finished (RFC 5246
   * §7.3), so the client's connect() reports a rejection.
   */
  readonly version?: 'TLSv1.2' | 'TLSv1.3';
}

export interface ScenarioDefinition {
  readonly name: string;
  /**
   * The scenario as plain data (scenarios/spec.ts): copy it, change a setting, and
   * `runSpec(copy)` runs it. Absent for the RFC 8448 scenarios, whose randomness and
   * extension order are the RFC's fixed values.
   */
  readonly spec?: ScenarioSpec;
  /** One line for `tls13sim list`. */
  readonly description: string;
  /** Seed used when none is given (default 1). */
  readonly defaultSeed?: number;
  run(seed: number): Simulation | Trace;
  /** The same scenario before any delivery, with its crypto provider swappable (optional). */
  setup?(seed: number, opts?: { readonly crypto?: CryptoProvider }): ScenarioSetup;
}

const registry = new Map<string, ScenarioDefinition>();

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function registerScenario(def: ScenarioDefinition): ScenarioDefinition {
  if (!NAME.test(def.name)) throw new Error(`registerScenario: bad name '${def.name}' (lowercase, digits, '-')`);
  if (registry.has(def.name)) throw new Error(`registerScenario: '${def.name}' is already registered`);
  registry.set(def.name, def);
  return def;
}

/** Every registered scenario, sorted by name. */
export function listScenarios(): readonly ScenarioDefinition[] {
  return [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function getScenario(name: string): ScenarioDefinition | undefined {
  return registry.get(name);
}

export class UnknownScenarioError extends Error {
  constructor(readonly scenario: string) {
    super(`unknown scenario '${scenario}'`);
    this.name = 'UnknownScenarioError';
  }
}

/**
 * Runs a scenario and returns its trace, named after the scenario and seed. `lens`: the
 * library its applications' calls are seen through (default `openssl`, the library the
 * scenarios' notes describe; with another, a first note says so).
 */
export function runScenario(name: string, seed?: number, opts: RunScenarioOptions = {}): Trace {
  const def = registry.get(name);
  if (def === undefined) throw new UnknownScenarioError(name);
  const s = seed ?? def.defaultSeed ?? 1;
  const before = currentLens;
  const beforePolicy = currentPolicy;
  currentLens = opts.lens ?? 'openssl';
  currentPolicy = opts.policy;
  let result: Simulation | Trace;
  try {
    result = def.run(s);
  } finally {
    currentLens = before;
    currentPolicy = beforePolicy;
  }
  const trace = result instanceof Simulation ? result.toTrace() : result;
  const lens = opts.lens ?? 'openssl';
  let events = trace.events;
  for (const side of ['server', 'client'] as const) {
    const calls = events.some((e) => e.type === 'app_call' && e.side === side);
    // A twin plays the scenario's own delivery; under another, the calls are the model's alone.
    const changed = opts.policy !== undefined ? 'the delivery was changed from the one the twin case plays' : null;
    const why = calls ? (changed ?? uncheckedWhy(name, side, lens, DIFF_CASES)) : null;
    if (why !== null)
      events = withNote(events, `Not run against the real library: the ${side}'s calls through the ${lens} lens are this model's alone (${why}).`);
  }
  if (lens !== 'openssl') events = withLensNote(events, lens);
  if (opts.policy !== undefined)
    events = withNote(
      events,
      `Delivery changed (${opts.policyText ?? 'a policy of your own'}): the scenario's notes, written for its own delivery, are left out.`,
    );
  return { version: 1, scenario: name, seed: s, events };
}

/** runScenario's options. */
export interface RunScenarioOptions {
  /** The library the applications' calls are seen through (default `openssl`). */
  readonly lens?: LensName;
  /**
   * Delivery settings over the scenario's own (unit, interleave, delay, faults): each field
   * given replaces the scenario's. A first note says the delivery was changed.
   */
  readonly policy?: DeliveryPolicy;
  /** How that first note names the change (the CLI passes its flags). */
  readonly policyText?: string;
}

function withNote(events: Trace['events'], text: string): Trace['events'] {
  const note = { seq: 0, time: 0, side: 'network' as const, type: 'note' as const, text };
  return [note, ...events.map((e) => ({ ...e, seq: e.seq + 1 }))];
}

function withLensNote(events: Trace['events'], lens: LensName): Trace['events'] {
  const note = {
    seq: 0,
    time: 0,
    side: 'network' as const,
    type: 'note' as const,
    text: `Seen through the ${lens} lens: the » lines are ${lens}'s own calls and answers. The notes were written for OpenSSL; where ${lens}'s calls differ, a note speaks of ${lens}'s or is left out.`,
  };
  return [note, ...events.map((e) => ({ ...e, seq: e.seq + 1 }))];
}
