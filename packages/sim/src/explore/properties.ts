/**
 * The catalogue of the explorer's properties: for each, the arbitrary of its inputs, the check,
 * the run count CI uses, and how an input is saved to and read back from a counterexample
 * file. Tests, `pnpm explore` and `tls13sim replay` all go through this table.
 */
import fc from 'fast-check';
import { appActionArb, caseArb, configSpecArb, faultPlanArb, scheduleScriptArb, successfulConfigArb } from '../arbitraries.js';
import { exhaustiveProperty } from './branch.js';
import { runCase, type Case } from './case.js';
import { checkFaultFree, checkSingleFault } from './checks.js';
import { checkClientAuth, runClientAuthCase, type ClientAuthCase, type LensCall } from './client-auth.js';
import { DEFAULT_SPEC, type ConfigSpec } from './config.js';
import type { PropertyDef } from './property-def.js';
import { LensCommand, lensCommandArbs, runLensModel, type LensOp } from './lens-model.js';
import type { ScheduleScript } from './schedule.js';

export type { PropertyDef } from './property-def.js';

const asIs = <T>(x: unknown): T => x as T;

const faultFree: PropertyDef<Case> = {
  name: 'fault-free',
  description: 'any fault-free schedule: both CONNECTED, equal secrets and exporters, data intact and in order, same states as the default schedule',
  arbitrary: caseArb({
    config: successfulConfigArb(),
    script: scheduleScriptArb(),
    actions: fc.array(appActionArb(['write', 'keyUpdate']), { maxLength: 4 }),
  }),
  ciRuns: 60,
  check: (c, replay) => checkFaultFree(c, runCase(c, replay ? { replay } : {})),
  simulate: (c, replay) => runCase(c, replay ? { replay } : {}).sim,
  encode: (c) => c,
  decode: asIs,
};

const singleFault: PropertyDef<Case> = {
  name: 'single-fault',
  description: 'any single fault: nothing throws, each end CONNECTED / CLOSED with an allowed alert / stuck where possible, nothing unauthentic accepted',
  arbitrary: caseArb({
    config: successfulConfigArb(),
    script: scheduleScriptArb({ fault: faultPlanArb() }),
    actions: fc.array(appActionArb(['write', 'keyUpdate', 'requestClientAuth']), { maxLength: 4 }),
  }),
  ciRuns: 150,
  check: (c, replay) => checkSingleFault(c, runCase(c, replay ? { replay } : {})),
  simulate: (c, replay) => runCase(c, replay ? { replay } : {}).sim,
  encode: (c) => c,
  decode: asIs,
};

const clientAuth: PropertyDef<ClientAuthCase> = {
  name: 'client-auth',
  description: 'client authentication: the client completes before the server reads its Finished; a rejection surfaces through read/peek/write, never connect',
  arbitrary: fc.record({
    config: configSpecArb({
      clientAuth: fc.constantFrom('require' as const, 'request' as const),
      psk: fc.constant('none' as const),
      tickets: fc.integer({ min: 0, max: 2 }),
    }),
    script: scheduleScriptArb(),
    blocking: fc.boolean(),
    calls: fc.array(fc.constantFrom<LensCall>('read', 'peek', 'write', 'read0'), { maxLength: 6 }),
  }),
  ciRuns: 80,
  check: (c, replay) => checkClientAuth(c, runClientAuthCase(c, replay ? { replay } : {})),
  simulate: (c, replay) => {
    const sim = runClientAuthCase(c, replay ? { replay } : {});
    try {
      checkClientAuth(c, sim);
    } catch {
      // The trace up to the violation is what is saved.
    }
    return sim;
  },
  encode: (c) => c,
  decode: asIs,
};

const postHandshake: PropertyDef<Case> = {
  name: 'post-handshake',
  description: 'NewSessionTicket, KeyUpdate and CertificateRequest interleaved with application data in any order are all handled',
  arbitrary: caseArb({
    config: successfulConfigArb({
      tickets: fc.integer({ min: 1, max: 3 }),
      postHandshakeAuth: fc.constant(true),
      clientCert: fc.option(fc.constantFrom('ed25519' as const, 'ecdsa_secp256r1_sha256' as const), { nil: null, freq: 4 }),
      psk: fc.constantFrom('none' as const, 'ticket' as const),
    }),
    script: scheduleScriptArb({ maxSteps: 40 }),
    actions: fc.array(appActionArb(['write', 'keyUpdate', 'requestClientAuth']), { minLength: 2, maxLength: 10 }),
  }),
  ciRuns: 60,
  check: (c, replay) => checkFaultFree(c, runCase(c, replay ? { replay } : {})),
  simulate: (c, replay) => runCase(c, replay ? { replay } : {}).sim,
  encode: (c) => c,
  decode: asIs,
};

interface LensInput {
  readonly config: ConfigSpec;
  readonly script: ScheduleScript;
  readonly commands: Iterable<LensCommand>;
}

const LENS_CONFIGS: readonly ConfigSpec[] = [
  DEFAULT_SPEC,
  { ...DEFAULT_SPEC, clientAuth: 'require', clientCert: 'ed25519', tickets: 2 },
  { ...DEFAULT_SPEC, firstShare: 'secp256r1', recordSizeLimit: 64, padding: { kind: 'block', size: 16 } },
];

const lensModel: PropertyDef<LensInput> = {
  name: 'lens-model',
  description: 'model-based: random connect/read/peek/write/shutdown/keyUpdate/deliver sequences on the OpenSSL lens agree with a small model',
  arbitrary: fc.record({
    config: fc.constantFrom(...LENS_CONFIGS),
    script: scheduleScriptArb({ maxSteps: 8 }),
    commands: fc.commands(lensCommandArbs(), { maxCommands: 40 }) as fc.Arbitrary<Iterable<LensCommand>>,
  }),
  ciRuns: 200,
  check: (x) => runLensModel(x.config, x.script, x.commands),
  // fast-check hands back its own wrappers around our commands (`cmd`).
  encode: (x) => ({
    config: x.config,
    script: x.script,
    commands: [...x.commands].map((c) => (c as LensCommand).spec ?? (c as unknown as { cmd: LensCommand }).cmd.spec),
  }),
  decode: (json) => {
    const j = json as { config: ConfigSpec; script: ScheduleScript; commands: LensOp[] };
    return { config: j.config, script: j.script, commands: j.commands.map((op) => new LensCommand(op)) };
  },
};

// biome-ignore lint/suspicious/noExplicitAny: a table of properties over different inputs, each entry's T its own
export const PROPERTIES: readonly PropertyDef<any>[] = [faultFree, singleFault, clientAuth, postHandshake, lensModel];

/** Found by name (for `tls13sim replay`) but never run by fast-check: a schedule from `pnpm explore --exhaustive`. */
// biome-ignore lint/suspicious/noExplicitAny: as PROPERTIES
const REPLAY_ONLY: readonly PropertyDef<any>[] = [exhaustiveProperty];

export function getProperty(name: string): PropertyDef<unknown> | undefined {
  return PROPERTIES.find((p) => p.name === name) ?? REPLAY_ONLY.find((p) => p.name === name);
}
