/**
 * The in-memory network: one FIFO queue per direction. A queue holds segments, each the
 * (remaining) bytes of one record together with the flight it belongs to: all records
 * polled from an endpoint after one input form one flight. Taking N bytes may split a
 * record; the remainder stays at the front.
 */
import type { NetDirection } from './trace.js';
export interface Segment {
    readonly bytes: Uint8Array;
    readonly flight: number;
    /** Global enqueue order (FIFO interleaving across the two directions). */
    readonly order: number;
    /** Virtual time from which the segment may be delivered (send time + delay). */
    readonly readyAt: number;
}
/** What the scheduler may look at in one queue, at time `now`. */
export interface QueueView {
    readonly totalBytes: number;
    readonly segments: number;
    /** Bytes deliverable now (ready prefix). */
    readonly readyBytes: number;
    /** Bytes of the front segment if ready (one record, or what is left of it), else 0. */
    readonly frontRecordBytes: number;
    /** Bytes of the ready prefix belonging to the front segment's flight, else 0. */
    readonly frontFlightBytes: number;
    readonly frontOrder: number | undefined;
    readonly nextReadyAt: number | undefined;
}
export declare class Queue {
    private items;
    constructor(items?: readonly Segment[]);
    get segments(): readonly Segment[];
    get totalBytes(): number;
    get isEmpty(): boolean;
    push(seg: Segment): void;
    /** Puts bytes back at the front (a duplicated unit the network will deliver again). */
    unshift(seg: Segment): void;
    view(now: number): QueueView;
    /** Removes exactly `n` bytes from the front, splitting a segment if needed. */
    take(n: number): {
        bytes: Uint8Array;
        flight: number | undefined;
        segments: Segment[];
    };
    clone(): Queue;
}
export declare class Duplex {
    readonly queues: Record<NetDirection, Queue>;
    constructor(queues?: Record<NetDirection, Queue>);
    get isEmpty(): boolean;
    clone(): Duplex;
}
export declare const DIRECTIONS: readonly NetDirection[];
export declare function directionFrom(sender: 'client' | 'server'): NetDirection;
export declare function receiverOf(d: NetDirection): 'client' | 'server';
