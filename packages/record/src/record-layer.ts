/**
 * The record layer (RFC 8446 §5): one epoch, key and sequence number per direction, the
 * deframer, record protection, fragmentation and the key usage limits of §5.5.
 *
 * Sans-I/O. Bytes in with `pushBytes`, records out with `nextRecord`; application bytes in
 * with `seal`, wire records out. Decryption happens in `nextRecord`, one record at a time,
 * never in `pushBytes`: the state machine must install the next read keys between two
 * records (e.g. right after ServerHello), and the bytes of the next flight may already be
 * buffered when it does.
 */
import type { Aead, AeadName } from './aead-types.js';
import { ContentType } from './content.js';
import { TlsError } from './errors.js';
import { encodePlaintextRecord, LEGACY_RECORD_VERSION, MAX_PLAINTEXT_LENGTH } from './framing.js';
import { MAX_INNER_PLAINTEXT_LENGTH, NO_PADDING, paddingLength, protectRecord, SEQUENCE_MAX, type PaddingPolicy } from './protection.js';
import { checkNotEmpty, clampLimit, DEFAULT_KEY_LIMITS, plaintextDirection, PLAINTEXT_EPOCH, type Direction, type KeyLimit } from './record-direction.js';
import { DEFAULT_MAX_IGNORED_RECORDS, RecordReader, type ReadRecord } from './record-reader.js';
import { protectRecord12, tls12FixedIvLength } from './tls12-protection.js';
import { span } from './bytes.js';

export { DEFAULT_KEY_LIMITS, PLAINTEXT_EPOCH, type KeyLimit } from './record-direction.js';
export { DEFAULT_MAX_IGNORED_RECORDS, type ReadRecord } from './record-reader.js';

export interface RecordLayerOptions {
  padding?: PaddingPolicy;
  /** Per-AEAD overrides of DEFAULT_KEY_LIMITS (applied at each key installation). */
  keyLimits?: Partial<Record<AeadName, KeyLimit>>;
  /**
   * Accept unprotected alert records after read keys are installed (default false). A peer
   * that failed to process our ServerHello has no keys and can only send its alert in the
   * clear; OpenSSL accepts that (ENC_READ_STATE_ALLOW_PLAIN_ALERTS). Off by default: RFC
   * 8446 protects every record but change_cipher_spec after the key change (§5).
   */
  plaintextAlertsAfterKeys?: boolean;
  /** Records in a row that carry nothing (see DEFAULT_MAX_IGNORED_RECORDS); the next is unexpected_message. */
  maxIgnoredRecords?: number;
}

export class RecordLayer {
  /** The read side: deframer, read keys, early-data skipping, flood count (record-reader.ts). */
  private reader: RecordReader;
  private write: Direction = plaintextDirection();
  private padding: PaddingPolicy;
  private keyLimits: Partial<Record<AeadName, KeyLimit>>;
  private plaintextAlertsAfterKeys: boolean;
  /** RFC 8449 record_size_limit of the peer: the largest TLSInnerPlaintext we may send. */
  private recordSizeLimit = MAX_INNER_PLAINTEXT_LENGTH;
  private readonly maxIgnoredRecords: number;

  constructor(options: RecordLayerOptions = {}) {
    this.padding = options.padding ?? NO_PADDING;
    this.keyLimits = { ...options.keyLimits };
    this.plaintextAlertsAfterKeys = options.plaintextAlertsAfterKeys ?? false;
    this.maxIgnoredRecords = options.maxIgnoredRecords ?? DEFAULT_MAX_IGNORED_RECORDS;
    this.reader = new RecordReader(this.plaintextAlertsAfterKeys, this.maxIgnoredRecords);
  }

  get writeEpoch(): string {
    return this.write.epoch;
  }

  get readEpoch(): string {
    return this.reader.read.epoch;
  }

  /** Sequence number of the next record written (= records written under the current key). */
  get writeSeq(): bigint {
    return this.write.seq;
  }

  /** Sequence number of the next protected record to be read. */
  get readSeq(): bigint {
    return this.reader.read.seq;
  }

  /** Received bytes not yet returned as records. */
  get bufferedBytes(): number {
    return this.reader.deframer.buffered;
  }

  /** §5.5: true once the write key has protected `updateAt` records; send a KeyUpdate. */
  get keyUpdateDue(): boolean {
    return this.write.keys !== null && this.write.seq >= this.write.limit.updateAt;
  }

  /** True while rejected 0-RTT data is being skipped (§4.2.10). */
  get skipping(): boolean {
    return this.reader.skipping;
  }

  /**
   * §5.3: "Each sequence number is set to zero ... whenever the key is changed". The key and
   * IV are copied, unless `handedOver`: the caller gives them up (fresh from the key
   * schedule, written by nobody again) and they are kept as they are.
   */
  installWriteKeys(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array, handedOver = false): void {
    this.write = this.direction(epoch, aead, key, iv, false, handedOver);
  }

  /**
   * Back to unprotected writing. Only for a client that sent 0-RTT data and then got a
   * HelloRetryRequest: its second ClientHello goes out in the clear (§4.1.4, §4.2.10).
   */
  clearWriteKeys(): void {
    this.write = plaintextDirection();
  }

  /** As `installWriteKeys`, for reading. */
  installReadKeys(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array, handedOver = false): void {
    this.reader.read = this.direction(epoch, aead, key, iv, false, handedOver);
  }

  /**
   * TLS 1.2 keys (RFC 5246 §6.1: the pending write state becomes current when
   * ChangeCipherSpec is sent, the sequence number starts at zero). `iv` is the fixed IV from
   * the key block: 4 bytes for AES-GCM (RFC 5288 §3), 12 for ChaCha20-Poly1305 (RFC 7905 §2).
   */
  installWriteKeys12(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.write = this.direction(epoch, aead, key, iv, true);
  }

  /** RFC 5246 §6.1: the pending read state becomes current when ChangeCipherSpec is received. */
  installReadKeys12(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.reader.read = this.direction(epoch, aead, key, iv, true);
  }

  private direction(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array, tls12 = false, handedOver = false): Direction {
    if (typeof epoch !== 'string' || epoch === '' || epoch === PLAINTEXT_EPOCH) {
      throw new RangeError(`RecordLayer: bad epoch name ${JSON.stringify(epoch)}`);
    }
    if (key.length !== aead.keyLength) throw new RangeError(`RecordLayer: ${aead.name} key must be ${aead.keyLength} bytes`);
    const ivLength = tls12 ? tls12FixedIvLength(aead) : aead.nonceLength;
    if (iv.length !== ivLength) throw new RangeError(`RecordLayer: ${aead.name} iv must be ${ivLength} bytes`);
    const limit = this.keyLimits[aead.name] ?? DEFAULT_KEY_LIMITS[aead.name];
    const keys = handedOver ? { aead, key, iv } : { aead, key: key.slice(), iv: iv.slice() };
    return { epoch, keys, seq: 0n, limit: clampLimit(limit), tls12 };
  }

  setPadding(policy: PaddingPolicy): void {
    this.padding = policy;
  }

  /** Overrides the §5.5 limit of one AEAD, for keys installed from now on and the current ones. */
  setKeyLimit(aead: AeadName, limit: KeyLimit): void {
    this.keyLimits[aead] = limit;
    for (const d of [this.reader.read, this.write]) {
      if (d.keys?.aead.name === aead) d.limit = clampLimit(limit);
    }
  }

  /**
   * RFC 8449 record_size_limit received from the peer: "the length of the plaintext of a
   * protected record. The value includes the content type and padding added in TLS 1.3
   * (that is, the complete length of TLSInnerPlaintext)". So at most `n - 1` content bytes
   * per protected record. "Unprotected messages are not subject to this limit." RFC 8449
   * makes a value under 64 an illegal_parameter; that check belongs to the extension
   * codec. Here any value that leaves one content byte is accepted, so a teaching scenario
   * can use tiny records.
   */
  setMaxFragment(n: number): void {
    if (!Number.isInteger(n) || n < 2 || n > MAX_INNER_PLAINTEXT_LENGTH) {
      throw new RangeError(`setMaxFragment: ${n} outside 2..${MAX_INNER_PLAINTEXT_LENGTH}`);
    }
    this.recordSizeLimit = n;
  }

  /**
   * RFC 8449 record_size_limit we advertised. "An endpoint that receives a record larger
   * than its advertised limit MUST generate a fatal record_overflow alert"; for TLS 1.3 the
   * limit counts the whole TLSInnerPlaintext (content, type and padding) of protected
   * records. Unprotected records keep the §5.1 limit of 2^14.
   */
  setReadRecordSizeLimit(n: number): void {
    this.reader.setReadRecordSizeLimit(n);
  }

  /** The current record size limit (TLSInnerPlaintext bytes per protected record). */
  get maxFragment(): number {
    return this.recordSizeLimit;
  }

  /**
   * Frames `data` as records of `contentType`: protected under the write keys if there are
   * any, else as TLSPlaintext. One wire record per array element. §5.1: handshake data and
   * application data may be fragmented across records; an alert must be one record (the
   * caller passes one 2-byte alert). Zero-length application data gives one empty record
   * (§5.1 "Zero-length fragments of Application Data MAY be sent").
   *
   * `legacyVersion` applies to unprotected records only: 0x0301 for an initial
   * ClientHello (§5.1).
   */
  seal(contentType: number, data: Uint8Array, opts: { legacyVersion?: number } = {}): Uint8Array[] {
    const keys = this.write.keys;
    if (keys === null) {
      // §5.1: "Application Data messages are always protected."
      if (contentType === ContentType.application_data) {
        throw new Error('RecordLayer.seal: application data before write keys are installed');
      }
      return this.sealPlaintext(contentType, data, opts.legacyVersion);
    }
    if (this.write.tls12) return this.seal12(contentType, data);
    if (contentType === ContentType.change_cipher_spec) {
      // §5: "An implementation which receives ... a protected change_cipher_spec record
      // MUST abort the handshake": never protect one.
      throw new Error('RecordLayer.seal: change_cipher_spec is never protected; use sealPlaintext');
    }
    checkNotEmpty(contentType, data);
    if (contentType === ContentType.alert && data.length > this.recordSizeLimit - 1) {
      throw new RangeError('RecordLayer.seal: an alert must fit in one record');
    }
    const chunk = this.recordSizeLimit - 1;
    const count = data.length === 0 ? 1 : Math.ceil(data.length / chunk);
    // Refuse the whole write rather than send part of it.
    if (this.write.seq + BigInt(count) > this.write.limit.maxRecords) {
      throw new TlsError(
        'internal_error',
        `write key of epoch ${this.write.epoch} would exceed its limit of ${this.write.limit.maxRecords} records (§5.5): a KeyUpdate was due`,
      );
    }
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const content = span(data, i * chunk, Math.min(data.length, (i + 1) * chunk));
      const pad = paddingLength(this.padding, content.length, this.recordSizeLimit);
      out.push(protectRecord(keys, this.write.seq, contentType, content, pad));
      this.write.seq += 1n;
    }
    return out;
  }

  /**
   * TLS 1.2 protected records (RFC 5246 §6.2.3.3): the content type stays in the header,
   * fragments of at most 2^14 bytes (§6.2.1), no padding. change_cipher_spec is protected
   * like any other type once write keys are in place (§6.1: it is sent under the current
   * write state); we never send one then (no renegotiation), but nothing here forbids it.
   */
  private seal12(contentType: number, data: Uint8Array): Uint8Array[] {
    const keys = this.write.keys!;
    checkNotEmpty(contentType, data);
    const chunk = Math.min(MAX_PLAINTEXT_LENGTH, this.recordSizeLimit - 1);
    if (contentType === ContentType.alert && data.length > chunk) throw new RangeError('RecordLayer.seal: an alert must fit in one record');
    const count = data.length === 0 ? 1 : Math.ceil(data.length / chunk);
    if (this.write.seq + BigInt(count) > this.write.limit.maxRecords) {
      throw new TlsError('internal_error', `write key of epoch ${this.write.epoch} would exceed its limit of ${this.write.limit.maxRecords} records`);
    }
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      out.push(protectRecord12(keys, this.write.seq, contentType, data.subarray(i * chunk, Math.min(data.length, (i + 1) * chunk))));
      this.write.seq += 1n;
    }
    return out;
  }

  /**
   * TLSPlaintext records whatever keys are installed: the compatibility-mode
   * change_cipher_spec (§D.4), which is sent unprotected even after the key change (§5),
   * and the records of the plaintext epoch.
   */
  sealPlaintext(contentType: number, data: Uint8Array, legacyVersion: number = LEGACY_RECORD_VERSION): Uint8Array[] {
    if (contentType === ContentType.application_data) {
      throw new Error('RecordLayer.sealPlaintext: application data is always protected (§5.1)');
    }
    checkNotEmpty(contentType, data);
    if (contentType === ContentType.alert && data.length > MAX_PLAINTEXT_LENGTH) {
      throw new RangeError('RecordLayer.sealPlaintext: an alert must fit in one record');
    }
    const out: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += MAX_PLAINTEXT_LENGTH) {
      out.push(encodePlaintextRecord(contentType, data.subarray(off, off + MAX_PLAINTEXT_LENGTH), legacyVersion));
    }
    if (out.length === 0) out.push(encodePlaintextRecord(contentType, data, legacyVersion));
    return out;
  }

  pushBytes(bytes: Uint8Array): void {
    this.reader.pushBytes(bytes);
  }

  /** `pushBytes` for a buffer the caller gives up (it must not read or write it afterwards): no copy. */
  pushOwnedBytes(bytes: Uint8Array): void {
    this.reader.pushOwnedBytes(bytes);
  }

  /**
   * §4.2.10: a server that rejects 0-RTT "skips past early data by attempting to deprotect
   * received records using the handshake traffic key, discarding records which fail
   * deprotection (up to the configured max_early_data_size)" (record-reader.ts). Going past
   * `maxBytes` is unexpected_message (§4.6.1).
   */
  skipUndecryptable(maxBytes: number): void {
    this.reader.skipUndecryptable(maxBytes);
  }

  /** Stops skipping (e.g. the HelloRetryRequest path, once the second ClientHello arrives). */
  stopSkipping(): void {
    this.reader.stopSkipping();
  }

  /**
   * The next record, or null if more bytes are needed. Throws a TlsError for bad input;
   * after that the read side is dead and every call throws the same error.
   */
  nextRecord(): ReadRecord | null {
    return this.reader.nextRecord();
  }

  /**
   * Sets a sequence number directly, to show or test what happens near the §5.3 / §5.5
   * limits without writing 2^24 records. Not for protocol use.
   */
  forceSequence(direction: 'read' | 'write', seq: bigint): void {
    if (seq < 0n || seq > SEQUENCE_MAX) throw new RangeError(`forceSequence: ${seq}`);
    (direction === 'read' ? this.reader.read : this.write).seq = seq;
  }

  /**
   * An independent deep copy: buffers, keys, sequence numbers, limits, skip state. The
   * padding policy object is shared; a `random` source carries its own state, so give a
   * fork its own source with `setPadding` if the two must not share it.
   */
  clone(): RecordLayer {
    const c = new RecordLayer({
      padding: this.padding,
      keyLimits: this.keyLimits,
      plaintextAlertsAfterKeys: this.plaintextAlertsAfterKeys,
      maxIgnoredRecords: this.maxIgnoredRecords,
    });
    c.reader = this.reader.clone();
    c.write = { ...this.write };
    c.recordSizeLimit = this.recordSizeLimit;
    return c;
  }
}
