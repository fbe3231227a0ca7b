/**
 * Test-only message-level relay between two endpoints, so a test can stop an endpoint in
 * any state of RFC 8446 Appendix A and inject a handshake message under the keys it reads
 * with at that moment.
 *
 * A `Channel` watches the sender's events: every `keys_installed` (write) event carries the
 * NSS keylog secret, from which §7.3 traffic keys are derived, so every record the sender
 * wrote can be opened. The channel splits the sender's records into units (one handshake
 * message, one alert, one CCS, one application-data record) and re-protects each unit as
 * its own record for the receiver (same epoch, same secret, its own §5.3 sequence
 * numbers). Delivering units one at a time walks the receiver through each state; `inject`
 * seals an arbitrary message as the next record of the receiver's current read epoch.
 */
import { ContentType, encodePlaintextRecord, nobleAead, protectRecord, unprotectRecord, type TrafficKeys as RecordKeys } from '@tls13sim/record';
import {
  encodeHandshake,
  HandshakeType,
  KeyUpdateRequest,
  NamedGroup,
  SignatureScheme,
  nameOf,
  nobleProvider,
  trafficKeys,
  type CipherSuiteParams,
  type Endpoint,
  type EndpointConfig,
  type EndpointEvent,
  type HandshakeMessage,
} from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';

/** Every event an endpoint emitted, kept (pollEvent drains), plus the suite once known. */
export class Log {
  readonly all: EndpointEvent[] = [];
  suite: CipherSuiteParams | null = null;
  constructor(readonly ep: Endpoint) {}

  pump(): EndpointEvent[] {
    const fresh: EndpointEvent[] = [];
    for (let e = this.ep.pollEvent(); e !== null; e = this.ep.pollEvent()) fresh.push(e);
    this.all.push(...fresh);
    this.suite = this.ep.negotiated?.suite ?? this.suite;
    return fresh;
  }

  /** A copy that watches `ep` (a clone of this log's endpoint). */
  fork(ep: Endpoint): Log {
    const l = new Log(ep);
    l.all.push(...this.all);
    l.suite = this.suite;
    return l;
  }

  of<T extends EndpointEvent['type']>(type: T): Extract<EndpointEvent, { type: T }>[] {
    this.pump();
    return this.all.filter((e): e is Extract<EndpointEvent, { type: T }> => e.type === type);
  }

  /** The secret of the last keys installed for `direction` (from the keylog field). */
  lastSecret(direction: 'read' | 'write'): { epoch: string; label: string; secret: Uint8Array } | null {
    const k = this.of('keys_installed')
      .filter((e) => e.direction === direction)
      .at(-1);
    return k?.keylog ? { epoch: k.epoch, label: k.keylog.label, secret: k.keylog.secret } : null;
  }

  states(): string[] {
    return this.of('state').map((e) => e.to);
  }
}

export interface Unit {
  readonly epoch: string;
  readonly contentType: number;
  readonly content: Uint8Array;
  /** Handshake message name, or the content type name. */
  readonly name: string;
}

export function recordKeys(suite: CipherSuiteParams, secret: Uint8Array): RecordKeys {
  const { key, iv } = trafficKeys(nobleProvider, suite, secret);
  return { aead: nobleAead(suite.aead), key, iv };
}

/** One direction, sender → receiver, at message granularity. */
export class Channel {
  readonly queue: Unit[] = [];
  /** Every unit the sender produced, delivered or not. */
  readonly produced: Unit[] = [];
  private readonly secrets = new Map<string, Uint8Array>();
  private readonly readSeq = new Map<string, bigint>();
  private readonly writeSeq = new Map<string, bigint>();
  private readonly partial = new Map<string, Uint8Array>();
  private cursor = 0;
  /** Largest content per protected record this channel builds (record_size_limit - 1). */
  maxContent = Infinity;
  /** The suite of keys installed before either end knows the negotiated one (0-RTT: the PSK's suite). */
  suiteHint: CipherSuiteParams | null = null;

  constructor(
    readonly fromLog: Log,
    readonly toLog: Log,
  ) {}

  /** The same channel between forks of its endpoints. */
  fork(fromLog: Log, toLog: Log): Channel {
    const c = new Channel(fromLog, toLog);
    c.queue.push(...this.queue);
    c.produced.push(...this.produced);
    for (const [k, v] of this.secrets) c.secrets.set(k, v);
    for (const [k, v] of this.readSeq) c.readSeq.set(k, v);
    for (const [k, v] of this.writeSeq) c.writeSeq.set(k, v);
    for (const [k, v] of this.partial) c.partial.set(k, v);
    c.cursor = this.cursor;
    c.maxContent = this.maxContent;
    c.suiteHint = this.suiteHint;
    return c;
  }

  get from(): Endpoint {
    return this.fromLog.ep;
  }
  get to(): Endpoint {
    return this.toLog.ep;
  }

  /** Takes everything the sender has written so far and splits it into units. */
  pull(): Unit[] {
    this.fromLog.pump();
    while (this.from.pollTransmit() !== null) {
      // The record_sent events carry the same records, in order, with their epochs.
    }
    const fresh: Unit[] = [];
    for (; this.cursor < this.fromLog.all.length; this.cursor++) {
      const e = this.fromLog.all[this.cursor]!;
      if (e.type === 'keys_installed' && e.direction === 'write') {
        if (!e.keylog) throw new Error(`keys_installed without keylog for ${e.epoch}`);
        this.secrets.set(e.epoch, e.keylog.secret);
        this.readSeq.set(e.epoch, 0n);
      }
      if (e.type !== 'record_sent') continue;
      fresh.push(...this.open(e.record.epoch, e.record.wire));
    }
    this.queue.push(...fresh);
    this.produced.push(...fresh);
    return fresh;
  }

  private open(epoch: string, wire: Uint8Array): Unit[] {
    let contentType: number;
    let content: Uint8Array;
    if (epoch === 'plaintext') {
      contentType = wire[0]!;
      content = wire.slice(5);
    } else {
      const seq = this.readSeq.get(epoch)!;
      this.readSeq.set(epoch, seq + 1n);
      const opened = unprotectRecord(this.keys(epoch), seq, wire);
      contentType = opened.contentType;
      content = opened.content;
    }
    if (contentType !== ContentType.handshake) {
      return [{ epoch, contentType, content, name: contentTypeLabel(contentType) }];
    }
    let buf = concat(this.partial.get(epoch) ?? new Uint8Array(0), content);
    const units: Unit[] = [];
    while (buf.length >= 4) {
      const len = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
      if (buf.length < 4 + len) break;
      const raw = buf.slice(0, 4 + len);
      units.push({ epoch, contentType, content: raw, name: safeHandshakeName(raw[0]!) });
      buf = buf.slice(4 + len);
    }
    this.partial.set(epoch, buf);
    return units;
  }

  /** Traffic keys of `epoch` in this direction, from the sender's keylog. */
  keys(epoch: string): RecordKeys {
    const secret = this.secrets.get(epoch);
    const suite = this.fromLog.suite ?? this.toLog.suite ?? this.suiteHint;
    if (secret === undefined || suite === null) throw new Error(`no ${epoch} write keys seen for the sender yet`);
    return recordKeys(suite, secret);
  }

  /** The wire form of `unit` as the next record of its epoch towards the receiver. */
  seal(unit: Pick<Unit, 'epoch' | 'contentType' | 'content'>): Uint8Array {
    if (unit.epoch === 'plaintext') return encodePlaintextRecord(unit.contentType, unit.content);
    const seq = this.writeSeq.get(unit.epoch) ?? 0n;
    this.writeSeq.set(unit.epoch, seq + 1n);
    return protectRecord(this.keys(unit.epoch), seq, unit.contentType, unit.content);
  }

  /** Delivers the next queued unit as its own record; returns it. */
  deliverOne(): Unit {
    if (this.queue.length === 0) this.pull();
    const u = this.queue.shift();
    if (u === undefined) throw new Error('Channel.deliverOne: nothing to deliver');
    if (u.epoch === 'plaintext' || u.content.length <= this.maxContent) {
      this.to.handleBytes(this.seal(u));
    } else {
      // Honour the receiver's record_size_limit (RFC 8449) by fragmenting the unit.
      for (let off = 0; off < u.content.length; off += this.maxContent) {
        this.to.handleBytes(this.seal({ ...u, content: u.content.subarray(off, off + this.maxContent) }));
      }
    }
    this.toLog.pump();
    return u;
  }

  /** Delivers queued units (pulling first) until `stop(receiver)` or the queue is empty. */
  deliverAll(): void {
    this.pull();
    while (this.queue.length > 0) this.deliverOne();
  }

  /** Delivers raw wire bytes to the receiver. */
  deliverWire(wire: Uint8Array): void {
    this.to.handleBytes(wire);
    this.toLog.pump();
  }

  /**
   * Seals `content` of `contentType` as the next record of the receiver's current read
   * epoch — with the keys the receiver itself reads with (its keys_installed keylog),
   * cross-checked against the sender's — and delivers it.
   */
  inject(contentType: number, content: Uint8Array, epoch: string = this.to.readEpoch): Uint8Array {
    this.pull();
    if (epoch !== 'plaintext') {
      const own = this.toLog.lastSecret('read');
      if (own === null || own.epoch !== epoch) throw new Error(`receiver has no ${epoch} read keys`);
      const theirs = this.secrets.get(epoch);
      if (theirs === undefined || !sameBytes(own.secret, theirs)) throw new Error(`${epoch} secrets disagree`);
    }
    const wire = this.seal({ epoch, contentType, content });
    this.deliverWire(wire);
    return wire;
  }

  injectMessage(msg: HandshakeMessage, epoch?: string): Uint8Array {
    return this.inject(ContentType.handshake, encodeHandshake(msg), epoch);
  }
}

/** Both directions of a client/server pair. */
/** `makePair`'s endpoints, joined by a Link. */
export function linkPair(clientCfg: Partial<EndpointConfig>, serverCfg: Partial<EndpointConfig>, seed: number): Link {
  const { client, server } = makePair(clientCfg, serverCfg, seed);
  return new Link(client, server);
}

export class Link {
  readonly clientLog: Log;
  readonly serverLog: Log;
  readonly c2s: Channel;
  readonly s2c: Channel;
  constructor(
    readonly client: Endpoint,
    readonly server: Endpoint,
    from?: Link,
  ) {
    this.clientLog = from ? from.clientLog.fork(client) : new Log(client);
    this.serverLog = from ? from.serverLog.fork(server) : new Log(server);
    this.c2s = from ? from.c2s.fork(this.clientLog, this.serverLog) : new Channel(this.clientLog, this.serverLog);
    this.s2c = from ? from.s2c.fork(this.serverLog, this.clientLog) : new Channel(this.serverLog, this.clientLog);
  }

  /** Both endpoints cloned (Endpoint.clone) with the relay's state: explore a branch. */
  fork(): Link {
    this.clientLog.pump();
    this.serverLog.pump();
    return new Link(this.client.clone(), this.server.clone(), this);
  }

  endpoint(role: 'client' | 'server'): Endpoint {
    return role === 'client' ? this.client : this.server;
  }

  log(role: 'client' | 'server'): Log {
    return role === 'client' ? this.clientLog : this.serverLog;
  }

  /** The channel towards `role`. */
  towards(role: 'client' | 'server'): Channel {
    return role === 'client' ? this.s2c : this.c2s;
  }

  /** Moves units one at a time, alternating directions, until nothing is left. */
  run(max = 200): void {
    for (let i = 0; i < max; i++) {
      this.c2s.pull();
      this.s2c.pull();
      if (this.c2s.queue.length > 0) this.c2s.deliverOne();
      else if (this.s2c.queue.length > 0) this.s2c.deliverOne();
      else return;
    }
    throw new Error('Link.run: no quiescence');
  }
}

function contentTypeLabel(t: number): string {
  const e = Object.entries(ContentType).find(([, v]) => v === t);
  return e ? e[0] : `content_${t}`;
}

function safeHandshakeName(t: number): string {
  try {
    return nameOf('handshake', t);
  } catch {
    return `unknown_${t}`;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// --- samples of every handshake message type ---------------------------------------------

const bytes = (n: number, v = 0x42): Uint8Array => new Uint8Array(n).fill(v);

/** Samples keyed by the RFC 8446 §4 HandshakeType name (plus hello_retry_request). Finished is 32 bytes (SHA-256 suites). */
export function sampleMessages(): Record<string, HandshakeMessage> {
  const pki = testPki();
  return {
    client_hello: {
      type: 'client_hello',
      legacyVersion: 0x0303,
      random: bytes(32, 1),
      legacySessionId: new Uint8Array(0),
      cipherSuites: [0x1301],
      legacyCompressionMethods: new Uint8Array([0]),
      extensions: [
        { type: 'supported_versions', versions: [0x0304] },
        { type: 'supported_groups', groups: [NamedGroup.x25519] },
        { type: 'signature_algorithms', schemes: [SignatureScheme.ed25519] },
        { type: 'key_share', clientShares: [{ group: NamedGroup.x25519, keyExchange: bytes(32, 9) }] },
      ],
    },
    server_hello: {
      type: 'server_hello',
      legacyVersion: 0x0303,
      random: bytes(32, 2),
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0x1301,
      legacyCompressionMethod: 0,
      extensions: [
        { type: 'supported_versions', selectedVersion: 0x0304 },
        { type: 'key_share', serverShare: { group: NamedGroup.x25519, keyExchange: bytes(32, 9) } },
      ],
    },
    hello_retry_request: {
      type: 'hello_retry_request',
      legacyVersion: 0x0303,
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0x1301,
      legacyCompressionMethod: 0,
      extensions: [
        { type: 'supported_versions', selectedVersion: 0x0304 },
        { type: 'key_share', selectedGroup: NamedGroup.secp256r1 },
      ],
    },
    new_session_ticket: {
      type: 'new_session_ticket',
      ticketLifetime: 3600,
      ticketAgeAdd: 7,
      ticketNonce: bytes(1),
      ticket: bytes(16),
      extensions: [],
    },
    end_of_early_data: { type: 'end_of_early_data' },
    encrypted_extensions: { type: 'encrypted_extensions', extensions: [] },
    certificate_request: {
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array(0),
      extensions: [{ type: 'signature_algorithms', schemes: [SignatureScheme.ed25519] }],
    },
    certificate: {
      type: 'certificate',
      certificateRequestContext: new Uint8Array(0),
      certificateList: pki.leaf.chain.map((certData) => ({ certData, extensions: [] })),
    },
    certificate_verify: { type: 'certificate_verify', algorithm: SignatureScheme.ed25519, signature: bytes(64) },
    finished: { type: 'finished', verifyData: bytes(32) },
    key_update: { type: 'key_update', requestUpdate: KeyUpdateRequest.update_not_requested },
  };
}

/** Encoded samples, plus two types no peer may send: message_hash (§4.4.1) and an unassigned one. */
export function sampleWireMessages(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, m] of Object.entries(sampleMessages())) out[name] = encodeHandshake(m);
  out.message_hash = new Uint8Array([HandshakeType.message_hash, 0, 0, 32, ...bytes(32)]);
  out.unassigned_99 = new Uint8Array([99, 0, 0, 0]);
  return out;
}
