/**
 * The sans-I/O endpoint (docs/architecture.md "The sans-I/O endpoint"): owns a RecordLayer, a handshake
 * reassembler and the current state; applies the pure transitions of client.ts and
 * server.ts; turns every error into exactly one alert, sent under the keys in force.
 */
import {
  AlertDescription,
  AlertLevel,
  alertName,
  concatBytes,
  ContentType,
  contentTypeName,
  decodeAlert,
  encodeAlert,
  HandshakeReassembler,
  LEGACY_RECORD_VERSION_HELLO,
  MAX_PLAINTEXT_LENGTH,
  RecordLayer,
  TlsError,
  type AlertName,
  type ReadRecord,
  type PaddingPolicy as RecordPaddingPolicy,
} from '@tls13sim/record';
import type { RandomSource } from '../crypto/random.js';
import { HandshakeType, nameOf } from '../constants.js';
import { exportKeyingMaterial, trafficKeys } from '../keyschedule/derive.js';
import { HRR_RANDOM, decodeHandshake } from '../messages/index.js';
import type { Decoded } from '../messages/types.js';
import type { EndpointApi, EndpointEvent, EpochName, RecordInfo, Role, StateName } from './api.js';
import { clientHandle, clientStart } from './client.js';
import type { EndpointConfig, PaddingPolicy } from './config.js';
import { requestPostHandshakeAuth, sendKeyUpdate } from './connected.js';
import { alertFor, HandshakeError, internalError, PeerAlertError } from './errors.js';
import { resolveConfig } from './resolve.js';
import { serverHandle } from './server.js';
import type { AnyState, ClientState, Negotiated, ServerState } from './state.js';
import { Out, type Action, type Env, type Step } from './step.js';

const KNOWN_HANDSHAKE_TYPES = new Set<number>(Object.values(HandshakeType).filter((t) => t !== HandshakeType.message_hash));

/** The closure alerts of §6.1; every other alert is an error alert (§6: whatever its level). */

interface PendingHandshake {
  readonly raws: Uint8Array[];
  readonly names: string[];
}

export class Endpoint implements EndpointApi {
  readonly role: Role;
  private st: AnyState;
  private rl: RecordLayer;
  private hs: HandshakeReassembler;
  private env: Omit<Env, 'now'>;
  private now = 0;
  /** `env` at `now`, built once per value of `now` (not once per message). */
  private envNow: Env | undefined;
  private outbox: Uint8Array[] = [];
  private events: EndpointEvent[] = [];
  private appIn: Uint8Array[] = [];
  private appQueued: Uint8Array[] = [];
  private pendingHs: PendingHandshake = { raws: [], names: [] };
  /** Messages already framed out of the current record but not yet processed (§5.1 key-change check). */
  private unprocessedInRecord = 0;
  private fatal: TlsError | undefined;
  private started = false;
  private ccsSent = false;
  private ccsReceived = false;
  private firstHelloSeen = false;
  private peerFinishedVerified = false;
  private sentCloseNotify = false;
  private receivedCloseNotify = false;
  private complete = false;
  private initialHelloSent = false;
  /**
   * Our record_size_limit, negotiated but not yet binding: a server learns it is negotiated
   * while reading the ClientHello, and the client's 0-RTT records that follow were sealed
   * before the client could know it. RFC 8449 §4: "Records are subject to the limits that
   * were set in the handshake that produces the keys that are used to protect those
   * records" — so the limit binds from the first non-early read keys on.
   */
  private pendingReadLimit: number | null = null;
  /** The peer has sent us a record under its handshake or application keys (not 0-RTT). */
  private peerHasKeys = false;

  constructor(config: EndpointConfig) {
    let resolved = resolveConfig(config);
    if (resolved.role === 'server' && resolved.statelessHrr && resolved.cookieKey === null) {
      resolved = { ...resolved, cookieKey: config.random.bytes(32) };
    }
    this.role = resolved.role;
    this.env = { config: resolved, crypto: config.crypto, random: config.random };
    this.st = { kind: 'START', ...(this.role === 'server' ? { retry: null } : {}) } as AnyState;
    this.rl = new RecordLayer({
      padding: recordPadding(resolved.padding, config.random),
      plaintextAlertsAfterKeys: this.role === 'server',
      keyLimits: resolved.keyLimits,
    });
    this.hs = new HandshakeReassembler({ maxMessageSize: resolved.maxHandshakeMessageSize });
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

  /** True once we sent close_notify: our write side is closed (§6.1). */
  get closedForWriting(): boolean {
    return this.sentCloseNotify;
  }

  get readEpoch(): string {
    return this.rl.readEpoch;
  }

  get writeEpoch(): string {
    return this.rl.writeEpoch;
  }

  /** What was negotiated, once the hellos are done; null before. */
  get negotiated(): Negotiated | null {
    const s = this.st as { keys?: { negotiated: Negotiated }; app?: { negotiated: Negotiated } };
    return s.app?.negotiated ?? s.keys?.negotiated ?? null;
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
    let n = 0;
    for (const c of this.appIn) n += c.length;
    return n;
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
    if (this.started) throw new Error('Endpoint.start: already started');
    this.started = true;
    this.now = now;
    if (this.role === 'server') return;
    this.guard(() => {
      this.firstHelloSeen = true;
      this.apply(clientStart(this.envAt()));
    });
  }

  handleBytes(bytes: Uint8Array, now = this.now): void {
    this.now = now;
    if (this.fatal !== undefined) return;
    // §6.1: "Any data received after a closure alert has been received MUST be ignored."
    if (this.receivedCloseNotify) return;
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
    if (!this.rl.writeEpoch.startsWith('application')) {
      // Sent as soon as the application keys are in place (client: after its Finished).
      this.appQueued.push(data.slice());
      return;
    }
    this.guard(() => this.sealApplicationData(data));
  }

  keyUpdate(requestPeer: boolean): void {
    this.throwIfFailed();
    const st = this.st;
    if (st.kind !== 'CONNECTED') throw new Error('Endpoint.keyUpdate: the handshake is not complete');
    if (this.sentCloseNotify) throw new Error('Endpoint.keyUpdate: close_notify was already sent');
    this.guard(() => {
      const out = new Out();
      const app = sendKeyUpdate(this.role, st.app, requestPeer, this.envAt(), out);
      this.apply(out.done({ kind: 'CONNECTED', app }));
    });
  }

  /** Server: starts post-handshake client authentication (§4.6.2). */
  requestClientAuth(): void {
    this.throwIfFailed();
    const st = this.st;
    if (this.role !== 'server') throw new Error('Endpoint.requestClientAuth: only a server asks for a client certificate');
    if (st.kind !== 'CONNECTED') throw new Error('Endpoint.requestClientAuth: the handshake is not complete');
    // Misuse is the caller's error, thrown before anything can fail the connection.
    if (!st.app.postHandshakeAuth) throw new Error('Endpoint.requestClientAuth: the client did not offer post_handshake_auth (§4.2.6)');
    if (st.app.pendingAuth !== null) throw new Error('Endpoint.requestClientAuth: a post-handshake authentication is already in progress');
    this.guard(() => {
      const out = new Out();
      this.apply(out.done({ kind: 'CONNECTED', app: requestPostHandshakeAuth(st.app, this.envAt(), out) }));
    });
  }

  /** Sends close_notify (§6.1); the read side stays open until the peer's close_notify (half-close). */
  close(): void {
    this.throwIfFailed();
    if (this.sentCloseNotify) return;
    this.guard(() => {
      this.flushHandshake();
      this.sendAlert('close_notify', AlertLevel.warning);
      this.sentCloseNotify = true;
      // §6.1: close_notify closes our direction only; the peer's stays open until its own.
      this.emit({ type: 'closed_for_writing', readOpen: !this.receivedCloseNotify });
      if (this.receivedCloseNotify) this.moveTo({ kind: 'CLOSED' });
    });
  }

  /** §6.1 user_canceled, then close_notify: the application abandons the handshake. */
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

  pollTransmit(): Uint8Array | null {
    return this.outbox.shift() ?? null;
  }

  pollEvent(): EndpointEvent | null {
    return this.events.shift() ?? null;
  }

  readApplicationData(max = Infinity): Uint8Array | null {
    const data = this.takeApplicationData(max, true);
    if (data === null) this.throwIfFailed();
    return data;
  }

  peekApplicationData(max = Infinity): Uint8Array | null {
    const data = this.takeApplicationData(max, false);
    if (data === null) this.throwIfFailed();
    return data;
  }

  clone(): Endpoint {
    const c = Object.create(Endpoint.prototype) as Endpoint;
    Object.assign(c, this);
    c.rl = this.rl.clone();
    c.hs = this.hs.clone();
    c.env = { ...this.env, random: this.env.random.clone?.() ?? this.env.random };
    c.envNow = undefined;
    c.rl.setPadding(recordPadding(c.env.config.padding, c.env.random));
    c.outbox = [...this.outbox];
    c.events = [...this.events];
    c.appIn = [...this.appIn];
    c.appQueued = [...this.appQueued];
    c.pendingHs = { raws: [...this.pendingHs.raws], names: [...this.pendingHs.names] };
    return c;
  }

  // --- record processing -----------------------------------------------------------------

  private processRecord(rec: ReadRecord): void {
    if (rec.epoch !== 'plaintext' && rec.epoch !== 'early') this.peerHasKeys = true;
    const base = {
      outerType: contentTypeName(rec.outerType),
      innerType: contentTypeName(rec.contentType),
      epoch: rec.epoch as EpochName,
      length: rec.wire.length - 5,
      wire: rec.wire,
    };
    switch (rec.contentType) {
      case ContentType.change_cipher_spec:
        this.emit({ type: 'record_received', record: receivedRecord(base, []) });
        return this.onChangeCipherSpec(rec);
      case ContentType.alert:
        return this.onAlert(rec, base);
      case ContentType.handshake:
        return this.onHandshakeRecord(rec, base);
      case ContentType.application_data:
        this.emit({ type: 'record_received', record: receivedRecord(base, []) });
        return this.onApplicationData(rec);
      default:
        // §5: "If a TLS implementation receives an unexpected record type, it MUST terminate the connection with an "unexpected_message" alert."
        throw new HandshakeError('unexpected_message', `record of content type ${rec.contentType}`);
    }
  }

  /**
   * §5: "An implementation may receive an unencrypted record of type change_cipher_spec
   * consisting of the single byte value 0x01 at any time after the first ClientHello
   * message has been sent or received and before the peer's Finished message has been
   * received and MUST simply drop it ... any other change_cipher_spec value ... MUST abort
   * the handshake with an "unexpected_message" alert." One per connection (§D.4).
   */
  private onChangeCipherSpec(rec: ReadRecord): void {
    if (rec.data.length !== 1 || rec.data[0] !== 0x01) throw new HandshakeError('bad_change_cipher_spec', 'change_cipher_spec is not the single byte 0x01');
    // A stateless-HRR server keeps nothing across its HelloRetryRequest, so it cannot know
    // whether a first ClientHello was seen: the client's compatibility CCS sent "immediately
    // before its second flight" (§D.4) may be the first record this instance receives.
    const helloSeen = this.firstHelloSeen || (this.role === 'server' && this.env.config.statelessHrr);
    if (!helloSeen || this.peerFinishedVerified) throw new HandshakeError('unexpected_message', 'change_cipher_spec outside the handshake');
    if (this.ccsReceived) throw new HandshakeError('unexpected_message', 'a second change_cipher_spec');
    this.hs.assertRecordBoundary('change_cipher_spec');
    this.ccsReceived = true;
  }

  private onAlert(rec: ReadRecord, base: Omit<RecordInfo, 'messages' | 'alert'>): void {
    // A peer without handshake keys may only alert in the clear (the record layer lets a
    // server read those, Appendix A.1). Once it has protected a handshake or application
    // record it has those keys and protects every alert (§5): a plaintext alert now is forged
    // — accepting it would let anyone on the path close the connection (or truncate it with
    // a fake close_notify). Found by the single-fault property (an injected alert).
    if (rec.epoch === 'plaintext' && this.peerHasKeys) throw new HandshakeError('unexpected_message', 'unprotected alert from a peer that has keys (§5)');
    // §5.1: "Handshake messages MUST NOT be interleaved with other record types."
    this.hs.assertRecordBoundary('alert');
    const alert = decodeAlert(rec.data);
    const level = alert.level === AlertLevel.warning ? 'warning' : alert.level === AlertLevel.fatal ? 'fatal' : `unknown_${alert.level}`;
    const description = alertName(alert.description);
    this.emit({ type: 'record_received', record: receivedRecord(base, [], { level, description }) });
    this.emit({ type: 'alert_received', level, description, epoch: rec.epoch as EpochName });
    if (alert.description === AlertDescription.close_notify) {
      this.receivedCloseNotify = true;
      // §6.1: the peer closed its direction only. We keep writing (write, keyUpdate) until our
      // application closes ours: "Each party MUST send a "close_notify" alert before closing
      // its write side" — it is not sent for us here.
      this.emit({ type: 'peer_closed', writeOpen: !this.sentCloseNotify });
      if (this.sentCloseNotify) this.moveTo({ kind: 'CLOSED' });
      return;
    }
    if (alert.description === AlertDescription.user_canceled) return;
    // §6: "Unknown Alert types MUST be treated as error alerts" and §6.2 alerts are errors "regardless of the AlertLevel".
    this.fatal = new PeerAlertError(alertName(alert.description) as AlertName, alert.description);
    this.moveTo({ kind: 'CLOSED' });
  }

  private onHandshakeRecord(rec: ReadRecord, base: Omit<RecordInfo, 'messages' | 'alert'>): void {
    this.hs.push(rec.data, rec.epoch);
    const frames = [];
    for (let f = this.hs.next(); f !== null; f = this.hs.next()) frames.push(f);
    const names = frames.map((f) => receivedMessageName(f.type, f.body));
    this.emit({ type: 'record_received', record: receivedRecord(base, names) });
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!;
      this.unprocessedInRecord = frames.length - i - 1;
      if (!KNOWN_HANDSHAKE_TYPES.has(f.type) || f.type === HandshakeType.message_hash) {
        throw new HandshakeError('unexpected_message', `handshake message of unknown type ${f.type}`);
      }
      const hashLength = this.negotiated?.suite.hashLength;
      const msg = decodeHandshake(f.type, f.body, hashLength !== undefined ? { hashLength } : {}, f.raw);
      if (msg.type === 'client_hello') {
        this.firstHelloSeen = true;
        // §4.2.10: after a HelloRetryRequest the server skips the client's 0-RTT records, which
        // all come before the second ClientHello. From that ClientHello on, a record that fails
        // to decrypt is an error again (bad_record_mac), not rejected early data to discard.
        if (this.role === 'server') this.rl.stopSkipping();
      }
      this.apply(this.transition(msg));
      if (this.fatal !== undefined) return;
    }
    this.unprocessedInRecord = 0;
  }

  private onApplicationData(rec: ReadRecord): void {
    this.hs.assertRecordBoundary('application data');
    const st = this.st;
    if (rec.epoch === 'early' && st.kind === 'WAIT_EOED') {
      // §4.6.1: "A server receiving more than max_early_data_size bytes of 0-RTT data SHOULD terminate the connection with an "unexpected_message" alert."
      if (rec.data.length > st.budget) throw new HandshakeError('unexpected_message', 'more early data than max_early_data_size');
      this.st = { ...st, budget: st.budget - rec.data.length };
    } else if (!rec.epoch.startsWith('application')) {
      // §5.1/§2: application data flows only under application (or accepted early) keys.
      throw new HandshakeError('unexpected_message', `application data under ${rec.epoch} keys`);
    }
    if (rec.data.length > 0) {
      this.appIn.push(rec.data);
      // Application data ends a run of KeyUpdates (connected.ts MAX_KEY_UPDATES_IN_A_ROW).
      const now = this.st;
      if (now.kind === 'CONNECTED' && now.app.keyUpdatesInARow > 0) this.st = { ...now, app: { ...now.app, keyUpdatesInARow: 0 } };
    }
    this.emit({ type: 'application_data', length: rec.data.length });
  }

  private transition(msg: Decoded): Step {
    const env = this.envAt();
    return this.role === 'client' ? clientHandle(this.st as ClientState, msg, env) : serverHandle(this.st as ServerState, msg, env);
  }

  // --- applying a step -------------------------------------------------------------------

  private apply(step: Step): void {
    let shown: StateName = this.st.kind;
    for (const a of step.actions) {
      if (a.kind === 'via') {
        this.emit({ type: 'state', from: shown, to: a.state.kind });
        shown = a.state.kind;
        continue;
      }
      this.applyAction(a);
    }
    this.flushHandshake();
    if (shown !== step.state.kind || this.st.kind !== step.state.kind) this.emit({ type: 'state', from: shown, to: step.state.kind });
    this.st = step.state;
    if (this.rl.writeEpoch.startsWith('application') && this.appQueued.length > 0) {
      const queued = this.appQueued;
      this.appQueued = [];
      for (const d of queued) this.sealApplicationData(d);
    }
  }

  private applyAction(a: Exclude<Action, { kind: 'via' }>): void {
    switch (a.kind) {
      case 'send':
        this.pendingHs.raws.push(a.raw);
        this.pendingHs.names.push(a.name);
        return;
      case 'ccs':
        if (this.ccsSent) return;
        this.flushHandshake();
        this.ccsSent = true;
        for (const wire of this.rl.sealPlaintext(ContentType.change_cipher_spec, new Uint8Array([1]))) {
          this.transmit(wire, { outerType: 'change_cipher_spec', innerType: 'change_cipher_spec', epoch: 'plaintext', messages: [] });
        }
        return;
      case 'keys': {
        const { key, iv } = trafficKeys(this.env.crypto, a.suite, a.secret);
        const aead = this.env.crypto.aead(a.suite.aead);
        if (a.direction === 'write') {
          this.flushHandshake();
          this.rl.installWriteKeys(a.epoch, aead, key, iv);
        } else {
          // §5.1: a message that changes keys must end its record.
          if (this.unprocessedInRecord > 0 || this.hs.hasPending()) {
            throw new HandshakeError('unaligned_key_change', 'handshake data follows a key-changing message in the same record (§5.1)');
          }
          this.rl.installReadKeys(a.epoch, aead, key, iv);
          if (a.epoch !== 'early' && this.pendingReadLimit !== null) {
            this.rl.setReadRecordSizeLimit(this.pendingReadLimit);
            this.pendingReadLimit = null;
          }
        }
        this.emit({ type: 'keys_installed', direction: a.direction, epoch: a.epoch, ...(a.keylog ? { keylog: { label: a.keylog, secret: a.secret } } : {}) });
        return;
      }
      case 'event':
        if (a.event.type === 'finished_verified') this.peerFinishedVerified = true;
        if (a.event.type === 'handshake_complete') this.complete = true;
        this.emit(a.event);
        return;
      case 'skip_early_data':
        this.rl.skipUndecryptable(a.maxBytes);
        return;
      case 'record_size_limit':
        // RFC 8449 §4: the limit counts TLSInnerPlaintext; TLS 1.3 allows at most 2^14 + 1.
        this.rl.setMaxFragment(Math.min(a.limit, MAX_PLAINTEXT_LENGTH + 1));
        // The extension is now negotiated both ways (client: the server answered in
        // EncryptedExtensions; server: it answers in the EncryptedExtensions it is about to
        // send), so our own advertised limit binds the peer. RFC 8449 §4: "An endpoint that
        // receives a record larger than its advertised limit MUST generate a fatal
        // "record_overflow" alert".
        if (this.env.config.recordSizeLimit !== null) {
          // Not yet while reading plaintext or 0-RTT records (see pendingReadLimit).
          const readProtected = this.rl.readEpoch !== 'plaintext' && this.rl.readEpoch !== 'early';
          if (readProtected) this.rl.setReadRecordSizeLimit(this.env.config.recordSizeLimit);
          else this.pendingReadLimit = this.env.config.recordSizeLimit;
        }
        return;
      case 'alert':
        this.sendAlert(a.alert, AlertLevel.warning);
        return;
      case 'app_data':
        this.flushHandshake();
        this.sealApplicationData(a.data);
        return;
      case 'plaintext_write':
        this.flushHandshake();
        this.rl.clearWriteKeys();
        return;
    }
  }

  /** Seals the queued handshake messages under the current write keys, one call per record. */
  private flushHandshake(): void {
    const { raws, names } = this.pendingHs;
    if (raws.length === 0) return;
    this.pendingHs = { raws: [], names: [] };
    // Only read from here on (sealing copies it into records): one message needs no joining.
    const data = raws.length === 1 ? raws[0]! : concatBytes(...raws);
    const starts: number[] = [];
    let off = 0;
    for (const r of raws) {
      starts.push(off);
      off += r.length;
    }
    const plaintext = this.rl.writeEpoch === 'plaintext';
    const chunk = plaintext ? MAX_PLAINTEXT_LENGTH : this.rl.maxFragment - 1;
    // §5.1: the initial ClientHello's record may carry legacy_record_version 0x0301.
    const legacyVersion = this.role === 'client' && !this.initialHelloSent ? LEGACY_RECORD_VERSION_HELLO : undefined;
    this.initialHelloSent = this.initialHelloSent || this.role === 'client';
    for (let pos = 0; pos < data.length; pos += chunk) {
      const end = Math.min(data.length, pos + chunk);
      const carried = names.filter((_, i) => starts[i]! >= pos && starts[i]! < end);
      const records = plaintext
        ? this.rl.sealPlaintext(ContentType.handshake, data.subarray(pos, end), legacyVersion)
        : this.rl.seal(ContentType.handshake, data.subarray(pos, end));
      for (const wire of records) {
        this.transmit(wire, {
          outerType: plaintext ? 'handshake' : 'application_data',
          innerType: 'handshake',
          epoch: this.rl.writeEpoch as EpochName,
          messages: carried,
        });
      }
    }
  }

  private sealApplicationData(data: Uint8Array): void {
    const st = this.st;
    // §5.5: "Implementations SHOULD update their keys before reaching the limits" — a KeyUpdate goes out first.
    if (st.kind === 'CONNECTED' && this.rl.keyUpdateDue && !this.sentCloseNotify) {
      const out = new Out();
      out.event({ type: 'note', text: 'the write key neared its usage limit (§5.5): automatic KeyUpdate' });
      const app = sendKeyUpdate(this.role, st.app, false, this.envAt(), out);
      this.apply(out.done({ kind: 'CONNECTED', app }));
    }
    for (const wire of this.rl.seal(ContentType.application_data, data)) {
      this.transmit(wire, { outerType: 'application_data', innerType: 'application_data', epoch: this.rl.writeEpoch as EpochName, messages: [] });
    }
  }

  private sendAlert(description: AlertName, level: number): void {
    const body = encodeAlert({ level, description: AlertDescription[description] });
    const plaintext = this.rl.writeEpoch === 'plaintext';
    const records = plaintext ? this.rl.sealPlaintext(ContentType.alert, body) : this.rl.seal(ContentType.alert, body);
    const levelName = level === AlertLevel.warning ? 'warning' : 'fatal';
    for (const wire of records) {
      this.transmit(wire, {
        outerType: plaintext ? 'alert' : 'application_data',
        innerType: 'alert',
        epoch: this.rl.writeEpoch as EpochName,
        messages: [],
        alert: { level: levelName, description },
      });
    }
    this.emit({ type: 'alert_sent', level: levelName, description, epoch: this.rl.writeEpoch as EpochName });
  }

  private transmit(wire: Uint8Array, info: Omit<RecordInfo, 'wire' | 'length'>): void {
    // §6.1: close_notify closes our write side: nothing follows it (e.g. a Finished the
    // state machine still builds after close() during the handshake).
    if (this.sentCloseNotify) {
      this.emit({ type: 'note', text: `not sent after close_notify: ${info.innerType} record (${info.messages.join(', ') || info.innerType})` });
      return;
    }
    this.outbox.push(wire);
    // Spelled out rather than spread: the info objects come in several shapes, and a spread
    // of many shapes takes V8's slow path; the keys keep the spread's order.
    const { outerType, innerType, epoch, messages, alert } = info;
    const length = wire.length - 5;
    const record: RecordInfo =
      alert === undefined ? { outerType, innerType, epoch, messages, length, wire } : { outerType, innerType, epoch, messages, alert, length, wire };
    this.emit({ type: 'record_sent', record });
  }

  // --- errors ----------------------------------------------------------------------------

  /** Runs `f`; a TlsError becomes our fatal alert, anything else is our bug (internal_error). */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      const err = e instanceof TlsError ? e : internalError(e);
      this.failWith(err);
    }
  }

  private failWith(err: TlsError): void {
    if (this.fatal !== undefined) return;
    this.fatal = err;
    this.pendingHs = { raws: [], names: [] };
    try {
      this.rekeyForAlert();
      this.sendAlert(alertFor(err), AlertLevel.fatal);
    } catch {
      // The alert itself could not be sealed (e.g. key limit): the error still stands.
    }
    this.moveTo({ kind: 'CLOSED' });
  }

  /**
   * Appendix A.1 note: "clients may send alerts that derive from post-ServerHello messages
   * in the clear or with the early data keys. If clients need to send such alerts, they
   * SHOULD first rekey to the handshake keys if possible."
   *
   * That applies to a client still writing under its 0-RTT keys too. Without handshake keys
   * (no ServerHello yet) such a client says it in the clear: a server that answered with a
   * HelloRetryRequest, or rejected the early data, skips every record under the early keys
   * (§4.2.10), so an alert sealed under them would never be heard and the server would wait
   * forever (found by the single-fault property: a cut HelloRetryRequest).
   */
  private rekeyForAlert(): void {
    if (this.role !== 'client') return;
    const epoch = this.rl.writeEpoch;
    if (epoch !== 'plaintext' && epoch !== 'early') return;
    const st = this.st as ClientState;
    if (!('keys' in st)) {
      if (epoch === 'early') this.rl.clearWriteKeys();
      return;
    }
    const { suite } = st.keys.negotiated;
    const { key, iv } = trafficKeys(this.env.crypto, suite, st.keys.clientHandshakeSecret);
    this.rl.installWriteKeys('handshake', this.env.crypto.aead(suite.aead), key, iv);
    this.emit({
      type: 'keys_installed',
      direction: 'write',
      epoch: 'handshake',
      keylog: { label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', secret: st.keys.clientHandshakeSecret },
    });
  }

  private throwIfFailed(): void {
    if (this.fatal !== undefined) throw this.fatal;
  }

  private moveTo(state: AnyState): void {
    if (this.st.kind !== state.kind) this.emit({ type: 'state', from: this.st.kind, to: state.kind });
    this.st = state;
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

  private takeApplicationData(max: number, consume: boolean): Uint8Array | null {
    if (this.appIn.length === 0) return null;
    const all = this.appIn.length === 1 ? this.appIn[0]! : concatBytes(...this.appIn);
    const n = Math.min(max, all.length);
    const out = all.slice(0, n);
    if (consume) this.appIn = n === all.length ? [] : [all.subarray(n)];
    else this.appIn = [all];
    return out;
  }
}

function recordPadding(p: PaddingPolicy, random: RandomSource): RecordPaddingPolicy {
  return p.kind === 'random' ? { kind: 'random', max: p.max, random: (n) => random.bytes(n) } : p;
}

/** Creates a client or server endpoint. */
export function createEndpoint(config: EndpointConfig): Endpoint {
  if (config.versions?.includes('TLSv1.2')) throw new Error('createEndpoint makes TLS 1.3 endpoints: use createTlsEndpoint for versions that include TLSv1.2');
  return new Endpoint(config);
}

/**
 * The trace name of a received handshake message. A HelloRetryRequest travels as
 * msg_type server_hello and is recognised by its random (§4.1.3: "HelloRetryRequest ...
 * uses the same structure as the ServerHello, but with Random set to the special value"),
 * so the trace names it `hello_retry_request` on receipt as it does on sending.
 */
function receivedMessageName(type: number, body: Uint8Array): string {
  if (!KNOWN_HANDSHAKE_TYPES.has(type)) return `unknown_${type}`;
  // ServerHello: legacy_version (2 bytes), then random (32 bytes).
  if (type === HandshakeType.server_hello && body.length >= 34 && HRR_RANDOM.every((b, i) => body[2 + i] === b)) {
    return 'hello_retry_request';
  }
  return nameOf('handshake', type);
}

/** A received record's event payload (keys in the order the earlier spread gave them). */
function receivedRecord(
  base: Omit<RecordInfo, 'messages' | 'alert'>,
  messages: readonly string[],
  alert?: { readonly level: string; readonly description: string },
): RecordInfo {
  const { outerType, innerType, epoch, length, wire } = base;
  return alert === undefined ? { outerType, innerType, epoch, length, wire, messages } : { outerType, innerType, epoch, length, wire, messages, alert };
}
