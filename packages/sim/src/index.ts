/** @tls13sim/sim — the simulation, its lenses, ledger, traces, renderers and scenarios. */
export * from './trace.js';
export { Rng } from './rng.js';
export { Duplex, Queue, type Segment, type QueueView } from './duplex.js';
export * from './scheduler.js';
export * from './simulation.js';
export * from './ledger.js';
export * from './compare.js';
export * from './lens/lens.js';
export * from './lens/openssl.js';
export * from './lens/cases.js';
export { GoLens } from './lens/go.js';
export { PythonLens } from './lens/python.js';
export { GnutlsLens } from './lens/gnutls.js';
export { NodeLens } from './lens/node.js';
export { RustlsLens, RUSTLS_ALERT_VARIANT } from './lens/rustls.js';
export { LENS_VERIFIED, createLens, isLensName } from './lens/registry.js';
export { caseSimulation, runCaseThroughLens, runCaseWith, type CaseOutcome, type CaseRun } from './lens/run-case.js';
export { renderLensDoc } from './lens/doc.js';
export * from './render/index.js';
export * from './scenarios/registry.js';
// Importing the package registers the scenario catalogue: `listScenarios()`,
// `getScenario(name)` and `runScenario(name)` see every scenario without the CLI. The
// scenario modules import only the registry and the simulation, never this
// file, so there is no import cycle.
import './scenarios/catalogue.js';
export * from './testing.js';
export * from './trace-checks.js';
export { defineTlsProperty, type TlsProperty } from './explore/tls-property.js';
export * from './arbitraries.js';
export {
  explore,
  defineExploration,
  formatExploration,
  describeChoice,
  explorationProperty,
  parseExploreFault,
  type Exploration,
  type ExplorationResult,
  type ExplorationFailure,
  type ExploredRun,
  type ExploreBounds,
  type ExploreFaults,
  type ExploreRunOptions,
} from './explore/api.js';
export { DEFAULT_BOUND, formatExhaustive, type Bound, type SplitMode, type ExhaustiveResult } from './explore/exhaustive.js';
export { exploreCrypto } from './explore/config.js';
export { FaultSyntaxError, parseFaultText } from './explore/fault-text.js';
export {
  runSpec,
  specSim,
  anchorOf,
  type ScenarioSpec,
  type EndpointSpec,
  type ProgramOp,
  type AnchorSpec,
  type NoteSpec,
  type NoteLenses,
  type CertificateName,
} from './scenarios/spec.js';
