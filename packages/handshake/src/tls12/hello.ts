/**
 * The TLS 1.2 hello extensions (RFC 5246 §7.4.1.4): extended_master_secret (RFC 7627 §5.1),
 * renegotiation_info (RFC 5746 §3.2), ec_point_formats (RFC 8422 §5.1.2), and the
 * downgrade sentinels of RFC 8446 §4.1.3.
 */
import { bytesEqual, fromHex, Reader } from '@tls13sim/record';
import { NamedGroup, SignatureScheme, TLS12 } from '../constants.js';
import { encodeHandshake } from '../messages/handshake.js';
import type { ClientHello, ClientHelloExtension, UnknownExtension } from '../messages/types.js';
import { fail } from '../endpoint/errors.js';
import type { Env12 } from './step.js';
import { clientTicketOffer } from './resume.js';
import type { Tls12Session } from './state.js';

/** RFC 7627 §5.1 extension type 23; RFC 5746 §3.2 0xff01; RFC 8422 §5.1.2 11; RFC 5746 §3.3 SCSV. */
export const EXT_EXTENDED_MASTER_SECRET = 23;
export const EXT_RENEGOTIATION_INFO = 0xff01;
export const EXT_EC_POINT_FORMATS = 11;
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** RFC 7627 §5.1: "The "extension_data" field of this extension is empty." */
export const emsExtension: UnknownExtension = { type: 'unknown', code: EXT_EXTENDED_MASTER_SECRET, data: new Uint8Array(0) };
/** RFC 5746 §3.4: an initial handshake sends renegotiated_connection empty: `opaque renegotiated_connection<0..255>` = 00. */
export const renegotiationInfoExtension: UnknownExtension = { type: 'unknown', code: EXT_RENEGOTIATION_INFO, data: new Uint8Array([0]) };
/** RFC 8422 §5.1.2: `ECPointFormat ec_point_format_list<1..2^8-1>` with uncompressed (0) only. */
export const ecPointFormatsExtension: UnknownExtension = { type: 'unknown', code: EXT_EC_POINT_FORMATS, data: new Uint8Array([1, 0]) };

/**
 * RFC 8446 §4.1.3: "If negotiating TLS 1.2, TLS 1.3 servers MUST set the last 8 bytes of their
 * Random value to the bytes: 44 4F 57 4E 47 52 44 01".
 */
export const DOWNGRADE_TLS12 = fromHex('444f574e47524401');
/** "If negotiating TLS 1.1 or below ...: 44 4F 57 4E 47 52 44 00". */
export const DOWNGRADE_TLS11 = fromHex('444f574e47524400');

export function hasDowngradeSentinel(random: Uint8Array): 'tls12' | 'tls11' | null {
  const tail = random.subarray(24, 32);
  return bytesEqual(tail, DOWNGRADE_TLS12) ? 'tls12' : bytesEqual(tail, DOWNGRADE_TLS11) ? 'tls11' : null;
}

/** The TLS 1.2 part of a ClientHello's extensions: what a 1.2 server needs besides the 1.3 ones. */
export function tls12ClientExtensions(): ClientHelloExtension[] {
  return [ecPointFormatsExtension, emsExtension, renegotiationInfoExtension];
}

/** The signature schemes a TLS 1.2 ClientHello or CertificateRequest lists: ours, less those 1.2 cannot use (RFC 8422 §5.1.3: ed25519 and ed448 are allowed). */
export function tls12SchemeCodes(env: Env12): number[] {
  return env.config.schemes.map((s) => SignatureScheme[s]);
}

/** A TLS 1.2-only ClientHello (RFC 5246 §7.4.1.2 with RFC 8422 §5.1, RFC 7627, RFC 5746). */
export function buildTls12ClientHello(
  env: Env12,
  random: Uint8Array,
): { hello: ClientHello; raw: Uint8Array; sessionId: Uint8Array; session: Tls12Session | null; ticketExt: boolean } {
  const c = env.config;
  const offer = clientTicketOffer(env);
  const extensions: ClientHelloExtension[] = [];
  if (c.serverName !== null) extensions.push({ type: 'server_name', serverNames: [{ nameType: 0, hostName: c.serverName }] });
  extensions.push({ type: 'supported_groups', groups: env.groups12.map((g) => NamedGroup[g as keyof typeof NamedGroup]) });
  extensions.push({ type: 'signature_algorithms', schemes: tls12SchemeCodes(env) });
  if (c.alpn.length > 0) extensions.push({ type: 'application_layer_protocol_negotiation', protocols: c.alpn });
  if (offer.ext !== null) extensions.push({ type: 'unknown', ...offer.ext });
  extensions.push(...tls12ClientExtensions());
  const hello: ClientHello = {
    type: 'client_hello',
    legacyVersion: TLS12,
    random,
    legacySessionId: offer.sessionId,
    cipherSuites: env.suites12.map((s) => s.code),
    legacyCompressionMethods: new Uint8Array([0]),
    extensions,
  };
  const final = c.hooks.clientHello ? c.hooks.clientHello(hello) : hello;
  return { hello: final, raw: encodeHandshake(final), sessionId: final.legacySessionId, session: offer.session, ticketExt: offer.ext !== null };
}

/** RFC 5746 §3.4 / §3.6: renegotiation_info in an initial handshake must carry an empty renegotiated_connection. */
export function checkEmptyRenegotiationInfo(data: Uint8Array): void {
  if (data.length !== 1 || data[0] !== 0) fail('no_common_parameters', 'renegotiation_info is not empty in an initial handshake (RFC 5746 §3.4)');
}

/** RFC 7301 §3.1: the server's ALPN extension names exactly one protocol. */
export function decodeServerAlpn(data: Uint8Array): string {
  const r = new Reader(data);
  const list = r.vec16().list((x) => new TextDecoder('latin1').decode(x.opaque8()));
  r.end('ALPN');
  if (list.length !== 1) fail('decode', `the server's ALPN extension lists ${list.length} protocols, not one`);
  return list[0]!;
}

/** RFC 8422 §5.1.2: an ec_point_formats list must include uncompressed (0). */
export function checkPointFormats(data: Uint8Array): void {
  const r = new Reader(data);
  const formats = r.opaque8();
  r.end('ec_point_formats');
  if (!formats.includes(0)) fail('illegal_parameter', 'ec_point_formats does not include uncompressed (RFC 8422 §5.1.2)');
}
