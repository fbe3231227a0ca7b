/**
 * What RFC 8448's implementation (NSS) sends that tls13sim would not choose itself, as
 * message hooks (EndpointConfig.hooks) — the same configuration as
 * test/rfc8448-endpoint.test.ts, which checks it reproduces the RFC byte for byte:
 * extension order; renegotiation_info (RFC 5746) and session_ticket (RFC 5077) as unknown
 * extensions; supported_groups with ffdhe codes; signature_algorithms with SHA-1 and DSA
 * codes; RFC 7685 padding of a ClientHello of 256–511 bytes to 512; the EncryptedExtensions
 * contents; the HelloRetryRequest's opaque cookie.
 */
import {
  encodeHandshake,
  type CertificateRequest,
  type CertificateVerify,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type HelloRetryRequest,
} from '@tls13sim/handshake';

/** RFC 5746 renegotiation_info with an empty renegotiated_connection. */
const RENEGOTIATION_INFO: ClientHelloExtension = { type: 'unknown', code: 0xff01, data: new Uint8Array([0]) };
/** RFC 5077 session_ticket, empty (§3 only). */
const SESSION_TICKET: ClientHelloExtension = { type: 'unknown', code: 0x0023, data: new Uint8Array(0) };
/** x25519, secp256r1, secp384r1, secp521r1, ffdhe2048 … ffdhe8192 (RFC 8446 §4.2.7). */
export const NSS_GROUPS: readonly number[] = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
/** ECDSA, ecdsa_sha1, RSA-PSS, PKCS#1 (SHA-1 included), then the TLS 1.2 DSA codes. */
const NSS_SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

function ext<T extends ClientHelloExtension['type']>(list: readonly ClientHelloExtension[], type: T): Extract<ClientHelloExtension, { type: T }> {
  const e = list.find((x) => x.type === type);
  if (e === undefined) throw new Error(`the endpoint built no ${type} extension`);
  return e as Extract<ClientHelloExtension, { type: T }>;
}

/** NSS's ClientHello, around the values tls13sim built (key_share, server_name, cookie, …). */
export function nssClientHello(opts: { groups: readonly number[] | null; sessionTicket: boolean }): (ch: ClientHello) => ClientHello {
  return (ch) => {
    const own = ch.extensions;
    const cookie = own.find((e) => e.type === 'cookie');
    const extensions: ClientHelloExtension[] = [
      ext(own, 'server_name'),
      RENEGOTIATION_INFO,
      opts.groups === null ? ext(own, 'supported_groups') : { type: 'supported_groups', groups: opts.groups },
      ...(opts.sessionTicket ? [SESSION_TICKET] : []),
      ext(own, 'key_share'),
      ext(own, 'supported_versions'),
      { type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS },
      ...(cookie !== undefined ? [cookie] : []),
      ext(own, 'psk_key_exchange_modes'),
      ext(own, 'record_size_limit'),
    ];
    const unpadded: ClientHello = { ...ch, extensions };
    const length = encodeHandshake(unpadded).length;
    if (length < 256 || length >= 512) return unpadded;
    // RFC 7685 §3: 4 bytes of extension header, the rest zeros.
    return { ...unpadded, extensions: [...extensions, { type: 'padding', data: new Uint8Array(512 - length - 4) }] };
  };
}

/** NSS's EncryptedExtensions: supported_groups (its preference), record_size_limit, server_name. */
export function nssEncryptedExtensions(groups: readonly number[]): (ee: EncryptedExtensions) => EncryptedExtensions {
  return (ee) => {
    const find = <T extends EncryptedExtensions['extensions'][number]['type']>(t: T) => {
      const e = ee.extensions.find((x) => x.type === t);
      if (e === undefined) throw new Error(`the server built no ${t} extension`);
      return e;
    };
    return { ...ee, extensions: [{ type: 'supported_groups', groups }, find('record_size_limit'), find('server_name')] };
  };
}

/** NSS's HelloRetryRequest: key_share, its cookie (opaque server state), supported_versions. */
export function nssHelloRetryRequest(cookie: Uint8Array): (hrr: HelloRetryRequest) => HelloRetryRequest {
  return (hrr) => {
    const find = <T extends HelloRetryRequest['extensions'][number]['type']>(t: T) => {
      const e = hrr.extensions.find((x) => x.type === t);
      if (e === undefined) throw new Error(`the server built no ${t} extension`);
      return e;
    };
    return { ...hrr, extensions: [find('key_share'), { type: 'cookie', cookie }, find('supported_versions')] };
  };
}

export const nssCertificateRequest = (cr: CertificateRequest): CertificateRequest => ({
  ...cr,
  extensions: [{ type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS }],
});

/** Puts the RFC's signature in place of a stand-in key's (§6 publishes neither private key). */
export const rfcSignature = (signature: Uint8Array) => (cv: CertificateVerify): CertificateVerify => ({ ...cv, signature });
