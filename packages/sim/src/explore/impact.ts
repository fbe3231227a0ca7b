/**
 * What one network fault could have done, worked out from the trace: which bytes of which
 * direction's stream it touched, whether it kept record framing intact, and therefore which
 * alerts and end states the two endpoints may legitimately show.
 *
 * The allowed alerts (RFC 8446 §6.2), and why:
 * - RECORD: any fault may hit a protected record or the record framing. A protected record
 *   that was altered, lost (the next one then fails under the wrong sequence number, §5.3),
 *   replayed or misframed fails AEAD: `bad_record_mac`. A record header that cannot be right
 *   is `unexpected_message` (unknown or unprotected type after the key change, §5),
 *   `protocol_version` (legacy_record_version not 0x03xx), `record_overflow` (§5.1/§5.2
 *   length limits) or `decode_error` (an alert that is not two bytes, §6).
 * - HELLO: plaintext handshake messages (ClientHello, HelloRetryRequest, ServerHello) are
 *   not authenticated until Finished. If a fault could change what the receiver reads as one
 *   (content altered, or framing lost in or before one), every alert hello processing can
 *   raise is possible too: `illegal_parameter`, `handshake_failure`, `missing_extension`,
 *   `unsupported_extension`, `decrypt_error` (binder or Finished over a transcript that now
 *   differs), `no_application_protocol`.
 * - An injected, well-framed plaintext alert may be accepted as the peer's own — but only
 *   while the receiver could still legitimately get a plaintext alert: before it has
 *   processed a record under the peer's handshake or application keys (a peer that has
 *   those protects its alerts; 0-RTT keys do not count, Appendix A.1).
 * - `internal_error` is never allowed: it is our own bug.
 *
 * End states: CONNECTED, CLOSED with an allowed alert, or stuck (not CONNECTED, no alert,
 * the simulation quiescent). Stuck is allowed for the receiver when bytes were lost (drop,
 * truncate), framing was lost (a length field or a cut inside a record), something was
 * injected (it may promise bytes that never come), or a plaintext record was altered (e.g. a
 * handshake length that now waits for more). It is allowed for the other endpoint only if
 * the receiver sent no alert (an alert is always delivered, and ends the peer). A tampered
 * protected record (altered or replayed whole, framing intact) must end the receiver with an
 * alert: it may not stay CONNECTED having silently eaten it — except a 0-RTT record the
 * server rejected, which §4.2.10 has it skip unread.
 */
import { alertName, fromHex } from '@tls13sim/record';
import type { Simulation } from '../simulation.js';
import type { AppliedFault, NetDirection, Side, TraceEvent } from '../trace.js';

export const RECORD_ALERTS: readonly string[] = ['bad_record_mac', 'unexpected_message', 'protocol_version', 'record_overflow', 'decode_error'];
export const HELLO_ALERTS: readonly string[] = [
  'illegal_parameter',
  'handshake_failure',
  'missing_extension',
  'unsupported_extension',
  'decrypt_error',
  'no_application_protocol',
];

interface StreamRecord {
  readonly start: number;
  readonly end: number;
  readonly plaintext: boolean;
  readonly epoch: string;
  readonly innerType: string;
}

export interface FaultImpact {
  readonly fault: AppliedFault;
  readonly direction: NetDirection;
  readonly receiver: Side;
  /** Record framing survives (the fault starts and ends on record boundaries). */
  readonly aligned: boolean;
  /** A plaintext handshake message could read differently. */
  readonly touchesHello: boolean;
  /** A protected record was altered or replayed whole, framing intact: the receiver must fail. */
  readonly detectable: boolean;
  readonly allowedAlerts: ReadonlySet<string>;
  readonly receiverMayStick: boolean;
  /** The seq of the faulted delivery event. */
  readonly seq: number;
  readonly describe: string;
}

function streamRecords(events: readonly TraceEvent[], sender: Side): StreamRecord[] {
  const out: StreamRecord[] = [];
  let pos = 0;
  for (const e of events) {
    if (e.type !== 'record_sent' || e.side !== sender) continue;
    const n = e.hex.length / 2;
    out.push({ start: pos, end: pos + n, plaintext: e.epoch === 'plaintext', epoch: e.epoch, innerType: e.innerType });
    pos += n;
  }
  return out;
}

export function faultImpact(sim: Simulation): FaultImpact | null {
  const events = sim.events;
  const faulted = events.find((e): e is Extract<TraceEvent, { type: 'delivered' }> => e.type === 'delivered' && e.fault !== undefined);
  if (faulted === undefined || faulted.fault === undefined) return null;
  const fault = faulted.fault;
  const direction = faulted.direction;
  const sender: Side = direction === 'client_to_server' ? 'client' : 'server';
  const receiver: Side = sender === 'client' ? 'server' : 'client';
  const records = streamRecords(events, sender);
  let a = 0;
  for (const e of events) {
    if (e === faulted) break;
    if (e.type === 'delivered' && e.direction === direction) a += e.taken;
  }
  const t = faulted.taken;
  const boundary = (x: number): boolean => x === 0 || records.some((r) => r.end === x);
  const recordAt = (x: number): StreamRecord | undefined => records.find((r) => r.start <= x && x < r.end);
  const startOf = (x: number): number => recordAt(x)?.start ?? x;
  const hello = (from: number, to: number): boolean => records.some((r) => r.plaintext && r.innerType === 'handshake' && r.start < to && r.end > from);
  const plaintextIn = (from: number, to: number): boolean => records.some((r) => r.plaintext && r.start < to && r.end > from);
  // §4.2.10: a server that rejected 0-RTT discards early-key records it cannot open — a
  // tampered one is skipped like the rest, not accepted, so it need not end the connection.
  const earlyAccepted = events.some((e) => e.side === 'server' && e.type === 'note' && e.fact === 'early_data_accepted');
  const rejectedEarlyIn = (from: number, to: number): boolean => !earlyAccepted && records.some((r) => r.epoch === 'early' && r.start < to && r.end > from);

  let aligned: boolean;
  let region: [number, number];
  let detectable = false;
  let mayStick = false;
  const extra: string[] = [];
  let describe: string;
  switch (fault.kind) {
    case 'drop':
    case 'duplicate':
      aligned = boundary(a) && boundary(a + t);
      region = aligned ? [a, a + t] : [startOf(a), Infinity];
      mayStick = fault.kind === 'drop' || !aligned;
      detectable = fault.kind === 'duplicate' && aligned && !plaintextIn(a, a + t) && !rejectedEarlyIn(a, a + t);
      describe = `${fault.kind} of stream bytes ${a}..${a + t} ${direction}`;
      break;
    case 'truncate':
      aligned = boundary(a + fault.keep) && boundary(a + t);
      region = aligned ? [a + fault.keep, a + t] : [startOf(a), Infinity];
      mayStick = true;
      describe = `truncate of stream bytes ${a}..${a + t} ${direction} to ${fault.keep}`;
      break;
    case 'corrupt': {
      const o = a + fault.offset;
      const r = recordAt(o);
      const field = r === undefined ? -1 : o - r.start;
      aligned = field !== 3 && field !== 4;
      // The type byte can turn a protected record into a "plaintext" one read as anything.
      region = field === 0 || !aligned ? [startOf(o), Infinity] : [o, o + 1];
      mayStick = !aligned || (r?.plaintext ?? true);
      detectable = aligned && r !== undefined && !r.plaintext && field !== 0 && !(r.epoch === 'early' && !earlyAccepted);
      describe = `corrupt of stream byte ${o} ${direction} (record field ${field < 0 ? '?' : field < 5 ? ['type', 'version', 'version', 'length', 'length'][field] : 'body'}) ^ 0x${fault.xor.toString(16)}`;
      break;
    }
    case 'inject': {
      const bytes = fromHex(fault.hex);
      aligned = boundary(a);
      region = aligned ? [a, a] : [startOf(a), Infinity];
      mayStick = true;
      const type = bytes[0];
      if (aligned && type === 22) extra.push(...HELLO_ALERTS);
      if (aligned && type === 21 && bytes.length === 7 && (bytes[3]! << 8) + bytes[4]! === 2 && !receivedProtected(events, receiver, faulted.seq)) {
        extra.push(alertDescription(bytes[6]!));
      }
      describe = `inject of ${bytes.length} bytes ${direction} at stream byte ${a}`;
      break;
    }
  }
  const touchesHello = hello(region[0], region[1]);
  const allowed = new Set([...RECORD_ALERTS, ...(touchesHello ? HELLO_ALERTS : []), ...extra]);
  return { fault, direction, receiver, aligned, touchesHello, detectable, allowedAlerts: allowed, receiverMayStick: mayStick, seq: faulted.seq, describe };
}

function receivedProtected(events: readonly TraceEvent[], side: Side, beforeSeq: number): boolean {
  // Early-data records do not count: a 0-RTT client has no handshake keys yet, and alerts in the clear.
  return events.some((e) => e.seq < beforeSeq && e.side === side && e.type === 'record_received' && e.epoch !== 'plaintext' && e.epoch !== 'early');
}

function alertDescription(code: number): string {
  return alertName(code);
}
