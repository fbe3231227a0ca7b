/**
 * The SVG timeline: time runs down, the client's lanes on the left, the server's on the
 * right, the network between them. Each record is a sloped arrow from the moment it was
 * sent to the moment its last byte arrived in the receiver's socket (the `delivered` event),
 * then — when the receiver's library reads only inside its calls — a dashed segment down the
 * receiver's side to the moment the library read it (`processed`). A flight still in the air
 * when `connect()` returns is an arrow crossing that call's dashed line. Each side has lanes
 * for its API calls, its ledger (★ handshake complete, verdicts, alerts), its RFC 8446
 * Appendix A states and key changes, and two bars with its read and write key epochs. The
 * teaching notes are numbered markers, their text in a column on the right.
 *
 * A pure function of the trace: the same trace gives the same string. No fonts, images or
 * scripts are referenced, so the file (and the HTML page that inlines it) works offline.
 */
import { callText } from './timeline.js';
import type { EpochName } from '@tls13sim/handshake';
import type { Side, Trace, TraceEvent, TraceEventOf, TraceSide } from '../trace.js';
import { compareEpochs, epochColour } from './epoch-colours.js';
import { recordFlights, type RecordFlight } from './flights.js';
import { bracket, camel, changeCipherSpecLabel, isTls12Trace } from './names.js';

export interface SvgOptions {
  /** For inlining in HTML: no XML declaration and no `xmlns` (the HTML parser puts `<svg>` in its namespace). */
  readonly embedded?: boolean;
}

// ——— text ————————————————————————————————————————————————————————————————————————

/** Characters XML 1.0 does not allow (C0 controls but tab/newline/CR, U+FFFE/U+FFFF) and lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it removes
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML or HTML content and attribute values: `& < > " '` escaped, characters XML cannot hold replaced by U+FFFD. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A rough width of `s` in a sans-serif face at `size` px, erring wide, for lane widths and wrapping. */
function textWidth(s: string, size: number): number {
  let em = 0;
  for (const ch of s) {
    if (ch === ' ') em += 0.3;
    else if (/[A-Z]/.test(ch)) em += 0.74;
    else if (/[0-9]/.test(ch)) em += 0.62;
    else if (/[a-z]/.test(ch)) em += 0.6;
    else if (/[.,:;'|!()[\]{}]/.test(ch)) em += 0.36;
    else if (ch.charCodeAt(0) >= 0x2000) em += 1;
    else em += 0.62;
  }
  return em * size;
}

/** Monospace (the state names): every character the same width. */
function monoWidth(s: string, size: number): number {
  return [...s].length * 0.62 * size;
}

type Measure = (s: string) => number;

const sans =
  (size: number): Measure =>
  (s) =>
    textWidth(s, size);

/** How lane text of class `cls` is measured (as the `STYLE` sheet below draws it). */
function measureFor(cls: string): Measure {
  if (cls === 'state') return (s) => monoWidth(s, 11);
  return sans(cls === 'sub' ? SMALL : FONT);
}

/** Greedy word wrap to `width` px; a word wider than a line is cut. Never returns no line. */
function wrap(text: string, width: number, measure: Measure): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line.length > 0 ? `${line} ${word}` : word;
    if (measure(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line.length > 0) lines.push(line);
    line = '';
    let rest = word;
    while (measure(rest) > width) {
      let cut = 1;
      while (cut < rest.length && measure(rest.slice(0, cut + 1)) <= width) cut++;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

/** Numbers in attributes: one decimal at most, so output is byte-stable. */
function n(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

// ——— what each event says ————————————————————————————————————————————————————————

type Sent = TraceEventOf<'record_sent'>;

/** The record's label: its messages in §2's epoch brackets (one token each). */
function recordTokens(ev: Sent, tls12 = false): string[] {
  if (ev.alert) return [bracket(ev.epoch, `Alert(${ev.alert.level}, ${ev.alert.description})`)];
  if (ev.messages.length > 0) return ev.messages.map((m) => bracket(ev.epoch, camel(m)));
  if (ev.innerType === 'application_data') return [bracket(ev.epoch, `Application Data (${ev.length} B)`)];
  if (ev.innerType === 'change_cipher_spec') return [changeCipherSpecLabel(tls12)];
  return [bracket(ev.epoch, `${ev.innerType} (${ev.length} B)`)];
}

/**
 * What the wire shows when it differs from what the record is: a protected record's outer
 * type is application_data whatever it carries (RFC 8446 §5.2). Said for alerts and
 * anything but handshake messages and data, where it is the lesson.
 */
function wireNote(ev: Sent): string | undefined {
  if (ev.outerType === ev.innerType || ev.innerType === 'handshake' || ev.innerType === 'application_data') return undefined;
  return `on the wire: ${ev.outerType} record · inside: ${ev.innerType} under ${ev.epoch} keys`;
}

/** A record's tooltip; `tls12`: the trace is of TLS 1.2, where a ChangeCipherSpec switches keys (RFC 5246 §7.1). */
export function recordTitle(f: RecordFlight, tls12 = false): string {
  const ev = f.sent;
  const what = recordTokens(ev, tls12).join(' ');
  const parts = [
    `${f.from} → ${f.to}: ${what} (${f.size} B on the wire, outer type ${ev.outerType}, inner type ${ev.innerType}, ${ev.epoch} keys)`,
    `sent at ${ev.time} ms`,
  ];
  if (f.arrived !== undefined) parts.push(`arrived at ${f.arrived.time} ms`);
  if (f.processed !== undefined) parts.push(`read by the ${f.to}'s library at ${f.processed.time} ms`);
  else if (f.arrived?.buffered === true) parts.push(`never read by the ${f.to}'s library`);
  if (f.fate === 'dropped') parts.push(`dropped by the network at ${f.lost?.time ?? '?'} ms`);
  if (f.fate === 'truncated') parts.push(`cut short by the network at ${f.lost?.time ?? '?'} ms`);
  if (f.fate === 'corrupted') parts.push('a byte was flipped on the way');
  if (f.fate === 'rewritten') parts.push(`rewritten on the way: ${f.arrived?.bytes ?? '?'} B arrived in its place`);
  if (f.fate === 'in_flight') parts.push('still in flight when the trace ends');
  if (f.duplicated) parts.push('the network delivered it twice');
  if (f.discarded) parts.push(`the ${f.to} was closed: discarded`);
  return parts.join('; ');
}

export { callText };

function deliveryText(ev: TraceEventOf<'delivered'>): string {
  const f = ev.fault;
  const unread = ev.buffered === true ? ' · in the socket, unread' : '';
  if (f === undefined) return `${ev.bytes} B arrive${unread}`;
  switch (f.kind) {
    case 'drop':
      return `✗ network drops ${ev.taken} B`;
    case 'duplicate':
      return `${ev.bytes} B arrive (network duplicates them)${unread}`;
    case 'truncate':
      return `${ev.bytes} of ${ev.taken} B arrive (network cuts the rest)${unread}`;
    case 'corrupt':
      return `${ev.bytes} B arrive, byte ${f.offset} flipped${unread}`;
    case 'inject':
      return ev.taken > 0 ? `${ev.bytes} B arrive, rewritten on the way (${ev.taken} B sent)${unread}` : `${ev.bytes} B injected by the network${unread}`;
  }
}

function factText(ev: TraceEventOf<'note'>): string {
  if (ev.fact === 'finished_built') return 'Finished built';
  if (ev.fact === 'finished_verified') return "peer's Finished verified";
  return ev.text;
}

/** Notes without a `fact`: the scenario's teaching notes, numbered in trace order. */
export interface TeachingNote {
  readonly number: number;
  readonly seq: number;
  readonly time: number;
  readonly side: TraceSide;
  readonly text: string;
}

function isTeachingNote(ev: TraceEventOf<'note'>): boolean {
  return ev.fact === undefined || ev.side === 'network';
}

export function teachingNotes(trace: Trace): TeachingNote[] {
  const out: TeachingNote[] = [];
  for (const ev of trace.events) {
    if (ev.type === 'note' && isTeachingNote(ev)) out.push({ number: out.length + 1, seq: ev.seq, time: ev.time, side: ev.side, text: ev.text });
  }
  return out;
}

/**
 * Every epoch the trace uses (records or installed keys), in connection order; always the
 * four base epochs of TLS 1.3, or for a TLS 1.2 trace its two (plaintext, tls12).
 */
export function epochsOf(trace: Trace): EpochName[] {
  const base: EpochName[] = isTls12Trace(trace) ? ['plaintext', 'tls12'] : ['plaintext', 'early', 'handshake', 'application'];
  const seen = new Set<EpochName>(base);
  for (const ev of trace.events) {
    if (ev.type === 'record_sent' || ev.type === 'keys_installed') seen.add(ev.epoch);
  }
  return [...seen].sort(compareEpochs);
}

// ——— layout ——————————————————————————————————————————————————————————————————————

const FONT = 12;
const SMALL = 10.5;
const LINE = 14;
const ROW = 18;
const M = 16;
const TIME_W = 58;
const MARK_W = 26;
const BARS_W = 24;
const WIRE_W = 380;
const PAD = 12;
const NOTES_GAP = 22;
const NOTES_W = 320;
const PX_PER_MS = 4;
const MIN_GAP = 14;
const MAX_GAP = 64;

type Lane = 'api' | 'ledger' | 'state';
const LANES: readonly Lane[] = ['api', 'ledger', 'state'];
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

type Item = ItemBody & { readonly ev: TraceEvent; lines: LaneLine[]; top: number; height: number };

function laneItem(ev: TraceEvent, flights: ReadonlyMap<number, RecordFlight>, notes: ReadonlyMap<number, TeachingNote>, tls12: boolean): ItemBody | undefined {
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

interface Geometry {
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

function laneHeading(trace: Trace, side: Side, lane: Lane): string {
  if (lane === 'api') {
    const lens = lensOf(trace, side);
    return lens !== undefined ? `API calls (${lens})` : 'API calls';
  }
  return lane === 'ledger' ? 'ledger' : 'state · keys';
}

function geometry(trace: Trace, items: readonly Item[]): Geometry {
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

// ——— drawing —————————————————————————————————————————————————————————————————————

/** Scoped to the root's class, so an HTML page that inlines the SVG keeps its own styles. */
const STYLE = [
  'text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:12px;fill:#1f2328}',
  '.h1{font-size:17px;font-weight:700}',
  '.side{font-size:15px;font-weight:700}',
  '.lh,.sub,.dl,.wire,.tm,.lg{font-size:10.5px}',
  '.lh,.tm,.dl,.sub,.pull{fill:#57606a}',
  '.lh{font-weight:600}',
  '.wire{font-style:italic}',
  '.state{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:11px}',
  '.err,.alert,.rejected,.x{fill:#cf222e}',
  '.accepted{fill:#1a7f37}',
  '.star{fill:#8a6100;font-weight:600}',
  '.verdict{font-weight:600}',
  '.call{font-weight:600}',
  '.halo{paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round}',
  '.num{font-size:10px;font-weight:700;text-anchor:middle}',
  '.nt{font-size:12px}',
]
  .map((rule) => {
    const brace = rule.indexOf('{');
    const selectors = rule
      .slice(0, brace)
      .split(',')
      .map((sel) => `svg.tls13sim-timeline ${sel}`);
    return `${selectors.join(',')}${rule.slice(brace)}`;
  })
  .join('');

function attrs(a: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : escapeXml(v!)}"`)
    .join('');
}

function text(x: number, y: number, s: string, a: Readonly<Record<string, string | number | undefined>> = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeXml(s)}</text>`;
}

function markerId(epoch: EpochName | 'inject'): string {
  return `ah-${epoch.replace(/[^a-z0-9]/g, '-')}`;
}

export function renderSvg(trace: Trace, options: SvgOptions = {}): string {
  const flightsAll = recordFlights(trace);
  const flights = new Map(flightsAll.records.map((f) => [f.sent.seq, f]));
  const notes = teachingNotes(trace);
  const notesBySeq = new Map(notes.map((x) => [x.seq, x]));
  const tls12 = isTls12Trace(trace);

  const items: Item[] = [];
  for (const ev of trace.events) {
    const body = laneItem(ev, flights, notesBySeq, tls12);
    if (body !== undefined) items.push({ ...body, ev, lines: [], top: 0, height: ROW });
  }
  const g = geometry(trace, items);
  const wireLabelW = WIRE_W - 70;

  // Wrap each row's text and size the row.
  for (const it of items) {
    if (it.kind === 'lane') {
      const width = g.laneW[it.side][it.lane];
      it.lines = it.raw.flatMap((l) => wrap(l.text, width, measureFor(l.cls)).map((t) => ({ ...l, text: t })));
      it.height = Math.max(ROW, it.lines.length * LINE + 4);
    } else if (it.kind === 'record') {
      const lines = wrap(it.tokens.join(' '), wireLabelW, sans(FONT)).map((t) => ({ text: t, cls: 'label' }));
      if (it.wire !== undefined) lines.push(...wrap(it.wire, wireLabelW, sans(SMALL)).map((t) => ({ text: t, cls: 'wire' })));
      it.lines = lines;
      it.height = Math.max(ROW, lines.length * LINE + 6);
    } else if (it.kind === 'delivery') {
      it.lines = [{ text: it.text, cls: 'dl' }];
      it.height = ROW + 2;
    }
  }

  // Rows top to bottom; one band per distinct time, the gap between bands growing with the time between them.
  const header = 176;
  const bodyTop = M + header;
  const bands: Array<{ time: number; top: number; bottom: number; gapBefore: number }> = [];
  let y = bodyTop;
  for (const it of items) {
    const last = bands[bands.length - 1];
    if (last === undefined || last.time !== it.ev.time) {
      if (last !== undefined) {
        last.bottom = y;
        const dt = it.ev.time - last.time;
        const gap = Math.max(MIN_GAP, Math.min(MAX_GAP, dt * PX_PER_MS));
        y += gap;
        bands.push({ time: it.ev.time, top: y, bottom: y, gapBefore: gap });
      } else {
        bands.push({ time: it.ev.time, top: y, bottom: y, gapBefore: 0 });
      }
    }
    it.top = y;
    y += it.height;
  }
  if (bands.length > 0) bands[bands.length - 1]!.bottom = y;
  const bodyBottom = y + 16;

  const bySeq = new Map(items.map((it) => [it.ev.seq, it]));
  const centre = (seq: number): number => {
    const it = bySeq.get(seq)!;
    return it.top + it.height / 2;
  };

  // Notes column: each note level with its marker, pushed down below the one before.
  const noteW = NOTES_W - 26;
  let notesBottom = bodyTop;
  const noteBlocks = notes.map((note) => {
    const lines = wrap(note.text, noteW, sans(FONT));
    const it = bySeq.get(note.seq)!;
    const top = Math.max(it.top, notesBottom);
    notesBottom = top + lines.length * LINE + 8;
    return { note, lines, top };
  });

  const height = Math.max(bodyBottom, notesBottom) + M;
  const width = g.width;
  const out: string[] = [];
  const first = trace.events[0];
  const span =
    first === undefined ? 0 : trace.events.reduce((m, e) => Math.max(m, e.time), first.time) - trace.events.reduce((m, e) => Math.min(m, e.time), first.time);
  const label = `TLS 1.3 timeline of ${trace.scenario} (seed ${trace.seed}): ${flightsAll.records.length} records between client and server over ${span} ms, time running down, client left, server right.`;

  if (options.embedded !== true) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg${attrs({ xmlns: options.embedded === true ? undefined : 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${n(width)} ${n(height)}`, role: 'img', 'aria-label': label })} class="tls13sim-timeline">`,
  );
  out.push(`<title>${escapeXml(`tls13sim — ${trace.scenario} (seed ${trace.seed})`)}</title>`);
  out.push(`<desc>${escapeXml(describe(trace, flightsAll.records, notes))}</desc>`);
  out.push(`<style>${STYLE}</style>`);
  out.push('<defs>');
  for (const epoch of epochsOf(trace)) out.push(arrowhead(markerId(epoch), epochColour(epoch)));
  out.push(arrowhead(markerId('inject'), '#cf222e'));
  out.push('</defs>');
  out.push(`<rect${attrs({ x: 0, y: 0, width, height, fill: '#ffffff' })}/>`);

  // Header: title, how to read, epoch legend, side and lane headings.
  out.push(text(M, M + 16, `tls13sim — ${trace.scenario} (seed ${trace.seed})`, { class: 'h1' }));
  out.push(
    text(
      M,
      M + 36,
      'Time runs down (virtual ms). Solid arrow: a record, from when it was sent to when its bytes arrived in the peer’s socket; dashed: waiting there until the peer’s library read it.',
      { class: 'lg' },
    ),
  );
  out.push(legend(trace, M, M + 58));
  const headY = M + header - 28;
  const sideCentre = (side: Side): number => (side === 'client' ? (g.markX.client + g.axis.client) / 2 : (g.axis.server + g.diagramRight) / 2);
  out.push(text(sideCentre('client'), headY - 18, 'client', { class: 'side', 'text-anchor': 'middle' }));
  out.push(text(sideCentre('server'), headY - 18, 'server', { class: 'side', 'text-anchor': 'middle' }));
  out.push(text((g.axis.client + g.axis.server) / 2, headY - 18, 'network', { class: 'side', 'text-anchor': 'middle' }));
  if (notes.length > 0) out.push(text(g.notesX, headY - 18, 'notes', { class: 'side' }));
  out.push(text(M, headY, 'time', { class: 'lh' }));
  for (const side of ['client', 'server'] as const) {
    for (const lane of LANES) out.push(text(g.laneX[side][lane], headY, laneHeading(trace, side, lane), { class: 'lh' }));
    const [rx, wx] = barXs(g, side);
    out.push(text(rx + 3, headY, 'r', { class: 'lh', 'text-anchor': 'middle' }));
    out.push(text(wx + 3, headY, 'w', { class: 'lh', 'text-anchor': 'middle' }));
  }
  out.push(`<line${attrs({ x1: M, y1: headY + 8, x2: g.diagramRight, y2: headY + 8, stroke: '#d0d7de' })}/>`);

  // Time bands: alternate shading, the time on the left.
  out.push('<g class="time">');
  for (const [i, b] of bands.entries()) {
    const top = b.top - Math.min(8, b.gapBefore / 2);
    const next = bands[i + 1];
    const bottom = next !== undefined ? next.top - Math.min(8, next.gapBefore / 2) : bodyBottom;
    if (i % 2 === 0) out.push(`<rect${attrs({ x: M, y: top, width: g.diagramRight - M, height: bottom - top, fill: '#f6f8fa' })}/>`);
    out.push(text(M + TIME_W - 10, b.top + 13, `${b.time} ms`, { class: 'tm', 'text-anchor': 'end' }));
  }
  out.push('</g>');

  // Key epoch bars, then the two axes.
  out.push(epochBars(trace, items, g, bodyTop, bodyBottom));
  for (const side of ['client', 'server'] as const) {
    out.push(`<line${attrs({ x1: g.axis[side], y1: bodyTop - 6, x2: g.axis[side], y2: bodyBottom, stroke: '#24292f', 'stroke-width': 1.5 })}/>`);
  }

  // The moments connect()/accept() return: a dashed line across the network.
  out.push('<g class="returns">');
  for (const it of items) {
    const ev = it.ev;
    if (ev.type !== 'app_call' || (ev.call !== 'connect' && ev.call !== 'accept') || ev.result !== 'ok' || ev.side === 'network') continue;
    const yy = it.top + it.height / 2;
    out.push(`<g${attrs({ class: 'app-return', 'data-seq': String(ev.seq), 'data-time': String(ev.time), 'data-side': ev.side, 'data-call': ev.call })}>`);
    out.push(`<line${attrs({ x1: g.axis.client, y1: yy, x2: g.axis.server, y2: yy, stroke: '#6e7781', 'stroke-dasharray': '6 4', 'stroke-width': 1 })}/>`);
    const x = ev.side === 'client' ? g.axis.server - 8 : g.axis.client + 8;
    out.push(
      text(x, yy - 4, `the ${ev.side}’s ${ev.api ?? `${ev.call}()`} has returned`, {
        class: 'lg halo',
        'text-anchor': ev.side === 'client' ? 'end' : 'start',
        fill: '#57606a',
      }),
    );
    out.push('</g>');
  }
  out.push('</g>');

  // Records.
  out.push('<g class="records">');
  const pending = new Map<number, number>();
  for (const it of items) {
    if (it.kind !== 'record') continue;
    out.push(recordArrow(it, g, centre, bySeq, bodyBottom, pending, tls12));
  }
  for (const ev of flightsAll.injected) {
    const to: Side = ev.direction === 'client_to_server' ? 'server' : 'client';
    const it = bySeq.get(ev.seq)!;
    const yy = it.top + 4;
    const x1 = (g.axis.client + g.axis.server) / 2;
    out.push(
      `<g${attrs({ class: 'injected', 'data-seq': String(ev.seq), 'data-to': to })}><title>${escapeXml(`${ev.bytes} B injected by the network toward the ${to} at ${ev.time} ms`)}</title>`,
    );
    out.push(
      `<line${attrs({ x1, y1: yy - 22, x2: g.axis[to], y2: yy, stroke: '#cf222e', 'stroke-width': 1.6, 'stroke-dasharray': '2 3', 'marker-end': `url(#${markerId('inject')})` })}/>`,
    );
    out.push('</g>');
  }
  out.push('</g>');

  // Lane text, delivery notes, note markers.
  out.push('<g class="lanes">');
  for (const it of items) {
    if (it.kind === 'lane') {
      const ev = it.ev;
      const extra = ev.type === 'app_call' ? { 'data-call': ev.call, 'data-result': ev.result } : {};
      out.push(`<g${attrs({ class: `ev ${ev.type}`, 'data-seq': String(ev.seq), 'data-time': String(ev.time), 'data-side': it.side, ...extra })}>`);
      for (const [i, l] of it.lines.entries()) {
        out.push(text(g.laneX[it.side][it.lane], it.top + 13 + i * LINE, l.text, { class: l.cls, fill: l.colour }));
      }
      out.push('</g>');
    } else if (it.kind === 'delivery') {
      const d = it.delivered;
      const to: Side = d.direction === 'client_to_server' ? 'server' : 'client';
      const x = to === 'client' ? g.axis.client + 24 : g.axis.server - 24;
      out.push(
        `<g${attrs({ class: 'ev delivered', 'data-seq': String(d.seq), 'data-time': String(d.time), 'data-direction': d.direction })}>${text(x, it.top + 16, it.text, { class: d.fault?.kind === 'drop' ? 'dl halo x' : 'dl halo', 'text-anchor': to === 'client' ? 'start' : 'end' })}</g>`,
      );
    } else if (it.kind === 'note') {
      const cx =
        it.note.side === 'client' ? g.markX.client + MARK_W / 2 : it.note.side === 'server' ? g.markX.server + MARK_W / 2 : (g.axis.client + g.axis.server) / 2;
      out.push(noteMarker(it.note, cx, it.top + it.height / 2));
    }
  }
  out.push('</g>');

  // Notes column.
  out.push('<g class="notes">');
  for (const b of noteBlocks) {
    out.push(`<g${attrs({ class: 'note', 'data-number': String(b.note.number), 'data-seq': String(b.note.seq) })}>`);
    out.push(`<circle${attrs({ cx: g.notesX + 9, cy: b.top + 8, r: 8.5, fill: '#ffffff', stroke: '#57606a' })}/>`);
    out.push(text(g.notesX + 9, b.top + 11.5, String(b.note.number), { class: 'num' }));
    for (const [i, line] of b.lines.entries()) out.push(text(g.notesX + 24, b.top + 12 + i * LINE, line, { class: 'nt' }));
    out.push('</g>');
  }
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function arrowhead(id: string, colour: string): string {
  return `<marker${attrs({ id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto', markerUnits: 'userSpaceOnUse' })}><path d="M0,1 L10,5 L0,9 z"${attrs({ fill: colour })}/></marker>`;
}

function barXs(g: Geometry, side: Side): [number, number] {
  // [read, write]; the write bar sits next to the axis the records leave from.
  return side === 'client' ? [g.barsX.client + 4, g.barsX.client + 13] : [g.barsX.server + 13, g.barsX.server + 4];
}

function epochBars(trace: Trace, items: readonly Item[], g: Geometry, bodyTop: number, bodyBottom: number): string {
  const out: string[] = ['<g class="epochs">'];
  const y = new Map(items.map((it) => [it.ev.seq, it.top + it.height / 2]));
  for (const side of ['client', 'server'] as const) {
    const [rx, wx] = barXs(g, side);
    for (const direction of ['read', 'write'] as const) {
      const changes: Array<{ at: number; time: number; epoch: EpochName }> = [{ at: bodyTop, time: trace.events[0]?.time ?? 0, epoch: 'plaintext' }];
      for (const ev of trace.events) {
        if (ev.type === 'keys_installed' && ev.side === side && ev.direction === direction)
          changes.push({ at: y.get(ev.seq)!, time: ev.time, epoch: ev.epoch });
      }
      const x = direction === 'read' ? rx : wx;
      for (const [i, c] of changes.entries()) {
        const end = changes[i + 1]?.at ?? bodyBottom;
        if (end <= c.at) continue;
        out.push(
          `<rect${attrs({ x, y: c.at, width: 6, height: end - c.at, fill: epochColour(c.epoch), 'data-epoch': c.epoch })}><title>${escapeXml(`${side} ${direction}s with ${c.epoch} keys from ${c.time} ms`)}</title></rect>`,
        );
      }
    }
  }
  out.push('</g>');
  return out.join('\n');
}

function noteMarker(note: TeachingNote, cx: number, cy: number): string {
  return [
    `<g${attrs({ class: 'note-marker', 'data-number': String(note.number), 'data-seq': String(note.seq) })}>`,
    `<title>${escapeXml(`note ${note.number}: ${note.text}`)}</title>`,
    `<circle${attrs({ cx, cy, r: 8.5, fill: '#fff8c5', stroke: '#8a6100' })}/>`,
    text(cx, cy + 3.5, String(note.number), { class: 'num' }),
    '</g>',
  ].join('');
}

function recordArrow(
  it: Item & { kind: 'record' },
  g: Geometry,
  centre: (seq: number) => number,
  bySeq: ReadonlyMap<number, Item>,
  bodyBottom: number,
  pending: Map<number, number>,
  tls12: boolean,
): string {
  const f = it.flight;
  const ev = f.sent;
  const colour = epochColour(ev.epoch);
  const x1 = g.axis[f.from];
  const y1 = it.top + it.height - 3;
  const x2 = g.axis[f.to];
  const inward = f.to === 'client' ? 1 : -1;
  const data: Record<string, string | undefined> = {
    class: `record ${f.fate}`,
    'data-seq': String(ev.seq),
    'data-from': f.from,
    'data-to': f.to,
    'data-sent-time': String(ev.time),
    'data-outer-type': ev.outerType,
    'data-inner-type': ev.innerType,
    'data-epoch': ev.epoch,
    'data-fate': f.fate,
    'data-arrived-seq': f.arrived !== undefined ? String(f.arrived.seq) : undefined,
    'data-arrived-time': f.arrived !== undefined ? String(f.arrived.time) : undefined,
    'data-processed-seq': f.processed !== undefined ? String(f.processed.seq) : undefined,
    'data-processed-time': f.processed !== undefined ? String(f.processed.time) : undefined,
  };
  const out: string[] = [`<g${attrs(data)}>`, `<title>${escapeXml(recordTitle(f, tls12))}</title>`];
  const stroke = { stroke: colour, 'stroke-width': 1.6, fill: 'none' };
  if (f.arrived !== undefined && f.fate !== 'dropped' && f.fate !== 'truncated') {
    const arrival = bySeq.get(f.arrived.seq)!;
    const y2 = arrival.top + 4;
    out.push(`<line${attrs({ x1, y1, x2, y2, ...stroke, 'marker-end': `url(#${markerId(ev.epoch)})` })}/>`);
    if (f.fate === 'corrupted') out.push(text(x2 + inward * 10, y2 + 4, '⚡', { class: 'x', 'text-anchor': 'middle' }));
    if (f.processed !== undefined) {
      // Records that arrived together wait side by side.
      const k = pending.get(f.arrived.seq) ?? 0;
      pending.set(f.arrived.seq, k + 1);
      const x = x2 + inward * (6 + 4 * (k % 4));
      const y3 = centre(f.processed.seq);
      out.push(`<path${attrs({ d: `M${n(x2)},${n(y2)} L${n(x)},${n(y2 + 3)} L${n(x)},${n(y3)}`, ...stroke, 'stroke-dasharray': '4 3' })}/>`);
      out.push(`<circle${attrs({ cx: x, cy: y3, r: 2.5, fill: colour })}/>`);
    }
  } else if (f.lost !== undefined) {
    // Lost on the way: the arrow stops short, at the moment of the loss.
    const y2 = centre(f.lost.seq);
    const x2s = x1 + (x2 - x1) * 0.7;
    out.push(`<line${attrs({ x1, y1, x2: x2s, y2, ...stroke, 'stroke-dasharray': '5 3' })}/>`);
    out.push(text(x2s, y2 + 4, '✗', { class: 'x', 'text-anchor': 'middle', 'font-size': 14 }));
  } else {
    // Never arrives within the trace.
    out.push(`<line${attrs({ x1, y1, x2: x1 + (x2 - x1) * 0.5, y2: bodyBottom, ...stroke, 'stroke-dasharray': '5 3' })}/>`);
  }
  const labelX = x1 + (f.from === 'client' ? 8 : -8);
  const anchor = f.from === 'client' ? 'start' : 'end';
  for (const [i, l] of it.lines.entries()) {
    out.push(text(labelX, it.top + 12 + i * LINE, l.text, { class: l.cls === 'wire' ? 'wire halo' : 'label halo', 'text-anchor': anchor, fill: colour }));
  }
  out.push('</g>');
  return out.join('');
}

function legend(trace: Trace, x0: number, y0: number): string {
  const out: string[] = ['<g class="legend">'];
  let x = x0;
  out.push(text(x, y0 + 9, 'key epochs:', { class: 'lg' }));
  x += 70;
  for (const epoch of epochsOf(trace)) {
    const name = bracket(epoch, epoch === 'plaintext' ? 'plaintext' : epoch.replace(/\+\d+$/, ''));
    out.push(`<rect${attrs({ x, y: y0, width: 14, height: 10, fill: epochColour(epoch) })}/>`);
    out.push(text(x + 18, y0 + 9, name, { class: 'lg', fill: epochColour(epoch) }));
    x += 30 + textWidth(name, SMALL);
  }
  const tls12 = isTls12Trace(trace);
  const complete = tls12 ? '★ handshake complete (RFC 5246 §7.4.9)' : '★ handshake complete (RFC 8446 §4.4.4)';
  const symbols = `${complete} · ✓/✗ verdict on the peer (knows or presumes) · » API call → result · ⤓ library reads from its socket · ✗ alert · numbered circles: notes`;
  out.push(text(x0, y0 + 28, symbols, { class: 'lg' }));
  const wire = tls12
    ? 'TLS 1.2: ‹› marks a record under the tls12 keys, which each side switches to with its ChangeCipherSpec (RFC 5246 §7.1); the outer type stays the real one.'
    : 'Records under keys travel as outer type application_data (RFC 8446 §5.2); the brackets and colour say what they carry.';
  out.push(text(x0, y0 + 44, wire, { class: 'lg' }));
  out.push('</g>');
  return out.join('\n');
}

/** The whole timeline in words, for `<desc>` (screen readers, text search). */
function describe(trace: Trace, records: readonly RecordFlight[], notes: readonly TeachingNote[]): string {
  const parts: string[] = [`Scenario ${trace.scenario}, seed ${trace.seed}.`];
  const tls12 = isTls12Trace(trace);
  for (const f of records) parts.push(`${recordTitle(f, tls12)}.`);
  for (const ev of trace.events) {
    if (ev.type === 'app_call' && ev.side !== 'network') parts.push(`At ${ev.time} ms the ${ev.side} calls ${callText(ev)}.`);
    if (ev.type === 'handshake_complete') parts.push(`At ${ev.time} ms the ${ev.side}'s handshake is complete.`);
    if (ev.type === 'peer_verdict')
      parts.push(`At ${ev.time} ms the ${ev.side}'s verdict on its peer: ${ev.verdict}${ev.basis !== undefined ? ` (${ev.basis})` : ''}, ${ev.evidence}.`);
  }
  for (const note of notes) parts.push(`Note ${note.number} (${note.time} ms): ${note.text}`);
  return parts.join(' ');
}
