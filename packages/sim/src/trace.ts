/**
 * The trace, format version 1 — a public contract (docs/architecture.md "The trace contract").
 * Every event has `seq`, `time` (virtual ms), `side` and `type`. Fields may be added to an
 * event; none of the names below may change without a new `version`.
 *
 * Fields added since version 1's first table (all optional for readers):
 * - `delivered`: `hex` (the bytes handed to the endpoint), `taken` (bytes removed from the
 *   queue), `fault` (what the network did to this unit), `flight`;
 * - `keys_installed`: `keylog` (`{label, secret}` in hex, for NSS keylog files);
 * - `secret` (an event type added to version 1): `label`, `secret` (hex), a secret no key
 *   is installed from, for NSS keylog files: EXPORTER_SECRET (exporter_master_secret,
 *   RFC 8446 §7.5), once per side, when that side's handshake completes;
 * - `note`: `fact` (a machine-readable tag, e.g. `finished_built`); `read_closed` and
 *   `write_closed` mark when a side's direction closed (RFC 8446 §6.1: the peer's
 *   close_notify arrived / it sent its own), the text saying whether it is half-closed;
 * - `peer_verdict`: `alert` when rejected; `basis` (`knows` | `presumes`);
 * - `processed` (an event type added to version 1): `bytes`, when buffered bytes reach the
 *   endpoint because its library pulled them;
 * - `app_call`: `lens` (the library), `api` (the call in its own words, e.g. `SSL_read`),
 *   `outcome` (its return value, error name or exception, e.g. `-1 SSL_ERROR_WANT_READ`);
 *   new `call` values: `write_early`, `read_early`, `request_auth`, `peer_cert`; `certs` on a
 *   `peer_cert` call that answered: how many certificates of the peer's chain its endpoint has
 *   processed and accepted (0: none), whatever the library's own words for it.
 */
import type { EpochName, StateName } from '@tls13sim/handshake';

export type Side = 'client' | 'server';
export type TraceSide = Side | 'network';

/** The other endpoint. */
export function peerOf(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}
export type NetDirection = 'client_to_server' | 'server_to_client';

/**
 * An application's call as a lens words it. `event`: a callback the library fired by itself
 * (Node's `'error'`, `'data'`, …), not a call. `pending`: OpenSSL's SSL_pending. `tickets`:
 * what the application can tell of the NewSessionTickets its library has processed so far (a
 * callback's or a session cache's count, Python's `session.has_ticket`); no bytes are read.
 */
/**
 * An application's call. `write_early` / `read_early`: 0-RTT data written before the
 * handshake call, and the server's early-data read (RFC 8446 §2.3), for the libraries whose
 * lens models such calls. `request_auth`: a server asks for a client certificate after the
 * handshake (§4.6.2; OpenSSL's SSL_verify_client_post_handshake and SSL_do_handshake).
 * `peer_cert`: whether the application can see its peer's certificate now; nothing is read.
 */
export type AppCall =
  | 'connect'
  | 'accept'
  | 'read'
  | 'peek'
  | 'write'
  | 'write_early'
  | 'read_early'
  | 'request_auth'
  | 'peer_cert'
  | 'shutdown'
  | 'pending'
  | 'tickets'
  | 'event';
export type AppResult = 'ok' | 'want_read' | 'want_write' | 'error' | 'blocked';
export type Verdict = 'unknown' | 'accepted' | 'rejected';

export interface AlertInfo {
  readonly level: string;
  readonly description: string;
}

/** What the network did to one delivery unit (recorded so the run replays). */
export type AppliedFault =
  | { readonly kind: 'drop' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'corrupt'; readonly offset: number; readonly xor: number }
  | { readonly kind: 'inject'; readonly hex: string };

export interface RecordFields {
  readonly outerType: string;
  readonly innerType: string;
  readonly epoch: EpochName;
  readonly length: number;
  readonly messages: readonly string[];
  readonly alert?: AlertInfo;
  readonly hex: string;
}

export type TraceEventBody =
  | { readonly type: 'state'; readonly from: StateName; readonly to: StateName }
  | ({ readonly type: 'record_sent' } & RecordFields)
  | ({ readonly type: 'record_received' } & RecordFields)
  | {
      readonly type: 'delivered';
      readonly direction: NetDirection;
      /** Bytes handed to the receiving endpoint in this unit. */
      readonly bytes: number;
      /** Bytes removed from the queue (differs from `bytes` under drop/truncate/inject). */
      readonly taken: number;
      readonly hex: string;
      readonly flight?: number;
      readonly fault?: AppliedFault;
      /** The bytes wait in the receiver's transport buffer until its library pulls them (a `processed` event). */
      readonly buffered?: boolean;
    }
  /**
   * Bytes that had arrived in this side's transport buffer reach its endpoint: the library
   * pulled them inside one of the application's calls (sides whose library reads only
   * inside its calls; see `PullMode`).
   */
  | { readonly type: 'processed'; readonly bytes: number }
  | {
      readonly type: 'keys_installed';
      readonly direction: 'read' | 'write';
      readonly epoch: EpochName;
      readonly keylog?: { readonly label: string; readonly secret: string };
    }
  /** A secret for NSS keylog files that installs no key (EXPORTER_SECRET); `secret` in hex. */
  | { readonly type: 'secret'; readonly label: string; readonly secret: string }
  | { readonly type: 'handshake_complete' }
  | {
      readonly type: 'peer_verdict';
      readonly verdict: Verdict;
      readonly evidence: string;
      readonly alert?: AlertInfo;
      /**
       * `knows`: the side's received bytes imply the verdict (an alert; a NewSessionTicket,
       * which §4.6.1 lets a server send only after the client's Finished). `presumes`: the
       * evidence is consistent with a server that has not yet judged (0.5-RTT data).
       */
      readonly basis?: 'knows' | 'presumes';
    }
  | { readonly type: 'alert_sent'; readonly level: string; readonly description: string; readonly epoch: EpochName }
  | { readonly type: 'alert_received'; readonly level: string; readonly description: string; readonly epoch: EpochName }
  | {
      readonly type: 'app_call';
      readonly call: AppCall;
      readonly result: AppResult;
      readonly bytes?: number;
      readonly alert?: string;
      /** The library the call is seen through (`openssl`, `node`, `go`, `python`, `gnutls`, `rustls`). */
      readonly lens?: string;
      /** The call (or event) in the library's own words: `SSL_read`, `Conn.Read`, `'error'`, … */
      readonly api?: string;
      /** What the library returned, in its own words: `-1 SSL_ERROR_WANT_READ`, `0, EOF`, … */
      readonly outcome?: string;
      /**
       * `peer_cert` only, when the call answered: the length of the peer's chain the endpoint
       * has processed and accepted (0: none). Libraries word this differently (`outcome`);
       * lens/peer-cert.ts says which of them were held against real runs.
       */
      readonly certs?: number;
    }
  | { readonly type: 'note'; readonly text: string; readonly fact?: string };

export type TraceEventType = TraceEventBody['type'];

interface EventHeader {
  readonly seq: number;
  readonly time: number;
  readonly side: TraceSide;
}

/** Distributes the header over the union so `switch (ev.type)` narrows. */
type WithHeader<B> = B extends unknown ? EventHeader & B : never;
export type TraceEvent = WithHeader<TraceEventBody>;
export type TraceEventOf<T extends TraceEventType> = Extract<TraceEvent, { type: T }>;

export interface Trace {
  readonly version: 1;
  readonly scenario: string;
  readonly seed: number;
  readonly events: readonly TraceEvent[];
}

/**
 * What a recorder keeps at most (a long or hostile connection): the first events, then one
 * `note` (fact `trace_truncated`) saying the rest was not kept.
 */
export interface TraceLimit {
  /** Events kept, the closing note included. */
  readonly events: number;
  /** Characters of `hex` fields kept (record and delivery bytes, two per byte). */
  readonly hexChars: number;
}

/**
 * Appends events with consecutive `seq`. Events are immutable once recorded. With a limit,
 * events past it are still returned by `emit` (with the next `seq`, for live listeners) but
 * not kept: the kept events are a prefix of the trace, ending with the `trace_truncated` note.
 */
export class TraceRecorder {
  private readonly list: TraceEvent[];
  private limit: TraceLimit | null = null;
  private hexKept = 0;
  private nextSeq: number;
  private droppedEvents = 0;

  constructor(events: readonly TraceEvent[] = []) {
    this.list = [...events];
    this.nextSeq = this.list.length;
  }

  get events(): readonly TraceEvent[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  /** Events emitted but not kept (past the limit). */
  get dropped(): number {
    return this.droppedEvents;
  }

  /** Bounds what is kept from now on (null: everything, the default). */
  setLimit(limit: TraceLimit | null): void {
    if (limit !== null && !(Number.isInteger(limit.events) && limit.events >= 1 && limit.hexChars >= 0)) {
      throw new RangeError(`TraceRecorder: bad limit ${JSON.stringify(limit)}`);
    }
    this.limit = limit;
  }

  emit(side: TraceSide, time: number, body: TraceEventBody): TraceEvent {
    const hex = 'hex' in body ? body.hex.length : 0;
    const limit = this.limit;
    if (limit !== null && (this.droppedEvents > 0 || this.list.length + 1 >= limit.events || this.hexKept + hex > limit.hexChars)) {
      if (this.droppedEvents === 0) {
        const text = `trace limit reached (${limit.events} events or ${limit.hexChars} hex characters): later events are not kept`;
        this.list.push({ seq: this.nextSeq++, time, side: 'network', type: 'note', text, fact: 'trace_truncated' });
      }
      this.droppedEvents++;
      return { seq: this.nextSeq++, time, side, ...body } as TraceEvent;
    }
    const ev = { seq: this.nextSeq++, time, side, ...body } as TraceEvent;
    this.list.push(ev);
    this.hexKept += hex;
    return ev;
  }

  clone(): TraceRecorder {
    const c = new TraceRecorder(this.list);
    c.limit = this.limit;
    c.hexKept = this.hexKept;
    c.nextSeq = this.nextSeq;
    c.droppedEvents = this.droppedEvents;
    return c;
  }
}

/** Keys in this order first (the order of version 1's first table), then any others alphabetically. */
const KEY_ORDER = [
  'version',
  'scenario',
  'seed',
  'events',
  'seq',
  'time',
  'side',
  'type',
  'from',
  'to',
  'call',
  'result',
  'lens',
  'api',
  'outcome',
  'level',
  'description',
  'direction',
  'outerType',
  'innerType',
  'epoch',
  'length',
  'messages',
  'verdict',
  'evidence',
  'basis',
  'alert',
  'bytes',
  'taken',
  'buffered',
  'flight',
  'fault',
  'kind',
  'keep',
  'offset',
  'xor',
  'text',
  'fact',
  'keylog',
  'label',
  'secret',
  'hex',
];
const keyRank = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = keyRank.get(a) ?? Infinity;
  const rb = keyRank.get(b) ?? Infinity;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with a stable key order, independent of how the objects were built. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareKeys(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** The trace as one JSON object, one event per line (diff-friendly, byte-stable). */
export function traceToJson(trace: Trace): string {
  const head = stableStringify({ version: trace.version, scenario: trace.scenario, seed: trace.seed });
  const events = trace.events.map((e) => `  ${stableStringify(e)}`).join(',\n');
  return `${head.slice(0, -1)},"events":[${events.length > 0 ? `\n${events}\n` : ''}]}\n`;
}

export function parseTrace(json: string): Trace {
  const t = JSON.parse(json) as Partial<Trace>;
  if (t.version !== 1) throw new Error(`unsupported trace version: ${String(t.version)}`);
  if (typeof t.scenario !== 'string' || typeof t.seed !== 'number' || !Array.isArray(t.events)) {
    throw new Error('not a tls13sim trace: needs scenario, seed and events');
  }
  return t as Trace;
}
