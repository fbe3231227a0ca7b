/**
 * OpenSSL 3.0's words (libssl, as an application sees them through SSL_get_error and the
 * error queue), for the OpenSSL lens and its differential test (test/differential/openssl).
 *
 * A received fatal alert: the record layer puts reason SSL_AD_REASON_OFFSET (1000) + the
 * alert's code on the error queue (its SSL_R_* name in <openssl/sslerr.h>) and the call
 * fails with SSL_ERROR_SSL; ERR_reason_error_string of that entry is the string below.
 * The strings were read from the installed library (OpenSSL 3.0.19:
 * ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, 1000 + code))), not written from memory.
 *
 * Two alerts are not errors: close_notify makes the read return 0 with
 * SSL_ERROR_ZERO_RETURN, and a TLS 1.3 user_canceled is ignored whatever its level (the
 * record layer skips it and reads on); its string is given for completeness (TLS 1.2).
 *
 * The differential harness renders an outcome as `<ret>` on success, else
 * `<ret> <SSL_get_error name>` followed, for SSL_ERROR_SSL, by `: <reason string>`; see
 * `opensslErrorOutcome`.
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import type { AlertName } from '@tls13sim/record';

/** Alerts whose arrival is not an error in TLS 1.3 (see above). */
export type OpenSslNonErrorAlert = 'close_notify' | 'user_canceled';

/** The error-queue reason string OpenSSL reports when it receives each fatal alert. */
export const OPENSSL_ALERT_REASON: Readonly<Record<Exclude<AlertName, 'close_notify'>, string>> = {
  unexpected_message: 'sslv3 alert unexpected message',
  bad_record_mac: 'sslv3 alert bad record mac',
  record_overflow: 'tlsv1 alert record overflow',
  handshake_failure: 'sslv3 alert handshake failure',
  bad_certificate: 'sslv3 alert bad certificate',
  unsupported_certificate: 'sslv3 alert unsupported certificate',
  certificate_revoked: 'sslv3 alert certificate revoked',
  certificate_expired: 'sslv3 alert certificate expired',
  certificate_unknown: 'sslv3 alert certificate unknown',
  illegal_parameter: 'sslv3 alert illegal parameter',
  unknown_ca: 'tlsv1 alert unknown ca',
  access_denied: 'tlsv1 alert access denied',
  decode_error: 'tlsv1 alert decode error',
  decrypt_error: 'tlsv1 alert decrypt error',
  protocol_version: 'tlsv1 alert protocol version',
  insufficient_security: 'tlsv1 alert insufficient security',
  internal_error: 'tlsv1 alert internal error',
  inappropriate_fallback: 'tlsv1 alert inappropriate fallback',
  // Ignored when received over TLS 1.3 (see the header); this is its TLS 1.2 rendering.
  user_canceled: 'tlsv1 alert user cancelled',
  missing_extension: 'tlsv13 alert missing extension',
  unsupported_extension: 'tlsv1 unsupported extension',
  unrecognized_name: 'tlsv1 unrecognized name',
  bad_certificate_status_response: 'tlsv1 bad certificate status response',
  unknown_psk_identity: 'tlsv1 alert unknown psk identity',
  certificate_required: 'tlsv13 alert certificate required',
  no_application_protocol: 'tlsv1 alert no application protocol',
};

/** The SSL_R_* macro of each received fatal alert's reason (<openssl/sslerr.h>); value 1000 + alert code. */
export const OPENSSL_ALERT_REASON_NAME: Readonly<Record<Exclude<AlertName, 'close_notify'>, string>> = {
  unexpected_message: 'SSL_R_SSLV3_ALERT_UNEXPECTED_MESSAGE',
  bad_record_mac: 'SSL_R_SSLV3_ALERT_BAD_RECORD_MAC',
  record_overflow: 'SSL_R_TLSV1_ALERT_RECORD_OVERFLOW',
  handshake_failure: 'SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE',
  bad_certificate: 'SSL_R_SSLV3_ALERT_BAD_CERTIFICATE',
  unsupported_certificate: 'SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  certificate_revoked: 'SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED',
  certificate_expired: 'SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  certificate_unknown: 'SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  illegal_parameter: 'SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER',
  unknown_ca: 'SSL_R_TLSV1_ALERT_UNKNOWN_CA',
  access_denied: 'SSL_R_TLSV1_ALERT_ACCESS_DENIED',
  decode_error: 'SSL_R_TLSV1_ALERT_DECODE_ERROR',
  decrypt_error: 'SSL_R_TLSV1_ALERT_DECRYPT_ERROR',
  protocol_version: 'SSL_R_TLSV1_ALERT_PROTOCOL_VERSION',
  insufficient_security: 'SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY',
  internal_error: 'SSL_R_TLSV1_ALERT_INTERNAL_ERROR',
  inappropriate_fallback: 'SSL_R_TLSV1_ALERT_INAPPROPRIATE_FALLBACK',
  user_canceled: 'SSL_R_TLSV1_ALERT_USER_CANCELLED',
  missing_extension: 'SSL_R_TLSV13_ALERT_MISSING_EXTENSION',
  unsupported_extension: 'SSL_R_TLSV1_UNSUPPORTED_EXTENSION',
  unrecognized_name: 'SSL_R_TLSV1_UNRECOGNIZED_NAME',
  bad_certificate_status_response: 'SSL_R_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  unknown_psk_identity: 'SSL_R_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY',
  certificate_required: 'SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  no_application_protocol: 'SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
};

/** SSL_AD_REASON_OFFSET: a received alert's reason code is this plus the alert's code. */
export const SSL_AD_REASON_OFFSET = 1000;

/** SSL_get_error's values, by name (<openssl/ssl.h>). */
export const SSL_ERROR = {
  SSL_ERROR_NONE: 0,
  SSL_ERROR_SSL: 1,
  SSL_ERROR_WANT_READ: 2,
  SSL_ERROR_WANT_WRITE: 3,
  SSL_ERROR_WANT_X509_LOOKUP: 4,
  SSL_ERROR_SYSCALL: 5,
  SSL_ERROR_ZERO_RETURN: 6,
  SSL_ERROR_WANT_CONNECT: 7,
  SSL_ERROR_WANT_ACCEPT: 8,
} as const;
export type SslErrorName = keyof typeof SSL_ERROR;

/** The peer's close_notify has arrived: SSL_read / SSL_peek return 0 with this. */
export const OPENSSL_PEER_CLOSED = 'SSL_ERROR_ZERO_RETURN';

/** Nothing to process yet on a non-blocking socket: return -1 with this. */
export const OPENSSL_WANT_READ = 'SSL_ERROR_WANT_READ';

/**
 * The harness's outcome for a blocking call that had not returned after blockMs (the
 * socket's receive timeout fired: SSL_ERROR_WANT_READ on a blocking socket).
 */
export const OPENSSL_BLOCKED = 'blocked';

/**
 * After a received fatal alert has been reported once (and the application cleared the error
 * queue, as the harness does), every later SSL_read / SSL_peek / SSL_write returns
 * SSL_ERROR_ZERO_RETURN, like a clean close: the alert set SSL_RECEIVED_SHUTDOWN and
 * SSL_get_error reads the never-set warning alert (0 = close_notify). Observed: SSL_read /
 * SSL_peek `0 SSL_ERROR_ZERO_RETURN`, SSL_write `-1 SSL_ERROR_ZERO_RETURN`.
 */
export const OPENSSL_AFTER_FATAL_ALERT = 'SSL_ERROR_ZERO_RETURN';

/**
 * A successful SSL_read / SSL_peek with num = 0 returns 0, and SSL_get_error calls a 0 with
 * an empty error queue and no close_notify SSL_ERROR_SYSCALL (errno unset): the harness
 * renders it `0 SSL_ERROR_SYSCALL`. (A zero-length read still processes one record: it
 * blocks, or wants to read, when none has arrived.)
 */
export const OPENSSL_ZERO_LENGTH_READ_OK = '0 SSL_ERROR_SYSCALL';

/** The error-queue reason of SSL_shutdown after a fatal error, or before the handshake completed (SSL_R_SHUTDOWN_WHILE_IN_INIT). */
export const OPENSSL_SHUTDOWN_WHILE_IN_INIT = 'shutdown while in init';

/** A second SSL_shutdown that finds application data where it waits for close_notify (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY). */
export const OPENSSL_APP_DATA_AFTER_CLOSE_NOTIFY = 'application data after close notify';

/**
 * OpenSSL 3.0 reports a TCP EOF without close_notify as an SSL error with this reason
 * (SSL_R_UNEXPECTED_EOF_WHILE_READING): observed `0 SSL_ERROR_SSL: …` from SSL_read and
 * `-1 SSL_ERROR_SSL: …` from SSL_connect (cases hangup-after-echo, hangup-before-server-hello).
 */
export const OPENSSL_UNEXPECTED_EOF = 'unexpected eof while reading';

/**
 * Every SSL_read / SSL_write after the call that reported the unexpected EOF (observed: the
 * hangup-* cases): the connection is in its error state and returns -1 with nothing on the
 * error queue, which SSL_get_error calls SSL_ERROR_SYSCALL (errno unset).
 */
export const OPENSSL_AFTER_UNEXPECTED_EOF = '-1 SSL_ERROR_SYSCALL';

/**
 * `<ret> SSL_ERROR_SSL: <reason>` — the harness's rendering of a call failed by a received
 * fatal alert. Observed ret: 0 for SSL_read / SSL_peek, -1 for SSL_connect (e.g.
 * `-1 SSL_ERROR_SSL: tlsv1 alert protocol version`).
 */
export function opensslAlertOutcome(alert: Exclude<AlertName, 'close_notify'>, ret: number): string {
  return `${ret} SSL_ERROR_SSL: ${OPENSSL_ALERT_REASON[alert]}`;
}

/** `<ret> <SSL_get_error name>[: <reason>]` — the harness's rendering of a failed call. */
export function opensslErrorOutcome(ret: number, error: SslErrorName, reason?: string): string {
  return reason === undefined ? `${ret} ${error}` : `${ret} ${error}: ${reason}`;
}

/**
 * A handshake our client aborted itself (it sent the alert): libssl's error-queue reason for
 * the same failure (the SSL_R_* reason its SSLfatal call names), keyed by the failure kind
 * our endpoint reports (packages/handshake/src/endpoint/errors.ts). Only kinds a differential
 * case has observed; any other local abort is worded without a reason.
 */
export const OPENSSL_LOCAL_ABORT_REASON: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3, case tls12-downgrade: SSL_R_INAPPROPRIATE_FALLBACK; libssl sends illegal_parameter.
  downgrade_detected: 'inappropriate fallback',
  // RFC 8446 §4.4.2.4, a server chain that ends with a self-signed root the client does not trust (our server sends its leaf and its CA), case server-cert-untrusted: SSL_R_CERTIFICATE_VERIFY_FAILED.
  unknown_ca: 'certificate verify failed',
  // RFC 8446 §4.4.2.4, the server requires a client certificate and gets an empty Certificate, case server-cert-missing (SSL_VERIFY_FAIL_IF_NO_PEER_CERT): SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE.
  certificate_required: 'peer did not return a certificate',
  // A certificate the application refuses in its verify callback (X509_V_ERR_APPLICATION_VERIFICATION), case server-pha-refused-by-application: SSL_R_CERTIFICATE_VERIFY_FAILED as well.
  verifier_rejected: 'certificate verify failed',
  // RFC 8446 §4.4.3, a CertificateVerify that does not verify, either side, cases server-rejects-bad-cv and server-cv-bad: SSL_R_BAD_SIGNATURE.
  bad_signature: 'bad signature',
};

/**
 * Every SSL_read / SSL_write after a handshake libssl aborted itself (observed: tls12-downgrade):
 * the handshake state machine is in its error state and returns -1 with nothing on the error
 * queue, which SSL_get_error calls SSL_ERROR_SYSCALL (errno unset).
 */
export const OPENSSL_AFTER_LOCAL_ABORT = '-1 SSL_ERROR_SYSCALL';
