/**
 * What an attacker on the path does to a delivery in a scenario (`{ op: 'rewrite' }`): the
 * bytes are rewritten in flight, the endpoints know nothing of it, and the simulation
 * records the rewritten delivery as an `inject` fault so the schedule replays it.
 */
import type { NetDirection } from '../trace.js';

/** The rewrites a scenario can name. */
export type RewriteName = 'strip_supported_versions';

/** RFC 8446 §4.2: supported_versions is extension 43. */
const SUPPORTED_VERSIONS = 43;

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/**
 * A ClientHello record without the extension `code`: the record and handshake lengths and
 * the extensions' length fixed, every other byte as it was. Undefined when the bytes do not
 * start with one whole plaintext handshake record holding a whole ClientHello (RFC 8446
 * §4.1.2 layout: legacy_version, random, legacy_session_id, cipher_suites,
 * legacy_compression_methods, extensions), or the extension is absent.
 */
export function stripClientHelloExtension(bytes: Uint8Array, code: number): Uint8Array | undefined {
  if (bytes.length < 9 || bytes[0] !== 22 || bytes[5] !== 1) return undefined;
  const recordEnd = 5 + u16(bytes, 3);
  const bodyLen = (bytes[6]! << 16) | u16(bytes, 7);
  if (recordEnd > bytes.length || 9 + bodyLen !== recordEnd) return undefined;
  let p = 9 + 2 + 32;
  p += 1 + bytes[p]!; // legacy_session_id
  p += 2 + u16(bytes, p); // cipher_suites
  p += 1 + bytes[p]!; // legacy_compression_methods
  if (p + 2 > recordEnd) return undefined;
  const extStart = p;
  const extEnd = extStart + 2 + u16(bytes, extStart);
  if (extEnd !== recordEnd) return undefined;
  for (let e = extStart + 2; e + 4 <= extEnd; e += 4 + u16(bytes, e + 2)) {
    if (u16(bytes, e) !== code) continue;
    const cut = 4 + u16(bytes, e + 2);
    const out = new Uint8Array(bytes.length - cut);
    out.set(bytes.subarray(0, e));
    out.set(bytes.subarray(e + cut), e);
    const put16 = (at: number, v: number): void => {
      out[at] = v >> 8;
      out[at + 1] = v & 0xff;
    };
    put16(3, u16(bytes, 3) - cut);
    out[6] = (bodyLen - cut) >> 16;
    put16(7, (bodyLen - cut) & 0xffff);
    put16(extStart, u16(bytes, extStart) - cut);
    return out;
  }
  return undefined;
}

/** The rewrite a scenario names, applied to the `nth` delivery in `direction` only. */
export function rewriteFor(
  name: RewriteName,
  direction: NetDirection,
  nth: number,
): (d: NetDirection, bytes: Uint8Array, index: number) => Uint8Array | undefined {
  return (d, bytes, index) => {
    if (d !== direction || index !== nth) return undefined;
    switch (name) {
      case 'strip_supported_versions':
        return stripClientHelloExtension(bytes, SUPPORTED_VERSIONS);
    }
  };
}
