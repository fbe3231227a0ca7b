/**
 * Handshake errors as values, and the one map from each error kind to the alert we send for
 * it (`alertFor`, RFC 8446 §6.2; RFC 5246 §7.2 for TLS 1.2). Failure sites raise a kind
 * (`fail('bad_finished', …)`) and never name an alert. Three cases stay apart
 * (docs/architecture.md "Conventions" 4): an error we detect (a `HandshakeError` whose kind
 * picks the alert), an alert the peer sent (`PeerAlertError`), and our own bug (kind
 * `internal`). Record-layer errors (packages/record: bad_record_mac, record_overflow,
 * decode_error of a frame, RFC 8446 §5.2) belong to their layer and keep the alert it gave.
 */
import { type AlertName, TlsError } from '@tls13sim/record';
import type { SignatureSchemeName } from '../constants.js';
import type { HandshakeMessage } from '../messages/types.js';

/** Each kind's alert under TLS 1.3 (RFC 8446 §6.2 unless said otherwise). */
const ALERT_OF_KIND = {
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
  /** The peer does not offer our version (§4.2.1). */
  protocol_version: 'protocol_version',
  /** A mandatory extension is absent (§9.2). */
  missing_extension: 'missing_extension',
  /** A response carries an extension we never offered (§4.2). */
  unsupported_extension: 'unsupported_extension',
  /** The server requires a client certificate and got an empty Certificate (§4.4.2.4). */
  certificate_required: 'certificate_required',
  /** The peer's certificate is corrupt, does not verify, or does not fit (§6.2 bad_certificate). */
  bad_certificate: 'bad_certificate',
  /** A certificate of an unsupported type, key or usage (§6.2 unsupported_certificate). */
  unsupported_certificate: 'unsupported_certificate',
  /** A certificate outside its validity period (§6.2 certificate_expired). */
  certificate_expired: 'certificate_expired',
  /** No path to a trust anchor, or no anchors to verify with (§6.2 unknown_ca). */
  unknown_ca: 'unknown_ca',
  /**
   * The application's certificate verifier rejected the chain (config.ts `ClientCertVerdict`):
   * the alert is the one its verdict names (`HandshakeError.verdictAlert`); this entry is the
   * fallback for a verdict without one.
   */
  verifier_rejected: 'bad_certificate',
  /** ALPN without overlap (RFC 7301 §3.2). */
  no_application_protocol: 'no_application_protocol',
  /** Our own bug, or a state that cannot be right (§6.2 internal_error). */
  internal: 'internal_error',
} as const satisfies Record<string, AlertName>;

export type HandshakeErrorKind = keyof typeof ALERT_OF_KIND;

/** Every kind, in table order. */
export const HANDSHAKE_ERROR_KINDS = Object.keys(ALERT_OF_KIND) as readonly HandshakeErrorKind[];

/**
 * The TLS 1.3 table, read-only, under the name earlier versions of this package exported.
 * What an error sends is `alertFor(error, version)`: it adds the TLS 1.2 differences and a
 * verifier's own alert.
 */
export const ERROR_ALERTS: Readonly<Record<HandshakeErrorKind, AlertName>> = ALERT_OF_KIND;

/** The protocol version whose alerts apply. */
export type AlertVersion = 'TLSv1.3' | 'TLSv1.2';

/**
 * Where TLS 1.2 (RFC 5246 §7.2) answers a kind differently: it has neither
 * certificate_required nor missing_extension (both RFC 8446 §6.2).
 */
const TLS12_ALERT_OF_KIND: Partial<Record<HandshakeErrorKind, AlertName>> = {
  // RFC 5246 §7.4.6: with no client certificate the server "MAY ... respond with a fatal handshake_failure alert".
  certificate_required: 'handshake_failure',
  // RFC 5246 §7.4.1.4.1 and §7.2.2: an absent extension we require is a handshake_failure.
  missing_extension: 'handshake_failure',
};

/** The alert for `kind` under `version`; a verifier's verdict names its own (`verifier_rejected`). */
export function alertForKind(kind: HandshakeErrorKind, version: AlertVersion = 'TLSv1.3', verdictAlert?: AlertName): AlertName {
  if (kind === 'verifier_rejected' && verdictAlert !== undefined) return verdictAlert;
  return (version === 'TLSv1.2' ? TLS12_ALERT_OF_KIND[kind] : undefined) ?? ALERT_OF_KIND[kind];
}

/** An error we detected: its kind decides the alert (`alertFor`). */
export class HandshakeError extends TlsError {
  readonly kind: HandshakeErrorKind;
  readonly version: AlertVersion;
  /** The message without the alert prefix. */
  readonly detail: string;
  /** `verifier_rejected` only: the alert the application's verdict names. */
  readonly verdictAlert: AlertName | undefined;
  /** `bad_signature` (a TLS 1.3 CertificateVerify; a TLS 1.2 CertificateVerify or ServerKeyExchange): the scheme of the signature that did not verify. */
  readonly signatureScheme: SignatureSchemeName | undefined;
  constructor(
    kind: HandshakeErrorKind,
    message: string,
    opts: { readonly version?: AlertVersion; readonly verdictAlert?: AlertName; readonly signatureScheme?: SignatureSchemeName } = {},
  ) {
    const version = opts.version ?? 'TLSv1.3';
    super(alertForKind(kind, version, opts.verdictAlert), message);
    this.name = 'HandshakeError';
    this.kind = kind;
    this.version = version;
    this.detail = message;
    this.verdictAlert = opts.verdictAlert;
    this.signatureScheme = opts.signatureScheme;
  }

  /** The same error as a `version` endpoint reports it (its alert may differ: TLS12_ALERT_OF_KIND). */
  atVersion(version: AlertVersion): HandshakeError {
    if (version === this.version) return this;
    const err = new HandshakeError(this.kind, this.detail, {
      version,
      ...(this.verdictAlert !== undefined ? { verdictAlert: this.verdictAlert } : {}),
      ...(this.signatureScheme !== undefined ? { signatureScheme: this.signatureScheme } : {}),
    });
    if (this.cause !== undefined) (err as { cause?: unknown }).cause = this.cause;
    return err;
  }
}

/** The peer sent a fatal alert; every later call reports it. */
export class PeerAlertError extends TlsError {
  constructor(alert: AlertName, description: number) {
    super(alert, `peer sent fatal alert ${alert} (${description})`);
    this.name = 'PeerAlertError';
  }
}

/**
 * The alert we send for an error (RFC 8446 §6.2, RFC 5246 §7.2): exactly one place decides
 * it. A HandshakeError by its kind; any other TlsError comes from the record layer or a
 * message decoder, which name their alert themselves.
 */
export function alertFor(error: TlsError, version: AlertVersion = 'TLSv1.3'): AlertName {
  if (error instanceof HandshakeError) return alertForKind(error.kind, version, error.verdictAlert);
  return error.alert;
}

/** Raises a HandshakeError of `kind`. */
export function fail(kind: HandshakeErrorKind, message: string): never {
  throw new HandshakeError(kind, message);
}

/** Our own bug, caught by an endpoint's catch-all: an `internal` HandshakeError whose cause is `e`. */
export function internalError(e: unknown): HandshakeError {
  const err = new HandshakeError('internal', `internal error: ${(e as Error)?.message ?? String(e)}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** §4: "a peer which receives a handshake message in an unexpected order MUST abort the handshake with an "unexpected_message" alert". */
export function unexpected(stateName: string, msg: HandshakeMessage): never {
  fail('unexpected_message', `${msg.type} is not expected in state ${stateName}`);
}
