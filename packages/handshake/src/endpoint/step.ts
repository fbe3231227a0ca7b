/**
 * What a transition returns: the next state and the outputs the endpoint applies, in order
 * (docs/architecture.md "Conventions" 2). Transitions never touch the record layer themselves.
 */
import type { AlertName } from '@tls13sim/record';
import type { CipherSuiteParams } from '../keyschedule/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { encodeHandshake, writeHandshake } from '../messages/index.js';
import type { HandshakeMessage } from '../messages/types.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { RandomSource } from '../crypto/random.js';
import type { Direction, EndpointEvent, EpochName } from './api.js';
import type { ConnUpdate } from './conn.js';
import type { ResolvedConfig } from './resolve.js';
import type { AnyState, PassThroughState } from './state.js';

export type Action =
  /** A handshake message, sent under the write keys in force when it is applied. */
  | { readonly kind: 'send'; readonly name: string; readonly raw: Uint8Array }
  /** The compatibility-mode change_cipher_spec (§D.4), always unprotected. */
  | { readonly kind: 'ccs' }
  | {
      readonly kind: 'keys';
      readonly direction: Direction;
      readonly epoch: EpochName;
      readonly suite: CipherSuiteParams;
      readonly secret: Uint8Array;
      readonly keylog: string | null;
    }
  /** A state passed through on the way to the next one (RECVD_CH, NEGOTIATED, WAIT_FLIGHT2; a client's START after HelloRetryRequest). */
  | { readonly kind: 'via'; readonly state: PassThroughState }
  | { readonly kind: 'event'; readonly event: EndpointEvent }
  /** §4.2.10: skip records that fail to decrypt, up to this many bytes (rejected 0-RTT). */
  | { readonly kind: 'skip_early_data'; readonly maxBytes: number }
  /** RFC 8449: the peer's record_size_limit bounds what we send from now on. */
  | { readonly kind: 'record_size_limit'; readonly limit: number }
  /** Send a warning/closure alert that is not an error (e.g. none yet; reserved). */
  | { readonly kind: 'alert'; readonly alert: AlertName }
  /** Application data under the write keys in force (0-RTT early data). */
  | { readonly kind: 'app_data'; readonly data: Uint8Array }
  /** Back to unprotected writes (a 0-RTT client answering a HelloRetryRequest). */
  | { readonly kind: 'plaintext_write' }
  /** Received application data, handed to the application's read buffer. */
  | { readonly kind: 'deliver'; readonly data: Uint8Array }
  /** A change to the per-connection record (conn.ts), in order with the other actions. */
  | { readonly kind: 'conn'; readonly set: ConnUpdate };

export interface Step<S extends AnyState = AnyState> {
  readonly state: S;
  readonly actions: readonly Action[];
}

/** Everything a transition may depend on besides its state and input. */
export interface Env {
  readonly config: ResolvedConfig;
  readonly crypto: CryptoProvider;
  readonly random: RandomSource;
  readonly now: number;
}

/** Collects the actions of one transition. */
export class Out {
  readonly actions: Action[] = [];

  /** Encodes `msg`, appends it to `transcript` (when given) and queues it for sending. */
  send(msg: HandshakeMessage, transcript: Transcript | null): Uint8Array {
    // Encoded straight into the transcript when there is one: no buffer of its own.
    const raw = transcript === null ? encodeHandshake(msg) : transcript.addWritten((w) => writeHandshake(w, msg));
    this.actions.push({ kind: 'send', name: msg.type, raw });
    return raw;
  }

  ccs(): void {
    this.actions.push({ kind: 'ccs' });
  }

  keys(direction: Direction, epoch: EpochName, suite: CipherSuiteParams, secret: Uint8Array, keylog: string | null): void {
    this.actions.push({ kind: 'keys', direction, epoch, suite, secret, keylog });
  }

  via(state: PassThroughState): void {
    this.actions.push({ kind: 'via', state });
  }

  event(event: EndpointEvent): void {
    this.actions.push({ kind: 'event', event });
  }

  push(action: Action): void {
    this.actions.push(action);
  }

  done<S extends AnyState>(state: S): Step<S> {
    return { state, actions: this.actions };
  }
}
