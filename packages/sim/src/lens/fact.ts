/**
 * What a lens call finds (`Fact`), before and after a library words it, and the
 * library-neutral result the trace keeps (`genericResult`).
 */
import type { HandshakeErrorKind } from '@tls13sim/handshake';
import type { AppResult } from '../trace.js';

/** What one call found, before a library words it. */
export type Fact =
  /** connect/accept: the handshake is complete for this side. */
  | { readonly kind: 'done' }
  /**
   * Application data. `trailing`: the call also read the record behind it and returns what it
   * found with the data (Go's Read with a TLS 1.2 alert record already buffered).
   */
  | { readonly kind: 'data'; readonly bytes: Uint8Array; readonly trailing?: 'eof' | { readonly alert: string } }
  | { readonly kind: 'written'; readonly bytes: Uint8Array }
  /** Nothing to answer with yet (non-blocking: the library's want-read). */
  | { readonly kind: 'want_read' }
  /**
   * The connection failed with a fatal alert. `received`: the peer sent it (else we did).
   * `first`: this call is the one that found it (later calls on a failed connection may be
   * worded differently by the library).
   */
  | {
      readonly kind: 'alert';
      readonly alert: string;
      readonly received: boolean;
      readonly first: boolean;
      /**
       * We sent the alert (the handshake was aborted here): the kind of failure our endpoint
       * detected (packages/handshake/src/endpoint/errors.ts). A library words a local abort by
       * its own reason for that failure (each vocab's local-abort table), not by the alert.
       */
      readonly cause?: HandshakeErrorKind;
    }
  /** The peer's close_notify: the end of its data. */
  | { readonly kind: 'eof' }
  /**
   * The peer closed TCP with no close_notify before its FIN (RFC 8446 §6.1: a truncation),
   * and everything it sent before has been read. `first`: this call is the one that met it.
   */
  | { readonly kind: 'truncated'; readonly first: boolean }
  /** A blocking call that can never be answered: nothing is in flight. */
  | { readonly kind: 'blocked' }
  /** shutdown: our close_notify is sent; `complete` when the peer's has arrived too. */
  | { readonly kind: 'shutdown'; readonly complete: boolean }
  /** A call the library refuses in this state (e.g. shutdown while the handshake runs). */
  | { readonly kind: 'refused'; readonly why: string };

export interface Worded {
  readonly api: string;
  readonly outcome: string;
}

export interface LensResult {
  readonly result: AppResult;
  /** Data read or peeked; for `write`, what was written. */
  readonly bytes?: Uint8Array;
  /** The alert behind an `error`. */
  readonly alert?: string;
  /** The call in the library's words, e.g. `SSL_read`. */
  readonly api: string;
  /** What the library returned, e.g. `-1 SSL_ERROR_WANT_READ`. */
  readonly outcome: string;
  readonly fact: Fact;
}

export type Attempt = Fact | null;

/** The library-neutral result kept in `app_call.result` (trace version 1). */
export function genericResult(fact: Fact): { result: AppResult; bytes?: Uint8Array; alert?: string } {
  switch (fact.kind) {
    case 'done':
      return { result: 'ok' };
    case 'data':
    case 'written':
      return { result: 'ok', bytes: fact.bytes };
    case 'want_read':
      return { result: 'want_read' };
    case 'alert':
      return { result: 'error', alert: fact.alert };
    case 'eof':
      return { result: 'error', alert: 'close_notify' };
    case 'truncated':
      return { result: 'error' };
    case 'blocked':
      return { result: 'blocked' };
    case 'shutdown':
      return fact.complete ? { result: 'ok' } : { result: 'want_read' };
    case 'refused':
      return { result: 'error' };
  }
}
