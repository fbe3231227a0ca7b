/**
 * The read side of the record layer (RFC 8446 §5): the deframer, record deprotection one
 * record at a time, the §4.2.10 skipping of rejected early data and the count of records
 * that carry nothing. RecordLayer (record-layer.ts) drives it; it is not exported.
 */
import { ContentType, contentTypeName } from './content.js';
import { TlsError } from './errors.js';
import { Deframer, type RawRecord } from './framing.js';
import { MAX_INNER_PLAINTEXT_LENGTH, SEQUENCE_MAX, unprotectRecord, type TrafficKeys } from './protection.js';
import { checkReceivedNotEmpty, PLAINTEXT_EPOCH, plaintextDirection, type Direction } from './record-direction.js';
import { unprotectRecord12 } from './tls12-protection.js';

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

export class RecordReader {
  deframer = new Deframer();
  read: Direction = plaintextDirection();
  /** RFC 8449 record_size_limit we advertised: the largest TLSInnerPlaintext we accept. */
  private readRecordSizeLimit = MAX_INNER_PLAINTEXT_LENGTH;
  private skip: SkipState | null = null;
  private failed: TlsError | null = null;
  /** Records read in a row that carried nothing (DEFAULT_MAX_IGNORED_RECORDS). */
  private ignoredInRow = 0;

  constructor(
    private readonly plaintextAlertsAfterKeys: boolean,
    private readonly maxIgnoredRecords: number,
  ) {
    if (!Number.isInteger(maxIgnoredRecords) || maxIgnoredRecords < 1) {
      throw new RangeError(`RecordLayer: maxIgnoredRecords ${maxIgnoredRecords} is not a positive integer`);
    }
  }

  /** True while rejected 0-RTT data is being skipped (§4.2.10). */
  get skipping(): boolean {
    return this.skip !== null;
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
      const record = this.openProtected(raw, keys);
      if (record !== null) return record;
    }
  }

  /** A TLS 1.3 protected record under the read keys; null when it is skipped as rejected early data. */
  private openProtected(raw: RawRecord, keys: TrafficKeys): ReadRecord | null {
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
        return null;
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
      outerType: raw.type,
      seq,
      padding: opened.padding,
    };
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

  /** An independent deep copy: buffer, keys, sequence number, skip state, counts. */
  clone(): RecordReader {
    const c = new RecordReader(this.plaintextAlertsAfterKeys, this.maxIgnoredRecords);
    c.deframer = this.deframer.clone();
    c.read = { ...this.read };
    c.readRecordSizeLimit = this.readRecordSizeLimit;
    c.skip = this.skip ? { ...this.skip } : null;
    c.failed = this.failed;
    c.ignoredInRow = this.ignoredInRow;
    return c;
  }
}
