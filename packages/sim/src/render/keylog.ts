/**
 * NSS key log (SSLKEYLOGFILE) lines: `<LABEL> <client_random hex> <secret hex>`. The
 * client random is bytes 11..43 of the first record the client sent: 5 (record header)
 * + 4 (handshake header) + 2 (legacy_version) (RFC 8446 §4.1.2).
 */
import type { Trace } from '../trace.js';

export function clientRandomOf(trace: Trace): string | undefined {
  const first = trace.events.find((e) => e.type === 'record_sent' && e.side === 'client');
  if (first === undefined || first.type !== 'record_sent') return undefined;
  if (!first.messages.includes('client_hello')) return undefined;
  const hex = first.hex;
  if (hex.length < 43 * 2) return undefined;
  return hex.slice(11 * 2, 43 * 2);
}

export function renderKeylog(trace: Trace): string {
  const random = clientRandomOf(trace);
  if (random === undefined) return '';
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const ev of trace.events) {
    if (ev.type !== 'keys_installed' || ev.keylog === undefined) continue;
    const line = `${ev.keylog.label} ${random} ${ev.keylog.secret}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
