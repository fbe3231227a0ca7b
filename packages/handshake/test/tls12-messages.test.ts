/**
 * The TLS 1.2 message codecs (RFC 5246 §7.4, RFC 8422 §5.4/§5.7, RFC 5077 §3.3): every
 * message re-encodes to its bytes, and random bodies of every type decode or fail with a
 * TLS alert, never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlsError, toHex } from '@tls13sim/record';
import { decodeTls12, encodeTls12, Tls12HandshakeType, type Tls12Message } from '@tls13sim/handshake';

type NonHello = Exclude<Tls12Message, { type: 'client_hello' }>;
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });

const message: fc.Arbitrary<NonHello> = fc.oneof(
  fc.record({
    type: fc.constant('server_hello' as const),
    version: u16,
    random: bytes(32, 32),
    sessionId: bytes(0, 32),
    cipherSuite: u16,
    compression: fc.integer({ min: 0, max: 255 }),
    extensions: fc.uniqueArray(fc.record({ code: u16, data: bytes(0, 20) }), { selector: (e) => e.code, maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('server_key_exchange' as const), namedCurve: u16, publicKey: bytes(1, 97), algorithm: u16, signature: bytes(0, 100) }),
  fc.record({
    type: fc.constant('certificate_request' as const),
    certificateTypes: bytes(1, 4),
    schemes: fc.array(u16, { minLength: 1, maxLength: 8 }),
    authorities: fc.array(bytes(1, 30), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('certificate' as const), chain: fc.array(bytes(1, 60), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('server_hello_done' as const) }),
  fc.record({ type: fc.constant('client_key_exchange' as const), publicKey: bytes(1, 133) }),
  fc.record({ type: fc.constant('certificate_verify' as const), algorithm: u16, signature: bytes(0, 100) }),
  fc.record({ type: fc.constant('finished' as const), verifyData: bytes(12, 12) }),
  fc.record({ type: fc.constant('hello_request' as const) }),
  fc.record({ type: fc.constant('new_session_ticket' as const), lifetimeHint: fc.integer({ min: 0, max: 0xffffffff }), ticket: bytes(0, 100) }),
);

describe('TLS 1.2 message codecs', () => {
  it('decode(encode(m)) is m, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(message, (m) => {
        const raw = encodeTls12(m);
        expect(raw[0]).toBe(Tls12HandshakeType[m.type]);
        const back = decodeTls12(raw[0]!, raw.subarray(4), raw);
        expect(back).toEqual({ ...m, raw });
        expect(toHex(encodeTls12(back as NonHello))).toBe(toHex(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('random bodies of every TLS 1.2 message type decode or fail with an alert, never with another error', () => {
    const types = Object.values(Tls12HandshakeType);
    fc.assert(
      fc.property(fc.constantFrom(...types, 3, 99), bytes(0, 80), (type, body) => {
        const raw = new Uint8Array([type, 0, body.length >> 8, body.length & 0xff, ...body]);
        try {
          decodeTls12(type, body, raw);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
          expect(['decode_error', 'illegal_parameter', 'unexpected_message']).toContain((e as TlsError).alert);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a ServerKeyExchange with explicit curve parameters is illegal_parameter (RFC 8422 §5.4: named_curve only)', () => {
    const body = new Uint8Array([1, 0, 0x17, 1, 4, 4, 3, 0, 0]);
    expect(() => decodeTls12(12, body, new Uint8Array([12, 0, 0, body.length, ...body]))).toThrow(expect.objectContaining({ alert: 'illegal_parameter' }));
  });
});
