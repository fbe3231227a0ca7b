/**
 * `Simulation` = client endpoint + server endpoint + in-memory duplex + scheduler + virtual
 * clock + trace (docs/architecture.md "The simulation"). Delivering a unit means calling
 * `handleBytes(bytes, now)` on the receiver, then draining its `pollTransmit()` (one new
 * flight toward the peer) and `pollEvent()` (into the trace).
 *
 * Arrived is not processed (docs/fidelity.md). A delivery puts bytes in the receiving
 * side's transport buffer — the kernel's socket buffer. A side whose pull mode is
 * `on_arrival` (the default; Node's `tls`, whose socket flows) hands them to its endpoint at
 * once. A side whose pull mode is `on_call` (OpenSSL, Go, Python, GnuTLS, rustls: the library
 * reads the socket only inside its own calls) keeps them buffered until `pull(side)`, which a
 * lens calls from inside connect/accept/read/peek — never from write. While one side's
 * blocking call drives the simulation, the other side is taken to be blocked in its own next
 * call (a concurrently running peer): deliveries to it are processed as they arrive. The
 * trace records a `processed` event each time an `on_call` side's library pulls bytes.
 */
import type { EndpointApi, TlsEndpoint } from '@tls13sim/handshake';
import { concatBytes, fromHex, isTlsError, toHex } from '@tls13sim/record';
import { toTraceBody } from './trace-body.js';
import { Duplex, DIRECTIONS, directionFrom, receiverOf, type Segment } from './duplex.js';
import { Ledgers, type LedgerView } from './ledger.js';
import {
  ReplayScheduler,
  SeededScheduler,
  delayOf,
  type Choice,
  type DeliveryPolicy,
  type Schedule,
  type Scheduler,
  type SchedulerContext,
} from './scheduler.js';
import {
  TraceRecorder,
  peerOf,
  type AppCall,
  type AppResult,
  type NetDirection,
  type Side,
  type Trace,
  type TraceEvent,
  type TraceEventBody,
  type TraceSide,
} from './trace.js';

export interface SimulationOptions {
  readonly client: EndpointApi;
  readonly server: EndpointApi;
  /** Scenario name recorded in the trace (default `adhoc`). */
  readonly scenario?: string;
  /** Seeds the scheduler (default 1). */
  readonly seed?: number;
  readonly policy?: DeliveryPolicy;
  /** Replay these choices instead of deciding (the policy's delays still apply). */
  readonly replay?: Schedule;
  /**
   * Decide with this scheduler instead (takes precedence over `replay` and the seeded
   * policy): the property arbitraries drive a run from an explicit, shrinkable script.
   * `clone()` must copy its position, since `fork()` and the quiescence check clone it.
   */
  readonly scheduler?: Scheduler;
  /** When each side's library reads its transport buffer (default `on_arrival` for both). */
  readonly pull?: Partial<Record<Side, PullMode>>;
}

/**
 * `on_arrival`: the endpoint processes bytes as soon as they are delivered. `on_call`: they
 * wait in the side's transport buffer until `Simulation.pull(side)`.
 */
export type PullMode = 'on_arrival' | 'on_call';

/**
 * A side's application program, run after every input that side's endpoint processed (and
 * after its own commands): it sees the trace events that input produced and may act
 * (`sim.write`, `sim.close`, …). Not copied by `fork()`/`snapshot()`.
 */
export type SideProgram = (sim: Simulation, side: Side, events: readonly TraceEvent[]) => void;

/** Optional fields of an `app_call` event. */
export interface AppCallExtra {
  readonly bytes?: number;
  readonly alert?: string;
  readonly lens?: string;
  readonly api?: string;
  readonly outcome?: string;
  readonly certs?: number;
}

/**
 * An attacker on the path (a scenario's `rewrite` step): given the bytes of the
 * `index`-th delivery (0-based) in `direction`, returns what the receiver gets instead, or
 * undefined to let them through. A rewrite is recorded as an `inject` fault on that
 * delivery's choice (with the bytes it took), so the schedule replays it without the hook.
 */
export type DeliveryRewrite = (direction: NetDirection, bytes: Uint8Array, index: number) => Uint8Array | undefined;

/** What one `step()` did. */
export interface StepResult {
  readonly choice: Choice;
  readonly to: Side;
  /** Bytes handed to the receiving endpoint (0 for a drop). */
  readonly delivered: number;
  /** The trace events this step produced, the `delivered` event first. */
  readonly events: readonly TraceEvent[];
}

export interface RunResult {
  readonly steps: number;
  /** Nothing left in flight and nothing scheduled. */
  readonly quiescent: boolean;
  /** `runBounded` hit its bound with work still pending. */
  readonly livelock: boolean;
}

export class SimulationLivelockError extends Error {
  constructor(readonly steps: number) {
    super(`simulation not quiescent after ${steps} steps (livelock?)`);
    this.name = 'SimulationLivelockError';
  }
}

interface SimState {
  endpoints: Record<Side, EndpointApi>;
  duplex: Duplex;
  scheduler: Scheduler;
  trace: TraceRecorder;
  ledgers: Ledgers;
  schedule: Choice[];
  now: number;
  started: boolean;
  flights: number;
  order: number;
  deliveries: Record<NetDirection, number>;
  total: number;
  /** Bytes delivered to each side and not yet processed by its endpoint. */
  inbox: Record<Side, Uint8Array[]>;
  pull: Record<Side, PullMode>;
  /** The side whose blocking call is driving the simulation, if any. */
  driver: Side | undefined;
  /** An attacker's rewrite of deliveries (setRewrite), if any. */
  rewrite?: DeliveryRewrite;
  /** Sides that closed TCP (hangUp): a FIN follows the last byte they sent. */
  hungUp: Record<Side, boolean>;
  /** Sides whose peer's FIN has arrived (after every byte the peer sent before it). */
  finArrived: Record<Side, boolean>;
  /** When the peer's FIN can arrive at each side: its hang-up time plus the direction's delay. */
  finAt: Record<Side, number>;
}

function cloneState(s: SimState): SimState {
  return {
    endpoints: { client: s.endpoints.client.clone(), server: s.endpoints.server.clone() },
    duplex: s.duplex.clone(),
    scheduler: s.scheduler.clone(),
    trace: s.trace.clone(),
    ledgers: s.ledgers.clone(),
    schedule: [...s.schedule],
    now: s.now,
    started: s.started,
    flights: s.flights,
    order: s.order,
    deliveries: { ...s.deliveries },
    total: s.total,
    inbox: { client: [...s.inbox.client], server: [...s.inbox.server] },
    pull: { ...s.pull },
    driver: s.driver,
    hungUp: { ...s.hungUp },
    finArrived: { ...s.finArrived },
    finAt: { ...s.finAt },
    ...(s.rewrite !== undefined ? { rewrite: s.rewrite } : {}),
  };
}

/** A frozen copy of a whole simulation; `Simulation.restore` may be called on it many times. */
export class SimulationSnapshot {
  /** @internal */
  constructor(
    /** @internal */ readonly state: SimState,
    readonly scenario: string,
    readonly seed: number,
    readonly policy: DeliveryPolicy,
  ) {}
}

export class Simulation {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: DeliveryPolicy;
  private s: SimState;
  private programs: Partial<Record<Side, { run: SideProgram; seen: number; busy: boolean }>> = {};

  constructor(opts: SimulationOptions) {
    this.scenario = opts.scenario ?? 'adhoc';
    this.seed = opts.seed ?? 1;
    this.policy = opts.policy ?? {};
    this.s = {
      endpoints: { client: opts.client, server: opts.server },
      duplex: new Duplex(),
      scheduler: opts.scheduler ?? (opts.replay ? new ReplayScheduler(opts.replay) : new SeededScheduler(this.seed, this.policy)),
      trace: new TraceRecorder(),
      ledgers: new Ledgers(),
      schedule: [],
      now: 0,
      started: false,
      flights: 0,
      order: 0,
      deliveries: { client_to_server: 0, server_to_client: 0 },
      total: 0,
      inbox: { client: [], server: [] },
      pull: { client: opts.pull?.client ?? 'on_arrival', server: opts.pull?.server ?? 'on_arrival' },
      driver: undefined,
      hungUp: { client: false, server: false },
      finArrived: { client: false, server: false },
      finAt: { client: 0, server: 0 },
    };
  }

  static restore(snap: SimulationSnapshot): Simulation {
    const sim = Object.create(Simulation.prototype) as Simulation;
    (sim as { scenario: string }).scenario = snap.scenario;
    (sim as { seed: number }).seed = snap.seed;
    (sim as { policy: DeliveryPolicy }).policy = snap.policy;
    sim.s = cloneState(snap.state);
    sim.programs = {};
    return sim;
  }

  // ── views ────────────────────────────────────────────────────────────────────────────

  get client(): EndpointApi {
    return this.s.endpoints.client;
  }

  get server(): EndpointApi {
    return this.s.endpoints.server;
  }

  endpoint(side: Side): EndpointApi {
    return this.s.endpoints[side];
  }

  /** The virtual clock, in ms. */
  get now(): number {
    return this.s.now;
  }

  get events(): readonly TraceEvent[] {
    return this.s.trace.events;
  }

  /** Every choice made so far; `new Simulation({ ..., replay: sim.schedule })` replays it. */
  get schedule(): Schedule {
    return this.s.schedule;
  }

  ledger(side: Side): LedgerView {
    return this.s.ledgers.of(side);
  }

  /** Bytes queued (in flight) in one direction, or in both. */
  inFlight(direction?: NetDirection): number {
    if (direction) return this.s.duplex.queues[direction].totalBytes;
    return this.s.duplex.queues.client_to_server.totalBytes + this.s.duplex.queues.server_to_client.totalBytes;
  }

  /** What is queued in one direction, front first: one segment per record (or what is left of it). */
  queued(direction: NetDirection): readonly Segment[] {
    return this.s.duplex.queues[direction].segments;
  }

  /** Bytes delivered to `side` that its endpoint has not processed yet (its library has not pulled them). */
  buffered(side: Side): number {
    let n = 0;
    for (const b of this.s.inbox[side]) n += b.length;
    return n;
  }

  /** The first byte delivered to `side` and not processed yet (a record's content type), if any. */
  bufferedType(side: Side): number | undefined {
    return this.s.inbox[side][0]?.[0];
  }

  pullMode(side: Side): PullMode {
    return this.s.pull[side];
  }

  /**
   * Changes when `side` processes what arrives. Switching to `on_arrival` processes what is
   * already buffered.
   */
  setPullMode(side: Side, mode: PullMode): void {
    this.s.pull[side] = mode;
    if (mode === 'on_arrival') this.pull(side);
  }

  /**
   * The library reads its transport buffer: what was delivered to `side` and not yet
   * processed reaches the endpoint. Without `enough`, everything buffered (one `processed`
   * event); with it, whole records one at a time (a `processed` event each) until `enough()`
   * holds — as a library that reads record by record stops once it has what the call needs
   * (the handshake done, one record of data), leaving the rest in the socket. Returns the
   * bytes processed.
   */
  pull(side: Side, enough?: () => boolean): number {
    const inbox = this.s.inbox[side];
    if (inbox.length === 0) return 0;
    const bytes = inbox.length === 1 ? inbox[0]! : concatBytes(...inbox);
    if (enough === undefined) {
      this.s.inbox[side] = [];
      this.emit(side, { type: 'processed', bytes: bytes.length });
      this.deliver(side, bytes);
      return bytes.length;
    }
    let at = 0;
    const ends: number[] = [];
    while (at + 5 <= bytes.length) {
      const end = at + 5 + ((bytes[at + 3]! << 8) | bytes[at + 4]!);
      if (end > bytes.length) break;
      ends.push(end);
      at = end;
    }
    if (ends.length === 0) return 0;
    this.s.inbox[side] = [];
    let taken = 0;
    for (const end of ends) {
      // The first record is always read: the call was made because it needs one.
      if (taken > 0 && enough()) break;
      this.emit(side, { type: 'processed', bytes: end - taken });
      this.deliver(side, bytes.subarray(taken, end));
      taken = end;
    }
    if (taken < bytes.length) this.s.inbox[side] = [bytes.slice(taken)];
    return taken;
  }

  /**
   * Runs `f` as a blocking call of `side`'s application: meanwhile the other side counts as
   * blocked in its own next call, and processes what it receives as it arrives.
   */
  driving<T>(side: Side, f: () => T): T {
    const before = this.s.driver;
    this.s.driver = side;
    try {
      this.pull(side === 'client' ? 'server' : 'client');
      return f();
    } finally {
      this.s.driver = before;
    }
  }

  /**
   * The peer closed TCP without a close_notify (`hangUp`) and `side`'s library has read
   * everything before the FIN: its next read meets the end of the stream, a truncation
   * (RFC 8446 §6.1).
   */
  transportEnded(side: Side): boolean {
    return this.s.finArrived[side] && this.buffered(side) === 0;
  }

  /** Did `side` close TCP (`hangUp`)? */
  hungUp(side: Side): boolean {
    return this.s.hungUp[side];
  }

  /** Bytes queued toward `side`. */
  inFlightTo(side: Side): number {
    return this.inFlight(side === 'client' ? 'server_to_client' : 'client_to_server');
  }

  /** Nothing in flight and nothing scheduled: `step()` would return null. */
  get isQuiescent(): boolean {
    return this.peekQuiescent();
  }

  toTrace(): Trace {
    return { version: 1, scenario: this.scenario, seed: this.seed, events: [...this.s.trace.events] };
  }

  // ── inputs ───────────────────────────────────────────────────────────────────────────

  /** Starts both endpoints (the client emits its ClientHello). Idempotent. */
  start(): void {
    if (this.s.started) return;
    this.s.started = true;
    this.s.endpoints.client.start(this.s.now);
    this.drain('client');
    // A server that hung up before the start closes TCP once the ClientHello is on its way.
    if (this.s.hungUp.server) this.closeTransport('server');
    this.s.endpoints.server.start(this.s.now);
    this.drain('server');
    if (this.s.hungUp.client) this.closeTransport('client');
  }

  /** Installs `side`'s application program (see `SideProgram`); it first runs on the events so far. */
  setProgram(side: Side, run: SideProgram): void {
    this.programs[side] = { run, seen: 0, busy: false };
    this.runProgram(side);
  }

  /** Runs an application command on one endpoint, then drains what it produced. */
  act(side: Side, command: (ep: EndpointApi) => void): void {
    this.start();
    if (this.s.hungUp[side]) throw new Error(`${side} has closed TCP (hangUp): it sends nothing more`);
    command(this.s.endpoints[side]);
    this.drain(side);
  }

  write(side: Side, data: Uint8Array): void {
    this.act(side, (ep) => ep.write(data));
  }

  close(side: Side): void {
    this.act(side, (ep) => ep.close());
  }

  /**
   * `side` closes TCP without a close_notify, a truncation (RFC 8446 §6.1): a FIN follows the
   * bytes already in flight, and nothing more leaves or reaches its endpoint (what arrives is
   * discarded). A `note` with fact `hang_up` records it; one with fact `tcp_fin`, on the
   * peer's side, the FIN's arrival. Before `start()`, the side closes TCP once the endpoints
   * have started (the server: with the ClientHello on its way, before it can answer).
   * Idempotent.
   */
  hangUp(side: Side): void {
    if (this.s.hungUp[side]) return;
    this.s.hungUp[side] = true;
    if (this.s.started) this.closeTransport(side);
  }

  /**
   * The side's application abandons the handshake: its endpoint's cancel() (user_canceled,
   * then close_notify, RFC 8446 §6.1), then it closes TCP (a server whose handshake timer
   * fired, as `serve` does).
   */
  cancel(side: Side): void {
    this.act(side, (ep) => (ep as TlsEndpoint).cancel());
    this.hangUp(side);
  }

  private closeTransport(side: Side): void {
    const direction = directionFrom(side);
    this.s.finAt[receiverOf(direction)] = this.s.now + delayOf(this.policy, direction);
    const text = this.sentCloseNotify(side)
      ? `${side} closes TCP after its close_notify`
      : `${side} closes TCP without close_notify (a truncation, RFC 8446 §6.1)`;
    this.emit('network', { type: 'note', text, fact: 'hang_up' });
    this.finIfDrained(direction);
  }

  keyUpdate(side: Side, requestPeer: boolean): void {
    this.act(side, (ep) => ep.keyUpdate(requestPeer));
  }

  requestClientAuth(): void {
    this.act('server', (ep) => ep.requestClientAuth());
  }

  /** Installs an attacker that may rewrite deliveries (see `DeliveryRewrite`); copied by `fork()`. */
  setRewrite(rewrite: DeliveryRewrite): void {
    this.s.rewrite = rewrite;
  }

  /** A teaching annotation in the trace. */
  note(text: string, side: TraceSide = 'network'): void {
    this.emit(side, { type: 'note', text });
  }

  /** Records an application call (the API lenses use this). */
  recordAppCall(side: Side, call: AppCall, result: AppResult, extra: AppCallExtra = {}): void {
    const body: TraceEventBody = { type: 'app_call', call, result, ...extra };
    this.emit(side, body);
  }

  advanceClock(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceClock: ms must be ≥ 0, got ${ms}`);
    this.s.now += ms;
  }

  // ── stepping ─────────────────────────────────────────────────────────────────────────

  /**
   * Delivers one unit; null when quiescent (nothing in flight, nothing scheduled). A FIN
   * (`hangUp`) due no later than that unit arrives first; one due when nothing else can be
   * delivered arrives then, the clock moved to its time (then null, unless its arrival made
   * a side send).
   */
  step(): StepResult | null {
    this.start();
    const choice = this.s.scheduler.choose(this.context());
    const fin = this.pendingFin();
    if (fin !== undefined && (choice === null || fin.at <= choice.at)) {
      this.arriveFin(fin.to, fin.at);
      if (choice === null) return this.step();
    }
    if (choice === null) return null;
    return this.apply(choice);
  }

  /**
   * Delivers exactly `choice`, bypassing the scheduler: the exhaustive explorer decides each
   * delivery itself. Recorded in `schedule` like any other choice, so it replays.
   */
  stepWith(choice: Choice): StepResult {
    this.start();
    return this.apply(choice);
  }

  /** Steps to quiescence; throws `SimulationLivelockError` after `maxSteps`. */
  run(maxSteps = 100_000): RunResult {
    const r = this.runBounded(maxSteps);
    if (r.livelock) throw new SimulationLivelockError(r.steps);
    return r;
  }

  /** Steps at most `n` times; reports whether it reached quiescence or looks livelocked. */
  runBounded(n: number): RunResult {
    let steps = 0;
    while (steps < n) {
      if (this.step() === null) return { steps, quiescent: true, livelock: false };
      steps++;
    }
    const quiescent = this.peekQuiescent();
    return { steps, quiescent, livelock: !quiescent };
  }

  snapshot(): SimulationSnapshot {
    return new SimulationSnapshot(cloneState(this.s), this.scenario, this.seed, this.policy);
  }

  /** An independent continuation: endpoints, queues, clock, scheduler and trace all copied. */
  fork(): Simulation {
    // One copy, not two (a snapshot copies, and restoring it copies again): the explorer forks
    // at every delivery choice.
    return Simulation.restore(new SimulationSnapshot(this.s, this.scenario, this.seed, this.policy));
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  /** Would `step()` return null now? Decided on a copy of the scheduler. */
  private peekQuiescent(): boolean {
    return this.pendingFin() === undefined && this.s.scheduler.clone().choose(this.context()) === null;
  }

  /** The earliest FIN whose bytes before it have all been delivered and that has not arrived yet. */
  private pendingFin(): { readonly to: Side; readonly at: number } | undefined {
    let next: { to: Side; at: number } | undefined;
    for (const to of ['client', 'server'] as const) {
      const at = this.finDueAt(to);
      if (at !== undefined && (next === undefined || at < next.at)) next = { to, at };
    }
    return next;
  }

  /**
   * When the FIN of `to`'s peer can arrive (never before now): the peer hung up, every byte
   * it sent before the FIN has been delivered, and the FIN has not arrived yet.
   */
  private finDueAt(to: Side): number | undefined {
    const from = peerOf(to);
    if (!this.s.started || !this.s.hungUp[from] || this.s.finArrived[to] || !this.s.duplex.queues[directionFrom(from)].isEmpty) return undefined;
    return Math.max(this.s.now, this.s.finAt[to]);
  }

  private context(): SchedulerContext {
    const { queues } = this.s.duplex;
    let now = this.s.now;
    const anyReady = DIRECTIONS.some((d) => queues[d].view(now).readyBytes > 0);
    if (!anyReady) {
      const next = DIRECTIONS.map((d) => queues[d].view(now).nextReadyAt).filter((t): t is number => t !== undefined);
      if (next.length > 0) now = Math.max(now, Math.min(...next));
    }
    return {
      now,
      queues: { client_to_server: queues.client_to_server.view(now), server_to_client: queues.server_to_client.view(now) },
      deliveries: { ...this.s.deliveries },
      total: this.s.total,
    };
  }

  private apply(decided: Choice): StepResult {
    const s = this.s;
    s.now = Math.max(s.now, decided.at);
    const to = receiverOf(decided.direction);
    const queue = s.duplex.queues[decided.direction];
    const taken = queue.take(decided.take);
    const choice = this.rewritten(decided, taken.bytes);
    s.schedule.push(choice);
    let bytes = taken.bytes;
    const fault = choice.fault;
    if (fault !== undefined) {
      switch (fault.kind) {
        case 'drop':
          bytes = new Uint8Array(0);
          break;
        case 'duplicate':
          // The network delivers the unit now and again as the next unit in this direction.
          for (const seg of [...taken.segments].reverse()) queue.unshift({ ...seg, readyAt: s.now });
          break;
        case 'truncate':
          bytes = bytes.slice(0, fault.keep);
          break;
        case 'corrupt': {
          bytes = bytes.slice();
          bytes[fault.offset] = bytes[fault.offset]! ^ fault.xor;
          break;
        }
        case 'inject':
          bytes = fromHex(fault.hex);
          break;
      }
    }
    s.deliveries[choice.direction]++;
    s.total++;
    const first = s.trace.length;
    this.emit('network', {
      type: 'delivered',
      direction: choice.direction,
      bytes: bytes.length,
      taken: choice.take,
      hex: toHex(bytes),
      ...(taken.flight !== undefined ? { flight: taken.flight } : {}),
      ...(fault !== undefined ? { fault } : {}),
      ...(bytes.length > 0 && s.pull[to] === 'on_call' ? { buffered: true } : {}),
    });
    if (bytes.length > 0) this.arrive(to, bytes);
    this.finIfDrained(choice.direction);
    return { choice, to, delivered: bytes.length, events: s.trace.events.slice(first) };
  }

  /**
   * The FIN of a side that hung up rides on the last segment it sent before it: it arrives
   * with it, if its own time has come; else `step()` delivers it when it is due.
   */
  private finIfDrained(direction: NetDirection): void {
    const to = receiverOf(direction);
    if (this.finDueAt(to) === this.s.now) this.arriveFin(to, this.s.now);
  }

  /** Whether `side`'s endpoint has sent its close_notify (a FIN after it ends a clean close, not a truncation). */
  private sentCloseNotify(side: Side): boolean {
    return this.events.some((e) => e.side === side && e.type === 'alert_sent' && e.description === 'close_notify');
  }

  private arriveFin(to: Side, at: number): void {
    const from = peerOf(to);
    this.s.now = Math.max(this.s.now, at);
    this.s.finArrived[to] = true;
    const before = this.sentCloseNotify(from) ? 'after its close_notify' : 'with no close_notify before it';
    this.emit(to, { type: 'note', text: `${from}'s FIN arrives: the end of its byte stream, ${before}`, fact: 'tcp_fin' });
    // A library that reads on arrival (Node) learns of the FIN now.
    this.runProgram(to);
  }

  /** The choice as delivered: with the attacker's rewrite of its bytes (an `inject` fault), if it makes one. */
  private rewritten(choice: Choice, bytes: Uint8Array): Choice {
    const rewrite = this.s.rewrite;
    if (rewrite === undefined || choice.fault !== undefined || bytes.length === 0) return choice;
    const out = rewrite(choice.direction, bytes, this.s.deliveries[choice.direction]);
    return out === undefined ? choice : { ...choice, fault: { kind: 'inject', hex: toHex(out) } };
  }

  /** Bytes reach `to`'s transport buffer; processed now unless its library waits for a call. */
  private arrive(to: Side, bytes: Uint8Array): void {
    const s = this.s;
    if (s.pull[to] === 'on_arrival') {
      this.deliver(to, bytes);
      return;
    }
    s.inbox[to].push(bytes);
    if (s.driver !== undefined && s.driver !== to) this.pull(to);
  }

  private deliver(to: Side, bytes: Uint8Array): void {
    const ep = this.s.endpoints[to];
    if (ep.state === 'CLOSED' || this.s.hungUp[to]) {
      this.emit(to, { type: 'note', text: `${to} is closed: ${bytes.length} bytes discarded`, fact: 'discarded' });
      return;
    }
    try {
      ep.handleBytes(bytes, this.s.now);
    } catch (e) {
      // A fatal error already turned into an alert inside the endpoint; anything else is a bug.
      if (!isTlsError(e)) throw e;
      this.emit(to, { type: 'note', text: `${to}: ${e.message}`, fact: 'handle_error' });
    }
    this.drain(to);
  }

  /** All records polled after one input form one flight toward the peer. */
  private drain(side: Side): void {
    const s = this.s;
    const ep = s.endpoints[side];
    const direction = directionFrom(side);
    const readyAt = s.now + delayOf(this.policy, direction);
    let flight: number | undefined;
    for (let rec = ep.pollTransmit(); rec !== null; rec = ep.pollTransmit()) {
      flight ??= s.flights++;
      s.duplex.queues[direction].push({ bytes: rec.slice(), flight, order: s.order++, readyAt });
    }
    for (let ev = ep.pollEvent(); ev !== null; ev = ep.pollEvent()) {
      const body = toTraceBody(side, ev);
      if (body !== null) this.emit(side, body);
    }
    this.runProgram(side);
  }

  private runProgram(side: Side): void {
    const p = this.programs[side];
    if (p === undefined || p.busy) return;
    p.busy = true;
    try {
      while (p.seen < this.s.trace.length) {
        const events = this.s.trace.events.slice(p.seen).filter((e) => e.side === side);
        p.seen = this.s.trace.length;
        if (events.length > 0) p.run(this, side, events);
      }
    } finally {
      p.busy = false;
    }
  }

  private emit(side: TraceSide, body: TraceEventBody): void {
    const ev = this.s.trace.emit(side, this.s.now, body);
    for (const v of this.s.ledgers.observe(ev)) this.s.trace.emit(v.side, this.s.now, v.body);
  }
}

/** Re-exported: callers that imported it from here keep working. */
export { toTraceBody } from './trace-body.js';
