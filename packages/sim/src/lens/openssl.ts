/**
 * The OpenSSL lens (libssl 3.0): the run seen through `SSL_connect / SSL_accept / SSL_read /
 * SSL_peek / SSL_write / SSL_shutdown`, where "the SSL_connect question" lives. Verified
 * against the real libssl by test/differential/openssl.test.ts.
 *
 * What it mirrors (each point seen in a differential run against libssl 3.0.19):
 * - libssl reads the socket only inside SSL_connect/SSL_accept/SSL_read/SSL_peek/
 *   SSL_shutdown (and SSL_do_handshake), never inside SSL_write: a write after the server's
 *   alert has arrived, before any read, succeeds;
 * - `SSL_connect` returns 1 once the client has sent its Finished: with client
 *   authentication, before the server has looked at the client's CertificateVerify;
 * - a received fatal alert makes SSL_read/SSL_peek return 0 (SSL_connect -1) with
 *   SSL_ERROR_SSL and libssl's reason on the error queue (`tlsv1 alert decrypt error`, …) —
 *   once: the alert also marks the peer as shut down, so every later read is
 *   `0 SSL_ERROR_ZERO_RETURN` and every later write `-1 SSL_ERROR_ZERO_RETURN`, as after a
 *   clean close; SSL_shutdown then fails with `shutdown while in init`. With TLS 1.2 the
 *   server's verdict on the client certificate is such an alert, met by SSL_connect itself
 *   (`-1 SSL_ERROR_SSL: sslv3 alert bad certificate`), and the same rule follows;
 * - `SSL_read(ssl, buf, 0)` is a read like any other: non-blocking with nothing processed it
 *   is `-1 SSL_ERROR_WANT_READ`, blocking it waits; with data waiting it returns 0, which
 *   SSL_get_error calls SSL_ERROR_SYSCALL (the data stays readable);
 * - the peer's close_notify is `0 SSL_ERROR_ZERO_RETURN`; writing is still allowed;
 * - `SSL_shutdown` returns 0 after sending close_notify (at once, even when blocking), 1 once
 *   the peer's has arrived.
 * SSL_MODE_AUTO_RETRY is on (libssl 3.0's default); `setAutoRetry(false)` clears it. `want_write` never happens: the
 * in-memory duplex buffers without limit. A handshake this side aborted (it sent the alert) is
 * worded with libssl's own reason for that failure, not the alert's: a downgrade sentinel is
 * `-1 SSL_ERROR_SSL: inappropriate fallback` (tls12-downgrade), then every read and write
 * `-1 SSL_ERROR_SYSCALL`; a failure no differential case covers has no reason string.
 * The peer's TCP FIN without close_notify (a truncation) fails the call that meets it with
 * `SSL_ERROR_SSL: unexpected eof while reading` (SSL_read 0, SSL_connect -1), and every later
 * read and write with `-1 SSL_ERROR_SYSCALL`, every SSL_shutdown with `shutdown while in init`
 * (the hangup-* cases). A second SSL_shutdown that meets it instead of the peer's
 * close_notify fails the same way (`-1`; shutdown-answered-by-hangup).
 */
import type { AppCall } from '../trace.js';
import type { PullMode, Simulation } from '../simulation.js';
import type { Side } from '../trace.js';
import { recordRequestCalls, type ClientAuthRequestCalls } from './client-auth-request.js';
import { earlyDataMayCome, earlyWriteCall, type EarlyDataCalls } from './early-data.js';
import { Lens, type Attempt, type Fact, type LensOptions, type LensResult, type Worded } from './lens.js';
import {
  OPENSSL_AFTER_LOCAL_ABORT,
  OPENSSL_AFTER_UNEXPECTED_EOF,
  OPENSSL_ALERT_REASON,
  OPENSSL_LOCAL_ABORT_REASON,
  OPENSSL_SHUTDOWN_WHILE_IN_INIT,
  OPENSSL_UNEXPECTED_EOF,
} from './vocab/openssl.js';

function opensslAlertReason(alert: string): string {
  // A fatal close_notify (libsslFailsOnAlert): reason 1000 + 0 has no string.
  if (alert === 'close_notify') return 'reason(1000)';
  return (OPENSSL_ALERT_REASON as Record<string, string | undefined>)[alert] ?? `alert ${alert}`;
}

export type { LensResult } from './lens.js';
export type OpenSslLensOptions = LensOptions;

const API: Record<AppCall, string> = {
  connect: 'SSL_connect',
  accept: 'SSL_accept',
  read: 'SSL_read',
  peek: 'SSL_peek',
  write: 'SSL_write',
  write_early: 'SSL_write_early_data',
  read_early: 'SSL_read_early_data',
  request_auth: 'SSL_verify_client_post_handshake',
  peer_cert: 'SSL_get0_peer_certificate',
  shutdown: 'SSL_shutdown',
  pending: 'SSL_pending',
  tickets: 'new_session_cb',
  event: '(event)',
};

export class OpenSslLens extends Lens implements EarlyDataCalls, ClientAuthRequestCalls {
  readonly name = 'openssl' as const;
  readonly pulls: PullMode = 'on_call';

  /** SSL_MODE_AUTO_RETRY (on by default in libssl 3.0). */
  autoRetry = true;

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  override setAutoRetry(on: boolean): void {
    this.autoRetry = on;
  }

  /** SSL_pending: application bytes already decrypted from a record and not yet read. */
  override pending(): number {
    this.sim.start();
    let n = 0;
    try {
      n = this.ep.peekApplicationData()?.length ?? 0;
    } catch {
      n = 0;
    }
    this.sim.recordAppCall(this.side, 'pending', 'ok', { lens: this.name, api: 'SSL_pending', outcome: String(n), bytes: n });
    return n;
  }

  /**
   * Without SSL_MODE_AUTO_RETRY a read that processed a post-handshake message (a
   * NewSessionTicket, a KeyUpdate, a CertificateRequest) and found no application data
   * returns -1 SSL_ERROR_WANT_READ, even on a blocking socket.
   */
  protected override readAttempt(n: number, consume: boolean): Attempt {
    const from = this.sim.events.length;
    const r = super.readAttempt(n, consume);
    if (r === null && !this.autoRetry && this.processedPostHandshakeMessage(from)) return { kind: 'want_read' };
    return r;
  }

  /** Did this side's endpoint take a post-handshake handshake message since event `from`? */
  private processedPostHandshakeMessage(from: number): boolean {
    const events = this.sim.events;
    for (let i = from; i < events.length; i++) {
      const e = events[i]!;
      if (e.side === this.side && e.type === 'record_received' && e.innerType === 'handshake' && e.epoch.startsWith('application')) return true;
    }
    return false;
  }

  /** The SSL_read that met the EOF failed the connection (SSLfatal): SSL_write is `-1 SSL_ERROR_SYSCALL`. */
  protected override writeAfterTruncation(): Attempt {
    return { kind: 'truncated', first: false };
  }

  /** libssl refuses it: `-1 SSL_ERROR_SSL: protocol is shutdown` (SSL_R_PROTOCOL_IS_SHUTDOWN). */
  protected override writeAfterShutdown(): Attempt {
    return { kind: 'refused', why: 'protocol is shutdown' };
  }

  /** The `tickets` step: new-session callback calls (SSL_CTX_sess_set_new_cb with a client session cache): one per ticket processed. */
  protected override isErrorAlert(description: string, level: string): boolean {
    return this.libsslFailsOnAlert(description, level);
  }

  /** SSL_write_early_data: the ClientHello leaves with the early data behind it, and the call returns without waiting for the server. */
  writeEarly(data: Uint8Array): LensResult {
    return earlyWriteCall(this, API.write_early, data);
  }

  /**
   * SSL_read_early_data: answers the ClientHello (the server's flight goes out) and returns
   * the early data (SSL_READ_EARLY_DATA_SUCCESS); once the client's EndOfEarlyData has come,
   * or when there is no early data to take, SSL_READ_EARLY_DATA_FINISH.
   */
  readEarly(n: number): LensResult {
    this.requireRole('server', 'readEarly');
    const mayCome = (): boolean => earlyDataMayCome(this.ep.state);
    return this.call('read_early', { n }, () => {
      const has = (): boolean => (this.ep.peekApplicationData()?.length ?? 0) > 0;
      if (!has() && mayCome()) this.pullIfLibraryReads(() => has() || !mayCome() || this.ep.error !== undefined);
      const failed = this.failure();
      if (failed) return failed;
      if (has()) return { kind: 'data', bytes: this.ep.readApplicationData(n)! };
      return mayCome() ? null : { kind: 'done' };
    });
  }

  /**
   * SSL_verify_client_post_handshake only marks the request (1); SSL_do_handshake sends the
   * CertificateRequest and returns 1 without waiting for the answer, which a later SSL_read
   * processes.
   */
  requestClientAuth(send = true): void {
    this.requireRole('server', 'requestClientAuth');
    recordRequestCalls(this, { api: API.request_auth, outcome: '1' }, send ? { api: 'SSL_do_handshake', outcome: '1' } : null);
  }

  protected wordTickets(n: number): Worded {
    return { api: API.tickets, outcome: String(n) };
  }

  protected word(call: AppCall, fact: Fact, arg: { n?: number }): Worded {
    return { api: API[call], outcome: opensslOutcome(call, fact, arg.n) };
  }
}

/** How libssl reports one call: the return value, then `SSL_get_error`'s name, then the error queue's reason. */
export function opensslOutcome(call: AppCall, fact: Fact, n?: number): string {
  if (call === 'write_early' || call === 'read_early') return opensslEarlyOutcome(fact);
  const reading = call === 'read' || call === 'peek';
  switch (fact.kind) {
    case 'done':
      return '1';
    case 'data':
      // A zero-length read with data waiting returns 0, and SSL_get_error sees no error queue entry.
      return n === 0 ? '0 SSL_ERROR_SYSCALL' : String(fact.bytes.length);
    case 'written':
      return String(fact.bytes.length);
    case 'want_read':
      return '-1 SSL_ERROR_WANT_READ';
    case 'blocked':
      return 'blocked';
    case 'eof':
      // A handshake call that met the peer's close_notify fails with -1 (server-cancels).
      return reading
        ? '0 SSL_ERROR_ZERO_RETURN'
        : call === 'write' || call === 'connect' || call === 'accept'
          ? '-1 SSL_ERROR_ZERO_RETURN'
          : '0 SSL_ERROR_SYSCALL';
    case 'alert':
      if (!fact.received) return opensslLocalAbortOutcome(call, fact, reading);
      if (fact.first) return `${reading ? 0 : -1} SSL_ERROR_SSL: ${opensslAlertReason(fact.alert)}`;
      if (call === 'shutdown') return '-1 SSL_ERROR_SSL: shutdown while in init';
      return reading ? '0 SSL_ERROR_ZERO_RETURN' : '-1 SSL_ERROR_ZERO_RETURN';
    case 'truncated':
      if (fact.first) return `${reading ? 0 : -1} SSL_ERROR_SSL: ${OPENSSL_UNEXPECTED_EOF}`;
      // The failed connection counts as in init again.
      return call === 'shutdown' ? `-1 SSL_ERROR_SSL: ${OPENSSL_SHUTDOWN_WHILE_IN_INIT}` : OPENSSL_AFTER_UNEXPECTED_EOF;
    case 'shutdown':
      return fact.complete ? '1' : '0';
    case 'refused':
      return `-1 SSL_ERROR_SSL: ${fact.why}`;
  }
}
/**
 * SSL_write_early_data returns 1 and the count written; SSL_read_early_data one of
 * SSL_READ_EARLY_DATA_SUCCESS (with the count read) and SSL_READ_EARLY_DATA_FINISH, or
 * SSL_READ_EARLY_DATA_ERROR (0) with SSL_get_error's name.
 */
function opensslEarlyOutcome(fact: Fact): string {
  switch (fact.kind) {
    case 'written':
      return `1, ${fact.bytes.length} written`;
    case 'data':
      return `SSL_READ_EARLY_DATA_SUCCESS, ${fact.bytes.length} bytes`;
    case 'done':
      return 'SSL_READ_EARLY_DATA_FINISH, 0 bytes';
    case 'blocked':
      return 'blocked';
    case 'want_read':
      return '0 SSL_ERROR_WANT_READ';
    default:
      return '0 SSL_ERROR_SSL';
  }
}

/**
 * A call on a connection this side aborted (it sent the alert): libssl's own reason for the
 * failure, then -1 SSL_ERROR_SYSCALL from every later read and write (OPENSSL_AFTER_LOCAL_ABORT).
 * A failure no differential case has covered keeps a rendering without a reason.
 */
function opensslLocalAbortOutcome(call: AppCall, fact: Extract<Fact, { kind: 'alert' }>, reading: boolean): string {
  const reason = fact.cause === undefined ? undefined : OPENSSL_LOCAL_ABORT_REASON[fact.cause];
  if (reason === undefined || call === 'shutdown') return reading ? '0 SSL_ERROR_SSL' : '-1 SSL_ERROR_SSL';
  return fact.first ? `-1 SSL_ERROR_SSL: ${reason}` : OPENSSL_AFTER_LOCAL_ABORT;
}

export function openSslLens(sim: Simulation, side: Side, opts?: OpenSslLensOptions): OpenSslLens {
  return new OpenSslLens(sim, side, opts);
}
