/**
 * Known answers: every handshake message RFC 8448 prints (five traces) decodes, keeps its
 * exact bytes for the transcript, and re-encodes byte-exact (RFC 8446 §4).
 */
import { describe, expect, test } from 'vitest';
import { bytesEqual, fromHex, toHex } from '@tls13sim/record';
import { CipherSuite, NamedGroup, PskKeyExchangeMode, TLS13 } from '../src/constants.js';
import {
  HRR_RANDOM,
  decodeHandshake,
  decodeHandshakeMessage,
  encodeHandshake,
  findExtension,
  truncatedClientHello,
  withBinders,
  type ClientHello,
  type Decoded,
  type HandshakeMessage,
  type HandshakeMessageName,
} from '../src/messages/index.js';
import { RFC8448_HASH_LENGTH, RFC8448_MESSAGES, RFC8448_RESUMED_CLIENT_HELLO_PREFIX, type Rfc8448Trace } from '../../../test/vectors/rfc8448-messages.js';

const decode = (hex: string): Decoded => decodeHandshakeMessage(fromHex(hex), { hashLength: RFC8448_HASH_LENGTH });

function vector(trace: Rfc8448Trace, sender: 'client' | 'server', name: string, nth = 0): string {
  const found = RFC8448_MESSAGES.filter((v) => v.trace === trace && v.sender === sender && v.name === name)[nth];
  if (found === undefined) throw new Error(`no vector ${trace} ${sender} ${name} #${nth}`);
  return found.hex;
}

function as<K extends HandshakeMessageName>(m: HandshakeMessage, type: K): Extract<HandshakeMessage, { type: K }> {
  expect(m.type).toBe(type);
  return m as Extract<HandshakeMessage, { type: K }>;
}

describe('every RFC 8448 handshake message', () => {
  test('covers all five traces with the messages the RFC prints', () => {
    const traces = new Set(RFC8448_MESSAGES.map((v) => v.trace));
    expect([...traces].sort()).toEqual(['client_authentication', 'compatibility_mode', 'hello_retry_request', 'resumed_0rtt', 'simple_1rtt']);
    expect(RFC8448_MESSAGES).toHaveLength(40);
  });

  test.each(RFC8448_MESSAGES.map((v, i) => [`${v.section} ${v.sender} ${v.name} #${i}`, v] as const))(
    'decodes %s, keeps its bytes as raw and re-encodes it byte-exact',
    (_label, v) => {
      const bytes = fromHex(v.hex);
      const m = decode(v.hex);
      const expectedType = v.name === 'server_hello' && bytesEqual(bytes.subarray(6, 38), HRR_RANDOM) ? 'hello_retry_request' : v.name;
      expect(m.type).toBe(expectedType);
      expect(toHex(m.raw)).toBe(toHex(bytes));
      expect(toHex(encodeHandshake(m))).toBe(toHex(bytes));
      // A message rebuilt from its fields alone (no raw) encodes the same bytes.
      const { raw: _raw, ...fields } = m;
      expect(toHex(encodeHandshake(fields as HandshakeMessage))).toBe(toHex(bytes));
    },
  );
});

describe('RFC 8448 §3 simple 1-RTT handshake', () => {
  test('reads the ClientHello fields and typed extensions the trace was built from', () => {
    const ch = as(decode(vector('simple_1rtt', 'client', 'client_hello')), 'client_hello');
    expect(ch.legacyVersion).toBe(0x0303);
    expect(ch.cipherSuites).toEqual([CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384]);
    expect(toHex(ch.random)).toBe('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    expect(findExtension(ch.extensions, 'server_name')).toEqual({ type: 'server_name', serverNames: [{ nameType: 0, hostName: 'server' }] });
    expect(findExtension(ch.extensions, 'supported_versions')).toEqual({ type: 'supported_versions', versions: [TLS13] });
    const ks = findExtension(ch.extensions, 'key_share');
    expect(ks?.clientShares.map((s) => s.group)).toEqual([NamedGroup.x25519]);
    expect(toHex(ks!.clientShares[0]!.keyExchange)).toBe('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c');
    expect(findExtension(ch.extensions, 'psk_key_exchange_modes')?.modes).toEqual([PskKeyExchangeMode.psk_dhe_ke]);
    expect(findExtension(ch.extensions, 'record_size_limit')?.limit).toBe(16385);
    // renegotiation_info (0xff01) and session_ticket (35) are not TLS 1.3 extensions: kept opaque, in place.
    expect(ch.extensions[1]).toEqual({ type: 'unknown', code: 0xff01, data: new Uint8Array([0]) });
    expect(ch.extensions[3]).toEqual({ type: 'unknown', code: 35, data: new Uint8Array(0) });
  });

  test('reads the ServerHello key share and selected version', () => {
    const sh = as(decode(vector('simple_1rtt', 'server', 'server_hello')), 'server_hello');
    expect(sh.cipherSuite).toBe(CipherSuite.TLS_AES_128_GCM_SHA256);
    expect(findExtension(sh.extensions, 'supported_versions')?.selectedVersion).toBe(TLS13);
    const share = findExtension(sh.extensions, 'key_share')?.serverShare;
    expect(share?.group).toBe(NamedGroup.x25519);
    expect(toHex(share!.keyExchange)).toBe('c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f');
  });

  test('reads the empty server_name acknowledgement in EncryptedExtensions', () => {
    const ee = as(decode(vector('simple_1rtt', 'server', 'encrypted_extensions')), 'encrypted_extensions');
    expect(ee.extensions.map((e) => e.type)).toEqual(['supported_groups', 'record_size_limit', 'server_name']);
    expect(findExtension(ee.extensions, 'server_name')).toEqual({ type: 'server_name' });
  });

  test('reads one certificate entry with its DER bytes and a 128-byte rsa_pss_rsae_sha256 signature', () => {
    const cert = as(decode(vector('simple_1rtt', 'server', 'certificate')), 'certificate');
    expect(cert.certificateRequestContext).toHaveLength(0);
    expect(cert.certificateList).toHaveLength(1);
    expect(cert.certificateList[0]!.certData).toHaveLength(0x1b0);
    expect(cert.certificateList[0]!.certData[0]).toBe(0x30); // DER SEQUENCE
    const cv = as(decode(vector('simple_1rtt', 'server', 'certificate_verify')), 'certificate_verify');
    expect(cv.algorithm).toBe(0x0804);
    expect(cv.signature).toHaveLength(128);
  });

  test('reads the NewSessionTicket with its early_data max_early_data_size', () => {
    const nst = as(decode(vector('simple_1rtt', 'server', 'new_session_ticket')), 'new_session_ticket');
    expect(nst.ticketLifetime).toBe(30);
    expect(nst.ticketAgeAdd).toBe(0xfad6aac5);
    expect(toHex(nst.ticketNonce)).toBe('0000');
    expect(nst.ticket).toHaveLength(0xb2);
    expect(nst.extensions).toEqual([{ type: 'early_data', maxEarlyDataSize: 1024 }]);
  });

  test('reads both Finished messages as 32 bytes of verify_data', () => {
    const f = as(decode(vector('simple_1rtt', 'server', 'finished')), 'finished');
    expect(toHex(f.verifyData)).toBe('9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
  });
});

describe('RFC 8448 §4 resumed 0-RTT handshake', () => {
  const chHex = vector('resumed_0rtt', 'client', 'client_hello');

  test('reads the offered PSK as the last ClientHello extension, with early_data and padding', () => {
    const ch = as(decode(chHex), 'client_hello');
    const last = ch.extensions[ch.extensions.length - 1];
    expect(last?.type).toBe('pre_shared_key');
    const psk = findExtension(ch.extensions, 'pre_shared_key')!;
    expect(psk.identities).toHaveLength(1);
    expect(psk.identities[0]!.identity).toHaveLength(0xb2);
    // The §3 ticket's ticket_age_add 0xfad6aac5 plus a ticket age of 6 ms (§4.2.11.1).
    expect(psk.identities[0]!.obfuscatedTicketAge).toBe(0xfad6aacb);
    expect(psk.binders.map(toHex)).toEqual(['3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d']);
    expect(findExtension(ch.extensions, 'early_data')).toEqual({ type: 'early_data' });
    expect(findExtension(ch.extensions, 'padding')?.data.every((b) => b === 0)).toBe(true);
  });

  test('computes Truncated(ClientHello) equal to the RFC "ClientHello prefix" from the received bytes', () => {
    const ch = as(decode(chHex), 'client_hello');
    expect(toHex(truncatedClientHello(ch))).toBe(toHex(fromHex(RFC8448_RESUMED_CLIENT_HELLO_PREFIX)));
  });

  test('computes the same Truncated(ClientHello) for a locally built ClientHello with placeholder binders', () => {
    const ch = as(decode(chHex), 'client_hello') as ClientHello;
    const local = withBinders(ch, [new Uint8Array(32)]);
    expect(local.raw).toBeUndefined();
    expect(toHex(truncatedClientHello(local))).toBe(toHex(fromHex(RFC8448_RESUMED_CLIENT_HELLO_PREFIX)));
  });

  test('re-encodes a ClientHello with new binder values, changing only the binder bytes', () => {
    const ch = as(decode(chHex), 'client_hello') as ClientHello;
    const placeholder = encodeHandshake(withBinders(ch, [new Uint8Array(32)]));
    const real = encodeHandshake(withBinders(ch, [findExtension(ch.extensions, 'pre_shared_key')!.binders[0]!]));
    expect(toHex(real)).toBe(chHex.replace(/\s+/g, ''));
    expect(toHex(placeholder.subarray(0, placeholder.length - 32))).toBe(toHex(real.subarray(0, real.length - 32)));
    expect(toHex(placeholder.subarray(placeholder.length - 32))).toBe('00'.repeat(32));
  });

  test('reads the server accepting PSK identity 0 and early data', () => {
    const sh = as(decode(vector('resumed_0rtt', 'server', 'server_hello')), 'server_hello');
    expect(findExtension(sh.extensions, 'pre_shared_key')).toEqual({ type: 'pre_shared_key', selectedIdentity: 0 });
    const ee = as(decode(vector('resumed_0rtt', 'server', 'encrypted_extensions')), 'encrypted_extensions');
    expect(findExtension(ee.extensions, 'early_data')).toEqual({ type: 'early_data' });
  });

  test('reads EndOfEarlyData as an empty message', () => {
    const eoed = decode(vector('resumed_0rtt', 'client', 'end_of_early_data'));
    expect(eoed.type).toBe('end_of_early_data');
    expect(toHex(eoed.raw)).toBe('05000000');
  });
});

describe('RFC 8448 §5 HelloRetryRequest', () => {
  test('decodes the ServerHello carrying the special random as a hello_retry_request', () => {
    const hrr = as(decode(vector('hello_retry_request', 'server', 'server_hello', 0)), 'hello_retry_request');
    expect(hrr.extensions.map((e) => e.type)).toEqual(['key_share', 'cookie', 'supported_versions']);
    expect(findExtension(hrr.extensions, 'key_share')).toEqual({ type: 'key_share', selectedGroup: NamedGroup.secp256r1 });
    expect(findExtension(hrr.extensions, 'cookie')?.cookie).toHaveLength(0x72);
  });

  test('reads the second ClientHello echoing the cookie with a secp256r1 share', () => {
    const hrr = as(decode(vector('hello_retry_request', 'server', 'server_hello', 0)), 'hello_retry_request');
    const ch2 = as(decode(vector('hello_retry_request', 'client', 'client_hello', 1)), 'client_hello');
    expect(findExtension(ch2.extensions, 'cookie')?.cookie).toEqual(findExtension(hrr.extensions, 'cookie')?.cookie);
    const shares = findExtension(ch2.extensions, 'key_share')!.clientShares;
    expect(shares.map((s) => s.group)).toEqual([NamedGroup.secp256r1]);
    expect(shares[0]!.keyExchange).toHaveLength(65);
  });

  test('decodes the second ServerHello as an ordinary server_hello', () => {
    const sh = decode(vector('hello_retry_request', 'server', 'server_hello', 1));
    expect(sh.type).toBe('server_hello');
  });
});

describe('RFC 8448 §6 client authentication', () => {
  test('reads the CertificateRequest with an empty context and its signature_algorithms', () => {
    const cr = as(decode(vector('client_authentication', 'server', 'certificate_request')), 'certificate_request');
    expect(cr.certificateRequestContext).toHaveLength(0);
    expect(findExtension(cr.extensions, 'signature_algorithms')?.schemes).toHaveLength(15);
  });

  test('reads the server ecdsa_secp256r1_sha256 CertificateVerify and the client certificate', () => {
    const cv = as(decode(vector('client_authentication', 'server', 'certificate_verify')), 'certificate_verify');
    expect(cv.algorithm).toBe(0x0403);
    expect(cv.signature[0]).toBe(0x30); // DER ECDSA-Sig-Value
    const cert = as(decode(vector('client_authentication', 'client', 'certificate')), 'certificate');
    expect(cert.certificateList).toHaveLength(1);
  });
});

describe('RFC 8448 §7 compatibility mode', () => {
  test('reads the 32-byte legacy_session_id and its echo in the ServerHello', () => {
    const ch = as(decode(vector('compatibility_mode', 'client', 'client_hello')), 'client_hello');
    const sh = as(decode(vector('compatibility_mode', 'server', 'server_hello')), 'server_hello');
    expect(ch.legacySessionId).toHaveLength(32);
    expect(toHex(sh.legacySessionIdEcho)).toBe(toHex(ch.legacySessionId));
  });
});

describe('the raw bytes a decoded message keeps for the transcript', () => {
  test("are the caller's framed message when it is one (taken over), else header and body joined", () => {
    const whole = fromHex(vector('simple_1rtt', 'server', 'server_hello'));
    const body = whole.subarray(4);
    // The reassembler's frame: body is the tail of raw.
    expect(decodeHandshake(whole[0]!, body, {}, whole).raw).toBe(whole);
    // A raw equal in content but held elsewhere is taken as well.
    const copy = whole.slice();
    expect(decodeHandshake(whole[0]!, body, {}, copy).raw).toBe(copy);
    // No raw, or one that is not this message (wrong type, wrong length, other bytes): rebuilt.
    const bad = [
      undefined,
      Uint8Array.of(1, ...whole.subarray(1)),
      whole.subarray(0, whole.length - 1),
      Uint8Array.from(whole, (b, i) => (i === 10 ? b ^ 1 : b)),
    ];
    for (const raw of bad) {
      const d = decodeHandshake(whole[0]!, body, {}, raw);
      expect(d.raw).not.toBe(raw);
      expect(toHex(d.raw)).toBe(toHex(whole));
    }
  });

  test('belong to each decoded message alone, even for messages without a body', () => {
    const eoed1 = Uint8Array.of(5, 0, 0, 0);
    const eoed2 = Uint8Array.of(5, 0, 0, 0);
    const a = decodeHandshake(5, eoed1.subarray(4), {}, eoed1);
    const b = decodeHandshake(5, eoed2.subarray(4), {}, eoed2);
    expect(a).not.toBe(b);
    expect(a.raw).toBe(eoed1);
    expect(b.raw).toBe(eoed2);
  });
});
