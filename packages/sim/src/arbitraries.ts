/**
 * fast-check arbitraries for users' own property tests (docs/testing.md): endpoint
 * configurations, delivery schedules (split points, coalescing, interleavings, delays),
 * faults and application actions. Everything generated is plain data — printable, saved
 * in counterexample files, and shrinkable: a schedule shrinks toward the default one.
 *
 *   fc.assert(fc.property(successfulConfigArb(), scheduleScriptArb(), (config, script) => {
 *     const o = runCase({ config, script, actions: [] });
 *     return o.client.state === 'CONNECTED';
 *   }));
 */
import fc from 'fast-check';
import type { CipherSuiteName, PaddingPolicy } from '@tls13sim/handshake';
import type { AppAction, Case } from './explore/case.js';
import type { ConfigSpec, ExploredGroup } from './explore/config.js';
import type { ExploredScheme } from './explore/pki.js';
import type { DeliveryStep, FaultKind, FaultPlan, ScheduleScript, UnitChoice } from './explore/schedule.js';
import type { DeliveryPolicy, DeliveryUnit, Interleave } from './scheduler.js';
import type { NetDirection, Side } from './trace.js';

export { DEFAULT_SPEC, buildPair, exploreCrypto, type ConfigSpec, type EndpointPair, type ExploredGroup } from './explore/config.js';
export { EXPLORE_SERVER_NAME, EXPLORE_VALIDATION_TIME, exploreCa, exploreLeaf, type ExploredScheme } from './explore/pki.js';
export {
  DEFAULT_SCRIPT,
  ScriptedScheduler,
  type DeliveryStep,
  type FaultKind,
  type FaultPlan,
  type ScheduleScript,
  type UnitChoice,
} from './explore/schedule.js';
export { baselineOf, runCase, streamBytes, type AppAction, type Case, type Outcome } from './explore/case.js';

// ── configurations ─────────────────────────────────────────────────────────────────────

export const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
export const GROUPS: readonly ExploredGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x448', 'X25519MLKEM768'];
export const SCHEMES: readonly ExploredScheme[] = ['ed25519', 'ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ed448', 'rsa_pss_rsae_sha256'];

export const paddingArb: fc.Arbitrary<PaddingPolicy> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<PaddingPolicy>({ kind: 'none' }) },
  fc.integer({ min: 1, max: 64 }).map<PaddingPolicy>((size) => ({ kind: 'block', size })),
  fc.integer({ min: 0, max: 64 }).map<PaddingPolicy>((max) => ({ kind: 'random', max })),
);

/** RFC 8449 limits: small ones split every flight into many records. */
export const recordSizeLimitArb: fc.Arbitrary<number | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  fc.constantFrom(64, 256, 16385),
  fc.integer({ min: 64, max: 2048 }),
);

type SpecArbs = { readonly [K in keyof ConfigSpec]: fc.Arbitrary<ConfigSpec[K]> };

const SPEC_ARBS: SpecArbs = {
  suite: fc.constantFrom(...SUITES),
  group: fc.constantFrom(...GROUPS),
  firstShare: fc.constantFrom(...GROUPS),
  scheme: fc.constantFrom(...SCHEMES),
  clientAuth: fc.constantFrom('none', 'request', 'require'),
  clientCert: fc.option(fc.constantFrom(...SCHEMES), { nil: null }),
  verdict: fc.oneof(
    { weight: 3, arbitrary: fc.constant('accept' as const) },
    fc.constant('ignore' as const),
    fc.constantFrom('bad_certificate', 'access_denied', 'certificate_revoked').map((reject) => ({ reject }) as const),
  ),
  psk: fc.constantFrom('none', 'ticket', 'external'),
  pskMode: fc.constantFrom('psk_dhe_ke', 'psk_ke'),
  earlyData: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 })),
  padding: paddingArb,
  recordSizeLimit: recordSizeLimitArb,
  middleboxCompat: fc.boolean(),
  postHandshakeAuth: fc.boolean(),
  tickets: fc.integer({ min: 0, max: 3 }),
  ticketTiming: fc.constantFrom('after_client_finished', 'after_server_finished'),
};

/** Keeps dependent fields consistent (0-RTT needs a ticket; the shrunk value stays readable). */
function normalise(spec: ConfigSpec): ConfigSpec {
  return spec.psk === 'ticket' ? spec : { ...spec, earlyData: 0 };
}

/**
 * Any configuration; each field may be pinned or narrowed with an arbitrary of its own.
 * Fields shrink toward DEFAULT_SPEC (the first value of each arbitrary).
 */
export function configSpecArb(overrides: Partial<SpecArbs> = {}): fc.Arbitrary<ConfigSpec> {
  return fc.record({ ...SPEC_ARBS, ...overrides } as SpecArbs).map(normalise);
}

/** Configurations whose handshake succeeds (the server accepts whatever the client sends). */
export function successfulConfigArb(overrides: Partial<SpecArbs> = {}): fc.Arbitrary<ConfigSpec> {
  return configSpecArb({ verdict: fc.constantFrom('accept' as const, 'ignore' as const), ...overrides }).map((s) =>
    s.clientAuth === 'require' && s.clientCert === null ? { ...s, clientAuth: 'request' } : s,
  );
}

// ── schedules ──────────────────────────────────────────────────────────────────────────

export const unitChoiceArb: fc.Arbitrary<UnitChoice> = fc.oneof(
  fc.constant<UnitChoice>({ kind: 'flight' }),
  fc.constant<UnitChoice>({ kind: 'record' }),
  fc.constant<UnitChoice>({ kind: 'all' }),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map<UnitChoice>((at) => ({ kind: 'split', at: Math.round(at * 4096) / 4096 })),
);

export const directionArb: fc.Arbitrary<NetDirection> = fc.constantFrom('client_to_server', 'server_to_client');

export const deliveryStepArb: fc.Arbitrary<DeliveryStep> = fc.record({
  dir: fc.oneof(fc.constant<'fifo'>('fifo'), directionArb),
  unit: unitChoiceArb,
});

export const delaysArb: fc.Arbitrary<Record<NetDirection, number>> = fc.oneof(
  fc.constant({ client_to_server: 10, server_to_client: 10 }),
  fc.record({ client_to_server: fc.integer({ min: 0, max: 200 }), server_to_client: fc.integer({ min: 0, max: 200 }) }),
);

const fractionArb = fc.integer({ min: 0, max: 4095 }).map((n) => n / 4096);

/** A record to inject: a plaintext alert, handshake, CCS, protected-looking record, or garbage. */
export const injectedRecordArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(0, 10, 20, 40, 42, 47, 50, 51, 80, 90)).map(([level, d]) => hex([21, 3, 3, 0, 2, level, d])),
  fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => hex([22, 3, 3, b.length >> 8, b.length & 0xff, ...b])),
  fc.constant(hex([20, 3, 3, 0, 1, 1])),
  fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => hex([23, 3, 3, b.length >> 8, b.length & 0xff, ...b])),
  fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => hex([0x30 + (b[0]! % 0xc0), ...b.subarray(1)])),
);

function hex(bytes: readonly number[] | Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'duplicate', 'truncate', 'corrupt', 'inject'];

/** One fault at one of the first `maxIndex + 1` deliveries. */
export function faultPlanArb(kinds: readonly FaultKind[] = FAULT_KINDS, maxIndex = 9): fc.Arbitrary<FaultPlan> {
  const index = fc.integer({ min: 0, max: maxIndex });
  const byKind: Record<FaultKind, fc.Arbitrary<FaultPlan>> = {
    drop: index.map((i) => ({ kind: 'drop', index: i })),
    duplicate: index.map((i) => ({ kind: 'duplicate', index: i })),
    truncate: fc.record({ index, keep: fractionArb }).map((f) => ({ kind: 'truncate', ...f })),
    corrupt: fc.record({ index, offset: fractionArb, xor: fc.integer({ min: 1, max: 255 }) }).map((f) => ({ kind: 'corrupt', ...f })),
    inject: fc.record({ index, direction: directionArb, hex: injectedRecordArb }).map((f) => ({ kind: 'inject', ...f })),
  };
  return fc.oneof(...kinds.map((k) => byKind[k]));
}

/** Delivery decisions (shrinking toward none: the default schedule), delays, and optionally one fault. */
export function scheduleScriptArb(opts: { maxSteps?: number; fault?: fc.Arbitrary<FaultPlan> } = {}): fc.Arbitrary<ScheduleScript> {
  return fc.record({
    steps: fc.array(deliveryStepArb, { maxLength: opts.maxSteps ?? 24 }),
    delays: delaysArb,
    fault: opts.fault ?? fc.constant(null),
  });
}

/** A seeded DeliveryPolicy for the built-in SeededScheduler (cheaper to describe, shrinks worse). */
export function deliveryPolicyArb(): fc.Arbitrary<DeliveryPolicy> {
  const unit: fc.Arbitrary<DeliveryUnit> = fc.oneof(
    fc.constantFrom<DeliveryUnit>({ kind: 'flight' }, { kind: 'record' }, { kind: 'split' }, { kind: 'all' }, { kind: 'random' }),
    fc.integer({ min: 1, max: 400 }).map<DeliveryUnit>((n) => ({ kind: 'bytes', n })),
  );
  return fc.record({
    unit,
    interleave: fc.constantFrom<Interleave>('fifo', 'random', 'client_first', 'server_first', 'alternate'),
    delay: fc.record({ client_to_server: fc.integer({ min: 0, max: 200 }), server_to_client: fc.integer({ min: 0, max: 200 }) }),
  });
}

// ── application actions ────────────────────────────────────────────────────────────────

const sideArb: fc.Arbitrary<Side> = fc.constantFrom('client', 'server');
const atArb = fc.integer({ min: 0, max: 16 });
const sizeArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 200 }) }, fc.integer({ min: 201, max: 3000 }));

export function appActionArb(ops: readonly AppAction['op'][] = ['write', 'keyUpdate', 'requestClientAuth']): fc.Arbitrary<AppAction> {
  const byOp: Record<AppAction['op'], fc.Arbitrary<AppAction>> = {
    write: fc.record({ at: atArb, side: sideArb, size: sizeArb }).map((a) => ({ op: 'write', ...a })),
    keyUpdate: fc.record({ at: atArb, side: sideArb, request: fc.boolean() }).map((a) => ({ op: 'keyUpdate', ...a })),
    requestClientAuth: atArb.map((at) => ({ op: 'requestClientAuth', at })),
  };
  return fc.oneof(...ops.map((o) => byOp[o]));
}

export function caseArb(
  opts: { config?: fc.Arbitrary<ConfigSpec>; script?: fc.Arbitrary<ScheduleScript>; actions?: fc.Arbitrary<readonly AppAction[]> } = {},
): fc.Arbitrary<Case> {
  return fc.record({
    config: opts.config ?? successfulConfigArb(),
    script: opts.script ?? scheduleScriptArb(),
    actions: opts.actions ?? fc.array(appActionArb(['write']), { maxLength: 4 }),
  });
}
