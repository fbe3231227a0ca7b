import type { QueueView } from './duplex.js';
import { Rng } from './rng.js';
import type { AppliedFault, NetDirection } from './trace.js';
/** How much one delivery hands to the receiving endpoint. */
export type DeliveryUnit = 
/** Every ready record of the front flight, in one `handleBytes` call. */
{
    readonly kind: 'flight';
}
/** One record (or what is left of a split one). */
 | {
    readonly kind: 'record';
}
/** Exactly N bytes (fewer if fewer are ready): fragmentation and coalescing at fixed sizes. */
 | {
    readonly kind: 'bytes';
    readonly n: number;
}
/** A seeded byte count in 1..ready: splits at any byte, may coalesce records and flights. */
 | {
    readonly kind: 'split';
}
/** Everything ready in that direction: coalesces flights. */
 | {
    readonly kind: 'all';
}
/** A seeded pick among flight, record, split and all, at every step. */
 | {
    readonly kind: 'random';
};
/** Which direction goes next when both have something ready. */
export type Interleave = 'fifo' | 'random' | 'client_first' | 'server_first' | 'alternate';
/** Where a fault applies: the `index`-th delivery (0-based), overall or in one direction. */
export interface FaultPoint {
    readonly direction?: NetDirection;
    readonly index: number;
}
export type FaultSpec = {
    readonly kind: 'drop';
    readonly at: FaultPoint;
} | {
    readonly kind: 'duplicate';
    readonly at: FaultPoint;
}
/** Hands only the first `keep` bytes of the unit over; the rest is lost. Seeded if absent. */
 | {
    readonly kind: 'truncate';
    readonly at: FaultPoint;
    readonly keep?: number;
}
/** XORs the byte at `offset` of the unit with `xor` (non-zero). Seeded if absent. */
 | {
    readonly kind: 'corrupt';
    readonly at: FaultPoint;
    readonly offset?: number;
    readonly xor?: number;
}
/** Delivers `bytes` toward the receiver of `at.direction` before its `at.index`-th delivery. */
 | {
    readonly kind: 'inject';
    readonly at: FaultPoint & {
        readonly direction: NetDirection;
    };
    readonly bytes: Uint8Array;
};
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
export declare const DEFAULT_DELAY_MS = 10;
export declare function delayOf(policy: DeliveryPolicy, d: NetDirection): number;
/** Decides from a seed and a policy; every random decision comes from one `Rng`. */
export declare class SeededScheduler implements Scheduler {
    readonly policy: DeliveryPolicy;
    private readonly rng;
    private readonly fired;
    private last;
    constructor(seed: number, policy?: DeliveryPolicy, state?: {
        rng: Rng;
        fired: Set<number>;
        last: NetDirection | undefined;
    });
    choose(ctx: SchedulerContext): Choice | null;
    /** True while an injection is still to come (the run is not over even if queues are empty). */
    hasPendingInjection(): boolean;
    clone(): SeededScheduler;
    private pendingInjection;
    private pickDirection;
    private unitBytes;
    private faultFor;
}
/** Replays a recorded schedule, choice by choice; stops (null) when it runs out. */
export declare class ReplayScheduler implements Scheduler {
    readonly schedule: Schedule;
    private next;
    constructor(schedule: Schedule, start?: number);
    get remaining(): number;
    choose(ctx: SchedulerContext): Choice | null;
    clone(): ReplayScheduler;
}
