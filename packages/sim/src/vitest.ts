/**
 * `@tls13sim/sim/vitest` — vitest matchers for traces and simulations (docs/testing.md).
 * Importing this module registers them with `expect.extend`, and types them on vitest's
 * `Assertion` (module augmentation of `Matchers`):
 *
 * ```ts
 * import '@tls13sim/sim/vitest';
 * expect(sim).toCompleteBefore('client', 'server');
 * expect(sim).toSurfaceAlertOn('read', 'decrypt_error');
 * expect(sim).toHaveVerdict('client', 'rejected', { basis: 'knows' });
 * ```
 *
 * Each takes a `Trace` or a `Simulation` (its trace so far). A failure message says what the
 * trace shows instead, followed by the whole text timeline (`renderTimeline`).
 *
 * Needs vitest (an optional peer dependency of `@tls13sim/sim`); the package entry does not
 * import this module.
 */
import { expect } from 'vitest';
import { renderTimeline } from './render/timeline.js';
import type { AppCall, Side, Trace, Verdict } from './trace.js';
import {
  checkCompleteBefore,
  checkSurfaceAlertOn,
  checkVerdict,
  traceOf,
  type AlertExpectation,
  type TraceCheck,
  type VerdictExpectation,
} from './trace-checks.js';

export * from './trace-checks.js';

/** The matchers this module adds to `expect(…)`. */
export interface TlsMatchers<R = unknown> {
  /**
   * `first`'s handshake completes (RFC 8446 §4.4.4: it has sent and received Finished), and
   * before `second`'s does — or `second`'s never does.
   */
  toCompleteBefore(first: Side, second: Side): R;
  /**
   * The first application call (`app_call` event) that reports `alert` is a `call` — e.g.
   * the client learns of the server's `decrypt_error` on a read, not on its connect or write.
   */
  toSurfaceAlertOn(call: AppCall, alert: string, opts?: AlertExpectation): R;
  /**
   * `side`'s latest view of the peer's verdict on its handshake (`peer_verdict` events;
   * `unknown` when there is none) is `verdict`, with `opts.basis` when given.
   */
  toHaveVerdict(side: Side, verdict: Verdict, opts?: VerdictExpectation): R;
}

declare module 'vitest' {
  // vitest's own declaration is `interface Matchers<T = any>`: merged declarations must match.
  // biome-ignore lint/suspicious/noExplicitAny: it must be vitest's `any`, as said above
  interface Matchers<T = any> extends TlsMatchers<T> {}
}

function withTimeline(trace: Trace, text: string): string {
  return `${text}\n\n${renderTimeline(trace)}`;
}

function result(trace: Trace, isNot: boolean, expectation: string, o: TraceCheck) {
  return {
    pass: o.pass,
    message: () => withTimeline(trace, `expected ${isNot ? 'not ' : ''}${expectation}, but ${o.saw}`),
  };
}

/** The matchers as an object, for `expect.extend` in a setup of your own. */
export const tlsMatchers = {
  toCompleteBefore(this: { isNot: boolean }, received: unknown, first: Side, second: Side) {
    const trace = traceOf(received);
    return result(trace, this.isNot, `the ${first}'s handshake to complete before the ${second}'s`, checkCompleteBefore(trace, first, second));
  },
  toSurfaceAlertOn(this: { isNot: boolean }, received: unknown, call: AppCall, alert: string, opts?: AlertExpectation) {
    const trace = traceOf(received);
    const who = opts?.side !== undefined ? `the ${opts.side}'s ` : '';
    return result(trace, this.isNot, `${alert} to surface first on ${who}${call}`, checkSurfaceAlertOn(trace, call, alert, opts));
  },
  toHaveVerdict(this: { isNot: boolean }, received: unknown, side: Side, verdict: Verdict, opts?: VerdictExpectation) {
    const trace = traceOf(received);
    const basis = opts?.basis !== undefined ? ` (${opts.basis})` : '';
    return result(trace, this.isNot, `${side}'s verdict to be ${verdict}${basis}`, checkVerdict(trace, side, verdict, opts));
  },
};

expect.extend(tlsMatchers);

export { tlsProperty, TlsPropertyFailure, type TlsPropertyOptions } from './explore/user-property.js';
export { defineTlsProperty, type TlsProperty } from './explore/tls-property.js';
