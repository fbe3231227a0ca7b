/**
 * Small pure helpers of the TLS 1.3 driver: how a received record and its handshake
 * messages are named in events, what was negotiated in a state, and the record padding
 * policy built from the configuration.
 */
import {
  concatBytes,
  contentTypeName,
  type HandshakeMessage as HandshakeFrame,
  type ReadRecord,
  type PaddingPolicy as RecordPaddingPolicy,
  span,
} from '@tls13sim/record';
import { HandshakeType, nameOf } from '../constants.js';
import type { RandomSource } from '../crypto/random.js';
import { decodeHandshake, HRR_RANDOM } from '../messages/index.js';
import type { Decoded } from '../messages/types.js';
import type { EpochName, RecordInfo } from './api.js';
import type { PaddingPolicy } from './config.js';
import { HandshakeError } from './errors.js';
import type { AnyState, ClientKeys, Negotiated } from './state.js';

/** Handshake types a peer may send (message_hash is a transcript construct, §4.4.1, never a message). */
export const KNOWN_HANDSHAKE_TYPES = new Set<number>(Object.values(HandshakeType).filter((t) => t !== HandshakeType.message_hash));

/** A received record as events describe it, before its messages or alert are known. */
export type ReceivedBase = Omit<RecordInfo, 'messages' | 'alert'>;

/**
 * The trace name of a received handshake message. A HelloRetryRequest travels as
 * msg_type server_hello and is recognised by its random (§4.1.3: "HelloRetryRequest ...
 * uses the same structure as the ServerHello, but with Random set to the special value"),
 * so the trace names it `hello_retry_request` on receipt as it does on sending.
 */
export function receivedMessageName(type: number, body: Uint8Array): string {
  if (!KNOWN_HANDSHAKE_TYPES.has(type)) return `unknown_${type}`;
  // ServerHello: legacy_version (2 bytes), then random (32 bytes).
  if (type === HandshakeType.server_hello && body.length >= 34 && HRR_RANDOM.every((b, i) => body[2 + i] === b)) {
    return 'hello_retry_request';
  }
  return nameOf('handshake', type);
}

/** A received record's event payload (keys in the order the earlier spread gave them). */
export function receivedRecord(base: ReceivedBase, messages: readonly string[], alert?: { readonly level: string; readonly description: string }): RecordInfo {
  const { outerType, innerType, epoch, length, wire } = base;
  return alert === undefined ? { outerType, innerType, epoch, length, wire, messages } : { outerType, innerType, epoch, length, wire, messages, alert };
}

/** The event payload of a received record, before its messages or alert are known. */
export function receivedBase(rec: ReadRecord): ReceivedBase {
  const epoch = rec.epoch as EpochName;
  return { outerType: contentTypeName(rec.outerType), innerType: contentTypeName(rec.contentType), epoch, length: rec.wire.length - 5, wire: rec.wire };
}

/** Decodes one received handshake message; `hashLength` sizes a Finished once the suite is known. */
export function decodeFrame(f: HandshakeFrame, hashLength: number | undefined): Decoded {
  // §4: "a peer which receives a handshake message in an unexpected order MUST abort the handshake with an "unexpected_message" alert" — an unknown type is never expected.
  if (!KNOWN_HANDSHAKE_TYPES.has(f.type)) throw new HandshakeError('unexpected_message', `handshake message of unknown type ${f.type}`);
  return decodeHandshake(f.type, f.body, hashLength !== undefined ? { hashLength } : {}, f.raw);
}

/** The handshake keys a client state holds (after ServerHello, before CONNECTED), else null. */
export function clientKeysOf(st: AnyState): ClientKeys | null {
  switch (st.kind) {
    case 'WAIT_EE':
    case 'WAIT_CERT_CR':
    case 'WAIT_CERT':
    case 'WAIT_CV':
    case 'WAIT_FINISHED':
      // The server's states of the same names hold ServerKeys, which have no server handshake secret.
      return 'serverHandshakeSecret' in st.keys ? st.keys : null;
    default:
      return null;
  }
}

/** What was negotiated in `st`: known from the hellos on, until the connection closes. */
export function negotiatedOf(st: AnyState): Negotiated | null {
  switch (st.kind) {
    case 'START':
    case 'WAIT_SH':
    case 'CLOSED':
      return null;
    case 'CONNECTED':
      return st.app.negotiated;
    case 'WAIT_EE':
    case 'WAIT_CERT_CR':
    case 'WAIT_EOED':
    case 'WAIT_CERT':
    case 'WAIT_CV':
    case 'WAIT_FINISHED':
      return st.keys.negotiated;
  }
}

export function recordPadding(p: PaddingPolicy, random: RandomSource): RecordPaddingPolicy {
  return p.kind === 'random' ? { kind: 'random', max: p.max, random: (n) => random.bytes(n) } : p;
}

/**
 * `parts` as one array: a view when they lie back to back in one buffer (messages the
 * transcript encoded in turn, Transcript.addWritten), else a copy. Only views (a non-zero
 * offset) have their buffer compared: asking a small array for its buffer would move it
 * out of the JS heap.
 */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const first = parts[0]!;
  let end = first.byteOffset + first.length;
  if (first.byteOffset === 0) return concatBytes(...parts);
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.byteOffset !== end || p.buffer !== first.buffer) return concatBytes(...parts);
    end += p.length;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** One record's share of a handshake flight: its bytes, and the messages that start in it. */
export interface FlightPiece {
  readonly bytes: Uint8Array;
  readonly messages: readonly string[];
}

/**
 * Queued handshake messages cut into pieces of at most `size` bytes, one record each
 * (RFC 8446 §5.1, RFC 5246 §6.2.1: a message may span records, a record may carry
 * several). A lone message is not joined to anything, messages back to back in one buffer
 * are joined by a view, and a piece that is all of the flight is the flight itself, not a
 * view: the record layer copies what it seals.
 */
export function flightPieces(raws: readonly Uint8Array[], names: readonly string[], size: number): FlightPiece[] {
  const data = raws.length === 1 ? raws[0]! : joined(raws);
  const starts: number[] = [];
  let off = 0;
  for (const r of raws) {
    starts.push(off);
    off += r.length;
  }
  const pieces: FlightPiece[] = [];
  for (let pos = 0; pos < data.length; pos += size) {
    const end = Math.min(data.length, pos + size);
    pieces.push({ bytes: span(data, pos, end), messages: names.filter((_, i) => starts[i]! >= pos && starts[i]! < end) });
  }
  return pieces;
}
