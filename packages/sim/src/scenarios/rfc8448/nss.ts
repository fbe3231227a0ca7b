/**
 * What RFC 8448's implementation (NSS) sends that tls13sim would not choose itself, as
 * message hooks (EndpointConfig.hooks), for the rfc8448-* scenarios and for
 * test/rfc8448-endpoint.test.ts and test/rfc8448-resumed.test.ts, which check they
 * reproduce the RFC byte for byte: extension order; renegotiation_info (RFC 5746) and
 * session_ticket (RFC 5077) as unknown extensions; supported_groups with ffdhe codes;
 * signature_algorithms with SHA-1 and DSA codes; RFC 7685 padding of a ClientHello of
 * 256–511 bytes to 512; the EncryptedExtensions contents; the HelloRetryRequest's opaque
 * cookie; the §3 NewSessionTicket's 2-byte nonce; and what only §4 has: early_data after
 * key_share, padding before pre_shared_key (which RFC 8446 §4.2.11 requires last),
 * pre_shared_key first in the ServerHello, early_data last in EncryptedExtensions.
 */
import {
  encodeHandshake,
  type CertificateRequest,
  type CertificateVerify,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type HelloRetryRequest,
  type ServerHello,
} from '@tls13sim/handshake';

/** RFC 5746 renegotiation_info with an empty renegotiated_connection. */
const RENEGOTIATION_INFO: ClientHelloExtension = { type: 'unknown', code: 0xff01, data: new Uint8Array([0]) };
/** RFC 5077 session_ticket, empty (§3 only). */
const SESSION_TICKET: ClientHelloExtension = { type: 'unknown', code: 0x0023, data: new Uint8Array(0) };
/** x25519, secp256r1, secp384r1, secp521r1, ffdhe2048 … ffdhe8192 (RFC 8446 §4.2.7). */
export const NSS_GROUPS: readonly number[] = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
/** ECDSA, ecdsa_sha1, RSA-PSS, PKCS#1 (SHA-1 included), then the TLS 1.2 DSA codes. */
const NSS_SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

/** The extension of `type` the endpoint built (hooks reorder what tls13sim built, they do not rebuild it). */
export function own<T extends { type: string }, K extends T['type']>(list: readonly T[], type: K): Extract<T, { type: K }> {
  const e = list.find((x) => x.type === type);
  if (e === undefined) throw new Error(`the endpoint built no ${type} extension`);
  return e as Extract<T, { type: K }>;
}

/** NSS's ClientHello, around the values tls13sim built (key_share, server_name, cookie, …). */
export function nssClientHello(opts: { groups: readonly number[] | null; sessionTicket: boolean }): (ch: ClientHello) => ClientHello {
  return (ch) => {
    const built = ch.extensions;
    const cookie = built.find((e) => e.type === 'cookie');
    const extensions: ClientHelloExtension[] = [
      own(built, 'server_name'),
      RENEGOTIATION_INFO,
      opts.groups === null ? own(built, 'supported_groups') : { type: 'supported_groups', groups: opts.groups },
      ...(opts.sessionTicket ? [SESSION_TICKET] : []),
      own(built, 'key_share'),
      own(built, 'supported_versions'),
      { type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS },
      ...(cookie !== undefined ? [cookie] : []),
      own(built, 'psk_key_exchange_modes'),
      own(built, 'record_size_limit'),
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
  return (ee) => ({ ...ee, extensions: [{ type: 'supported_groups', groups }, own(ee.extensions, 'record_size_limit'), own(ee.extensions, 'server_name')] });
}

/** NSS's HelloRetryRequest: key_share, its cookie (opaque server state), supported_versions. */
export function nssHelloRetryRequest(cookie: Uint8Array): (hrr: HelloRetryRequest) => HelloRetryRequest {
  return (hrr) => ({ ...hrr, extensions: [own(hrr.extensions, 'key_share'), { type: 'cookie', cookie }, own(hrr.extensions, 'supported_versions')] });
}

export const nssCertificateRequest = (cr: CertificateRequest): CertificateRequest => ({
  ...cr,
  extensions: [{ type: 'signature_algorithms', schemes: NSS_SIGNATURE_ALGORITHMS }],
});

/** Puts the RFC's signature in place of a stand-in key's (§6 publishes neither private key). */
export const rfcSignature =
  (signature: Uint8Array) =>
  (cv: CertificateVerify): CertificateVerify => ({ ...cv, signature });

/** The §3 NewSessionTicket's ticket_nonce: 00 00 for the first ticket. */
export const nssTicketNonce = (i: number): Uint8Array => new Uint8Array([0, i]);

/**
 * NSS's §4 ClientHello: its §3-style order with early_data after key_share, padded to 512
 * bytes, pre_shared_key last. The hook sees the ClientHello with a zero binder of the right
 * length; the client computes the binder over what the hook returns.
 */
export function nssResumedClientHello(ch: ClientHello): ClientHello {
  const base = nssClientHello({ groups: NSS_GROUPS, sessionTicket: false })(ch).extensions.filter((e) => e.type !== 'padding');
  const at = base.findIndex((e) => e.type === 'key_share') + 1;
  const head: ClientHelloExtension[] = [...base.slice(0, at), own(ch.extensions, 'early_data'), ...base.slice(at)];
  const psk = own(ch.extensions, 'pre_shared_key');
  const unpadded: ClientHello = { ...ch, extensions: [...head, psk] };
  const length = encodeHandshake(unpadded).length;
  if (length < 256 || length >= 512) return unpadded;
  // RFC 7685 §3: 4 bytes of extension header, the rest zeros.
  return { ...unpadded, extensions: [...head, { type: 'padding', data: new Uint8Array(512 - length - 4) }, psk] };
}

/** NSS's ServerHello in §4: pre_shared_key, key_share, supported_versions. */
export const nssServerHello = (sh: ServerHello): ServerHello => ({
  ...sh,
  extensions: [own(sh.extensions, 'pre_shared_key'), own(sh.extensions, 'key_share'), own(sh.extensions, 'supported_versions')],
});

/** NSS's §4 EncryptedExtensions: as in §3, then early_data (0-RTT accepted). */
export const nssResumedEncryptedExtensions = (ee: EncryptedExtensions): EncryptedExtensions => {
  const base = nssEncryptedExtensions(NSS_GROUPS)(ee);
  return { ...base, extensions: [...base.extensions, ...ee.extensions.filter((e) => e.type === 'early_data')] };
};
