/**
 * ClientHello, ServerHello and HelloRetryRequest bodies (RFC 8446 §4.1.2–§4.1.4).
 */
import { Reader, type Writer, bounds, bytesEqual, fromHex } from '@tls13sim/record';
import { ExtensionType } from '../constants.js';
import { readExtensionList, readOpaqueExtensionList, writeExtensions } from './extensions.js';
import type { ClientHello, ClientHelloExtension, HelloRetryRequest, HelloRetryRequestExtension, ServerHello, ServerHelloExtension } from './types.js';

/**
 * §4.1.3: "For reasons of backward compatibility with middleboxes ... the
 * HelloRetryRequest message uses the same structure as the ServerHello, but with Random
 * set to the special value of the SHA-256 of "HelloRetryRequest":
 *   CF 21 AD 74 E5 9A 61 11 BE 1D 8C 02 1E 65 B8 91
 *   C2 A2 11 16 7A BB 8C 5E 07 9E 09 E2 C8 A8 33 9C"
 */
export const HRR_RANDOM: Uint8Array = fromHex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');

// §4.1.2 ClientHello (see types.ts for the struct).
const CH_EXTENSIONS = bounds(8, 0xffff); // Extension extensions<8..2^16-1>;
const SESSION_ID = bounds(0, 32); //        opaque legacy_session_id<0..32>;
const CIPHER_SUITES = bounds(2, 0xfffe); // CipherSuite cipher_suites<2..2^16-2>;
const COMPRESSION = bounds(1, 255); //      opaque legacy_compression_methods<1..2^8-1>;
// §4.1.3 ServerHello
const SH_EXTENSIONS = bounds(6, 0xffff); // Extension extensions<6..2^16-1>;

export function writeClientHello(w: Writer, m: ClientHello): void {
  w.u16(m.legacyVersion);
  w.bytes(checkRandom(m.random));
  w.opaque8(m.legacySessionId, SESSION_ID);
  w.vec16((l) => {
    for (const s of m.cipherSuites) l.u16(s);
  }, CIPHER_SUITES);
  w.opaque8(m.legacyCompressionMethods, COMPRESSION);
  writeExtensions(w, m.extensions, CH_EXTENSIONS);
}

export function readClientHello(r: Reader): ClientHello {
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const legacySessionId = r.opaque8(SESSION_ID);
  const cipherSuites = r.vec16(CIPHER_SUITES).list((x) => x.u16());
  const legacyCompressionMethods = r.opaque8(COMPRESSION);
  const extensions = readExtensionList('client_hello', r.vec16(CH_EXTENSIONS)) as ClientHelloExtension[];
  r.end('ClientHello');
  return { type: 'client_hello', legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods, extensions };
}

export function writeServerHello(w: Writer, m: ServerHello | HelloRetryRequest): void {
  w.u16(m.legacyVersion);
  w.bytes(m.type === 'hello_retry_request' ? HRR_RANDOM : checkRandom(m.random));
  w.opaque8(m.legacySessionIdEcho, SESSION_ID);
  w.u16(m.cipherSuite);
  w.u8(m.legacyCompressionMethod);
  writeExtensions(w, m.extensions, SH_EXTENSIONS);
}

/** A ServerHello body; a HelloRetryRequest when its random is `HRR_RANDOM` (§4.1.3). */
export function readServerHello(r: Reader): ServerHello | HelloRetryRequest {
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const legacySessionIdEcho = r.opaque8(SESSION_ID);
  const cipherSuite = r.u16();
  const legacyCompressionMethod = r.u8();
  const block = r.opaque16(SH_EXTENSIONS);
  r.end('ServerHello');
  if (bytesEqual(random, HRR_RANDOM)) {
    const extensions = readExtensionList('hello_retry_request', new Reader(block)) as HelloRetryRequestExtension[];
    return { type: 'hello_retry_request', legacyVersion, legacySessionIdEcho, cipherSuite, legacyCompressionMethod, extensions };
  }
  // A ServerHello without supported_versions is a pre-1.3 ServerHello (§4.1.3, §4.2.1): its
  // extensions are not §4.2's, so they are kept opaque and the state machine answers the
  // version with protocol_version instead of the codec answering an extension.
  const extensions = (
    hasSupportedVersions(block) ? readExtensionList('server_hello', new Reader(block)) : readOpaqueExtensionList(new Reader(block))
  ) as ServerHelloExtension[];
  return { type: 'server_hello', legacyVersion, random, legacySessionIdEcho, cipherSuite, legacyCompressionMethod, extensions };
}

function hasSupportedVersions(block: Uint8Array): boolean {
  const codes = new Reader(block).list((x) => {
    const code = x.u16();
    x.opaque16();
    return code;
  });
  return codes.includes(ExtensionType.supported_versions);
}

function checkRandom(random: Uint8Array): Uint8Array {
  if (random.length !== 32) throw new RangeError(`Random must be 32 bytes, got ${random.length}`);
  return random;
}
