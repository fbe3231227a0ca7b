/**
 * The GnuTLS lens (GnuTLS 3.7): `gnutls_handshake` / `gnutls_record_recv` /
 * `gnutls_record_send` / `gnutls_bye(GNUTLS_SHUT_WR)`. Verified against the real library by
 * test/differential (gnutls harness).
 *
 * What it mirrors (each seen in a differential run):
 * - GnuTLS reads the socket only inside gnutls_handshake and gnutls_record_recv;
 *   gnutls_record_send never reads, so it succeeds after an unread alert has arrived;
 * - gnutls_handshake returns 0 once the client has sent its Finished;
 * - a received alert is `GNUTLS_E_FATAL_ALERT_RECEIVED: <GnuTLS's alert name>`, once; the
 *   session is then invalid and every later recv or send is `GNUTLS_E_INVALID_SESSION`;
 * - a session whose handshake never completed (TLS 1.2: the verdict arrived inside
 *   gnutls_handshake) refuses every recv and send with `GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE`;
 * - a handshake it aborted itself returns GnuTLS's error for the failure (a downgrade
 *   sentinel: `GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER`);
 * - the peer's close_notify is a recv of `0`, on every later call too; its TCP FIN without
 *   close_notify is `GNUTLS_E_PREMATURE_TERMINATION` (from gnutls_handshake too), once: the
 *   session is then invalid (`GNUTLS_E_INVALID_SESSION`; after a handshake it failed,
 *   `GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE`) (the hangup-* cases);
 * - `gnutls_record_recv(s, buf, 0)` is refused (`GNUTLS_E_INVALID_REQUEST`) before the
 *   session or the socket is looked at: it can never reveal a rejection;
 * - a post-handshake CertificateRequest makes recv return `GNUTLS_E_REAUTH_REQUEST`; the
 *   application answers with `gnutls_reauth` (0) and reads again: shown as two `event` lines
 *   before the read's own outcome;
 * - a server asks for a certificate after the handshake with `gnutls_reauth`, which sends the
 *   CertificateRequest and takes the client's answer in the same call: `0`, and the
 *   certificate is the application's to see at once (no read needed, unlike libssl);
 * - non-blocking, a call with nothing to do is `GNUTLS_E_AGAIN`; there is no peek.
 */
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side, TraceEvent } from '../trace.js';
import type { ClientAuthRequestCalls } from './client-auth-request.js';
import { earlyWriteCall, type EarlyWriteCall } from './early-data.js';
import { Lens, type Attempt, type Fact, type LensOptions, type LensResult, type Worded } from './lens.js';
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import { GNUTLS_ALERT_NAME, GNUTLS_API, GNUTLS_LOCAL_ABORT_ERROR, GNUTLS_LOCAL_ABORT_ERROR_TLS12, GNUTLS_OUTCOME, gnutlsAlertOutcome } from './vocab/gnutls.js';

const API: Record<AppCall, string> = {
  connect: GNUTLS_API.connect,
  accept: GNUTLS_API.connect,
  read: GNUTLS_API.read,
  peek: GNUTLS_API.read,
  write: GNUTLS_API.write,
  // write_early is modelled (writeEarly); read_early is not: the lens reads early data as ordinary data.
  write_early: 'gnutls_record_send_early_data',
  read_early: 'gnutls_record_recv_early_data',
  request_auth: GNUTLS_API.reauth,
  peer_cert: 'gnutls_certificate_get_peers',
  shutdown: GNUTLS_API.shutdown,
  pending: '(pending)',
  tickets: 'gnutls_handshake_set_hook_function',
  event: '(event)',
};

export class GnutlsLens extends Lens implements EarlyWriteCall, ClientAuthRequestCalls {
  readonly name = 'gnutls' as const;
  readonly pulls: PullMode = 'on_call';
  /** Trace events already looked at for CertificateRequests (each answered once with gnutls_reauth). */
  private seen = 0;

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  protected override zeroLengthRead(): Fact | undefined {
    return { kind: 'refused', why: GNUTLS_OUTCOME.zeroLengthRead };
  }

  protected override readAttempt(n: number, consume: boolean): Attempt {
    const r = super.readAttempt(n, consume);
    this.reportReauth();
    return r;
  }

  /** Each post-handshake CertificateRequest the library has read: recv's REAUTH_REQUEST, then the application's gnutls_reauth. */
  private reportReauth(): void {
    const events = this.sim.events;
    let requests = 0;
    for (; this.seen < events.length; this.seen++) {
      const e = events[this.seen]!;
      // Post-handshake: under application keys (a TLS 1.2 CertificateRequest is part of the handshake, in plaintext).
      if (e.side === this.side && e.type === 'record_received' && e.epoch.startsWith('application') && e.messages.includes('certificate_request')) requests++;
    }
    for (; requests > 0; requests--) {
      this.sim.recordAppCall(this.side, 'event', 'ok', { lens: this.name, api: GNUTLS_API.read, outcome: GNUTLS_OUTCOME.reauthRequest });
      this.sim.recordAppCall(this.side, 'event', 'ok', { lens: this.name, api: GNUTLS_API.reauth, outcome: GNUTLS_OUTCOME.ok });
    }
  }

  /**
   * gnutls_handshake stops at a warning alert that comes during the handshake and returns
   * GNUTLS_E_WARNING_ALERT_RECEIVED (server-cancels: user_canceled, then close_notify); the
   * session's handshake is then unfinished, so record calls are refused.
   */
  protected override handshakeAttempt(): Attempt {
    const a = super.handshakeAttempt();
    if (this.ep.handshakeComplete) return a;
    this.stoppedBy ??=
      this.sim.events.find((e) => e.side === this.side && e.type === 'alert_received' && e.level === 'warning' && e.description !== 'close_notify') ?? null;
    if (this.stoppedBy?.type !== 'alert_received') return a;
    const alert = this.stoppedBy.description;
    return { kind: 'refused', why: `GNUTLS_E_WARNING_ALERT_RECEIVED: ${GNUTLS_ALERT_NAME[alert] ?? alert}` };
  }

  /** The warning alert that stopped gnutls_handshake, once one has (record calls are then refused). */
  private stoppedBy: TraceEvent | null = null;

  /** The recv that met the premature termination invalidated the session: GNUTLS_E_INVALID_SESSION. */
  protected override writeAfterTruncation(): Attempt {
    return { kind: 'truncated', first: false };
  }

  /** After gnutls_bye the session takes no more records: GNUTLS_E_INVALID_SESSION. */
  protected override writeAfterShutdown(): Attempt {
    return { kind: 'refused', why: 'GNUTLS_E_INVALID_SESSION' };
  }

  /** GnuTLS's error codes for a handshake this side aborted, by the version negotiated. */
  private localAbortTable(): Readonly<Partial<Record<HandshakeErrorKind, string>>> {
    const tls12 = this.version() === 'TLSv1.2';
    return tls12 ? { ...GNUTLS_LOCAL_ABORT_ERROR, ...GNUTLS_LOCAL_ABORT_ERROR_TLS12 } : GNUTLS_LOCAL_ABORT_ERROR;
  }

  /**
   * gnutls_record_send_early_data, before gnutls_handshake: GnuTLS keeps the data and its
   * handshake sends it after the ClientHello. It returns 0, not the byte count (below).
   */
  writeEarly(data: Uint8Array): LensResult {
    return earlyWriteCall(this, API.write_early, data);
  }

  /**
   * The server asks for a certificate after the handshake: gnutls_reauth(session, 0) sends the
   * CertificateRequest and takes the client's Certificate, CertificateVerify and Finished in
   * the same call (blocking: called again until it is done). `0` once the answer is
   * processed, so the server's application knows inside that call, where libssl's learns in a
   * later read; or the error that ended it.
   */
  requestClientAuth(send = true): void {
    this.requireRole('server', 'requestClientAuth');
    if (!send) throw new Error('gnutls lens: gnutls_reauth sends the CertificateRequest at once (no call only marks a request)');
    this.sim.start();
    const from = this.sim.events.length;
    this.sim.requestClientAuth();
    // The answer's outcome, among the events since the request (not the whole trace each time).
    const answered = (): boolean => {
      const { events } = this.sim;
      for (let i = from; i < events.length; i++) {
        const e = events[i]!;
        if (e.side === this.side && e.type === 'note' && (e.fact === 'post_handshake_auth_authenticated' || e.fact === 'post_handshake_auth_unauthenticated'))
          return true;
      }
      return false;
    };
    this.call('request_auth', {}, () => {
      if (!answered()) this.pullIfLibraryReads(() => answered() || this.ep.error !== undefined);
      const failed = this.failure();
      if (failed) return failed;
      return answered() ? { kind: 'done' } : null;
    });
  }

  /** The `tickets` step: calls of a NewSessionTicket handshake hook (GNUTLS_HOOK_POST, incoming): one per ticket processed. */
  protected wordTickets(n: number): Worded {
    return { api: API.tickets, outcome: String(n) };
  }

  /**
   * GnuTLS judges an alert by its level: a fatal user_canceled, and even a fatal close_notify,
   * is `GNUTLS_E_FATAL_ALERT_RECEIVED` (real runs; our endpoint ignores the one and reads the
   * other as a close, by their descriptions, RFC 8446 §6.1).
   */
  protected override isErrorAlert(description: string, level: string): boolean {
    // Once TLS 1.3 is negotiated even a warning user_canceled is FATAL_ALERT_RECEIVED
    // (server-times-out); before any version, gnutls_handshake stops at it as a warning (server-cancels).
    if (description === 'user_canceled' && this.version() === 'TLSv1.3') return true;
    return (description === 'user_canceled' || description === 'close_notify') && level === 'fatal';
  }

  protected word(call: AppCall, fact: Fact): Worded {
    const api = API[call];
    // A record call on a session whose handshake never completed (lib/record.c checks this first).
    if (
      (call === 'read' || call === 'peek' || call === 'write') &&
      !this.ep.handshakeComplete &&
      (this.failure() !== null || this.truncationSurfaced || this.stoppedBy !== null)
    ) {
      return { api, outcome: GNUTLS_OUTCOME.unavailableDuringHandshake };
    }
    switch (fact.kind) {
      case 'done':
      case 'shutdown':
        return { api, outcome: GNUTLS_OUTCOME.ok };
      case 'data':
      case 'written':
        return { api, outcome: call === 'write_early' ? GNUTLS_OUTCOME.earlyDataKept : String(fact.bytes.length) };
      case 'eof':
        return { api, outcome: GNUTLS_OUTCOME.eof };
      case 'want_read':
        return { api, outcome: GNUTLS_OUTCOME.again };
      case 'blocked':
        return { api, outcome: GNUTLS_OUTCOME.blocked };
      case 'alert':
        if (call === 'shutdown') return { api, outcome: GNUTLS_OUTCOME.ok };
        if (fact.first && fact.received) return { api, outcome: gnutlsAlertOutcome(fact.alert) };
        if (fact.first && fact.cause !== undefined) {
          const own = this.localAbortTable()[fact.cause];
          if (own !== undefined) return { api, outcome: own };
        }
        return { api, outcome: GNUTLS_OUTCOME.invalidSession };
      case 'truncated':
        // gnutls_bye(GNUTLS_SHUT_WR) sends its close_notify and reads nothing: 0, FIN or not.
        if (call === 'shutdown') return { api, outcome: GNUTLS_OUTCOME.ok };
        return { api, outcome: fact.first ? GNUTLS_OUTCOME.prematureTermination : GNUTLS_OUTCOME.invalidSession };
      case 'refused':
        return { api, outcome: fact.why };
    }
  }
}
