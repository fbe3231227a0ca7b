/**
 * @tls13sim/sim for browsers: the simulation, ledger, lenses, renderers
 * and the scenario catalogue, and nothing that imports `node:*` — not the explorer's runner
 * (`node:fs`, `node:os`, `node:path`, `node:crypto`), not the TCP adapter (`node:net`,
 * `node:events`), not the CLI. Scenarios run on the noble provider; `packages/web` bundles
 * this entry, and packages/web/test/browser-entry.test.ts bundles it and fails on any
 * `node:` import or Node built-in that reaches the bundle.
 *
 * Importing it registers every catalogue scenario (scenarios/catalogue.ts).
 */
import './scenarios/catalogue.js';

export * from './trace.js';
export { Rng } from './rng.js';
export { Duplex, Queue, type Segment, type QueueView } from './duplex.js';
export * from './scheduler.js';
export * from './simulation.js';
export * from './ledger.js';
export * from './lens/lens.js';
export { LENS_VERIFIED, createLens, isLensName } from './lens/registry.js';
export * from './render/index.js';
export * from './scenarios/registry.js';
export { recordTitle, callText } from './render/svg.js';
export { camel, bracket, contentTypeName, handshakeTypeName } from './render/names.js';
