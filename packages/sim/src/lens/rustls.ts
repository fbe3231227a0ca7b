/**
 * The rustls lens — modelled from rustls's documentation (0.21–0.23), not run against the
 * library (no Rust crates can be fetched here): `complete_io` for the handshake, then
 * `read_tls` + `process_new_packets` + `reader().read` for a read, `writer().write`,
 * `send_close_notify`.
 *
 * What the documentation says, and the lens does:
 * - rustls does no I/O by itself: bytes reach it only through `read_tls`, which a read (or
 *   `complete_io`) calls; `writer().write` only buffers plaintext and never reads;
 * - `complete_io` performs I/O until the handshake is complete (`is_handshaking()` false):
 *   for a client that is once its Finished is written, before the server's verdict;
 * - TLS errors come from `process_new_packets`, a received fatal alert as
 *   `AlertReceived(<AlertDescription>)`; "future calls after an error will do no new work and
 *   will return the same error" — sticky; `complete_io` wraps it in an `InvalidData` I/O error;
 * - a handshake it aborted itself is the `Error` rustls names for the failure (a downgrade
 *   sentinel: `PeerMisbehaved(AttemptedDowngradeToTls12WhenTls13IsSupported)`);
 * - after an error the connection still accepts `write` and `send_close_notify`;
 * - `reader().read` returns `Ok(0)` after the peer's close_notify, and a `WouldBlock` error
 *   when no plaintext is available. A read here is the application's whole read step —
 *   `read_tls`, `process_new_packets`, then `reader().read` — so even with an empty buffer it
 *   reads the socket and surfaces a received alert.
 * - the peer's TCP FIN without close_notify: `reader().read` returns `Err(UnexpectedEof)` once
 *   the pending plaintext is read, every time; `complete_io` during the handshake the same
 *   (an `io::Error` of kind UnexpectedEof); `writer().write` still buffers.
 * Outcomes are written as Rust `Result` values (`Ok(4)`, `Err(AlertReceived(DecryptError))`).
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import type { PullMode, Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { Lens, type Attempt, type Fact, type LensOptions, type Worded } from './lens.js';

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
 * A handshake the client aborted itself: rustls's `Error` for that failure, keyed by our
 * endpoint's failure kind (packages/handshake/src/endpoint/errors.ts) — from the variant
 * names of rustls's documented `PeerMisbehaved` and `CertificateError` enums, not from a run. Any other local abort is
 * written `(sent <alert>)`.
 */
export const RUSTLS_LOCAL_ABORT_ERROR: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3.
  downgrade_detected: 'PeerMisbehaved(AttemptedDowngradeToTls12WhenTls13IsSupported)',
  // RFC 8446 §4.4.2.4: the documented `CertificateError::UnknownIssuer`.
  unknown_ca: 'InvalidCertificate(UnknownIssuer)',
};

const API: Record<AppCall, string> = {
  connect: 'complete_io',
  accept: 'complete_io',
  read: 'read_tls+process_new_packets+reader().read',
  peek: 'read_tls+process_new_packets+reader().read',
  write: 'writer().write',
  shutdown: 'send_close_notify',
  pending: '(pending)',
  tickets: 'ClientSessionStore::insert_tls13_ticket',
  event: '(event)',
};

export class RustlsLens extends Lens {
  readonly name = 'rustls' as const;
  readonly pulls: PullMode = 'on_call';

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
  }

  protected override writeAttempt(data: Uint8Array): Attempt {
    const failed = this.failure();
    if (failed?.kind === 'alert') return { kind: 'written', bytes: data };
    return super.writeAttempt(data);
  }

  /** The `tickets` step: modelled: the client's ClientSessionStore gets insert_tls13_ticket once per ticket process_new_packets takes. */
  protected wordTickets(n: number): Worded {
    return { api: API.tickets, outcome: String(n) };
  }

  protected word(call: AppCall, fact: Fact): Worded {
    const api = API[call];
    const alertErr = (alert: string, received: boolean, cause?: HandshakeErrorKind): string => {
      const v = RUSTLS_ALERT_VARIANT[alert] ?? alert;
      const local = cause === undefined ? undefined : RUSTLS_LOCAL_ABORT_ERROR[cause];
      const inner = received ? `AlertReceived(${v})` : (local ?? `(sent ${v})`);
      return call === 'connect' || call === 'accept' ? `Err(InvalidData: ${inner})` : `Err(${inner})`;
    };
    switch (fact.kind) {
      case 'done':
        return { api, outcome: 'Ok' };
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
        // Reader::read: "Err(ErrorKind::UnexpectedEof)" once pending data is read, every time; complete_io the same.
        return { api, outcome: call === 'shutdown' ? '()' : 'Err(UnexpectedEof)' };
      case 'refused':
        return { api, outcome: `Err(${fact.why})` };
    }
  }
}
