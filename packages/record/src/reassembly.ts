/**
 * Handshake message reassembly (RFC 8446 §4, §5.1).
 *
 *   struct {
 *       HandshakeType msg_type;    // handshake type
 *       uint24 length;             // remaining bytes in message
 *       select (Handshake.msg_type) { ... };
 *   } Handshake;
 *
 * §5.1: "Handshake messages MAY be coalesced into a single TLSPlaintext record or
 * fragmented across several records", but "MUST NOT span key changes". So bytes are
 * joined only within one epoch, and the caller proves that a key-changing message ended
 * its record with `assertRecordBoundary()` before it installs new read keys.
 */
import { TlsError } from './errors.js';

export const HANDSHAKE_HEADER_LENGTH = 4;
/** Default cap on a handshake message body; a certificate chain of 64 KiB is already huge. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 0x10000;

export interface HandshakeMessage {
  /** HandshakeType (§4), kept as a number even when unknown (docs/architecture.md "Conventions" 5). */
  readonly type: number;
  readonly body: Uint8Array;
  /** The 4-byte header and the body: what goes into the transcript hash (§4.4.1). */
  readonly raw: Uint8Array;
  /** The read epoch of the records it came from. */
  readonly epoch: string;
}

declare const recordBoundaryBrand: unique symbol;
/**
 * Proof that no handshake bytes were pending when it was made (docs/architecture.md "Conventions" 6): a state that
 * installs new read keys can require one.
 */
export type RecordBoundary = { readonly [recordBoundaryBrand]: true; readonly epoch: string | null };

export interface ReassemblerOptions {
  /** Largest accepted message body in bytes (default 64 KiB). */
  maxMessageSize?: number;
}

export class HandshakeReassembler {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private epoch: string | null = null;
  private readonly maxMessageSize: number;

  constructor(options: ReassemblerOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
    if (!Number.isInteger(this.maxMessageSize) || this.maxMessageSize < 0 || this.maxMessageSize > 0xffffff) {
      throw new RangeError(`HandshakeReassembler: maxMessageSize ${this.maxMessageSize}`);
    }
  }

  /**
   * Adds the content of one handshake record received under `epoch`. If bytes of an
   * earlier epoch are still buffered, a message would span a key change: unexpected_message
   * (§5.1: "Implementations MUST verify that all messages immediately preceding a key
   * change align with a record boundary; if not, then they MUST terminate the connection
   * with an unexpected_message alert").
   */
  push(data: Uint8Array, epoch: string): void {
    this.add(data, epoch, false);
  }

  /**
   * `push` for bytes the caller hands over and never shows anyone else (a record's freshly
   * decrypted content): kept as they are instead of copied, since nobody can change them.
   */
  pushOwned(data: Uint8Array, epoch: string): void {
    this.add(data, epoch, true);
  }

  private add(data: Uint8Array, epoch: string, owned: boolean): void {
    if (this.length > 0 && this.epoch !== epoch) {
      throw new TlsError('unexpected_message', `handshake message spans a key change (${this.epoch} → ${epoch})`);
    }
    if (data.length === 0) return;
    this.epoch = epoch;
    this.chunks.push(owned ? data : data.slice());
    this.length += data.length;
    this.checkHeader();
  }

  /** The next complete message, or null if none is buffered in full. */
  next(): HandshakeMessage | null {
    if (this.length < HANDSHAKE_HEADER_LENGTH) return null;
    this.checkHeader();
    const total = HANDSHAKE_HEADER_LENGTH + this.bodyLength();
    if (this.length < total) return null;
    const raw = this.take(total);
    const epoch = this.epoch!;
    if (this.length === 0) this.epoch = null;
    // One copy (docs/architecture.md "Conventions" 8): `raw` is ours alone, and `body` is its tail, not a second copy.
    return { type: raw[0]!, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw, epoch };
  }

  /** True while any handshake bytes are buffered: a partial message or unread whole ones. */
  hasPending(): boolean {
    return this.length > 0;
  }

  /** Buffered bytes. */
  get pendingBytes(): number {
    return this.length;
  }

  /** True when the bytes received so far end exactly at a message boundary and all were read. */
  get atRecordBoundary(): boolean {
    return this.length === 0;
  }

  /**
   * Call after processing a message that changes read keys (ClientHello → early,
   * ServerHello, EndOfEarlyData, Finished, KeyUpdate; §5.1) and before installing the new
   * keys. Buffered bytes were sent under the old keys after that message:
   * unexpected_message (§5.1). Also the check for §5.1 "Handshake messages MUST NOT be
   * interleaved with other record types", when a non-handshake record arrives.
   */
  assertRecordBoundary(why = 'key change'): RecordBoundary {
    if (this.length > 0) {
      throw new TlsError('unexpected_message', `${this.length} handshake bytes pending at a ${why} (§5.1)`);
    }
    return { epoch: this.epoch } as RecordBoundary;
  }

  clone(): HandshakeReassembler {
    const c = new HandshakeReassembler({ maxMessageSize: this.maxMessageSize });
    c.chunks = this.chunks.map((x) => x.slice());
    c.length = this.length;
    c.epoch = this.epoch;
    return c;
  }

  /** Rejects an oversized message as soon as its header arrives, before buffering it. */
  private checkHeader(): void {
    if (this.length < HANDSHAKE_HEADER_LENGTH) return;
    const bodyLength = this.bodyLength();
    if (bodyLength > this.maxMessageSize) {
      // No §6.2 alert names "too big for us"; OpenSSL and BoringSSL send illegal_parameter
      // (SSL_R_EXCESSIVE_MESSAGE_SIZE).
      throw new TlsError('illegal_parameter', `handshake message of ${bodyLength} bytes exceeds the limit of ${this.maxMessageSize}`);
    }
  }

  /**
   * The uint24 length in the header of the next message (its 4 bytes are buffered), read
   * where it lies when the first chunk holds the header: no view made for it.
   */
  private bodyLength(): number {
    const first = this.chunks[0]!;
    const h = first.length >= HANDSHAKE_HEADER_LENGTH ? first : this.peek(HANDSHAKE_HEADER_LENGTH);
    return (h[1]! << 16) | (h[2]! << 8) | h[3]!;
  }

  /** The first `n` buffered bytes, to read (a view when the first chunk holds them). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let off = 0;
    for (const c of this.chunks) {
      if (off >= n) break;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
    }
    return out;
  }

  private take(n: number): Uint8Array {
    // A message within the first chunk is a view of it: the chunks are this reassembler's
    // own copies (see push), read and never written, so the view owns its bytes as a copy
    // would (docs/architecture.md "Conventions" 8) without a second copy.
    const first = this.chunks[0]!;
    if (first.length >= n) {
      this.length -= n;
      // The whole chunk is the message (one message per record, the usual case): no view.
      if (first.length === n) return this.chunks.shift()!;
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}
