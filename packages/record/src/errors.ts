import { AlertDescription, type AlertName } from './alert-codes.js';

/**
 * A protocol error: something a peer (or the network) did that RFC 8446 answers with an
 * alert. `alert` is the §6.2 description we send. Raised in codecs, returned as a value
 * by transitions; API misuse by the application is a plain Error, never a TlsError.
 */
export class TlsError extends Error {
  readonly alert: AlertName;
  readonly code: number;
  constructor(alert: AlertName, message: string) {
    super(`${alert}: ${message}`);
    this.name = 'TlsError';
    this.alert = alert;
    this.code = AlertDescription[alert];
  }
}

/** The one decode failure type: malformed or truncated input. Maps to decode_error (§6.2). */
export class DecodeError extends TlsError {
  constructor(message: string) {
    super('decode_error', message);
    this.name = 'DecodeError';
  }
}

export function isTlsError(e: unknown): e is TlsError {
  return e instanceof TlsError;
}
