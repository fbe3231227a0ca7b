/**
 * Python 3's `ssl` module (CPython 3.11, OpenSSL 3.0 underneath): how a received alert and
 * the other end-of-connection situations show up, in the outcome format of the differential
 * harness (test/differential/python/harness.py): `<ExceptionClass>: <exc.reason>`, a bare
 * class name when Python gives no reason, `<n> bytes` for recv()/send(), `None` for
 * do_handshake().
 *
 * Where the table comes from: a received fatal alert makes OpenSSL put reason code
 * 1000 + <alert code> (SSL_AD_REASON_OFFSET) of library ERR_LIB_SSL on its error queue;
 * Python's `_ssl` looks (lib, reason) up in its own table `_ssl.err_codes_to_names`
 * (generated into the interpreter at build time) and sets `SSLError.reason` to the name it
 * finds. The names below are that table's entries for (20, 1000 + code) in Python 3.11.7,
 * each checked against a real run (test/differential/python.test.ts). Python 3.11's table
 * has no entry for 1115 (SSL_R_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY) and 1120
 * (SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL): for those `exc.reason` is None and the
 * message is `[SSL] <OpenSSL's reason string> (_ssl.c:N)`, which the harness renders as
 * `[SSL] <string>` (the strings are libssl's ERR_reason_error_string).
 *
 * Every fatal alert is raised as the base class `ssl.SSLError` (args[0] == SSL_ERROR_SSL == 1),
 * by the call that reads the alert's record (recv(n > 0), do_handshake, unwrap …).
 * Not errors:
 * - close_notify: recv() returns b'' (`0 bytes`): Python maps SSL_ERROR_ZERO_RETURN with
 *   SSL_get_shutdown() == SSL_RECEIVED_SHUTDOWN to an empty read, not SSLZeroReturnError;
 * - user_canceled under TLS 1.3: OpenSSL 3.0 ignores it whatever its level (it is treated as
 *   a warning), so it is not reported; the read goes on to what follows it — with our
 *   server, the TCP close: a ragged EOF, which SSLSocket's suppress_ragged_eofs (default
 *   True) turns into b'' as well. A fatal user_canceled under TLS 1.2 is raised like any
 *   other alert (TLSV1_ALERT_USER_CANCELLED, observed in tls12-alert-user_canceled).
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';

/** Alert (RFC 8446 §6 name) -> what follows `SSLError: ` when that alert is received as fatal. */
export const PYTHON_ALERT_REASON: Readonly<Record<string, string>> = {
  unexpected_message: 'SSLV3_ALERT_UNEXPECTED_MESSAGE',
  bad_record_mac: 'SSLV3_ALERT_BAD_RECORD_MAC',
  record_overflow: 'TLSV1_ALERT_RECORD_OVERFLOW',
  handshake_failure: 'SSLV3_ALERT_HANDSHAKE_FAILURE',
  bad_certificate: 'SSLV3_ALERT_BAD_CERTIFICATE',
  unsupported_certificate: 'SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  certificate_revoked: 'SSLV3_ALERT_CERTIFICATE_REVOKED',
  certificate_expired: 'SSLV3_ALERT_CERTIFICATE_EXPIRED',
  certificate_unknown: 'SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  illegal_parameter: 'SSLV3_ALERT_ILLEGAL_PARAMETER',
  unknown_ca: 'TLSV1_ALERT_UNKNOWN_CA',
  access_denied: 'TLSV1_ALERT_ACCESS_DENIED',
  decode_error: 'TLSV1_ALERT_DECODE_ERROR',
  decrypt_error: 'TLSV1_ALERT_DECRYPT_ERROR',
  protocol_version: 'TLSV1_ALERT_PROTOCOL_VERSION',
  insufficient_security: 'TLSV1_ALERT_INSUFFICIENT_SECURITY',
  internal_error: 'TLSV1_ALERT_INTERNAL_ERROR',
  inappropriate_fallback: 'TLSV1_ALERT_INAPPROPRIATE_FALLBACK',
  missing_extension: 'TLSV13_ALERT_MISSING_EXTENSION',
  unsupported_extension: 'TLSV1_UNSUPPORTED_EXTENSION',
  unrecognized_name: 'TLSV1_UNRECOGNIZED_NAME',
  bad_certificate_status_response: 'TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  // No name in Python 3.11's table: exc.reason is None, the message carries libssl's string.
  unknown_psk_identity: '[SSL] tlsv1 alert unknown psk identity',
  certificate_required: 'TLSV13_ALERT_CERTIFICATE_REQUIRED',
  no_application_protocol: '[SSL] tlsv1 alert no application protocol',
  // Only under TLS 1.2 (see the header).
  user_canceled: 'TLSV1_ALERT_USER_CANCELLED',
};

/** The exception class of every received fatal alert. */
export const PYTHON_ALERT_CLASS = 'SSLError';

/** Outcome strings of the harness (the format is documented in harness.py). */
export const PYTHON_OUTCOME = {
  /** do_handshake() returned. */
  handshakeOk: 'None',
  /**
   * recv() returned b'': recv(0) (always, without calling SSL_read), close_notify received,
   * TCP EOF without close_notify (ragged EOF, suppressed), and every recv() after the one
   * that raised a fatal alert (SSL_read then fails with SSL_ERROR_ZERO_RETURN).
   */
  emptyRead: '0 bytes',
  /** do_handshake() or unwrap() met the peer's TCP FIN without close_notify (suppress_ragged_eofs covers recv() only). */
  handshakeEof: 'SSLEOFError: UNEXPECTED_EOF_WHILE_READING',
  /** Non-blocking call that needs more bytes from the socket. */
  wantRead: 'SSLWantReadError',
  /** send() after a recv() has raised a fatal alert (SSL_write fails with SSL_ERROR_ZERO_RETURN). */
  writeAfterError: 'SSLZeroReturnError',
  /** do_handshake() met the peer's close_notify (SSL_connect fails with SSL_ERROR_ZERO_RETURN; server-cancels). */
  handshakeClosed: 'SSLZeroReturnError',
  /** unwrap() after a fatal alert was raised, or after a FIN without close_notify (the handshake state machine is in its error state). */
  shutdownAfterError: 'SSLError: SHUTDOWN_WHILE_IN_INIT',
  /** unwrap() returned the plain socket: both close_notify sent and received. */
  shutdownDone: 'socket',
  /** send() after unwrap() sent close_notify but before it returned: libssl's SSL_R_PROTOCOL_IS_SHUTDOWN, named as Python names reasons (not seen in a case). */
  writeAfterShutdown: 'SSLError: PROTOCOL_IS_SHUTDOWN',
  /** unwrap() again once it has returned the socket: the SSLSocket has no SSL object left. */
  noSslWrapper: 'ValueError: No SSL wrapper around <ssl.SSLSocket>',
  /** unwrap() while unread application data precedes the peer's close_notify. */
  shutdownDataPending: 'SSLError: APPLICATION_DATA_AFTER_CLOSE_NOTIFY',
  /** A blocking call still waiting after blockMs (socket timeout). */
  blocked: 'blocked',
  /** recv(n, MSG_PEEK): SSLSocket refuses any flags; Python has no peek. */
  peekRefused: "ValueError: non-zero flags not allowed in calls to recv() on <class 'ssl.SSLSocket'>",
} as const;

/**
 * A fatal close_notify that fails a TLS 1.2 handshake (libssl's reason 1000 has no name):
 * what do_handshake raises, observed in tls12-alert-close_notify.
 */
export const PYTHON_FATAL_CLOSE_NOTIFY = 'SSLError: [SSL] unknown error';

/**
 * The outcome of the recv(n > 0) that meets a received alert `alert` (RFC 8446 §6 name). A
 * close_notify is an empty read. A TLS 1.3 user_canceled never gets here: libssl ignores it
 * (so does our endpoint); a fatal TLS 1.2 one is an error like any other.
 */
export function pythonAlertOutcome(alert: string): string {
  if (alert === 'close_notify') return PYTHON_OUTCOME.emptyRead;
  const reason = PYTHON_ALERT_REASON[alert];
  if (reason === undefined) throw new Error(`no Python rendering for alert '${alert}'`);
  return `${PYTHON_ALERT_CLASS}: ${reason}`;
}

/**
 * A handshake the client aborted itself (it sent the alert): the exception the handshake
 * raises, `<class>: <name>`, the name Python's table gives libssl's reason for that failure
 * (see OPENSSL_LOCAL_ABORT_REASON), keyed by our endpoint's failure kind
 * (packages/handshake/src/endpoint/errors.ts). Only kinds a differential case has observed.
 */
export const PYTHON_LOCAL_ABORT: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3, case tls12-downgrade (SSL_R_INAPPROPRIATE_FALLBACK).
  downgrade_detected: 'SSLError: INAPPROPRIATE_FALLBACK',
  // RFC 8446 §4.4.2.4, case server-cert-untrusted (SSL_R_CERTIFICATE_VERIFY_FAILED): its own subclass.
  unknown_ca: 'SSLCertVerificationError: CERTIFICATE_VERIFY_FAILED',
  // RFC 8446 §4.4.2.4, a server requiring a certificate gets none, case server-cert-missing (SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE).
  certificate_required: 'SSLError: PEER_DID_NOT_RETURN_A_CERTIFICATE',
  // RFC 8446 §4.4.3, a CertificateVerify that does not verify, either side, cases server-rejects-bad-cv and server-cv-bad (SSL_R_BAD_SIGNATURE).
  bad_signature: 'SSLError: BAD_SIGNATURE',
};

/**
 * send() after a handshake the client aborted itself (observed: tls12-downgrade), or after
 * recv() met the peer's FIN without close_notify (observed: hangup-after-echo): SSL_write
 * returns -1 with an empty error queue and no errno (SSL_ERROR_SYSCALL), which Python raises
 * as SSLEOFError. recv() returns b'' (`0 bytes`), as after a received alert.
 */
export const PYTHON_WRITE_AFTER_LOCAL_ABORT = 'SSLEOFError';
