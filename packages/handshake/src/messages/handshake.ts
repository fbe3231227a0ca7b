/**
 * The handshake header and dispatch on msg_type (RFC 8446 §4):
 *   struct {
 *       HandshakeType msg_type;    /* handshake type *\/
 *       uint24 length;             /* remaining bytes in message *\/
 *       select (Handshake.msg_type) { ... };
 *   } Handshake;
 */
import { DecodeError, Reader, Writer, bytesEqual, concatBytes } from '@tls13sim/record';
import { HandshakeType, nameOf } from '../constants.js';
import { readCertificate, readCertificateVerify, readFinished, writeCertificate, writeCertificateVerify, writeFinished } from './authentication.js';
import { readClientHello, readServerHello, writeClientHello, writeServerHello } from './hello.js';
import {
  readEndOfEarlyData,
  readKeyUpdate,
  readMessageHash,
  readNewSessionTicket,
  writeKeyUpdate,
  writeMessageHash,
  writeNewSessionTicket,
} from './post-handshake.js';
import { readCertificateRequest, readEncryptedExtensions, writeCertificateRequest, writeEncryptedExtensions } from './server-parameters.js';
import type { DecodeContext, Decoded, HandshakeFrame, HandshakeMessage } from './types.js';
import { fail } from '../endpoint/errors.js';

const HT = HandshakeType;
const HEADER = 4;

/** The msg_type on the wire; a HelloRetryRequest is a server_hello (§4.1.4). */
export function wireType(msg: HandshakeMessage): number {
  return msg.type === 'hello_retry_request' ? HT.server_hello : HT[msg.type];
}

/** The body of a message, without the 4-byte header. */
export function encodeHandshakeBody(msg: HandshakeMessage): Uint8Array {
  const w = new Writer();
  writeBody(w, msg);
  return w.finish();
}

function writeBody(w: Writer, msg: HandshakeMessage): void {
  switch (msg.type) {
    case 'client_hello':
      writeClientHello(w, msg);
      break;
    case 'server_hello':
    case 'hello_retry_request':
      writeServerHello(w, msg);
      break;
    case 'encrypted_extensions':
      writeEncryptedExtensions(w, msg);
      break;
    case 'certificate_request':
      writeCertificateRequest(w, msg);
      break;
    case 'certificate':
      writeCertificate(w, msg);
      break;
    case 'certificate_verify':
      writeCertificateVerify(w, msg);
      break;
    case 'finished':
      writeFinished(w, msg);
      break;
    case 'new_session_ticket':
      writeNewSessionTicket(w, msg);
      break;
    case 'end_of_early_data':
      break;
    case 'key_update':
      writeKeyUpdate(w, msg);
      break;
    case 'message_hash':
      writeMessageHash(w, msg);
      break;
    default:
      return assertNever(msg);
  }
}

/** The whole message: msg_type, uint24 length, body, written in one pass. */
export function encodeHandshake(msg: HandshakeMessage): Uint8Array {
  const w = new Writer();
  writeHandshake(w, msg);
  return w.finish();
}

/** Writes one whole handshake message (msg_type, uint24 length, body) to `w`. */
export function writeHandshake(w: Writer, msg: HandshakeMessage): void {
  w.u8(wireType(msg)).vec24((body) => writeBody(body, msg));
}

/**
 * Decodes one body of the given msg_type. The result carries `raw` (header + body) for
 * the transcript: `raw` when the caller passes the whole message it framed (taken over,
 * not copied), else header and body joined. An unknown msg_type is unexpected_message
 * (§6.2: "An inappropriate message (e.g., the wrong handshake message, premature
 * Application Data, etc.) was received").
 */
export function decodeHandshake(msgType: number, body: Uint8Array, ctx: DecodeContext = {}, raw?: Uint8Array): Decoded {
  if (body.length > 0xffffff) throw new DecodeError(`handshake body of ${body.length} bytes exceeds uint24`);
  const r = new Reader(body);
  const msg = decodeBody(msgType, r, ctx);
  if (!r.atEnd) r.end(nameOf('handshake', msgType));
  // The decoder's fresh object gains `raw` (no copy of every field into another object).
  const decoded = msg as HandshakeMessage & { raw: Uint8Array };
  decoded.raw = raw !== undefined && isWholeMessage(raw, msgType, body) ? raw : withHeader(msgType, body);
  return decoded;
}

/** `raw` is msg_type, the uint24 length and `body` (a caller's whole message, e.g. the reassembler's frame). */
function isWholeMessage(raw: Uint8Array, msgType: number, body: Uint8Array): boolean {
  const n = body.length;
  if (raw.length !== n + 4 || raw[0] !== msgType || raw[1] !== n >>> 16 || raw[2] !== ((n >>> 8) & 0xff) || raw[3] !== (n & 0xff)) return false;
  // The body is raw's tail (the frame's own view), or equal to it.
  return (raw.buffer === body.buffer && raw.byteOffset + 4 === body.byteOffset) || bytesEqual(raw.subarray(4), body);
}

function withHeader(msgType: number, body: Uint8Array): Uint8Array {
  const header = new Uint8Array([msgType, body.length >>> 16, (body.length >>> 8) & 0xff, body.length & 0xff]);
  return concatBytes(header, body);
}

/** Each reader returns a fresh object: decodeHandshake adds `raw` to it. */
function decodeBody(msgType: number, r: Reader, ctx: DecodeContext): HandshakeMessage {
  switch (msgType) {
    case HT.client_hello:
      return readClientHello(r);
    case HT.server_hello:
      return readServerHello(r);
    case HT.encrypted_extensions:
      return readEncryptedExtensions(r);
    case HT.certificate_request:
      return readCertificateRequest(r);
    case HT.certificate:
      return readCertificate(r);
    case HT.certificate_verify:
      return readCertificateVerify(r);
    case HT.finished:
      return readFinished(r, ctx.hashLength);
    case HT.new_session_ticket:
      return readNewSessionTicket(r);
    case HT.end_of_early_data:
      return readEndOfEarlyData(r);
    case HT.key_update:
      return readKeyUpdate(r);
    case HT.message_hash:
      if (ctx.hashLength !== undefined && r.remaining !== ctx.hashLength) {
        throw new DecodeError(`message_hash of ${r.remaining} bytes, expected ${ctx.hashLength}`);
      }
      return readMessageHash(r);
    default:
      fail('unexpected_message', `unknown handshake type ${msgType}`);
  }
}

/**
 * Frames one handshake message at `offset` of a reassembly buffer. Returns undefined when
 * the buffer does not yet hold the whole message (the caller waits for more records).
 */
export function readHandshakeFrame(buf: Uint8Array, offset = 0): HandshakeFrame | undefined {
  if (buf.length - offset < HEADER) return undefined;
  const msgType = buf[offset]!;
  const length = (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!;
  const end = offset + HEADER + length;
  if (buf.length < end) return undefined;
  return { msgType, body: buf.slice(offset + HEADER, end), raw: buf.slice(offset, end), end };
}

/** Exactly one message, header included; a short or over-long buffer is a decode_error. */
export function decodeHandshakeMessage(bytes: Uint8Array, ctx: DecodeContext = {}): Decoded {
  const frame = readHandshakeFrame(bytes);
  if (frame === undefined) throw new DecodeError(`truncated handshake message (${bytes.length} bytes)`);
  if (frame.end !== bytes.length) throw new DecodeError(`${bytes.length - frame.end} trailing bytes after handshake message`);
  return decodeHandshake(frame.msgType, frame.body, ctx, frame.raw);
}

function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
