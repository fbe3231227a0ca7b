/**
 * The lens half of each differential test: the lens's call → outcome sequence on the
 * simulated case must equal the real library's, and a deliberately wrong lens (the mutant
 * each library's test names) must disagree with the real library on some case — proof that
 * the comparison can fail.
 */
import type { DiffCase } from '../../packages/sim/src/lens/cases.js';
import type { Lens, LensName } from '../../packages/sim/src/lens/lens.js';
import { runCaseThroughLens, runCaseWith, type CaseOutcome } from '../../packages/sim/src/lens/run-case.js';
import { createLens } from '../../packages/sim/src/lens/registry.js';
import type { Simulation } from '../../packages/sim/src/simulation.js';
import type { Outcome } from './harness.js';

export function lensOutcomes(lib: LensName, c: DiffCase): CaseOutcome[] {
  return runCaseThroughLens(c, lib).outcomes;
}

/** A lens whose library reads the socket inside write too: the bug issue 15 found in the old OpenSSL lens. */
export function writePullsMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => {
    const lens = createLens(lib, sim, 'client', { blocking: true });
    const write = lens.write.bind(lens);
    lens.write = (data) => {
      sim.pull('client');
      return write(data);
    };
    return lens;
  };
}

/** A lens whose library processes bytes as they arrive instead of inside its calls. */
export function pullsOnArrivalMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => createLens(lib, sim, 'client', { blocking: true, pulls: 'on_arrival' });
}

/** A lens whose library reads only inside its calls (for Node, whose socket flows). */
export function pullsOnCallMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => createLens(lib, sim, 'client', { blocking: true, pulls: 'on_call' });
}

/** Cases on which the mutant's outcomes differ from the real ones. */
export function mutantDisagreements(make: (sim: Simulation) => Lens, real: ReadonlyMap<DiffCase, readonly Outcome[]>): string[] {
  const differ: string[] = [];
  for (const [c, outcomes] of real) {
    const got = runCaseWith(c, make).outcomes;
    if (JSON.stringify(got) !== JSON.stringify(outcomes)) differ.push(c.name);
  }
  return differ;
}

/** A lens whose Write fails once a fatal alert has been read (Go keeps that error for Read only). */
export function writeFailsAfterAlertMutant(lib: LensName): (sim: Simulation) => Lens {
  return (sim) => {
    const lens = createLens(lib, sim, 'client', { blocking: true });
    const write = lens.write.bind(lens);
    lens.write = (data) => {
      const err = sim.endpoint('client').error;
      if (err !== undefined) return lens['record']('write', { data }, { kind: 'alert', alert: err.alert, received: true, first: false });
      return write(data);
    };
    return lens;
  };
}
