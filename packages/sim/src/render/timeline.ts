/**
 * The text timeline, in the style of RFC 8446's diagrams: client column left, server
 * right, an arrow per record labelled with its handshake messages in the key epoch's
 * brackets, state changes in each column, ★ where each side considers the handshake
 * complete, application calls with their results, and teaching notes.
 */
import type { Trace, TraceEvent } from '../trace.js';
import { bracket, camel, changeCipherSpecLabel, isTls12Trace, keyLegend } from './names.js';

const TIME = 9;
const L = 32;
const M = 18;

function pad(s: string, n: number): string {
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

function row(time: string, left: string, mid: string, right: string): string {
  return `${pad(time, TIME)}│ ${pad(left, L)}${pad(mid, M)}${right}`.trimEnd();
}

function recordLabels(ev: Extract<TraceEvent, { type: 'record_sent' }>, tls12: boolean): string[] {
  if (ev.alert) return [bracket(ev.epoch, `Alert(${ev.alert.level}, ${ev.alert.description})`)];
  if (ev.messages.length > 0) return ev.messages.map((m) => bracket(ev.epoch, camel(m)));
  if (ev.innerType === 'application_data') return [bracket(ev.epoch, `Application Data (${ev.length} B)`)];
  if (ev.innerType === 'change_cipher_spec') return [changeCipherSpecLabel(tls12)];
  return [bracket(ev.epoch, `${ev.innerType} (${ev.length} B)`)];
}

/** An API call as the timelines show it: the library's own words when the lens gave them. */
export function callText(ev: Extract<TraceEvent, { type: 'app_call' }>): string {
  if (ev.api !== undefined && ev.outcome !== undefined) return `${ev.api} → ${ev.outcome}`;
  const arg = ev.call === 'read' || ev.call === 'peek' || ev.call === 'write' ? '…' : '';
  let r: string = ev.result;
  if (ev.result === 'error') r = `error(${ev.alert ?? '?'})`;
  else if (ev.bytes !== undefined && ev.bytes > 0) r = `${ev.result}, ${ev.bytes} B`;
  return `${ev.call}(${arg}) → ${r}`;
}

function deliveredText(ev: Extract<TraceEvent, { type: 'delivered' }>): string {
  const f = ev.fault;
  const arrow = ev.direction === 'client_to_server' ? '⇢' : '⇠';
  if (f === undefined) return `${arrow} ${ev.bytes} B${ev.buffered === true ? ' (buffered, unread)' : ''}`;
  switch (f.kind) {
    case 'drop':
      return `✗ drop ${ev.taken} B`;
    case 'duplicate':
      return `${arrow} ${ev.bytes} B dup`;
    case 'truncate':
      return `${arrow} ${ev.bytes}/${ev.taken} B cut`;
    case 'corrupt':
      return `${arrow} ${ev.bytes} B ^[${f.offset}]`;
    case 'inject':
      // Bytes taken from the queue and others delivered instead: an attacker's rewrite (Simulation.setRewrite).
      return ev.taken > 0 ? `${arrow} ${ev.bytes} B rewritten (${ev.taken} B sent)` : `${arrow} ${ev.bytes} B injected`;
  }
}

export function renderTimeline(trace: Trace): string {
  const out: string[] = [];
  out.push(`tls13sim — ${trace.scenario} (seed ${trace.seed})`);
  const tls12 = isTls12Trace(trace);
  out.push(keyLegend(tls12));
  out.push('');
  out.push(row('time', 'client', '', 'server'));
  out.push(`${'─'.repeat(TIME)}┼${'─'.repeat(1 + L + M + L)}`);
  let lastTime = -1;
  const closure = new Closure();
  for (const ev of trace.events) {
    const t = ev.time !== lastTime ? `${ev.time} ms` : '';
    const lines = renderEvent(ev, closure, tls12);
    for (const [i, l] of lines.entries()) {
      const time = i === 0 ? t : '';
      out.push(row(time, l[0], l[1], l[2]));
    }
    if (lines.length > 0) lastTime = ev.time;
  }
  return `${out.join('\n')}\n`;
}

type Line = [string, string, string];

function inColumn(side: TraceEvent['side'], text: string): Line[] {
  if (side === 'client') return [[text, '', '']];
  if (side === 'server') return [['', '', text]];
  return [[`※ ${text}`, '', '']];
}

/** Which directions each side has closed so far (RFC 8446 §6.1: one close_notify closes one direction). */
class Closure {
  private readonly closed = { client: new Set<string>(), server: new Set<string>() };

  /** The label for `side` closing `direction` (the `read_closed` / `write_closed` notes). */
  label(side: 'client' | 'server', direction: 'read' | 'write'): string {
    const seen = this.closed[side];
    seen.add(direction);
    const what = direction === 'read' ? "read side closed (peer's close_notify)" : 'write side closed (close_notify sent)';
    return `${what}: ${seen.size === 2 ? 'both directions closed' : 'half-closed'}`;
  }
}

function renderEvent(ev: TraceEvent, closure: Closure, tls12: boolean): Line[] {
  switch (ev.type) {
    case 'state':
      return inColumn(ev.side, `${ev.from} → ${ev.to}`);
    case 'record_sent': {
      const labels = recordLabels(ev, tls12);
      const arrow = ev.side === 'client' ? `${'─'.repeat(M - 3)}▶` : `◀${'─'.repeat(M - 3)}`;
      return labels.map((label, i): Line => {
        const a = i === labels.length - 1 ? arrow : '';
        return ev.side === 'client' ? [label, ` ${a}`, ''] : ['', ` ${a}`, label];
      });
    }
    case 'record_received':
      return [];
    case 'delivered':
      return [['', ` ${deliveredText(ev)}`, '']];
    case 'processed':
      return inColumn(ev.side, `⤓ library reads ${ev.bytes} B from the socket`);
    case 'keys_installed':
      return inColumn(ev.side, `keys: ${ev.direction} ${ev.epoch}`);
    case 'secret':
      return [];
    case 'handshake_complete':
      return inColumn(ev.side, `★ ${ev.side} handshake complete`);
    case 'peer_verdict':
      return inColumn(ev.side, `verdict: ${ev.verdict}${ev.basis === 'presumes' ? ', presumed' : ''} (${ev.evidence})`);
    case 'alert_sent':
      return [];
    case 'alert_received':
      return inColumn(ev.side, `✗ got alert ${ev.description}`);
    case 'app_call':
      return inColumn(ev.side, `» ${callText(ev)}`);
    case 'note':
      if (ev.side === 'network' || ev.fact === undefined) return [[`※ ${ev.text}`, '', '']];
      if (ev.fact === 'read_closed' || ev.fact === 'write_closed')
        return inColumn(ev.side, closure.label(ev.side, ev.fact === 'read_closed' ? 'read' : 'write'));
      return inColumn(ev.side, ev.fact === 'finished_built' ? 'Finished built' : ev.fact === 'finished_verified' ? "peer's Finished verified" : ev.text);
  }
}
