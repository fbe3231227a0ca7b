/**
 * Pre-shared keys (RFC 8446 §2.2, §4.2.11, §4.6.1): the client's view of a resumable
 * session, external PSKs, and the server's ticket protection — AEAD-sealed tickets under a
 * rotating key (stateless server), or a stateful store — with optional single use (§8.1).
 */
import { Reader, Writer, nobleAead, sealAt, utf8, type Aead } from '@tls13sim/record';
import type { CipherSuiteName } from '../constants.js';
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import type { RandomSource } from '../crypto/random.js';

/** A PSK agreed out of band (§4.2.11: "external PSK"), with the hash it is bound to. */
export interface ExternalPsk {
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: HashName;
}

/** What a client keeps from a NewSessionTicket to resume later (§4.6.1). */
export interface ResumptionSession {
  readonly ticket: Uint8Array;
  readonly suite: CipherSuiteName;
  /** PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  /** Seconds (§4.6.1 ticket_lifetime). */
  readonly lifetime: number;
  /** When the ticket was received, on the client's clock (ms). */
  readonly receivedAt: number;
  readonly maxEarlyData: number;
  readonly alpn: string | null;
  readonly serverName: string | null;
}

/** What the server needs back from a ticket to resume. */
export interface TicketState {
  readonly suite: CipherSuiteName;
  readonly psk: Uint8Array;
  /** Server clock when issued (ms). */
  readonly issuedAt: number;
  readonly ticketAgeAdd: number;
  readonly lifetime: number;
  readonly maxEarlyData: number;
  readonly alpn: string | null;
  /** Unique per ticket: the key of the single-use record. */
  readonly id: Uint8Array;
}

/** Where a server keeps or seals its tickets. Shared between connections (and endpoint forks). */
export interface TicketIssuer {
  /** `crypto`: the issuing endpoint's provider, for issuers that encrypt their tickets. */
  issue(state: TicketState, rand: RandomSource, crypto?: CryptoProvider): Uint8Array;
  /** The state of a ticket we issued, or null for one we cannot read. */
  open(ticket: Uint8Array, crypto?: CryptoProvider): TicketState | null;
  /** §8.1 single use: true the first time an id is redeemed, false after. */
  redeem(id: Uint8Array): boolean;
  readonly singleUse: boolean;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const utf8Decoder = new TextDecoder();

/**
 * The state's encoding, `lead` bytes into a new array with `trail` bytes to spare after it
 * (a sealed ticket's header and tag go there: SealedTicketIssuer.issue).
 */
function encodeState(s: TicketState, lead = 0, trail = 0): Uint8Array {
  const suite = utf8(s.suite);
  const alpn = utf8(s.alpn ?? '');
  // u8 version, three opaque8, five u32, two opaque8.
  const length = 1 + (1 + suite.length) + (1 + s.psk.length) + 20 + (1 + alpn.length) + (1 + s.id.length);
  const out = new Uint8Array(lead + length + trail);
  const w = Writer.appendingTo(out, lead)
    .u8(1)
    .opaque8(suite)
    .opaque8(s.psk)
    .u32(Math.floor(s.issuedAt / 0x100000000))
    .u32(s.issuedAt % 0x100000000)
    .u32(s.ticketAgeAdd)
    .u32(s.lifetime)
    .u32(s.maxEarlyData)
    .opaque8(alpn)
    .opaque8(s.id);
  // A writer that outgrows `out` works on in a copy: a miscounted length must not pass silently.
  if (w.buffer !== out || w.length !== lead + length) throw new Error(`encodeState: wrote ${w.length - lead} bytes, counted ${length}`);
  return out;
}

function decodeState(b: Uint8Array): TicketState | null {
  try {
    const r = new Reader(b);
    if (r.u8() !== 1) return null;
    const suite = utf8Decoder.decode(r.opaque8()) as CipherSuiteName;
    const psk = r.opaque8();
    const issuedAt = r.u32() * 0x100000000 + r.u32();
    const ticketAgeAdd = r.u32();
    const lifetime = r.u32();
    const maxEarlyData = r.u32();
    const alpn = utf8Decoder.decode(r.opaque8());
    const id = r.opaque8();
    r.end('ticket');
    return { suite, psk, issuedAt, ticketAgeAdd, lifetime, maxEarlyData, alpn: alpn === '' ? null : alpn, id };
  } catch {
    return null;
  }
}

/**
 * Stateless tickets: AES-256-GCM under a rotating key. ticket = key_id(4) || nonce(12) ||
 * AEAD(state). `rotate` makes a new current key and keeps `keep` old ones for opening.
 * Sealed and opened with the endpoint's crypto provider (noble when none is passed): any
 * two providers read each other's tickets, the algorithm being the same.
 */
function ticketAead(crypto: CryptoProvider | undefined): Aead {
  return crypto !== undefined ? crypto.aead('aes256gcm') : nobleAead('aes256gcm');
}

export class SealedTicketIssuer implements TicketIssuer {
  private keys: { id: number; key: Uint8Array }[] = [];
  private nextId = 1;
  private readonly used = new Set<string>();
  readonly singleUse: boolean;
  private readonly keep: number;

  constructor(rand: RandomSource, opts: { singleUse?: boolean; keep?: number } = {}) {
    this.singleUse = opts.singleUse ?? false;
    this.keep = opts.keep ?? 2;
    this.rotate(rand);
  }

  rotate(rand: RandomSource): void {
    this.keys.unshift({ id: this.nextId++, key: rand.bytes(32) });
    this.keys = this.keys.slice(0, this.keep);
  }

  /**
   * ticket = key id (u32) || nonce (12) || AEAD(key, nonce, aad = those 16 bytes, state),
   * written into one array: the state is encoded where its ciphertext goes and sealed
   * there when the AEAD can (sealInto).
   */
  issue(state: TicketState, rand: RandomSource, crypto?: CryptoProvider): Uint8Array {
    const k = this.keys[0]!;
    const nonce = rand.bytes(12);
    const aead = ticketAead(crypto);
    const ticket = encodeState(state, 16, aead.tagLength);
    Writer.appendingTo(ticket, 0).u32(k.id).bytes(nonce);
    const header = ticket.subarray(0, 16);
    const body = ticket.subarray(16, ticket.length - aead.tagLength);
    sealAt(aead, k.key, nonce, header, body, ticket, 16);
    return ticket;
  }

  open(ticket: Uint8Array, crypto?: CryptoProvider): TicketState | null {
    if (ticket.length < 16 + 16) return null;
    const id = new Reader(ticket.subarray(0, 4)).u32();
    const k = this.keys.find((x) => x.id === id);
    if (k === undefined) return null;
    const plain = ticketAead(crypto).open(k.key, ticket.subarray(4, 16), ticket.subarray(0, 16), ticket.subarray(16));
    return plain === null ? null : decodeState(plain);
  }

  redeem(id: Uint8Array): boolean {
    const k = hex(id);
    if (this.used.has(k)) return false;
    this.used.add(k);
    return true;
  }
}

/** Stateful tickets: the ticket is an opaque id into a server-side table. */
export class TicketStore implements TicketIssuer {
  private readonly table = new Map<string, TicketState>();
  readonly singleUse: boolean;

  constructor(opts: { singleUse?: boolean } = {}) {
    this.singleUse = opts.singleUse ?? false;
  }

  issue(state: TicketState): Uint8Array {
    this.table.set(hex(state.id), state);
    return state.id.slice();
  }

  open(ticket: Uint8Array): TicketState | null {
    return this.table.get(hex(ticket)) ?? null;
  }

  redeem(id: Uint8Array): boolean {
    return this.table.delete(hex(id));
  }

  get size(): number {
    return this.table.size;
  }
}

/** Server ticket policy (RFC 8446 §4.6.1). */
export interface TicketPolicy {
  /** NewSessionTickets per connection. */
  readonly count: number;
  /** OpenSSL's default is after the client's Finished: the ticket then also tells the client it was accepted. */
  readonly timing: 'after_client_finished' | 'after_server_finished';
  /** Seconds; §4.6.1: at most 604800. */
  readonly lifetime: number;
  /** max_early_data_size offered in each ticket (0: no 0-RTT). */
  readonly maxEarlyData: number;
  readonly issuer: TicketIssuer;
}

/** §8.3: how far the client's view of the ticket age may stray from ours before 0-RTT is refused (ms). */
export const TICKET_AGE_WINDOW_MS = 10_000;
