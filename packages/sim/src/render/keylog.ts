/**
 * NSS key log (SSLKEYLOGFILE) lines: `<LABEL> <client_random hex> <secret hex>`. The
 * client random is bytes 11..43 of the first record the client sent: 5 (record header)
 * + 4 (handshake header) + 2 (legacy_version) (RFC 8446 §4.1.2).
 */
import type { Trace, TraceEvent } from '../trace.js';

/**
 * The NSS keylog label and secret (hex) an event carries: a `keys_installed` with its
 * `keylog`, or a `secret` (EXPORTER_SECRET, which installs no key); else undefined.
 */
export function keylogEntryOf(ev: TraceEvent): { readonly label: string; readonly secret: string } | undefined {
  if (ev.type === 'keys_installed') return ev.keylog;
  if (ev.type === 'secret') return { label: ev.label, secret: ev.secret };
  return undefined;
}

/** The NSS keylog lines the events carry for the connection of `random` (hex), each once, in order. */
export function keylogLinesOf(random: string, events: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const ev of events) {
    const k = keylogEntryOf(ev);
    if (k === undefined) continue;
    const line = `${k.label} ${random} ${k.secret}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines;
}

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
  const lines = keylogLinesOf(random, trace.events);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
