/**
 * What a property of the explorer is: the arbitrary of its inputs, the check, the run count
 * CI uses, and how an input is saved to and read back from a counterexample file. Its own
 * module so that a property defined next to its machinery (branch.ts) and the catalogue
 * (properties.ts) both depend on it, not on each other.
 */
import type fc from 'fast-check';
import type { Schedule } from '../scheduler.js';
import type { Simulation } from '../simulation.js';

export interface PropertyDef<T> {
  readonly name: string;
  readonly description: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** CI run count (with the fixed seed in the tests). */
  readonly ciRuns: number;
  /** Throws PropertyViolation (or anything) when the property does not hold. */
  check(input: T, replay?: Schedule): void;
  /** The simulation an input runs (for the saved schedule and trace); null if not one run. */
  simulate?(input: T, replay?: Schedule): Simulation;
  encode(input: T): unknown;
  decode(json: unknown): T;
}
