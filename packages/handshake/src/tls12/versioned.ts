/**
 * An endpoint configured for TLS 1.2 and TLS 1.3 (RFC 8446 §4.2.1, Appendix D): it runs as
 * the 1.3 `Endpoint` or the TLS 1.2 one, chosen by the hellos.
 *
 * - Client (Appendix D.1): the 1.3 client's ClientHello, made usable by a TLS 1.2 server too
 *   (supported_versions [1.3, 1.2], the 1.2 suites after the 1.3 ones, extended_master_secret,
 *   renegotiation_info, ec_point_formats). The server's first handshake message decides: a
 *   ServerHello with supported_versions goes to the 1.3 client; one without it (legacy_version
 *   0x0303) continues as TLS 1.2 from that ClientHello, checking the §4.1.3 downgrade sentinel.
 * - Server (Appendix D.2): the first ClientHello decides: TLS 1.3 when its supported_versions
 *   lists 0x0304, else TLS 1.2, whose ServerHello.random then ends with DOWNGRD\x01 (§4.1.3).
 *
 * Until the decision, incoming bytes are held (nothing can be processed before the deciding
 * hello anyway) and the 1.3 client's events pass through unchanged.
 */
import { Deframer, HandshakeReassembler, concatBytes, ContentType, Reader, TlsError } from '@tls13sim/record';
import { TLS12, TLS13 } from '../constants.js';
import type { EndpointEvent, Role, StateName, TlsEndpoint, AnyNegotiated } from '../endpoint/api.js';
import type { EndpointConfig } from '../endpoint/config.js';
import { Endpoint } from '../endpoint/endpoint.js';
import { findExtension } from '../messages/extensions.js';
import { readClientHello } from '../messages/hello.js';
import type { ClientHello, ClientHelloExtension } from '../messages/types.js';
import { Tls12Endpoint, tls12Env } from './endpoint.js';
import { tls12ClientExtensions } from './hello.js';

/** The ClientHello of a 1.2+1.3 client: the 1.3 one plus what a TLS 1.2 server needs (RFC 8446 Appendix D.1). */
export function dualVersionClientHello(ch: ClientHello, tls12Suites: readonly number[]): ClientHello {
  const extensions: ClientHelloExtension[] = ch.extensions.map((e) =>
    e.type === 'supported_versions' ? { type: 'supported_versions', versions: [TLS13, TLS12] } : e,
  );
  // §4.2.11: pre_shared_key stays last.
  const psk = extensions.findIndex((e) => e.type === 'pre_shared_key');
  extensions.splice(psk === -1 ? extensions.length : psk, 0, ...tls12ClientExtensions());
  return { ...ch, cipherSuites: [...ch.cipherSuites, ...tls12Suites], extensions };
}

/** The first handshake message in `bytes`, if whole; 'other' when the first record is not handshake or cannot be framed. */
function firstHandshake(bytes: Uint8Array): { type: number; body: Uint8Array } | 'other' | null {
  const d = new Deframer();
  const hs = new HandshakeReassembler();
  d.push(bytes);
  try {
    for (let r = d.next(); r !== null; r = d.next()) {
      if (r.type !== ContentType.handshake) return 'other';
      hs.push(r.fragment, 'plaintext');
      const m = hs.next();
      if (m !== null) return { type: m.type, body: m.body };
    }
  } catch (e) {
    if (e instanceof TlsError) return 'other';
    throw e;
  }
  return null;
}

/** ServerHello.extensions carries supported_versions (RFC 8446 §4.1.3: a TLS 1.3 ServerHello must). */
function serverHelloIs13(body: Uint8Array): boolean {
  try {
    const r = new Reader(body);
    r.u16();
    r.bytes(32);
    r.opaque8();
    r.u16();
    r.u8();
    if (r.atEnd) return false;
    return r
      .vec16()
      .list((x) => ({ code: x.u16(), data: x.opaque16() }))
      .some((e) => e.code === 43);
  } catch {
    // A malformed ServerHello: the 1.3 client gives it its alert.
    return true;
  }
}

/** The ClientHello offers TLS 1.3 (RFC 8446 §4.2.1 supported_versions with 0x0304). */
function clientHelloOffers13(body: Uint8Array): boolean {
  try {
    const ch = readClientHello(new Reader(body));
    return findExtension(ch.extensions, 'supported_versions')?.versions.includes(TLS13) ?? false;
  } catch {
    return true;
  }
}

export class VersionedEndpoint implements TlsEndpoint {
  readonly role: Role;
  private inner: TlsEndpoint | null;
  private held: Uint8Array[] = [];
  private heldNow = 0;
  private startedAt: number | null = null;
  /** Events and records of the 1.3 client before a hand-over to TLS 1.2. */
  private carried: EndpointEvent[] = [];
  private carriedOut: Uint8Array[] = [];
  private clientHelloRaw: Uint8Array | null = null;
  private chParts: Uint8Array[] = [];

  constructor(private config: EndpointConfig) {
    this.role = config.role;
    const suites12 = tls12Env(config, true).suites12.map((s) => s.code);
    if (config.role === 'client') {
      const user = config.hooks?.clientHello;
      const clientHello = (ch: ClientHello): ClientHello => {
        const dual = dualVersionClientHello(ch, suites12);
        return user ? user(dual) : dual;
      };
      this.inner = new Endpoint({ ...config, hooks: { ...config.hooks, clientHello } });
    } else {
      this.inner = null;
    }
  }

  // --- observation (before the decision: the 1.3 client's, or a server in START) -------

  private get cur(): TlsEndpoint | null {
    return this.inner;
  }
  get state(): StateName {
    return this.cur?.state ?? 'START';
  }
  get error(): TlsError | undefined {
    return this.cur?.error;
  }
  get handshakeComplete(): boolean {
    return this.cur?.handshakeComplete ?? false;
  }
  get peerClosed(): boolean {
    return this.cur?.peerClosed ?? false;
  }
  get closedForWriting(): boolean {
    return this.cur?.closedForWriting ?? false;
  }
  /** The version the hellos chose (kept after CLOSED); null before, or when the peer's first message was no hello. */
  get version(): 'TLSv1.2' | 'TLSv1.3' | null {
    return this.chosen ?? this.cur?.version ?? null;
  }
  private chosen: 'TLSv1.2' | 'TLSv1.3' | null = null;
  get negotiated(): AnyNegotiated | null {
    return this.cur?.negotiated ?? null;
  }
  get peerCertificates(): readonly Uint8Array[] {
    return this.cur?.peerCertificates ?? [];
  }
  get bufferedApplicationBytes(): number {
    return this.cur?.bufferedApplicationBytes ?? 0;
  }
  get readEpoch(): string {
    return this.cur?.readEpoch ?? 'plaintext';
  }
  get writeEpoch(): string {
    return this.cur?.writeEpoch ?? 'plaintext';
  }
  /** The version is fixed: a server chose, or a client saw the server's first message. */
  private decided = false;

  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array {
    if (this.cur === null) throw new Error('exportKeyingMaterial: the handshake is not complete');
    return this.cur.exportKeyingMaterial(label, context, length);
  }

  // --- inputs ----------------------------------------------------------------------------

  start(now = 0): void {
    if (this.startedAt !== null) throw new Error('Endpoint.start: already started');
    this.startedAt = now;
    this.heldNow = now;
    this.inner?.start(now);
  }

  handleBytes(bytes: Uint8Array, now = this.heldNow): void {
    this.heldNow = now;
    if (this.decided) return this.inner!.handleBytes(bytes, now);
    this.held.push(bytes.slice());
    const all = concatBytes(...this.held);
    const first = firstHandshake(all);
    if (first === null) return;
    this.held = [];
    this.decided = true;
    if (this.role === 'server') {
      const is13 = first === 'other' || clientHelloOffers13(first.body);
      this.inner = is13 ? new Endpoint(this.config) : new Tls12Endpoint(this.config, { tls13Capable: true });
      if (first !== 'other') this.chosen = is13 ? 'TLSv1.3' : 'TLSv1.2';
      this.inner.start(this.startedAt ?? now);
    } else if (first !== 'other' && first.type === 2 && !serverHelloIs13(first.body)) {
      this.handOverToTls12(now);
    } else if (first !== 'other' && first.type === 2) {
      this.chosen = 'TLSv1.3';
    }
    this.inner!.handleBytes(all, now);
  }

  /** The 1.3 client's ClientHello and randomness become the TLS 1.2 client's (Appendix D.1). */
  private handOverToTls12(now: number): void {
    const from = this.inner!;
    for (let e = from.pollEvent(); e !== null; e = from.pollEvent()) this.noteEvent(e);
    for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) this.carriedOut.push(r);
    const ch = this.clientHelloRaw;
    if (ch === null) throw new Error('VersionedEndpoint: the ClientHello was not seen');
    const random = ch.subarray(6, 38);
    const offered = readClientHello(new Reader(ch.subarray(4))).cipherSuites;
    this.inner = Tls12Endpoint.continueClient(this.config, ch, random, offered, now);
  }

  private noteEvent(e: EndpointEvent): void {
    this.watchClientHello(e);
    this.carried.push(e);
  }

  /** Collects the ClientHello from the plaintext handshake records carrying it (a large one spans several, RFC 8446 §5.1). */
  private watchClientHello(e: EndpointEvent): void {
    if (this.clientHelloRaw !== null || this.role !== 'client' || e.type !== 'record_sent') return;
    if (e.record.epoch !== 'plaintext' || e.record.innerType !== 'handshake') return;
    this.chParts.push(e.record.wire.subarray(5));
    const all = concatBytes(...this.chParts);
    if (all.length >= 4 && all.length >= 4 + ((all[1]! << 16) | (all[2]! << 8) | all[3]!)) {
      this.clientHelloRaw = all.slice(0, 4 + ((all[1]! << 16) | (all[2]! << 8) | all[3]!));
    }
  }

  handleTimeout(now: number): void {
    this.heldNow = now;
    this.inner?.handleTimeout(now);
  }
  write(data: Uint8Array): void {
    if (this.inner === null) throw new Error('Endpoint.write: the server has not received a ClientHello yet');
    this.inner.write(data);
  }
  keyUpdate(requestPeer: boolean): void {
    if (this.inner === null) throw new Error('Endpoint.keyUpdate: the handshake is not complete');
    this.inner.keyUpdate(requestPeer);
  }
  requestClientAuth(): void {
    if (this.inner === null) throw new Error('Endpoint.requestClientAuth: the handshake is not complete');
    this.inner.requestClientAuth();
  }
  close(): void {
    this.inner?.close();
  }
  cancel(): void {
    this.inner?.cancel();
  }

  // --- outputs ---------------------------------------------------------------------------

  pollTransmit(): Uint8Array | null {
    return this.carriedOut.shift() ?? this.inner?.pollTransmit() ?? null;
  }
  pollEvent(): EndpointEvent | null {
    const c = this.carried.shift();
    if (c !== undefined) return c;
    const e = this.inner?.pollEvent() ?? null;
    if (e !== null) this.watchClientHello(e);
    return e;
  }
  readApplicationData(max?: number): Uint8Array | null {
    return this.inner?.readApplicationData(max) ?? null;
  }
  readApplicationRecord(): Uint8Array | null {
    return this.inner?.readApplicationRecord?.() ?? null;
  }

  peekApplicationData(max?: number): Uint8Array | null {
    return this.inner?.peekApplicationData(max) ?? null;
  }

  clone(): VersionedEndpoint {
    const c = Object.create(VersionedEndpoint.prototype) as VersionedEndpoint;
    Object.assign(c, this);
    c.inner = this.inner?.clone() ?? null;
    // The endpoint made at the decision (a server's, a client's TLS 1.2 continuation) draws from the fork's own copy.
    if (!this.decided) c.config = { ...this.config, random: this.config.random.clone?.() ?? this.config.random };
    c.held = [...this.held];
    c.carried = [...this.carried];
    c.carriedOut = [...this.carriedOut];
    c.chParts = [...this.chParts];
    return c;
  }
}
