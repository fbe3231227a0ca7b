/**
 * Handshake errors as values, and the one table that maps each kind to its RFC 8446 §6.2
 * alert. Three cases stay apart (STYLE.md rule 4): an error we detect (we send the alert in
 * this table), an alert the peer sent (`PeerAlertError`), and our own bug (`internal`).
 */
import { type AlertName, TlsError } from '@tls13sim/record';
import type { HandshakeMessage } from '../messages/types.js';

export const ERROR_ALERTS = {
  /** A message or record type that is not valid in the current state (§4, §5, Appendix A). */
  unexpected_message: 'unexpected_message',
  /** A handshake message that changes keys did not end its record (§5.1). */
  unaligned_key_change: 'unexpected_message',
  /** A protected or malformed change_cipher_spec record (§5). */
  bad_change_cipher_spec: 'unexpected_message',
  /** Malformed message (§6.2 decode_error). */
  decode: 'decode_error',
  /** A field with a value the peer may not choose: a second HRR, an unoffered suite, a bad legacy field (§4.1.2–§4.1.4). */
  illegal_parameter: 'illegal_parameter',
  /** The downgrade sentinel in ServerHello.random (§4.1.3). */
  downgrade_detected: 'illegal_parameter',
  /** The peer's Finished verify_data does not match (§4.4.4). */
  bad_finished: 'decrypt_error',
  /** A CertificateVerify signature that does not verify (§4.4.3). */
  bad_signature: 'decrypt_error',
  /** A PSK binder that does not verify (§4.2.11). */
  bad_binder: 'decrypt_error',
  /** Nothing acceptable in common: suites, groups, signature schemes (§4.1.1). */
  no_common_parameters: 'handshake_failure',
  /** The peer does not offer TLS 1.3 (§4.2.1). */
  protocol_version: 'protocol_version',
  /** A mandatory extension is absent (§9.2). */
  missing_extension: 'missing_extension',
  /** A response carries an extension we never offered (§4.2). */
  unsupported_extension: 'unsupported_extension',
  /** The server requires a client certificate and got an empty Certificate (§4.4.2.4). */
  certificate_required: 'certificate_required',
  /** The peer's certificate chain failed validation; the alert comes from the verifier. */
  bad_certificate: 'bad_certificate',
  /** ALPN without overlap (RFC 7301 §3.2). */
  no_application_protocol: 'no_application_protocol',
  /** A handshake message larger than the configured maximum. */
  message_too_large: 'illegal_parameter',
  /** Data that cannot be right in this state, e.g. application data before keys (§5). */
  internal: 'internal_error',
} as const satisfies Record<string, AlertName>;

export type HandshakeErrorKind = keyof typeof ERROR_ALERTS;

/** An error we detected. `alert` defaults to the table's; certificate verdicts may choose another. */
export class HandshakeError extends TlsError {
  readonly kind: HandshakeErrorKind;
  constructor(kind: HandshakeErrorKind, message: string, alert: AlertName = ERROR_ALERTS[kind]) {
    super(alert, message);
    this.name = 'HandshakeError';
    this.kind = kind;
  }
}

/** The peer sent a fatal alert; every later call reports it. */
export class PeerAlertError extends TlsError {
  constructor(alert: AlertName, description: number) {
    super(alert, `peer sent fatal alert ${alert} (${description})`);
    this.name = 'PeerAlertError';
  }
}

/** The alert we send for an error (§6.2): exactly one place decides it. */
export function alertFor(error: TlsError): AlertName {
  return error.alert;
}

export function fail(kind: HandshakeErrorKind, message: string, alert?: AlertName): never {
  throw new HandshakeError(kind, message, alert);
}

/** §4: "a peer which receives a handshake message in an unexpected order MUST abort the handshake with an "unexpected_message" alert". */
export function unexpected(stateName: string, msg: HandshakeMessage): never {
  fail('unexpected_message', `${msg.type} is not expected in state ${stateName}`);
}
