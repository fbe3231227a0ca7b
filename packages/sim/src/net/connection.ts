/**
 * A TLS connection over a real TCP socket: the sans-I/O endpoint driven by `node:net`.
 *
 * - socket bytes go to `endpoint.handleBytes(bytes, Date.now())`; every record the endpoint
 *   polls out is written to the socket, one `socket.write` per record;
 * - backpressure both ways: when `socket.write` returns false we stop draining the endpoint
 *   until `drain` (`write()` then returns false, like a stream); when the application
 *   leaves more than `readHighWaterMark` bytes unread we pause the socket;
 * - timeouts: the handshake must complete within `handshakeTimeoutMs`; a connection with no
 *   traffic for `idleTimeoutMs` is closed (close_notify, then FIN);
 * - clean close (RFC 8446 §6.1): `close()` sends close_notify then FIN; a FIN without
 *   close_notify is reported as truncation. A peer's close_notify closes only its direction
 *   (§6.1): with `allowHalfOpen` our side stays writable until the application calls
 *   `close()` (reads return EOF meanwhile); without it (the default, as node:net's
 *   `allowHalfOpen: false`) it is answered at once with ours;
 * - errors: the endpoint already turned them into exactly one alert; we flush it, then
 *   destroy the socket;
 * - the same trace (format version 1) as the in-memory simulation, with real timestamps:
 *   `time` is ms since the connection started (`startedAt` is the wall-clock origin). Bytes
 *   read from the socket and bytes handed to the socket are both recorded as `delivered`
 *   events, so `renderPcap`/`renderKeylog` work on it unchanged (see ./capture.ts).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { AnyNegotiated, TlsEndpoint, TlsVersion } from '@tls13sim/handshake';
import { type TlsError, isTlsError, toHex } from '@tls13sim/record';
import { Ledgers, type LedgerView } from '../ledger.js';
import { toTraceBody } from '../trace-body.js';
import {
  TraceRecorder,
  type AppCall,
  type AppResult,
  type NetDirection,
  type Side,
  type Trace,
  type TraceEvent,
  type TraceEventBody,
  type TraceLimit,
  type TraceSide,
} from '../trace.js';

export interface ConnectionOptions {
  /** Milliseconds for the handshake to complete (our CONNECTED state); 0 disables. Default 10 000. */
  readonly handshakeTimeoutMs?: number;
  /** Milliseconds without traffic either way before we close; 0 disables. Default 0. */
  readonly idleTimeoutMs?: number;
  /** Unread application bytes above which the socket is paused. Default 1 MiB. */
  readonly readHighWaterMark?: number;
  /** After our close_notify + FIN, how long to wait for the peer's before destroying. Default 2 000. */
  readonly closeGraceMs?: number;
  /**
   * What the trace keeps: `full` (default) records every byte, as the simulation does;
   * `handshake` stops recording application-data records and raw deliveries once we are
   * CONNECTED (states, keys, alerts, post-handshake messages are still recorded), which
   * bounds the memory of long or bulk connections (a server); `none` records nothing and
   * builds no trace events at all: `events` stays empty, the ledger learns nothing and no
   * `event` is emitted (`endpoint_event` still is), for a server whose traces nobody reads.
   */
  readonly trace?: 'full' | 'handshake' | 'none';
  /**
   * The most the trace keeps: its first events, then a `trace_truncated` note. Later events
   * still reach `event` listeners (a live keylog goes on), except raw deliveries and
   * application-data records, which are no longer recorded at all. Default: no limit with
   * `trace: 'full'`, HANDSHAKE_TRACE_LIMIT with `trace: 'handshake'`; null: no limit.
   */
  readonly traceLimit?: TraceLimit | null;
  /**
   * RFC 8446 §6.1 half-close, named after node:net's option. `true`: once connected, the
   * peer's close_notify (and a FIN after it) closes only the peer's direction — `read()`
   * returns EOF, `write()` and `keyUpdate()` go on — and our close_notify + FIN go when the
   * application calls `close()` (an application that never does is bounded by the idle
   * timeout). `false` (default): the peer's close_notify is answered at once with ours, then
   * FIN, for applications that never call `close()`. During the handshake a close_notify is
   * always answered at once: there is no connection to keep writing on.
   */
  readonly allowHalfOpen?: boolean;
  /** Trace `scenario` name. Default `tcp`. */
  readonly label?: string;
  /** The wall clock (ms since the epoch). Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * What a `trace: 'handshake'` connection keeps at most: far more than a handshake, its
 * tickets and a short exchange need (tens of events and kilobytes), but bounded when a
 * peer floods the connection before the handshake completes or makes many reads after
 * (each read and write is an app_call event). About 2 MiB per connection at most.
 */
export const HANDSHAKE_TRACE_LIMIT: TraceLimit = { events: 4096, hexChars: 1 << 20 };

/** Why the connection ended. */
export type CloseReason =
  /** Both close_notify alerts were exchanged (or ours was sent and the peer closed TCP). */
  | { readonly kind: 'clean' }
  /** A TLS error: `sent` is true when we sent the alert, false when the peer did. */
  | { readonly kind: 'alert'; readonly alert: string; readonly sent: boolean; readonly message: string }
  /** The peer closed TCP without a close_notify (§6.1 truncation). */
  | { readonly kind: 'truncated' }
  | { readonly kind: 'timeout'; readonly which: 'handshake' | 'idle' }
  /** A socket error (reset, refused, …) or `destroy()`. */
  | { readonly kind: 'socket'; readonly message: string };

/** Thrown by `read()` when the peer closed TCP without close_notify (§6.1). */
export class TruncationError extends Error {
  constructor() {
    super('the peer closed the connection without close_notify (truncation, RFC 8446 §6.1)');
    this.name = 'TruncationError';
  }
}

/** Thrown by `read()`/`handshake()` when the connection ended for a non-TLS reason. */
export class ConnectionClosedError extends Error {
  constructor(readonly reason: CloseReason) {
    super(`connection closed: ${describeReason(reason)}`);
    this.name = 'ConnectionClosedError';
  }
}

export function describeReason(r: CloseReason): string {
  switch (r.kind) {
    case 'clean':
      return 'clean close (close_notify)';
    case 'alert':
      return `${r.sent ? 'we sent' : 'the peer sent'} alert ${r.alert}: ${r.message}`;
    case 'truncated':
      return 'TCP closed without close_notify (truncation)';
    case 'timeout':
      return `${r.which} timeout`;
    case 'socket':
      return `socket: ${r.message}`;
  }
}

const DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  readHighWaterMark: 1 << 20,
  closeGraceMs: 2_000,
  trace: 'full' as NonNullable<ConnectionOptions['trace']>,
  allowHalfOpen: false,
};

/**
 * Events: `secure` (our endpoint reached CONNECTED: connect/accept returned), `readable`
 * (application data or EOF to read), `drain` (writes may resume), `event` (each trace
 * event as recorded), `close` (CloseReason; the socket is gone).
 */
export class TlsConnection extends EventEmitter {
  readonly side: Side;
  readonly endpoint: TlsEndpoint;
  readonly socket: Socket;
  /** Wall-clock ms at which the trace's time 0 lies. */
  readonly startedAt: number;
  private readonly opts: Required<Omit<ConnectionOptions, 'label' | 'traceLimit'>> & { label: string };
  private readonly rec = new TraceRecorder();
  private readonly ledgers = new Ledgers();
  private writeBlocked = false;
  private secureAt: number | undefined;
  private closeReason: CloseReason | undefined;
  private socketEnded = false;
  private endWhenFlushed = false;
  private peerFin = false;
  private halfCloseNoted = false;
  /** `close({ fin: false })`: our close_notify has gone, and TCP stays open until the peer ends it or the application does. */
  private holdFin = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private lastNegotiated: AnyNegotiated | null = null;
  private lastPeerCertificates: readonly Uint8Array[] = [];

  constructor(socket: Socket, endpoint: TlsEndpoint, options: ConnectionOptions = {}) {
    super();
    this.socket = socket;
    this.endpoint = endpoint;
    this.side = endpoint.role;
    this.opts = { ...DEFAULTS, clock: Date.now, label: 'tcp', ...options };
    this.startedAt = this.opts.clock();
    this.rec.setLimit(options.traceLimit !== undefined ? options.traceLimit : this.opts.trace === 'handshake' ? HANDSHAKE_TRACE_LIMIT : null);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e) => {
      this.closeReason ??= { kind: 'socket', message: e.message };
    });
    socket.on('close', () => this.onSocketClose());
    socket.on('timeout', () => this.onIdle());
    if (this.opts.idleTimeoutMs > 0) socket.setTimeout(this.opts.idleTimeoutMs);
    if (this.opts.handshakeTimeoutMs > 0) {
      this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), this.opts.handshakeTimeoutMs);
      this.handshakeTimer.unref?.();
    }
    this.guarded(() => endpoint.start(this.opts.clock()));
    this.pump();
  }

  // ── observation ──────────────────────────────────────────────────────────────────────

  /** Milliseconds since the connection started (the trace clock). */
  get now(): number {
    return this.opts.clock() - this.startedAt;
  }

  get events(): readonly TraceEvent[] {
    return this.rec.events;
  }

  /** What the trace keeps (ConnectionOptions `trace`). */
  get traceMode(): NonNullable<ConnectionOptions['trace']> {
    return this.opts.trace;
  }

  toTrace(): Trace {
    return { version: 1, scenario: this.opts.label, seed: 0, events: [...this.rec.events] };
  }

  /** The protocol version negotiated (kept after the endpoint closes, as `negotiated` is); null before the hellos. */
  get version(): TlsVersion | null {
    const n = this.negotiated;
    return this.endpoint.version ?? (n === null ? null : 'version' in n ? n.version : 'TLSv1.3');
  }

  get ledger(): LedgerView {
    return this.ledgers.of(this.side);
  }

  /** Trace time at which our endpoint reached CONNECTED (connect/accept returned). */
  get connectedAt(): number | undefined {
    return this.secureAt;
  }

  /** What was negotiated (kept after the endpoint closes, when it no longer says). */
  get negotiated(): AnyNegotiated | null {
    return this.endpoint.negotiated ?? this.lastNegotiated;
  }

  /** The peer's certificate chain, once authenticated (kept after close). */
  get peerCertificates(): readonly Uint8Array[] {
    const now = this.endpoint.peerCertificates;
    return now.length > 0 ? now : this.lastPeerCertificates;
  }

  /** Set once the connection ended. */
  get closed(): CloseReason | undefined {
    return this.closeReason;
  }

  /** A note in the trace (teaching annotation, or what the application did). */
  note(text: string, side: TraceSide = this.side): void {
    this.emitTrace(side, { type: 'note', text });
  }

  // ── the application's calls ──────────────────────────────────────────────────────────

  /** Resolves when our endpoint is CONNECTED; rejects with the TLS error or close reason. */
  handshake(): Promise<void> {
    if (this.secureAt !== undefined) return Promise.resolve();
    const failure = this.failure();
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const onSecure = (): void => {
        this.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.off('secure', onSecure);
        reject(this.failure() ?? new ConnectionClosedError(this.closeReason ?? { kind: 'socket', message: 'closed' }));
      };
      this.once('secure', onSecure);
      this.once('close', onClose);
    });
  }

  /**
   * The next application data, as SSL_read would return it: bytes; null at a clean EOF (the
   * peer's close_notify); throws the TLS error (the alert we sent or received), a
   * TruncationError, or a ConnectionClosedError.
   */
  async read(max?: number): Promise<Uint8Array | null> {
    for (;;) {
      const r = this.tryRead(max);
      if (r !== undefined) return r;
      await this.waitReadable();
    }
  }

  /**
   * Resolves true when there may be something to read (data, EOF, an error, the end of
   * the connection), false after `timeoutMs` without (never, when omitted).
   */
  waitReadable(timeoutMs?: number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (woke: boolean): void => {
        clearTimeout(timer);
        this.off('readable', onWake);
        this.off('close', onWake);
        resolve(woke);
      };
      const onWake = (): void => done(true);
      this.on('readable', onWake);
      this.on('close', onWake);
      if (timeoutMs !== undefined) timer = setTimeout(() => done(false), timeoutMs);
    });
  }

  /** Non-blocking read: bytes, null (EOF), undefined (nothing yet, want_read); throws like read(). */
  tryRead(max?: number): Uint8Array | null | undefined {
    let data: Uint8Array | null;
    try {
      data = this.endpoint.readApplicationData(max);
    } catch (e) {
      this.appCall('read', 'error', { alert: isTlsError(e) ? e.alert : String(e) });
      throw e;
    }
    if (data !== null) {
      this.appCall('read', 'ok', { bytes: data.length });
      if (this.socket.isPaused() && this.endpoint.bufferedApplicationBytes < this.opts.readHighWaterMark && !this.socket.destroyed) {
        this.socket.resume();
      }
      return data;
    }
    const reason = this.closeReason ?? (this.peerFin ? this.settledReason() : undefined);
    if (this.endpoint.peerClosed || reason?.kind === 'clean') {
      this.appCall('read', 'ok', { bytes: 0 });
      return null;
    }
    if (reason !== undefined) {
      this.appCall('read', 'error');
      throw reason.kind === 'truncated' ? new TruncationError() : new ConnectionClosedError(reason);
    }
    return undefined;
  }

  /** Reads until a clean EOF; returns everything read. Throws like read(). */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let d = await this.read(); d !== null; d = await this.read()) parts.push(d);
    return concat(parts);
  }

  /**
   * Queues application data (sent once the write keys allow; a client's before its
   * Finished is held back). Returns false when the socket is backed up: wait for `drain`.
   */
  write(data: Uint8Array | string): boolean {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.endpoint.write(bytes);
    this.appCall('write', 'ok', { bytes: bytes.length });
    this.pump();
    return !this.writeBlocked;
  }

  /** write(), then waits for `drain` if the socket is backed up. */
  async writeAsync(data: Uint8Array | string): Promise<void> {
    if (this.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.off('drain', done);
        this.off('close', done);
        resolve();
      };
      this.on('drain', done);
      this.on('close', done);
    });
    const failure = this.failure();
    if (failure !== undefined) throw failure;
  }

  /** §4.6.3 KeyUpdate; `requestPeer` asks the peer to update its sending keys too. */
  keyUpdate(requestPeer: boolean): void {
    this.endpoint.keyUpdate(requestPeer);
    this.note(`application: KeyUpdate(${requestPeer ? 'update_requested' : 'update_not_requested'})`);
    this.pump();
  }

  /** Server: post-handshake client authentication (§4.6.2). */
  requestClientAuth(): void {
    this.endpoint.requestClientAuth();
    this.note('application: CertificateRequest (post-handshake authentication)');
    this.pump();
  }

  /**
   * Clean close (§6.1): close_notify, then FIN. Resolves when the socket is gone: after the
   * peer's close_notify/FIN, or `closeGraceMs` later.
   *
   * `fin: false`: the close_notify alone. It closes our direction of the TLS connection
   * (§6.1), not TCP: no FIN follows, not even once the peer's close_notify has come, until
   * the peer closes TCP, the idle timeout fires, or the application calls `close()` again or
   * `destroy()` (as an application that takes its TCP connection back does: Python's
   * `SSLSocket.unwrap()`). The promise resolves when the socket is gone.
   */
  close(opts: { readonly fin?: boolean } = {}): Promise<CloseReason> {
    if (this.closeReason !== undefined) return Promise.resolve(this.closeReason);
    const done = new Promise<CloseReason>((resolve) => this.once('close', (r: CloseReason) => resolve(r)));
    if (this.endpoint.error === undefined && !this.endpoint.closedForWriting) {
      this.guarded(() => this.endpoint.close());
      this.appCall('shutdown', 'ok');
    }
    this.pump();
    this.holdFin = opts.fin === false;
    if (!this.holdFin) this.finish(this.settledReason());
    return done;
  }

  /** Abandons the connection without any alert (a socket error, or a test's silence). */
  destroy(message = 'destroyed by the application'): void {
    this.closeReason ??= { kind: 'socket', message };
    this.socket.destroy();
  }

  // ── the socket side ──────────────────────────────────────────────────────────────────

  private onData(chunk: Buffer): void {
    // After a fatal alert (sent or received) the endpoint takes nothing more: a peer that
    // goes on sending (a flood) costs no copy and no trace.
    if (this.endpoint.error !== undefined) return;
    // Still read after we closed: the peer's answering close_notify belongs in the trace.
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
    if (this.recordsDeliveries)
      this.emitTrace('network', { type: 'delivered', direction: this.inbound, bytes: bytes.length, taken: bytes.length, hex: toHex(bytes) });
    this.guarded(() => this.endpoint.handleBytes(bytes, this.opts.clock()));
    this.pump();
    if (this.endpoint.bufferedApplicationBytes >= this.opts.readHighWaterMark) this.socket.pause();
  }

  private onEnd(): void {
    this.peerFin = true;
    this.emitTrace('network', { type: 'note', text: `${this.peerSide} closed TCP (FIN)`, fact: 'tcp_fin' });
    if (this.halfClosed) {
      // After its close_notify the peer's FIN ends its direction only (TCP half-close, the
      // socket is allowHalfOpen): ours stays open until the application closes it.
      this.note(`${this.peerSide}'s FIN after its close_notify: our direction stays open until the application closes it`);
      return;
    }
    // After an alert, after the peer's close_notify, or after ours (§6.1 lets the peer close
    // without answering), a FIN ends nothing we still wait for. Otherwise it is a truncation.
    const expected = this.endpoint.error !== undefined || this.endpoint.peerClosed || this.endpoint.closedForWriting;
    this.finish(expected ? this.settledReason() : { kind: 'truncated' });
  }

  private onSocketClose(): void {
    this.closeReason ??= this.settledReason();
    this.release();
  }

  /** Why we ended, judged from the endpoint once the socket is going away. */
  private settledReason(): CloseReason {
    const err = this.endpoint.error;
    if (err !== undefined) return alertReason(err);
    if (this.endpoint.peerClosed || this.endpoint.closedForWriting) return { kind: 'clean' };
    if (this.peerFin) return { kind: 'truncated' };
    return { kind: 'socket', message: 'closed' };
  }

  private onIdle(): void {
    this.note(`idle for ${this.opts.idleTimeoutMs} ms: closing`);
    this.closeWith({ kind: 'timeout', which: 'idle' });
  }

  private onHandshakeTimeout(): void {
    if (this.secureAt !== undefined || this.closeReason !== undefined) return;
    this.note(`handshake not complete after ${this.opts.handshakeTimeoutMs} ms: closing`);
    this.closeWith({ kind: 'timeout', which: 'handshake' });
  }

  /** Timeout: user_canceled + close_notify during the handshake (§6.1), close_notify after. */
  private closeWith(reason: CloseReason): void {
    if (this.closeReason !== undefined) return;
    if (this.endpoint.error === undefined && !this.endpoint.closedForWriting) {
      this.guarded(() => (this.secureAt === undefined ? this.endpoint.cancel() : this.endpoint.close()));
    }
    this.pump();
    this.finish(reason);
  }

  /**
   * Drains the endpoint: records to the socket (respecting backpressure), events to the trace.
   * What one input produced (a flight) leaves in one write: written record by record, a peer
   * that refused an early record could close between the writes, and the next write's EPIPE
   * would end the connection before the peer's alert, already arrived, was read.
   */
  private pump(): void {
    this.drainEvents();
    this.socket.cork();
    try {
      this.writeRecords();
    } finally {
      this.socket.uncork();
    }
    this.drainEvents();
    this.react();
    this.endIfFlushed();
  }

  private writeRecords(): void {
    while (!this.writeBlocked && !this.socket.destroyed && !this.socketEnded) {
      const rec = this.endpoint.pollTransmit();
      if (rec === null) break;
      if (this.recordsDeliveries)
        this.emitTrace('network', { type: 'delivered', direction: this.outbound, bytes: rec.length, taken: rec.length, hex: toHex(rec) });
      if (!this.socket.write(rec)) {
        this.writeBlocked = true;
        this.socket.once('drain', () => {
          this.writeBlocked = false;
          this.pump();
          if (!this.writeBlocked) this.emit('drain');
        });
      }
    }
  }

  private drainEvents(): void {
    this.lastNegotiated = this.endpoint.negotiated ?? this.lastNegotiated;
    if (this.endpoint.peerCertificates.length > 0) this.lastPeerCertificates = this.endpoint.peerCertificates;
    let readable = false;
    for (let ev = this.endpoint.pollEvent(); ev !== null; ev = this.endpoint.pollEvent()) {
      const bulk = (ev.type === 'record_sent' || ev.type === 'record_received') && ev.record.innerType === 'application_data';
      const body = this.opts.trace === 'none' || (bulk && !this.recordsDeliveries) ? null : toTraceBody(this.side, ev);
      if (body !== null) this.emitTrace(this.side, body);
      if (ev.type === 'application_data' || ev.type === 'peer_closed' || ev.type === 'alert_received') readable = true;
      this.emit('endpoint_event', ev);
    }
    if (this.secureAt === undefined && this.endpoint.state === 'CONNECTED') {
      this.secureAt = this.now;
      clearTimeout(this.handshakeTimer);
      this.appCall(this.side === 'client' ? 'connect' : 'accept', 'ok');
      this.emit('secure');
    }
    if (readable) this.emit('readable');
  }

  /** After each input: answer close_notify, tear down after an error. */
  private react(): void {
    if (this.closeReason !== undefined) return;
    const err = this.endpoint.error;
    if (err !== undefined) {
      // The alert (if ours) is already in the socket's buffer: FIN after it, then the socket goes.
      this.finish(alertReason(err));
      return;
    }
    if (!this.endpoint.peerClosed) return;
    if (this.halfClosed) {
      // §6.1: the peer's close_notify closes its direction only; ours goes with close().
      if (!this.halfCloseNoted) {
        this.halfCloseNoted = true;
        this.note('peer sent close_notify: half-closed, ours goes when the application closes (allowHalfOpen)');
      }
      return;
    }
    if (!this.endpoint.closedForWriting) {
      // §6.1: "Each party MUST send a "close_notify" alert before closing its write side."
      this.note('peer sent close_notify: answering with ours');
      this.guarded(() => this.endpoint.close());
      this.pump();
    }
    if (this.endpoint.closedForWriting && this.writeBlocked === false && !this.holdFin) this.finish({ kind: 'clean' });
  }

  /**
   * Half-closed by the peer (allowHalfOpen): its close_notify arrived after our handshake
   * completed, and we may still write — nothing has failed and we have not closed.
   */
  private get halfClosed(): boolean {
    return (
      this.opts.allowHalfOpen && this.secureAt !== undefined && this.endpoint.peerClosed && !this.endpoint.closedForWriting && this.endpoint.error === undefined
    );
  }

  /**
   * Ends the connection once: records why, sends FIN after whatever is buffered (the socket
   * flushes it), and destroys the socket if it is still there after the grace period. The
   * socket's own 'close' releases the application's waiters.
   */
  private finish(reason: CloseReason): void {
    if (this.closeReason === undefined) {
      this.closeReason = reason;
      this.emitTrace('network', { type: 'note', text: `connection ending: ${describeReason(reason)}`, fact: 'tcp_closing' });
    }
    clearTimeout(this.handshakeTimer);
    this.emit('readable');
    if (this.socket.destroyed) {
      this.release();
      return;
    }
    this.endWhenFlushed = true;
    this.endIfFlushed();
  }

  /**
   * FIN once every record the endpoint produced is in the socket: while the socket is
   * backed up, records (and our close_notify) still wait in the endpoint and `pump()`
   * calls us again on drain. A peer that never reads is bounded by the idle timeout, and
   * after FIN by the grace period.
   */
  private endIfFlushed(): void {
    if (!this.endWhenFlushed || this.socketEnded || this.writeBlocked || this.socket.destroyed) return;
    this.socketEnded = true;
    this.socket.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), this.opts.closeGraceMs);
    this.graceTimer.unref?.();
  }

  private released = false;

  private release(): void {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.graceTimer);
    this.emit('readable');
    this.emit('close', this.closeReason);
  }

  private guarded(f: () => void): void {
    try {
      f();
    } catch (e) {
      // The endpoint already turned a TLS error into its alert; pump() sends it and react()
      // tears down. Anything else is API misuse by this adapter: surface it.
      if (!isTlsError(e)) throw e;
    }
  }

  private failure(): Error | undefined {
    const err = this.endpoint.error;
    if (err !== undefined) return err;
    if (this.closeReason === undefined) return undefined;
    if (this.closeReason.kind === 'clean' && this.secureAt !== undefined) return undefined;
    return this.closeReason.kind === 'truncated' ? new TruncationError() : new ConnectionClosedError(this.closeReason);
  }

  private appCall(call: AppCall, result: AppResult, extra: { bytes?: number; alert?: string } = {}): void {
    this.emitTrace(this.side, { type: 'app_call', call, result, ...extra });
  }

  /** In `handshake` trace mode, bulk events after CONNECTED are not kept. */
  private keeps(body: TraceEventBody): boolean {
    if (this.opts.trace === 'full' || this.secureAt === undefined) return true;
    if (body.type === 'delivered') return false;
    if ((body.type === 'record_sent' || body.type === 'record_received') && body.innerType === 'application_data') return false;
    return true;
  }

  private emitTrace(side: TraceSide, body: TraceEventBody): void {
    if (this.opts.trace === 'none' || !this.keeps(body)) return;
    const t = this.now;
    const ev = this.rec.emit(side, t, body);
    this.emit('event', ev);
    for (const v of this.ledgers.observe(ev)) this.emit('event', this.rec.emit(v.side, t, v.body));
  }

  private get recordsDeliveries(): boolean {
    // Past the trace limit, bytes and application-data records are not even turned into
    // events (hex): nothing keeps them.
    if (this.opts.trace === 'none') return false;
    return (this.opts.trace === 'full' || this.secureAt === undefined) && this.rec.dropped === 0;
  }

  private get inbound(): NetDirection {
    return this.side === 'client' ? 'server_to_client' : 'client_to_server';
  }

  private get outbound(): NetDirection {
    return this.side === 'client' ? 'client_to_server' : 'server_to_client';
  }

  private get peerSide(): Side {
    return this.side === 'client' ? 'server' : 'client';
  }
}

function alertReason(err: TlsError): CloseReason {
  const sent = err.name !== 'PeerAlertError';
  return { kind: 'alert', alert: err.alert, sent, message: err.message };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
