/**
 * The output side of the TLS 1.2 endpoint: handshake messages framed into records under the
 * current write state, alerts, application data, and the events that describe them (the
 * vocabulary of the 1.3 endpoint's trace: record_sent with epoch `plaintext` or `tls12`).
 */
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  encodeAlert,
  LEGACY_RECORD_VERSION_HELLO,
  MAX_PLAINTEXT_LENGTH,
  type AlertName,
  type HandshakeReassembler,
  type RecordLayer,
} from '@tls13sim/record';
import type { EndpointEvent, EpochName, RecordInfo, Role } from '../endpoint/api.js';
import { AppData } from '../endpoint/app-data.js';
import { flightPieces } from '../endpoint/records.js';

/** RFC 5246 §7.2.2 no_renegotiation(100): TLS 1.2 only, so not in the RFC 8446 alert table. */
export const NO_RENEGOTIATION = 100;
export const EPOCH: EpochName = 'tls12';

export abstract class Tls12Io {
  protected outbox: Uint8Array[] = [];
  protected events: EndpointEvent[] = [];
  /** Received application data, record by record (the same buffer the TLS 1.3 endpoint reads). */
  protected appIn = new AppData();
  protected pendingHs: { raws: Uint8Array[]; names: string[] } = { raws: [], names: [] };
  protected sentCloseNotify = false;
  protected helloSent = false;

  constructor(
    readonly role: Role,
    protected rl: RecordLayer,
    protected hs: HandshakeReassembler,
  ) {}

  pollTransmit(): Uint8Array | null {
    return this.outbox.shift() ?? null;
  }
  pollEvent(): EndpointEvent | null {
    return this.events.shift() ?? null;
  }
  protected flushHandshake(): void {
    const { raws, names } = this.pendingHs;
    if (raws.length === 0) return;
    this.pendingHs = { raws: [], names: [] };
    const plaintext = this.rl.writeEpoch === 'plaintext';
    // RFC 5246 Appendix E.1: a ClientHello's record may carry {03,01}, as TLS 1.3's does (RFC 8446 §5.1).
    const legacy = this.role === 'client' && !this.helloSent ? LEGACY_RECORD_VERSION_HELLO : undefined;
    if (this.role === 'client') this.helloSent = true;
    for (const piece of flightPieces(raws, names, MAX_PLAINTEXT_LENGTH)) {
      const records = plaintext ? this.rl.sealPlaintext(ContentType.handshake, piece.bytes, legacy) : this.rl.seal(ContentType.handshake, piece.bytes);
      for (const wire of records)
        this.transmit(wire, { outerType: 'handshake', innerType: 'handshake', epoch: this.rl.writeEpoch as EpochName, messages: piece.messages });
    }
  }

  protected sealApplicationData(data: Uint8Array): void {
    for (const wire of this.rl.seal(ContentType.application_data, data)) {
      this.transmit(wire, { outerType: 'application_data', innerType: 'application_data', epoch: EPOCH, messages: [] });
    }
  }

  protected sendAlert(description: AlertName | 'no_renegotiation', level: number): void {
    const code = description === 'no_renegotiation' ? NO_RENEGOTIATION : AlertDescription[description];
    const body = encodeAlert({ level, description: code });
    const plaintext = this.rl.writeEpoch === 'plaintext';
    const records = plaintext ? this.rl.sealPlaintext(ContentType.alert, body) : this.rl.seal(ContentType.alert, body);
    const levelName = level === AlertLevel.warning ? 'warning' : 'fatal';
    const epoch = this.rl.writeEpoch as EpochName;
    for (const wire of records) this.transmit(wire, { outerType: 'alert', innerType: 'alert', epoch, messages: [], alert: { level: levelName, description } });
    this.emit({ type: 'alert_sent', level: levelName, description, epoch });
  }

  protected transmit(wire: Uint8Array, info: Omit<RecordInfo, 'wire' | 'length'>): void {
    if (this.sentCloseNotify) {
      this.emit({ type: 'note', text: `not sent after close_notify: ${info.innerType} record (${info.messages.join(', ') || info.innerType})` });
      return;
    }
    this.outbox.push(wire);
    this.emit({ type: 'record_sent', record: { ...info, length: wire.length - 5, wire } });
  }

  protected emit(e: EndpointEvent): void {
    this.events.push(e);
  }
}
