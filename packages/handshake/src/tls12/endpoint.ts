/**
 * The TLS 1.2 sans-I/O endpoint: the same API, events and trace vocabulary as the 1.3
 * `Endpoint` (endpoint/endpoint.ts), over the transitions of client.ts and server.ts. One
 * protected epoch, `tls12`, per direction from each side's ChangeCipherSpec (RFC 5246 §6.1,
 * §7.1); records keep their real content type on the wire (RFC 5246 §6.2.3.3).
 */
import {
  AlertDescription,
  AlertLevel,
  alertName,
  concatBytes,
  ContentType,
  contentTypeName,
  decodeAlert,
  HandshakeReassembler,
  RecordLayer,
  TlsError,
  type AlertName,
  type ReadRecord,
} from '@tls13sim/record';
import type { EpochName, RecordInfo, StateName, TlsEndpoint } from '../endpoint/api.js';
import { AppData } from '../endpoint/app-data.js';
import type { EndpointConfig } from '../endpoint/config.js';
import { alertFor, fail, HandshakeError, internalError, PeerAlertError } from '../endpoint/errors.js';
import { Transcript } from '../keyschedule/transcript.js';
import { clientHandle12, clientOnCcs } from './client.js';
import { buildTls12ClientHello } from './hello.js';
import { decodeTls12, tls12MessageName } from './messages.js';
import { tls12Prf } from './prf.js';
import { serverHandle12, serverOnCcs } from './server.js';
import type { Tls12ClientState, Tls12Hello, Tls12Negotiated, Tls12ServerFlight, Tls12ServerState, Tls12State } from './state.js';
import type { Action12, Env12, Step12 } from './step.js';
import { tls12Env } from './env.js';
export { tls12Env } from './env.js';
import { EPOCH, NO_RENEGOTIATION, Tls12Io } from './io.js';

export class Tls12Endpoint extends Tls12Io implements TlsEndpoint {
  private st: Tls12State = { kind: 'START' };
  private env: Omit<Env12, 'now'>;
  private now = 0;
  private appQueued: Uint8Array[] = [];
  private fatal: TlsError | undefined;
  private started = false;
  private receivedCloseNotify = false;
  private complete = false;
  /** The ServerHello was sent (server) or received (client): the version is TLS 1.2. */
  private helloDone = false;

  constructor(config: EndpointConfig, options: { tls13Capable?: boolean } = {}) {
    const env = tls12Env(config, options.tls13Capable ?? false);
    super(config.role, new RecordLayer({ keyLimits: env.config.keyLimits }), new HandshakeReassembler({ maxMessageSize: env.config.maxHandshakeMessageSize }));
    this.env = env;
  }

  /**
   * A 1.2+1.3 client whose ServerHello chose TLS 1.2 continues here (createTlsEndpoint): the
   * ClientHello it sent and its random are the start of this handshake.
   */
  static continueClient(config: EndpointConfig, clientHelloRaw: Uint8Array, clientRandom: Uint8Array, offered: readonly number[], now: number): Tls12Endpoint {
    const ep = new Tls12Endpoint(config, { tls13Capable: true });
    ep.started = true;
    ep.helloSent = true;
    ep.now = now;
    ep.st = { kind: 'WAIT_SH', clientRandom, transcript: new Transcript([clientHelloRaw]), offered };
    return ep;
  }

  // --- observation ---------------------------------------------------------------------

  get state(): StateName {
    return this.st.kind;
  }
  get error(): TlsError | undefined {
    return this.fatal;
  }
  get handshakeComplete(): boolean {
    return this.complete;
  }
  get peerClosed(): boolean {
    return this.receivedCloseNotify;
  }
  get closedForWriting(): boolean {
    return this.sentCloseNotify;
  }
  get readEpoch(): string {
    return this.rl.readEpoch;
  }
  get writeEpoch(): string {
    return this.rl.writeEpoch;
  }
  /** TLSv1.2 from the ServerHello on (kept after CLOSED). */
  get version(): 'TLSv1.2' | null {
    return this.helloDone ? 'TLSv1.2' : null;
  }
  get negotiated(): Tls12Negotiated | null {
    const s = this.st as { negotiated?: Tls12Negotiated; app?: { negotiated: Tls12Negotiated } };
    return s.app?.negotiated ?? s.negotiated ?? null;
  }
  get peerCertificates(): readonly Uint8Array[] {
    return this.st.kind === 'CONNECTED' ? this.st.app.peerCertificates : [];
  }
  get bufferedApplicationBytes(): number {
    return this.appIn.bufferedBytes;
  }

  /** RFC 5705 §4: PRF(master_secret, label, client_random + server_random [+ context_value_length + context_value])[length]. */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array {
    const st = this.st;
    if (st.kind !== 'CONNECTED') throw new Error('exportKeyingMaterial: the handshake is not complete');
    if (context.length > 0xffff) throw new RangeError('exportKeyingMaterial: context over 2^16 - 1 bytes');
    const { app } = st;
    // RFC 7627 §5.4: without the extended master secret, "the client or server MUST NOT export any key material based on the new master secret".
    if (!app.negotiated.extendedMasterSecret)
      throw new Error('exportKeyingMaterial: this session has no extended master secret (RFC 7627 §5.4: nothing may be exported from it)');
    const seed = concatBytes(app.clientRandom, app.serverRandom, new Uint8Array([context.length >> 8, context.length & 0xff]), context);
    return tls12Prf(this.env.crypto, app.negotiated.suite.hash, app.secrets.master, label, seed, length);
  }

  // --- inputs ----------------------------------------------------------------------------

  start(now = this.now): void {
    if (this.started) throw new Error('Endpoint.start: already started');
    this.started = true;
    this.now = now;
    if (this.role === 'server') return;
    this.guard(() => {
      const random = this.env.random.bytes(32);
      const { hello, raw, sessionId, session, ticketExt } = buildTls12ClientHello({ ...this.env, now }, random);
      const step: Step12<Tls12ClientState> = {
        state: {
          kind: 'WAIT_SH',
          clientRandom: random,
          transcript: new Transcript([raw]),
          offered: hello.cipherSuites,
          sessionId,
          offeredSession: session,
          ticketExt,
        },
        actions: [{ kind: 'send', name: 'client_hello', raw }],
      };
      this.apply(step);
    });
  }

  handleBytes(bytes: Uint8Array, now = this.now): void {
    this.now = now;
    if (this.fatal !== undefined || this.receivedCloseNotify) return;
    this.guard(() => {
      this.rl.pushBytes(bytes);
      for (;;) {
        if (this.fatal !== undefined || this.receivedCloseNotify) return;
        const rec = this.rl.nextRecord();
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
    if (this.sentCloseNotify) throw new Error('Endpoint.write: close_notify was already sent');
    // RFC 5246 §7.4.9 / §6.2: application data flows once the handshake is complete.
    if (this.st.kind !== 'CONNECTED') {
      this.appQueued.push(data.slice());
      return;
    }
    this.guard(() => this.sealApplicationData(data));
  }

  keyUpdate(): void {
    throw new Error('Endpoint.keyUpdate: TLS 1.2 has no KeyUpdate (RFC 8446 §4.6.3 is 1.3 only)');
  }

  requestClientAuth(): void {
    throw new Error('Endpoint.requestClientAuth: TLS 1.2 would need renegotiation, which this endpoint refuses (RFC 5746)');
  }

  close(): void {
    this.throwIfFailed();
    if (this.sentCloseNotify) return;
    this.guard(() => {
      this.flushHandshake();
      this.sendAlert('close_notify', AlertLevel.warning);
      this.sentCloseNotify = true;
      this.emit({ type: 'closed_for_writing', readOpen: !this.receivedCloseNotify });
      if (this.receivedCloseNotify) this.moveTo({ kind: 'CLOSED' });
    });
  }

  cancel(): void {
    this.throwIfFailed();
    if (this.sentCloseNotify) return;
    this.guard(() => {
      this.flushHandshake();
      this.sendAlert('user_canceled', AlertLevel.warning);
    });
    this.close();
  }

  // --- outputs ---------------------------------------------------------------------------

  // Received application data; with none waiting, a failed endpoint throws its error.
  readApplicationData(max = Infinity): Uint8Array | null {
    return this.appIn.take(max, true) ?? this.noData();
  }
  peekApplicationData(max = Infinity): Uint8Array | null {
    return this.appIn.take(max, false) ?? this.noData();
  }
  readApplicationRecord(): Uint8Array | null {
    return this.appIn.takeRecord() ?? this.noData();
  }
  private noData(): null {
    this.throwIfFailed();
    return null;
  }

  clone(): Tls12Endpoint {
    const c = Object.create(Tls12Endpoint.prototype) as Tls12Endpoint;
    Object.assign(c, this);
    c.rl = this.rl.clone();
    c.hs = this.hs.clone();
    c.env = { ...this.env, random: this.env.random.clone?.() ?? this.env.random };
    c.st = cloneState(this.st);
    c.outbox = [...this.outbox];
    c.events = [...this.events];
    c.appIn = new AppData(this.appIn);
    c.appQueued = [...this.appQueued];
    c.pendingHs = { raws: [...this.pendingHs.raws], names: [...this.pendingHs.names] };
    return c;
  }

  // --- records ---------------------------------------------------------------------------

  private processRecord(rec: ReadRecord): void {
    const base = {
      outerType: contentTypeName(rec.outerType),
      innerType: contentTypeName(rec.contentType),
      epoch: rec.epoch as EpochName,
      length: rec.wire.length - 5,
      wire: rec.wire,
    };
    // RFC 5246 §6.2.1: a record's version is "the version of the protocol being employed";
    // only records before the hellos have fixed it may carry another {3, x} (Appendix E.1).
    // Unlike TLS 1.3's legacy_record_version (RFC 8446 §5.1), it is not to be ignored.
    if (this.helloDone && (rec.wire[1] !== 3 || rec.wire[2] !== 3)) {
      this.emit({ type: 'record_received', record: { ...base, messages: [] } });
      fail('protocol_version', `a record of version ${rec.wire[1]}.${rec.wire[2]} after TLS 1.2 (3.3) was negotiated (RFC 5246 §6.2.1)`);
    }
    switch (rec.contentType) {
      case ContentType.change_cipher_spec:
        this.emit({ type: 'record_received', record: { ...base, messages: [] } });
        // RFC 5246 §7.1: "The message consists of a single byte of value 1."
        if (rec.data.length !== 1 || rec.data[0] !== 1) throw new HandshakeError('bad_change_cipher_spec', 'change_cipher_spec is not the single byte 0x01');
        // A ChangeCipherSpec between the fragments of a handshake message would split it across keys.
        this.hs.assertRecordBoundary('change_cipher_spec');
        return this.apply(this.role === 'client' ? clientOnCcs(this.st as Tls12ClientState) : serverOnCcs(this.st as Tls12ServerState));
      case ContentType.alert:
        return this.onAlert(rec, base);
      case ContentType.handshake:
        return this.onHandshake(rec, base);
      case ContentType.application_data:
        this.emit({ type: 'record_received', record: { ...base, messages: [] } });
        this.hs.assertRecordBoundary('application data');
        // RFC 5246 §7.4.9 (and §6.2.1): application data only after the handshake is complete.
        if (this.st.kind !== 'CONNECTED') throw new HandshakeError('unexpected_message', `application data in state ${this.st.kind}`);
        if (rec.data.length > 0) this.appIn.deliver(rec.data);
        this.emit({ type: 'application_data', length: rec.data.length });
        return;
      default:
        throw new HandshakeError('unexpected_message', `record of content type ${rec.contentType}`);
    }
  }

  private onAlert(rec: ReadRecord, base: Omit<RecordInfo, 'messages' | 'alert'>): void {
    this.hs.assertRecordBoundary('alert');
    const alert = decodeAlert(rec.data);
    const level = alert.level === AlertLevel.warning ? 'warning' : alert.level === AlertLevel.fatal ? 'fatal' : `unknown_${alert.level}`;
    const description = alert.description === NO_RENEGOTIATION ? 'no_renegotiation' : alertName(alert.description);
    this.emit({ type: 'record_received', record: { ...base, messages: [], alert: { level, description } } });
    this.emit({ type: 'alert_received', level, description, epoch: rec.epoch as EpochName });
    if (alert.description === AlertDescription.close_notify) {
      this.receivedCloseNotify = true;
      this.emit({ type: 'peer_closed', writeOpen: !this.sentCloseNotify });
      if (this.sentCloseNotify) this.moveTo({ kind: 'CLOSED' });
      return;
    }
    // RFC 5246 §7.2.2: user_canceled and no_renegotiation are warnings the connection survives.
    if (level === 'warning' && (alert.description === AlertDescription.user_canceled || alert.description === NO_RENEGOTIATION)) return;
    // RFC 5246 §7.2.2 lists the rest as errors (fatal, or "generally a warning" the receiver may treat as fatal): we end the connection, as for TLS 1.3.
    this.fatal = new PeerAlertError(description as AlertName, alert.description);
    this.moveTo({ kind: 'CLOSED' });
  }

  private onHandshake(rec: ReadRecord, base: Omit<RecordInfo, 'messages' | 'alert'>): void {
    this.hs.push(rec.data, rec.epoch);
    const frames = [];
    for (let f = this.hs.next(); f !== null; f = this.hs.next()) frames.push(f);
    this.emit({ type: 'record_received', record: { ...base, messages: frames.map((f) => tls12MessageName(f.type)) } });
    for (const f of frames) {
      const msg = decodeTls12(f.type, f.body, f.raw);
      const env = { ...this.env, now: this.now };
      this.apply(this.role === 'client' ? clientHandle12(this.st as Tls12ClientState, msg, env) : serverHandle12(this.st as Tls12ServerState, msg, env));
      if (this.fatal !== undefined) return;
    }
  }

  // --- applying a step -------------------------------------------------------------------

  private apply(step: Step12): void {
    let shown: StateName = this.st.kind;
    for (const a of step.actions) {
      if (a.kind === 'via') {
        this.emit({ type: 'state', from: shown, to: a.state });
        shown = a.state;
      } else this.applyAction(a);
    }
    this.flushHandshake();
    if (shown !== step.state.kind) this.emit({ type: 'state', from: shown, to: step.state.kind });
    this.st = step.state;
    if ('hello' in step.state || 'flight' in step.state) this.helloDone = true;
    if (step.state.kind === 'CONNECTED' && this.appQueued.length > 0) {
      const queued = this.appQueued;
      this.appQueued = [];
      for (const d of queued) this.sealApplicationData(d);
    }
  }

  private applyAction(a: Exclude<Action12, { kind: 'via' }>): void {
    switch (a.kind) {
      case 'send':
        this.pendingHs.raws.push(a.raw);
        this.pendingHs.names.push(a.name);
        return;
      case 'ccs':
        this.flushHandshake();
        for (const wire of this.rl.sealPlaintext(ContentType.change_cipher_spec, new Uint8Array([1]))) {
          this.transmit(wire, { outerType: 'change_cipher_spec', innerType: 'change_cipher_spec', epoch: this.rl.writeEpoch as EpochName, messages: [] });
        }
        return;
      case 'keys': {
        const aead = this.env.crypto.aead(a.suite.aead);
        if (a.direction === 'write') {
          this.flushHandshake();
          this.rl.installWriteKeys12(EPOCH, aead, a.key, a.iv);
        } else {
          this.hs.assertRecordBoundary('key change');
          this.rl.installReadKeys12(EPOCH, aead, a.key, a.iv);
        }
        this.emit({ type: 'keys_installed', direction: a.direction, epoch: EPOCH, keylog: { label: 'CLIENT_RANDOM', secret: a.master } });
        return;
      }
      case 'event':
        if (a.event.type === 'handshake_complete') {
          // The Finished that completes it goes out first (the server's, RFC 5246 §7.4.9).
          this.flushHandshake();
          this.complete = true;
        }
        this.emit(a.event);
        return;
      case 'alert':
        this.sendAlert(a.alert, AlertLevel.warning);
        return;
    }
  }

  // --- errors ----------------------------------------------------------------------------

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      // The kind's TLS 1.2 alert (RFC 5246 §7.2), also for errors raised by code shared with 1.3.
      this.failWith(e instanceof HandshakeError ? e.atVersion('TLSv1.2') : e instanceof TlsError ? e : internalError(e));
    }
  }

  private failWith(err: TlsError): void {
    if (this.fatal !== undefined) return;
    this.fatal = err;
    this.pendingHs = { raws: [], names: [] };
    try {
      this.sendAlert(alertFor(err, 'TLSv1.2'), AlertLevel.fatal);
    } catch {
      // The alert could not be sealed: the error still stands.
    }
    this.moveTo({ kind: 'CLOSED' });
  }

  private throwIfFailed(): void {
    if (this.fatal !== undefined) throw this.fatal;
  }

  private moveTo(state: Tls12State): void {
    if (this.st.kind !== state.kind) this.emit({ type: 'state', from: this.st.kind, to: state.kind });
    this.st = state;
  }
}

/** A deep copy of the one mutable part of a state, its transcript (clone() forks must not share it). */
function cloneState(st: Tls12State): Tls12State {
  const s = st as Tls12State & { transcript?: Transcript; hello?: Tls12Hello; flight?: Tls12ServerFlight };
  if (s.transcript !== undefined) return { ...s, transcript: s.transcript.clone() } as Tls12State;
  if (s.hello !== undefined) return { ...s, hello: { ...s.hello, transcript: s.hello.transcript.clone() } } as Tls12State;
  if (s.flight !== undefined)
    return { ...s, flight: { ...s.flight, hello: { ...s.flight.hello, transcript: s.flight.hello.transcript.clone() } } } as Tls12State;
  return st;
}
