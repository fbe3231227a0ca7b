/**
 * The record side of the TLS 1.3 driver (docs/architecture.md "The sans-I/O endpoint"): the
 * RecordLayer and the handshake reassembler, the records waiting to be sent, and the
 * handshake messages queued until the next flush. It seals and installs what the driver
 * tells it to and reports every record it sends as an event; it decides nothing about the
 * protocol (the transitions do) and keeps no connection facts (conn.ts does).
 */
import {
  AlertDescription,
  AlertLevel,
  type AlertName,
  ContentType,
  encodeAlert,
  HandshakeReassembler,
  type HandshakeMessage,
  LEGACY_RECORD_VERSION_HELLO,
  MAX_PLAINTEXT_LENGTH,
  type ReadRecord,
  RecordLayer,
  TlsError,
} from '@tls13sim/record';
import type { CryptoProvider } from '../crypto/provider.js';
import type { RandomSource } from '../crypto/random.js';
import { trafficKeys } from '../keyschedule/derive.js';
import type { EndpointEvent, EpochName, RecordInfo, Role } from './api.js';
import type { Conn, ConnUpdate } from './conn.js';
import { HandshakeError } from './errors.js';
import { flightPieces, recordPadding } from './records.js';
import type { ResolvedConfig } from './resolve.js';
import type { Action } from './step.js';

/** The actions of a Step that act on records (the driver applies the others itself). */
export type RecordAction = Exclude<Action, { kind: 'via' | 'event' | 'deliver' | 'conn' }>;

interface PendingHandshake {
  readonly raws: Uint8Array[];
  readonly names: string[];
}

export class RecordIo {
  readonly rl: RecordLayer;
  readonly hs: HandshakeReassembler;
  /** Wire records ready to send, in order. */
  readonly outbox: Uint8Array[];
  private pending: PendingHandshake;

  private readonly role: Role;
  /** Our own record_size_limit (RFC 8449), if we advertise one. */
  private readonly ownLimit: number | null;

  /** `emit` reports what is sent; `from` is the RecordIo to copy (clone). */
  constructor(
    config: ResolvedConfig,
    private readonly crypto: CryptoProvider,
    random: RandomSource,
    private readonly emit: (e: EndpointEvent) => void,
    from?: RecordIo,
  ) {
    this.role = config.role;
    this.ownLimit = config.recordSizeLimit;
    const padding = recordPadding(config.padding, random);
    if (from === undefined) {
      this.rl = new RecordLayer({ padding, plaintextAlertsAfterKeys: config.role === 'server', keyLimits: config.keyLimits });
      this.hs = new HandshakeReassembler({ maxMessageSize: config.maxHandshakeMessageSize });
      this.outbox = [];
      this.pending = { raws: [], names: [] };
      return;
    }
    this.rl = from.rl.clone();
    this.rl.setPadding(padding);
    this.hs = from.hs.clone();
    this.outbox = [...from.outbox];
    this.pending = { raws: [...from.pending.raws], names: [...from.pending.names] };
  }

  /**
   * Applies one record-side action of a Step, given the connection record; returns the
   * change to that record (null: none). `rest`: handshake messages of the current record
   * still to process (§5.1 key-change check).
   */
  apply(a: RecordAction, conn: Conn, rest: number): ConnUpdate | null {
    const closed = conn.sentCloseNotify;
    switch (a.kind) {
      case 'send':
        this.pending.raws.push(a.raw);
        this.pending.names.push(a.name);
        return null;
      case 'ccs': {
        // §D.4: one compatibility change_cipher_spec per connection.
        if (conn.ccsSent) return null;
        const set = this.flush(conn);
        this.sendChangeCipherSpec(closed);
        return { ...set, ccsSent: true };
      }
      case 'keys':
        if (a.direction === 'write') {
          const set = this.flush(conn);
          this.installKeys(a, rest);
          return set;
        }
        this.installKeys(a, rest);
        return this.bindReadLimit(a.epoch, conn.pendingReadLimit);
      case 'skip_early_data':
        this.rl.skipUndecryptable(a.maxBytes);
        return null;
      case 'record_size_limit': {
        const pending = this.limitRecords(a.limit, this.ownLimit);
        return pending === null ? null : { pendingReadLimit: pending };
      }
      case 'alert':
        this.sendAlert(a.alert, AlertLevel.warning, closed);
        return null;
      case 'app_data': {
        const set = this.flush(conn);
        this.sendApplicationData(a.data, closed);
        return set;
      }
      case 'plaintext_write': {
        const set = this.flush(conn);
        this.rl.clearWriteKeys();
        return set;
      }
    }
  }

  /** Seals the queued handshake messages; §5.1: the initial ClientHello's record may carry legacy_record_version 0x0301. */
  flush(conn: Conn): ConnUpdate | null {
    const firstHello = this.role === 'client' && !conn.initialHelloSent;
    const flushed = this.flushHandshake(firstHello ? LEGACY_RECORD_VERSION_HELLO : undefined, conn.sentCloseNotify);
    return flushed && firstHello ? { initialHelloSent: true } : null;
  }

  /** RFC 8449 §4: our own limit binds from the first non-early read keys on (conn.ts pendingReadLimit). */
  private bindReadLimit(epoch: string, limit: number | null): ConnUpdate | null {
    if (epoch === 'early' || limit === null) return null;
    this.rl.setReadRecordSizeLimit(limit);
    return { pendingReadLimit: null };
  }

  /** The handshake messages a handshake record completes, in order (§5.1: a message may span records). */
  handshakeFrames(rec: ReadRecord): HandshakeMessage[] {
    // A protected record's content is the AEAD's fresh output, seen by nobody else; a
    // plaintext record's is a view of its wire bytes, which the record event shows.
    if (rec.epoch === 'plaintext') this.hs.push(rec.data, rec.epoch);
    else this.hs.pushOwned(rec.data, rec.epoch);
    const frames: HandshakeMessage[] = [];
    for (let f = this.hs.next(); f !== null; f = this.hs.next()) frames.push(f);
    return frames;
  }

  /**
   * RFC 8449 §4: the peer's record_size_limit bounds what we send; it counts
   * TLSInnerPlaintext, and TLS 1.3 allows at most 2^14 + 1. The extension is now negotiated
   * both ways (client: the server answered in EncryptedExtensions; server: it answers in the
   * EncryptedExtensions it is about to send), so our own advertised limit (`own`) binds the
   * peer: "An endpoint that receives a record larger than its advertised limit MUST generate
   * a fatal "record_overflow" alert". Not yet while we read plaintext or 0-RTT records: then
   * the limit is returned, to bind later (conn.ts pendingReadLimit); else null.
   */
  private limitRecords(limit: number, own: number | null): number | null {
    this.rl.setMaxFragment(Math.min(limit, MAX_PLAINTEXT_LENGTH + 1));
    if (own === null) return null;
    const readProtected = this.rl.readEpoch !== 'plaintext' && this.rl.readEpoch !== 'early';
    if (!readProtected) return own;
    this.rl.setReadRecordSizeLimit(own);
    return null;
  }

  /** Forgets queued handshake messages (a fatal error: only the alert goes out). */
  dropHandshake(): void {
    this.pending = { raws: [], names: [] };
  }

  /** §5.1 "Handshake messages MUST NOT be interleaved with other record types": the error when a message is pending, else null. */
  interleavingError(why: string): TlsError | null {
    try {
      this.hs.assertRecordBoundary(why);
      return null;
    } catch (e) {
      if (e instanceof TlsError) return e;
      throw e;
    }
  }

  /**
   * Installs traffic keys (§7.3); queued handshake messages are flushed first. `rest`: handshake messages of the current record still to
   * process. §5.1: "Handshake messages MUST NOT span key changes" — a message that changes
   * the read keys must end its record.
   */
  private installKeys(a: Extract<Action, { kind: 'keys' }>, rest: number): void {
    // Fresh from the key schedule and seen by nobody else: handed over, not copied.
    const { key, iv } = trafficKeys(this.crypto, a.suite, a.secret);
    const aead = this.crypto.aead(a.suite.aead);
    if (a.direction === 'write') {
      this.rl.installWriteKeys(a.epoch, aead, key, iv, true);
    } else {
      if (rest > 0 || this.hs.hasPending()) {
        throw new HandshakeError('unaligned_key_change', 'handshake data follows a key-changing message in the same record (§5.1)');
      }
      this.rl.installReadKeys(a.epoch, aead, key, iv, true);
    }
    this.emit({ type: 'keys_installed', direction: a.direction, epoch: a.epoch, ...(a.keylog ? { keylog: { label: a.keylog, secret: a.secret } } : {}) });
  }

  /**
   * Seals the queued handshake messages under the current write keys, one call per record;
   * false when none were queued. `legacyVersion`: the initial ClientHello's record version (§5.1).
   */
  private flushHandshake(legacyVersion: number | undefined, closed: boolean): boolean {
    const { raws, names } = this.pending;
    if (raws.length === 0) return false;
    this.pending = { raws: [], names: [] };
    const plaintext = this.rl.writeEpoch === 'plaintext';
    const size = plaintext ? MAX_PLAINTEXT_LENGTH : this.rl.maxFragment - 1;
    for (const piece of flightPieces(raws, names, size)) {
      const records = plaintext ? this.rl.sealPlaintext(ContentType.handshake, piece.bytes, legacyVersion) : this.rl.seal(ContentType.handshake, piece.bytes);
      const epoch = this.rl.writeEpoch as EpochName;
      for (const wire of records) {
        this.transmit(wire, { outerType: plaintext ? 'handshake' : 'application_data', innerType: 'handshake', epoch, messages: piece.messages }, closed);
      }
    }
    return true;
  }

  /** The compatibility-mode change_cipher_spec (§D.4), always unprotected. */
  private sendChangeCipherSpec(closed: boolean): void {
    for (const wire of this.rl.sealPlaintext(ContentType.change_cipher_spec, new Uint8Array([1]))) {
      this.transmit(wire, { outerType: 'change_cipher_spec', innerType: 'change_cipher_spec', epoch: 'plaintext', messages: [] }, closed);
    }
  }

  private sendApplicationData(data: Uint8Array, closed: boolean): void {
    for (const wire of this.rl.seal(ContentType.application_data, data)) {
      const epoch = this.rl.writeEpoch as EpochName;
      this.transmit(wire, { outerType: 'application_data', innerType: 'application_data', epoch, messages: [] }, closed);
    }
  }

  sendAlert(description: AlertName, level: number, closed: boolean): void {
    const body = encodeAlert({ level, description: AlertDescription[description] });
    const plaintext = this.rl.writeEpoch === 'plaintext';
    const records = plaintext ? this.rl.sealPlaintext(ContentType.alert, body) : this.rl.seal(ContentType.alert, body);
    const levelName = level === AlertLevel.warning ? 'warning' : 'fatal';
    const epoch = this.rl.writeEpoch as EpochName;
    for (const wire of records) {
      this.transmit(
        wire,
        { outerType: plaintext ? 'alert' : 'application_data', innerType: 'alert', epoch, messages: [], alert: { level: levelName, description } },
        closed,
      );
    }
    this.emit({ type: 'alert_sent', level: levelName, description, epoch });
  }

  /** `closed`: our close_notify is sent (§6.1: it closes our write side, nothing follows it). */
  private transmit(wire: Uint8Array, info: Omit<RecordInfo, 'wire' | 'length'>, closed: boolean): void {
    // E.g. a Finished the state machine still builds after close() during the handshake.
    if (closed) {
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
}
