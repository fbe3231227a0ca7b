/**
 * The application's data at the TLS 1.3 driver (docs/architecture.md "The sans-I/O
 * endpoint"): what was received and not yet read, and what was written before the
 * application write keys were in place (sent, in order, once they are).
 */
import { concatBytes } from '@tls13sim/record';

/**
 * Up to `max` bytes from the front of `chunks` (one per record, in order), copied, and the
 * chunks left after them: a chunk read in part stays a chunk of its own, so record
 * boundaries survive partial reads. null when there are no chunks.
 */
export function takeChunks(chunks: readonly Uint8Array[], max: number): { data: Uint8Array; rest: Uint8Array[] } | null {
  if (chunks.length === 0) return null;
  const out: Uint8Array[] = [];
  let left = max;
  let i = 0;
  for (; i < chunks.length && left > 0; i++) {
    const c = chunks[i]!;
    if (c.length > left) {
      out.push(c.subarray(0, left));
      return { data: concatBytes(...out), rest: [c.subarray(left), ...chunks.slice(i + 1)] };
    }
    out.push(c);
    left -= c.length;
  }
  return { data: out.length === 1 ? out[0]!.slice() : concatBytes(...out), rest: chunks.slice(i) };
}

export class AppData {
  /** Received, not yet read, in order. */
  private received: Uint8Array[];
  /** Written before the application write keys were in place. */
  private queued: Uint8Array[];

  constructor(from?: AppData) {
    this.received = from === undefined ? [] : [...from.received];
    this.queued = from === undefined ? [] : [...from.queued];
  }

  get bufferedBytes(): number {
    let n = 0;
    for (const c of this.received) n += c.length;
    return n;
  }

  deliver(data: Uint8Array): void {
    this.received.push(data);
  }

  /** Up to `max` received bytes, consumed when `consume`; null when none. */
  take(max: number, consume: boolean): Uint8Array | null {
    const r = takeChunks(this.received, max);
    if (r === null) return null;
    if (consume) this.received = r.rest;
    return r.data;
  }

  /** The unread bytes of the oldest record received, consumed; null when none. */
  takeRecord(): Uint8Array | null {
    const first = this.received.shift();
    return first === undefined ? null : first.slice();
  }

  /** Keeps a copy of `data` to send once the application write keys are in place. */
  queue(data: Uint8Array): void {
    this.queued.push(data.slice());
  }

  /** The oldest queued write, removed; undefined when none. */
  nextQueued(): Uint8Array | undefined {
    return this.queued.shift();
  }
}
