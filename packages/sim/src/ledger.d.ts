/**
 * Who knows what, and when: a ledger per endpoint derived from the trace alone.
 *
 * For each side: keys installed per direction; its Finished built, flushed (the record
 * carrying it was polled for transmit) and received by the peer; when it considered the
 * handshake complete (RFC 8446 §4.4.4: Finished sent and received); and what it knows of
 * the peer's verdict on its handshake:
 * - `accepted` on evidence the peer went on: application data, or a NewSessionTicket
 *   (§4.6.1: sent only after the server received the client's Finished), received after
 *   our Finished was flushed. Application data is weaker evidence for a client: a server
 *   may send 0.5-RTT data before it has seen the client's Finished;
 * - `rejected` on a fatal alert from the peer (anything but close_notify / user_canceled).
 */
import type { EpochName } from '@tls13sim/handshake';
import type { AlertInfo, Side, TraceEvent, TraceEventBody } from './trace.js';
export interface Mark {
    readonly seq: number;
    readonly time: number;
}
export interface KeyMark extends Mark {
    readonly epoch: EpochName;
}
export type PeerVerdict = {
    readonly verdict: 'unknown';
} | {
    readonly verdict: 'accepted';
    readonly evidence: 'application_data' | 'new_session_ticket';
    readonly at: Mark;
} | {
    readonly verdict: 'rejected';
    readonly alert: AlertInfo;
    readonly at: Mark;
};
export interface LedgerView {
    readonly side: Side;
    readonly keys: {
        readonly read: readonly KeyMark[];
        readonly write: readonly KeyMark[];
    };
    readonly finishedBuilt?: Mark;
    readonly finishedFlushed?: Mark;
    readonly finishedReceivedByPeer?: Mark;
    readonly handshakeComplete?: Mark;
    readonly peerVerdict: PeerVerdict;
}
export declare class Ledgers {
    private readonly l;
    constructor(from?: Ledgers);
    of(side: Side): LedgerView;
    /**
     * Folds one trace event in. Returns the `peer_verdict` events it causes, each with the
     * side whose ledger changed; the caller records them.
     */
    observe(ev: TraceEvent): Array<{
        side: Side;
        body: TraceEventBody;
    }>;
    clone(): Ledgers;
}
/** Rebuilds both ledgers from a finished trace (e.g. one read back from JSON). */
export declare function ledgersFromTrace(events: readonly TraceEvent[]): Ledgers;
