/**
 * TLS 1.2 handshake messages (RFC 5246 §7.4, RFC 8422 §5.4 and §5.7) that differ from TLS
 * 1.3's. ClientHello keeps the 1.3 codec (the structure is the same, RFC 8446 §4.1.2);
 * CertificateVerify's body is the same `digitally-signed` pair of algorithm and signature.
 */
import { bounds, DecodeError, Reader, Writer } from '@tls13sim/record';
import { fail } from '../endpoint/errors.js';
import { decodeHandshake } from '../messages/handshake.js';
import type { ClientHello } from '../messages/types.js';

/** RFC 5246 §7.4 HandshakeType values TLS 1.2 uses (RFC 5077 §3.3 new_session_ticket). */
export const Tls12HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;
export type Tls12HandshakeTypeName = keyof typeof Tls12HandshakeType;
const typeNames = new Map<number, string>(Object.entries(Tls12HandshakeType).map(([k, v]) => [v, k]));

/** The trace name of a TLS 1.2 handshake type. */
export function tls12MessageName(type: number): string {
  return typeNames.get(type) ?? `unknown_${type}`;
}

/** An extension as bytes (RFC 5246 §7.4.1.4). */
export interface RawExtension {
  readonly code: number;
  readonly data: Uint8Array;
}

/** RFC 5246 §7.4.1.3 ServerHello; extensions absent and empty are both an empty list. */
export interface ServerHello12 {
  readonly type: 'server_hello';
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compression: number;
  readonly extensions: readonly RawExtension[];
}

/** RFC 8422 §5.4: ServerECDHParams (named_curve) and its digitally-signed signature. */
export interface ServerKeyExchange12 {
  readonly type: 'server_key_exchange';
  readonly namedCurve: number;
  readonly publicKey: Uint8Array;
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

/** RFC 5246 §7.4.4 CertificateRequest. */
export interface CertificateRequest12 {
  readonly type: 'certificate_request';
  readonly certificateTypes: Uint8Array;
  readonly schemes: readonly number[];
  readonly authorities: readonly Uint8Array[];
}

/** RFC 5246 §7.4.2 Certificate: `ASN.1Cert certificate_list<0..2^24-1>;` */
export interface Certificate12 {
  readonly type: 'certificate';
  readonly chain: readonly Uint8Array[];
}

export interface ServerHelloDone12 {
  readonly type: 'server_hello_done';
}

/** RFC 8422 §5.7 ClientECDiffieHellmanPublic: `ECPoint ecdh_Yc;` (`opaque point <1..2^8-1>`). */
export interface ClientKeyExchange12 {
  readonly type: 'client_key_exchange';
  readonly publicKey: Uint8Array;
}

/** RFC 5246 §7.4.8: a digitally-signed struct: algorithm and signature. */
export interface CertificateVerify12 {
  readonly type: 'certificate_verify';
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

export interface Finished12 {
  readonly type: 'finished';
  readonly verifyData: Uint8Array;
}

export interface HelloRequest12 {
  readonly type: 'hello_request';
}

/** RFC 5077 §3.3 NewSessionTicket. */
export interface NewSessionTicket12 {
  readonly type: 'new_session_ticket';
  readonly lifetimeHint: number;
  readonly ticket: Uint8Array;
}

export type Tls12Message =
  | ClientHello
  | ServerHello12
  | ServerKeyExchange12
  | CertificateRequest12
  | Certificate12
  | ServerHelloDone12
  | ClientKeyExchange12
  | CertificateVerify12
  | Finished12
  | HelloRequest12
  | NewSessionTicket12;

export type Decoded12 = Tls12Message & { readonly raw: Uint8Array };

/** RFC 8422 §5.4 ECCurveType named_curve. */
export const NAMED_CURVE = 3;

function frame(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** The signed ServerECDHParams (RFC 8422 §5.4): curve_type, namedcurve, public. */
export function encodeEcdhParams(namedCurve: number, publicKey: Uint8Array): Uint8Array {
  return new Writer().u8(NAMED_CURVE).u16(namedCurve).opaque8(publicKey, bounds(1, 255)).finish();
}

function writeBody(w: Writer, m: Exclude<Tls12Message, ClientHello>): void {
  switch (m.type) {
    case 'server_hello':
      w.u16(m.version).bytes(m.random).opaque8(m.sessionId, bounds(0, 32)).u16(m.cipherSuite).u8(m.compression);
      if (m.extensions.length > 0) w.vec16((l) => m.extensions.forEach((e) => l.u16(e.code).opaque16(e.data)));
      return;
    case 'server_key_exchange':
      w.bytes(encodeEcdhParams(m.namedCurve, m.publicKey)).u16(m.algorithm).opaque16(m.signature);
      return;
    case 'certificate_request':
      w.opaque8(m.certificateTypes, bounds(1, 255));
      w.vec16((l) => m.schemes.forEach((s) => l.u16(s)), bounds(2, 0xfffe));
      w.vec16((l) => m.authorities.forEach((a) => l.opaque16(a, bounds(1, 0xffff))));
      return;
    case 'certificate':
      w.vec24((l) => m.chain.forEach((c) => l.opaque24(c, bounds(1, 0xffffff))));
      return;
    case 'client_key_exchange':
      w.opaque8(m.publicKey, bounds(1, 255));
      return;
    case 'certificate_verify':
      w.u16(m.algorithm).opaque16(m.signature);
      return;
    case 'finished':
      w.bytes(m.verifyData);
      return;
    case 'new_session_ticket':
      w.u32(m.lifetimeHint).opaque16(m.ticket);
      return;
    case 'server_hello_done':
    case 'hello_request':
      return;
  }
}

/** A whole handshake message (header included) for the transcript and the wire. */
export function encodeTls12(m: Exclude<Tls12Message, ClientHello>): Uint8Array {
  const w = new Writer();
  writeBody(w, m);
  return frame(Tls12HandshakeType[m.type], w.finish());
}

function readServerHello(r: Reader): ServerHello12 {
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.opaque8(bounds(0, 32));
  const cipherSuite = r.u16();
  const compression = r.u8();
  const extensions: RawExtension[] = [];
  // RFC 5246 §7.4.1.3: the extensions field may be absent altogether.
  if (!r.atEnd) extensions.push(...r.vec16().list((x) => ({ code: x.u16(), data: x.opaque16() })));
  const seen = new Set<number>();
  for (const e of extensions) {
    // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the same type."
    if (seen.has(e.code)) throw new DecodeError(`duplicate extension ${e.code} in ServerHello`);
    seen.add(e.code);
  }
  return { type: 'server_hello', version, random, sessionId, cipherSuite, compression, extensions };
}

function readBody(type: number, r: Reader): Exclude<Tls12Message, ClientHello> {
  switch (type) {
    case Tls12HandshakeType.server_hello:
      return readServerHello(r);
    case Tls12HandshakeType.server_key_exchange: {
      const curveType = r.u8();
      // RFC 8422 §5.4: only named_curve is in use; explicit curves are deprecated.
      if (curveType !== NAMED_CURVE) fail('illegal_parameter', `ServerKeyExchange curve_type ${curveType} is not named_curve`);
      return { type: 'server_key_exchange', namedCurve: r.u16(), publicKey: r.opaque8(bounds(1, 255)), algorithm: r.u16(), signature: r.opaque16() };
    }
    case Tls12HandshakeType.certificate_request:
      return {
        type: 'certificate_request',
        certificateTypes: r.opaque8(bounds(1, 255)),
        schemes: r.vec16(bounds(2, 0xfffe)).list((x) => x.u16()),
        authorities: r.vec16().list((x) => x.opaque16(bounds(1, 0xffff))),
      };
    case Tls12HandshakeType.certificate:
      return { type: 'certificate', chain: r.vec24().list((x) => x.opaque24(bounds(1, 0xffffff))) };
    case Tls12HandshakeType.server_hello_done:
      return { type: 'server_hello_done' };
    case Tls12HandshakeType.hello_request:
      return { type: 'hello_request' };
    case Tls12HandshakeType.client_key_exchange:
      return { type: 'client_key_exchange', publicKey: r.opaque8(bounds(1, 255)) };
    case Tls12HandshakeType.certificate_verify:
      return { type: 'certificate_verify', algorithm: r.u16(), signature: r.opaque16() };
    case Tls12HandshakeType.finished:
      return { type: 'finished', verifyData: r.rest() };
    case Tls12HandshakeType.new_session_ticket:
      return { type: 'new_session_ticket', lifetimeHint: r.u32(), ticket: r.opaque16() };
    default:
      // RFC 5246 §7.2.2 unexpected_message: "An inappropriate message was received."
      return fail('unexpected_message', `handshake message of unknown type ${type}`);
  }
}

/** Decodes one TLS 1.2 handshake message; malformed bodies are decode_error (RFC 5246 §7.2.2). */
export function decodeTls12(type: number, body: Uint8Array, raw: Uint8Array): Decoded12 {
  if (type === Tls12HandshakeType.client_hello) return decodeHandshake(type, body, {}, raw) as ClientHello & { raw: Uint8Array };
  const r = new Reader(body);
  const msg = readBody(type, r);
  r.end(tls12MessageName(type));
  return { ...msg, raw };
}
