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

export class Queue {
  private items: Segment[];

  constructor(items: readonly Segment[] = []) {
    this.items = [...items];
  }

  get segments(): readonly Segment[] {
    return this.items;
  }

  get totalBytes(): number {
    let n = 0;
    for (const s of this.items) n += s.bytes.length;
    return n;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  push(seg: Segment): void {
    if (seg.bytes.length === 0) return;
    this.items.push(seg);
  }

  /** Puts bytes back at the front (a duplicated unit the network will deliver again). */
  unshift(seg: Segment): void {
    if (seg.bytes.length === 0) return;
    this.items.unshift(seg);
  }

  view(now: number): QueueView {
    let readyBytes = 0;
    let frontFlightBytes = 0;
    const front = this.items[0];
    for (const s of this.items) {
      if (s.readyAt > now) break;
      readyBytes += s.bytes.length;
      if (front !== undefined && s.flight === front.flight && frontFlightBytes === readyBytes - s.bytes.length) {
        frontFlightBytes += s.bytes.length;
      }
    }
    const frontReady = front !== undefined && front.readyAt <= now;
    return {
      totalBytes: this.totalBytes,
      segments: this.items.length,
      readyBytes,
      frontRecordBytes: frontReady ? front.bytes.length : 0,
      frontFlightBytes: frontReady ? frontFlightBytes : 0,
      frontOrder: front?.order,
      nextReadyAt: front?.readyAt,
    };
  }

  /** Removes exactly `n` bytes from the front, splitting a segment if needed. */
  take(n: number): { bytes: Uint8Array; flight: number | undefined; segments: Segment[] } {
    if (n > this.totalBytes) throw new RangeError(`Queue.take: ${n} bytes asked, ${this.totalBytes} queued`);
    const out = new Uint8Array(n);
    const taken: Segment[] = [];
    let off = 0;
    const flight = this.items[0]?.flight;
    while (off < n) {
      const s = this.items[0]!;
      const want = n - off;
      if (s.bytes.length <= want) {
        out.set(s.bytes, off);
        off += s.bytes.length;
        taken.push(s);
        this.items.shift();
      } else {
        out.set(s.bytes.subarray(0, want), off);
        taken.push({ ...s, bytes: s.bytes.slice(0, want) });
        this.items[0] = { ...s, bytes: s.bytes.slice(want) };
        off += want;
      }
    }
    return { bytes: out, flight, segments: taken };
  }

  clone(): Queue {
    // Segment bytes are never mutated in place, so sharing them is safe.
    return new Queue(this.items);
  }
}

export class Duplex {
  readonly queues: Record<NetDirection, Queue>;

  constructor(queues?: Record<NetDirection, Queue>) {
    this.queues = queues ?? { client_to_server: new Queue(), server_to_client: new Queue() };
  }

  get isEmpty(): boolean {
    return this.queues.client_to_server.isEmpty && this.queues.server_to_client.isEmpty;
  }

  clone(): Duplex {
    return new Duplex({
      client_to_server: this.queues.client_to_server.clone(),
      server_to_client: this.queues.server_to_client.clone(),
    });
  }
}

export const DIRECTIONS: readonly NetDirection[] = ['client_to_server', 'server_to_client'];

export function directionFrom(sender: 'client' | 'server'): NetDirection {
  return sender === 'client' ? 'client_to_server' : 'server_to_client';
}

export function receiverOf(d: NetDirection): 'client' | 'server' {
  return d === 'client_to_server' ? 'server' : 'client';
}
