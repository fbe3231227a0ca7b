/**
 * Go's crypto/tls vocabulary (Go 1.19), as the Go differential harness prints it
 * (test/differential/go/main.go): what `Conn.Handshake`, `Conn.Read`, `Conn.Write` and
 * `Conn.Close` return, rendered as `err.Error()` strings.
 *
 * Facts taken from Go 1.19's source (/usr/lib/go-1.19/src/crypto/tls): alert.go gives each
 * alert's text, `alert.Error()` is `"tls: " + text`; conn.go turns a received alert into
 * `&net.OpError{Op: "remote error", Err: alert}`, whose Error() is `"remote error: tls: <text>"`
 * (no address: the OpError carries none). In TLS 1.3 every received alert other than
 * close_notify is fatal whatever its level (even user_canceled); a received close_notify is
 * `io.EOF`, Error() `"EOF"`. Both are sticky: every later Read returns the same error.
 */
import { HandshakeError, type HandshakeErrorKind, type SignatureSchemeName } from '@tls13sim/handshake';

/** Go's text for each alert description (alert.go `alertText`), keyed by RFC 8446 §6 name. */
export const GO_ALERT_TEXT: Readonly<Record<string, string>> = {
  close_notify: 'close notify',
  unexpected_message: 'unexpected message',
  bad_record_mac: 'bad record MAC',
  record_overflow: 'record overflow',
  handshake_failure: 'handshake failure',
  bad_certificate: 'bad certificate',
  unsupported_certificate: 'unsupported certificate',
  certificate_revoked: 'revoked certificate',
  certificate_expired: 'expired certificate',
  certificate_unknown: 'unknown certificate',
  illegal_parameter: 'illegal parameter',
  unknown_ca: 'unknown certificate authority',
  access_denied: 'access denied',
  decode_error: 'error decoding message',
  decrypt_error: 'error decrypting message',
  protocol_version: 'protocol version not supported',
  insufficient_security: 'insufficient security level',
  internal_error: 'internal error',
  inappropriate_fallback: 'inappropriate fallback',
  user_canceled: 'user canceled',
  missing_extension: 'missing extension',
  unsupported_extension: 'unsupported extension',
  unrecognized_name: 'unrecognized name',
  bad_certificate_status_response: 'bad certificate status response',
  unknown_psk_identity: 'unknown PSK identity',
  certificate_required: 'certificate required',
  no_application_protocol: 'no application protocol',
};

/**
 * The error a Go call returns once the peer's close_notify has been read (`io.EOF`), and
 * also at the peer's TCP FIN without close_notify at a record boundary (the hangup-* cases):
 * Go 1.19 does not tell the two apart.
 */
export const GO_EOF = 'EOF';
/** A nil error. */
export const GO_NIL = 'nil';
/** The harness's outcome for a call still blocked after blockMs (a deadline timeout). */
export const GO_BLOCKED = 'blocked';
/** Write after the application's own Close/CloseWrite sent close_notify (conn.go errShutdown). */
export const GO_ERR_SHUTDOWN = 'tls: protocol is shutdown';
/** Read/Write on a tls.Conn whose Close has run (net.ErrClosed), when tls itself answers. */
export const GO_ERR_CLOSED = 'use of closed network connection';

/** Go's API names as the harness reports them in `api`. */
export const GO_API = {
  connect: 'Conn.Handshake',
  write: 'Conn.Write',
  read: 'Conn.Read',
  shutdown: 'Conn.Close',
} as const;

/** `alert.Error()`: "tls: <text>" (unknown codes: "tls: alert(<code>)"). */
export function goAlertError(name: string): string {
  const t = GO_ALERT_TEXT[name];
  return t === undefined ? `tls: alert(${name})` : `tls: ${t}`;
}

/** The error Go returns when `name` has been received: "remote error: tls: <text>", or "EOF" for close_notify. */
export function goReceivedAlertError(name: string): string {
  return name === 'close_notify' ? GO_EOF : `remote error: ${goAlertError(name)}`;
}

/** Every alert as a received error: RFC name → Go's error string. */
export const GO_RECEIVED_ALERT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(GO_ALERT_TEXT).map((name) => [name, goReceivedAlertError(name)]),
);

/** The harness's outcome of Handshake/Close: "nil" or the error string. */
export function goErrOutcome(err: string | null): string {
  return err ?? GO_NIL;
}

/** The harness's outcome of Read/Write: "<n>, nil" or "<n>, <error>". */
export function goCountOutcome(n: number, err: string | null): string {
  return `${n}, ${err ?? GO_NIL}`;
}

/**
 * A handshake the client aborted itself (it sent the alert): the error Go's Handshake returns
 * for that failure — its own words, not the alert's — keyed by our endpoint's failure kind
 * (packages/handshake/src/endpoint/errors.ts). Only kinds a differential case has observed;
 * every later Read and Write returns the same error (`0, <error>`).
 */
export const GO_LOCAL_ABORT_ERROR: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  // RFC 8446 §4.1.3, case tls12-downgrade (handshake_client.go, Go 1.19; it sends illegal_parameter).
  downgrade_detected: 'tls: downgrade attempt detected, possibly due to a MitM attack or a broken middlebox',
  // RFC 8446 §4.4.2.4, a server chain that ends with a self-signed root the client does not trust (our server sends its leaf and its CA), case server-cert-untrusted: x509.UnknownAuthorityError, returned as is by Go 1.19.
  unknown_ca: 'x509: certificate signed by unknown authority',
  // RFC 8446 §4.4.2.4, a server with RequireAndVerifyClientCert gets an empty Certificate, case server-cert-missing, TLS 1.3 and 1.2 (processCertsFromClient in handshake_server.go, Go 1.19; it sends bad_certificate, as a real run showed, not certificate_required).
  certificate_required: "tls: client didn't provide a certificate",
};

/**
 * Where Go's server words the same failure otherwise: Go 1.19's processCertsFromClient wraps
 * the verification error (case server-rejects-unknown-ca; it sends bad_certificate).
 */
export const GO_SERVER_LOCAL_ABORT_ERROR: Readonly<Partial<Record<HandshakeErrorKind, string>>> = {
  unknown_ca: 'tls: failed to verify client certificate: x509: certificate signed by unknown authority',
};

/**
 * Go 1.19's error for a peer's signature that does not verify (a CertificateVerify, RFC 8446
 * §4.4.3; under TLS 1.2 also a ServerKeyExchange), `signer` the peer: it names the key's
 * algorithm (auth.go's verifyHandshakeSignature). The ECDSA wording is held by real runs on
 * both sides and in both versions (cases server-rejects-bad-cv, server-cv-bad and their
 * tls12- twins, compared in go.test.ts); Ed25519's and RSA's are Go's source's.
 */
export function goBadSignature(signer: 'client' | 'server', scheme: SignatureSchemeName): string {
  const why =
    scheme === 'ed25519' ? 'Ed25519 verification failure' : scheme.startsWith('ecdsa_') ? 'ECDSA verification failure' : 'crypto/rsa: verification error';
  return `tls: invalid signature by the ${signer} certificate: ${why}`;
}

/** Go's error for a handshake `side` aborted itself (`error`: our endpoint's), where a case has observed it. */
export function goLocalAbortError(kind: HandshakeErrorKind, side: 'client' | 'server', error: Error | undefined): string | undefined {
  const scheme = error instanceof HandshakeError ? error.signatureScheme : undefined;
  if (kind === 'bad_signature' && scheme !== undefined) return goBadSignature(side === 'server' ? 'client' : 'server', scheme);
  return (side === 'server' ? GO_SERVER_LOCAL_ABORT_ERROR[kind] : undefined) ?? GO_LOCAL_ABORT_ERROR[kind];
}
