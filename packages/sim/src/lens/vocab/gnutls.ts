/**
 * GnuTLS 3.7 vocabulary: how the library (and the differential harness,
 * test/differential/gnutls/harness.c) words what a client application sees. Pure data.
 *
 * Where it comes from (GnuTLS 3.7.9, Debian 12's libgnutls30):
 * - alert names: gnutls_alert_get_name(code) for every code 0..255, printed by a small C
 *   program linked against the installed library (the table below is its output for the
 *   RFC 8446 §6 alerts); gnutls_alert_get_name returns NULL for 113
 *   (bad_certificate_status_response), which the harness prints as `alert 113`;
 * - error names: gnutls_strerror_name() of the returned code;
 * - what a received alert turns into (lib/record.c, record_add_to_buffers): a close_notify
 *   of level warning is the end of the stream (gnutls_record_recv returns 0); under TLS 1.3
 *   every other alert, whatever its level, invalidates the session and is returned as
 *   GNUTLS_E_FATAL_ALERT_RECEIVED (GNUTLS_E_WARNING_ALERT_RECEIVED is a TLS ≤ 1.2 thing);
 *   gnutls_alert_get(session) then gives the description.
 *
 * What the differential runs showed (test/differential/observed/gnutls.json), for a lens:
 * - gnutls_handshake (client) returns 0 once it has sent its Finished; it never waits for
 *   the server's verdict on the client certificate, and it does not pull 0.5-RTT data;
 * - gnutls_record_send never reads the socket: it succeeds even when the server's alert
 *   has already arrived (unread), and after a close_notify was read; once a fatal alert
 *   has been read (the session is invalid) it returns GNUTLS_E_INVALID_SESSION;
 * - gnutls_record_recv pulls one record at a time, in order (0.5-RTT data first, then the
 *   alert); after a fatal alert it returns GNUTLS_E_INVALID_SESSION, after close_notify 0
 *   again; non-blocking with nothing buffered: GNUTLS_E_AGAIN;
 * - gnutls_record_recv with length 0 is GNUTLS_E_INVALID_REQUEST, always, without touching
 *   the socket (blocking or not, before or after an alert);
 * - gnutls_bye(GNUTLS_SHUT_WR) returns 0 and sends close_notify even after a fatal alert
 *   was received;
 * - post-handshake authentication (GNUTLS_POST_HANDSHAKE_AUTH): the CertificateRequest
 *   comes out of gnutls_record_recv as GNUTLS_E_REAUTH_REQUEST; gnutls_reauth(session, 0)
 *   sends Certificate, CertificateVerify, Finished and returns 0 without reading; the
 *   server's verdict comes from the next gnutls_record_recv. Without the flag, our server
 *   refuses to request (the client did not offer post_handshake_auth).
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';

/** gnutls_alert_get_name() of each RFC 8446 alert, by its RFC name. */
export const GNUTLS_ALERT_NAME: Record<string, string> = {
  close_notify: 'Close notify',
  unexpected_message: 'Unexpected message',
  bad_record_mac: 'Bad record MAC',
  record_overflow: 'Record overflow',
  handshake_failure: 'Handshake failed',
  bad_certificate: 'Certificate is bad',
  unsupported_certificate: 'Certificate is not supported',
  certificate_revoked: 'Certificate was revoked',
  certificate_expired: 'Certificate is expired',
  certificate_unknown: 'Unknown certificate',
  illegal_parameter: 'Illegal parameter',
  unknown_ca: 'CA is unknown',
  access_denied: 'Access was denied',
  decode_error: 'Decode error',
  decrypt_error: 'Decrypt error',
  protocol_version: 'Error in protocol version',
  insufficient_security: 'Insufficient security',
  internal_error: 'Internal error',
  inappropriate_fallback: 'Inappropriate fallback',
  user_canceled: 'User canceled',
  missing_extension: 'An extension was expected but was not seen',
  unsupported_extension: 'An unsupported extension was sent',
  unrecognized_name: 'The server name sent was not recognized',
  // gnutls_alert_get_name(113) is NULL: the harness prints the code.
  bad_certificate_status_response: 'alert 113',
  unknown_psk_identity: 'The SRP/PSK username is missing or not known',
  certificate_required: 'Certificate is required',
  no_application_protocol: 'No supported application protocol could be negotiated',
};

/** gnutls_alert_get_strname(): GnuTLS's enum constant of each alert (none for 113). */
export const GNUTLS_ALERT_CONSTANT: Record<string, string> = {
  close_notify: 'GNUTLS_A_CLOSE_NOTIFY',
  unexpected_message: 'GNUTLS_A_UNEXPECTED_MESSAGE',
  bad_record_mac: 'GNUTLS_A_BAD_RECORD_MAC',
  record_overflow: 'GNUTLS_A_RECORD_OVERFLOW',
  handshake_failure: 'GNUTLS_A_HANDSHAKE_FAILURE',
  bad_certificate: 'GNUTLS_A_BAD_CERTIFICATE',
  unsupported_certificate: 'GNUTLS_A_UNSUPPORTED_CERTIFICATE',
  certificate_revoked: 'GNUTLS_A_CERTIFICATE_REVOKED',
  certificate_expired: 'GNUTLS_A_CERTIFICATE_EXPIRED',
  certificate_unknown: 'GNUTLS_A_CERTIFICATE_UNKNOWN',
  illegal_parameter: 'GNUTLS_A_ILLEGAL_PARAMETER',
  unknown_ca: 'GNUTLS_A_UNKNOWN_CA',
  access_denied: 'GNUTLS_A_ACCESS_DENIED',
  decode_error: 'GNUTLS_A_DECODE_ERROR',
  decrypt_error: 'GNUTLS_A_DECRYPT_ERROR',
  protocol_version: 'GNUTLS_A_PROTOCOL_VERSION',
  insufficient_security: 'GNUTLS_A_INSUFFICIENT_SECURITY',
  internal_error: 'GNUTLS_A_INTERNAL_ERROR',
  inappropriate_fallback: 'GNUTLS_A_INAPPROPRIATE_FALLBACK',
  user_canceled: 'GNUTLS_A_USER_CANCELED',
  missing_extension: 'GNUTLS_A_MISSING_EXTENSION',
  unsupported_extension: 'GNUTLS_A_UNSUPPORTED_EXTENSION',
  unrecognized_name: 'GNUTLS_A_UNRECOGNIZED_NAME',
  unknown_psk_identity: 'GNUTLS_A_UNKNOWN_PSK_IDENTITY',
  certificate_required: 'GNUTLS_A_CERTIFICATE_REQUIRED',
  no_application_protocol: 'GNUTLS_A_NO_APPLICATION_PROTOCOL',
};

/** The error a GnuTLS call returns when it reads a (fatal) alert, by the alert's RFC name. */
export const GNUTLS_ALERT_RECEIVED_ERROR: Record<string, string> = Object.fromEntries(
  Object.keys(GNUTLS_ALERT_NAME).map((a) => [a, 'GNUTLS_E_FATAL_ALERT_RECEIVED']),
);

/** The harness outcome of a call that read `alert` (fatal level; or any level but close_notify). */
export function gnutlsAlertOutcome(alert: string): string {
  const name = GNUTLS_ALERT_NAME[alert];
  if (name === undefined) throw new Error(`unknown alert '${alert}'`);
  return `${GNUTLS_ALERT_RECEIVED_ERROR[alert]}: ${name}`;
}

/** GnuTLS functions behind each script step (and the post-handshake authentication answer). */
export const GNUTLS_API = {
  connect: 'gnutls_handshake',
  write: 'gnutls_record_send',
  read: 'gnutls_record_recv',
  shutdown: 'gnutls_bye',
  reauth: 'gnutls_reauth',
} as const;

/** Other outcomes the harness prints. */
export const GNUTLS_OUTCOME = {
  /** gnutls_handshake / gnutls_bye / gnutls_reauth success (GNUTLS_E_SUCCESS). */
  ok: '0',
  /** gnutls_record_recv at the peer's close_notify (end of stream); also every later call. */
  eof: '0',
  /** A blocking call still waiting after blockMs. */
  blocked: 'blocked',
  /** Non-blocking call with nothing to do yet. */
  again: 'GNUTLS_E_AGAIN',
  /** gnutls_record_recv with a zero length: refused before anything else is looked at. */
  zeroLengthRead: 'GNUTLS_E_INVALID_REQUEST',
  /** A call on a session that an earlier fatal error has invalidated. */
  invalidSession: 'GNUTLS_E_INVALID_SESSION',
  /**
   * gnutls_record_send / gnutls_record_recv on a session whose handshake never completed
   * (seen after a TLS 1.2 gnutls_handshake failed with the server's alert).
   */
  unavailableDuringHandshake: 'GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE',
  /** TCP EOF without close_notify: the recv or handshake that meets it (observed: the hangup-* cases). */
  prematureTermination: 'GNUTLS_E_PREMATURE_TERMINATION',
  /**
   * gnutls_record_send_early_data that kept the data for the handshake to send: 0, not the
   * byte count its manual page promises (GnuTLS 3.7.9 returns the result of appending to its
   * buffer; observed in the early-data twins, whose data our server received all the same).
   */
  earlyDataKept: '0',
  /** The server's post-handshake CertificateRequest, from gnutls_record_recv (GNUTLS_POST_HANDSHAKE_AUTH). */
  reauthRequest: 'GNUTLS_E_REAUTH_REQUEST',
} as const;

/**
 * A handshake the client aborted itself (it sent the alert): the error code gnutls_handshake
 * returns for that failure (gnutls_strerror_name), keyed by our endpoint's failure kind
 * (packages/handshake/src/endpoint/errors.ts). Only kinds a differential case has observed.
 * Later record calls are GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE, as after any failed handshake.
 */
export const GNUTLS_LOCAL_ABORT_ERROR: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3, case tls12-downgrade: GnuTLS names the sentinel an illegal parameter it received.
  downgrade_detected: 'GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER',
  // RFC 8446 §4.4.2.4, a server chain that ends with a self-signed root the client does not trust (our server sends its leaf and its CA), case server-cert-untrusted (gnutls_session_set_verify_cert).
  unknown_ca: 'GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR',
  // RFC 8446 §4.4.2.4, a server with GNUTLS_CERT_REQUIRE gets an empty Certificate, case server-cert-missing (it sends certificate_required).
  certificate_required: 'GNUTLS_E_CERTIFICATE_REQUIRED',
  // A certificate the application refuses in its verify function (gnutls_session_set_verify_function returning -1), case server-pha-refused-by-application.
  verifier_rejected: 'GNUTLS_E_CERTIFICATE_ERROR',
  // RFC 8446 §4.4.3, a CertificateVerify that does not verify, either side, cases server-rejects-bad-cv and server-cv-bad (no alert sent).
  bad_signature: 'GNUTLS_E_PK_SIG_VERIFY_FAILED',
};

/**
 * Where GnuTLS names the same failure otherwise under TLS 1.2: a TLS 1.2 server that gets no
 * client certificate returns GNUTLS_E_NO_CERTIFICATE_FOUND (case tls12-server-cert-missing;
 * it sends handshake_failure, RFC 5246 §7.4.6).
 */
export const GNUTLS_LOCAL_ABORT_ERROR_TLS12: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  certificate_required: 'GNUTLS_E_NO_CERTIFICATE_FOUND',
};
