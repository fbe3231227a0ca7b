// placeholder until the Node harness's observations land
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { Lens, type Fact, type LensOptions, type Worded } from './lens.js';
export class NodeLens extends Lens {
  readonly name = 'node' as const;
  readonly pulls: PullMode = 'on_arrival';
  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }
  protected word(call: AppCall, fact: Fact): Worded {
    return { api: call, outcome: fact.kind };
  }
}
