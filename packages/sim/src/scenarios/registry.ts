/**
 * The scenario catalogue: named, seeded, deterministic runs (DESIGN.md "Scenarios").
 * A scenario's `run(seed)` builds and drives a Simulation and returns it (or its Trace);
 * the registry turns that into a Trace named after the scenario.
 */
import { Simulation } from '../simulation.js';
import type { Trace } from '../trace.js';

export interface ScenarioDefinition {
  readonly name: string;
  /** One line for `tls13sim list`. */
  readonly description: string;
  /** Seed used when none is given (default 1). */
  readonly defaultSeed?: number;
  run(seed: number): Simulation | Trace;
}

const registry = new Map<string, ScenarioDefinition>();

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function registerScenario(def: ScenarioDefinition): ScenarioDefinition {
  if (!NAME.test(def.name)) throw new Error(`registerScenario: bad name '${def.name}' (lowercase, digits, '-')`);
  if (registry.has(def.name)) throw new Error(`registerScenario: '${def.name}' is already registered`);
  registry.set(def.name, def);
  return def;
}

/** Every registered scenario, sorted by name. */
export function listScenarios(): readonly ScenarioDefinition[] {
  return [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function getScenario(name: string): ScenarioDefinition | undefined {
  return registry.get(name);
}

export class UnknownScenarioError extends Error {
  constructor(readonly scenario: string) {
    super(`unknown scenario '${scenario}'`);
    this.name = 'UnknownScenarioError';
  }
}

/** Runs a scenario and returns its trace, named after the scenario and seed. */
export function runScenario(name: string, seed?: number): Trace {
  const def = registry.get(name);
  if (def === undefined) throw new UnknownScenarioError(name);
  const s = seed ?? def.defaultSeed ?? 1;
  const result = def.run(s);
  const trace = result instanceof Simulation ? result.toTrace() : result;
  return { version: 1, scenario: name, seed: s, events: trace.events };
}
