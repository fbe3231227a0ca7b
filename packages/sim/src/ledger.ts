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
 *   may send 0.5-RTT data before it has seen the client's Finished. Early (0-RTT) data is
 *   no evidence at all: the client sent it before it saw anything from the server;
 * - `rejected` on a fatal alert from the peer (anything but close_notify / user_canceled).
 *
 * Knowledge is told from presumption (docs/fidelity.md "The ledger"). For each side:
 * - `truth`: the peer's own events — it completed its handshake (accepted), or it sent a
 *   fatal alert (rejected). A side never sees this; the trace does.
 * - `knows`: only what the side's received bytes imply. A fatal alert under the peer's
 *   handshake or application keys (a plaintext alert is unauthenticated: presumed); a NewSessionTicket
 *   after a CertificateRequest (§4.6.1: "after the server has received the client
 *   Finished"); for a server, the client's application data (a client sends it only once
 *   its handshake is complete).
 * - `presumes`: evidence a peer may send before it has judged. For a client, application
 *   data from the server: a server may write 0.5-RTT data (§2.3) before it reads the
 *   client's Certificate, CertificateVerify and Finished, and may still reject them; and a
 *   NewSessionTicket from a server that did not request client authentication, which §4.6.1
 *   lets it send "immediately upon sending its Finished rather than waiting for the client
 *   Finished" (found by the fault-free property: our server does exactly that).
 *
 * TLS 1.2 (a side whose keys are the `tls12` epoch) adds one piece of knowledge: the peer's
 * Finished, verified after ours was flushed. In a full TLS 1.2 handshake the server sends
 * its ChangeCipherSpec and Finished only after it has received and verified the client's
 * Finished (RFC 5246 §7.3, §7.4.9), and so after it judged the client's Certificate and
 * CertificateVerify: a client that verifies it knows the server accepted, before its own
 * handshake completes. A TLS 1.2 rejection alert usually comes in plaintext (the server has
 * not switched to its write keys yet): it stays a presumption, as above.
 * `peerVerdict` is the latest of the two, with its `basis`. `knows` never runs ahead of
 * `truth` (checked over explored schedules: explore/properties.ts).
 */
import type { EpochName } from '@tls13sim/handshake';
import type { AlertInfo, Side, TraceEvent, TraceEventBody, Verdict } from './trace.js';

export interface Mark {
  readonly seq: number;
  readonly time: number;
}

export interface KeyMark extends Mark {
  readonly epoch: EpochName;
}

export type Basis = 'knows' | 'presumes';

export type PeerVerdict =
  | { readonly verdict: 'unknown' }
  | { readonly verdict: 'accepted'; readonly evidence: 'application_data' | 'new_session_ticket' | 'finished'; readonly at: Mark; readonly basis: Basis }
  | { readonly verdict: 'rejected'; readonly alert: AlertInfo; readonly at: Mark; readonly basis: Basis };

/** What the peer really decided, from its own events (never visible to this side). */
export type TrueVerdict =
  | { readonly verdict: 'unknown' }
  | { readonly verdict: 'accepted'; readonly at: Mark }
  | { readonly verdict: 'rejected'; readonly alert: AlertInfo; readonly at: Mark };

export interface LedgerView {
  readonly side: Side;
  readonly keys: { readonly read: readonly KeyMark[]; readonly write: readonly KeyMark[] };
  readonly finishedBuilt?: Mark;
  readonly finishedFlushed?: Mark;
  readonly finishedReceivedByPeer?: Mark;
  readonly handshakeComplete?: Mark;
  /** The latest verdict this side holds, known or presumed. */
  readonly peerVerdict: PeerVerdict;
  /** Only what this side's received bytes imply. */
  readonly knows: PeerVerdict;
  /** The latest presumption (a client's 0.5-RTT evidence), if any. */
  readonly presumes: PeerVerdict;
  /** What the peer really decided (its own events). */
  readonly truth: TrueVerdict;
}

interface MutableLedger {
  side: Side;
  keys: { read: KeyMark[]; write: KeyMark[] };
  finishedBuilt?: Mark;
  finishedFlushed?: Mark;
  finishedReceivedByPeer?: Mark;
  handshakeComplete?: Mark;
  /** Client: the server asked for a certificate during the handshake. */
  certificateRequested?: boolean;
  /** The side speaks TLS 1.2 (it installed `tls12` keys). */
  tls12?: boolean;
  peerVerdict: PeerVerdict;
  knows: PeerVerdict;
  presumes: PeerVerdict;
  truth: TrueVerdict;
}

const NOT_A_REJECTION = new Set(['close_notify', 'user_canceled']);

function fresh(side: Side): MutableLedger {
  const unknown = { verdict: 'unknown' } as const;
  return { side, keys: { read: [], write: [] }, peerVerdict: unknown, knows: unknown, presumes: unknown, truth: unknown };
}

function copy(l: MutableLedger): MutableLedger {
  return { ...l, keys: { read: [...l.keys.read], write: [...l.keys.write] } };
}

export class Ledgers {
  private readonly l: Record<Side, MutableLedger>;

  constructor(from?: Ledgers) {
    this.l = from ? { client: copy(from.l.client), server: copy(from.l.server) } : { client: fresh('client'), server: fresh('server') };
  }

  of(side: Side): LedgerView {
    return this.l[side];
  }

  /**
   * Folds one trace event in. Returns the `peer_verdict` events it causes, each with the
   * side whose ledger changed; the caller records them.
   */
  observe(ev: TraceEvent): Array<{ side: Side; body: TraceEventBody }> {
    if (ev.side === 'network') return [];
    const me = this.l[ev.side];
    const peer = this.l[ev.side === 'client' ? 'server' : 'client'];
    const at: Mark = { seq: ev.seq, time: ev.time };
    switch (ev.type) {
      case 'keys_installed':
        me.keys[ev.direction].push({ ...at, epoch: ev.epoch });
        if (ev.epoch === 'tls12') me.tls12 = true;
        return [];
      case 'note':
        if (ev.fact === 'finished_built' && me.finishedBuilt === undefined) me.finishedBuilt = at;
        if (ev.fact === 'finished_verified') return tls12PeerFinished(me, at, ev.side);
        return [];
      case 'record_sent':
        if (ev.messages.includes('finished') && me.finishedFlushed === undefined) {
          me.finishedFlushed = at;
          me.finishedBuilt ??= at;
        }
        return [];
      case 'handshake_complete':
        me.handshakeComplete ??= at;
        if (peer.truth.verdict === 'unknown') peer.truth = { verdict: 'accepted', at };
        return [];
      case 'alert_sent':
        if (!NOT_A_REJECTION.has(ev.description) && peer.truth.verdict !== 'rejected') {
          peer.truth = { verdict: 'rejected', alert: { level: ev.level, description: ev.description }, at };
        }
        return [];
      case 'record_received': {
        if (ev.messages.includes('finished') && peer.finishedFlushed !== undefined) {
          peer.finishedReceivedByPeer ??= at;
        }
        if (ev.epoch === 'handshake' && ev.messages.includes('certificate_request')) me.certificateRequested = true;
        if (me.finishedFlushed === undefined || me.knows.verdict !== 'unknown') return [];
        // 0-RTT data was sent before the peer saw anything of ours: no evidence of a verdict.
        if (ev.epoch === 'early') return [];
        const evidence = ev.messages.includes('new_session_ticket')
          ? ('new_session_ticket' as const)
          : ev.innerType === 'application_data'
            ? ('application_data' as const)
            : undefined;
        if (evidence === undefined) return [];
        // A client cannot tell 0.5-RTT data (§2.3) from data sent after the server read its
        // Finished; nor a ticket from a server that did not ask for a certificate (§4.6.1 note).
        const basis: Basis = ev.side === 'server' || (evidence === 'new_session_ticket' && me.certificateRequested === true) ? 'knows' : 'presumes';
        const v: PeerVerdict = { verdict: 'accepted', evidence, at, basis };
        if (basis === 'presumes') {
          if (me.presumes.verdict !== 'unknown') return [];
          me.presumes = v;
        } else {
          me.knows = v;
        }
        me.peerVerdict = v;
        const why =
          basis === 'knows'
            ? `${evidence} received after our Finished`
            : evidence === 'application_data'
              ? `${evidence} received after our Finished; the server may have sent it before reading our Finished (0.5-RTT)`
              : `${evidence} received after our Finished; a server that asked for no certificate may send it before reading our Finished (§4.6.1)`;
        return [{ side: ev.side, body: verdictEvent('accepted', why, basis) }];
      }
      case 'alert_received': {
        if (NOT_A_REJECTION.has(ev.description) || me.knows.verdict === 'rejected') return [];
        const alert = { level: ev.level, description: ev.description };
        // An alert in plaintext is unauthenticated: anyone on the path could have sent it
        // (found by the single-fault property, with an injected alert record).
        if (ev.epoch === 'plaintext') {
          if (me.presumes.verdict === 'rejected') return [];
          me.presumes = me.peerVerdict = { verdict: 'rejected', alert, at, basis: 'presumes' };
          return [{ side: ev.side, body: verdictEvent('rejected', `alert ${ev.description} received in plaintext (unauthenticated)`, 'presumes', alert) }];
        }
        me.knows = me.peerVerdict = { verdict: 'rejected', alert, at, basis: 'knows' };
        return [{ side: ev.side, body: verdictEvent('rejected', `alert ${ev.description} received`, 'knows', alert) }];
      }
      default:
        return [];
    }
  }

  clone(): Ledgers {
    return new Ledgers(this);
  }
}

/**
 * TLS 1.2: the peer's Finished, verified after ours was flushed, says the peer received and
 * verified our Finished — and a server, our Certificate and CertificateVerify — and went on
 * (RFC 5246 §7.4.9: Finished is sent after the ChangeCipherSpec, once the sender has all it
 * needs; a full handshake's server sends it after the client's). Knowledge, not presumption:
 * the record is under the tls12 keys and its verify_data covers the whole handshake.
 */
function tls12PeerFinished(me: MutableLedger, at: Mark, side: Side): Array<{ side: Side; body: TraceEventBody }> {
  if (me.tls12 !== true || me.finishedFlushed === undefined || me.knows.verdict !== 'unknown') return [];
  me.knows = me.peerVerdict = { verdict: 'accepted', evidence: 'finished', at, basis: 'knows' };
  return [{ side, body: verdictEvent('accepted', "TLS 1.2: the peer's Finished, sent after it verified ours (RFC 5246 §7.4.9)", 'knows') }];
}

function verdictEvent(verdict: Verdict, evidence: string, basis: Basis, alert?: AlertInfo): TraceEventBody {
  return alert === undefined ? { type: 'peer_verdict', verdict, evidence, basis } : { type: 'peer_verdict', verdict, evidence, basis, alert };
}

/** Rebuilds both ledgers from a finished trace (e.g. one read back from JSON). */
export function ledgersFromTrace(events: readonly TraceEvent[]): Ledgers {
  const l = new Ledgers();
  for (const ev of events) l.observe(ev);
  return l;
}

/**
 * Soundness of the ledger over one trace: each time a side's `knows` changes, the truth must
 * already say the same — an `accepted` the side knows means the peer had completed its
 * handshake; a `rejected(alert)` means the peer had sent that alert. Returns one message per
 * violation (empty: sound). Presumptions are exempt: they may be overturned.
 */
export function ledgerViolations(events: readonly TraceEvent[]): string[] {
  const l = new Ledgers();
  const out: string[] = [];
  const last: Record<Side, PeerVerdict> = { client: l.of('client').knows, server: l.of('server').knows };
  const sentAlerts: Record<Side, Set<string>> = { client: new Set(), server: new Set() };
  for (const ev of events) {
    l.observe(ev);
    if (ev.type === 'alert_sent' && ev.side !== 'network') sentAlerts[ev.side].add(ev.description);
    for (const side of ['client', 'server'] as const) {
      const v = l.of(side);
      if (v.knows === last[side]) continue;
      last[side] = v.knows;
      const k = v.knows;
      const peer: Side = side === 'client' ? 'server' : 'client';
      // Accepted: the peer completed its handshake (whatever happened to the connection later).
      if (k.verdict === 'accepted' && l.of(peer).handshakeComplete === undefined) {
        out.push(`${side} knows it was accepted (${k.evidence}, seq ${ev.seq}) but its peer has not completed its handshake`);
      }
      if (k.verdict === 'rejected' && !sentAlerts[peer].has(k.alert.description)) {
        out.push(`${side} knows it was rejected (${k.alert.description}, seq ${ev.seq}) but its peer never sent that alert`);
      }
    }
  }
  return out;
}
