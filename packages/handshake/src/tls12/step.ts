/**
 * What a TLS 1.2 transition returns, as endpoint/step.ts for 1.3: the next state and the
 * outputs the endpoint applies in order. Transitions never touch the record layer.
 */
import type { AlertName } from '@tls13sim/record';
import type { Direction, EndpointEvent, StateName } from '../endpoint/api.js';
import type { Env } from '../endpoint/step.js';
import type { TicketIssuer } from '../endpoint/psk.js';
import type { Tls12Session, Tls12State } from './state.js';
import type { Tls12SuiteParams } from './suites.js';

export type Action12 =
  | { readonly kind: 'send'; readonly name: string; readonly raw: Uint8Array }
  /** RFC 5246 §7.1: ChangeCipherSpec, sent under the current write state (plaintext in a first handshake). */
  | { readonly kind: 'ccs' }
  /** RFC 5246 §6.1: a pending state becomes current (write: after our CCS; read: after the peer's). */
  | {
      readonly kind: 'keys';
      readonly direction: Direction;
      readonly suite: Tls12SuiteParams;
      readonly key: Uint8Array;
      readonly iv: Uint8Array;
      /** NSS keylog CLIENT_RANDOM line's secret: the master secret. */
      readonly master: Uint8Array;
    }
  | { readonly kind: 'via'; readonly state: StateName }
  | { readonly kind: 'event'; readonly event: EndpointEvent }
  /** A warning alert that is not an error (no_renegotiation). */
  | { readonly kind: 'alert'; readonly alert: AlertName | 'no_renegotiation' };

export interface Step12<S extends Tls12State = Tls12State> {
  readonly state: S;
  readonly actions: readonly Action12[];
}

/** The 1.3 Env plus what TLS 1.2 resolves from the same EndpointConfig. */
export interface Env12 extends Env {
  readonly suites12: readonly Tls12SuiteParams[];
  /** NamedGroup names usable for TLS 1.2 ECDHE, preference order. */
  readonly groups12: readonly string[];
  /** The endpoint also speaks TLS 1.3 (RFC 8446 §4.1.3 downgrade protection applies). */
  readonly tls13Capable: boolean;
  /** Client (RFC 5077): the session to offer, and whether to ask for a ticket. */
  readonly tls12Session: Tls12Session | null;
  readonly tls12RequestTicket: boolean;
  /** Server (RFC 5077): the ticket issuer and the lifetime hint (seconds), or null for no tickets. */
  readonly tls12Tickets: { readonly issuer: TicketIssuer; readonly lifetime: number } | null;
  /** Server (RFC 7627 §5.3): refuse or accept a ClientHello without extended_master_secret. */
  readonly tls12Ems: 'require' | 'prefer';
}

export class Out12 {
  readonly actions: Action12[] = [];

  send(name: string, raw: Uint8Array, transcript: { add(raw: Uint8Array): void } | null): void {
    transcript?.add(raw);
    this.actions.push({ kind: 'send', name, raw });
  }

  push(a: Action12): void {
    this.actions.push(a);
  }

  via(state: StateName): void {
    this.actions.push({ kind: 'via', state });
  }

  event(event: EndpointEvent): void {
    this.actions.push({ kind: 'event', event });
  }

  done<S extends Tls12State>(state: S): Step12<S> {
    return { state, actions: this.actions };
  }
}

/**
 * Refuses a renegotiation (a HelloRequest at the client, a ClientHello at the server, once
 * CONNECTED) with the warning no_renegotiation and stays where it is (RFC 5246 §7.2.2,
 * RFC 5746), as OpenSSL does with renegotiation disabled.
 */
export function refuseRenegotiation<S extends Tls12State>(st: S): Step12<S> {
  const out = new Out12();
  out.push({ kind: 'alert', alert: 'no_renegotiation' });
  return out.done(st);
}
