/**
 * The scheduler decides, one step at a time, which direction delivers next, how many bytes,
 * and what the network does to them. Every decision is a concrete `Choice`; the list of
 * choices (a `Schedule`) replays a run exactly, independent of the policy that made it.
 */
import { toHex } from '@tls13sim/record';
import type { QueueView } from './duplex.js';
import { Rng } from './rng.js';
import type { AppliedFault, NetDirection, TraceEvent } from './trace.js';

/** How much one delivery hands to the receiving endpoint. */
export type DeliveryUnit =
  /** Every ready record of the front flight, in one `handleBytes` call. */
  | { readonly kind: 'flight' }
  /** One record (or what is left of a split one). */
  | { readonly kind: 'record' }
  /** Exactly N bytes (fewer if fewer are ready): fragmentation and coalescing at fixed sizes. */
  | { readonly kind: 'bytes'; readonly n: number }
  /** A seeded byte count in 1..ready: splits at any byte, may coalesce records and flights. */
  | { readonly kind: 'split' }
  /** Everything ready in that direction: coalesces flights. */
  | { readonly kind: 'all' }
  /** A seeded pick among flight, record, split and all, at every step. */
  | { readonly kind: 'random' };

/** Which direction goes next when both have something ready. */
export type Interleave = 'fifo' | 'random' | 'client_first' | 'server_first' | 'alternate';

/** Where a fault applies: the `index`-th delivery (0-based), overall or in one direction. */
export interface FaultPoint {
  readonly direction?: NetDirection;
  readonly index: number;
}

export type FaultSpec =
  | { readonly kind: 'drop'; readonly at: FaultPoint }
  | { readonly kind: 'duplicate'; readonly at: FaultPoint }
  /** Hands only the first `keep` bytes of the unit over; the rest is lost. Seeded if absent. */
  | { readonly kind: 'truncate'; readonly at: FaultPoint; readonly keep?: number }
  /** XORs the byte at `offset` of the unit with `xor` (non-zero). Seeded if absent. */
  | { readonly kind: 'corrupt'; readonly at: FaultPoint; readonly offset?: number; readonly xor?: number }
  /** Delivers `bytes` toward the receiver of `at.direction` before its `at.index`-th delivery. */
  | { readonly kind: 'inject'; readonly at: FaultPoint & { readonly direction: NetDirection }; readonly bytes: Uint8Array };

export interface DeliveryPolicy {
  readonly unit?: DeliveryUnit | Partial<Record<NetDirection, DeliveryUnit>>;
  readonly interleave?: Interleave;
  /** One-way delay in virtual ms (default 10 each way). */
  readonly delay?: number | Partial<Record<NetDirection, number>>;
  readonly faults?: readonly FaultSpec[];
}

/** One scheduler decision, as recorded and replayed. */
export interface Choice {
  /** Virtual time of the delivery. */
  readonly at: number;
  readonly direction: NetDirection;
  /** Bytes taken from the front of that direction's queue (0 for an injection). */
  readonly take: number;
  readonly fault?: AppliedFault;
}

export type Schedule = readonly Choice[];

export interface SchedulerContext {
  /** The earliest time at which something is deliverable (already ≥ the clock). */
  readonly now: number;
  readonly queues: Readonly<Record<NetDirection, QueueView>>;
  /** Deliveries so far, per direction and in total. */
  readonly deliveries: Readonly<Record<NetDirection, number>>;
  readonly total: number;
}

export interface Scheduler {
  /** The next choice, or null when there is nothing (more) to do. */
  choose(ctx: SchedulerContext): Choice | null;
  clone(): Scheduler;
}

export const DEFAULT_DELAY_MS = 10;

export function delayOf(policy: DeliveryPolicy, d: NetDirection): number {
  const delay = policy.delay;
  if (delay === undefined) return DEFAULT_DELAY_MS;
  if (typeof delay === 'number') return delay;
  return delay[d] ?? DEFAULT_DELAY_MS;
}

function unitOf(policy: DeliveryPolicy, d: NetDirection): DeliveryUnit {
  const u = policy.unit;
  if (u === undefined) return { kind: 'flight' };
  if ('kind' in u) return u as DeliveryUnit;
  return (u as Partial<Record<NetDirection, DeliveryUnit>>)[d] ?? { kind: 'flight' };
}

function matches(at: FaultPoint, d: NetDirection, ctx: SchedulerContext): boolean {
  if (at.direction === undefined) return ctx.total === at.index;
  return at.direction === d && ctx.deliveries[d] === at.index;
}

/** Decides from a seed and a policy; every random decision comes from one `Rng`. */
export class SeededScheduler implements Scheduler {
  private readonly rng: Rng;
  private readonly fired: Set<number>;
  private last: NetDirection | undefined;

  constructor(
    seed: number,
    readonly policy: DeliveryPolicy = {},
    state?: { rng: Rng; fired: Set<number>; last: NetDirection | undefined },
  ) {
    this.rng = state?.rng ?? new Rng(seed);
    this.fired = state?.fired ?? new Set();
    this.last = state?.last;
  }

  choose(ctx: SchedulerContext): Choice | null {
    const injection = this.pendingInjection(ctx);
    if (injection !== null) return injection;

    const ready = (['client_to_server', 'server_to_client'] as const).filter((d) => ctx.queues[d].readyBytes > 0);
    if (ready.length === 0) return null;
    const direction = this.pickDirection(ready, ctx);
    this.last = direction;
    const take = this.unitBytes(unitOf(this.policy, direction), ctx.queues[direction]);
    const fault = this.faultFor(direction, take, ctx);
    return fault === undefined ? { at: ctx.now, direction, take } : { at: ctx.now, direction, take, fault };
  }

  /** True while an injection is still to come (the run is not over even if queues are empty). */
  hasPendingInjection(): boolean {
    return (this.policy.faults ?? []).some((f, i) => f.kind === 'inject' && !this.fired.has(i));
  }

  clone(): SeededScheduler {
    return new SeededScheduler(0, this.policy, { rng: this.rng.clone(), fired: new Set(this.fired), last: this.last });
  }

  private pendingInjection(ctx: SchedulerContext): Choice | null {
    const faults = this.policy.faults ?? [];
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (f.kind !== 'inject' || this.fired.has(i)) continue;
      if (!matches(f.at, f.at.direction, ctx)) continue;
      this.fired.add(i);
      return { at: ctx.now, direction: f.at.direction, take: 0, fault: { kind: 'inject', hex: toHex(f.bytes) } };
    }
    return null;
  }

  private pickDirection(ready: readonly NetDirection[], ctx: SchedulerContext): NetDirection {
    if (ready.length === 1) return ready[0]!;
    switch (this.policy.interleave ?? 'fifo') {
      case 'fifo': {
        const a = ctx.queues.client_to_server.frontOrder ?? Infinity;
        const b = ctx.queues.server_to_client.frontOrder ?? Infinity;
        return a <= b ? 'client_to_server' : 'server_to_client';
      }
      case 'random':
        return this.rng.pick(ready);
      case 'client_first':
        return 'client_to_server';
      case 'server_first':
        return 'server_to_client';
      case 'alternate':
        return this.last === 'client_to_server' ? 'server_to_client' : 'client_to_server';
    }
  }

  private unitBytes(unit: DeliveryUnit, q: QueueView): number {
    switch (unit.kind) {
      case 'flight':
        return q.frontFlightBytes;
      case 'record':
        return q.frontRecordBytes;
      case 'bytes':
        if (!(unit.n >= 1)) throw new RangeError(`delivery unit bytes: n must be ≥ 1, got ${unit.n}`);
        return Math.min(unit.n, q.readyBytes);
      case 'split':
        return this.rng.int(1, q.readyBytes);
      case 'all':
        return q.readyBytes;
      case 'random': {
        const kinds = ['flight', 'record', 'split', 'all'] as const;
        return this.unitBytes({ kind: this.rng.pick(kinds) }, q);
      }
    }
  }

  private faultFor(d: NetDirection, take: number, ctx: SchedulerContext): AppliedFault | undefined {
    const faults = this.policy.faults ?? [];
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (f.kind === 'inject' || this.fired.has(i) || !matches(f.at, d, ctx)) continue;
      this.fired.add(i);
      switch (f.kind) {
        case 'drop':
          return { kind: 'drop' };
        case 'duplicate':
          return { kind: 'duplicate' };
        case 'truncate':
          return { kind: 'truncate', keep: Math.min(f.keep ?? this.rng.int(0, take - 1), take) };
        case 'corrupt':
          return {
            kind: 'corrupt',
            offset: Math.min(f.offset ?? this.rng.int(0, take - 1), take - 1),
            xor: (f.xor ?? this.rng.int(1, 255)) & 0xff || 1,
          };
      }
    }
    return undefined;
  }
}

/** Replays a recorded schedule, choice by choice; stops (null) when it runs out. */
export class ReplayScheduler implements Scheduler {
  private next: number;

  constructor(
    readonly schedule: Schedule,
    start = 0,
  ) {
    this.next = start;
  }

  get remaining(): number {
    return this.schedule.length - this.next;
  }

  choose(ctx: SchedulerContext): Choice | null {
    const c = this.schedule[this.next];
    if (c === undefined) return null;
    const available = ctx.queues[c.direction].totalBytes;
    if (c.take > available) {
      throw new Error(`replay diverged at choice ${this.next}: ${c.take} bytes ${c.direction} recorded, ${available} queued`);
    }
    this.next++;
    return c;
  }

  clone(): ReplayScheduler {
    return new ReplayScheduler(this.schedule, this.next);
  }
}

/**
 * The schedule a trace was produced by, rebuilt from its `delivered` events (one per
 * choice), so a run saved as JSON replays exactly.
 */
export function scheduleFromTrace(events: readonly TraceEvent[]): Schedule {
  const out: Choice[] = [];
  for (const e of events) {
    if (e.type !== 'delivered') continue;
    const c: Choice = { at: e.time, direction: e.direction, take: e.taken };
    out.push(e.fault === undefined ? c : { ...c, fault: e.fault });
  }
  return out;
}
