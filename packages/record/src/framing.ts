/**
 * RFC 8446 §5.1: TLSPlaintext / TLSCiphertext framing, and a deframer for a byte stream.
 *
 *   struct {
 *       ContentType type;
 *       ProtocolVersion legacy_record_version;
 *       uint16 length;
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;
 *
 * Framing only: this module knows nothing about keys. The header checks that can be made
 * from the header alone are made as soon as its five bytes have arrived, so an oversized
 * record is refused before 16 KiB of it is buffered.
 */
import { ContentType, isRecordContentType } from './content.js';
import { TlsError } from './errors.js';

export const RECORD_HEADER_LENGTH = 5;
/** §5.1: "The length MUST NOT exceed 2^14 bytes." */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** §5.2: TLSCiphertext.length "MUST NOT exceed 2^14 + 256 bytes". */
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/** §5.1: legacy_record_version is 0x0303 on every record we send after the first ClientHello. */
export const LEGACY_RECORD_VERSION = 0x0303;
/** §5.1: an initial ClientHello "MAY also be 0x0301 for compatibility purposes". */
export const LEGACY_RECORD_VERSION_HELLO = 0x0301;

/** One record as framed on the wire, before any decryption. Owns its bytes. */
export interface RawRecord {
  /** The outer (wire) content type: TLSPlaintext.type or TLSCiphertext.opaque_type. */
  readonly type: number;
  readonly version: number;
  /** TLSPlaintext.fragment or TLSCiphertext.encrypted_record. */
  readonly fragment: Uint8Array;
  /** The whole record, header included (the header is the AEAD additional data, §5.2). */
  readonly wire: Uint8Array;
}

/**
 * The largest fragment allowed for an outer content type. In TLS 1.3 application_data is
 * the opaque_type of every TLSCiphertext and never appears unprotected (§5.1 "Application
 * Data messages are always protected"), so an application_data record is a ciphertext and
 * may carry the AEAD expansion (§5.2); every other outer type is a TLSPlaintext (§5.1).
 */
export function maxFragmentLength(outerType: number): number {
  return outerType === ContentType.application_data ? MAX_CIPHERTEXT_LENGTH : MAX_PLAINTEXT_LENGTH;
}

export function encodeRecordHeader(type: number, version: number, length: number): Uint8Array {
  const h = new Uint8Array(RECORD_HEADER_LENGTH);
  h[0] = type;
  h[1] = version >>> 8;
  h[2] = version & 0xff;
  h[3] = length >>> 8;
  h[4] = length & 0xff;
  return h;
}

/**
 * Frames one TLSPlaintext record (§5.1). Sending an oversized or forbidden zero-length
 * fragment is our own bug, so it is a RangeError, not an alert.
 */
export function encodePlaintextRecord(type: number, fragment: Uint8Array, version: number = LEGACY_RECORD_VERSION): Uint8Array {
  if (!isRecordContentType(type)) throw new RangeError(`encodePlaintextRecord: bad content type ${type}`);
  if (fragment.length > maxFragmentLength(type)) {
    throw new RangeError(`encodePlaintextRecord: fragment of ${fragment.length} bytes exceeds the record limit`);
  }
  // §5.1 "Implementations MUST NOT send zero-length fragments of Handshake types"; §5.4
  // extends it to Alert records.
  if (fragment.length === 0 && (type === ContentType.handshake || type === ContentType.alert)) {
    throw new RangeError(`encodePlaintextRecord: zero-length ${type === ContentType.handshake ? 'handshake' : 'alert'} fragment`);
  }
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  out.set(encodeRecordHeader(type, version, fragment.length), 0);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}

/**
 * Validates a record header. Errors, each with the alert RFC 8446 asks for:
 * - unknown content type → unexpected_message (§5: "If a TLS implementation receives an
 *   unexpected record type, it MUST terminate the connection with an unexpected_message
 *   alert"); `invalid(0)` counts as unknown;
 * - legacy_record_version whose major byte is not 3 → protocol_version. §5.1 says the field
 *   "MUST be ignored for all purposes", so every 0x03xx is accepted; a different major byte
 *   means the stream is not TLS at all (or framing was lost), and failing at once is more
 *   useful than waiting for up to 64 KiB of garbage. This is OpenSSL's choice too
 *   (SSL_R_WRONG_VERSION_NUMBER with a protocol_version alert);
 * - length over the limit of its type → record_overflow (§5.1, §5.2).
 */
export function checkRecordHeader(type: number, version: number, length: number): void {
  if (!isRecordContentType(type)) {
    throw new TlsError('unexpected_message', `unknown record content type ${type}`);
  }
  if (version >>> 8 !== 0x03) {
    throw new TlsError('protocol_version', `legacy_record_version 0x${version.toString(16).padStart(4, '0')} is not 0x03xx`);
  }
  const max = maxFragmentLength(type);
  if (length > max) {
    throw new TlsError('record_overflow', `record of ${length} bytes exceeds ${max} for content type ${type}`);
  }
}

/**
 * Splits a byte stream into records. `push` any chunks, then call `next` until it returns
 * null (need more bytes). The output does not depend on how the stream was split. A
 * header error throws a TlsError as soon as the header is complete; the deframer is then
 * unusable (the connection is over) and keeps throwing the same error.
 */
const EMPTY = new Uint8Array(0);

export class Deframer {
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private failed: TlsError | null = null;

  /** Bytes received and not yet returned as records. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + bytes.length;
      if (need <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else if (live === 0) {
        // Nothing held: a buffer of exactly these bytes, which `next` can hand over whole
        // when they are one record (no second copy), and grows from if they are not.
        this.buf = new Uint8Array(need);
      } else {
        // Grow geometrically so that one-byte pushes stay linear overall.
        const next = new Uint8Array(Math.max(need, this.buf.length * 2, 256));
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /**
   * Like `push`, for a buffer the caller hands over and never touches again (a socket
   * chunk, a record just sealed): an empty deframer adopts it instead of copying it, so a
   * whole record arrives with no copy at all (docs/architecture.md "Conventions" 8 holds: nobody else owns it).
   */
  pushOwned(bytes: Uint8Array): void {
    if (this.end !== this.start || bytes.length === 0) return this.push(bytes);
    this.buf = bytes;
    this.start = 0;
    this.end = bytes.length;
  }

  /** The next complete record, or null if more bytes are needed. */
  next(): RawRecord | null {
    if (this.failed) throw this.failed;
    const avail = this.end - this.start;
    if (avail < RECORD_HEADER_LENGTH) return null;
    const b = this.buf;
    const s = this.start;
    const type = b[s]!;
    const version = (b[s + 1]! << 8) | b[s + 2]!;
    const length = (b[s + 3]! << 8) | b[s + 4]!;
    try {
      checkRecordHeader(type, version, length);
    } catch (e) {
      if (e instanceof TlsError) this.failed = e;
      throw e;
    }
    const total = RECORD_HEADER_LENGTH + length;
    if (avail < total) return null;
    // Decoded values own their bytes (docs/architecture.md "Conventions" 8): never a view into a buffer we keep using.
    // When the record is all we hold and fills most of the buffer, the buffer itself is
    // handed over and the next push starts a new one: one copy per record (the push)
    // instead of two, and at most as much again held unused.
    if (s === 0 && total === this.end && b.length <= 2 * total) {
      const wire = b.subarray(0, total);
      this.buf = EMPTY;
      this.start = 0;
      this.end = 0;
      return { type, version, fragment: wire.subarray(RECORD_HEADER_LENGTH), wire };
    }
    const wire = b.slice(s, s + total);
    this.start += total;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return { type, version, fragment: wire.subarray(RECORD_HEADER_LENGTH), wire };
  }

  /** An independent copy (the simulator forks endpoints). */
  clone(): Deframer {
    const d = new Deframer();
    d.buf = this.buf.slice(this.start, this.end);
    d.start = 0;
    d.end = d.buf.length;
    d.failed = this.failed;
    return d;
  }
}
