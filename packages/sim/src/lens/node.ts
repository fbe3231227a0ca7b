/**
 * The Node lens (Node 20's `tls`, a client `TLSSocket`): the run seen as the events a Node
 * application gets — `'secureConnect'`, `'data'`, `'error'`, `'end'`, `'close'`, write
 * callbacks — and the few calls it makes (`tls.connect`, `socket.write`, `socket.end`).
 * Verified against the real module by test/differential (node harness); the line format is
 * the harness's (test/differential/node/harness.mjs).
 *
 * What it mirrors (each seen in a differential run):
 * - the socket flows: Node's OpenSSL processes bytes as they arrive (`pulls: on_arrival`), and
 *   a late fatal alert is an `'error'` event (`err.code` `ERR_SSL_…`) with no read at all;
 * - `'secureConnect'` fires once the client has sent its Finished, before the server's verdict;
 * - an alert during the handshake (TLS 1.2: the server's verdict on the client certificate)
 *   ends the connect with `'error'`, and Node destroys the socket: no `'end'`; a later
 *   `socket.write` returns false and its callback gets ERR_STREAM_DESTROYED; `'close'`
 *   (hadError=true) fires after the callbacks, when the application next waits;
 * - a received alert after the handshake only emits `'error'`: `'end'` and `'close'` (hadError=false) follow when
 *   the peer closes TCP, which our server does right after its alert. Here the peer's TCP FIN
 *   is taken to follow its last record once it is CLOSED or has sent close_notify. The FIN is
 *   an I/O callback of its own: when the records before it answered the application's read,
 *   the application's next step (a `socket.end`, say) comes before `'end'` and `'close'`;
 * - a handshake it aborted itself is the same `'error'`, its code ERR_SSL_ + libssl's reason for
 *   the failure (a downgrade sentinel: `ERR_SSL_INAPPROPRIATE_FALLBACK`);
 * - the peer's close_notify is `'end'`; Node answers with its own close_notify (its sockets
 *   are not half-open by default), and `'close'` (hadError=false) follows once that is sent,
 *   whether or not the peer has closed TCP: in the RFC 8448 twins our client sends its
 *   close_notify without a FIN, and Node's server still had its `'close'` before its next
 *   step. The lens takes the peer's FIN to follow its close_notify, which comes to the same;
 * - `socket.write` returns true and its callback gets no error while the socket is open;
 *   after `'close'` it returns false and the callback gets EPIPE; after an alert but before
 *   `'close'` it returns true and the callback never fires. After the application's own
 *   `socket.end()` it returns false, and the callback and an `'error'` get
 *   ERR_STREAM_WRITE_AFTER_END; after the peer's `'end'` (the socket is not half-open) it
 *   returns false and they get EPIPE; either way `'close'` (hadError=true) follows and
 *   nothing more is emitted. Callbacks fire when the application next waits for I/O, after
 *   the calls it makes without waiting;
 * - the peer's TCP FIN without close_notify is `'end'` and `'close'` (hadError=false), as after
 *   a close_notify: Node does not tell a truncation from a clean close. The 'close' is a later
 *   I/O callback than the 'end': a synchronous call right after 'end' comes first. Before
 *   `'secureConnect'` it is `'end'`, then `'error'` ECONNRESET (which ends the connect), and
 *   `'close'` (hadError=true) at the next wait;
 * - each record is its own `'data'` event, even when several arrive together;
 * - a "read" is not a Node call: the application takes the next `'data'`/`'end'`/`'error'`/
 *   `'close'` event (as an `events.on` loop would), and waits for one if none is queued.
 * - as a server (the server-* cases): the application gets the socket from the tls.Server's
 *   `'secureConnection'` (its step `accept`); a failed handshake is the tls.Server's
 *   `'tlsClientError'` and no socket at all: a later step has `no socket` to call.
 * Node has no non-blocking mode, no zero-length read and no peek.
 */
import type { PullMode, Simulation } from '../simulation.js';
import { peerOf, type AppResult, type Side, type TraceEvent } from '../trace.js';
import { HandshakeError } from '@tls13sim/handshake';
import { Lens, type LensOptions, type LensResult, type Worded } from './lens.js';
import {
  NODE_API,
  NODE_EVENT,
  nodeLocalAbortCode,
  NODE_OUTCOME,
  nodeAlertCode,
  nodeCloseOutcome,
  nodeDataOutcome,
  nodeProtocol,
  nodeWriteOutcome,
} from './vocab/node.js';
import { isNodeErrorAlert, NOT_ERRORS, recordNodeCall, type NodeCall, type NodeEvent, nextRecordData } from './node-events.js';

export class NodeLens extends Lens {
  readonly name = 'node' as const;
  readonly pulls: PullMode = 'on_arrival';
  override readonly hasNonBlocking = false;
  /** Readable events ('data', 'end', 'error', 'close') no read step has taken yet. */
  private readonly queue: NodeEvent[] = [];
  /** The step waiting for an event, and whether one came. */
  private waiting: 'connect' | 'read' | null = null;
  private answered: LensResult | null = null;
  /** Write callbacks not yet fired: they fire when the application next waits for I/O. */
  private deferred: string[] = [];
  private readonly fired = { secureConnect: false, end: false, close: false, error: false };
  private ended = false;
  /** A handshake error destroyed the socket (Node's TLSSocket does so); its 'close' is due at the next wait. */
  private destroyed = false;
  private closeDue = false;
  /**
   * The peer's FIN came with the records that answered the application's read: its 'end' /
   * 'close' are a later I/O callback, so the application's next step runs first (the
   * harness: socket.end after an 'error' read, then 'end' and 'close'). Due at the next wait.
   */
  private finDue = false;
  /**
   * 'end' has fired for the peer's FIN: Node ends its own side and destroys the socket, and
   * that 'close' (hadError=false) is a later I/O callback: the application's next
   * synchronous step (a socket.end, a write) comes first. Due at the next wait.
   */
  private cleanCloseDue = false;
  /** A write Node refused: its 'error' (this code) and 'close' (hadError=true) follow its callback at the next wait. */
  private failDue: string | null = null;
  /** A server whose handshake failed: 'tlsClientError', and the application never got a socket. */
  private noSocket = false;

  constructor(sim: Simulation, side: Side, opts: LensOptions = {}) {
    super(sim, side, opts);
    this.attach();
    sim.setProgram(side, (_s, _side, events) => this.observe(events));
  }

  /** The `tickets` step: 'session' events: one per ticket, fired as it is processed (on arrival). */
  protected wordTickets(n: number): Worded {
    return { api: "'session' events", outcome: String(n) };
  }

  protected word(): Worded {
    // Not used: every Node line is recorded by the methods below.
    return { api: '', outcome: '' };
  }

  // ── the application's steps ───────────────────────────────────────────────────────────

  override connect(): LensResult {
    if (this.side !== 'client') throw new Error(`node lens: connect() is for the client side, this lens is on the ${this.side}`);
    if (this.fired.secureConnect) return this.line('connect', NODE_API.connect, `${NODE_EVENT.secureConnect}`, 'ok');
    return this.waitFor('connect');
  }

  /**
   * Server side: the tls.Server's 'secureConnection' (the socket), or its 'tlsClientError'
   * when the handshake fails: then the application never has a socket.
   */
  override accept(): LensResult {
    if (this.fired.secureConnect) return this.line('accept', NODE_API.accept, NODE_EVENT.secureConnection, 'ok');
    return this.waitFor('connect');
  }

  override read(n: number): LensResult {
    this.sim.start();
    if (this.noSocket) return this.line('read', NODE_API.read, NODE_OUTCOME.noSocket, 'error');
    if (n === 0) return this.line('read', NODE_API.read, 'unsupported: Node has no read call to give a zero length', 'error');
    const next = this.queue.shift();
    if (next !== undefined) return this.readLine(next);
    return this.waitFor('read');
  }

  override peek(): LensResult {
    this.sim.start();
    return this.line('peek', '(no peek)', 'unsupported: Node has no peek', 'error');
  }

  override write(data: Uint8Array): LensResult {
    this.sim.start();
    if (this.noSocket) return this.line('write', NODE_API.write, NODE_OUTCOME.noSocket, 'error');
    if (this.ended) {
      this.deferred.push(NODE_OUTCOME.writeAfterEnd);
      this.failDue ??= NODE_OUTCOME.writeAfterEnd;
      return this.line('write', NODE_API.write, nodeWriteOutcome(false, data.length), 'error');
    }
    if (this.destroyed) {
      this.deferred.push(NODE_OUTCOME.writeAfterDestroy);
      return this.line('write', NODE_API.write, nodeWriteOutcome(false, data.length), 'error');
    }
    if (this.fired.close) {
      this.deferred.push(NODE_OUTCOME.writeAfterClose);
      return this.line('write', NODE_API.write, nodeWriteOutcome(false, data.length), 'error');
    }
    if (this.fired.end) {
      // The peer ended and the socket is not half-open: Node's write is net's writeAfterFIN.
      this.deferred.push(NODE_OUTCOME.writeAfterPeerEnd);
      this.failDue ??= NODE_OUTCOME.writeAfterPeerEnd;
      return this.line('write', NODE_API.write, nodeWriteOutcome(false, data.length), 'error');
    }
    if (this.ep.error === undefined) {
      this.sim.write(this.side, data);
      this.deferred.push(NODE_OUTCOME.writeOk);
    }
    // After an alert, before the TCP close: true, nothing sent, the callback never fires.
    return this.line('write', NODE_API.write, nodeWriteOutcome(true, data.length), 'ok', data);
  }

  override shutdown(): LensResult {
    this.sim.start();
    if (this.noSocket) return this.line('shutdown', NODE_API.shutdown, NODE_OUTCOME.noSocket, 'error');
    this.ended = true;
    if (this.ep.error === undefined && !this.sentCloseNotify()) this.sim.close(this.side);
    return this.line('shutdown', NODE_API.shutdown, NODE_OUTCOME.shutdown, 'ok');
  }

  override wait(): void {
    this.flushCallbacks();
    super.wait();
    // The wait lasts: every callback that came due during it has fired by its end.
    this.flushCallbacks();
  }

  override finish(): void {
    this.wait();
  }

  // ── events ────────────────────────────────────────────────────────────────────────────

  /** Turns what the endpoint just did into Node events, in order. */
  private observe(events: readonly TraceEvent[]): void {
    // A socket Node destroyed after a write error emits nothing more; a server's failed handshake left none.
    if ((this.destroyed && this.fired.close) || this.noSocket) return;
    for (const e of events) {
      if (e.type === 'state' && e.to === 'CONNECTED' && !this.fired.secureConnect) {
        this.fired.secureConnect = true;
        // The server application learns of it from the tls.Server's 'secureConnection'.
        this.emitEvent(
          {
            api: this.side === 'client' ? NODE_EVENT.secureConnect : NODE_EVENT.secureConnection,
            outcome: nodeProtocol(this.version()),
          },
          false,
        );
      } else if (e.type === 'record_received' && e.innerType === 'application_data' && e.epoch !== 'early') {
        this.emitData();
      } else if (e.type === 'alert_received' && isNodeErrorAlert(e.description, this.ep.error?.alert) && !this.fired.error) {
        this.fired.error = true;
        this.handshakeOrSocketError({ api: NODE_EVENT.error, outcome: nodeAlertCode(e.description) ?? `(alert ${e.description})`, alert: e.description });
      } else if (e.type === 'alert_sent' && !NOT_ERRORS.has(e.description) && !this.fired.error) {
        // We aborted: Node reports OpenSSL's reason for the failure (nodeLocalAbortCode), where a case has observed it.
        this.fired.error = true;
        const err = this.ep.error;
        const code = err instanceof HandshakeError ? nodeLocalAbortCode(err.kind, this.side) : undefined;
        this.handshakeOrSocketError({ api: NODE_EVENT.error, outcome: code ?? `(sent ${e.description})`, alert: e.description });
      } else if (e.type === 'alert_received' && e.description === 'close_notify' && !this.fired.end) {
        this.fired.end = true;
        if (this.hasSocket()) this.emitEvent({ api: NODE_EVENT.end, outcome: NODE_OUTCOME.end, alert: 'close_notify' }, true);
        // Not half-open: Node answers the peer's close_notify with its own.
        if (this.ep.error === undefined && !this.sentCloseNotify()) this.sim.close(this.side);
      }
    }
    if (!this.fired.close && !this.destroyed && !this.noSocket && !this.finDue && !this.cleanCloseDue && this.peerClosedTransport()) {
      if (this.waiting === 'read' && this.answered !== null) this.finDue = true;
      else this.emitFin();
    }
  }

  /**
   * The peer's TCP FIN: 'end' (unless its close_notify gave one already), then 'close'. Before
   * 'secureConnect', 'end' and then an 'error' (ECONNRESET: the socket disconnected before the
   * secure connection was established); Node destroys the socket, 'close' (hadError=true) follows.
   */
  private emitFin(): void {
    if (!this.fired.end) {
      this.fired.end = true;
      if (this.hasSocket()) this.emitEvent({ api: NODE_EVENT.end, outcome: NODE_OUTCOME.end }, true);
    }
    if (!this.fired.secureConnect && !this.fired.error) {
      this.fired.error = true;
      this.handshakeOrSocketError({ api: NODE_EVENT.error, outcome: NODE_OUTCOME.disconnectedInHandshake, failed: true });
      return;
    }
    this.cleanCloseDue = true;
  }

  /**
   * A failure: the socket's 'error'; before 'secureConnect' Node then destroys the socket. A
   * server's handshake failure is the tls.Server's 'tlsClientError' instead, and no socket.
   */
  private handshakeOrSocketError(ev: NodeEvent): void {
    if (this.side === 'server' && !this.fired.secureConnect) {
      this.noSocket = true;
      this.emitEvent({ ...ev, api: NODE_EVENT.tlsClientError }, false);
      return;
    }
    this.emitEvent(ev, true);
    this.destroyIfHandshaking();
  }

  /** A server application has no socket before 'secureConnection' (server-alert-close_notify: no 'end'). */
  private hasSocket(): boolean {
    return this.side === 'client' || this.fired.secureConnect;
  }

  /** An error before 'secureConnect': Node destroys the socket; 'close' (hadError=true) fires at the next wait. */
  private destroyIfHandshaking(): void {
    if (this.fired.secureConnect || this.destroyed) return;
    this.destroyed = true;
    this.closeDue = true;
  }

  /** One 'data' event per record that has arrived, as Node's TLS socket emits them (each SSL_read's plaintext). */
  private emitData(): void {
    for (let d = nextRecordData(this.ep); d !== null && d.length > 0; d = nextRecordData(this.ep))
      this.emitEvent({ api: NODE_EVENT.data, outcome: nodeDataOutcome(d.length), data: d }, true);
  }

  /**
   * The peer's TCP FIN: it hung up (`Simulation.hangUp`), or it is CLOSED or sent
   * close_notify and everything it sent has arrived.
   */
  private peerClosedTransport(): boolean {
    if (this.sim.transportEnded(this.side)) return true;
    const peer = peerOf(this.side);
    // Its close_notify has been processed here once nothing is in flight or buffered (Node reads on arrival).
    const done = this.sim.endpoint(peer).state === 'CLOSED' || this.ep.peerClosed;
    return done && this.sim.inFlightTo(this.side) === 0 && this.sim.buffered(this.side) === 0;
  }

  private emitEvent(ev: NodeEvent, readable: boolean): void {
    // Callbacks queued before this I/O event fire first.
    this.flushCallbacks();
    this.sim.recordAppCall(this.side, 'event', ev.failed === true || (ev.alert !== undefined && ev.alert !== 'close_notify') ? 'error' : 'ok', {
      lens: this.name,
      api: ev.api,
      outcome: ev.outcome,
      ...(ev.alert !== undefined && ev.alert !== 'close_notify' ? { alert: ev.alert } : {}),
    });
    const endsConnect = ev.api !== NODE_EVENT.data && ev.api !== NODE_EVENT.end && ev.api !== NODE_EVENT.writeCallback;
    if (this.waiting === 'connect' && this.answered === null && endsConnect) {
      const server = this.side === 'server';
      const api = server ? 'tls.Server' : NODE_API.connect;
      const ok = ev.api === NODE_EVENT.secureConnect || ev.api === NODE_EVENT.secureConnection;
      this.answered = this.line(server ? 'accept' : 'connect', api, ok && server ? "'secureConnection'" : ev.api, ok ? 'ok' : 'error', undefined, ev.alert);
      if (readable) this.queue.push(ev);
      return;
    }
    if (!readable) return;
    if (this.waiting === 'read' && this.answered === null) this.answered = this.readLine(ev);
    else this.queue.push(ev);
  }

  private flushCallbacks(): void {
    const pending = this.deferred;
    this.deferred = [];
    // Due before this flush: a 'close' that an 'end' fired in it comes at the next one.
    const cleanClose = this.cleanCloseDue;
    this.cleanCloseDue = false;
    for (const outcome of pending) {
      this.sim.recordAppCall(this.side, 'event', outcome === NODE_OUTCOME.writeOk ? 'ok' : 'error', {
        lens: this.name,
        api: NODE_EVENT.writeCallback,
        outcome,
      });
    }
    // A destroyed socket's 'close' comes after the callbacks already due.
    if (this.closeDue) {
      this.closeDue = false;
      this.fired.close = true;
      this.emitEvent({ api: NODE_EVENT.close, outcome: nodeCloseOutcome(true) }, true);
    }
    const failed = this.failDue;
    this.failDue = null;
    if (failed !== null && !this.fired.close) {
      this.destroyed = true;
      this.fired.close = true;
      this.emitEvent({ api: NODE_EVENT.error, outcome: failed, failed: true }, true);
      this.emitEvent({ api: NODE_EVENT.close, outcome: nodeCloseOutcome(true) }, true);
    }
    if (this.finDue) {
      this.finDue = false;
      if (!this.fired.close) this.emitFin();
    }
    if (cleanClose) {
      if (!this.fired.close) {
        this.fired.close = true;
        this.emitEvent({ api: NODE_EVENT.close, outcome: nodeCloseOutcome(false) }, true);
      }
    }
  }

  /** A step that waits for an event: drives the simulation until one answers it. */
  private waitFor(step: 'connect' | 'read'): LensResult {
    this.waiting = step;
    this.answered = null;
    try {
      // What was due fires first, and may answer the step (a FIN deferred behind a read's answer).
      this.flushCallbacks();
      // tls.connect starts the handshake with its listeners in place: what the start brings answers it.
      this.sim.start();
      this.sim.driving(this.side, () => {
        for (let steps = 0; this.answered === null; steps++) {
          if (steps >= this.maxSteps) throw new Error(`node lens: ${step} not answered after ${steps} deliveries`);
          if (this.sim.step() === null) break;
        }
      });
    } finally {
      this.waiting = null;
    }
    const r = this.answered as LensResult | null;
    this.answered = null;
    if (r !== null) return r;
    return this.line(step, step === 'connect' ? NODE_API.connect : NODE_API.read, NODE_OUTCOME.blocked, 'blocked');
  }

  private readLine(ev: NodeEvent): LensResult {
    const isError = ev.api === NODE_EVENT.error;
    return this.line('read', NODE_API.read, `${ev.api} ${ev.outcome}`, isError ? 'error' : 'ok', ev.data, isError ? ev.alert : undefined);
  }

  private line(call: NodeCall, api: string, outcome: string, result: AppResult, bytes?: Uint8Array, alert?: string): LensResult {
    return recordNodeCall(this.sim, this.side, {
      call,
      api,
      outcome,
      result,
      ...(bytes !== undefined ? { bytes } : {}),
      ...(alert !== undefined ? { alert } : {}),
    });
  }
}
