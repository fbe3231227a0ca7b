/**
 * Extension codec (RFC 8446 §4.2):
 *   struct {
 *       ExtensionType extension_type;
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 *
 * Decoding takes the message the block belongs to (`ExtensionContext`), because the body
 * form depends on it (key_share, supported_versions, pre_shared_key, early_data, …) and so
 * does the §4.2 table of where an extension may appear. Encoding follows the object's shape,
 * so a test can put any extension in any message. Order is kept as received.
 */
import { Reader, Writer, bounds, DecodeError, type VecBounds } from '@tls13sim/record';
import { ExtensionType, nameOf } from '../constants.js';
import { isAllowedIn, isResponseContext } from './extension-rules.js';
import { latin1Decode, latin1Encode } from './latin1.js';
import type { Extension, ExtensionContext, ExtensionName, KeyShareEntry, PskIdentity, ServerName } from './types.js';
import { fail } from '../endpoint/errors.js';

const ET = ExtensionType;

/** The first-class (typed) extension names and their codes. */
const CODE_OF: Readonly<Record<Exclude<ExtensionName, 'unknown'>, number>> = {
  server_name: ET.server_name,
  supported_groups: ET.supported_groups,
  signature_algorithms: ET.signature_algorithms,
  signature_algorithms_cert: ET.signature_algorithms_cert,
  supported_versions: ET.supported_versions,
  key_share: ET.key_share,
  cookie: ET.cookie,
  psk_key_exchange_modes: ET.psk_key_exchange_modes,
  pre_shared_key: ET.pre_shared_key,
  early_data: ET.early_data,
  post_handshake_auth: ET.post_handshake_auth,
  application_layer_protocol_negotiation: ET.application_layer_protocol_negotiation,
  record_size_limit: ET.record_size_limit,
  padding: ET.padding,
  certificate_authorities: ET.certificate_authorities,
  status_request: ET.status_request,
};

/** The wire extension_type of an extension. */
export function extensionCode(ext: Extension): number {
  return ext.type === 'unknown' ? ext.code : CODE_OF[ext.type];
}

/** The first extension of the given name, narrowed to the shape it has in this message. */
export function findExtension<E extends { readonly type: string }, K extends E['type']>(exts: readonly E[], type: K): Extract<E, { type: K }> | undefined {
  return exts.find((e): e is Extract<E, { type: K }> => e.type === type);
}

// -------------------------------------------------------------------------- encoding

/** One `Extension` struct: type, then extension_data with its 2-byte length. */
export function encodeExtension(ext: Extension): Uint8Array {
  const w = new Writer();
  writeExtension(w, ext);
  return w.finish();
}

export function writeExtensions(w: Writer, exts: readonly Extension[], b: VecBounds): void {
  w.vec16((v) => {
    for (const e of exts) writeExtension(v, e);
  }, b);
}

function writeExtension(w: Writer, ext: Extension): void {
  w.u16(extensionCode(ext));
  w.vec16((b) => writeBody(b, ext));
}

const u16List = (w: Writer, xs: readonly number[]) => {
  for (const x of xs) w.u16(x);
};

function writeKeyShareEntry(w: Writer, e: KeyShareEntry): void {
  // struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
  w.u16(e.group).opaque16(e.keyExchange, bounds(1, 0xffff));
}

function writeBody(w: Writer, ext: Extension): void {
  switch (ext.type) {
    case 'server_name':
      // Empty in EncryptedExtensions; ServerNameList in ClientHello (RFC 6066 §3).
      if ('serverNames' in ext) {
        w.vec16(
          (l) => {
            for (const n of ext.serverNames) l.u8(n.nameType).opaque16(latin1Encode(n.hostName), bounds(1, 0xffff));
          },
          bounds(1, 0xffff),
        );
      }
      return;
    case 'supported_groups':
      w.vec16((l) => u16List(l, ext.groups), bounds(2, 0xffff));
      return;
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      w.vec16((l) => u16List(l, ext.schemes), bounds(2, 0xfffe));
      return;
    case 'supported_versions':
      if ('versions' in ext) w.vec8((l) => u16List(l, ext.versions), bounds(2, 254));
      else w.u16(ext.selectedVersion);
      return;
    case 'key_share':
      if ('clientShares' in ext) {
        w.vec16((l) => {
          for (const e of ext.clientShares) writeKeyShareEntry(l, e);
        });
      } else if ('serverShare' in ext) writeKeyShareEntry(w, ext.serverShare);
      else w.u16(ext.selectedGroup);
      return;
    case 'cookie':
      w.opaque16(ext.cookie, bounds(1, 0xffff));
      return;
    case 'psk_key_exchange_modes':
      w.vec8(
        (l) => {
          for (const m of ext.modes) l.u8(m);
        },
        bounds(1, 255),
      );
      return;
    case 'pre_shared_key':
      if ('identities' in ext) {
        w.vec16(
          (l) => {
            for (const id of ext.identities) l.opaque16(id.identity, bounds(1, 0xffff)).u32(id.obfuscatedTicketAge);
          },
          bounds(7, 0xffff),
        );
        writeBinders(w, ext.binders);
      } else w.u16(ext.selectedIdentity);
      return;
    case 'early_data':
      if ('maxEarlyDataSize' in ext) w.u32(ext.maxEarlyDataSize);
      return;
    case 'post_handshake_auth':
      return;
    case 'application_layer_protocol_negotiation':
      w.vec16(
        (l) => {
          for (const p of ext.protocols) l.opaque8(latin1Encode(p), bounds(1, 255));
        },
        bounds(2, 0xffff),
      );
      return;
    case 'record_size_limit':
      w.u16(ext.limit);
      return;
    case 'certificate_authorities':
      w.vec16(
        (l) => {
          for (const dn of ext.authorities) l.opaque16(dn, bounds(1, 0xffff));
        },
        bounds(3, 0xffff),
      );
      return;
    case 'padding':
    case 'status_request':
    case 'unknown':
      w.bytes(ext.data);
      return;
    default:
      assertNever(ext);
  }
}

function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}

/** `PskBinderEntry binders<33..2^16-1>;` with `opaque PskBinderEntry<32..255>;` (§4.2.11). */
export function writeBinders(w: Writer, binders: readonly Uint8Array[]): void {
  w.vec16(
    (l) => {
      for (const b of binders) l.opaque8(b, bounds(32, 255));
    },
    bounds(33, 0xffff),
  );
}

// -------------------------------------------------------------------------- decoding

/**
 * Decodes the body of an extension block (the vector's content, without its length
 * prefix), enforcing §4.2: no duplicates, the table of allowed messages, unsolicited
 * responses, and (ClientHello) pre_shared_key last.
 */
export function decodeExtensions(ctx: ExtensionContext, data: Uint8Array): Extension[] {
  return readExtensionList(ctx, new Reader(data));
}

/** Reads extensions until `r` is exhausted. */
export function readExtensionList(ctx: ExtensionContext, r: Reader): Extension[] {
  // Each body as a window on the message, not a copy: a decoder copies what it keeps, and
  // an extension kept opaque is copied when it is found to be one.
  const raw: { code: number; body: Reader }[] = r.list((x) => ({ code: x.u16(), body: x.vec16() }));
  checkNoDuplicates(raw);
  const out = raw.map((e) => decodeExtension(ctx, e.code, e.body));
  if (ctx === 'client_hello') {
    // §4.2.11: "The "pre_shared_key" extension MUST be the last extension in the
    // ClientHello ... Servers MUST check that it is the last extension and otherwise fail
    // the handshake with an "illegal_parameter" alert."
    const i = raw.findIndex((e) => e.code === ET.pre_shared_key);
    if (i !== -1 && i !== raw.length - 1) {
      fail('illegal_parameter', 'pre_shared_key is not the last extension of the ClientHello');
    }
  }
  return out;
}

/** Reads extensions as opaque `unknown` entries, checking only for duplicates (a pre-1.3 ServerHello). */
export function readOpaqueExtensionList(r: Reader): Extension[] {
  const raw = r.list((x) => ({ code: x.u16(), data: x.opaque16() }));
  checkNoDuplicates(raw);
  return raw.map((e) => ({ type: 'unknown', code: e.code, data: e.data }));
}

function checkNoDuplicates(raw: readonly { code: number }[]): void {
  // §4.2: "There MUST NOT be more than one extension of the same type in a given extension block."
  const seen = new Set<number>();
  for (const { code } of raw) {
    if (seen.has(code)) fail('illegal_parameter', `duplicated extension ${nameOf('extension', code)}`);
    seen.add(code);
  }
}

function decodeExtension(ctx: ExtensionContext, code: number, r: Reader): Extension {
  const allowed = isAllowedIn(code, ctx);
  if (allowed === false) {
    fail('illegal_parameter', `extension ${nameOf('extension', code)} is not allowed in ${ctx} (RFC 8446 §4.2)`);
  }
  const ext = allowed === true ? decodeTypedBody(ctx, code, r) : undefined;
  if (ext === undefined) {
    if (isResponseContext(ctx)) {
      fail('unsupported_extension', `unsolicited extension ${nameOf('extension', code)} in ${ctx}`);
    }
    // Not decoded: nothing was read from the body, which is kept whole.
    return { type: 'unknown', code, data: r.rest() };
  }
  if (!r.atEnd) r.end(`${nameOf('extension', code)} extension`);
  return ext;
}

const readU16List = (r: Reader): number[] => r.list((x) => x.u16());

function readKeyShareEntry(r: Reader): KeyShareEntry {
  return { group: r.u16(), keyExchange: r.opaque16(bounds(1, 0xffff)) };
}

/** The typed body of an allowed extension, or undefined when this implementation has no typed form for it. */
function decodeTypedBody(ctx: ExtensionContext, code: number, r: Reader): Extension | undefined {
  switch (code) {
    case ET.server_name:
      if (ctx === 'encrypted_extensions') return { type: 'server_name' };
      return { type: 'server_name', serverNames: r.vec16(bounds(1, 0xffff)).list(readServerName) };
    case ET.supported_groups:
      // §4.2.7 NamedGroup named_group_list<2..2^16-1>;
      return { type: 'supported_groups', groups: readU16List(r.vec16(bounds(2, 0xffff))) };
    case ET.signature_algorithms:
      // §4.2.3 SignatureScheme supported_signature_algorithms<2..2^16-2>;
      return { type: 'signature_algorithms', schemes: readU16List(r.vec16(bounds(2, 0xfffe))) };
    case ET.signature_algorithms_cert:
      return { type: 'signature_algorithms_cert', schemes: readU16List(r.vec16(bounds(2, 0xfffe))) };
    case ET.supported_versions:
      // §4.2.1 CH: ProtocolVersion versions<2..254>;  SH/HRR: ProtocolVersion selected_version;
      if (ctx === 'client_hello') return { type: 'supported_versions', versions: readU16List(r.vec8(bounds(2, 254))) };
      return { type: 'supported_versions', selectedVersion: r.u16() };
    case ET.key_share:
      // §4.2.8 CH: KeyShareEntry client_shares<0..2^16-1>;  SH: KeyShareEntry server_share;
      //        HRR: NamedGroup selected_group;
      if (ctx === 'client_hello') return { type: 'key_share', clientShares: r.vec16().list(readKeyShareEntry) };
      if (ctx === 'server_hello') return { type: 'key_share', serverShare: readKeyShareEntry(r) };
      return { type: 'key_share', selectedGroup: r.u16() };
    case ET.cookie:
      // §4.2.2 opaque cookie<1..2^16-1>;
      return { type: 'cookie', cookie: r.opaque16(bounds(1, 0xffff)) };
    case ET.psk_key_exchange_modes:
      // §4.2.9 PskKeyExchangeMode ke_modes<1..255>;
      return { type: 'psk_key_exchange_modes', modes: r.vec8(bounds(1, 255)).list((x) => x.u8()) };
    case ET.pre_shared_key:
      // §4.2.11 CH: OfferedPsks;  SH: uint16 selected_identity;
      if (ctx === 'client_hello') {
        const identities: PskIdentity[] = r.vec16(bounds(7, 0xffff)).list((x) => ({ identity: x.opaque16(bounds(1, 0xffff)), obfuscatedTicketAge: x.u32() }));
        const binders = r.vec16(bounds(33, 0xffff)).list((x) => x.opaque8(bounds(32, 255)));
        return { type: 'pre_shared_key', identities, binders };
      }
      return { type: 'pre_shared_key', selectedIdentity: r.u16() };
    case ET.early_data:
      // §4.2.10 NST: uint32 max_early_data_size;  CH/EE: struct {} Empty;
      if (ctx === 'new_session_ticket') return { type: 'early_data', maxEarlyDataSize: r.u32() };
      return { type: 'early_data' };
    case ET.post_handshake_auth:
      return { type: 'post_handshake_auth' };
    case ET.application_layer_protocol_negotiation:
      // RFC 7301 §3.1 ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>;
      return {
        type: 'application_layer_protocol_negotiation',
        protocols: r.vec16(bounds(2, 0xffff)).list((x) => latin1Decode(x.opaque8(bounds(1, 255)))),
      };
    case ET.record_size_limit: {
      // RFC 8449 §4: "An endpoint MUST treat receipt of a smaller value [than 64] as a fatal
      // error and generate an "illegal_parameter" alert."
      const limit = r.u16();
      r.end('record_size_limit extension');
      if (limit < 64) fail('illegal_parameter', `record_size_limit ${limit} < 64`);
      return { type: 'record_size_limit', limit };
    }
    case ET.padding:
      return { type: 'padding', data: r.rest() };
    case ET.certificate_authorities:
      // §4.2.4 DistinguishedName authorities<3..2^16-1>; opaque DistinguishedName<1..2^16-1>;
      return {
        type: 'certificate_authorities',
        authorities: r.vec16(bounds(3, 0xffff)).list((x) => x.opaque16(bounds(1, 0xffff))),
      };
    case ET.status_request:
      return decodeStatusRequest(ctx, r);
    default:
      return undefined;
  }
}

/** RFC 6066 §3 ServerName; only host_name(0) has a known body length. */
function readServerName(r: Reader): ServerName {
  const nameType = r.u8();
  if (nameType !== 0) throw new DecodeError(`server_name: unknown NameType ${nameType}`);
  return { nameType, hostName: latin1Decode(r.opaque16(bounds(1, 0xffff))) };
}

/**
 * status_request, parsed for well-formedness and then ignored (kept as raw bytes):
 * - CH (RFC 6066 §8): `struct { CertificateStatusType status_type; select (status_type) {
 *   case ocsp: OCSPStatusRequest; } request; } CertificateStatusRequest;` with
 *   `struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; } OCSPStatusRequest;`
 * - CR (§4.4.2.1): "an empty "status_request" extension".
 * - Certificate entry (§4.4.2.1, RFC 6066 §8): `struct { CertificateStatusType status_type;
 *   select (status_type) { case ocsp: OCSPResponse; } response; } CertificateStatus;` with
 *   `opaque OCSPResponse<1..2^24-1>;`
 */
function decodeStatusRequest(ctx: ExtensionContext, r: Reader): Extension {
  const data = r.rest();
  const body = new Reader(data);
  if (ctx === 'client_hello') {
    const statusType = body.u8();
    if (statusType === 1) {
      body.vec16().list((x) => x.opaque16(bounds(1, 0xffff)));
      body.opaque16();
    } else body.rest(); // unknown status types: ignored
  } else if (ctx === 'certificate') {
    body.u8();
    body.opaque24(bounds(1, 0xffffff));
  }
  body.end('status_request extension');
  return { type: 'status_request', data };
}
