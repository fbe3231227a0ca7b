/**
 * Delivery schedules as explicit, shrinkable scripts. A `ScheduleScript` is a list of
 * per-delivery decisions (which direction, how many bytes), per-direction delays and at most
 * one fault; once the list runs out, delivery continues FIFO a flight at a time (the default
 * schedule). An empty script *is* the default schedule, so fast-check shrinks a failing
 * schedule toward it, one decision at a time.
 *
 * Byte positions (split points, truncation lengths, corrupted offsets) are fractions of what
 * is available at that moment, so every script stays valid for every run it is applied to.
 */
import { DIRECTIONS } from '../duplex.js';
import { fromHex, toHex } from '@tls13sim/record';
import type { Choice, Scheduler, SchedulerContext } from '../scheduler.js';
import type { AppliedFault, NetDirection } from '../trace.js';
import type { QueueView } from '../duplex.js';

/** How much one delivery takes from the chosen direction's queue. */
export type UnitChoice =
  /** The ready records of the front flight. */
  | { readonly kind: 'flight' }
  /** One record (or what is left of a split one). */
  | { readonly kind: 'record' }
  /** Everything ready: coalesces records and flights. */
  | { readonly kind: 'all' }
  /** A split point: ⌈at · ready⌉ bytes (at least one), at ∈ [0, 1). */
  | { readonly kind: 'split'; readonly at: number };

export interface DeliveryStep {
  /** `fifo`: the direction whose front was sent first; otherwise this one if it has ready bytes. */
  readonly dir: 'fifo' | NetDirection;
  readonly unit: UnitChoice;
}

/** One network fault, at the `index`-th delivery overall (0-based). */
export type FaultPlan =
  | { readonly kind: 'drop'; readonly index: number }
  | { readonly kind: 'duplicate'; readonly index: number }
  /** Keeps ⌊keep · unit⌋ bytes of the unit. */
  | { readonly kind: 'truncate'; readonly index: number; readonly keep: number }
  /** XORs byte ⌊offset · unit⌋ of the unit with `xor` (1..255). */
  | { readonly kind: 'corrupt'; readonly index: number; readonly offset: number; readonly xor: number }
  /** Hands `hex` to the receiver of `direction` as the `index`-th delivery. */
  | { readonly kind: 'inject'; readonly index: number; readonly direction: NetDirection; readonly hex: string };

export type FaultKind = FaultPlan['kind'];

export interface ScheduleScript {
  readonly steps: readonly DeliveryStep[];
  /** One-way delay per direction, virtual ms. */
  readonly delays: Readonly<Record<NetDirection, number>>;
  readonly fault: FaultPlan | null;
}

export const DEFAULT_SCRIPT: ScheduleScript = {
  steps: [],
  delays: { client_to_server: 10, server_to_client: 10 },
  fault: null,
};

function unitBytes(unit: UnitChoice, q: QueueView): number {
  switch (unit.kind) {
    case 'flight':
      return q.frontFlightBytes;
    case 'record':
      return q.frontRecordBytes;
    case 'all':
      return q.readyBytes;
    case 'split':
      return Math.min(q.readyBytes, Math.max(1, Math.ceil(unit.at * q.readyBytes)));
  }
}

/** A fraction of `n` as an index in 0..n-1. */
function indexIn(fraction: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(fraction * n)));
}

/** Interprets a `ScheduleScript`; deterministic, and `clone()` copies its position. */
export class ScriptedScheduler implements Scheduler {
  constructor(
    readonly script: ScheduleScript,
    private position = 0,
    private faultFired = false,
  ) {}

  choose(ctx: SchedulerContext): Choice | null {
    const f = this.script.fault;
    if (f !== null && !this.faultFired && f.kind === 'inject' && f.index === ctx.total) {
      this.faultFired = true;
      return { at: ctx.now, direction: f.direction, take: 0, fault: { kind: 'inject', hex: toHex(fromHex(f.hex)) } };
    }
    const ready = DIRECTIONS.filter((d) => ctx.queues[d].readyBytes > 0);
    if (ready.length === 0) return null;
    const step = this.script.steps[this.position] ?? { dir: 'fifo', unit: { kind: 'flight' } };
    this.position++;
    const direction = step.dir !== 'fifo' && ready.includes(step.dir) ? step.dir : fifo(ready, ctx);
    const take = unitBytes(step.unit, ctx.queues[direction]);
    const fault = this.faultFor(take, ctx);
    return fault === undefined ? { at: ctx.now, direction, take } : { at: ctx.now, direction, take, fault };
  }

  clone(): ScriptedScheduler {
    return new ScriptedScheduler(this.script, this.position, this.faultFired);
  }

  private faultFor(take: number, ctx: SchedulerContext): AppliedFault | undefined {
    const f = this.script.fault;
    if (f === null || this.faultFired || f.kind === 'inject' || f.index !== ctx.total) return undefined;
    this.faultFired = true;
    switch (f.kind) {
      case 'drop':
        return { kind: 'drop' };
      case 'duplicate':
        return { kind: 'duplicate' };
      case 'truncate':
        return { kind: 'truncate', keep: indexIn(f.keep, take) };
      case 'corrupt':
        return { kind: 'corrupt', offset: indexIn(f.offset, take), xor: f.xor & 0xff || 1 };
    }
  }
}

function fifo(ready: readonly NetDirection[], ctx: SchedulerContext): NetDirection {
  if (ready.length === 1) return ready[0]!;
  const a = ctx.queues.client_to_server.frontOrder ?? Infinity;
  const b = ctx.queues.server_to_client.frontOrder ?? Infinity;
  return a <= b ? 'client_to_server' : 'server_to_client';
}
