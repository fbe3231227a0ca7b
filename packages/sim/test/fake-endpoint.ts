/**
 * A scripted stand-in for the real endpoint: it implements `EndpointApi`, frames real
 * TLS records (5-byte header + body) and walks the RFC 8446 Appendix A states of a
 * handshake with optional client authentication, but does no cryptography. A "protected"
 * record's body is `content ‖ innerType ‖ checksum16`, so a corrupted byte is detected
 * (as bad_record_mac) the way an AEAD would detect it.
 */
import type { EndpointApi, EndpointEvent, EpochName, RecordInfo, Role, StateName } from '@tls13sim/handshake';
import { TlsError, type AlertName } from '@tls13sim/record';

export interface FakeConfig {
  /** Server: send CertificateRequest; client: answer with Certificate + CertificateVerify. */
  readonly clientAuth?: boolean;
  /** Server: reject the client's CertificateVerify with decrypt_error. */
  readonly rejectClientCv?: boolean;
  /** Client: send Certificate, CertificateVerify, Finished as separate records (default true). */
  readonly separateRecords?: boolean;
  /** Server: NewSessionTickets sent after the client's Finished. */
  readonly tickets?: number;
  /** Server: application data sent after the client's Finished. */
  readonly greeting?: string;
  /** Echo every application data record back (two echoing peers ping-pong forever). */
  readonly echo?: boolean;
  /** Seeds the ClientHello random. */
  readonly seed?: number;
}

const CT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;
const CT_NAME: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };
const HS = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
} as const;
type HsName = keyof typeof HS;
const HS_NAME: Record<number, HsName> = Object.fromEntries(Object.entries(HS).map(([k, v]) => [v, k as HsName]));
const ALERT_CODE: Record<string, number> = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decode_error: 50,
  decrypt_error: 51,
};
const ALERT_NAME: Record<number, string> = Object.fromEntries(Object.entries(ALERT_CODE).map(([k, v]) => [v, k]));

interface St {
  state: StateName;
  started: boolean;
  inbuf: Uint8Array;
  hsbuf: Uint8Array;
  readEpoch: EpochName;
  writeEpoch: EpochName;
  out: Uint8Array[];
  events: EndpointEvent[];
  app: Uint8Array;
  peerClosed: boolean;
  closedForWriting: boolean;
  handshakeComplete: boolean;
  authRequested: boolean;
  sentFinished: boolean;
}

function frame(type: number, body: Uint8Array, legacy = 0x0303): Uint8Array {
  const r = new Uint8Array(5 + body.length);
  r[0] = type;
  r[1] = legacy >> 8;
  r[2] = legacy & 0xff;
  r[3] = body.length >> 8;
  r[4] = body.length & 0xff;
  r.set(body, 5);
  return r;
}

function hsMsg(type: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + body.length);
  m[0] = type;
  m[1] = (body.length >> 16) & 0xff;
  m[2] = (body.length >> 8) & 0xff;
  m[3] = body.length & 0xff;
  m.set(body, 4);
  return m;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function checksum(b: Uint8Array): number {
  let s = 0;
  for (const x of b) s = (s * 31 + x) & 0xffff;
  return s;
}

function filler(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export class FakeEndpoint implements EndpointApi {
  private st: St;
  private err: TlsError | undefined;

  constructor(
    readonly role: Role,
    readonly config: FakeConfig = {},
    from?: { st: St; err: TlsError | undefined },
  ) {
    this.st = from
      ? structuredClone(from.st)
      : {
          state: 'START',
          started: false,
          inbuf: new Uint8Array(0),
          hsbuf: new Uint8Array(0),
          readEpoch: 'plaintext',
          writeEpoch: 'plaintext',
          out: [],
          events: [],
          app: new Uint8Array(0),
          peerClosed: false,
          closedForWriting: false,
          handshakeComplete: false,
          authRequested: false,
          sentFinished: false,
        };
    this.err = from?.err;
  }

  get state(): StateName {
    return this.st.state;
  }
  get error(): TlsError | undefined {
    return this.err;
  }
  get handshakeComplete(): boolean {
    return this.st.handshakeComplete;
  }
  get peerClosed(): boolean {
    return this.st.peerClosed;
  }
  get closedForWriting(): boolean {
    return this.st.closedForWriting;
  }

  start(): void {
    if (this.st.started) throw new Error('start() called twice');
    this.st.started = true;
    if (this.role === 'server') return;
    const random = filler(32, this.config.seed ?? 7);
    const body = cat(new Uint8Array([0x03, 0x03]), random, filler(40, 99));
    this.go('WAIT_SH');
    this.send(CT.handshake, [hsMsg(HS.client_hello, body)], 'plaintext', ['client_hello'], 0x0301);
  }

  handleBytes(bytes: Uint8Array): void {
    this.checkOpen();
    this.st.inbuf = cat(this.st.inbuf, bytes);
    while (this.st.inbuf.length >= 5 && !this.err) {
      const len = (this.st.inbuf[3]! << 8) | this.st.inbuf[4]!;
      if (this.st.inbuf.length < 5 + len) return;
      const wire = this.st.inbuf.slice(0, 5 + len);
      this.st.inbuf = this.st.inbuf.slice(5 + len);
      this.onRecord(wire);
    }
  }

  handleTimeout(): void {}

  write(data: Uint8Array): void {
    this.checkOpen();
    if (!this.st.writeEpoch.startsWith('application')) throw new Error('write before the handshake completed');
    this.protect(CT.application_data, data, []);
  }

  keyUpdate(): void {
    throw new Error('FakeEndpoint: keyUpdate not scripted');
  }
  requestClientAuth(): void {
    throw new Error('FakeEndpoint: requestClientAuth not scripted');
  }

  close(): void {
    this.checkOpen();
    this.alert('warning', 'close_notify');
    this.st.closedForWriting = true;
    this.ev({ type: 'closed_for_writing', readOpen: !this.st.peerClosed });
  }

  pollTransmit(): Uint8Array | null {
    return this.st.out.shift() ?? null;
  }
  pollEvent(): EndpointEvent | null {
    return this.st.events.shift() ?? null;
  }

  readApplicationData(max = Infinity): Uint8Array | null {
    // Like the real endpoint: once failed and drained, reading fails loudly with the error.
    if (this.st.app.length === 0) return this.nothingOrError();
    const n = Math.min(max, this.st.app.length);
    const d = this.st.app.slice(0, n);
    this.st.app = this.st.app.slice(n);
    return d;
  }
  peekApplicationData(max = Infinity): Uint8Array | null {
    if (this.st.app.length === 0) return this.nothingOrError();
    return this.st.app.slice(0, Math.min(max, this.st.app.length));
  }

  clone(): FakeEndpoint {
    return new FakeEndpoint(this.role, this.config, { st: this.st, err: this.err });
  }

  // ── internals ──

  private nothingOrError(): null {
    if (this.err) throw this.err;
    return null;
  }

  private checkOpen(): void {
    if (this.err) throw this.err;
  }

  private ev(e: EndpointEvent): void {
    this.st.events.push(e);
  }

  private go(to: StateName): void {
    this.ev({ type: 'state', from: this.st.state, to });
    this.st.state = to;
  }

  private info(wire: Uint8Array, innerType: string, epoch: EpochName, messages: string[], alert?: { level: string; description: string }): RecordInfo {
    const base = { outerType: CT_NAME[wire[0]!] ?? `unknown_${wire[0]}`, innerType, epoch, length: wire.length - 5, messages, wire };
    return alert ? { ...base, alert } : base;
  }

  private send(type: number, msgs: Uint8Array[], epoch: EpochName, names: string[], legacy = 0x0303): void {
    if (epoch !== 'plaintext') return this.protect(type, cat(...msgs), names);
    const wire = frame(type, cat(...msgs), legacy);
    this.st.out.push(wire);
    this.ev({ type: 'record_sent', record: this.info(wire, CT_NAME[type]!, epoch, names) });
  }

  private protect(innerType: number, content: Uint8Array, names: string[], alert?: { level: string; description: string }): void {
    const inner = cat(content, new Uint8Array([innerType]));
    const sum = checksum(inner);
    const wire = frame(CT.application_data, cat(inner, new Uint8Array([sum >> 8, sum & 0xff])));
    this.st.out.push(wire);
    this.ev({ type: 'record_sent', record: this.info(wire, CT_NAME[innerType]!, this.st.writeEpoch, names, alert) });
  }

  private keys(direction: 'read' | 'write', epoch: EpochName): void {
    if (direction === 'read') this.st.readEpoch = epoch;
    else this.st.writeEpoch = epoch;
    const mine = (direction === 'write') === (this.role === 'client') ? 'CLIENT' : 'SERVER';
    const label = epoch === 'handshake' ? `${mine}_HANDSHAKE_TRAFFIC_SECRET` : `${mine}_TRAFFIC_SECRET_0`;
    this.ev({ type: 'keys_installed', direction, epoch, keylog: { label, secret: filler(32, label.length) } });
  }

  private alert(level: 'warning' | 'fatal', description: string): void {
    const body = new Uint8Array([level === 'fatal' ? 2 : 1, ALERT_CODE[description] ?? 80]);
    const epoch = this.st.writeEpoch;
    if (epoch === 'plaintext') {
      const wire = frame(CT.alert, body);
      this.st.out.push(wire);
      this.ev({ type: 'record_sent', record: this.info(wire, 'alert', epoch, [], { level, description }) });
    } else {
      this.protect(CT.alert, body, [], { level, description });
    }
    this.ev({ type: 'alert_sent', level, description, epoch });
  }

  private fail(description: AlertName, why: string): void {
    this.alert('fatal', description);
    this.err = new TlsError(description, why);
    this.go('CLOSED');
  }

  private onRecord(wire: Uint8Array): void {
    const outer = wire[0]!;
    const body = wire.subarray(5);
    let inner = outer;
    let content: Uint8Array = body;
    const epoch = this.st.readEpoch;
    if (epoch !== 'plaintext') {
      if (outer !== CT.application_data || body.length < 3) return this.fail('unexpected_message', 'bad protected record');
      const sum = (body[body.length - 2]! << 8) | body[body.length - 1]!;
      const innerPt = body.subarray(0, body.length - 2);
      if (checksum(innerPt) !== sum) return this.fail('bad_record_mac', 'record authentication failed');
      inner = innerPt[innerPt.length - 1]!;
      content = innerPt.subarray(0, innerPt.length - 1);
    }
    if (inner === CT.alert) {
      const level = content[0] === 2 ? 'fatal' : 'warning';
      const description = ALERT_NAME[content[1]!] ?? `unknown_${content[1]}`;
      this.ev({ type: 'record_received', record: this.info(wire, 'alert', epoch, [], { level, description }) });
      this.ev({ type: 'alert_received', level, description, epoch });
      if (description === 'close_notify') {
        this.st.peerClosed = true;
        this.ev({ type: 'peer_closed', writeOpen: !this.st.closedForWriting });
        return;
      }
      this.err = new TlsError(description as AlertName, 'alert received from the peer');
      this.go('CLOSED');
      return;
    }
    if (inner === CT.application_data) {
      this.ev({ type: 'record_received', record: this.info(wire, 'application_data', epoch, []) });
      if (!epoch.startsWith('application')) return this.fail('unexpected_message', 'application data before keys');
      this.st.app = cat(this.st.app, content);
      this.ev({ type: 'application_data', length: content.length });
      if (this.config.echo) this.protect(CT.application_data, content.slice(), []);
      return;
    }
    if (inner !== CT.handshake) return this.fail('unexpected_message', `content type ${inner}`);
    this.st.hsbuf = cat(this.st.hsbuf, content);
    const names: string[] = [];
    const msgs: HsName[] = [];
    while (this.st.hsbuf.length >= 4) {
      const len = (this.st.hsbuf[1]! << 16) | (this.st.hsbuf[2]! << 8) | this.st.hsbuf[3]!;
      if (this.st.hsbuf.length < 4 + len) break;
      const name = HS_NAME[this.st.hsbuf[0]!];
      this.st.hsbuf = this.st.hsbuf.slice(4 + len);
      names.push(name ?? 'unknown');
      if (name === undefined) {
        this.ev({ type: 'record_received', record: this.info(wire, 'handshake', epoch, names) });
        return this.fail('unexpected_message', 'unknown handshake message');
      }
      msgs.push(name);
    }
    this.ev({ type: 'record_received', record: this.info(wire, 'handshake', epoch, names) });
    for (const m of msgs) {
      if (this.err) return;
      if (this.role === 'client') this.clientOn(m);
      else this.serverOn(m);
    }
  }

  private unexpected(m: string): void {
    this.fail('unexpected_message', `${m} in ${this.st.state}`);
  }

  private clientOn(m: HsName): void {
    const s = this.st.state;
    if (s === 'WAIT_SH' && m === 'server_hello') {
      this.go('WAIT_EE');
      this.keys('read', 'handshake');
      this.keys('write', 'handshake');
    } else if (s === 'WAIT_EE' && m === 'encrypted_extensions') this.go('WAIT_CERT_CR');
    else if (s === 'WAIT_CERT_CR' && m === 'certificate_request') {
      this.st.authRequested = true;
      this.go('WAIT_CERT');
    } else if ((s === 'WAIT_CERT_CR' || s === 'WAIT_CERT') && m === 'certificate') this.go('WAIT_CV');
    else if (s === 'WAIT_CV' && m === 'certificate_verify') this.go('WAIT_FINISHED');
    else if (s === 'WAIT_FINISHED' && m === 'finished') {
      this.ev({ type: 'finished_verified' });
      const flight: Array<[HsName, Uint8Array]> = [];
      if (this.st.authRequested) {
        flight.push(['certificate', hsMsg(HS.certificate, filler(60, 3))]);
        flight.push(['certificate_verify', hsMsg(HS.certificate_verify, filler(40, 4))]);
      }
      flight.push(['finished', hsMsg(HS.finished, filler(32, 5))]);
      this.ev({ type: 'finished_built' });
      if (this.config.separateRecords ?? true) {
        for (const [n, b] of flight) this.send(CT.handshake, [b], 'handshake', [n]);
      } else {
        this.send(
          CT.handshake,
          flight.map(([, b]) => b),
          'handshake',
          flight.map(([n]) => n),
        );
      }
      this.st.sentFinished = true;
      this.keys('write', 'application');
      this.keys('read', 'application');
      this.go('CONNECTED');
      this.st.handshakeComplete = true;
      this.ev({ type: 'handshake_complete' });
    } else if (s === 'CONNECTED' && m === 'new_session_ticket') this.ev({ type: 'new_session_ticket', lifetime: 7200 });
    else this.unexpected(m);
  }

  private serverOn(m: HsName): void {
    const s = this.st.state;
    if (s === 'START' && m === 'client_hello') {
      this.go('RECVD_CH');
      this.go('NEGOTIATED');
      this.send(CT.handshake, [hsMsg(HS.server_hello, filler(70, 11))], 'plaintext', ['server_hello']);
      this.keys('write', 'handshake');
      this.keys('read', 'handshake');
      const names: HsName[] = ['encrypted_extensions'];
      const msgs = [hsMsg(HS.encrypted_extensions, filler(6, 12))];
      if (this.config.clientAuth) {
        names.push('certificate_request');
        msgs.push(hsMsg(HS.certificate_request, filler(12, 13)));
      }
      names.push('certificate', 'certificate_verify', 'finished');
      msgs.push(hsMsg(HS.certificate, filler(80, 14)), hsMsg(HS.certificate_verify, filler(40, 15)));
      this.ev({ type: 'finished_built' });
      msgs.push(hsMsg(HS.finished, filler(32, 16)));
      this.send(CT.handshake, msgs, 'handshake', names);
      this.st.sentFinished = true;
      this.keys('write', 'application');
      this.go('WAIT_FLIGHT2');
      this.go(this.config.clientAuth ? 'WAIT_CERT' : 'WAIT_FINISHED');
    } else if (s === 'WAIT_CERT' && m === 'certificate') this.go('WAIT_CV');
    else if (s === 'WAIT_CV' && m === 'certificate_verify') {
      if (this.config.rejectClientCv) return this.fail('decrypt_error', 'client CertificateVerify does not verify');
      this.go('WAIT_FINISHED');
    } else if (s === 'WAIT_FINISHED' && m === 'finished') {
      this.ev({ type: 'finished_verified' });
      this.keys('read', 'application');
      this.go('CONNECTED');
      this.st.handshakeComplete = true;
      this.ev({ type: 'handshake_complete' });
      for (let i = 0; i < (this.config.tickets ?? 0); i++) {
        this.protect(CT.handshake, hsMsg(HS.new_session_ticket, filler(20, 20 + i)), ['new_session_ticket']);
      }
      if (this.config.greeting !== undefined) {
        this.protect(CT.application_data, new TextEncoder().encode(this.config.greeting), []);
      }
    } else this.unexpected(m);
  }
}

/** A client and a server scripted for one handshake shape. */
export function fakePair(config: FakeConfig = {}): { client: FakeEndpoint; server: FakeEndpoint } {
  return { client: new FakeEndpoint('client', config), server: new FakeEndpoint('server', config) };
}
