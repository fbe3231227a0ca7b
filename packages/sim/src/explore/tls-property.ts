/**
 * The shape of a user's own property (docs/testing.md), apart from the runner: node-free,
 * so the package entry exports it and a property module imports nothing Node-only.
 * `tlsProperty` (in `@tls13sim/sim/vitest`) runs it.
 */
import type fc from 'fast-check';
import type { Schedule } from '../scheduler.js';
import type { Simulation } from '../simulation.js';

/**
 * A property of a user's own: an arbitrary of inputs, the simulation an input runs, and the
 * judgement on that run. Define it in a module of its own that exports it (not in the test
 * file itself, which only vitest can load), so `tls13sim replay` can import it.
 */
export interface TlsProperty<T> {
  /** Names the property in messages and counterexample files (lowercase, digits, '-'). */
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /**
   * Builds the case's Simulation and drives it (run it, or make lens calls), and returns
   * it. Pass `replay` on to the Simulation (`clientServerPair({ replay })`): a replay then
   * repeats the very deliveries of the failing run.
   */
  simulate(input: T, replay?: Schedule): Simulation;
  /** Judges the run: throws, or returns false, when the property does not hold. */
  check(sim: Simulation, input: T): boolean | void;
  /** Where the property is exported from (`import.meta.url`), for `tls13sim replay`. */
  readonly module?: string;
  /** The input as JSON, and back (default: the input as it is, for JSON-shaped inputs). */
  encode?(input: T): unknown;
  decode?(json: unknown): T;
}

/** Types a property definition (an identity function, for inference). */
export function defineTlsProperty<T>(def: TlsProperty<T>): TlsProperty<T> {
  return def;
}
