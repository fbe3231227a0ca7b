/**
 * Extension rules and message-level checks of RFC 8446 §4.2 and §4: duplicated extensions,
 * extensions in messages the §4.2 table does not allow, unsolicited responses, unknown
 * extensions preserved, pre_shared_key last, and the alerts each of these gets.
 */
import { describe, expect, test } from 'vitest';
import { DecodeError, TlsError, concatBytes, fromHex, toHex, type AlertName } from '@tls13sim/record';
import { ExtensionType, HandshakeType, NamedGroup, TLS12, TLS13 } from '../src/constants.js';
import {
  HRR_RANDOM,
  decodeExtensions,
  decodeHandshake,
  decodeHandshakeMessage,
  encodeExtension,
  encodeHandshake,
  encodeHandshakeBody,
  findExtension,
  readHandshakeFrame,
  truncatedClientHello,
  withBinders,
  type Certificate,
  type CertificateRequest,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type ExtensionContext,
  type HandshakeMessage,
  type NewSessionTicket,
  type ServerHello,
  type UnknownExtension,
} from '../src/messages/index.js';

const raw = (code: number, data: Uint8Array = new Uint8Array(0)): UnknownExtension => ({ type: 'unknown', code, data });

const baseClientHello: ClientHello = {
  type: 'client_hello',
  legacyVersion: TLS12,
  random: new Uint8Array(32).fill(7),
  legacySessionId: new Uint8Array(0),
  cipherSuites: [0x1301],
  legacyCompressionMethods: new Uint8Array([0]),
  extensions: [
    { type: 'supported_versions', versions: [TLS13] },
    { type: 'supported_groups', groups: [NamedGroup.x25519] },
    { type: 'key_share', clientShares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(32).fill(1) }] },
  ],
};

const baseServerHello: ServerHello = {
  type: 'server_hello',
  legacyVersion: TLS12,
  random: new Uint8Array(32).fill(9),
  legacySessionIdEcho: new Uint8Array(0),
  cipherSuite: 0x1301,
  legacyCompressionMethod: 0,
  extensions: [
    { type: 'supported_versions', selectedVersion: TLS13 },
    { type: 'key_share', serverShare: { group: NamedGroup.x25519, keyExchange: new Uint8Array(32).fill(2) } },
  ],
};

const psk = {
  type: 'pre_shared_key' as const,
  identities: [{ identity: new Uint8Array([1, 2, 3]), obfuscatedTicketAge: 42 }],
  binders: [new Uint8Array(32).fill(0xbb)],
};

function roundTrip(m: HandshakeMessage): HandshakeMessage {
  return decodeHandshakeMessage(encodeHandshake(m));
}

function alertOf(f: () => unknown): AlertName | 'no error' | 'not a TlsError' {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof TlsError ? e.alert : 'not a TlsError';
  }
}

describe('duplicated extensions (§4.2: "There MUST NOT be more than one extension of the same type")', () => {
  test('rejects a ClientHello with two supported_groups extensions with illegal_parameter', () => {
    const ch: ClientHello = {
      ...baseClientHello,
      extensions: [...baseClientHello.extensions, { type: 'supported_groups', groups: [NamedGroup.secp256r1] }],
    };
    expect(alertOf(() => roundTrip(ch))).toBe('illegal_parameter');
  });

  test('rejects a ClientHello repeating an unknown extension type with illegal_parameter', () => {
    const ch: ClientHello = { ...baseClientHello, extensions: [...baseClientHello.extensions, raw(0x1234), raw(0x1234)] };
    expect(alertOf(() => roundTrip(ch))).toBe('illegal_parameter');
  });

  test('rejects a ServerHello with two key_share extensions with illegal_parameter', () => {
    const sh: ServerHello = { ...baseServerHello, extensions: [...baseServerHello.extensions, baseServerHello.extensions[1]!] };
    expect(alertOf(() => roundTrip(sh))).toBe('illegal_parameter');
  });

  test('rejects an EncryptedExtensions with two early_data extensions with illegal_parameter', () => {
    const ee: EncryptedExtensions = { type: 'encrypted_extensions', extensions: [{ type: 'early_data' }, { type: 'early_data' }] };
    expect(alertOf(() => roundTrip(ee))).toBe('illegal_parameter');
  });
});

describe('extensions in a message the §4.2 table does not allow them in', () => {
  // §4.2: "If an implementation receives an extension which it recognizes and which is not
  // specified for the message in which it appears, it MUST abort the handshake with an
  // "illegal_parameter" alert."
  const cases: [ExtensionContext, string, number][] = [
    ['client_hello', 'oid_filters (CR only)', ExtensionType.oid_filters],
    ['server_hello', 'server_name (CH, EE)', ExtensionType.server_name],
    ['server_hello', 'early_data (CH, EE, NST)', ExtensionType.early_data],
    ['server_hello', 'cookie (CH, HRR)', ExtensionType.cookie],
    ['hello_retry_request', 'pre_shared_key (CH, SH)', ExtensionType.pre_shared_key],
    ['encrypted_extensions', 'key_share (CH, SH, HRR)', ExtensionType.key_share],
    ['encrypted_extensions', 'supported_versions (CH, SH, HRR)', ExtensionType.supported_versions],
    ['encrypted_extensions', 'padding (CH only)', ExtensionType.padding],
    ['certificate_request', 'supported_groups (CH, EE)', ExtensionType.supported_groups],
    ['certificate', 'server_name (CH, EE)', ExtensionType.server_name],
    ['new_session_ticket', 'key_share (CH, SH, HRR)', ExtensionType.key_share],
    ['new_session_ticket', 'post_handshake_auth (CH only)', ExtensionType.post_handshake_auth],
  ];
  test.each(cases)('rejects %s carrying %s with illegal_parameter', (ctx, _name, code) => {
    const block = encodeExtension(raw(code, new Uint8Array([0, 0])));
    expect(alertOf(() => decodeExtensions(ctx, block))).toBe('illegal_parameter');
  });

  test('rejects a whole EncryptedExtensions message carrying key_share with illegal_parameter', () => {
    const ee: EncryptedExtensions = { type: 'encrypted_extensions', extensions: [raw(ExtensionType.key_share, new Uint8Array([0, 0x1d]))] };
    expect(alertOf(() => roundTrip(ee))).toBe('illegal_parameter');
  });

  test('rejects a ServerHello carrying psk_key_exchange_modes with illegal_parameter', () => {
    const sh: ServerHello = {
      ...baseServerHello,
      extensions: [...baseServerHello.extensions, raw(ExtensionType.psk_key_exchange_modes, new Uint8Array([1, 1]))],
    };
    expect(alertOf(() => roundTrip(sh))).toBe('illegal_parameter');
  });
});

describe('unrecognised extensions', () => {
  // §4.2 / §6.2 unsupported_extension: "including any extensions in a ServerHello or
  // Certificate not first offered in the corresponding ClientHello or CertificateRequest".
  test.each(['server_hello', 'hello_retry_request', 'encrypted_extensions', 'certificate'] as const)(
    'rejects an unrecognised extension in %s (an unsolicited response) with unsupported_extension',
    (ctx) => {
      expect(alertOf(() => decodeExtensions(ctx, encodeExtension(raw(0x7777, new Uint8Array([1])))))).toBe('unsupported_extension');
    },
  );

  test('rejects a recognised extension this implementation never offers (max_fragment_length) in EncryptedExtensions with unsupported_extension', () => {
    expect(alertOf(() => decodeExtensions('encrypted_extensions', encodeExtension(raw(ExtensionType.max_fragment_length, new Uint8Array([2])))))).toBe(
      'unsupported_extension',
    );
  });

  test('keeps unrecognised and GREASE extensions of a ClientHello in place, as received (§4.1.2 "Servers MUST ignore unrecognized extensions")', () => {
    const ch: ClientHello = {
      ...baseClientHello,
      cipherSuites: [0x0a0a, 0x1301, 0x9999],
      extensions: [raw(0x0a0a), baseClientHello.extensions[0]!, raw(0xfe0d, new Uint8Array([5, 6])), ...baseClientHello.extensions.slice(1)],
    };
    const back = roundTrip(ch) as ClientHello;
    expect(back.cipherSuites).toEqual([0x0a0a, 0x1301, 0x9999]);
    expect(back.extensions).toEqual(ch.extensions);
    expect(toHex(encodeHandshake(back))).toBe(toHex(encodeHandshake(ch)));
  });

  test('keeps GREASE groups, versions and key shares as open numbers', () => {
    const ch: ClientHello = {
      ...baseClientHello,
      extensions: [
        { type: 'supported_versions', versions: [0x1a1a, TLS13] },
        { type: 'supported_groups', groups: [0x2a2a, NamedGroup.x25519] },
        { type: 'key_share', clientShares: [{ group: 0x2a2a, keyExchange: new Uint8Array([0]) }] },
      ],
    };
    expect(roundTrip(ch)).toMatchObject({ extensions: ch.extensions });
  });

  test('keeps unrecognised extensions of a CertificateRequest and a NewSessionTicket (§4.3.2, §4.6.1 "Clients MUST ignore unrecognized extensions")', () => {
    const cr: CertificateRequest = {
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array([1]),
      extensions: [raw(0x5555, new Uint8Array([9])), { type: 'signature_algorithms', schemes: [0x0804] }],
    };
    expect((roundTrip(cr) as CertificateRequest).extensions).toEqual(cr.extensions);
    const nst: NewSessionTicket = {
      type: 'new_session_ticket',
      ticketLifetime: 7200,
      ticketAgeAdd: 1,
      ticketNonce: new Uint8Array([0]),
      ticket: new Uint8Array([1, 2]),
      extensions: [raw(0x6666), { type: 'early_data', maxEarlyDataSize: 16384 }],
    };
    expect((roundTrip(nst) as NewSessionTicket).extensions).toEqual(nst.extensions);
  });

  test('keeps the extensions of a pre-1.3 ServerHello (no supported_versions) opaque, leaving the version verdict to the handshake', () => {
    const sh: ServerHello = {
      ...baseServerHello,
      extensions: [raw(0xff01, new Uint8Array([0])), raw(ExtensionType.server_name), raw(23)],
    };
    const back = roundTrip(sh) as ServerHello;
    expect(back.type).toBe('server_hello');
    expect(back.extensions).toEqual(sh.extensions);
    expect(findExtension(back.extensions, 'supported_versions')).toBeUndefined();
  });
});

describe('message-specific checks', () => {
  test('rejects a ClientHello whose pre_shared_key is not the last extension with illegal_parameter (§4.2.11)', () => {
    const ch: ClientHello = { ...baseClientHello, extensions: [baseClientHello.extensions[0]!, psk, ...baseClientHello.extensions.slice(1)] };
    expect(alertOf(() => roundTrip(ch))).toBe('illegal_parameter');
    const ok: ClientHello = { ...baseClientHello, extensions: [...baseClientHello.extensions, psk] };
    expect(findExtension((roundTrip(ok) as ClientHello).extensions, 'pre_shared_key')).toEqual(psk);
  });

  test('rejects a record_size_limit below 64 with illegal_parameter (RFC 8449 §4)', () => {
    const ch: ClientHello = { ...baseClientHello, extensions: [...baseClientHello.extensions, { type: 'record_size_limit', limit: 63 }] };
    expect(alertOf(() => roundTrip(ch))).toBe('illegal_parameter');
  });

  test('rejects a KeyUpdate whose request_update is neither 0 nor 1 with illegal_parameter (§4.6.3)', () => {
    expect(alertOf(() => decodeHandshake(HandshakeType.key_update, new Uint8Array([2])))).toBe('illegal_parameter');
    expect(decodeHandshake(HandshakeType.key_update, new Uint8Array([1]))).toMatchObject({ type: 'key_update', requestUpdate: 1 });
  });

  test('rejects a CertificateRequest without signature_algorithms with missing_extension (§4.3.2)', () => {
    const cr: CertificateRequest = {
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array(0),
      extensions: [{ type: 'signature_algorithms_cert', schemes: [0x0804] }],
    };
    expect(alertOf(() => roundTrip(cr))).toBe('missing_extension');
  });

  test('rejects a Finished whose length is not Hash.length with decode_error, and reads the whole body without a hash length', () => {
    const body = new Uint8Array(48).fill(3);
    expect(alertOf(() => decodeHandshake(HandshakeType.finished, body, { hashLength: 32 }))).toBe('decode_error');
    expect(decodeHandshake(HandshakeType.finished, body)).toMatchObject({ type: 'finished', verifyData: body });
  });

  test('rejects an unknown handshake type with unexpected_message', () => {
    expect(alertOf(() => decodeHandshake(3, new Uint8Array(0)))).toBe('unexpected_message');
  });

  test('rejects trailing bytes after a message body and inside an extension with decode_error', () => {
    const body = encodeHandshakeBody(baseClientHello);
    expect(alertOf(() => decodeHandshake(HandshakeType.client_hello, concatBytes(body, new Uint8Array([0]))))).toBe('decode_error');
    // supported_versions selected_version followed by one extra byte inside extension_data.
    const bad = encodeExtension(raw(ExtensionType.supported_versions, new Uint8Array([3, 4, 0])));
    expect(() => decodeExtensions('server_hello', bad)).toThrow(DecodeError);
  });

  test('rejects an EndOfEarlyData with a body with decode_error', () => {
    expect(alertOf(() => decodeHandshake(HandshakeType.end_of_early_data, new Uint8Array([0])))).toBe('decode_error');
  });

  test('rejects a server_name with an unknown NameType with decode_error (its length is unknowable)', () => {
    const data = fromHex('0004 01 0001 61');
    expect(alertOf(() => decodeExtensions('client_hello', encodeExtension(raw(ExtensionType.server_name, data))))).toBe('decode_error');
  });
});

describe('HelloRetryRequest', () => {
  test('decodes a ServerHello carrying the special random as a hello_retry_request and encodes that random back', () => {
    const hrr = {
      type: 'hello_retry_request' as const,
      legacyVersion: TLS12,
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0x1301,
      legacyCompressionMethod: 0,
      extensions: [
        { type: 'supported_versions' as const, selectedVersion: TLS13 },
        { type: 'key_share' as const, selectedGroup: NamedGroup.secp256r1 },
      ],
    };
    const wire = encodeHandshake(hrr);
    expect(wire[0]).toBe(HandshakeType.server_hello);
    expect(toHex(wire.subarray(6, 38))).toBe(toHex(HRR_RANDOM));
    expect(decodeHandshakeMessage(wire)).toMatchObject(hrr);
  });
});

describe('framing and raw bytes', () => {
  test('frames coalesced messages one by one and waits for the rest of a split one', () => {
    const a = encodeHandshake(baseClientHello);
    const b = encodeHandshake({ type: 'key_update', requestUpdate: 0 });
    const buf = concatBytes(a, b.subarray(0, 3));
    const first = readHandshakeFrame(buf);
    expect(first?.msgType).toBe(HandshakeType.client_hello);
    expect(toHex(first!.raw)).toBe(toHex(a));
    expect(readHandshakeFrame(buf, first!.end)).toBeUndefined();
    const whole = concatBytes(a, b);
    expect(readHandshakeFrame(whole, first!.end)).toMatchObject({ msgType: HandshakeType.key_update, end: whole.length });
  });

  test('rejects trailing bytes after one whole message with decode_error', () => {
    const wire = concatBytes(encodeHandshake({ type: 'end_of_early_data' }), new Uint8Array([0]));
    expect(alertOf(() => decodeHandshakeMessage(wire))).toBe('decode_error');
  });

  test('owns its bytes: changing the input buffer after decoding changes neither raw nor fields', () => {
    const wire = encodeHandshake(baseClientHello);
    const m = decodeHandshakeMessage(wire) as ClientHello & { raw: Uint8Array };
    const before = toHex(m.raw);
    wire.fill(0xee);
    expect(toHex(m.raw)).toBe(before);
    expect(m.random).toEqual(new Uint8Array(32).fill(7));
  });

  test('finds an extension by name narrowed to its message form, or undefined', () => {
    const ks = findExtension(baseServerHello.extensions, 'key_share');
    expect(ks?.serverShare.group).toBe(NamedGroup.x25519);
    expect(findExtension(baseServerHello.extensions, 'pre_shared_key')).toBeUndefined();
  });
});

describe('PSK binders (§4.2.11.2)', () => {
  const ch: ClientHello = { ...baseClientHello, extensions: [...baseClientHello.extensions, psk] };

  test('truncates a ClientHello just before its binders list, keeping the full-length header', () => {
    const wire = encodeHandshake(ch);
    const truncated = truncatedClientHello(ch);
    expect(truncated.length).toBe(wire.length - (2 + 1 + 32));
    expect(toHex(truncated)).toBe(toHex(wire.subarray(0, truncated.length)));
    expect(toHex(truncated.subarray(0, 4))).toBe(toHex(wire.subarray(0, 4)));
  });

  test('replaces binder values and drops the stale raw bytes', () => {
    const decoded = decodeHandshakeMessage(encodeHandshake(ch)) as ClientHello;
    const next = withBinders(decoded, [new Uint8Array(32).fill(0xcc)]);
    expect(next.raw).toBeUndefined();
    const ext: ClientHelloExtension | undefined = findExtension(next.extensions, 'pre_shared_key');
    expect(ext).toMatchObject({ binders: [new Uint8Array(32).fill(0xcc)] });
    expect(toHex(truncatedClientHello(next))).toBe(toHex(truncatedClientHello(decoded)));
  });

  test('refuses to compute binders for a ClientHello without pre_shared_key or with the wrong binder count', () => {
    expect(() => truncatedClientHello(baseClientHello)).toThrow(/pre_shared_key/);
    expect(() => withBinders(ch, [])).toThrow(/binders/);
  });
});

describe('certificate entries', () => {
  test('keeps a per-entry OCSP status_request as received', () => {
    const cert: Certificate = {
      type: 'certificate',
      certificateRequestContext: new Uint8Array(0),
      certificateList: [
        { certData: new Uint8Array([0x30, 0x00]), extensions: [{ type: 'status_request', data: fromHex('01 000002 abcd') }] },
        { certData: new Uint8Array([0x30, 0x01, 0x00]), extensions: [] },
      ],
    };
    expect(roundTrip(cert)).toMatchObject(cert);
  });

  test('rejects a certificate entry with empty cert_data with decode_error (cert_data<1..2^24-1>)', () => {
    const body = fromHex('00 000005 000000 0000');
    expect(alertOf(() => decodeHandshake(HandshakeType.certificate, body))).toBe('decode_error');
  });
});
