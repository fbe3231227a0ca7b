/**
 * Wire enums of RFC 8446 as open numbers with name tables (§4, §4.2, §B.3). Unknown values
 * survive decoding; `nameOf` renders them as `unknown_<n>` (or `grease_<hex>` per RFC 8701).
 */

export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;
export type HandshakeTypeName = keyof typeof HandshakeType;

/** §B.4 cipher suites. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
} as const;
export type CipherSuiteName = keyof typeof CipherSuite;

/** §4.2.7 NamedGroup, plus X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem, codepoint 0x11EC). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  X25519MLKEM768: 0x11ec,
} as const;
export type NamedGroupName = keyof typeof NamedGroup;

/** §4.2.3 SignatureScheme. */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;
export type SignatureSchemeName = keyof typeof SignatureScheme;

/** §4.2 ExtensionType, plus record_size_limit (RFC 8449). */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  record_size_limit: 28,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;
export type ExtensionTypeName = keyof typeof ExtensionType;

export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

export const KeyUpdateRequest = { update_not_requested: 0, update_requested: 1 } as const;

export const TLS13 = 0x0304;
export const TLS12 = 0x0303;

/** RFC 8701 GREASE values: 0x?A?A for two-byte code points. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

function reverse<T extends Record<string, number>>(t: T): Map<number, keyof T & string> {
  return new Map(Object.entries(t).map(([k, v]) => [v, k as keyof T & string]));
}
const tables = {
  handshake: reverse(HandshakeType),
  suite: reverse(CipherSuite),
  group: reverse(NamedGroup),
  scheme: reverse(SignatureScheme),
  extension: reverse(ExtensionType),
};

/** The RFC name of a wire value, `grease_0x?a?a`, or `unknown_<n>`. */
export function nameOf(table: keyof typeof tables, v: number): string {
  const n = tables[table].get(v);
  if (n !== undefined) return n;
  if (table !== 'handshake' && isGrease(v)) return `grease_0x${v.toString(16)}`;
  return `unknown_${v}`;
}
