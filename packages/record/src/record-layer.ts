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
import { ContentType, contentTypeName } from './content.js';
import { TlsError } from './errors.js';
import { Deframer, encodePlaintextRecord, LEGACY_RECORD_VERSION, MAX_PLAINTEXT_LENGTH, type RawRecord } from './framing.js';
import {
  MAX_INNER_PLAINTEXT_LENGTH,
  NO_PADDING,
  paddingLength,
  protectRecord,
  SEQUENCE_MAX,
  unprotectRecord,
  type PaddingPolicy,
  type TrafficKeys,
} from './protection.js';
import { protectRecord12, tls12FixedIvLength, unprotectRecord12 } from './tls12-protection.js';

/** The epoch name of unprotected records (the trace format: docs/architecture.md "The trace contract"). */
export const PLAINTEXT_EPOCH = 'plaintext';

/** One record as the state machine sees it. */
export interface ReadRecord {
  /** The real content type: the inner type of a protected record, else the outer type. */
  readonly contentType: number;
  /** The content (TLSPlaintext.fragment or TLSInnerPlaintext.content, padding removed). */
  readonly data: Uint8Array;
  /** The read epoch it was protected under, or 'plaintext' for an unprotected record. */
  readonly epoch: string;
  /** The whole record as received, header included. */
  readonly wire: Uint8Array;
  /** The wire content type (application_data for every protected record). */
  readonly outerType: number;
  /** The sequence number it was opened with; null for an unprotected record. */
  readonly seq: bigint | null;
  /** Bytes of zero padding removed (§5.4); 0 for an unprotected record. */
  readonly padding: number;
}

/** §5.5 key usage limits for one key. */
export interface KeyLimit {
  /** Records that may be protected under one key; sealing more is refused. */
  readonly maxRecords: bigint;
  /** `keyUpdateDue` turns true once this many records have been written under one key. */
  readonly updateAt: bigint;
}

/**
 * §5.5: "For AES-GCM, up to 2^24.5 full-size records (about 24 million) may be encrypted
 * on a given connection" (per key: a KeyUpdate resets the count, §4.6.3). 2^24.5 rounded
 * down. "For ChaCha20/Poly1305, the record sequence number would wrap before the safety
 * limit is reached": the limit is the sequence space itself. Updates are due at 3/4.
 */
const AES_GCM_MAX_RECORDS = 23_726_566n;
export const DEFAULT_KEY_LIMITS: Readonly<Record<AeadName, KeyLimit>> = {
  aes128gcm: { maxRecords: AES_GCM_MAX_RECORDS, updateAt: (AES_GCM_MAX_RECORDS * 3n) / 4n },
  aes256gcm: { maxRecords: AES_GCM_MAX_RECORDS, updateAt: (AES_GCM_MAX_RECORDS * 3n) / 4n },
  chacha20poly1305: { maxRecords: SEQUENCE_MAX, updateAt: (SEQUENCE_MAX * 3n) / 4n },
};

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

interface Direction {
  epoch: string;
  keys: TrafficKeys | null;
  /** The keys protect TLS 1.2 records (tls12-protection.ts): no inner type, no padding. */
  tls12: boolean;
  /** The sequence number of the next record; also the count of records under this key. */
  seq: bigint;
  limit: KeyLimit;
}

const NO_LIMIT: KeyLimit = { maxRecords: SEQUENCE_MAX, updateAt: SEQUENCE_MAX };

/**
 * Records in a row that move nothing forward, accepted before the next one is refused: alert
 * records (a fatal alert or close_notify ends reading anyway, so the ones that go on are
 * ignored warnings: user_canceled), change_cipher_spec records, zero-length application
 * data (§5.1 allows them "as a traffic analysis countermeasure") and records skipped as
 * rejected 0-RTT data that count no bytes towards max_early_data_size. RFC 8446 sets no
 * number. A conforming peer sends at most one change_cipher_spec (§D.4) and one
 * user_canceled (§6.1) in a row; 32 leaves room for empty records as padding while a flood
 * ends at the 33rd record. OpenSSL and BoringSSL allow 32 empty records in a row
 * (MAX_EMPTY_RECORDS, kMaxEmptyRecords) and a few warning alerts (OpenSSL
 * MAX_WARN_ALERT_COUNT 5, BoringSSL kMaxWarningAlerts 4); Go's crypto/tls allows 16
 * non-advancing records of any of these kinds (maxUselessRecords). All three then send
 * unexpected_message, as we do (§6.2: "An inappropriate message ... was received").
 */
export const DEFAULT_MAX_IGNORED_RECORDS = 32;

interface SkipState {
  readonly maxBytes: number;
  skipped: number;
}

export class RecordLayer {
  private deframer = new Deframer();
  private read: Direction = { epoch: PLAINTEXT_EPOCH, keys: null, seq: 0n, limit: NO_LIMIT, tls12: false };
  private write: Direction = { epoch: PLAINTEXT_EPOCH, keys: null, seq: 0n, limit: NO_LIMIT, tls12: false };
  private padding: PaddingPolicy;
  private keyLimits: Partial<Record<AeadName, KeyLimit>>;
  private plaintextAlertsAfterKeys: boolean;
  /** RFC 8449 record_size_limit of the peer: the largest TLSInnerPlaintext we may send. */
  private recordSizeLimit = MAX_INNER_PLAINTEXT_LENGTH;
  /** RFC 8449 record_size_limit we advertised: the largest TLSInnerPlaintext we accept. */
  private readRecordSizeLimit = MAX_INNER_PLAINTEXT_LENGTH;
  private skip: SkipState | null = null;
  private failed: TlsError | null = null;
  private readonly maxIgnoredRecords: number;
  /** Records read in a row that carried nothing (DEFAULT_MAX_IGNORED_RECORDS). */
  private ignoredInRow = 0;

  constructor(options: RecordLayerOptions = {}) {
    this.padding = options.padding ?? NO_PADDING;
    this.keyLimits = { ...options.keyLimits };
    this.plaintextAlertsAfterKeys = options.plaintextAlertsAfterKeys ?? false;
    const maxIgnored = options.maxIgnoredRecords ?? DEFAULT_MAX_IGNORED_RECORDS;
    if (!Number.isInteger(maxIgnored) || maxIgnored < 1) throw new RangeError(`RecordLayer: maxIgnoredRecords ${maxIgnored} is not a positive integer`);
    this.maxIgnoredRecords = maxIgnored;
  }

  get writeEpoch(): string {
    return this.write.epoch;
  }

  get readEpoch(): string {
    return this.read.epoch;
  }

  /** Sequence number of the next record written (= records written under the current key). */
  get writeSeq(): bigint {
    return this.write.seq;
  }

  /** Sequence number of the next protected record to be read. */
  get readSeq(): bigint {
    return this.read.seq;
  }

  /** Received bytes not yet returned as records. */
  get bufferedBytes(): number {
    return this.deframer.buffered;
  }

  /** §5.5: true once the write key has protected `updateAt` records; send a KeyUpdate. */
  get keyUpdateDue(): boolean {
    return this.write.keys !== null && this.write.seq >= this.write.limit.updateAt;
  }

  /** True while rejected 0-RTT data is being skipped (§4.2.10). */
  get skipping(): boolean {
    return this.skip !== null;
  }

  /** §5.3: "Each sequence number is set to zero ... whenever the key is changed". */
  installWriteKeys(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.write = this.direction(epoch, aead, key, iv);
  }

  /**
   * Back to unprotected writing. Only for a client that sent 0-RTT data and then got a
   * HelloRetryRequest: its second ClientHello goes out in the clear (§4.1.4, §4.2.10).
   */
  clearWriteKeys(): void {
    this.write = { epoch: PLAINTEXT_EPOCH, keys: null, seq: 0n, limit: NO_LIMIT, tls12: false };
  }

  installReadKeys(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.read = this.direction(epoch, aead, key, iv);
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
    this.read = this.direction(epoch, aead, key, iv, true);
  }

  private direction(epoch: string, aead: Aead, key: Uint8Array, iv: Uint8Array, tls12 = false): Direction {
    if (typeof epoch !== 'string' || epoch === '' || epoch === PLAINTEXT_EPOCH) {
      throw new RangeError(`RecordLayer: bad epoch name ${JSON.stringify(epoch)}`);
    }
    if (key.length !== aead.keyLength) throw new RangeError(`RecordLayer: ${aead.name} key must be ${aead.keyLength} bytes`);
    const ivLength = tls12 ? tls12FixedIvLength(aead) : aead.nonceLength;
    if (iv.length !== ivLength) throw new RangeError(`RecordLayer: ${aead.name} iv must be ${ivLength} bytes`);
    const limit = this.keyLimits[aead.name] ?? DEFAULT_KEY_LIMITS[aead.name];
    return { epoch, keys: { aead, key: key.slice(), iv: iv.slice() }, seq: 0n, limit: clampLimit(limit), tls12 };
  }

  setPadding(policy: PaddingPolicy): void {
    this.padding = policy;
  }

  /** Overrides the §5.5 limit of one AEAD, for keys installed from now on and the current ones. */
  setKeyLimit(aead: AeadName, limit: KeyLimit): void {
    this.keyLimits[aead] = limit;
    for (const d of [this.read, this.write]) {
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
    if (!Number.isInteger(n) || n < 2 || n > MAX_INNER_PLAINTEXT_LENGTH) {
      throw new RangeError(`setReadRecordSizeLimit: ${n} outside 2..${MAX_INNER_PLAINTEXT_LENGTH}`);
    }
    this.readRecordSizeLimit = n;
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
      const content = data.subarray(i * chunk, Math.min(data.length, (i + 1) * chunk));
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
    this.deframer.push(bytes);
  }

  /** `pushBytes` for a buffer the caller gives up (it must not read or write it afterwards): no copy. */
  pushOwnedBytes(bytes: Uint8Array): void {
    this.deframer.pushOwned(bytes);
  }

  /**
   * §4.2.10: a server that rejects 0-RTT "skips past early data by attempting to deprotect
   * received records using the handshake traffic key, discarding records which fail
   * deprotection (up to the configured max_early_data_size). Once a record is deprotected
   * successfully, it is treated as the start of the client's second flight". After a
   * HelloRetryRequest (no read keys yet) it skips "all records with an external content
   * type of application_data". Skipped bytes are counted as the fragment length less the
   * 17 bytes (tag + content type) that cannot be early data; going past `maxBytes` is
   * unexpected_message (§4.6.1: "A server receiving more than max_early_data_size bytes of
   * 0-RTT data SHOULD terminate the connection with an unexpected_message alert").
   */
  skipUndecryptable(maxBytes: number): void {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError(`skipUndecryptable: ${maxBytes}`);
    this.skip = { maxBytes, skipped: 0 };
  }

  /** Stops skipping (e.g. the HelloRetryRequest path, once the second ClientHello arrives). */
  stopSkipping(): void {
    this.skip = null;
  }

  /**
   * The next record, or null if more bytes are needed. Throws a TlsError for bad input;
   * after that the read side is dead and every call throws the same error.
   */
  nextRecord(): ReadRecord | null {
    if (this.failed) throw this.failed;
    try {
      return this.readOne();
    } catch (e) {
      if (e instanceof TlsError) this.failed = e;
      throw e;
    }
  }

  private readOne(): ReadRecord | null {
    for (;;) {
      const raw = this.deframer.next();
      if (raw === null) return null;
      if (this.read.tls12 && this.read.keys !== null) return this.open12(raw, this.read.keys);
      const outer = raw.type;
      // §5: a change_cipher_spec record "may appear at a point at the handshake where the
      // implementation is expecting protected records, and so it is necessary to detect
      // this condition prior to attempting to deprotect the record". Its value and timing
      // are the state machine's to judge.
      if (outer === ContentType.change_cipher_spec) {
        this.countRecord(outer, raw.fragment.length);
        return { contentType: outer, data: raw.fragment, epoch: PLAINTEXT_EPOCH, wire: raw.wire, outerType: outer, seq: null, padding: 0 };
      }
      const keys = this.read.keys;
      if (keys === null) {
        if (outer !== ContentType.application_data) return this.plainRecord(raw);
        if (this.skip) {
          this.skipBytes(raw.fragment.length);
          continue;
        }
        // §5.1: "Application Data messages are always protected."
        throw new TlsError('unexpected_message', 'application_data record before read keys are installed');
      }
      if (outer === ContentType.alert && this.plaintextAlertsAfterKeys) return this.plainRecord(raw);
      if (outer !== ContentType.application_data) {
        throw new TlsError('unexpected_message', `unprotected ${contentTypeName(outer)} record after read keys were installed`);
      }
      if (this.read.seq >= SEQUENCE_MAX) {
        // §5.3: "If a TLS implementation would need to wrap a sequence number, it MUST
        // either rekey ... or terminate the connection." The peer did not rekey.
        throw new TlsError('unexpected_message', 'peer exhausted the 64-bit read sequence number without a KeyUpdate');
      }
      let opened: ReturnType<typeof unprotectRecord>;
      try {
        opened = unprotectRecord(keys, this.read.seq, raw.wire);
      } catch (e) {
        if (this.skip && e instanceof TlsError && e.alert === 'bad_record_mac') {
          this.skipBytes(raw.fragment.length);
          continue;
        }
        throw e;
      }
      this.skip = null;
      if (opened.content.length + 1 + opened.padding > this.readRecordSizeLimit) {
        throw new TlsError('record_overflow', `protected record over our record_size_limit of ${this.readRecordSizeLimit} (RFC 8449)`);
      }
      const seq = this.read.seq;
      this.read.seq += 1n;
      if (opened.contentType === ContentType.change_cipher_spec) {
        throw new TlsError('unexpected_message', 'protected change_cipher_spec record (§5)');
      }
      checkReceivedNotEmpty(opened.contentType, opened.content);
      this.countRecord(opened.contentType, opened.content.length);
      return {
        contentType: opened.contentType,
        data: opened.content,
        epoch: this.read.epoch,
        wire: raw.wire,
        outerType: outer,
        seq,
        padding: opened.padding,
      };
    }
  }

  /**
   * A TLS 1.2 record under the current read state: every record type is protected once the
   * peer's ChangeCipherSpec made the read state current (RFC 5246 §6.1, §7.1).
   */
  private open12(raw: RawRecord, keys: TrafficKeys): ReadRecord {
    if (this.read.seq >= SEQUENCE_MAX) {
      // RFC 5246 §6.1: "Sequence numbers ... MUST NOT exceed 2^64-1"; 1.2 has no rekeying.
      throw new TlsError('unexpected_message', 'peer exhausted the 64-bit read sequence number');
    }
    const opened = unprotectRecord12(keys, this.read.seq, raw.wire);
    const seq = this.read.seq;
    this.read.seq += 1n;
    checkReceivedNotEmpty(opened.contentType, opened.content);
    this.countRecord(opened.contentType, opened.content.length);
    return { contentType: opened.contentType, data: opened.content, epoch: this.read.epoch, wire: raw.wire, outerType: raw.type, seq, padding: 0 };
  }

  private skipBytes(fragmentLength: number): void {
    const skip = this.skip!;
    const counted = Math.max(0, fragmentLength - 17);
    skip.skipped += counted;
    if (skip.skipped > skip.maxBytes) {
      throw new TlsError('unexpected_message', `more than ${skip.maxBytes} bytes of rejected early data (§4.6.1)`);
    }
    // A record too short to hold early data costs nothing against max_early_data_size: it
    // counts as ignored, or a peer could send such records for ever.
    if (counted === 0) this.countIgnored();
    else this.ignoredInRow = 0;
  }

  /** An unprotected record as the state machine sees it. */
  private plainRecord(raw: RawRecord): ReadRecord {
    checkReceivedNotEmpty(raw.type, raw.fragment);
    this.countRecord(raw.type, raw.fragment.length);
    return { contentType: raw.type, data: raw.fragment, epoch: PLAINTEXT_EPOCH, wire: raw.wire, outerType: raw.type, seq: null, padding: 0 };
  }

  /**
   * Counts a record returned to the state machine: handshake data and non-empty application
   * data move the connection forward; alerts, change_cipher_spec and empty records do not
   * (DEFAULT_MAX_IGNORED_RECORDS).
   */
  private countRecord(contentType: number, length: number): void {
    if (contentType === ContentType.alert || contentType === ContentType.change_cipher_spec || length === 0) {
      this.countIgnored();
    } else {
      this.ignoredInRow = 0;
    }
  }

  private countIgnored(): void {
    this.ignoredInRow += 1;
    if (this.ignoredInRow > this.maxIgnoredRecords) {
      // RFC 8446 sets no limit; §6.2 unexpected_message: "An inappropriate message ... was received".
      throw new TlsError(
        'unexpected_message',
        `more than ${this.maxIgnoredRecords} records in a row carried nothing (alerts, change_cipher_spec, empty or skipped records): a flood`,
      );
    }
  }

  /**
   * Sets a sequence number directly, to show or test what happens near the §5.3 / §5.5
   * limits without writing 2^24 records. Not for protocol use.
   */
  forceSequence(direction: 'read' | 'write', seq: bigint): void {
    if (seq < 0n || seq > SEQUENCE_MAX) throw new RangeError(`forceSequence: ${seq}`);
    (direction === 'read' ? this.read : this.write).seq = seq;
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
    c.deframer = this.deframer.clone();
    c.read = { ...this.read };
    c.write = { ...this.write };
    c.recordSizeLimit = this.recordSizeLimit;
    c.readRecordSizeLimit = this.readRecordSizeLimit;
    c.skip = this.skip ? { ...this.skip } : null;
    c.failed = this.failed;
    c.ignoredInRow = this.ignoredInRow;
    return c;
  }
}

/** §5.5 limits never exceed the sequence space: §5.3 sequence numbers "should not wrap". */
function clampLimit(l: KeyLimit): KeyLimit {
  const maxRecords = l.maxRecords > SEQUENCE_MAX ? SEQUENCE_MAX : l.maxRecords;
  if (maxRecords < 1n) throw new RangeError('key limit: maxRecords must be at least 1');
  return { maxRecords, updateAt: l.updateAt > maxRecords ? maxRecords : l.updateAt };
}

/** §5.1 / §5.4: we never send a zero-length handshake or alert fragment. */
function checkNotEmpty(contentType: number, data: Uint8Array): void {
  if (data.length === 0 && (contentType === ContentType.handshake || contentType === ContentType.alert)) {
    throw new RangeError(`RecordLayer: zero-length ${contentTypeName(contentType)} record`);
  }
}

/**
 * §5.4: "Implementations MUST NOT send Handshake and Alert records that have a zero-length
 * TLSInnerPlaintext.content; if such a message is received, the receiving implementation
 * MUST terminate the connection with an unexpected_message alert." The same alert for an
 * unprotected zero-length handshake or alert record (§5.1: "MUST NOT send zero-length
 * fragments of Handshake types").
 */
function checkReceivedNotEmpty(contentType: number, data: Uint8Array): void {
  if (data.length === 0 && (contentType === ContentType.handshake || contentType === ContentType.alert)) {
    throw new TlsError('unexpected_message', `zero-length ${contentTypeName(contentType)} record`);
  }
}
