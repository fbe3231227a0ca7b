/**
 * The application's data at the TLS 1.3 driver (docs/architecture.md "The sans-I/O
 * endpoint"): what was received and not yet read, and what was written before the
 * application write keys were in place (sent, in order, once they are).
 */
import { concatBytes } from '@tls13sim/record';

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
    if (this.received.length === 0) return null;
    const all = this.received.length === 1 ? this.received[0]! : concatBytes(...this.received);
    const n = Math.min(max, all.length);
    const out = all.slice(0, n);
    if (consume) this.received = n === all.length ? [] : [all.subarray(n)];
    else this.received = [all];
    return out;
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
