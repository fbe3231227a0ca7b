/** Runs one of issue 8's properties at its CI run count and fixed seed; a failure names the replay command. */
import { expect } from 'vitest';
import { getProperty } from '../src/explore/properties.js';
import { runProperty } from '../src/explore/runner.js';

/** The fixed CI seed; `pnpm explore --seed S` explores others. */
export const CI_SEED = 20260101;

export function expectPropertyHolds(name: string, seed = CI_SEED): void {
  const def = getProperty(name);
  if (def === undefined) throw new Error(`no property ${name}`);
  const r = runProperty(def, { seed });
  if (r.failed) {
    throw new Error(`${name} failed after ${r.runs} runs: ${r.message}\n  replay: ${r.command}\n  or:     ${r.seedCommand}`);
  }
  expect(r.runs).toBe(def.ciRuns);
}
