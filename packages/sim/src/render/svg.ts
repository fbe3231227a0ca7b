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
import type { Side, Trace } from '../trace.js';
import { epochColour } from './epoch-colours.js';
import { recordFlights } from './flights.js';
import { isTls12Trace } from './names.js';
import { FONT, SMALL, escapeXml, sans, measureFor, wrap, n, teachingNotes, epochsOf } from './svg-text.js';
import { LINE, ROW, M, TIME_W, MARK_W, WIRE_W, NOTES_W, PX_PER_MS, MIN_GAP, MAX_GAP, LANES, type Item, laneItem, laneHeading, geometry } from './svg-layout.js';
import { attrs, text, markerId, arrowhead, barXs, epochBars, noteMarker, recordArrow, legend, describe } from './svg-parts.js';

export { callText, epochsOf, escapeXml, recordTitle, teachingNotes, type TeachingNote } from './svg-text.js';

export interface SvgOptions {
  /** For inlining in HTML: no XML declaration and no `xmlns` (the HTML parser puts `<svg>` in its namespace). */
  readonly embedded?: boolean;
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
