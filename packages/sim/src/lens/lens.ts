/**
 * Lenses: one simulated run seen through the calls an application makes with a given TLS
 * library, answered in that library's own words (docs/fidelity.md "Lenses").
 *
 * Every lens offers the same generic calls — `connect`, `accept`, `read(n)`, `peek(n)`,
 * `write(data)`, `shutdown()` — and differs in two ways:
 * - when its library reads the socket (`pulls`): OpenSSL, Go, Python, GnuTLS and rustls only
 *   inside their handshake/read calls, never inside write; Node's `tls` as bytes arrive;
 * - how it words each answer (`render`): `SSL_read → -1 SSL_ERROR_SSL: …`,
 *   `Conn.Read → 0, remote error: tls: bad certificate`, …
 *
 * Underneath, a call finds one library-neutral `Fact` (the handshake is done; data; would
 * block; a fatal alert, received or sent; the peer's close_notify; …). In blocking mode a
 * call that would block drives the simulation one delivery at a time — as a blocking call of
 * this side, so the peer meanwhile processes what it receives — until it has an answer, or
 * returns `blocked` when nothing is in flight and nothing can ever arrive.
 *
 * Each call is recorded as an `app_call` event with the generic `call`/`result` and the
 * library's `lens`/`api`/`outcome`.
 */
import { HandshakeError, type EndpointApi, type TlsEndpoint } from '@tls13sim/handshake';
import { SimulationLivelockError, type PullMode, type Simulation } from '../simulation.js';
import type { AppCall, Side } from '../trace.js';
import { sendMarkedAuthRequest } from './marked-request.js';
import { genericResult, type Attempt, type Fact, type LensResult, type Worded } from './fact.js';

export * from './fact.js';

export const LENS_NAMES = ['openssl', 'node', 'go', 'python', 'gnutls', 'rustls'] as const;
export type LensName = (typeof LENS_NAMES)[number];

export interface LensOptions {
  /** Blocking calls drive the scheduler (default false: non-blocking). */
  readonly blocking?: boolean;
  /** Deliveries one blocking call may drive before it throws SimulationLivelockError (default 10 000). */
  readonly maxSteps?: number;
  /**
   * Overrides when the library reads the socket. `on_arrival` models an application that is
   * always blocked in its next call (the explorer's applications), so its library processes
   * bytes as they arrive. Default: the library's own (`pulls`).
   */
  readonly pulls?: PullMode;
}

const EMPTY = new Uint8Array(0);

export abstract class Lens {
  abstract readonly name: LensName;
  /** When this library reads its socket. */
  abstract readonly pulls: PullMode;
  /** Whether the library has a non-blocking mode at all. */
  readonly hasNonBlocking: boolean = true;
  blocking: boolean;
  readonly maxSteps: number;
  /** The first fatal alert this lens has reported (later calls report it again, possibly worded differently). */
  protected surfaced = false;
  /** A call has reported the peer's FIN without close_notify (a truncation). */
  protected truncationSurfaced = false;
  private readonly pullOverride: PullMode | undefined;

  constructor(
    readonly sim: Simulation,
    readonly side: Side,
    opts: LensOptions = {},
  ) {
    this.blocking = opts.blocking ?? false;
    this.maxSteps = opts.maxSteps ?? 10_000;
    this.pullOverride = opts.pulls;
  }

  /** Called once by the constructor of each concrete lens (after its fields exist). */
  protected attach(): void {
    this.sim.setPullMode(this.side, this.pullOverride ?? this.pulls);
  }

  /** How the library words one answer. */
  protected abstract word(call: AppCall, fact: Fact, arg: { n?: number; data?: Uint8Array }): Worded;

  protected get ep(): EndpointApi {
    return this.sim.endpoint(this.side);
  }

  // ── the generic calls ─────────────────────────────────────────────────────────────────

  connect(): LensResult {
    this.requireRole('client', 'connect');
    return this.call('connect', {}, () => this.handshakeAttempt());
  }

  accept(): LensResult {
    this.requireRole('server', 'accept');
    return this.call('accept', {}, () => this.handshakeAttempt());
  }

  read(n: number): LensResult {
    checkCount(n);
    const zero = n === 0 ? this.zeroLengthRead() : undefined;
    if (zero !== undefined) {
      this.sim.start();
      return this.record('read', { n }, zero);
    }
    return this.call('read', { n }, () => this.readAttempt(n, true));
  }

  /**
   * A library that answers a zero-length read without reading the socket returns its answer
   * here (Python's `recv(0)`, Go's `Read` with an empty buffer, GnuTLS's refusal); undefined:
   * a zero-length read is a read like any other (libssl).
   */
  protected zeroLengthRead(): Fact | undefined {
    return undefined;
  }

  peek(n: number): LensResult {
    checkCount(n);
    return this.call('peek', { n }, () => this.readAttempt(n, false));
  }

  write(data: Uint8Array): LensResult {
    return this.call('write', { data }, () => this.writeAttempt(data), false);
  }

  shutdown(): LensResult {
    return this.call('shutdown', {}, () => this.shutdownAttempt());
  }

  /**
   * The application does nothing for a while: everything in flight arrives (the peer
   * processes and answers as it likes); this side's library reads only if it reads on
   * arrival. The `wait` step of a differential case.
   */
  wait(): void {
    this.sim.start();
    this.sim.run();
  }

  /** The end of a script (a library that reports events by itself reports the last ones). */
  finish(): void {}

  // ── what each call finds; a library lens overrides where its library differs ──────────

  protected handshakeAttempt(): Attempt {
    if (!this.ep.handshakeComplete) this.pullIfLibraryReads(() => this.ep.handshakeComplete || this.ep.error !== undefined);
    const failed = this.failure();
    if (failed) return failed;
    if (this.ep.handshakeComplete || this.ep.state === 'CONNECTED') return { kind: 'done' };
    // The peer's close_notify during the handshake (server-cancels): the handshake can never end.
    if (this.ep.state === 'CLOSED' || this.ep.peerClosed) return { kind: 'eof' };
    return this.truncation();
  }

  protected readAttempt(n: number, consume: boolean): Attempt {
    if (!this.readable()) this.pullIfLibraryReads(() => this.readable());
    let data: Uint8Array | null;
    try {
      // An endpoint that failed may throw its error here instead of returning null.
      data = n === 0 ? this.peekSome() : consume ? this.ep.readApplicationData(n) : this.ep.peekApplicationData(n);
    } catch (e) {
      return this.thrown(e);
    }
    if (data !== null && data.length > 0) return { kind: 'data', bytes: n === 0 ? EMPTY : data };
    const failed = this.failure();
    if (failed) return failed;
    if (this.ep.peerClosed) return { kind: 'eof' };
    return this.truncation();
  }

  protected writeAttempt(data: Uint8Array): Attempt {
    // No pull: a write call of these libraries never reads the socket.
    const failed = this.failure();
    if (failed) return failed;
    if (!this.ep.handshakeComplete) {
      // The write call drives the handshake first (SSL_write before SSL_connect completes).
      this.pullIfLibraryReads(() => this.ep.handshakeComplete || this.ep.error !== undefined);
      const again = this.failure();
      if (again) return again;
      if (!this.ep.handshakeComplete) return null;
    }
    if (this.sentCloseNotify()) return this.writeAfterShutdown(data);
    if (this.truncationSurfaced) {
      const refused = this.writeAfterTruncation();
      if (refused !== null) return refused;
    }
    try {
      this.sim.write(this.side, data);
    } catch (e) {
      return this.thrown(e);
    }
    return { kind: 'written', bytes: data };
  }

  /**
   * A write once a call has reported the peer's FIN without close_notify: null when the
   * library writes as before (TCP is half-closed, our direction stays open), else its refusal.
   */
  protected writeAfterTruncation(): Attempt {
    return null;
  }

  /** A write after the application's own shutdown call sent close_notify, as the library answers it. */
  protected writeAfterShutdown(_data: Uint8Array): Attempt {
    return { kind: 'refused', why: `(${this.name}: a write after shutdown is not modelled)` };
  }

  protected shutdownAttempt(): Attempt {
    const failed = this.failure();
    if (failed) return failed;
    // A call has met the peer's FIN without close_notify: the library words what is left.
    if (this.truncationSurfaced) return { kind: 'truncated', first: false };
    if (!this.sentCloseNotify() && this.ep.state !== 'CONNECTED') return { kind: 'refused', why: 'shutdown while in init' };
    if (!this.sentCloseNotify()) {
      try {
        this.sim.close(this.side);
      } catch (e) {
        return this.thrown(e);
      }
      return { kind: 'shutdown', complete: this.ep.peerClosed };
    }
    this.pullIfLibraryReads(() => this.ep.peerClosed || this.ep.error !== undefined);
    return this.ep.peerClosed ? { kind: 'shutdown', complete: true } : this.truncation();
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────

  /**
   * The library reads what has arrived, record by record until `enough()` (a no-op for
   * libraries that process on arrival: nothing waits in their buffer).
   */
  protected pullIfLibraryReads(enough?: () => boolean): void {
    this.sim.pull(this.side, enough);
  }

  /** A read would not wait: data, the peer's close_notify, or a failure is there. */
  protected readable(): boolean {
    if (this.ep.error !== undefined || this.ep.peerClosed || this.libraryErrorAlert() !== null) return true;
    try {
      return (this.ep.peekApplicationData(1)?.length ?? 0) > 0;
    } catch {
      return true;
    }
  }

  /** OpenSSL's SSL_MODE_AUTO_RETRY (a differential step); other libraries have no such mode. */
  setAutoRetry(on: boolean): void {
    throw new Error(`${this.name} lens: no auto-retry mode to set to ${on ? 'on' : 'off'} (OpenSSL only)`);
  }

  /** Processed application bytes waiting to be read (OpenSSL's SSL_pending); recorded as a call. */
  pending(): number {
    throw new Error(`${this.name} lens: no pending() call (OpenSSL's SSL_pending)`);
  }

  /**
   * The step `tickets`: the NewSessionTickets in the records this side's endpoint has
   * processed, worded by `wordTickets`. Reads nothing: an arrived ticket no call has pulled
   * is not counted, unless the library processes bytes as they arrive (Node).
   */
  tickets(): number {
    this.sim.start();
    const mine = this.sim.events.flatMap((e) => (e.side === this.side && e.type === 'record_received' ? e.messages : []));
    const n = mine.filter((m) => m === 'new_session_ticket').length;
    const w = this.wordTickets(n);
    this.sim.recordAppCall(this.side, 'tickets', 'ok', { lens: this.name, api: w.api, outcome: w.outcome });
    return n;
  }

  /** How the library lets an application count the tickets it processed (`n` so far). */
  protected abstract wordTickets(n: number): Worded;

  /** The peer's FIN without close_notify, once this side's library has read all before it. */
  protected truncation(): Fact | null {
    return this.sim.transportEnded(this.side) ? { kind: 'truncated', first: !this.truncationSurfaced } : null;
  }

  protected failure(): Fact | null {
    const err = this.ep.error;
    if (err) return this.alertFact(err.alert, err);
    const alert = this.libraryErrorAlert();
    return alert === null ? null : { kind: 'alert', alert, received: true, first: !this.surfaced };
  }

  /**
   * A received alert our endpoint does not treat as an error (it follows RFC 8446 §6.1, as
   * libssl does) but this library does (`isErrorAlert`): the first the library has read.
   */
  private libraryErrorAlert(): string | null {
    const events = this.sim.events;
    for (; this.libraryAlert === null && this.alertsScanned < events.length; this.alertsScanned++) {
      const e = events[this.alertsScanned]!;
      if (e.side === this.side && e.type === 'alert_received' && this.isErrorAlert(e.description, e.level)) this.libraryAlert = e.description;
    }
    return this.libraryAlert;
  }

  private libraryAlert: string | null = null;
  private alertsScanned = 0;

  /** Whether the library fails on an alert our endpoint ignores or reads as a close (default: none; as real runs showed, per lens). */
  protected isErrorAlert(_description: string, _level: string): boolean {
    return false;
  }

  /**
   * libssl 3.0 (so OpenSSL, Python and Node): a fatal close_notify that comes during a TLS 1.2
   * handshake fails it (reason 1000 + 0, which has no string). Observed in the tls12-alert-*
   * runs; a fatal close_notify after a TLS 1.3 handshake is a clean close, as for us.
   */
  protected libsslFailsOnAlert(description: string, level: string): boolean {
    return description === 'close_notify' && level === 'fatal' && !this.ep.handshakeComplete && this.version() === 'TLSv1.2';
  }

  /** The version this side's endpoint negotiated; null before the hellos. */
  protected version(): TlsEndpoint['version'] {
    return (this.ep as Partial<TlsEndpoint>).version ?? null;
  }

  protected thrown(e: unknown): Fact {
    const alert = (e as { alert?: unknown }).alert;
    if (typeof alert === 'string') return this.alertFact(alert, e);
    throw e;
  }

  private alertFact(alert: string, err: unknown): Fact {
    const received = this.receivedAlert(alert);
    const fact = { kind: 'alert', alert, received, first: !this.surfaced } as const;
    return !received && err instanceof HandshakeError ? { ...fact, cause: err.kind } : fact;
  }

  /** Did the peer send this alert (else we did)? */
  private receivedAlert(alert: string): boolean {
    return this.sim.events.some((e) => e.side === this.side && e.type === 'alert_received' && e.description === alert);
  }

  protected sentCloseNotify(): boolean {
    return this.sim.events.some((e) => e.side === this.side && e.type === 'alert_sent' && e.description === 'close_notify');
  }

  private peekSome(): Uint8Array | null {
    return this.ep.peekApplicationData(1);
  }

  protected requireRole(role: Side, call: string): void {
    if (this.side !== role) throw new Error(`${this.name} lens: ${call}() is for the ${role} side, this lens is on the ${this.side}`);
  }

  /** `call`, for a call some lenses model in a module of its own (early-data.ts). */
  callRecorded(call: AppCall, arg: { n?: number; data?: Uint8Array }, attempt: () => Attempt): LensResult {
    return this.call(call, arg, attempt);
  }

  /**
   * One call: attempt; in blocking mode drive deliveries (as this side's blocking call) until
   * the attempt answers or nothing can arrive. `mayBlock` false: a call that never waits for
   * the network (a write, once the handshake is done).
   */
  protected call(call: AppCall, arg: { n?: number; data?: Uint8Array }, attempt: () => Attempt, mayBlock = true): LensResult {
    this.sim.start();
    sendMarkedAuthRequest(this);
    let fact = attempt();
    // A library without a non-blocking mode (Go; Node's flowing socket) always waits.
    const blocking = this.blocking || !this.hasNonBlocking;
    if (fact === null && blocking && (mayBlock || !this.ep.handshakeComplete)) {
      fact = this.sim.driving(this.side, () => {
        let f: Attempt = null;
        for (let steps = 0; f === null; steps++) {
          if (steps >= this.maxSteps) throw new SimulationLivelockError(steps);
          // Nothing more can arrive: one last look (a FIN may have come instead of a delivery).
          if (this.sim.step() === null) return attempt() ?? ({ kind: 'blocked' } as const);
          f = attempt();
        }
        return f;
      });
    }
    fact ??= { kind: 'want_read' };
    return this.record(call, arg, fact);
  }

  protected record(call: AppCall, arg: { n?: number; data?: Uint8Array }, fact: Fact): LensResult {
    const worded = this.word(call, fact, arg);
    if (fact.kind === 'alert') this.surfaced = true;
    if (fact.kind === 'truncated') this.truncationSurfaced = true;
    const r = genericResult(fact);
    const extra: { bytes?: number; alert?: string; lens: string; api: string; outcome: string } = { lens: this.name, api: worded.api, outcome: worded.outcome };
    if (r.bytes !== undefined) extra.bytes = r.bytes.length;
    if (r.alert !== undefined) extra.alert = r.alert;
    this.sim.recordAppCall(this.side, call, r.result, extra);
    return { ...r, ...worded, fact };
  }
}

function checkCount(n: number): void {
  if (!(n >= 0) || !Number.isInteger(n)) throw new RangeError(`read/peek: n must be an integer ≥ 0, got ${n}`);
}
