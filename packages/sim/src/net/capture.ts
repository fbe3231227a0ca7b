/**
 * Keylog and pcap for a real connection's trace. The in-memory renderers work on it with
 * two differences handled here:
 * - the NSS keylog needs the ClientHello.random, which a server only ever received: we
 *   take it from the client-to-server byte stream (bytes 11..43 of the first record: 5
 *   record header + 4 handshake header + 2 legacy_version, RFC 8446 §4.1.2), which both
 *   roles record as `delivered` events;
 * - the pcap gets wall-clock timestamps (`startedAt` + trace time).
 */
import { fromHex } from '@tls13sim/record';
import { keylogEntryOf, keylogLinesOf } from '../render/keylog.js';
import { renderPcap } from '../render/pcap.js';
import type { Trace, TraceEvent } from '../trace.js';

/** The client random (hex) from a trace's client-to-server stream, once 43 bytes were seen. */
export function clientRandomFromStream(events: readonly TraceEvent[]): string | undefined {
  let hex = '';
  for (const ev of events) {
    if (ev.type !== 'delivered' || ev.direction !== 'client_to_server') continue;
    hex += ev.hex;
    if (hex.length >= 43 * 2) break;
  }
  // A TLS record carrying a handshake message that is a ClientHello.
  if (hex.length < 43 * 2 || !hex.startsWith('16') || hex.slice(10, 12) !== '01') return undefined;
  return hex.slice(11 * 2, 43 * 2);
}

/** NSS SSLKEYLOGFILE lines for one connection (either role). */
export function keylogLines(events: readonly TraceEvent[]): string[] {
  const random = clientRandomFromStream(events);
  if (random === undefined) return [];
  return keylogLinesOf(random, events);
}

export function renderConnectionKeylog(trace: Trace): string {
  const lines = keylogLines(trace.events);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** A pcap of the connection with wall-clock timestamps. */
export function renderConnectionPcap(trace: Trace, startedAt: number): Uint8Array {
  return renderPcap({ ...trace, events: trace.events.map((e) => ({ ...e, time: e.time + startedAt })) });
}

/** Bytes of one direction of the stream, as recorded. */
export function streamBytes(events: readonly TraceEvent[], direction: 'client_to_server' | 'server_to_client'): Uint8Array {
  return fromHex(events.flatMap((e) => (e.type === 'delivered' && e.direction === direction ? [e.hex] : [])).join(''));
}

/**
 * Writes NSS keylog lines as the keys are installed (like SSLKEYLOGFILE), so a capture
 * taken live (tcpdump, Wireshark) decrypts while the connection runs; EXPORTER_SECRET
 * when the handshake completes.
 */
export function attachKeylog(
  conn: { readonly events: readonly TraceEvent[]; readonly traceMode?: string; on(event: 'event', f: (ev: TraceEvent) => void): unknown },
  write: (line: string) => void,
): void {
  // The secrets come from the trace's events: a connection that builds none has no keys to log.
  if (conn.traceMode === 'none') throw new Error("attachKeylog: the connection keeps no trace (trace: 'none'); use 'handshake' or 'full'");
  const written = new Set<string>();
  const pending: { label: string; secret: string }[] = [];
  let random: string | undefined;
  const onEvent = (ev: TraceEvent): void => {
    const k = keylogEntryOf(ev);
    if (k !== undefined) pending.push(k);
    // A client installs its early keys before its ClientHello reaches the socket: hold them.
    random ??= clientRandomFromStream(conn.events);
    if (random === undefined) return;
    for (const k of pending.splice(0)) {
      const line = `${k.label} ${random} ${k.secret}`;
      if (written.has(line)) continue;
      written.add(line);
      write(line);
    }
  };
  // Events recorded before we were attached (a client installs early keys in its constructor).
  for (const ev of [...conn.events]) onEvent(ev);
  conn.on('event', onEvent);
}
