/**
 * The Python lens (`ssl.SSLSocket`, CPython 3.11 on OpenSSL 3.0): `do_handshake` / `recv` /
 * `send` / `unwrap`. Verified against the real module by test/differential (python harness).
 *
 * Python's `ssl` is libssl underneath, so it pulls as libssl does (only inside
 * do_handshake/recv/unwrap, never inside send), but words and bends the answers:
 * - a received fatal alert raises `SSLError` with OpenSSL's reason name
 *   (`SSLError: TLSV1_ALERT_DECRYPT_ERROR`) — once; every later recv returns b'' (`0 bytes`),
 *   and a later send raises `SSLZeroReturnError` (the same after a TLS 1.2 do_handshake that
 *   the server's alert failed);
 * - a handshake it aborted itself raises `SSLError` with the name of libssl's reason for the
 *   failure (a downgrade sentinel: `SSLError: INAPPROPRIATE_FALLBACK`; an untrusted server
 *   certificate: `SSLCertVerificationError: CERTIFICATE_VERIFY_FAILED`); a later send raises
 *   `SSLEOFError`, a later recv returns b'';
 * - the peer's close_notify is an empty read (`0 bytes`), not an exception; so is its TCP FIN
 *   without close_notify (suppress_ragged_eofs, True by default), every time, though libssl
 *   failed the connection: a later send() raises `SSLEOFError`; a do_handshake that meets the
 *   FIN raises `SSLEOFError: UNEXPECTED_EOF_WHILE_READING` (the hangup-* cases), and so does
 *   an unwrap() that meets it where it waits for the peer's close_notify; a later unwrap()
 *   raises `SSLError: SHUTDOWN_WHILE_IN_INIT`;
 * - `recv(0)` returns b'' without calling SSL_read at all: it never waits and never reads
 *   the socket, so it can never reveal a rejection;
 * - non-blocking, a call that needs more bytes raises `SSLWantReadError`;
 * - there is no peek: `recv(n, MSG_PEEK)` raises ValueError;
 * - a blocking unwrap() waits for the peer's close_notify and returns the socket; another
 *   unwrap() then raises ValueError (no SSL wrapper left), and send() writes plaintext on
 *   the bare socket.
 */
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { recordRequestCalls, type ClientAuthRequestCalls } from './client-auth-request.js';
import { Lens, type Attempt, type Fact, type LensOptions, type LensResult, type Worded } from './lens.js';
import { PYTHON_FATAL_CLOSE_NOTIFY, PYTHON_LOCAL_ABORT, PYTHON_OUTCOME, PYTHON_WRITE_AFTER_LOCAL_ABORT, pythonAlertOutcome } from './vocab/python.js';

type AlertFact = Extract<Fact, { kind: 'alert' }>;

function localReason(fact: AlertFact): string | undefined {
  return fact.cause === undefined ? undefined : PYTHON_LOCAL_ABORT[fact.cause];
}

/** A handshake this side aborted: Python's exception for libssl's reason; a failure no case covers, the alert we sent. */
function pythonLocalAbort(fact: AlertFact): string {
  return localReason(fact) ?? `SSLError (sent ${fact.alert})`;
}

const EMPTY = new Uint8Array(0);

const API: Record<AppCall, string> = {
  connect: 'SSLSocket.do_handshake',
  accept: 'SSLSocket.do_handshake',
  read: 'SSLSocket.recv',
  peek: 'SSLSocket.recv(MSG_PEEK)',
  write: 'SSLSocket.send',
  // Python's ssl has no 0-RTT calls; the lens never makes these.
  write_early: '(no 0-RTT call)',
  read_early: '(no 0-RTT call)',
  request_auth: 'SSLSocket.verify_client_post_handshake',
  peer_cert: 'SSLSocket.getpeercert',
  shutdown: 'SSLSocket.unwrap',
  pending: '(pending)',
  tickets: 'SSLSocket.session.has_ticket',
  event: '(event)',
};

export class PythonLens extends Lens implements ClientAuthRequestCalls {
  readonly name = 'python' as const;
  readonly pulls: PullMode = 'on_call';
  /** unwrap() has returned the plain socket. */
  private unwrapped = false;

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  protected override zeroLengthRead(): Fact | undefined {
    return { kind: 'data', bytes: EMPTY };
  }

  override peek(n: number): LensResult {
    this.sim.start();
    return this.record('peek', { n }, { kind: 'refused', why: PYTHON_OUTCOME.peekRefused });
  }

  /** The `tickets` step: SSLSocket.session.has_ticket: no count, only whether the session OpenSSL now holds came with a ticket. */
  /**
   * unwrap(): CPython's shutdown calls SSL_shutdown a second time once its close_notify has
   * gone out, so a blocking unwrap waits for the peer's close_notify and returns the socket;
   * after that the SSLSocket has no SSL object and unwrap raises ValueError.
   */
  protected override shutdownAttempt(): Attempt {
    if (this.unwrapped) return { kind: 'refused', why: PYTHON_OUTCOME.noSslWrapper };
    const r = super.shutdownAttempt();
    if (this.blocking && r?.kind === 'shutdown' && !r.complete) return null;
    if (r?.kind === 'shutdown' && r.complete) this.unwrapped = true;
    return r;
  }

  /**
   * After unwrap() returned the socket, send() is the plain socket's: the bytes go out
   * unencrypted and it returns their count (nothing goes into the simulation: the server
   * reads no more). Before that, libssl's refusal as Python names it.
   */
  protected override writeAfterShutdown(data: Uint8Array): Attempt {
    return this.unwrapped ? { kind: 'written', bytes: data } : { kind: 'refused', why: PYTHON_OUTCOME.writeAfterShutdown };
  }

  /** libssl failed the connection at the EOF (Python suppressed it for recv): send() raises SSLEOFError. */
  protected override writeAfterTruncation(): Attempt {
    return { kind: 'truncated', first: false };
  }

  protected override isErrorAlert(description: string, level: string): boolean {
    return this.libsslFailsOnAlert(description, level);
  }

  /**
   * verify_client_post_handshake() (SSL_verify_client_post_handshake underneath) only marks
   * the request; do_handshake() sends the CertificateRequest. Both return None; a later
   * recv() processes the answer.
   */
  requestClientAuth(send = true): void {
    this.requireRole('server', 'requestClientAuth');
    const none = PYTHON_OUTCOME.handshakeOk;
    recordRequestCalls(this, { api: API.request_auth, outcome: none }, send ? { api: API.accept, outcome: none } : null);
  }

  protected wordTickets(n: number): Worded {
    return { api: API.tickets, outcome: n > 0 ? 'True' : 'False' };
  }

  protected word(call: AppCall, fact: Fact): Worded {
    const api = API[call];
    switch (fact.kind) {
      case 'done':
        return { api, outcome: PYTHON_OUTCOME.handshakeOk };
      case 'data':
      case 'written':
        return { api, outcome: `${fact.bytes.length} bytes` };
      case 'eof':
        return { api, outcome: call === 'connect' || call === 'accept' ? PYTHON_OUTCOME.handshakeClosed : PYTHON_OUTCOME.emptyRead };
      case 'want_read':
        return { api, outcome: PYTHON_OUTCOME.wantRead };
      case 'blocked':
        return { api, outcome: PYTHON_OUTCOME.blocked };
      case 'alert':
        if (fact.first && fact.received && fact.alert === 'close_notify') return { api, outcome: PYTHON_FATAL_CLOSE_NOTIFY };
        if (fact.first) return { api, outcome: fact.received ? pythonAlertOutcome(fact.alert) : pythonLocalAbort(fact) };
        if (call === 'write')
          return { api, outcome: !fact.received && localReason(fact) !== undefined ? PYTHON_WRITE_AFTER_LOCAL_ABORT : PYTHON_OUTCOME.writeAfterError };
        if (call === 'shutdown') return { api, outcome: PYTHON_OUTCOME.shutdownAfterError };
        return { api, outcome: PYTHON_OUTCOME.emptyRead };
      case 'truncated':
        // suppress_ragged_eofs (default True) turns the EOF into b'' for recv(), not for the handshake.
        if (call === 'connect' || call === 'accept') return { api, outcome: fact.first ? PYTHON_OUTCOME.handshakeEof : PYTHON_OUTCOME.emptyRead };
        // unwrap(): the FIN where it waits for the peer's close_notify; after that libssl's connection is failed.
        if (call === 'shutdown') return { api, outcome: fact.first ? PYTHON_OUTCOME.handshakeEof : PYTHON_OUTCOME.shutdownAfterError };
        return { api, outcome: call === 'write' ? PYTHON_WRITE_AFTER_LOCAL_ABORT : PYTHON_OUTCOME.emptyRead };
      case 'shutdown':
        return { api, outcome: fact.complete ? PYTHON_OUTCOME.shutdownDone : PYTHON_OUTCOME.wantRead };
      case 'refused':
        return { api, outcome: fact.why };
    }
  }
}
