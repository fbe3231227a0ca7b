/**
 * The rustls lens — rustls 0.20.8 (Debian bookworm), run against the library in
 * test/differential/rustls.test.ts. A blocking application drives it as its crate
 * documents: `complete_io` for the handshake, then `rustls::Stream`'s `read` and `write`,
 * and `send_close_notify` to close.
 *
 * What the real library did, and the lens does:
 * - rustls does no I/O by itself: `Stream::read` (and `complete_io`) read the socket;
 *   `Stream::write` buffers the plaintext and writes it out, but never reads;
 * - a read takes all the socket holds and processes every record in it, and one
 *   `Stream::read` returns the plaintext of several records (OpenSSL, GnuTLS, Go and
 *   Python return one record per read);
 * - `complete_io` returns once `is_handshaking()` is false: for a client, once the server's
 *   Finished is processed — before the server's verdict, and before the client's own last
 *   flight has left (the next `Stream` call writes it);
 * - errors come from `process_new_packets` and are sticky; every `Stream` call wraps them in
 *   an `io::Error` of kind `InvalidData`: a received fatal alert is
 *   `Err(InvalidData: AlertReceived(<AlertDescription>))`, from the handshake call and from
 *   every read after it;
 * - a write after a failed handshake returns the same error (it tries to finish the
 *   handshake first); a write after an alert that came once the handshake was over, or after
 *   the application's own `send_close_notify`, returns `Ok(n)`;
 * - `Stream::read` returns `Ok(0)` after the peer's close_notify — and also when TCP ends
 *   without one: it does not consult the truncation flag that `Reader::read` reports as
 *   `UnexpectedEof`. Only a handshake call that meets the FIN says `Err(UnexpectedEof)`;
 * - a handshake rustls aborted itself is the `Error` it names for the failure (0.20's
 *   string-carrying variants: `PeerMisbehavedError("…")`, `InvalidCertificateData("…")`);
 * - a close_notify during the handshake makes every call spin forever (`spins`, below).
 * Outcomes are written as Rust `Result` values (`Ok(4)`, `Err(InvalidData: AlertReceived(DecryptError))`).
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { earlyDataMayCome, earlyWriteCall, type EarlyReadCall, type EarlyWriteCall } from './early-data.js';
import { Lens, type Attempt, type Fact, type LensOptions, type LensResult, type Worded } from './lens.js';

/** rustls's `AlertDescription` variant for each RFC 8446 alert name. */
export const RUSTLS_ALERT_VARIANT: Readonly<Record<string, string>> = {
  close_notify: 'CloseNotify',
  unexpected_message: 'UnexpectedMessage',
  bad_record_mac: 'BadRecordMac',
  record_overflow: 'RecordOverflow',
  handshake_failure: 'HandshakeFailure',
  bad_certificate: 'BadCertificate',
  unsupported_certificate: 'UnsupportedCertificate',
  certificate_revoked: 'CertificateRevoked',
  certificate_expired: 'CertificateExpired',
  certificate_unknown: 'CertificateUnknown',
  illegal_parameter: 'IllegalParameter',
  unknown_ca: 'UnknownCA',
  access_denied: 'AccessDenied',
  decode_error: 'DecodeError',
  decrypt_error: 'DecryptError',
  protocol_version: 'ProtocolVersion',
  insufficient_security: 'InsufficientSecurity',
  internal_error: 'InternalError',
  inappropriate_fallback: 'InappropriateFallback',
  user_canceled: 'UserCanceled',
  missing_extension: 'MissingExtension',
  unsupported_extension: 'UnsupportedExtension',
  unrecognized_name: 'UnrecognisedName',
  bad_certificate_status_response: 'BadCertificateStatusResponse',
  unknown_psk_identity: 'UnknownPSKIdentity',
  certificate_required: 'CertificateRequired',
  no_application_protocol: 'NoApplicationProtocol',
};

/**
 * A handshake rustls aborted itself: its `Error` for that failure, keyed by our endpoint's
 * failure kind (packages/handshake/src/endpoint/errors.ts), as rustls 0.20.8 returned it in
 * test/differential/rustls.test.ts. Any other local abort is written `(sent <alert>)`.
 */
export const RUSTLS_LOCAL_ABORT_ERROR: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3.
  downgrade_detected: 'PeerMisbehavedError("downgrade to TLS1.2 when TLS1.3 is supported")',
  // RFC 8446 §4.4.2.4: webpki's UnknownIssuer.
  unknown_ca: 'InvalidCertificateData("invalid peer certificate: UnknownIssuer")',
  // A server that requires a client certificate and got none (TLS 1.3 and 1.2 alike).
  certificate_required: 'NoCertificatesPresented',
  // RFC 8446 §4.4.3, a CertificateVerify that does not verify, either side, cases server-rejects-bad-cv and server-cv-bad (rustls sends access_denied).
  bad_signature: 'InvalidCertificateSignature',
};

const API: Record<AppCall, string> = {
  connect: 'complete_io',
  accept: 'complete_io',
  read: 'Stream::read',
  peek: '(no peek)',
  write: 'Stream::write',
  write_early: 'ClientConnection::early_data',
  read_early: 'ServerConnection::early_data',
  // rustls 0.20 has no post-handshake authentication; the lens never makes this call.
  request_auth: '(no post-handshake authentication)',
  peer_cert: 'peer_certificates',
  shutdown: 'send_close_notify',
  pending: '(pending)',
  tickets: 'StoresClientSessions::put',
  event: '(event)',
};

export class RustlsLens extends Lens implements EarlyWriteCall, EarlyReadCall {
  readonly name = 'rustls' as const;
  readonly pulls: PullMode = 'on_call';

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  /**
   * The peer's close_notify came during the handshake (a TLS 1.2 one, in tls12-alert-close_notify):
   * rustls 0.20 then wants to read no more, but complete_io — and every Stream call, which
   * completes the handshake first — loops until the handshake is over, which it never is. The
   * call spins and never returns; the application makes no other call.
   */
  private spinning(): boolean {
    return !this.ep.handshakeComplete && this.ep.peerClosed && this.ep.error === undefined;
  }

  /** A call made once one has spun: the application never gets to make it. */
  private spun = false;

  /**
   * A read takes everything the socket holds (`read_tls`) and processes every record in it
   * (`process_new_packets`); `Stream::read` then copies plaintext across records: two
   * records that arrived together come back from one read (seen: two-records-one-read).
   */
  protected override pullIfLibraryReads(): void {
    this.sim.pull(this.side);
  }

  protected override handshakeAttempt(): Attempt {
    const a = super.handshakeAttempt();
    return this.spinning() ? { kind: 'blocked' } : a;
  }

  protected override writeAttempt(data: Uint8Array): Attempt {
    // Once the handshake is over, Stream::write only buffers and sends: an error rustls has
    // stored does not stop it. Before that, it tries to complete the handshake first and
    // returns the handshake's error.
    const failed = this.failure();
    if (failed?.kind === 'alert' && this.ep.handshakeComplete) return { kind: 'written', bytes: data };
    return super.writeAttempt(data);
  }

  /**
   * After send_close_notify rustls 0.20 still takes data: `Ok(n)` (send_close_notify changes
   * no state that writing checks). The simulated endpoint, which has closed, sends nothing.
   */
  protected override writeAfterShutdown(data: Uint8Array): Attempt {
    return { kind: 'written', bytes: data };
  }

  /**
   * ClientConnection::early_data(), then its write, before complete_io: rustls queues the
   * data (up to the ticket's limit) and sends it after the ClientHello.
   */
  writeEarly(data: Uint8Array): LensResult {
    return earlyWriteCall(this, API.write_early, data);
  }

  /**
   * ServerConnection::early_data() and a read from it. The application reads the socket and
   * has rustls process what came until early data has been processed (`Ok(n)`), or the
   * ClientHello has and rustls did not take early data (`None`: early_data() offers no
   * reader). rustls takes it only on a resumed connection whose ServerConfig allows it
   * (max_early_data_size) and whose application did not call reject_early_data().
   */
  readEarly(n: number): LensResult {
    this.requireRole('server', 'readEarly');
    return this.call('read_early', { n }, () => {
      this.pullIfLibraryReads();
      const failed = this.failure();
      if (failed) return failed;
      const { state } = this.ep;
      if (state === 'WAIT_EOED' && (this.ep.peekApplicationData()?.length ?? 0) > 0) return { kind: 'data', bytes: this.ep.readApplicationData(n)! };
      // Not yet: the ClientHello, or the early data rustls took, is still to come.
      return earlyDataMayCome(state) ? null : { kind: 'done' };
    });
  }

  /** The `tickets` step: the client's StoresClientSessions gets a put with a "session" key once per ticket process_new_packets takes. */
  protected wordTickets(n: number): Worded {
    return { api: API.tickets, outcome: String(n) };
  }

  /** A fatal user_canceled is `AlertReceived(UserCanceled)` (real runs; our endpoint ignores it, RFC 8446 §6.1). */
  protected override isErrorAlert(description: string, level: string): boolean {
    return description === 'user_canceled' && level === 'fatal';
  }

  protected word(call: AppCall, fact: Fact): Worded {
    const api = API[call];
    if (this.spun) return { api, outcome: '(not run: an earlier call never returned)' };
    if (this.spinning()) {
      this.spun = true;
      return { api, outcome: 'spins' };
    }
    // Every call goes through complete_io, which wraps rustls's error in an InvalidData io::Error.
    const alertErr = (alert: string, received: boolean, cause?: HandshakeErrorKind): string => {
      const v = RUSTLS_ALERT_VARIANT[alert] ?? alert;
      const local = cause === undefined ? undefined : RUSTLS_LOCAL_ABORT_ERROR[cause];
      return `Err(InvalidData: ${received ? `AlertReceived(${v})` : (local ?? `(sent ${v})`)})`;
    };
    switch (fact.kind) {
      case 'done':
        // early_data() offered no reader: rustls did not take the client's early data.
        return { api, outcome: call === 'read_early' ? 'None' : 'Ok' };
      case 'shutdown':
        return { api, outcome: '()' };
      case 'data':
      case 'written':
        return { api, outcome: `Ok(${fact.bytes.length})` };
      case 'eof':
        return { api, outcome: 'Ok(0)' };
      case 'want_read':
        return { api, outcome: 'Err(WouldBlock)' };
      case 'blocked':
        return { api, outcome: 'blocked' };
      case 'alert':
        return { api, outcome: call === 'shutdown' ? '()' : alertErr(fact.alert, fact.received, fact.cause) };
      case 'truncated':
        // complete_io (a handshake call, or any call before the handshake is over) meets the
        // FIN as UnexpectedEof; Stream::read afterwards returns Ok(0), as for close_notify.
        if (call === 'shutdown') return { api, outcome: '()' };
        return { api, outcome: call === 'read' && this.ep.handshakeComplete ? 'Ok(0)' : 'Err(UnexpectedEof)' };
      case 'refused':
        return { api, outcome: `Err(${fact.why})` };
    }
  }
}
