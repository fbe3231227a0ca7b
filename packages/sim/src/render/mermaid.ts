/** A Mermaid `sequenceDiagram` of the trace: records as arrows, states and calls as notes. */
import type { Trace, TraceEvent } from '../trace.js';
import { bracket, camel, changeCipherSpecLabel, isTls12Trace } from './names.js';

function esc(s: string): string {
  // `#` and `;` are Mermaid syntax; keep labels to plain text.
  return s.replace(/[#;]/g, ' ');
}

function label(ev: Extract<TraceEvent, { type: 'record_sent' }>, tls12: boolean): string {
  // RFC 5246 §7.1: in TLS 1.2 the ChangeCipherSpec is the key switch itself.
  if (tls12 && ev.innerType === 'change_cipher_spec') return changeCipherSpecLabel(true);
  if (ev.alert) return bracket(ev.epoch, `Alert(${ev.alert.level}, ${ev.alert.description})`);
  if (ev.messages.length > 0) return ev.messages.map((m) => bracket(ev.epoch, camel(m))).join(' ');
  if (ev.innerType === 'application_data') return bracket(ev.epoch, `Application Data ${ev.length} B`);
  return bracket(ev.epoch, ev.innerType);
}

export function renderMermaid(trace: Trace): string {
  const out = ['sequenceDiagram', '  participant C as client', '  participant S as server'];
  const who = (side: TraceEvent['side']): string => (side === 'client' ? 'C' : 'S');
  const tls12 = isTls12Trace(trace);
  for (const ev of trace.events) {
    switch (ev.type) {
      case 'state':
        out.push(`  Note over ${who(ev.side)}: ${ev.from} → ${ev.to}`);
        break;
      case 'record_sent':
        out.push(ev.side === 'client' ? `  C->>S: ${esc(label(ev, tls12))}` : `  S->>C: ${esc(label(ev, tls12))}`);
        break;
      case 'handshake_complete':
        out.push(`  Note over ${who(ev.side)}: ★ handshake complete`);
        break;
      case 'peer_verdict':
        out.push(`  Note over ${who(ev.side)}: peer verdict ${ev.verdict}${ev.basis === 'presumes' ? ' (presumed)' : ''}: ${esc(ev.evidence)}`);
        break;
      case 'app_call': {
        const r = ev.result === 'error' ? `error(${ev.alert ?? '?'})` : ev.result;
        const text = ev.api !== undefined && ev.outcome !== undefined ? `${ev.api} → ${ev.outcome}` : `${ev.call}() → ${r}`;
        out.push(`  Note ${ev.side === 'client' ? 'left of C' : 'right of S'}: ${esc(text)}`);
        break;
      }
      case 'delivered':
        if (ev.fault) out.push(`  Note over C,S: network ${ev.fault.kind} (${ev.taken} B ${ev.direction})`);
        break;
      case 'note':
        if (ev.fact === undefined) out.push(`  Note over C,S: ${esc(ev.text)}`);
        break;
      case 'processed':
        out.push(`  Note ${ev.side === 'client' ? 'left of C' : 'right of S'}: library reads ${ev.bytes} B`);
        break;
      case 'record_received':
      case 'keys_installed':
      case 'secret':
      case 'alert_sent':
      case 'alert_received':
        break;
    }
  }
  return `${out.join('\n')}\n`;
}
