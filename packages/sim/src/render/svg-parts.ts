/**
 * The drawn parts of the SVG timeline (svg.ts): SVG elements and attributes, arrowheads,
 * the key-epoch bars, note markers, record arrows, the legend and the description.
 */
import type { EpochName } from '@tls13sim/handshake';
import type { Side, Trace } from '../trace.js';
import { epochColour } from './epoch-colours.js';
import type { RecordFlight } from './flights.js';
import { bracket, isTls12Trace } from './names.js';
import { callText } from './timeline.js';
import { SMALL, escapeXml, textWidth, n, recordTitle, type TeachingNote, epochsOf } from './svg-text.js';
import { LINE, type Item, type Geometry } from './svg-layout.js';

export function attrs(a: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : escapeXml(v!)}"`)
    .join('');
}

export function text(x: number, y: number, s: string, a: Readonly<Record<string, string | number | undefined>> = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeXml(s)}</text>`;
}

export function markerId(epoch: EpochName | 'inject'): string {
  return `ah-${epoch.replace(/[^a-z0-9]/g, '-')}`;
}

export function arrowhead(id: string, colour: string): string {
  return `<marker${attrs({ id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto', markerUnits: 'userSpaceOnUse' })}><path d="M0,1 L10,5 L0,9 z"${attrs({ fill: colour })}/></marker>`;
}

export function barXs(g: Geometry, side: Side): [number, number] {
  // [read, write]; the write bar sits next to the axis the records leave from.
  return side === 'client' ? [g.barsX.client + 4, g.barsX.client + 13] : [g.barsX.server + 13, g.barsX.server + 4];
}

export function epochBars(trace: Trace, items: readonly Item[], g: Geometry, bodyTop: number, bodyBottom: number): string {
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

export function noteMarker(note: TeachingNote, cx: number, cy: number): string {
  return [
    `<g${attrs({ class: 'note-marker', 'data-number': String(note.number), 'data-seq': String(note.seq) })}>`,
    `<title>${escapeXml(`note ${note.number}: ${note.text}`)}</title>`,
    `<circle${attrs({ cx, cy, r: 8.5, fill: '#fff8c5', stroke: '#8a6100' })}/>`,
    text(cx, cy + 3.5, String(note.number), { class: 'num' }),
    '</g>',
  ].join('');
}

export function recordArrow(
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

export function legend(trace: Trace, x0: number, y0: number): string {
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
export function describe(trace: Trace, records: readonly RecordFlight[], notes: readonly TeachingNote[]): string {
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
