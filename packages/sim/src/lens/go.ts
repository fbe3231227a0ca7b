/**
 * The Go lens (crypto/tls, Go 1.19): `tls.Conn` `Handshake` / `Read` / `Write` / `Close`.
 * Verified against the real library by test/differential (go harness).
 *
 * What it mirrors (each seen in a differential run, or read in conn.go):
 * - Go reads the socket only inside Handshake and Read; Write never reads;
 * - Handshake returns nil once the client has sent its Finished;
 * - a received fatal alert is `0, remote error: tls: <text>` on Read, sticky: every later
 *   Read returns it again; a received close_notify is `0, EOF`, sticky too;
 * - Write keeps working after a received alert (`4, nil`): Go keeps the read error for Read
 *   only. The record goes to a peer that has stopped reading; the simulation sends nothing;
 * - but a Handshake that failed (TLS 1.2: the server's alert arrives inside Handshake) keeps
 *   its error for every later call: Write and Read return `0, <the same error>` (conn.go:
 *   Write and Read call Handshake first, which returns the stored handshakeErr);
 * - a handshake it aborted itself returns Go's own error for the failure (a downgrade
 *   sentinel: `tls: downgrade attempt detected, …`), and so does every later call;
 * - the peer's TCP FIN without close_notify is `io.EOF` too, at a record boundary: Read
 *   returns `0, EOF` (sticky), Handshake `EOF`; Write still works (`4, nil`: TCP is
 *   half-closed) (the hangup-* cases);
 * - a Read that returns data also reads a TLS 1.2 alert record already buffered behind it:
 *   `4, EOF` for a close_notify (tls12-close-with-echo); under TLS 1.3 the alert's record
 *   type is hidden and the Read returns `4, nil` (close-with-echo);
 * - Read with an empty buffer returns `0, nil` at once, whatever has arrived;
 * - Close returns nil, a received fatal alert notwithstanding; after it, Close and Write
 *   return net.ErrClosed (`use of closed network connection`);
 * - there is no non-blocking mode and no peek (a deadline is the only bound).
 */
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { Lens, type Attempt, type Fact, type LensOptions, type Worded } from './lens.js';
import { GO_ALERT_TEXT, GO_API, GO_EOF, GO_ERR_CLOSED, goLocalAbortError } from './vocab/go.js';

const EMPTY = new Uint8Array(0);

function remote(alert: string): string {
  return `remote error: tls: ${GO_ALERT_TEXT[alert] ?? `alert(${alert})`}`;
}

function local(alert: string): string {
  return `tls: ${GO_ALERT_TEXT[alert] ?? `alert(${alert})`}`;
}

/** TLSPlaintext.type alert (RFC 5246 §6.2.1): the outer type of a TLS 1.2 alert record. */
const ALERT_RECORD = 21;

export class GoLens extends Lens {
  readonly name = 'go' as const;
  readonly pulls: PullMode = 'on_call';
  override readonly hasNonBlocking = false;
  /** Close has been called (tls.Conn's activeCall bit). */
  private closed = false;

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  /**
   * conn.go's Read: having returned data, it reads at once an alert record that already sits
   * in its buffer, by the record's outer type: only TLS 1.2 shows it (TLS 1.3 hides an alert
   * as application_data). So a close_notify there makes the Read `n, EOF`, and a fatal alert
   * `n, remote error: …` (case tls12-close-with-echo).
   */
  protected override readAttempt(n: number, consume: boolean): Attempt {
    const r = super.readAttempt(n, consume);
    if (r?.kind !== 'data' || !consume || r.bytes.length === 0 || this.sim.bufferedType(this.side) !== ALERT_RECORD) return r;
    // Only once the data read has emptied its record (conn.go: c.input.Len() == 0).
    if ((this.ep.peekApplicationData(1)?.length ?? 0) > 0) return r;
    this.sim.pull(this.side, () => true);
    if (this.ep.peerClosed) return { ...r, trailing: 'eof' };
    const failed = this.failure();
    return failed?.kind === 'alert' ? { ...r, trailing: { alert: failed.alert } } : r;
  }

  protected override zeroLengthRead(): Fact | undefined {
    return this.ep.handshakeComplete ? { kind: 'data', bytes: EMPTY } : undefined;
  }

  protected override writeAttempt(data: Uint8Array): Attempt {
    // After Close every Write returns net.ErrClosed (conn.go's activeCall bit).
    if (this.closed) return { kind: 'refused', why: GO_ERR_CLOSED };
    const failed = this.failure();
    // A received alert is kept for Read; Write still encrypts and sends — once the handshake
    // has completed (a failed handshake's error is returned by every call).
    if (failed?.kind === 'alert' && failed.received && this.ep.handshakeComplete) return { kind: 'written', bytes: data };
    return super.writeAttempt(data);
  }

  /** The `tickets` step: calls of the config's ClientSessionCache.Put: one per ticket Read has processed. */
  protected wordTickets(n: number): Worded {
    return { api: 'ClientSessionCache.Put', outcome: String(n) };
  }

  /**
   * conn.go's Close: the first call sends close_notify if the handshake completed (whatever
   * has been received since, a fatal alert included), closes the socket, reads nothing and
   * returns nil; every later call returns net.ErrClosed.
   */
  protected override shutdownAttempt(): Attempt {
    if (this.closed) return { kind: 'refused', why: GO_ERR_CLOSED };
    this.closed = true;
    if (this.ep.handshakeComplete && this.ep.error === undefined && !this.sentCloseNotify()) this.sim.close(this.side);
    return { kind: 'shutdown', complete: false };
  }

  /**
   * Every TLS 1.3 alert but close_notify is an error, user_canceled too, whatever its level
   * (server-times-out: a warning; alert-user_canceled: a fatal one); our endpoint ignores it
   * (RFC 8446 §6.1). Under TLS 1.2 a warning is dropped, as by our endpoint.
   */
  protected override isErrorAlert(description: string, level: string): boolean {
    return description === 'user_canceled' && (level === 'fatal' || this.version() === 'TLSv1.3');
  }

  protected word(call: AppCall, fact: Fact): Worded {
    const api =
      call === 'connect' || call === 'accept'
        ? GO_API.connect
        : call === 'read' || call === 'peek'
          ? GO_API.read
          : call === 'write'
            ? GO_API.write
            : call === 'shutdown'
              ? GO_API.shutdown
              : '(event)';
    const counted = call === 'read' || call === 'peek' || call === 'write';
    const err = (e: string): string => (counted ? `0, ${e}` : e);
    switch (fact.kind) {
      case 'done':
      case 'shutdown':
        return { api, outcome: 'nil' };
      case 'data':
        if (fact.trailing !== undefined) return { api, outcome: `${fact.bytes.length}, ${fact.trailing === 'eof' ? GO_EOF : remote(fact.trailing.alert)}` };
        return { api, outcome: `${fact.bytes.length}, nil` };
      case 'written':
        return { api, outcome: `${fact.bytes.length}, nil` };
      case 'eof':
      case 'truncated':
        // Go 1.19 does not tell a bare FIN at a record boundary from close_notify: both are io.EOF.
        return { api, outcome: err(GO_EOF) };
      case 'alert':
        return {
          api,
          outcome: err(
            fact.received
              ? remote(fact.alert)
              : ((fact.cause !== undefined ? goLocalAbortError(fact.cause, this.side, this.ep.error) : undefined) ?? local(fact.alert)),
          ),
        };
      case 'blocked':
        return { api, outcome: 'blocked' };
      case 'want_read':
        // Not reached: Go has no non-blocking mode, so every call that would wait blocks.
        return { api, outcome: 'blocked' };
      case 'refused':
        return { api, outcome: err(fact.why) };
    }
  }
}
