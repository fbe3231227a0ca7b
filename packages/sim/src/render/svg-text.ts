/**
 * The text of the SVG timeline (svg.ts): XML escaping, text measures and wrapping, and the
 * words for records, deliveries, notes and the teaching notes.
 */
import type { EpochName } from '@tls13sim/handshake';
import type { Trace, TraceEventOf, TraceSide } from '../trace.js';
import { compareEpochs } from './epoch-colours.js';
import type { RecordFlight } from './flights.js';
import { bracket, camel, changeCipherSpecLabel, isTls12Trace } from './names.js';
import { callText } from './timeline.js';

/** Font sizes (px) of the body text and the small print. */
export const FONT = 12;
export const SMALL = 10.5;

/** Characters XML 1.0 does not allow (C0 controls but tab/newline/CR, U+FFFE/U+FFFF) and lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it removes
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML or HTML content and attribute values: `& < > " '` escaped, characters XML cannot hold replaced by U+FFFD. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A rough width of `s` in a sans-serif face at `size` px, erring wide, for lane widths and wrapping. */
export function textWidth(s: string, size: number): number {
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

export const sans =
  (size: number): Measure =>
  (s) =>
    textWidth(s, size);

/** How lane text of class `cls` is measured (as the `STYLE` sheet below draws it). */
export function measureFor(cls: string): Measure {
  if (cls === 'state') return (s) => monoWidth(s, 11);
  return sans(cls === 'sub' ? SMALL : FONT);
}

/** Greedy word wrap to `width` px; a word wider than a line is cut. Never returns no line. */
export function wrap(text: string, width: number, measure: Measure): string[] {
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
export function n(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

// ——— what each event says ————————————————————————————————————————————————————————

type Sent = TraceEventOf<'record_sent'>;

/** The record's label: its messages in §2's epoch brackets (one token each). */
export function recordTokens(ev: Sent, tls12 = false): string[] {
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
export function wireNote(ev: Sent): string | undefined {
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

export function deliveryText(ev: TraceEventOf<'delivered'>): string {
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

export function factText(ev: TraceEventOf<'note'>): string {
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

export function isTeachingNote(ev: TraceEventOf<'note'>): boolean {
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
