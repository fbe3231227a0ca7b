/**
 * Where each record went: the delivery at which its last byte reached the receiver's
 * transport buffer, and — when that side's library reads only inside its calls — the
 * `processed` event at which the library pulled it. Records are matched to deliveries by
 * byte offsets: each direction is one byte stream (the records sent, in order), and each
 * `delivered` event takes `taken` bytes from its front (an injection takes none; a
 * duplicate puts what it took back, so the next delivery takes the same bytes again).
 * Pure and browser-safe: the SVG timeline and any other view can share it.
 */
import type { NetDirection, Side, Trace, TraceEventOf } from '../trace.js';

type Sent = TraceEventOf<'record_sent'>;
type Delivered = TraceEventOf<'delivered'>;
type Processed = TraceEventOf<'processed'>;

/**
 * What became of a record's bytes: all arrived (`delivered`), some were lost (`dropped`,
 * `truncated`: the receiver never gets the whole record), one was flipped (`corrupted`),
 * or the trace ends before the last byte arrives (`in_flight`).
 */
/** `rewritten`: an attacker on the path delivered other bytes in its place (Simulation.setRewrite). */
export type RecordFate = 'delivered' | 'dropped' | 'truncated' | 'corrupted' | 'rewritten' | 'in_flight';

export interface RecordFlight {
  readonly sent: Sent;
  readonly from: Side;
  readonly to: Side;
  readonly direction: NetDirection;
  /** The record's size on the wire (5-byte header included). */
  readonly size: number;
  /** Where the record starts in its direction's byte stream. */
  readonly offset: number;
  /** The delivery that brought the record's last byte (absent while in flight, or when that byte was dropped). */
  readonly arrived?: Delivered;
  /** The delivery that lost part of it (`dropped` / `truncated`). */
  readonly lost?: Delivered;
  readonly fate: RecordFate;
  /** The network delivered (part of) it twice. */
  readonly duplicated: boolean;
  /** When it arrived buffered: the moment its receiver's library read it (absent if never). */
  readonly processed?: Processed;
  /** The receiver was closed when the record reached it: its bytes were discarded. */
  readonly discarded: boolean;
}

export interface Flights {
  /** One per `record_sent`, in trace order. */
  readonly records: readonly RecordFlight[];
  /** Deliveries of bytes nobody sent (`inject` faults). */
  readonly injected: readonly Delivered[];
}

const DIRECTIONS: readonly NetDirection[] = ['client_to_server', 'server_to_client'];

function senderOf(d: NetDirection): Side {
  return d === 'client_to_server' ? 'client' : 'server';
}

function receiverOf(d: NetDirection): Side {
  return d === 'client_to_server' ? 'server' : 'client';
}

/** One delivery seen as byte ranges: queue bytes [q, q + taken) and, of those, endpoint bytes [e, e + bytes). */
interface Span {
  readonly ev: Delivered;
  readonly index: number;
  readonly q: number;
  readonly e: number;
  /** Where its bytes start in the receiver's stream of buffered bytes (buffered deliveries only). */
  readonly b: number;
}

function wireSize(ev: Sent): number {
  return ev.hex.length > 0 ? ev.hex.length / 2 : ev.length + 5;
}

export function recordFlights(trace: Trace): Flights {
  const events = trace.events;
  const records: RecordFlight[] = [];
  const injected: Delivered[] = [];
  const byDirection = new Map<NetDirection, RecordFlight[]>();
  for (const direction of DIRECTIONS) {
    const from = senderOf(direction);
    const to = receiverOf(direction);
    const spans: Span[] = [];
    let q = 0;
    let e = 0;
    let b = 0;
    for (const [index, ev] of events.entries()) {
      if (ev.type !== 'delivered' || ev.direction !== direction) continue;
      // An injection that took nothing from the queue is bytes nobody sent; one that took
      // bytes is a rewrite of what was sent, and follows the records it replaced.
      if (ev.fault?.kind === 'inject' && ev.taken === 0) {
        injected.push(ev);
        e += ev.bytes;
        if (ev.buffered === true) b += ev.bytes;
        continue;
      }
      spans.push({ ev, index, q, e, b });
      if (ev.fault?.kind !== 'duplicate') q += ev.taken;
      e += ev.bytes;
      if (ev.buffered === true) b += ev.bytes;
    }
    const pulls: Array<{ ev: Processed; index: number; upTo: number }> = [];
    let pulled = 0;
    for (const [index, ev] of events.entries()) {
      if (ev.type !== 'processed' || ev.side !== to) continue;
      pulled += ev.bytes;
      pulls.push({ ev, index, upTo: pulled });
    }
    const list: RecordFlight[] = [];
    let offset = 0;
    for (const ev of events) {
      if (ev.type !== 'record_sent' || ev.side !== from) continue;
      const size = wireSize(ev);
      list.push(follow(ev, from, to, direction, offset, size, spans, pulls, events));
      offset += size;
    }
    byDirection.set(direction, list);
  }
  // Back in trace order.
  const next = new Map<NetDirection, number>(DIRECTIONS.map((d) => [d, 0]));
  for (const ev of events) {
    if (ev.type !== 'record_sent' || ev.side === 'network') continue;
    const d: NetDirection = ev.side === 'client' ? 'client_to_server' : 'server_to_client';
    const i = next.get(d)!;
    records.push(byDirection.get(d)![i]!);
    next.set(d, i + 1);
  }
  injected.sort((x, y) => x.seq - y.seq);
  return { records, injected };
}

function follow(
  sent: Sent,
  from: Side,
  to: Side,
  direction: NetDirection,
  offset: number,
  size: number,
  spans: readonly Span[],
  pulls: ReadonlyArray<{ ev: Processed; index: number; upTo: number }>,
  events: Trace['events'],
): RecordFlight {
  const start = offset;
  const end = offset + size;
  let fate: RecordFate = 'in_flight';
  let duplicated = false;
  let lost: Delivered | undefined;
  let last: Span | undefined;
  for (const s of spans) {
    const qEnd = s.q + s.ev.taken;
    if (qEnd <= start || s.q >= end) continue;
    const f = s.ev.fault;
    if (f?.kind === 'duplicate') duplicated = true;
    if (f?.kind === 'drop' && lost === undefined) {
      lost = s.ev;
      fate = 'dropped';
    }
    if (f?.kind === 'truncate' && s.q + f.keep < end && lost === undefined) {
      lost = s.ev;
      fate = 'truncated';
    }
    if (f?.kind === 'corrupt' && s.q + f.offset >= start && s.q + f.offset < end && fate === 'in_flight') fate = 'corrupted';
    if (f?.kind === 'inject' && fate === 'in_flight') fate = 'rewritten';
    if (qEnd >= end) {
      last = s;
      break;
    }
  }
  const base = { sent, from, to, direction, size, offset, duplicated };
  if (last === undefined || fate === 'dropped' || fate === 'truncated') {
    // A drop or cut of the record's last byte means it never arrives whole.
    const arrived = last !== undefined && lost !== last.ev ? last.ev : undefined;
    return {
      ...base,
      ...(arrived ? { arrived } : {}),
      ...(lost ? { lost } : {}),
      fate: last === undefined && lost === undefined ? 'in_flight' : fate,
      discarded: false,
    };
  }
  if (fate === 'in_flight') fate = 'delivered';
  const arrived = last.ev;
  let processed: Processed | undefined;
  let reachedAt = last.index;
  if (arrived.buffered === true) {
    // Where the record's last byte sits in the receiver's stream of buffered bytes.
    const endInBuffer = last.b + (last.ev.fault?.kind === 'inject' ? last.ev.bytes : end - last.q);
    const pull = pulls.find((p) => p.index > last.index && p.upTo >= endInBuffer);
    if (pull !== undefined) {
      processed = pull.ev;
      reachedAt = pull.index;
    } else {
      reachedAt = -1;
    }
  }
  const after = reachedAt >= 0 ? events[reachedAt + 1] : undefined;
  const discarded = after !== undefined && after.type === 'note' && after.side === to && after.fact === 'discarded';
  return { ...base, arrived, fate, ...(processed ? { processed } : {}), discarded };
}
