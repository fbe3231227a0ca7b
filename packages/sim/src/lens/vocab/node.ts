/**
 * Node's `tls` vocabulary (Node 20, its bundled OpenSSL 3.0), as a client application sees it
 * through a TLSSocket's events and calls, and as the Node differential harness prints it
 * (test/differential/node/harness.mjs — its header gives the line format).
 *
 * A received fatal alert becomes an 'error' event whose `err.code` is `ERR_SSL_` followed by
 * OpenSSL's reason for it: reason SSL_AD_REASON_OFFSET (1000) + the alert's code, whose
 * SSL_R_* macro in <openssl/sslerr.h> is `SSL_R_<NAME>`; Node turns the reason string
 * ("sslv3 alert bad certificate") into the code by upper-casing it and replacing spaces by
 * underscores, which gives exactly `ERR_SSL_<NAME>`. The table below was derived from the
 * installed header (OpenSSL 3.0.19) and every entry was checked by a real run (Node 20.20.2,
 * openssl 3.0.19): our server rejecting the client certificate with each alert in turn
 * (test/differential/node.test.ts re-checks them all).
 *
 * Two alerts are not errors (checked by real runs, the alert sent at fatal level):
 * - close_notify: the 'end' event, then Node answers with its own close_notify (its sockets
 *   are not half-open by default) and 'close' (hadError=false). 'end' fires on close_notify
 *   alone, without a TCP FIN; and a TCP FIN without close_notify also gives 'end' with no
 *   error: Node does not tell a truncation apart from a clean close.
 * - user_canceled over TLS 1.3: ignored by OpenSSL's record layer; nothing is reported.
 *   NODE_ALERT_CODE gives its TLS 1.2 rendering, for completeness.
 *
 * What else the runs showed (the lens must mirror it):
 * - Events come as bytes arrive, whether the application "reads" or not (the socket flows).
 * - After the handshake, a received fatal alert is only emitted: the socket is not destroyed,
 *   no 'close' follows by itself, and Node sends nothing back. 'end' and 'close'
 *   (hadError=false) follow only when the peer closes TCP (our server does, right after its
 *   alert): the order is 'error', 'end', 'close'.
 * - socket.write after the alert but before the TCP close returns true and its callback never
 *   fires (nothing is sent); after the 'close' it returns false and the callback gets EPIPE.
 * - socket.write after socket.end(): returns false; the callback and an 'error' event both
 *   get ERR_STREAM_WRITE_AFTER_END, then 'close' with hadError=true.
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import type { AlertName } from '@tls13sim/record';

/** `err.code` of the 'error' event for each received fatal alert (ERR_SSL_ + OpenSSL's reason name). */
export const NODE_ALERT_CODE: Readonly<Record<string, string>> = {
  unexpected_message: 'ERR_SSL_SSLV3_ALERT_UNEXPECTED_MESSAGE',
  bad_record_mac: 'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC',
  record_overflow: 'ERR_SSL_TLSV1_ALERT_RECORD_OVERFLOW',
  handshake_failure: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  bad_certificate: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  unsupported_certificate: 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  certificate_revoked: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  certificate_expired: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  certificate_unknown: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  illegal_parameter: 'ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER',
  unknown_ca: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  access_denied: 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  decode_error: 'ERR_SSL_TLSV1_ALERT_DECODE_ERROR',
  decrypt_error: 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
  protocol_version: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  insufficient_security: 'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
  internal_error: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR',
  inappropriate_fallback: 'ERR_SSL_TLSV1_ALERT_INAPPROPRIATE_FALLBACK',
  // Ignored when received over TLS 1.3 (see the header); this is its TLS 1.2 rendering.
  user_canceled: 'ERR_SSL_TLSV1_ALERT_USER_CANCELLED',
  missing_extension: 'ERR_SSL_TLSV13_ALERT_MISSING_EXTENSION',
  // OpenSSL's names for these three have no "ALERT" in them (SSL_R_TLSV1_UNSUPPORTED_EXTENSION, …).
  unsupported_extension: 'ERR_SSL_TLSV1_UNSUPPORTED_EXTENSION',
  unrecognized_name: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME',
  bad_certificate_status_response: 'ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  unknown_psk_identity: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY',
  certificate_required: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  no_application_protocol: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
} satisfies Record<Exclude<AlertName, 'close_notify'>, string>;

/** Alerts whose arrival over TLS 1.3 is not an 'error' event (see the header). */
export const NODE_NON_ERROR_ALERT: Readonly<Record<'close_notify' | 'user_canceled', string>> = {
  close_notify: "'end'",
  user_canceled: '(ignored)',
};

/** The harness's `api` for each script step. `read` is not a Node call: it takes the next queued event. */
export const NODE_API = {
  connect: 'tls.connect',
  /** The server's accept step: the tls.Server's first 'secureConnection' or 'tlsClientError'. */
  accept: 'tls.Server',
  write: 'socket.write',
  read: '(next event)',
  shutdown: 'socket.end',
} as const;

/** The harness's `api` for each event line (`call: "event"`). */
export const NODE_EVENT = {
  secureConnect: "'secureConnect'",
  /** The server's: the handshake is complete, here is the socket (socket.getProtocol()). */
  secureConnection: "'secureConnection'",
  /** The server's: the handshake failed (err.code); the application never gets a socket. */
  tlsClientError: "'tlsClientError'",
  data: "'data'",
  end: "'end'",
  error: "'error'",
  close: "'close'",
  /** The callback given to socket.write. */
  writeCallback: 'write callback',
} as const;

/** Fixed outcome strings. */
export const NODE_OUTCOME = {
  /** A connect or read step that no event ended within blockMs. */
  blocked: 'blocked',
  /** A server step after 'tlsClientError': the application has no socket to call. */
  noSocket: 'no socket',
  /** 'secureConnect': socket.getProtocol() of a TLS 1.3 connection (nodeProtocol for either version). */
  secureConnect: 'TLSv1.3',
  /** 'end' (no arguments): the peer closed — its close_notify, or a bare TCP FIN. */
  end: 'fired',
  /** A write callback without error. */
  writeOk: 'ok',
  /** socket.end() returned. */
  shutdown: 'returned',
  /** The write callback's error for a write after the socket closed (its 'close' has fired). */
  writeAfterClose: 'EPIPE',
  /** The write callback's (and 'error' event's) code for a write after the peer's 'end' (net's writeAfterFIN). */
  writeAfterPeerEnd: 'EPIPE',
  /** The write callback's (and 'error' event's) code for a write after socket.end(). */
  writeAfterEnd: 'ERR_STREAM_WRITE_AFTER_END',
  /**
   * The 'error' event's code when the peer's TCP FIN comes before 'secureConnect' (after
   * 'end'): "Client network socket disconnected before secure TLS connection was established".
   */
  disconnectedInHandshake: 'ECONNRESET',
  /** The write callback's code for a write on a socket Node destroyed (a failed handshake). */
  writeAfterDestroy: 'ERR_STREAM_DESTROYED',
} as const;

/** socket.getProtocol() once the version is negotiated ('TLSv1.2' or 'TLSv1.3'). */
export function nodeProtocol(version: 'TLSv1.2' | 'TLSv1.3' | null): string {
  return version ?? NODE_OUTCOME.secureConnect;
}

/** The "peer closed" outcome: the 'end' event. */
export const NODE_PEER_CLOSED = { api: NODE_EVENT.end, outcome: NODE_OUTCOME.end } as const;

/** 'error' event outcome for a received fatal alert; undefined for close_notify. */
export function nodeAlertCode(alert: string): string | undefined {
  return NODE_ALERT_CODE[alert];
}

/** 'data' event outcome. */
export function nodeDataOutcome(bytes: number): string {
  return `${bytes} bytes`;
}

/** 'close' event outcome. */
export function nodeCloseOutcome(hadError: boolean): string {
  return `hadError=${hadError}`;
}

/** write step outcome: socket.write's return value and the bytes given. */
export function nodeWriteOutcome(returned: boolean, bytes: number): string {
  return `${returned}, ${bytes} bytes`;
}

/** connect step outcome: the event that ended the wait (NODE_EVENT.secureConnect / error / close), else blocked. */
export function nodeConnectOutcome(endedBy: string | null): string {
  return endedBy ?? NODE_OUTCOME.blocked;
}

/** read step outcome: the event taken from the queue, `<api> <outcome>`, else blocked. */
export function nodeReadOutcome(event: { readonly api: string; readonly outcome: string } | null): string {
  return event === null ? NODE_OUTCOME.blocked : `${event.api} ${event.outcome}`;
}

/**
 * A handshake the client aborted itself (it sent the alert): the 'error' event's `err.code`,
 * ERR_SSL_ + libssl's reason for that failure (see OPENSSL_LOCAL_ABORT_REASON), keyed by our
 * endpoint's failure kind (packages/handshake/src/endpoint/errors.ts). Only kinds a
 * differential case has observed; what follows is as after a received alert in the handshake.
 */
export const NODE_LOCAL_ABORT_CODE: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3, case tls12-downgrade (SSL_R_INAPPROPRIATE_FALLBACK).
  downgrade_detected: 'ERR_SSL_INAPPROPRIATE_FALLBACK',
  // RFC 8446 §4.4.2.4, a server chain that ends with a self-signed root the client does not trust (our server sends its leaf and its CA), case server-cert-untrusted: Node reports the X.509 verification error's code, here
  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN's (a chain without its root gives another code).
  unknown_ca: 'SELF_SIGNED_CERT_IN_CHAIN',
  // RFC 8446 §4.4.2.4, a server with requestCert and rejectUnauthorized gets no client certificate, case server-cert-missing: its 'tlsClientError'.
  certificate_required: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
  // RFC 8446 §4.4.3, a CertificateVerify that does not verify, either side, cases server-rejects-bad-cv and server-cv-bad (OpenSSL's own check: it sends decrypt_error).
  bad_signature: 'ERR_SSL_BAD_SIGNATURE',
};

/**
 * Where Node's server reports the same failure otherwise. Node's server lets OpenSSL finish
 * the handshake whatever the client's chain, checks it afterwards, and with rejectUnauthorized
 * destroys the socket: no alert goes out, and its 'tlsClientError' is the hang-up, not the
 * verification error (case server-rejects-unknown-ca, TLS 1.3 and 1.2; openssl s_client, as
 * the client, saw an EOF without close_notify).
 */
export const NODE_SERVER_LOCAL_ABORT_CODE: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  unknown_ca: 'ECONNRESET',
};

/** Node's code for a handshake `side` aborted itself, where a case has observed it. */
export function nodeLocalAbortCode(kind: HandshakeErrorKind, side: 'client' | 'server'): string | undefined {
  return (side === 'server' ? NODE_SERVER_LOCAL_ABORT_CODE[kind] : undefined) ?? NODE_LOCAL_ABORT_CODE[kind];
}
