/**
 * The sans-I/O endpoint (docs/architecture.md "The sans-I/O endpoint"): a thin driver that
 * owns a RecordLayer, a handshake reassembler, the current state and the connection record
 * (conn.ts). Each input is decoded, handed to one pure transition (client.ts, server.ts,
 * connected.ts for handshake messages; record-steps.ts for other records; commands.ts for
 * the application's commands), and the Step it returns is applied; one catch turns every
 * error into exactly one alert (`alertFor`), sent under the keys in force.
 */
import { AlertLevel, ContentType, type ReadRecord, TlsError } from '@tls13sim/record';
import { exportKeyingMaterial } from '../keyschedule/derive.js';
import type { Decoded } from '../messages/types.js';
import type { EndpointApi, EndpointEvent, Role, StateName } from './api.js';
import { AppData } from './app-data.js';
import { clientHandle, clientStart } from './client.js';
import { alertRekey, cancelStep, closeStep, keyUpdateStep, requestClientAuthStep, UsageError, writeStep } from './commands.js';
import type { EndpointConfig } from './config.js';
import { type Conn, type ConnUpdate, INITIAL_CONN, updateConn } from './conn.js';
import { alertFor, HandshakeError, internalError } from './errors.js';
import { RecordIo } from './record-io.js';
import { acceptAlert, acceptApplicationData, acceptChangeCipherSpec, type ReceivedRecord } from './record-steps.js';
import { decodeFrame, negotiatedOf, type ReceivedBase, receivedBase, receivedMessageName, receivedRecord } from './records.js';
import { resolveConfig } from './resolve.js';
import { serverHandle } from './server.js';
import type { AnyState, ClientState, Negotiated, ServerState } from './state.js';
import type { Action, Env, Step } from './step.js';

export class Endpoint implements EndpointApi {
  private side: Role;
  private st: AnyState;
  /** Facts about the connection beyond its Appendix A state (conn.ts); replaced, never mutated. */
  private conn: Conn = INITIAL_CONN;
  /** The record layer, the reassembler and what waits to be sent (record-io.ts). */
  private io: RecordIo;
  private env: Omit<Env, 'now'>;
  private now = 0;
  /** `env` at `now`, built once per value of `now` (not once per message). */
  private envNow: Env | undefined = undefined;
  private events: EndpointEvent[] = [];
  /** Received application data not yet read, and writes waiting for the application keys. */
  private app = new AppData();

  constructor(config: EndpointConfig) {
    let resolved = resolveConfig(config);
    if (resolved.role === 'server' && resolved.statelessHrr && resolved.cookieKey === null) {
      resolved = { ...resolved, cookieKey: config.random.bytes(32) };
    }
    this.side = resolved.role;
    this.env = { config: resolved, crypto: config.crypto, random: config.random };
    this.st = this.side === 'server' ? { kind: 'START', retry: null } : { kind: 'START' };
    this.io = new RecordIo(resolved, config.crypto, config.random, (e) => this.emit(e));
  }

  // --- observation ---------------------------------------------------------------------

  get role(): Role {
    return this.side;
  }

  get state(): StateName {
    return this.st.kind;
  }

  get error(): TlsError | undefined {
    return this.conn.fatal;
  }

  get handshakeComplete(): boolean {
    return this.conn.complete;
  }

  get peerClosed(): boolean {
    return this.conn.receivedCloseNotify;
  }

  /** True once we sent close_notify: our write side is closed (§6.1). */
  get closedForWriting(): boolean {
    return this.conn.sentCloseNotify;
  }

  get readEpoch(): string {
    return this.io.rl.readEpoch;
  }

  get writeEpoch(): string {
    return this.io.rl.writeEpoch;
  }

  /** What was negotiated, once the hellos are done; null before. */
  get negotiated(): Negotiated | null {
    return negotiatedOf(this.st);
  }

  /** TLSv1.3 once the hellos are done (TlsEndpoint); null before. */
  get version(): 'TLSv1.3' | null {
    return this.negotiated === null ? null : 'TLSv1.3';
  }

  /** The peer's certificate chain (DER, leaf first) once the handshake is complete. */
  get peerCertificates(): readonly Uint8Array[] {
    return this.st.kind === 'CONNECTED' ? this.st.app.peerCertificates : [];
  }

  /** Bytes of application data received and not yet read. */
  get bufferedApplicationBytes(): number {
    return this.app.bufferedBytes;
  }

  /** §7.5 TLS-Exporter, available once CONNECTED. */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array {
    if (this.st.kind !== 'CONNECTED') throw new Error('exportKeyingMaterial: the handshake is not complete');
    const app = this.st.app;
    return exportKeyingMaterial(this.env.crypto, app.negotiated.suite.hash, app.exporterSecret, label, context, length);
  }

  /** The current traffic secrets (for tests: both sides must agree). */
  get trafficSecrets(): { read: Uint8Array; write: Uint8Array } | null {
    return this.st.kind === 'CONNECTED' ? { read: this.st.app.readSecret, write: this.st.app.writeSecret } : null;
  }

  // --- inputs ----------------------------------------------------------------------------

  start(now = this.now): void {
    if (this.conn.started) throw new Error('Endpoint.start: already started');
    this.update({ started: true });
    this.now = now;
    if (this.side === 'server') return;
    this.guard(() => {
      this.update({ firstHelloSeen: true });
      this.apply(clientStart(this.envAt()));
    });
  }

  handleBytes(bytes: Uint8Array, now = this.now): void {
    this.now = now;
    // §6.1: "Any data received after a closure alert has been received MUST be ignored."
    if (this.conn.fatal !== undefined || this.conn.receivedCloseNotify) return;
    this.guard(() => {
      this.io.rl.pushBytes(bytes);
      for (;;) {
        if (this.conn.fatal !== undefined || this.conn.receivedCloseNotify) return;
        const rec = this.io.rl.nextRecord();
        if (rec === null) return;
        this.processRecord(rec);
      }
    });
  }

  handleTimeout(now: number): void {
    this.now = now;
  }

  write(data: Uint8Array): void {
    this.throwIfFailed();
    if (this.conn.sentCloseNotify) throw new Error('Endpoint.write: close_notify was already sent');
    if (!this.io.rl.writeEpoch.startsWith('application')) {
      // Sent as soon as the application keys are in place (client: after its Finished).
      this.app.queue(data);
      return;
    }
    this.command((env) => writeStep(this.side, this.st, this.conn, data, this.io.rl.keyUpdateDue, env));
  }

  keyUpdate(requestPeer: boolean): void {
    this.throwIfFailed();
    this.command((env) => keyUpdateStep(this.side, this.st, this.conn, requestPeer, env));
  }

  /** Server: starts post-handshake client authentication (§4.6.2). */
  requestClientAuth(): void {
    this.throwIfFailed();
    this.command((env) => requestClientAuthStep(this.side, this.st, env));
  }

  /** Sends close_notify (§6.1); the read side stays open until the peer's close_notify (half-close). */
  close(): void {
    this.throwIfFailed();
    this.command(() => closeStep(this.st, this.conn));
  }

  /** §6.1 user_canceled, then close_notify: the application abandons the handshake. */
  cancel(): void {
    this.throwIfFailed();
    this.command(() => cancelStep(this.st, this.conn));
    this.close();
  }

  // --- outputs ---------------------------------------------------------------------------

  pollTransmit(): Uint8Array | null {
    return this.io.outbox.shift() ?? null;
  }
  pollEvent(): EndpointEvent | null {
    return this.events.shift() ?? null;
  }
  // Received application data; with none waiting, a failed endpoint throws its error.
  readApplicationData(max = Infinity): Uint8Array | null {
    return this.app.take(max, true) ?? this.noData();
  }
  peekApplicationData(max = Infinity): Uint8Array | null {
    return this.app.take(max, false) ?? this.noData();
  }
  readApplicationRecord(): Uint8Array | null {
    return this.app.takeRecord() ?? this.noData();
  }
  private noData(): null {
    this.throwIfFailed();
    return null;
  }

  /** A copy sharing no mutable state: the state and the connection record are immutable values, the rest is copied. */
  clone(): Endpoint {
    const c = Object.create(Endpoint.prototype) as Endpoint;
    const random = this.env.random.clone?.() ?? this.env.random;
    c.side = this.side;
    c.st = this.st;
    c.conn = this.conn;
    c.io = new RecordIo(this.env.config, this.env.crypto, random, (e) => c.emit(e), this.io);
    c.env = { ...this.env, random };
    c.now = this.now;
    c.envNow = undefined;
    c.events = [...this.events];
    c.app = new AppData(this.app);
    return c;
  }

  // --- decoding a record -----------------------------------------------------------------

  private processRecord(rec: ReadRecord): void {
    if (rec.epoch !== 'plaintext' && rec.epoch !== 'early' && !this.conn.peerHasKeys) this.update({ peerHasKeys: true });
    const base = receivedBase(rec);
    switch (rec.contentType) {
      case ContentType.change_cipher_spec: {
        this.emit({ type: 'record_received', record: receivedRecord(base, []) });
        const statelessServer = this.side === 'server' && this.env.config.statelessHrr;
        return this.run(acceptChangeCipherSpec(this.st, this.conn, this.received(rec, 'change_cipher_spec'), statelessServer));
      }
      case ContentType.alert:
        return this.run(acceptAlert(this.st, this.conn, this.received(rec, 'alert'), base));
      case ContentType.handshake:
        return this.onHandshakeRecord(rec, base);
      case ContentType.application_data:
        this.emit({ type: 'record_received', record: receivedRecord(base, []) });
        return this.run(acceptApplicationData(this.st, this.received(rec, 'application data')));
      default:
        // §5: "If a TLS implementation receives an unexpected record type, it MUST terminate the connection with an "unexpected_message" alert."
        throw new HandshakeError('unexpected_message', `record of content type ${rec.contentType}`);
    }
  }

  /** A non-handshake record for its transition, with the §5.1 interleaving check's outcome. */
  private received(rec: ReadRecord, why: string): ReceivedRecord {
    return { epoch: rec.epoch, data: rec.data, interleaved: this.io.interleavingError(why) };
  }

  private onHandshakeRecord(rec: ReadRecord, base: ReceivedBase): void {
    const frames = this.io.handshakeFrames(rec);
    const names = frames.map((f) => receivedMessageName(f.type, f.body));
    this.emit({ type: 'record_received', record: receivedRecord(base, names) });
    for (let i = 0; i < frames.length; i++) {
      const msg = decodeFrame(frames[i]!, this.negotiated?.suite.hashLength);
      if (msg.type === 'client_hello') {
        if (!this.conn.firstHelloSeen) this.update({ firstHelloSeen: true });
        // §4.2.10: after a HelloRetryRequest the server skips the client's 0-RTT records, which
        // all come before the second ClientHello. From that ClientHello on, a record that fails
        // to decrypt is an error again (bad_record_mac), not rejected early data to discard.
        if (this.side === 'server') this.io.rl.stopSkipping();
      }
      this.apply(this.transition(msg), frames.length - i - 1);
      if (this.conn.fatal !== undefined) return;
    }
  }

  private transition(msg: Decoded): Step {
    const env = this.envAt();
    return this.side === 'client' ? clientHandle(this.st as ClientState, msg, env) : serverHandle(this.st as ServerState, msg, env);
  }

  // --- applying a step -------------------------------------------------------------------

  /** Applies a transition's outcome: an error becomes our alert (through `guard`'s catch). */
  private run(result: Step | TlsError): void {
    if (result instanceof TlsError) throw result;
    this.apply(result);
  }

  /** Runs an application command's transition: misuse is thrown to the caller, nothing else is. */
  private command(transition: (env: Env) => Step | UsageError | null): void {
    let misuse: UsageError | undefined;
    this.guard(() => {
      const result = transition(this.envAt());
      if (result instanceof UsageError) misuse = result;
      else if (result !== null) this.apply(result);
    });
    if (misuse !== undefined) throw misuse;
  }

  /**
   * Applies `step`, then sends the data the application wrote before the application write
   * keys were in place, one write step each. `rest`: handshake messages of the current
   * record still to process (§5.1 key-change check).
   */
  private apply(step: Step, rest = 0): void {
    this.applyStep(step, rest);
    while (this.io.rl.writeEpoch.startsWith('application')) {
      const data = this.app.nextQueued();
      if (data === undefined) return;
      this.applyStep(writeStep(this.side, this.st, this.conn, data, this.io.rl.keyUpdateDue, this.envAt()), 0);
    }
  }

  private applyStep(step: Step, rest: number): void {
    let shown: StateName = this.st.kind;
    for (const a of step.actions) {
      if (a.kind === 'via') {
        this.emit({ type: 'state', from: shown, to: a.state.kind });
        shown = a.state.kind;
        continue;
      }
      this.applyAction(a, rest);
    }
    this.flushHandshake();
    if (shown !== step.state.kind || this.st.kind !== step.state.kind) this.emit({ type: 'state', from: shown, to: step.state.kind });
    this.st = step.state;
  }

  private applyAction(a: Exclude<Action, { kind: 'via' }>, rest: number): void {
    switch (a.kind) {
      case 'event':
        if (a.event.type === 'finished_verified') this.update({ peerFinishedVerified: true });
        if (a.event.type === 'handshake_complete') this.update({ complete: true });
        this.emit(a.event);
        return;
      case 'deliver':
        this.app.deliver(a.data);
        return;
      case 'conn':
        this.update(a.set);
        return;
      default: {
        const set = this.io.apply(a, this.conn, rest);
        if (set !== null) this.update(set);
      }
    }
  }

  private flushHandshake(): void {
    const set = this.io.flush(this.conn);
    if (set !== null) this.update(set);
  }

  // --- errors ----------------------------------------------------------------------------

  /** Runs `f`: the one catch. A TlsError becomes our fatal alert, anything else is our bug (internal_error). */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.failWith(e instanceof TlsError ? e : internalError(e));
    }
  }

  private failWith(err: TlsError): void {
    if (this.conn.fatal !== undefined) return;
    this.update({ fatal: err });
    this.io.dropHandshake();
    try {
      // A client writing in the clear or under 0-RTT keys first takes its handshake keys (commands.ts alertRekey).
      for (const a of alertRekey(this.side, this.st, this.io.rl.writeEpoch)) this.applyAction(a, 0);
      this.io.sendAlert(alertFor(err), AlertLevel.fatal, this.conn.sentCloseNotify);
    } catch {
      // The alert itself could not be sealed (e.g. key limit): the error still stands.
    }
    this.applyStep({ state: { kind: 'CLOSED' }, actions: [] }, 0);
  }

  private throwIfFailed(): void {
    if (this.conn.fatal !== undefined) throw this.conn.fatal;
  }

  private update(set: ConnUpdate): void {
    this.conn = updateConn(this.conn, set);
  }

  private emit(e: EndpointEvent): void {
    this.events.push(e);
  }

  private envAt(): Env {
    const e = this.envNow;
    if (e !== undefined && e.now === this.now) return e;
    const { config, crypto, random } = this.env;
    return (this.envNow = { config, crypto, random, now: this.now });
  }
}

/** Creates a client or server endpoint. */
export function createEndpoint(config: EndpointConfig): Endpoint {
  if (config.versions?.includes('TLSv1.2')) throw new Error('createEndpoint makes TLS 1.3 endpoints: use createTlsEndpoint for versions that include TLSv1.2');
  return new Endpoint(config);
}
