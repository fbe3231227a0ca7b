/**
 * What `tls13sim step` shows after each step: both endpoints' states and verdicts, and the
 * bytes still in flight each way, derived from a prefix of the trace alone (`record_sent`
 * bytes minus bytes taken). Shared by the replayed steps (step.ts) and the chosen ones
 * (step-live.ts).
 */
import { bracket, camel } from '../render/names.js';
import type { NetDirection, Side, TraceEvent } from '../trace.js';

interface SideView {
  state: string;
  complete: boolean;
  verdict: string;
}

interface WireRecord {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** Both endpoints and the network as of the end of some prefix of the trace. */
export class StepView {
  private readonly sides: Record<Side, SideView> = {
    client: { state: 'START', complete: false, verdict: 'unknown' },
    server: { state: 'START', complete: false, verdict: 'unknown' },
  };
  private readonly wire: Record<NetDirection, { records: WireRecord[]; sent: number; taken: number }> = {
    client_to_server: { records: [], sent: 0, taken: 0 },
    server_to_client: { records: [], sent: 0, taken: 0 },
  };

  /** Bytes that arrived in each side's socket buffer and its library has not read yet. */
  private readonly unread: Record<Side, number> = { client: 0, server: 0 };

  observe(e: TraceEvent): void {
    if (e.side === 'network') {
      // A duplicated unit goes back on the queue: nothing was consumed.
      if (e.type === 'delivered' && e.fault?.kind !== 'duplicate') this.wire[e.direction].taken += e.taken;
      if (e.type === 'delivered' && e.buffered === true) this.unread[e.direction === 'client_to_server' ? 'server' : 'client'] += e.bytes;
      return;
    }
    const me = this.sides[e.side];
    switch (e.type) {
      case 'processed':
        this.unread[e.side] = Math.max(0, this.unread[e.side] - e.bytes);
        return;
      case 'state':
        me.state = e.to;
        return;
      case 'handshake_complete':
        me.complete = true;
        return;
      case 'peer_verdict':
        me.verdict = e.alert === undefined ? e.verdict : `${e.verdict}(${e.alert.description})`;
        return;
      case 'record_sent': {
        const w = this.wire[e.side === 'client' ? 'client_to_server' : 'server_to_client'];
        const size = e.hex.length / 2;
        w.records.push({ label: recordLabel(e), start: w.sent, end: w.sent + size });
        w.sent += size;
        return;
      }
      default:
        return;
    }
  }

  describeSide(side: Side): string {
    const s = this.sides[side];
    const unread = this.unread[side] > 0 ? ` · ${this.unread[side]} B arrived, not yet read by its library` : '';
    return `${side} ${s.state}${s.complete ? ' ★' : ''} · verdict on its handshake: ${s.verdict}${unread}`;
  }

  describeInFlight(direction: NetDirection): string {
    const w = this.wire[direction];
    const pending = w.records.filter((r) => r.end > w.taken);
    const arrow = direction === 'client_to_server' ? 'client → server' : 'server → client';
    if (pending.length === 0) return `${arrow}: nothing`;
    const labels = pending.map((r) => (r.start < w.taken ? `${r.label} (${r.end - w.taken} of ${r.end - r.start} B left)` : r.label));
    return `${arrow}: ${w.sent - w.taken} B — ${labels.join(' ')}`;
  }

  inFlightBytes(direction: NetDirection): number {
    return this.wire[direction].sent - this.wire[direction].taken;
  }
}

function recordLabel(e: Extract<TraceEvent, { type: 'record_sent' }>): string {
  if (e.alert !== undefined) return bracket(e.epoch, `Alert(${e.alert.description})`);
  if (e.messages.length > 0) return bracket(e.epoch, e.messages.map(camel).join(', '));
  if (e.innerType === 'application_data') return bracket(e.epoch, `Application Data ${e.length} B`);
  if (e.innerType === 'change_cipher_spec') return 'ChangeCipherSpec';
  return bracket(e.epoch, e.innerType);
}
