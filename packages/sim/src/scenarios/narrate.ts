/**
 * Teaching notes placed next to the events they explain. A scenario runs its simulation,
 * then `narrate` inserts each note right after the first event its anchor matches (at that
 * event's time) and renumbers `seq`. A note whose anchor never matches is a scenario bug:
 * it would explain something that did not happen, so `narrate` throws — except when the
 * scenario runs through a lens other than OpenSSL's, which its notes were written for. With
 * a delivery of the user's (`tls13sim run --fault …`) there are no notes at all.
 *
 * Through another lens a note says what its `lenses` entry for that library says: its own
 * text, or nothing (null). packages/sim/test/notes-through-lenses.test.ts finds every note whose
 * OpenSSL wording would not hold for another library's calls and requires such an entry.
 */
import type { LensName } from '../lens/lens.js';
import type { NoteLenses } from './spec-types.js';
import { scenarioDeliveryChanged, scenarioLensName } from './registry.js';
import type { Simulation } from '../simulation.js';
import type { Side, Trace, TraceEvent, TraceSide } from '../trace.js';

export type Anchor = 'start' | ((e: TraceEvent) => boolean);

export interface Note {
  /** Insert after the first event this matches (after the previous note's anchor, if `after` chains). */
  readonly after: Anchor;
  readonly text: string;
  /** Column of the note (default: the anchor event's side). */
  readonly side?: TraceSide;
  /** What the note says through another library's lens, where `text` would not hold for it. */
  readonly lenses?: NoteLenses;
}

/** The note's text through `lens`, or null when it is left out there. */
function noteText(n: Pick<Note, 'text' | 'lenses'>, lens: LensName): string | null {
  const entry = lens === 'openssl' ? undefined : n.lenses?.[lens];
  return entry === undefined ? n.text : entry;
}

export function narrate(source: Simulation | Trace, notes: readonly Note[]): Trace {
  const trace = 'toTrace' in source ? source.toTrace() : source;
  // The notes tell what happens under the scenario's own delivery; with another
  // (`tls13sim run --fault …`) they would describe moments that did not happen.
  if (scenarioDeliveryChanged()) return trace;
  const events = trace.events;
  const inserts = new Map<number, TraceEvent[]>();
  const add = (index: number, ev: TraceEvent): void => {
    const list = inserts.get(index) ?? [];
    list.push(ev);
    inserts.set(index, list);
  };
  const lens = scenarioLensName();
  for (const n of notes) {
    const text = noteText(n, lens);
    if (text === null) continue;
    if (n.after === 'start') {
      add(-1, { seq: 0, time: events[0]?.time ?? 0, side: n.side ?? 'network', type: 'note', text });
      continue;
    }
    const anchor = n.after;
    const i = events.findIndex((e) => anchor(e));
    if (i < 0) {
      // The notes describe the OpenSSL run; through another library's lens a moment may not
      // happen at all (Python's recv(0) never reads the alert): its note is left out.
      if (lens !== 'openssl') continue;
      throw new Error(`scenario ${trace.scenario}: note has no anchor in the trace: "${n.text}"`);
    }
    const at = events[i]!;
    add(i, { seq: 0, time: at.time, side: n.side ?? at.side, type: 'note', text });
  }
  const out: TraceEvent[] = [];
  const push = (e: TraceEvent): void => {
    out.push({ ...e, seq: out.length });
  };
  for (const e of inserts.get(-1) ?? []) push(e);
  events.forEach((e, i) => {
    push(e);
    for (const n of inserts.get(i) ?? []) push(n);
  });
  return { version: 1, scenario: trace.scenario, seed: trace.seed, events: out };
}

// ── anchors ────────────────────────────────────────────────────────────────────────────

export const sent =
  (side: Side, message: string) =>
  (e: TraceEvent): boolean =>
    e.type === 'record_sent' && e.side === side && e.messages.includes(message);

export const received =
  (side: Side, message: string) =>
  (e: TraceEvent): boolean =>
    e.type === 'record_received' && e.side === side && e.messages.includes(message);

export const complete =
  (side: Side) =>
  (e: TraceEvent): boolean =>
    e.type === 'handshake_complete' && e.side === side;

export const alertSent =
  (side: Side) =>
  (e: TraceEvent): boolean =>
    e.type === 'alert_sent' && e.side === side;

export const alertReceived =
  (side: Side) =>
  (e: TraceEvent): boolean =>
    e.type === 'alert_received' && e.side === side;

export const verdict =
  (side: Side, v: string) =>
  (e: TraceEvent): boolean =>
    e.type === 'peer_verdict' && e.side === side && e.verdict === v;

export const state =
  (side: Side, to: string) =>
  (e: TraceEvent): boolean =>
    e.type === 'state' && e.side === side && e.to === to;

/** The n-th (0-based) application call `call` on `side`. */
export function appCall(side: Side, call: string, n = 0): (e: TraceEvent) => boolean {
  let seen = -1;
  // Each anchor is used by one findIndex pass over the events, in order.
  return (e) => e.type === 'app_call' && e.side === side && e.call === call && ++seen === n;
}

export const appData =
  (side: Side, dir: 'sent' | 'received') =>
  (e: TraceEvent): boolean =>
    e.type === (dir === 'sent' ? 'record_sent' : 'record_received') && e.side === side && 'innerType' in e && e.innerType === 'application_data';
