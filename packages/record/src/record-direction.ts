/**
 * The per-direction state of the record layer (RFC 8446 §5): epoch, keys, sequence number
 * and the §5.5 key usage limit, shared by record-layer.ts (writing) and record-reader.ts
 * (reading), and the §5.1/§5.4 rules on empty records.
 */
import type { AeadName } from './aead-types.js';
import { ContentType, contentTypeName } from './content.js';
import { TlsError } from './errors.js';
import { SEQUENCE_MAX, type TrafficKeys } from './protection.js';

/** The epoch name of unprotected records (the trace format: docs/architecture.md "The trace contract"). */
export const PLAINTEXT_EPOCH = 'plaintext';

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

/** One direction's protection state (internal to the record layer: not exported by the package). */
export interface Direction {
  epoch: string;
  keys: TrafficKeys | null;
  /** The keys protect TLS 1.2 records (tls12-protection.ts): no inner type, no padding. */
  tls12: boolean;
  /** The sequence number of the next record; also the count of records under this key. */
  seq: bigint;
  limit: KeyLimit;
}

export const NO_LIMIT: KeyLimit = { maxRecords: SEQUENCE_MAX, updateAt: SEQUENCE_MAX };

/** A direction with no keys: unprotected records. */
export function plaintextDirection(): Direction {
  return { epoch: PLAINTEXT_EPOCH, keys: null, seq: 0n, limit: NO_LIMIT, tls12: false };
}

export /** §5.5 limits never exceed the sequence space: §5.3 sequence numbers "should not wrap". */
function clampLimit(l: KeyLimit): KeyLimit {
  const maxRecords = l.maxRecords > SEQUENCE_MAX ? SEQUENCE_MAX : l.maxRecords;
  if (maxRecords < 1n) throw new RangeError('key limit: maxRecords must be at least 1');
  return { maxRecords, updateAt: l.updateAt > maxRecords ? maxRecords : l.updateAt };
}

export /** §5.1 / §5.4: we never send a zero-length handshake or alert fragment. */
function checkNotEmpty(contentType: number, data: Uint8Array): void {
  if (data.length === 0 && (contentType === ContentType.handshake || contentType === ContentType.alert)) {
    throw new RangeError(`RecordLayer: zero-length ${contentTypeName(contentType)} record`);
  }
}

export /**
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
