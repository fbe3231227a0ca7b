/**
 * What the vitest matchers check (`@tls13sim/sim/vitest`), as plain functions any test
 * runner can use (node:test, a property's `check`): each returns `{ pass, saw }`, `saw`
 * saying what the trace shows. Node-free; exported by the package entry.
 */
import type { AppCall, Side, Trace, TraceEvent, TraceEventOf, Verdict } from './trace.js';

/** A trace, or anything with `toTrace()` (a `Simulation`). */
export type TraceSource = Trace | { toTrace(): Trace };

/** What `toHaveVerdict` may also require. */
export interface VerdictExpectation {
  /** `knows`: the side's received bytes imply the verdict; `presumes`: consistent with it only. */
  readonly basis?: 'knows' | 'presumes';
}

/** What `toSurfaceAlertOn` may also require. */
export interface AlertExpectation {
  /** Only this side's calls (default: either side). */
  readonly side?: Side;
}

/** The trace of a Trace or a Simulation; anything else is a clear error. */
export function traceOf(received: unknown): Trace {
  if (typeof received === 'object' && received !== null) {
    const r = received as { toTrace?: unknown; version?: unknown; events?: unknown };
    if (typeof r.toTrace === 'function') return (r.toTrace as () => Trace).call(received);
    if (r.version === 1 && Array.isArray(r.events)) return received as Trace;
  }
  throw new TypeError(`expected a tls13sim Trace or Simulation, got ${received === null ? 'null' : typeof received}`);
}

function where(ev: TraceEvent): string {
  return `event #${ev.seq} at ${ev.time} ms`;
}

function sideOk(side: unknown): asserts side is Side {
  if (side !== 'client' && side !== 'server') throw new TypeError(`side must be 'client' or 'server', got ${JSON.stringify(side)}`);
}

/** A check's answer. */
export interface TraceCheck {
  readonly pass: boolean;
  /** What the trace shows (the message's second half). */
  readonly saw: string;
}

/** `toCompleteBefore`: `first`'s handshake completes (§4.4.4), before `second`'s or with `second`'s never completing. */
export function checkCompleteBefore(trace: Trace, first: Side, second: Side): TraceCheck {
  sideOk(first);
  sideOk(second);
  const done = (s: Side) => trace.events.find((e) => e.type === 'handshake_complete' && e.side === s);
  const a = done(first);
  const b = done(second);
  const show = (s: Side, e: TraceEvent | undefined) => `${s}: ${e === undefined ? 'never completes' : `completes at ${where(e)}`}`;
  const pass = a !== undefined && (b === undefined || a.seq < b.seq);
  return { pass, saw: `${show(first, a)}; ${show(second, b)}` };
}

/** `toSurfaceAlertOn`: the first application call that reports `alert` (of `opts.side`, if given) is a `call`. */
export function checkSurfaceAlertOn(trace: Trace, call: AppCall, alert: string, opts: AlertExpectation = {}): TraceCheck {
  if (opts.side !== undefined) sideOk(opts.side);
  const calls = trace.events.filter((e): e is TraceEventOf<'app_call'> => e.type === 'app_call' && (opts.side === undefined || e.side === opts.side));
  const first = calls.find((e) => e.alert === alert);
  if (first === undefined) {
    const others = [...new Set(calls.flatMap((e) => (e.alert !== undefined ? [`${e.side} ${e.call} → ${e.alert}`] : [])))];
    return { pass: false, saw: `no application call reports ${alert}${others.length > 0 ? ` (alerts reported: ${others.join(', ')})` : ''}` };
  }
  const name = first.api !== undefined ? ` (${first.api}${first.outcome !== undefined ? ` → ${first.outcome}` : ''})` : '';
  return { pass: first.call === call, saw: `the first call that reports ${alert} is the ${first.side}'s ${first.call}${name}, ${where(first)}` };
}

/** `toHaveVerdict`: `side`'s latest view of the peer's verdict (`unknown` when none) is `verdict`, on `opts.basis` if given. */
export function checkVerdict(trace: Trace, side: Side, verdict: Verdict, opts: VerdictExpectation = {}): TraceCheck {
  sideOk(side);
  const last = trace.events.filter((e): e is TraceEventOf<'peer_verdict'> => e.type === 'peer_verdict' && e.side === side).at(-1);
  if (last === undefined) return { pass: verdict === 'unknown' && opts.basis === undefined, saw: `${side} has no verdict: unknown` };
  const pass = last.verdict === verdict && (opts.basis === undefined || last.basis === opts.basis);
  return { pass, saw: `${side}'s verdict is ${last.verdict}${last.basis !== undefined ? ` (${last.basis})` : ''}: ${last.evidence}, ${where(last)}` };
}
