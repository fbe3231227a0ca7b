/**
 * Types of every TLS 1.3 handshake message (RFC 8446 §4, §B.3) and of the extensions they
 * carry (§4.2, §B.3.1), plus the signatures of the codec functions.
 *
 * Conventions:
 * - Messages are a discriminated union on `type`, spelled as RFC 8446 names them
 *   (`client_hello`, …). A HelloRetryRequest is a ServerHello on the wire (msg_type 2)
 *   recognised by its special random (§4.1.3); it decodes as its own `hello_retry_request`.
 * - Extensions are a discriminated union on `type` (the §4.2 ExtensionType name). The same
 *   extension has different bodies in different messages (key_share in CH / SH / HRR, …),
 *   so each message has its own extension union; `findExtension(msg.extensions, 'key_share')`
 *   narrows to the right shape for that message.
 * - Wire enums stay open numbers (unknown suites, groups, GREASE survive decoding).
 * - Extension order is kept as received: re-encoding is byte-exact (transcript, binders).
 * - A decoded message carries `raw`: its exact bytes, handshake header included, for the
 *   transcript hash (§4.4.1). Messages built to be sent have no `raw`.
 */

type Bytes = Uint8Array;

// ---------------------------------------------------------------------------------------
// Extensions (§4.2)
//   struct {
//       ExtensionType extension_type;
//       opaque extension_data<0..2^16-1>;
//   } Extension;
// ---------------------------------------------------------------------------------------

/** RFC 6066 §3: `struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;`
 * `hostName` holds the HostName bytes one char per byte (latin1), so it round-trips exactly. */
export interface ServerName {
  readonly nameType: number;
  readonly hostName: string;
}

/** server_name in ClientHello: `struct { ServerName server_name_list<1..2^16-1> } ServerNameList;` (RFC 6066 §3). */
export interface ServerNameListExtension {
  readonly type: 'server_name';
  readonly serverNames: readonly ServerName[];
}

/** server_name in EncryptedExtensions: "the "extension_data" field of this extension SHALL be empty" (RFC 6066 §3). */
export interface ServerNameAckExtension {
  readonly type: 'server_name';
}

/** §4.2.7 `struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;` (CH, EE). */
export interface SupportedGroupsExtension {
  readonly type: 'supported_groups';
  readonly groups: readonly number[];
}

/** §4.2.3 `struct { SignatureScheme supported_signature_algorithms<2..2^16-2>; } SignatureSchemeList;` */
export interface SignatureAlgorithmsExtension {
  readonly type: 'signature_algorithms';
  readonly schemes: readonly number[];
}

/** §4.2.3 signature_algorithms_cert, same SignatureSchemeList body. */
export interface SignatureAlgorithmsCertExtension {
  readonly type: 'signature_algorithms_cert';
  readonly schemes: readonly number[];
}

/** §4.2.1 in ClientHello: `ProtocolVersion versions<2..254>;` */
export interface SupportedVersionsClientExtension {
  readonly type: 'supported_versions';
  readonly versions: readonly number[];
}

/** §4.2.1 in ServerHello / HelloRetryRequest: `ProtocolVersion selected_version;` */
export interface SupportedVersionsServerExtension {
  readonly type: 'supported_versions';
  readonly selectedVersion: number;
}

/** §4.2.8 `struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;` */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Bytes;
}

/** §4.2.8 `struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;` */
export interface KeyShareClientExtension {
  readonly type: 'key_share';
  readonly clientShares: readonly KeyShareEntry[];
}

/** §4.2.8 `struct { KeyShareEntry server_share; } KeyShareServerHello;` */
export interface KeyShareServerExtension {
  readonly type: 'key_share';
  readonly serverShare: KeyShareEntry;
}

/** §4.2.8 `struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;` */
export interface KeyShareHelloRetryRequestExtension {
  readonly type: 'key_share';
  readonly selectedGroup: number;
}

/** §4.2.2 `struct { opaque cookie<1..2^16-1>; } Cookie;` (CH, HRR). */
export interface CookieExtension {
  readonly type: 'cookie';
  readonly cookie: Bytes;
}

/** §4.2.9 `struct { PskKeyExchangeMode ke_modes<1..255>; } PskKeyExchangeModes;` */
export interface PskKeyExchangeModesExtension {
  readonly type: 'psk_key_exchange_modes';
  readonly modes: readonly number[];
}

/** §4.2.11 `struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;` */
export interface PskIdentity {
  readonly identity: Bytes;
  readonly obfuscatedTicketAge: number;
}

/**
 * §4.2.11 in ClientHello:
 *   opaque PskBinderEntry<32..255>;
 *   struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
 * MUST be the last extension of the ClientHello (checked on decode and encode).
 */
export interface PreSharedKeyClientExtension {
  readonly type: 'pre_shared_key';
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Bytes[];
}

/** §4.2.11 in ServerHello: `uint16 selected_identity;` */
export interface PreSharedKeyServerExtension {
  readonly type: 'pre_shared_key';
  readonly selectedIdentity: number;
}

/** §4.2.10 early_data in ClientHello / EncryptedExtensions: `struct {} Empty;` */
export interface EarlyDataIndicationExtension {
  readonly type: 'early_data';
}

/** §4.2.10 early_data in NewSessionTicket: `uint32 max_early_data_size;` */
export interface EarlyDataTicketExtension {
  readonly type: 'early_data';
  readonly maxEarlyDataSize: number;
}

/** §4.2.6 post_handshake_auth: "The "extension_data" field of the "post_handshake_auth" extension is zero length." */
export interface PostHandshakeAuthExtension {
  readonly type: 'post_handshake_auth';
}

/** RFC 7301 §3.1 `opaque ProtocolName<1..2^8-1>; struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;`
 * Names are held one char per byte (latin1), so any bytes round-trip. In EE: exactly one name. */
export interface AlpnExtension {
  readonly type: 'application_layer_protocol_negotiation';
  readonly protocols: readonly string[];
}

/** RFC 8449 §4 `uint16 RecordSizeLimit;` (CH, EE); values below 64 → illegal_parameter. */
export interface RecordSizeLimitExtension {
  readonly type: 'record_size_limit';
  readonly limit: number;
}

/** RFC 7685 padding (CH only): "The client MUST fill the padding extension completely with zero bytes". Kept as bytes for exact re-encoding. */
export interface PaddingExtension {
  readonly type: 'padding';
  readonly data: Bytes;
}

/** §4.2.4 `opaque DistinguishedName<1..2^16-1>; struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;`
 * Each authority is the DER bytes of an X.501 Name. (CH, CR). */
export interface CertificateAuthoritiesExtension {
  readonly type: 'certificate_authorities';
  readonly authorities: readonly Bytes[];
}

/**
 * status_request (RFC 6066 §8; §4.4.2.1): parsed for well-formedness and otherwise ignored.
 * CH: CertificateStatusRequest; CR: empty; Certificate entry: CertificateStatus (OCSP response).
 * `data` is the raw extension_data.
 */
export interface StatusRequestExtension {
  readonly type: 'status_request';
  readonly data: Bytes;
}

/** Any extension without a typed body here (unknown, GREASE, or known but not modelled), preserved as received. */
export interface UnknownExtension {
  readonly type: 'unknown';
  readonly code: number;
  readonly data: Bytes;
}

export type ClientHelloExtension =
  | ServerNameListExtension
  | SupportedGroupsExtension
  | SignatureAlgorithmsExtension
  | SignatureAlgorithmsCertExtension
  | SupportedVersionsClientExtension
  | KeyShareClientExtension
  | CookieExtension
  | PskKeyExchangeModesExtension
  | PreSharedKeyClientExtension
  | EarlyDataIndicationExtension
  | PostHandshakeAuthExtension
  | AlpnExtension
  | RecordSizeLimitExtension
  | PaddingExtension
  | CertificateAuthoritiesExtension
  | StatusRequestExtension
  | UnknownExtension;

export type ServerHelloExtension = SupportedVersionsServerExtension | KeyShareServerExtension | PreSharedKeyServerExtension | UnknownExtension;

export type HelloRetryRequestExtension = SupportedVersionsServerExtension | KeyShareHelloRetryRequestExtension | CookieExtension | UnknownExtension;

export type EncryptedExtensionsExtension =
  | ServerNameAckExtension
  | SupportedGroupsExtension
  | AlpnExtension
  | EarlyDataIndicationExtension
  | RecordSizeLimitExtension
  | UnknownExtension;

export type CertificateRequestExtension =
  | SignatureAlgorithmsExtension
  | SignatureAlgorithmsCertExtension
  | CertificateAuthoritiesExtension
  | StatusRequestExtension
  | UnknownExtension;

export type CertificateEntryExtension = StatusRequestExtension | UnknownExtension;

export type NewSessionTicketExtension = EarlyDataTicketExtension | UnknownExtension;

/** Every extension shape in any message. */
export type Extension =
  | ClientHelloExtension
  | ServerHelloExtension
  | HelloRetryRequestExtension
  | EncryptedExtensionsExtension
  | CertificateRequestExtension
  | CertificateEntryExtension
  | NewSessionTicketExtension;

export type ExtensionName = Extension['type'];

/** The message an extension block belongs to: selects the body form and the §4.2 table row. */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

// ---------------------------------------------------------------------------------------
// Handshake messages (§4)
//   struct {
//       HandshakeType msg_type;    /* handshake type */
//       uint24 length;             /* remaining bytes in message */
//       select (Handshake.msg_type) { ... };
//   } Handshake;
// ---------------------------------------------------------------------------------------

interface WithRaw {
  /** Exact wire bytes (header included) when this message was decoded; absent when built locally. */
  readonly raw?: Bytes;
}

/**
 * §4.1.2
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 *\/
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 */
export interface ClientHello extends WithRaw {
  readonly type: 'client_hello';
  readonly legacyVersion: number;
  readonly random: Bytes;
  readonly legacySessionId: Bytes;
  readonly cipherSuites: readonly number[];
  readonly legacyCompressionMethods: Bytes;
  readonly extensions: readonly ClientHelloExtension[];
}

/**
 * §4.1.3
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 *\/
 *       Random random;
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method = 0;
 *       Extension extensions<6..2^16-1>;
 *   } ServerHello;
 */
export interface ServerHello extends WithRaw {
  readonly type: 'server_hello';
  readonly legacyVersion: number;
  readonly random: Bytes;
  readonly legacySessionIdEcho: Bytes;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  readonly extensions: readonly ServerHelloExtension[];
}

/** §4.1.3/§4.1.4: a ServerHello whose random is SHA-256("HelloRetryRequest") (`HRR_RANDOM`). */
export interface HelloRetryRequest extends WithRaw {
  readonly type: 'hello_retry_request';
  readonly legacyVersion: number;
  readonly legacySessionIdEcho: Bytes;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  readonly extensions: readonly HelloRetryRequestExtension[];
}

/** §4.3.1 `struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;` */
export interface EncryptedExtensions extends WithRaw {
  readonly type: 'encrypted_extensions';
  readonly extensions: readonly EncryptedExtensionsExtension[];
}

/**
 * §4.3.2
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 * "The "signature_algorithms" extension MUST be specified" (missing → missing_extension).
 */
export interface CertificateRequest extends WithRaw {
  readonly type: 'certificate_request';
  readonly certificateRequestContext: Bytes;
  readonly extensions: readonly CertificateRequestExtension[];
}

/**
 * §4.4.2
 *   struct {
 *       select (certificate_type) {
 *           case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
 *           case X509: opaque cert_data<1..2^24-1>;
 *       };
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 */
export interface CertificateEntry {
  /** DER bytes of the certificate (X509 certificate_type, the only one negotiated here). */
  readonly certData: Bytes;
  readonly extensions: readonly CertificateEntryExtension[];
}

/**
 * §4.4.2
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 */
export interface Certificate extends WithRaw {
  readonly type: 'certificate';
  readonly certificateRequestContext: Bytes;
  readonly certificateList: readonly CertificateEntry[];
}

/**
 * §4.4.3
 *   struct {
 *       SignatureScheme algorithm;
 *       opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 */
export interface CertificateVerify extends WithRaw {
  readonly type: 'certificate_verify';
  readonly algorithm: number;
  readonly signature: Bytes;
}

/** §4.4.4 `struct { opaque verify_data[Hash.length]; } Finished;` */
export interface Finished extends WithRaw {
  readonly type: 'finished';
  readonly verifyData: Bytes;
}

/**
 * §4.6.1
 *   struct {
 *       uint32 ticket_lifetime;
 *       uint32 ticket_age_add;
 *       opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>;
 *       Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 */
export interface NewSessionTicket extends WithRaw {
  readonly type: 'new_session_ticket';
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: Bytes;
  readonly ticket: Bytes;
  readonly extensions: readonly NewSessionTicketExtension[];
}

/** §4.5 `struct {} EndOfEarlyData;` */
export interface EndOfEarlyData extends WithRaw {
  readonly type: 'end_of_early_data';
}

/**
 * §4.6.3
 *   enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *   struct { KeyUpdateRequest request_update; } KeyUpdate;
 * Any other value → illegal_parameter.
 */
export interface KeyUpdate extends WithRaw {
  readonly type: 'key_update';
  readonly requestUpdate: number;
}

/** §4.4.1 the synthetic `message_hash` (254) whose body is Hash(ClientHello1), used after an HRR. */
export interface MessageHash extends WithRaw {
  readonly type: 'message_hash';
  readonly hash: Bytes;
}

export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | HelloRetryRequest
  | EncryptedExtensions
  | CertificateRequest
  | Certificate
  | CertificateVerify
  | Finished
  | NewSessionTicket
  | EndOfEarlyData
  | KeyUpdate
  | MessageHash;

export type HandshakeMessageName = HandshakeMessage['type'];

/** A message decoded from the wire: always carries its exact bytes. */
export type Decoded<M extends HandshakeMessage = HandshakeMessage> = M & { readonly raw: Bytes };

/** What a decoder cannot learn from the bytes alone. */
export interface DecodeContext {
  /** Hash.length of the negotiated suite; when given, a Finished of another length is a decode_error (§4.4.4). Absent: verify_data is the whole body. */
  readonly hashLength?: number;
}

/** One handshake message framed out of a byte stream (header parsed, body not yet decoded). */
export interface HandshakeFrame {
  readonly msgType: number;
  /** The body (copied). */
  readonly body: Bytes;
  /** Header + body (copied). */
  readonly raw: Bytes;
  /** Offset just past this message in the buffer it was read from. */
  readonly end: number;
}

// ---------------------------------------------------------------------------------------
// Codec API (implemented in the sibling modules, exported from ./index.js):
//
//   encodeHandshake(msg: HandshakeMessage): Uint8Array                       // header + body
//   encodeHandshakeBody(msg: HandshakeMessage): Uint8Array                   // body only
//   decodeHandshake(msgType: number, body: Uint8Array, ctx?: DecodeContext): Decoded
//   decodeHandshakeMessage(bytes: Uint8Array, ctx?: DecodeContext): Decoded  // exactly one message, header included
//   readHandshakeFrame(buf: Uint8Array, offset?: number): HandshakeFrame | undefined  // undefined: incomplete
//   wireType(msg: HandshakeMessage): number                                  // msg_type on the wire (HRR → 2)
//   HRR_RANDOM: Uint8Array
//   findExtension<E extends { readonly type: string }, K extends E['type']>(exts: readonly E[], type: K): Extract<E, { type: K }> | undefined
//   extensionCode(ext: Extension): number
//   encodeExtension(ext: Extension): Uint8Array          // one Extension struct; the body form follows the object's shape
//   decodeExtensions(ctx: ExtensionContext, data: Uint8Array): Extension[]  // an extension block's body (without its length prefix), with the §4.2 checks
//   truncatedClientHello(ch: ClientHello): Uint8Array    // §4.2.11.2 header + body up to, not incl., the binders list
//   withBinders(ch: ClientHello, binders: readonly Uint8Array[]): ClientHello   // same CH, new binder values, raw dropped
//   bindersListLength(binders: readonly Uint8Array[]): number   // bytes of the encoded binders<33..2^16-1> list
//   EXTENSION_ALLOWED_IN: ReadonlyMap<number, readonly ExtensionContext[]>   // the §4.2 table (+ record_size_limit)
//
// Every decode failure is a TlsError: DecodeError (decode_error) for malformed bytes;
// illegal_parameter for a duplicated extension, a recognised extension in a message the §4.2
// table does not allow, pre_shared_key not last in CH, KeyUpdate request_update ∉ {0,1},
// record_size_limit < 64; unsupported_extension for an unrecognised extension in a message
// answering a ClientHello (SH, HRR, EE, Certificate), or a recognised one this
// implementation never offers (max_fragment_length, use_srtp, …); missing_extension for a
// CertificateRequest without signature_algorithms; unexpected_message for an unknown
// msg_type. Unknown extensions in CH, CR and NST are kept as `unknown`. A ServerHello
// without supported_versions (pre-1.3) keeps all its extensions as `unknown`, unchecked,
// so the handshake can answer protocol_version.
// ---------------------------------------------------------------------------------------
