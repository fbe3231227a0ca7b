/**
 * What the stepper shows at each step, computed from a scenario's trace alone (no DOM):
 * pure, so it runs in Node tests as well as in the page.
 *
 * Step 0 is everything the run did before the first delivery. Every later step starts at
 * a `delivered` event (bytes reach the receiver's socket, as a step of `tls13sim step`)
 * or at a `processed` event (the receiver's library reads bytes that were waiting in its
 * socket, inside one of its application's calls — docs/fidelity.md), and holds everything
 * up to the next. Splitting at `processed` too shows the moment bytes have arrived and
 * nobody has read them yet (the late alert in `client-cv-rejected`). The view at step k is
 * the trace prefix through step k, so stepping back is exact (the prefix is a snapshot of
 * the run at that moment).
 */
import {
  LENS_NAMES,
  getScenario,
  isTls12Trace,
  ledgersFromTrace,
  listScenarios,
  recordFlights,
  runScenario,
  type LedgerView,
  type LensName,
  type RecordFlight,
  type Side,
  type Trace,
  type TraceEvent,
  type TraceEventOf,
} from '@tls13sim/sim/browser';
import { Live, formatChoices, hasLive, parseChoices, type LiveChoice } from './live.js';

/** RFC 8446 Appendix A.1 (client) and A.2 (server) states, in handshake order, plus CLOSED. */
export const STATES: Readonly<Record<Side, readonly string[]>> = {
  client: ['START', 'WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED', 'CLOSED'],
  server: ['START', 'RECVD_CH', 'NEGOTIATED', 'WAIT_EOED', 'WAIT_FLIGHT2', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED', 'CLOSED'],
};

/** The TLS 1.2 endpoint's states (RFC 5246 §7.3: the message each waits for), in handshake order, plus CLOSED. */
export const STATES_TLS12: Readonly<Record<Side, readonly string[]>> = {
  client: ['START', 'WAIT_SH', 'WAIT_CERT', 'WAIT_SKE', 'WAIT_CR_OR_SHD', 'WAIT_SHD', 'WAIT_CCS', 'WAIT_FINISHED', 'CONNECTED', 'CLOSED'],
  server: ['START', 'WAIT_CERT', 'WAIT_CKE', 'WAIT_CV', 'WAIT_CCS', 'WAIT_FINISHED', 'CONNECTED', 'CLOSED'],
};

/** The state lists to draw for a run: TLS 1.2's when its records say TLS 1.2 (isTls12Trace), else RFC 8446 Appendix A's. */
export function statesOf(trace: Trace): Readonly<Record<Side, readonly string[]>> {
  return isTls12Trace(trace) ? STATES_TLS12 : STATES;
}

export interface Permalink {
  readonly scenario: string;
  readonly seed: number;
  readonly lens: LensName;
  readonly step: number;
  /** Present: "choose deliveries" mode, with the choices made so far (live.ts `formatChoices`). */
  readonly choices?: string;
}

export const DEFAULT_LINK: Permalink = { scenario: 'client-cv-rejected', seed: 1, lens: 'openssl', step: 0 };

/** `#scenario=…&seed=…&lens=…[&choices=…]&step=…`; anything missing or unknown falls back to the default. */
export function parseHash(hash: string): { link: Permalink; problems: string[] } {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  let scenario = q.get('scenario') ?? DEFAULT_LINK.scenario;
  if (getScenario(scenario) === undefined) {
    problems.push(`unknown scenario '${scenario}'`);
    scenario = DEFAULT_LINK.scenario;
  }
  const int = (name: string, dflt: number, max: number): number => {
    const raw = q.get(name);
    if (raw === null) return dflt;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n > max) {
      problems.push(`bad ${name} '${raw}' (a whole number 0…${max})`);
      return dflt;
    }
    return n;
  };
  const seed = int('seed', getScenario(scenario)?.defaultSeed ?? DEFAULT_LINK.seed, 2 ** 32 - 1);
  const step = int('step', 0, 1_000_000);
  let lens = (q.get('lens') ?? DEFAULT_LINK.lens) as LensName;
  if (!(LENS_NAMES as readonly string[]).includes(lens)) {
    problems.push(`unknown lens '${lens}' (one of ${LENS_NAMES.join(', ')})`);
    lens = DEFAULT_LINK.lens;
  }
  const raw = q.get('choices');
  let choices: string | undefined;
  if (raw !== null) {
    if (!hasLive(scenario)) problems.push(`${scenario} can only be replayed, not stepped with chosen deliveries`);
    else {
      try {
        parseChoices(raw);
        choices = raw;
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
        choices = '';
      }
    }
  }
  return { link: choices === undefined ? { scenario, seed, lens, step } : { scenario, seed, lens, step, choices }, problems };
}

export function formatHash(p: Permalink): string {
  const choices = p.choices === undefined ? '' : `&choices=${p.choices}`;
  return `#scenario=${encodeURIComponent(p.scenario)}&seed=${p.seed}&lens=${p.lens}${choices}&step=${p.step}`;
}

export function scenarioNames(): string[] {
  return listScenarios().map((d) => d.name);
}

/** Splits a trace into steps: a new one at each `delivered` and each `processed` event. */
export function stepUnits(trace: Trace): TraceEvent[][] {
  const units: TraceEvent[][] = [[]];
  for (const e of trace.events) {
    if (e.type === 'delivered' || e.type === 'processed') units.push([e]);
    else units[units.length - 1]!.push(e);
  }
  return units;
}

export interface SideView {
  readonly state: string;
  /** States this side has been in so far, in order. */
  readonly visited: readonly string[];
  readonly ledger: LedgerView;
  readonly calls: readonly TraceEventOf<'app_call'>[];
  /** Bytes that arrived in its socket and its library has not read yet. */
  readonly unread: number;
}

export interface StepView {
  readonly step: number;
  readonly last: number;
  /** The trace through this step. */
  readonly prefix: Trace;
  /** This step's own events. */
  readonly current: readonly TraceEvent[];
  readonly sides: Readonly<Record<Side, SideView>>;
  /** Every record sent so far, with what became of it so far. */
  readonly records: readonly RecordFlight[];
  /** Each side's states in handshake order: RFC 8446 Appendix A's, or the TLS 1.2 endpoint's (statesOf). */
  readonly states: Readonly<Record<Side, readonly string[]>>;
}

export class Run {
  readonly units: TraceEvent[][];
  constructor(readonly trace: Trace) {
    this.units = stepUnits(trace);
  }

  static of(scenario: string, seed: number, lens: LensName): Run {
    return new Run(runScenario(scenario, seed, { lens }));
  }

  get last(): number {
    return this.units.length - 1;
  }

  view(step: number): StepView {
    const k = Math.max(0, Math.min(this.last, step));
    return viewOf(this.trace, this.units.slice(0, k + 1).flat(), this.units[k]!, k, this.last);
  }
}

/** The view of a run whose trace so far is `events`, `current` being the last step's own events. */
export function viewOf(trace: Trace, events: readonly TraceEvent[], current: readonly TraceEvent[], step: number, last: number): StepView {
  const prefix: Trace = { ...trace, events };
  const ledgers = ledgersFromTrace(events);
  const side = (s: Side): SideView => {
    const visited = ['START'];
    let unread = 0;
    const calls: TraceEventOf<'app_call'>[] = [];
    for (const e of events) {
      if (e.type === 'delivered' && e.buffered === true && (e.direction === 'client_to_server' ? 'server' : 'client') === s) unread += e.bytes;
      if (e.side !== s) continue;
      if (e.type === 'state') visited.push(e.to);
      else if (e.type === 'app_call') calls.push(e);
      else if (e.type === 'processed') unread = Math.max(0, unread - e.bytes);
    }
    return { state: visited[visited.length - 1]!, visited, ledger: ledgers.of(s), calls, unread };
  };
  return {
    step,
    last,
    prefix,
    current,
    sides: { client: side('client'), server: side('server') },
    records: recordFlights(prefix).records,
    states: statesOf(trace),
  };
}

/**
 * "Choose deliveries" mode: the choices made so far and the run after each (a fork per
 * step, so going back is exact). Going forward past the last choice makes the default
 * delivery (the front flight, first sent first); choosing at an earlier step drops the
 * choices after it.
 */
export class LiveSession {
  readonly choices: LiveChoice[];
  private readonly states: Live[];

  constructor(
    readonly scenario: string,
    readonly seed: number,
    readonly lens: LensName,
    choices: string,
  ) {
    this.choices = parseChoices(choices);
    this.states = [Live.start(scenario, seed, lens)];
  }

  /**
   * Replays every recorded choice; at the first that cannot be made (a hand-edited link),
   * drops it and those after it and returns why, in one line.
   */
  replayAll(): string | undefined {
    for (let i = this.states.length - 1; i < this.choices.length; i++) {
      try {
        this.at(i + 1);
      } catch (e) {
        this.choices.splice(i);
        return `choice ${i + 1} cannot be made: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    return undefined;
  }

  get encoded(): string {
    return formatChoices(this.choices);
  }

  /** The run after `k` choices (replayed from the last one computed). Throws on a choice that cannot be made. */
  at(k: number): Live {
    while (this.states.length <= k) {
      const i = this.states.length - 1;
      const next = this.states[i]!.fork();
      next.deliver(this.choices[i]!);
      this.states.push(next);
    }
    return this.states[k]!;
  }

  /** The step forward from `k`: the recorded choice, else the default delivery. Returns the new step (unchanged at the end). */
  forward(k: number): number {
    if (k < this.choices.length) return k + 1;
    const c = this.at(k).defaultChoice();
    if (c === undefined) return k;
    return this.choose(k, c);
  }

  /** Makes `c` at step `k` (dropping later choices); returns the new step. Throws (one line) when `c` cannot be made. */
  choose(k: number, c: LiveChoice): number {
    const p = this.at(k).problem(c);
    if (p !== undefined) throw new RangeError(p);
    this.choices.splice(k, this.choices.length - k, c);
    this.states.splice(k + 1);
    this.at(k + 1);
    return k + 1;
  }

  view(step: number): StepView {
    const k = Math.max(0, Math.min(this.choices.length, step));
    const live = this.at(k);
    const trace = live.sim.toTrace();
    const before = k === 0 ? 0 : this.at(k - 1).sim.events.length;
    const t: Trace = { ...trace, scenario: this.scenario, seed: this.seed };
    return viewOf(t, trace.events, trace.events.slice(before), k, this.choices.length);
  }
}
