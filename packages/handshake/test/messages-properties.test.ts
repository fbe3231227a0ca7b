/**
 * Codec properties (RFC 8446 §4): generated messages round-trip; every strict prefix of an
 * encoding is a decode_error; arbitrary or mutated bytes give a TlsError or a message that
 * re-encodes to exactly those bytes, never any other exception.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError, TlsError, toHex } from '@tls13sim/record';
import { HandshakeType } from '../src/constants.js';
import {
  EXTENSION_ALLOWED_IN,
  decodeHandshake,
  decodeHandshakeMessage,
  encodeHandshake,
  encodeHandshakeBody,
  extensionCode,
  wireType,
  type Certificate,
  type CertificateEntryExtension,
  type CertificateRequest,
  type CertificateRequestExtension,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type EncryptedExtensionsExtension,
  type Extension,
  type HandshakeMessage,
  type HelloRetryRequest,
  type HelloRetryRequestExtension,
  type KeyShareEntry,
  type NewSessionTicket,
  type NewSessionTicketExtension,
  type ServerHello,
  type ServerHelloExtension,
} from '../src/messages/index.js';
import { latin1Decode } from '../src/messages/latin1.js';

const HASH_LEN = 32;
const ctx = { hashLength: HASH_LEN };

// ------------------------------------------------------------------ arbitraries

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16s = (min: number, max: number) => fc.array(u16, { minLength: min, maxLength: max });
const name = bytes(1, 20).map(latin1Decode);

/** Codes outside the §4.2 table (and record_size_limit): unknown to TLS 1.3, GREASE included. */
const unknownCode = fc
  .oneof(
    u16,
    fc.integer({ min: 0, max: 15 }).map((n) => (n << 12) | 0x0a00 | (n << 4) | 0x0a),
  )
  .filter((c) => !EXTENSION_ALLOWED_IN.has(c));
const unknownExt = fc.record({ type: fc.constant('unknown' as const), code: unknownCode, data: bytes(0, 12) });

const keyShareEntry: fc.Arbitrary<KeyShareEntry> = fc.record({ group: u16, keyExchange: bytes(1, 40) });

const chExtension: fc.Arbitrary<ClientHelloExtension> = fc.oneof(
  fc.record({
    type: fc.constant('server_name' as const),
    serverNames: fc.array(fc.record({ nameType: fc.constant(0), hostName: name }), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ type: fc.constant('supported_groups' as const), groups: u16s(1, 6) }),
  fc.record({ type: fc.constant('signature_algorithms' as const), schemes: u16s(1, 6) }),
  fc.record({ type: fc.constant('signature_algorithms_cert' as const), schemes: u16s(1, 6) }),
  fc.record({ type: fc.constant('key_share' as const), clientShares: fc.array(keyShareEntry, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('cookie' as const), cookie: bytes(1, 40) }),
  fc.record({ type: fc.constant('psk_key_exchange_modes' as const), modes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({
    type: fc.constant('pre_shared_key' as const),
    identities: fc.array(fc.record({ identity: bytes(1, 40), obfuscatedTicketAge: u32 }), { minLength: 1, maxLength: 3 }),
    binders: fc.array(bytes(32, 48), { minLength: 1, maxLength: 3 }),
  }),
  fc.constant({ type: 'early_data' as const }),
  fc.constant({ type: 'post_handshake_auth' as const }),
  fc.record({ type: fc.constant('application_layer_protocol_negotiation' as const), protocols: fc.array(name, { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('record_size_limit' as const), limit: fc.integer({ min: 64, max: 0xffff }) }),
  fc.record({ type: fc.constant('padding' as const), data: fc.nat(30).map((n) => new Uint8Array(n)) }),
  fc.record({ type: fc.constant('certificate_authorities' as const), authorities: fc.array(bytes(1, 20), { minLength: 1, maxLength: 3 }) }),
  // CertificateStatusRequest: status_type ocsp(1), empty responder_id_list, empty request_extensions.
  fc.constant({ type: 'status_request' as const, data: new Uint8Array([1, 0, 0, 0, 0]) }),
  unknownExt,
);

/** Distinct extension types, pre_shared_key last (§4.2, §4.2.11), supported_versions always present. */
function block<E extends Extension>(required: fc.Arbitrary<E>[], optional: fc.Arbitrary<E>, pskLast = false): fc.Arbitrary<E[]> {
  return fc
    .tuple(fc.tuple(...required), fc.array(optional, { maxLength: 6 }))
    .chain(([req, opt]) => fc.shuffledSubarray([...req, ...opt], { minLength: req.length + opt.length }))
    .map((all) => {
      const seen = new Set<number>();
      const unique = all.filter((e) => !seen.has(extensionCode(e)) && seen.add(extensionCode(e)) !== undefined);
      if (!pskLast) return unique;
      return [...unique.filter((e) => e.type !== 'pre_shared_key'), ...unique.filter((e) => e.type === 'pre_shared_key')];
    });
}

const clientHello: fc.Arbitrary<ClientHello> = fc.record({
  type: fc.constant('client_hello' as const),
  legacyVersion: u16,
  random: bytes(32, 32),
  legacySessionId: bytes(0, 32),
  cipherSuites: u16s(1, 5),
  legacyCompressionMethods: bytes(1, 3),
  extensions: block<ClientHelloExtension>(
    [fc.record({ type: fc.constant('supported_versions' as const), versions: u16s(2, 4) })], // ≥ 9 bytes: extensions<8..2^16-1>
    chExtension,
    true,
  ),
});

const selectedVersion = fc.record({ type: fc.constant('supported_versions' as const), selectedVersion: u16 });

const serverHello: fc.Arbitrary<ServerHello> = fc.record({
  type: fc.constant('server_hello' as const),
  legacyVersion: u16,
  random: bytes(32, 32).filter((r) => r[0] !== 0xcf), // not the HRR random
  legacySessionIdEcho: bytes(0, 32),
  cipherSuite: u16,
  legacyCompressionMethod: fc.integer({ min: 0, max: 255 }),
  extensions: block<ServerHelloExtension>(
    [selectedVersion],
    fc.oneof(
      fc.record({ type: fc.constant('key_share' as const), serverShare: keyShareEntry }),
      fc.record({ type: fc.constant('pre_shared_key' as const), selectedIdentity: u16 }),
    ),
  ),
});

const helloRetryRequest: fc.Arbitrary<HelloRetryRequest> = fc.record({
  type: fc.constant('hello_retry_request' as const),
  legacyVersion: u16,
  legacySessionIdEcho: bytes(0, 32),
  cipherSuite: u16,
  legacyCompressionMethod: fc.integer({ min: 0, max: 255 }),
  extensions: block<HelloRetryRequestExtension>(
    [selectedVersion],
    fc.oneof(
      fc.record({ type: fc.constant('key_share' as const), selectedGroup: u16 }),
      fc.record({ type: fc.constant('cookie' as const), cookie: bytes(1, 40) }),
    ),
  ),
});

const encryptedExtensions: fc.Arbitrary<EncryptedExtensions> = fc.record({
  type: fc.constant('encrypted_extensions' as const),
  extensions: block<EncryptedExtensionsExtension>(
    [],
    fc.oneof(
      fc.constant({ type: 'server_name' as const }),
      fc.record({ type: fc.constant('supported_groups' as const), groups: u16s(1, 6) }),
      fc.record({ type: fc.constant('application_layer_protocol_negotiation' as const), protocols: fc.array(name, { minLength: 1, maxLength: 1 }) }),
      fc.constant({ type: 'early_data' as const }),
      fc.record({ type: fc.constant('record_size_limit' as const), limit: fc.integer({ min: 64, max: 0xffff }) }),
    ),
  ),
});

const certificateRequest: fc.Arbitrary<CertificateRequest> = fc.record({
  type: fc.constant('certificate_request' as const),
  certificateRequestContext: bytes(0, 8),
  extensions: block<CertificateRequestExtension>(
    [fc.record({ type: fc.constant('signature_algorithms' as const), schemes: u16s(1, 6) })],
    fc.oneof(
      fc.record({ type: fc.constant('signature_algorithms_cert' as const), schemes: u16s(1, 6) }),
      fc.record({ type: fc.constant('certificate_authorities' as const), authorities: fc.array(bytes(1, 20), { minLength: 1, maxLength: 3 }) }),
      fc.constant({ type: 'status_request' as const, data: new Uint8Array(0) }),
      unknownExt,
    ),
  ),
});

// CertificateStatus: status_type ocsp(1), OCSPResponse<1..2^24-1>.
const certificateStatus = bytes(1, 10).map((r) => new Uint8Array([1, 0, 0, r.length, ...r]));
const certificate: fc.Arbitrary<Certificate> = fc.record({
  type: fc.constant('certificate' as const),
  certificateRequestContext: bytes(0, 8),
  certificateList: fc.array(
    fc.record({
      certData: bytes(1, 60),
      extensions: fc
        .option(
          certificateStatus.map((data): CertificateEntryExtension => ({ type: 'status_request', data })),
          { nil: undefined },
        )
        .map((e) => (e === undefined ? [] : [e])),
    }),
    { maxLength: 3 },
  ),
});

const newSessionTicket: fc.Arbitrary<NewSessionTicket> = fc.record({
  type: fc.constant('new_session_ticket' as const),
  ticketLifetime: u32,
  ticketAgeAdd: u32,
  ticketNonce: bytes(0, 12),
  ticket: bytes(1, 60),
  extensions: block<NewSessionTicketExtension>([], fc.oneof(fc.record({ type: fc.constant('early_data' as const), maxEarlyDataSize: u32 }), unknownExt)),
});

const handshakeMessage: fc.Arbitrary<HandshakeMessage> = fc.oneof(
  clientHello,
  serverHello,
  helloRetryRequest,
  encryptedExtensions,
  certificateRequest,
  certificate,
  fc.record({ type: fc.constant('certificate_verify' as const), algorithm: u16, signature: bytes(0, 80) }),
  fc.record({ type: fc.constant('finished' as const), verifyData: bytes(HASH_LEN, HASH_LEN) }),
  newSessionTicket,
  fc.constant({ type: 'end_of_early_data' as const }),
  fc.record({ type: fc.constant('key_update' as const), requestUpdate: fc.constantFrom(0, 1) }),
  fc.record({ type: fc.constant('message_hash' as const), hash: bytes(HASH_LEN, HASH_LEN) }),
);

const ALL_TYPES = Object.values(HandshakeType);

/** Decoding either succeeds and re-encodes byte-exact, or throws a TlsError; anything else fails. */
function decodesExactlyOrAlerts(msgType: number, body: Uint8Array): void {
  let m: ReturnType<typeof decodeHandshake>;
  try {
    m = decodeHandshake(msgType, body, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return;
  }
  expect(toHex(encodeHandshakeBody(m))).toBe(toHex(body));
}

// ------------------------------------------------------------------ properties

describe('handshake message codec properties', () => {
  test('round-trips every generated message: decode(encode(m)) equals m and keeps the bytes', () => {
    fc.assert(
      fc.property(handshakeMessage, (m) => {
        const wire = encodeHandshake(m);
        expect(wire[0]).toBe(wireType(m));
        const back = decodeHandshakeMessage(wire, ctx);
        const { raw, ...fields } = back;
        expect(fields).toEqual(m);
        expect(toHex(raw)).toBe(toHex(wire));
      }),
      { numRuns: 400 },
    );
  });

  test('rejects every strict prefix of a generated message body with decode_error', () => {
    fc.assert(
      fc.property(handshakeMessage, (m) => {
        const body = encodeHandshakeBody(m);
        for (let n = 0; n < body.length; n++) {
          expect(() => decodeHandshake(wireType(m), body.subarray(0, n), ctx)).toThrow(DecodeError);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('rejects every strict prefix of a whole generated message, header included, with decode_error', () => {
    fc.assert(
      fc.property(handshakeMessage, (m) => {
        const wire = encodeHandshake(m);
        for (let n = 0; n < wire.length; n++) {
          expect(() => decodeHandshakeMessage(wire.subarray(0, n), ctx)).toThrow(DecodeError);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('answers random bodies of every handshake type with a TlsError or an exactly re-encoding message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...ALL_TYPES), fc.integer({ min: 0, max: 255 })), bytes(0, 120), (t, body) => {
        decodesExactlyOrAlerts(t, body);
      }),
      { numRuns: 3000 },
    );
  });

  test('answers mutated encodings (byte flips, insertions, deletions) with a TlsError or an exactly re-encoding message', () => {
    const mutation = fc.record({
      kind: fc.constantFrom('flip', 'insert', 'delete'),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(handshakeMessage, fc.array(mutation, { minLength: 1, maxLength: 3 }), (m, muts) => {
        const body = Array.from(encodeHandshakeBody(m));
        for (const { kind, at, value } of muts) {
          const i = body.length === 0 ? 0 : at % (body.length + (kind === 'insert' ? 1 : 0));
          if (kind === 'flip' && body.length > 0) body[i % body.length] = value;
          else if (kind === 'insert') body.splice(i, 0, value);
          else if (kind === 'delete' && body.length > 0) body.splice(i % body.length, 1);
        }
        decodesExactlyOrAlerts(wireType(m), new Uint8Array(body));
      }),
      { numRuns: 2000 },
    );
  });
});
