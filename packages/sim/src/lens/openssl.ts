/**
 * The OpenSSL lens: the same run seen through `SSL_connect / SSL_accept / SSL_read /
 * SSL_peek / SSL_write / SSL_shutdown`, where "the SSL_connect question" lives.
 *
 * What it mirrors:
 * - `connect` is `ok` once the client has sent its Finished (client CONNECTED): with client
 *   authentication that is before the server has even looked at the client's
 *   CertificateVerify, so `ok` says nothing about the server's verdict;
 * - `accept` is `ok` once the server is CONNECTED;
 * - `read` / `peek` look only at what has already been delivered to this endpoint (the
 *   Simulation delivers; the lens reads the endpoint's buffers and error): buffered data
 *   first, then a received alert as `error(alert)`, a received close_notify as
 *   `error(close_notify)` (OpenSSL's SSL_ERROR_ZERO_RETURN), else `want_read`;
 * - `read(0)` / `peek(0)` never wait and consume nothing: `error(alert)` if an alert has
 *   arrived, else `ok` with zero bytes;
 * - `write` after a successful `connect` is `ok` even if the server is about to reject;
 * - `shutdown` sends close_notify once; `ok` when the peer's close_notify has arrived too,
 *   else `want_read` (OpenSSL's return value 0); before the handshake is complete it is an
 *   `error` without an alert and sends nothing (OpenSSL's "shutdown while in init").
 * `want_write` never happens: the in-memory duplex buffers without limit.
 *
 * Blocking mode: a call that would return `want_read` drives the simulation one delivery at
 * a time until it has an answer, or returns `blocked` when nothing is in flight and nothing
 * can ever arrive — the deadlock of a client that reads only to learn the server's verdict.
 * Every call is recorded in the trace as an `app_call` event.
 */
import type { EndpointApi } from '@tls13sim/handshake';
import { SimulationLivelockError, type Simulation } from '../simulation.js';
import type { AppCall, AppResult, Side } from '../trace.js';

export interface LensResult {
  readonly result: AppResult;
  /** Data read or peeked; for `write`, what was written. */
  readonly bytes?: Uint8Array;
  /** The alert behind an `error`. */
  readonly alert?: string;
}

export interface OpenSslLensOptions {
  /** Blocking calls drive the scheduler (default false: non-blocking). */
  readonly blocking?: boolean;
  /** Deliveries one blocking call may drive before it throws SimulationLivelockError (default 10 000). */
  readonly maxSteps?: number;
}

type Attempt = LensResult | null;

const EMPTY = new Uint8Array(0);

export class OpenSslLens {
  blocking: boolean;
  readonly maxSteps: number;

  constructor(
    readonly sim: Simulation,
    readonly side: Side,
    opts: OpenSslLensOptions = {},
  ) {
    this.blocking = opts.blocking ?? false;
    this.maxSteps = opts.maxSteps ?? 10_000;
  }

  private get ep(): EndpointApi {
    return this.sim.endpoint(this.side);
  }

  connect(): LensResult {
    this.requireRole('client', 'connect');
    return this.call('connect', () => this.handshakeDone());
  }

  accept(): LensResult {
    this.requireRole('server', 'accept');
    return this.call('accept', () => this.handshakeDone());
  }

  read(n: number): LensResult {
    return this.call('read', () => this.readOrPeek(n, true), n === 0);
  }

  peek(n: number): LensResult {
    return this.call('peek', () => this.readOrPeek(n, false), n === 0);
  }

  write(data: Uint8Array): LensResult {
    return this.call('write', () => {
      const failed = this.failure();
      if (failed) return failed;
      if (!this.ep.handshakeComplete) return null;
      try {
        this.sim.write(this.side, data);
      } catch (e) {
        return this.thrown(e);
      }
      return { result: 'ok', bytes: data };
    });
  }

  shutdown(): LensResult {
    return this.call('shutdown', () => {
      const failed = this.failure();
      if (failed) return failed;
      // OpenSSL refuses SSL_shutdown before the handshake is done (SSL_R_SHUTDOWN_WHILE_IN_INIT):
      // an error, and no close_notify is sent.
      if (!this.sentCloseNotify() && this.ep.state !== 'CONNECTED') return { result: 'error' };
      if (!this.sentCloseNotify()) {
        try {
          this.sim.close(this.side);
        } catch (e) {
          return this.thrown(e);
        }
      }
      return this.ep.peerClosed ? { result: 'ok' } : null;
    });
  }

  // ── internals ──

  private requireRole(role: Side, call: string): void {
    if (this.side !== role) throw new Error(`OpenSslLens: ${call}() is for the ${role} side, this lens is on the ${this.side}`);
  }

  private call(call: AppCall, attempt: () => Attempt, neverWait = false): LensResult {
    this.sim.start();
    let r = attempt();
    if (r === null && this.blocking && !neverWait) {
      for (let steps = 0; r === null; steps++) {
        if (steps >= this.maxSteps) throw new SimulationLivelockError(steps);
        if (this.sim.step() === null) {
          r = { result: 'blocked' };
          break;
        }
        r = attempt();
      }
    }
    r ??= { result: 'want_read' };
    const extra: { bytes?: number; alert?: string } = {};
    if (r.bytes !== undefined) extra.bytes = r.bytes.length;
    if (r.alert !== undefined) extra.alert = r.alert;
    this.sim.recordAppCall(this.side, call, r.result, extra);
    return r;
  }

  private failure(): LensResult | null {
    const err = this.ep.error;
    if (err) return { result: 'error', alert: err.alert };
    return null;
  }

  private thrown(e: unknown): LensResult {
    const alert = (e as { alert?: unknown }).alert;
    if (typeof alert === 'string') return { result: 'error', alert };
    throw e;
  }

  private handshakeDone(): Attempt {
    const failed = this.failure();
    if (failed) return failed;
    if (this.ep.handshakeComplete || this.ep.state === 'CONNECTED') return { result: 'ok' };
    if (this.ep.state === 'CLOSED') return { result: 'error', alert: 'close_notify' };
    return null;
  }

  private readOrPeek(n: number, consume: boolean): Attempt {
    if (!(n >= 0)) throw new RangeError(`read/peek: n must be ≥ 0, got ${n}`);
    if (n === 0) return this.failure() ?? { result: 'ok', bytes: EMPTY };
    let data: Uint8Array | null;
    try {
      // An endpoint that failed may throw its error here instead of returning null.
      data = consume ? this.ep.readApplicationData(n) : this.ep.peekApplicationData(n);
    } catch (e) {
      return this.thrown(e);
    }
    if (data !== null && data.length > 0) return { result: 'ok', bytes: data };
    const failed = this.failure();
    if (failed) return failed;
    if (this.ep.peerClosed) return { result: 'error', alert: 'close_notify' };
    return null;
  }

  private sentCloseNotify(): boolean {
    return this.sim.events.some((e) => e.side === this.side && e.type === 'alert_sent' && e.description === 'close_notify');
  }
}

export function openSslLens(sim: Simulation, side: Side, opts?: OpenSslLensOptions): OpenSslLens {
  return new OpenSslLens(sim, side, opts);
}
