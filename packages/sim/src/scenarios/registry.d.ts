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
export declare function registerScenario(def: ScenarioDefinition): ScenarioDefinition;
/** Every registered scenario, sorted by name. */
export declare function listScenarios(): readonly ScenarioDefinition[];
export declare function getScenario(name: string): ScenarioDefinition | undefined;
export declare class UnknownScenarioError extends Error {
    readonly scenario: string;
    constructor(scenario: string);
}
/** Runs a scenario and returns its trace, named after the scenario and seed. */
export declare function runScenario(name: string, seed?: number): Trace;
