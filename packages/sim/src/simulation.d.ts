/**
 * `Simulation` = client endpoint + server endpoint + in-memory duplex + scheduler + virtual
 * clock + trace (DESIGN.md "The simulation"). Delivering a unit means calling
 * `handleBytes(bytes, now)` on the receiver, then draining its `pollTransmit()` (one new
 * flight toward the peer) and `pollEvent()` (into the trace).
 */
import type { EndpointApi } from '@tls13sim/handshake';
import { Duplex } from './duplex.js';
import { Ledgers, type LedgerView } from './ledger.js';
import { type Choice, type DeliveryPolicy, type Schedule, type Scheduler } from './scheduler.js';
import { TraceRecorder, type AppCall, type AppResult, type NetDirection, type Side, type Trace, type TraceEvent, type TraceSide } from './trace.js';
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
}
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
export declare class SimulationLivelockError extends Error {
    readonly steps: number;
    constructor(steps: number);
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
}
/** A frozen copy of a whole simulation; `Simulation.restore` may be called on it many times. */
export declare class SimulationSnapshot {
    /** @internal */ readonly state: SimState;
    readonly scenario: string;
    readonly seed: number;
    readonly policy: DeliveryPolicy;
    /** @internal */
    constructor(
    /** @internal */ state: SimState, scenario: string, seed: number, policy: DeliveryPolicy);
}
export declare class Simulation {
    readonly scenario: string;
    readonly seed: number;
    readonly policy: DeliveryPolicy;
    private s;
    constructor(opts: SimulationOptions);
    static restore(snap: SimulationSnapshot): Simulation;
    get client(): EndpointApi;
    get server(): EndpointApi;
    endpoint(side: Side): EndpointApi;
    /** The virtual clock, in ms. */
    get now(): number;
    get events(): readonly TraceEvent[];
    /** Every choice made so far; `new Simulation({ ..., replay: sim.schedule })` replays it. */
    get schedule(): Schedule;
    ledger(side: Side): LedgerView;
    /** Bytes queued (in flight) in one direction, or in both. */
    inFlight(direction?: NetDirection): number;
    /** Bytes queued toward `side`. */
    inFlightTo(side: Side): number;
    get isQuiescent(): boolean;
    toTrace(): Trace;
    /** Starts both endpoints (the client emits its ClientHello). Idempotent. */
    start(): void;
    /** Runs an application command on one endpoint, then drains what it produced. */
    act(side: Side, command: (ep: EndpointApi) => void): void;
    write(side: Side, data: Uint8Array): void;
    close(side: Side): void;
    keyUpdate(side: Side, requestPeer: boolean): void;
    requestClientAuth(): void;
    /** A teaching annotation in the trace. */
    note(text: string, side?: TraceSide): void;
    /** Records an application call (the API lenses use this). */
    recordAppCall(side: Side, call: AppCall, result: AppResult, extra?: {
        bytes?: number;
        alert?: string;
    }): void;
    advanceClock(ms: number): void;
    /** Delivers one unit; null when quiescent (nothing in flight, nothing scheduled). */
    step(): StepResult | null;
    /** Steps to quiescence; throws `SimulationLivelockError` after `maxSteps`. */
    run(maxSteps?: number): RunResult;
    /** Steps at most `n` times; reports whether it reached quiescence or looks livelocked. */
    runBounded(n: number): RunResult;
    snapshot(): SimulationSnapshot;
    /** An independent continuation: endpoints, queues, clock, scheduler and trace all copied. */
    fork(): Simulation;
    /** Would `step()` return null now? Decided on a copy of the scheduler. */
    private peekQuiescent;
    private context;
    private apply;
    private deliver;
    /** All records polled after one input form one flight toward the peer. */
    private drain;
    private emit;
}
export {};
