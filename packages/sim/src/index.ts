/** @tls13sim/sim — the simulation, its lenses, ledger, traces, renderers and scenarios. */
export * from './trace.js';
export { Rng } from './rng.js';
export { Duplex, Queue, type Segment, type QueueView } from './duplex.js';
export * from './scheduler.js';
export * from './simulation.js';
export * from './ledger.js';
export * from './lens/lens.js';
export * from './lens/openssl.js';
export * from './lens/cases.js';
export * from './render/index.js';
export * from './scenarios/registry.js';
export * from './arbitraries.js';
