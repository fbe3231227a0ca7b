/**
 * TLS 1.2 AEAD record protection (RFC 5246 §6.2.3.3) for the suites tls13sim speaks:
 * AES-GCM (RFC 5288 §3) and ChaCha20-Poly1305 (RFC 7905 §2).
 *
 *   struct {
 *       ContentType type;
 *       ProtocolVersion version;        // 0x0303
 *       uint16 length;
 *       opaque nonce_explicit[record_iv_length];
 *       aead-ciphered struct { opaque content[TLSCompressed.length]; };
 *   } TLSCiphertext;
 *
 *   additional_data = seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length
 *
 * Unlike TLS 1.3 the real content type stays in the header, there is no inner content type
 * and no padding, and the additional data carries the sequence number and the length of the
 * plaintext. Pure functions of (keys, sequence number, bytes), as protection.ts.
 */
import type { Aead } from './aead-types.js';
import { isRecordContentType } from './content.js';
import { TlsError } from './errors.js';
import { encodeRecordHeader, MAX_PLAINTEXT_LENGTH, RECORD_HEADER_LENGTH } from './framing.js';
import { badRecordMac, recordNonce, SEQUENCE_MAX } from './protection.js';

/** RFC 5246 §6.2.3: "The length (in bytes) of the following TLSCiphertext.fragment. The length MUST NOT exceed 2^14 + 2048." */
export const TLS12_MAX_CIPHERTEXT_LENGTH = MAX_PLAINTEXT_LENGTH + 2048;

/** The version field of every TLS 1.2 record we protect (RFC 5246 §6.2.1, {3, 3}). */
export const TLS12_RECORD_VERSION = 0x0303;

/**
 * One direction's TLS 1.2 keys. `iv` is the fixed part of the nonce taken from the key block
 * (RFC 5246 §6.3 client/server_write_IV): the 4-byte implicit salt for AES-GCM (RFC 5288 §3,
 * "fixed_iv_length: 4"), the 12-byte IV for ChaCha20-Poly1305 (RFC 7905 §2).
 */
export interface Tls12Keys {
  readonly aead: Aead;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** RFC 5288 §3 record_iv_length 8 (the explicit nonce in each record); RFC 7905 §2: none. */
export function explicitNonceLength(aead: Aead): number {
  return aead.name === 'chacha20poly1305' ? 0 : 8;
}

/** RFC 5288 §3 / RFC 7905 §2: the fixed IV length each AEAD takes from the key block. */
export function tls12FixedIvLength(aead: Aead): number {
  return aead.name === 'chacha20poly1305' ? 12 : 4;
}

/** The 8-byte big-endian sequence number (RFC 5246 §6.1 "seq_num ... uint64"). */
export function sequenceBytes(seq: bigint): Uint8Array {
  if (seq < 0n || seq > SEQUENCE_MAX) throw new RangeError(`sequence number ${seq} outside 64 bits`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, seq);
  return out;
}

/** RFC 5246 §6.2.3.3 additional_data: seq_num(8) + type(1) + version(2) + length(2) of the plaintext. */
export function tls12AdditionalData(seq: bigint, type: number, version: number, plaintextLength: number): Uint8Array {
  const aad = new Uint8Array(13);
  aad.set(sequenceBytes(seq), 0);
  aad[8] = type;
  aad[9] = version >>> 8;
  aad[10] = version & 0xff;
  aad[11] = plaintextLength >>> 8;
  aad[12] = plaintextLength & 0xff;
  return aad;
}

/**
 * The AEAD nonce. AES-GCM (RFC 5288 §3): `salt(4) || nonce_explicit(8)` — the explicit part
 * is chosen by the sender and travels in the record; we send the sequence number ("the
 * nonce_explicit MAY be the 64-bit sequence number"). ChaCha20-Poly1305 (RFC 7905 §2): "The
 * 64-bit record sequence number is serialized as an 8-byte, big-endian value and padded on
 * the left with four 0x00 bytes. The padded sequence number is XORed with the
 * client_write_IV ... or server_write_IV".
 */
export function tls12Nonce(keys: Tls12Keys, seq: bigint, explicit: Uint8Array | null): Uint8Array {
  if (keys.aead.name === 'chacha20poly1305') return recordNonce(keys.iv, seq);
  if (explicit === null || explicit.length !== 8) throw new RangeError('AES-GCM needs an 8-byte explicit nonce');
  const nonce = new Uint8Array(12);
  nonce.set(keys.iv.subarray(0, 4), 0);
  nonce.set(explicit, 4);
  return nonce;
}

function checkKeys(keys: Tls12Keys): void {
  if (keys.key.length !== keys.aead.keyLength) throw new RangeError(`${keys.aead.name}: key must be ${keys.aead.keyLength} bytes`);
  if (keys.iv.length !== tls12FixedIvLength(keys.aead)) {
    throw new RangeError(`${keys.aead.name}: the TLS 1.2 fixed IV must be ${tls12FixedIvLength(keys.aead)} bytes`);
  }
}

/** Protects one TLS 1.2 record; returns the whole TLSCiphertext (header included). */
export function protectRecord12(keys: Tls12Keys, seq: bigint, contentType: number, content: Uint8Array): Uint8Array {
  checkKeys(keys);
  if (!isRecordContentType(contentType)) throw new RangeError(`protectRecord12: bad content type ${contentType}`);
  if (content.length > MAX_PLAINTEXT_LENGTH) throw new RangeError(`protectRecord12: ${content.length} bytes exceed 2^14`);
  const explicitLength = explicitNonceLength(keys.aead);
  const explicit = explicitLength === 0 ? null : sequenceBytes(seq);
  const aad = tls12AdditionalData(seq, contentType, TLS12_RECORD_VERSION, content.length);
  const sealed = keys.aead.seal(keys.key, tls12Nonce(keys, seq, explicit), aad, content);
  const length = explicitLength + sealed.length;
  const out = new Uint8Array(RECORD_HEADER_LENGTH + length);
  out.set(encodeRecordHeader(contentType, TLS12_RECORD_VERSION, length), 0);
  if (explicit !== null) out.set(explicit, RECORD_HEADER_LENGTH);
  out.set(sealed, RECORD_HEADER_LENGTH + explicitLength);
  return out;
}

/** What comes out of a TLS 1.2 protected record. */
export interface Unprotected12 {
  readonly contentType: number;
  readonly content: Uint8Array;
}

/**
 * Opens one TLS 1.2 TLSCiphertext given as its whole wire form. Every authentication failure,
 * a fragment too short to hold the explicit nonce and tag included, is bad_record_mac with
 * the one fixed message (RFC 5246 §6.2.3.3: "If the decryption fails, a fatal
 * bad_record_mac alert MUST be generated"). A fragment over 2^14 + 2048 is record_overflow
 * (§6.2.3), and so is a plaintext over 2^14 (§6.2.1: "The length MUST NOT exceed 2^14").
 */
export function unprotectRecord12(keys: Tls12Keys, seq: bigint, wire: Uint8Array): Unprotected12 {
  checkKeys(keys);
  if (wire.length < RECORD_HEADER_LENGTH) throw new RangeError('unprotectRecord12: shorter than a record header');
  const type = wire[0]!;
  const version = (wire[1]! << 8) | wire[2]!;
  const body = wire.subarray(RECORD_HEADER_LENGTH);
  if (body.length > TLS12_MAX_CIPHERTEXT_LENGTH) throw new TlsError('record_overflow', `TLSCiphertext of ${body.length} bytes exceeds 2^14 + 2048`);
  const explicitLength = explicitNonceLength(keys.aead);
  const plaintextLength = body.length - explicitLength - keys.aead.tagLength;
  if (plaintextLength < 0) throw badRecordMac();
  const explicit = explicitLength === 0 ? null : body.subarray(0, explicitLength);
  const aad = tls12AdditionalData(seq, type, version, plaintextLength);
  const content = keys.aead.open(keys.key, tls12Nonce(keys, seq, explicit), aad, body.subarray(explicitLength));
  if (content === null) throw badRecordMac();
  if (content.length > MAX_PLAINTEXT_LENGTH) throw new TlsError('record_overflow', `TLSPlaintext of ${content.length} bytes exceeds 2^14`);
  return { contentType: type, content };
}
