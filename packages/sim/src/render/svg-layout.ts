/**
 * The layout of the SVG timeline (svg.ts): the lanes of each side, one item per trace event
 * shown, and the geometry (columns, rows, the time axis) they are drawn on.
 */
import type { Side, Trace, TraceEvent, TraceEventOf } from '../trace.js';
import { epochColour } from './epoch-colours.js';
import type { RecordFlight } from './flights.js';
import { callText } from './timeline.js';
import { SMALL, textWidth, measureFor, recordTokens, wireNote, deliveryText, factText, type TeachingNote, isTeachingNote } from './svg-text.js';

// ——— layout ——————————————————————————————————————————————————————————————————————

export const LINE = 14;
export const ROW = 18;
export const M = 16;
export const TIME_W = 58;
export const MARK_W = 26;
const BARS_W = 24;
export const WIRE_W = 380;
const PAD = 12;
const NOTES_GAP = 22;
export const NOTES_W = 320;
export const PX_PER_MS = 4;
export const MIN_GAP = 14;
export const MAX_GAP = 64;

type Lane = 'api' | 'ledger' | 'state';
export const LANES: readonly Lane[] = ['api', 'ledger', 'state'];
const LANE_MAX: Readonly<Record<Lane, number>> = { api: 210, ledger: 180, state: 180 };

interface LaneLine {
  readonly text: string;
  readonly cls: string;
  readonly colour?: string;
}

type ItemBody =
  | { readonly kind: 'lane'; readonly side: Side; readonly lane: Lane; readonly raw: readonly LaneLine[] }
  | { readonly kind: 'record'; readonly flight: RecordFlight; readonly tokens: readonly string[]; readonly wire?: string }
  | { readonly kind: 'delivery'; readonly delivered: TraceEventOf<'delivered'>; readonly text: string }
  | { readonly kind: 'note'; readonly note: TeachingNote };

export type Item = ItemBody & { readonly ev: TraceEvent; lines: LaneLine[]; top: number; height: number };

export function laneItem(
  ev: TraceEvent,
  flights: ReadonlyMap<number, RecordFlight>,
  notes: ReadonlyMap<number, TeachingNote>,
  tls12: boolean,
): ItemBody | undefined {
  const side = ev.side;
  if (ev.type === 'record_sent') {
    const flight = flights.get(ev.seq);
    if (flight === undefined) return undefined;
    const w = wireNote(ev);
    return { kind: 'record', flight, tokens: recordTokens(ev, tls12), ...(w !== undefined ? { wire: w } : {}) };
  }
  if (ev.type === 'delivered') return { kind: 'delivery', delivered: ev, text: deliveryText(ev) };
  if (ev.type === 'note' && isTeachingNote(ev)) return { kind: 'note', note: notes.get(ev.seq)! };
  if (side === 'network') return undefined;
  const lane = (l: Lane, ...raw: LaneLine[]): ItemBody => ({ kind: 'lane', side, lane: l, raw });
  switch (ev.type) {
    case 'state':
      return lane('state', { text: `${ev.from} → ${ev.to}`, cls: 'state' });
    case 'keys_installed':
      return lane('state', { text: `keys: ${ev.direction} ${ev.epoch}`, cls: 'keys', colour: epochColour(ev.epoch) });
    case 'processed':
      return lane('api', { text: `⤓ library reads ${ev.bytes} B`, cls: 'pull' });
    case 'app_call':
      return lane('api', { text: `» ${callText(ev)}`, cls: ev.result === 'error' ? 'call err' : 'call' });
    case 'handshake_complete':
      return lane('ledger', { text: '★ handshake complete', cls: 'star' });
    case 'peer_verdict': {
      const mark = ev.verdict === 'accepted' ? '✓' : ev.verdict === 'rejected' ? '✗' : '?';
      const basis = ev.basis !== undefined ? ` (${ev.basis})` : '';
      return lane('ledger', { text: `${mark} verdict: ${ev.verdict}${basis}`, cls: `verdict ${ev.verdict}` }, { text: ev.evidence, cls: 'sub' });
    }
    case 'alert_sent':
      return lane('ledger', { text: `✗ sends alert ${ev.description} (${ev.level})`, cls: 'alert' });
    case 'alert_received':
      return lane('ledger', { text: `✗ alert received: ${ev.description} (${ev.level})`, cls: 'alert' });
    case 'note':
      return lane('ledger', { text: factText(ev), cls: 'fact' });
    case 'record_received':
    case 'secret':
      return undefined;
  }
}

export interface Geometry {
  readonly laneW: Readonly<Record<Side, Readonly<Record<Lane, number>>>>;
  readonly laneX: Readonly<Record<Side, Readonly<Record<Lane, number>>>>;
  readonly markX: Readonly<Record<Side, number>>;
  readonly barsX: Readonly<Record<Side, number>>;
  readonly axis: Readonly<Record<Side, number>>;
  readonly diagramRight: number;
  readonly notesX: number;
  readonly width: number;
}

function lensOf(trace: Trace, side: Side): string | undefined {
  for (const ev of trace.events) if (ev.type === 'app_call' && ev.side === side && ev.lens !== undefined) return ev.lens;
  return undefined;
}

export function laneHeading(trace: Trace, side: Side, lane: Lane): string {
  if (lane === 'api') {
    const lens = lensOf(trace, side);
    return lens !== undefined ? `API calls (${lens})` : 'API calls';
  }
  return lane === 'ledger' ? 'ledger' : 'state · keys';
}

export function geometry(trace: Trace, items: readonly Item[]): Geometry {
  const w = (side: Side): Record<Lane, number> => {
    const out = {} as Record<Lane, number>;
    for (const lane of LANES) {
      let max = textWidth(laneHeading(trace, side, lane), SMALL);
      for (const it of items) {
        if (it.kind !== 'lane' || it.side !== side || it.lane !== lane) continue;
        for (const l of it.raw) max = Math.max(max, measureFor(l.cls)(l.text));
      }
      out[lane] = Math.ceil(Math.min(LANE_MAX[lane], Math.max(60, max)));
    }
    return out;
  };
  const cw = w('client');
  const sw = w('server');
  const cMark = M + TIME_W;
  const cApi = cMark + MARK_W;
  const cLedger = cApi + cw.api + PAD;
  const cState = cLedger + cw.ledger + PAD;
  const cBars = cState + cw.state + PAD;
  const cAxis = cBars + BARS_W;
  const sAxis = cAxis + WIRE_W;
  const sBars = sAxis;
  const sState = sAxis + BARS_W + PAD;
  const sLedger = sState + sw.state + PAD;
  const sApi = sLedger + sw.ledger + PAD;
  const sMark = sApi + sw.api + PAD;
  const diagramRight = sMark + MARK_W;
  const notesX = diagramRight + NOTES_GAP;
  const hasNotes = items.some((it) => it.kind === 'note');
  return {
    laneW: { client: cw, server: sw },
    laneX: { client: { api: cApi, ledger: cLedger, state: cState }, server: { api: sApi, ledger: sLedger, state: sState } },
    markX: { client: cMark, server: sMark },
    barsX: { client: cBars, server: sBars },
    axis: { client: cAxis, server: sAxis },
    diagramRight,
    notesX,
    width: hasNotes ? notesX + NOTES_W + M : diagramRight + M,
  };
}
