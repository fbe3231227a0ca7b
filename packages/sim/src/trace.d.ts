/**
 * The trace, format version 1 — a public contract (DESIGN.md "Trace format (version 1)").
 * Every event has `seq`, `time` (virtual ms), `side` and `type`. Fields may be added to an
 * event; none of the names below may change without a new `version`.
 *
 * Fields added beyond the table in DESIGN.md (all optional for readers):
 * - `delivered`: `hex` (the bytes handed to the endpoint), `taken` (bytes removed from the
 *   queue), `fault` (what the network did to this unit), `flight`;
 * - `keys_installed`: `keylog` (`{label, secret}` in hex, for NSS keylog files);
 * - `note`: `fact` (a machine-readable tag, e.g. `finished_built`);
 * - `peer_verdict`: `alert` when rejected.
 */
import type { EpochName, StateName } from '@tls13sim/handshake';
export type Side = 'client' | 'server';
export type TraceSide = Side | 'network';
export type NetDirection = 'client_to_server' | 'server_to_client';
export type AppCall = 'connect' | 'accept' | 'read' | 'peek' | 'write' | 'shutdown';
export type AppResult = 'ok' | 'want_read' | 'want_write' | 'error' | 'blocked';
export type Verdict = 'unknown' | 'accepted' | 'rejected';
export interface AlertInfo {
    readonly level: string;
    readonly description: string;
}
/** What the network did to one delivery unit (recorded so the run replays). */
export type AppliedFault = {
    readonly kind: 'drop';
} | {
    readonly kind: 'duplicate';
} | {
    readonly kind: 'truncate';
    readonly keep: number;
} | {
    readonly kind: 'corrupt';
    readonly offset: number;
    readonly xor: number;
} | {
    readonly kind: 'inject';
    readonly hex: string;
};
export interface RecordFields {
    readonly outerType: string;
    readonly innerType: string;
    readonly epoch: EpochName;
    readonly length: number;
    readonly messages: readonly string[];
    readonly alert?: AlertInfo;
    readonly hex: string;
}
export type TraceEventBody = {
    readonly type: 'state';
    readonly from: StateName;
    readonly to: StateName;
} | ({
    readonly type: 'record_sent';
} & RecordFields) | ({
    readonly type: 'record_received';
} & RecordFields) | {
    readonly type: 'delivered';
    readonly direction: NetDirection;
    /** Bytes handed to the receiving endpoint in this unit. */
    readonly bytes: number;
    /** Bytes removed from the queue (differs from `bytes` under drop/truncate/inject). */
    readonly taken: number;
    readonly hex: string;
    readonly flight?: number;
    readonly fault?: AppliedFault;
} | {
    readonly type: 'keys_installed';
    readonly direction: 'read' | 'write';
    readonly epoch: EpochName;
    readonly keylog?: {
        readonly label: string;
        readonly secret: string;
    };
} | {
    readonly type: 'handshake_complete';
} | {
    readonly type: 'peer_verdict';
    readonly verdict: Verdict;
    readonly evidence: string;
    readonly alert?: AlertInfo;
} | {
    readonly type: 'alert_sent';
    readonly level: string;
    readonly description: string;
    readonly epoch: EpochName;
} | {
    readonly type: 'alert_received';
    readonly level: string;
    readonly description: string;
    readonly epoch: EpochName;
} | {
    readonly type: 'app_call';
    readonly call: AppCall;
    readonly result: AppResult;
    readonly bytes?: number;
    readonly alert?: string;
} | {
    readonly type: 'note';
    readonly text: string;
    readonly fact?: string;
};
export type TraceEventType = TraceEventBody['type'];
interface EventHeader {
    readonly seq: number;
    readonly time: number;
    readonly side: TraceSide;
}
/** Distributes the header over the union so `switch (ev.type)` narrows. */
type WithHeader<B> = B extends unknown ? EventHeader & B : never;
export type TraceEvent = WithHeader<TraceEventBody>;
export type TraceEventOf<T extends TraceEventType> = Extract<TraceEvent, {
    type: T;
}>;
export interface Trace {
    readonly version: 1;
    readonly scenario: string;
    readonly seed: number;
    readonly events: readonly TraceEvent[];
}
/** Appends events with consecutive `seq`. Events are immutable once recorded. */
export declare class TraceRecorder {
    private readonly list;
    constructor(events?: readonly TraceEvent[]);
    get events(): readonly TraceEvent[];
    get length(): number;
    emit(side: TraceSide, time: number, body: TraceEventBody): TraceEvent;
    clone(): TraceRecorder;
}
/** JSON with a stable key order, independent of how the objects were built. */
export declare function stableStringify(value: unknown): string;
/** The trace as one JSON object, one event per line (diff-friendly, byte-stable). */
export declare function traceToJson(trace: Trace): string;
export declare function parseTrace(json: string): Trace;
export {};
