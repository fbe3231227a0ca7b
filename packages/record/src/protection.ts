/**
 * RFC 8446 §5.2–§5.4: record payload protection.
 *
 *   struct {
 *       opaque content[TLSPlaintext.length];
 *       ContentType type;
 *       uint8 zeros[length_of_padding];
 *   } TLSInnerPlaintext;
 *
 *   struct {
 *       ContentType opaque_type = application_data; // 23
 *       ProtocolVersion legacy_record_version = 0x0303;
 *       uint16 length;
 *       opaque encrypted_record[TLSCiphertext.length];
 *   } TLSCiphertext;
 *
 * Pure functions of (keys, sequence number, bytes). Sequence numbers, epochs and limits
 * belong to the RecordLayer (docs/architecture.md "Conventions" 7).
 */
import type { Aead } from './aead-types.js';
import { sealAt } from './aead.js';
import { ContentType, isRecordContentType } from './content.js';
import { TlsError } from './errors.js';
import { encodeRecordHeader, LEGACY_RECORD_VERSION, MAX_CIPHERTEXT_LENGTH, MAX_PLAINTEXT_LENGTH, RECORD_HEADER_LENGTH } from './framing.js';

/** The AEAD, key and static IV of one direction of one epoch (§7.3). */
export interface TrafficKeys {
  readonly aead: Aead;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** §5.4: the full TLSInnerPlaintext "MUST NOT exceed 2^14 + 1 octets". */
export const MAX_INNER_PLAINTEXT_LENGTH = MAX_PLAINTEXT_LENGTH + 1;

/** 2^64 - 1: the largest value a 64-bit sequence number can hold (§5.3). */
export const SEQUENCE_MAX = (1n << 64n) - 1n;

/**
 * How much zero padding to add to each protected record (§5.4). `random` draws from an
 * injected source (the endpoint never calls a global RNG: docs/architecture.md "Conventions" 9).
 */
export type PaddingPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'block'; readonly size: number }
  | { readonly kind: 'random'; readonly max: number; readonly random: (n: number) => Uint8Array };

export const NO_PADDING: PaddingPolicy = { kind: 'none' };

/**
 * The padding length for `contentLength` bytes of content under `policy`, never letting
 * the TLSInnerPlaintext (content + type byte + padding) exceed `maxInner`.
 */
export function paddingLength(policy: PaddingPolicy, contentLength: number, maxInner: number = MAX_INNER_PLAINTEXT_LENGTH): number {
  const room = maxInner - contentLength - 1;
  if (room < 0) throw new RangeError(`paddingLength: ${contentLength} bytes of content do not fit in ${maxInner}`);
  let want: number;
  switch (policy.kind) {
    case 'none':
      want = 0;
      break;
    case 'block': {
      if (!Number.isInteger(policy.size) || policy.size < 1) throw new RangeError(`padding block size ${policy.size}`);
      const inner = contentLength + 1;
      want = (policy.size - (inner % policy.size)) % policy.size;
      break;
    }
    case 'random': {
      if (!Number.isInteger(policy.max) || policy.max < 0) throw new RangeError(`padding max ${policy.max}`);
      const r = policy.random(4);
      if (r.length < 4) throw new RangeError('padding random source returned too few bytes');
      const u = ((r[0]! << 24) >>> 0) + (r[1]! << 16) + (r[2]! << 8) + r[3]!;
      // Modulo bias is at most max/2^32: irrelevant for traffic-analysis padding.
      want = u % (policy.max + 1);
      break;
    }
    default:
      return assertNever(policy);
  }
  return Math.min(want, room);
}

/** TLSInnerPlaintext = content || type || zeros[padding] (§5.2, §5.4). */
export function encodeInnerPlaintext(contentType: number, content: Uint8Array, padding = 0): Uint8Array {
  const out = new Uint8Array(content.length + 1 + padding);
  out.set(content, 0);
  out[content.length] = contentType;
  return out;
}

/**
 * §5.4: "the receiving implementation scans the field from the end toward the beginning
 * until it finds a non-zero octet. This non-zero octet is the content type". No non-zero
 * octet at all is unexpected_message (§5.2: "If a receiving implementation does not find a
 * non-zero octet in the cleartext, it MUST terminate the connection with an
 * unexpected_message alert").
 */
export function decodeInnerPlaintext(inner: Uint8Array): { contentType: number; content: Uint8Array; padding: number } {
  const r = scanInnerPlaintext(inner);
  // Decoded values own their bytes (docs/architecture.md "Conventions" 8): the caller may reuse `inner`.
  return { ...r, content: r.content.slice() };
}

/** The scan of §5.4 returning a view into `inner`. */
function scanInnerPlaintext(inner: Uint8Array): { contentType: number; content: Uint8Array; padding: number } {
  let i = inner.length - 1;
  while (i >= 0 && inner[i] === 0) i--;
  if (i < 0) throw new TlsError('unexpected_message', 'TLSInnerPlaintext has no non-zero content type');
  return { contentType: inner[i]!, content: inner.subarray(0, i), padding: inner.length - 1 - i };
}

/**
 * §5.3: "The 64-bit record sequence number is encoded in network byte order and padded to
 * the left with zeros to iv_length. The padded sequence number is XORed with ... the
 * static ... write_iv".
 */
const MAX_SAFE_SEQ = BigInt(Number.MAX_SAFE_INTEGER);

export function recordNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  return recordNonceInto(iv, seq, new Uint8Array(iv.length));
}

/**
 * The nonce and the additional data of every record this module protects or opens are
 * written into these two buffers: the AEAD reads its arguments during the call and keeps
 * none of them (the `Aead` contract). node:crypto took about 1 µs longer per cipher when
 * given a fresh nonce or AAD array instead of one it had seen (bench machine).
 */
const NONCE_SCRATCH = new Uint8Array(12);
const AAD_SCRATCH = new Uint8Array(RECORD_HEADER_LENGTH);

function scratchNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  return recordNonceInto(iv, seq, iv.length === NONCE_SCRATCH.length ? NONCE_SCRATCH : new Uint8Array(iv.length));
}

function scratchAad(header: Uint8Array): Uint8Array {
  // Byte by byte: `header.subarray` of a fresh 5-byte header would make V8 move it off-heap first.
  for (let i = 0; i < RECORD_HEADER_LENGTH; i++) AAD_SCRATCH[i] = header[i]!;
  return AAD_SCRATCH;
}

/** `recordNonce` written into `nonce` (iv.length bytes), which it returns. */
function recordNonceInto(iv: Uint8Array, seq: bigint, nonce: Uint8Array): Uint8Array {
  if (seq < 0n || seq > SEQUENCE_MAX) throw new RangeError(`sequence number ${seq} outside 64 bits`);
  nonce.set(iv);
  // Two 32-bit halves. Below 2^53 (every sequence number a connection reaches in practice)
  // one conversion and float arithmetic split it exactly; above, BigInt operations do.
  let lo: number;
  let hi: number;
  if (seq <= MAX_SAFE_SEQ) {
    const n = Number(seq);
    lo = n % 0x1_0000_0000;
    hi = (n - lo) / 0x1_0000_0000;
  } else {
    lo = Number(seq & 0xffffffffn);
    hi = Number(seq >> 32n);
  }
  for (let k = 0; k < 8 && k < nonce.length; k++) {
    nonce[nonce.length - 1 - k]! ^= (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff;
  }
  return nonce;
}

/**
 * Protects one record: returns the whole TLSCiphertext (header included). The header is
 * built first because it is the AEAD additional data (§5.2: additional_data =
 * TLSCiphertext.opaque_type || TLSCiphertext.legacy_record_version || TLSCiphertext.length).
 */
export function protectRecord(keys: TrafficKeys, seq: bigint, contentType: number, content: Uint8Array, padding = 0): Uint8Array {
  if (!isRecordContentType(contentType)) throw new RangeError(`protectRecord: bad content type ${contentType}`);
  const innerLength = content.length + 1 + padding;
  if (innerLength > MAX_INNER_PLAINTEXT_LENGTH) {
    throw new RangeError(`protectRecord: TLSInnerPlaintext of ${innerLength} bytes exceeds 2^14 + 1`);
  }
  const { aead } = keys;
  const length = innerLength + aead.tagLength;
  const header = encodeRecordHeader(ContentType.application_data, LEGACY_RECORD_VERSION, length);
  const nonce = scratchNonce(keys.iv, seq);
  const aad = scratchAad(header);
  // One buffer for the whole record: header, then TLSInnerPlaintext (content, type, zero
  // padding) sealed where it lies when the AEAD can (sealInto), else sealed and copied back.
  // (Handing node's AEAD the content and the type byte as two parts instead measured
  // 0.3-1 µs slower per 16 KiB record than this copy: one more cipher update call.)
  const out = recordBuffer(RECORD_HEADER_LENGTH + length);
  out.set(header, 0);
  out.set(content, RECORD_HEADER_LENGTH);
  out[RECORD_HEADER_LENGTH + content.length] = contentType;
  const inner = out.subarray(RECORD_HEADER_LENGTH, RECORD_HEADER_LENGTH + innerLength);
  sealAt(aead, keys.key, nonce, aad, inner, out, RECORD_HEADER_LENGTH);
  return out;
}

/**
 * A large record is laid out 3 bytes into a new buffer, so that its encrypted_record
 * starts 8 bytes in: 4-byte aligned, as noble's ChaCha20 needs to seal it in place and to
 * open it without first copying it (aead.ts). A small one (an alert, a Finished) is not:
 * V8 keeps a Uint8Array of up to 64 bytes on its heap, and a view of it would move it off.
 */
const ALIGN_LEAD = 3;
const ALIGN_FROM = 256;

function recordBuffer(length: number): Uint8Array {
  if (length < ALIGN_FROM) return new Uint8Array(length);
  return new Uint8Array(ALIGN_LEAD + length).subarray(ALIGN_LEAD);
}

/** What comes out of a protected record. */
export interface UnprotectedRecord {
  readonly contentType: number;
  readonly content: Uint8Array;
  readonly padding: number;
}

/**
 * Opens one TLSCiphertext given as its whole wire form (header + encrypted_record).
 * Authentication failure of any kind is bad_record_mac with a fixed message, so the error
 * reveals nothing about why (§5.2: "If the decryption fails, the receiver MUST terminate
 * the connection with a bad_record_mac alert"). Checks after successful decryption:
 * inner plaintext over 2^14 + 1 → record_overflow (§5.4, §5.2); all zeros →
 * unexpected_message (§5.2); unknown inner type → unexpected_message (§5).
 */
export function unprotectRecord(keys: TrafficKeys, seq: bigint, wire: Uint8Array): UnprotectedRecord {
  if (wire.length < RECORD_HEADER_LENGTH) throw new RangeError('unprotectRecord: shorter than a record header');
  const header = wire.subarray(0, RECORD_HEADER_LENGTH);
  const body = wire.subarray(RECORD_HEADER_LENGTH);
  if (body.length > MAX_CIPHERTEXT_LENGTH) {
    throw new TlsError('record_overflow', `TLSCiphertext of ${body.length} bytes exceeds 2^14 + 256`);
  }
  const inner = keys.aead.open(keys.key, scratchNonce(keys.iv, seq), scratchAad(header), body);
  if (inner === null) throw badRecordMac();
  if (inner.length > MAX_INNER_PLAINTEXT_LENGTH) {
    throw new TlsError('record_overflow', `TLSInnerPlaintext of ${inner.length} bytes exceeds 2^14 + 1`);
  }
  // A view is enough here: `inner` is a fresh buffer from the AEAD, owned by the result.
  const { contentType, content, padding } = scanInnerPlaintext(inner);
  if (!isRecordContentType(contentType)) {
    throw new TlsError('unexpected_message', `unknown inner content type ${contentType}`);
  }
  return { contentType, content, padding };
}

/** The one authentication-failure error: same alert, same message, whatever went wrong. */
export function badRecordMac(): TlsError {
  return new TlsError('bad_record_mac', 'record authentication failed');
}

function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
