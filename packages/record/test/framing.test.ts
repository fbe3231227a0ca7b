import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  ContentType,
  contentTypeName,
  Deframer,
  DecodeError,
  decodeAlert,
  encodePlaintextRecord,
  encodeRecordHeader,
  fromHex,
  isRecordContentType,
  MAX_CIPHERTEXT_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  TlsError,
  toHex,
  type RawRecord,
} from '@tls13sim/record';
import { RFC8448_RECORDS } from '../../../test/vectors/rfc8448-records.js';
import { alertOf, splitAt } from './helpers.js';

const drain = (d: Deframer): RawRecord[] => {
  const out: RawRecord[] = [];
  for (let r = d.next(); r !== null; r = d.next()) out.push(r);
  return out;
};
const deframe = (chunks: readonly Uint8Array[]): RawRecord[] => {
  const d = new Deframer();
  const out: RawRecord[] = [];
  for (const c of chunks) {
    d.push(c);
    out.push(...drain(d));
  }
  return out;
};
const summary = (rs: readonly RawRecord[]) => rs.map((r) => [r.type, r.version, toHex(r.fragment), toHex(r.wire)]);

/** A valid TLSPlaintext/TLSCiphertext record: known type, any 0x03xx version, length within its limit. */
const arbRecord = fc
  .record({
    type: fc.constantFrom(20, 21, 22, 23),
    minor: fc.integer({ min: 0, max: 255 }),
    fragment: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  })
  .filter((r) => r.fragment.length > 0 || r.type === 23 || r.type === 20)
  .map((r) => encodePlaintextRecordAny(r.type, r.fragment, 0x0300 | r.minor));

/** encodePlaintextRecord refuses application_data over 2^14 only; here all fragments are small. */
function encodePlaintextRecordAny(type: number, fragment: Uint8Array, version: number): Uint8Array {
  return concatBytes(encodeRecordHeader(type, version, fragment.length), fragment);
}

const vectorStream = concatBytes(...RFC8448_RECORDS.map((v) => fromHex(v.record)));

describe('content types', () => {
  it('names the five RFC 8446 §5.1 content types and keeps unknown ones as numbers', () => {
    expect(ContentType).toEqual({ invalid: 0, change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 });
    expect(contentTypeName(22)).toBe('handshake');
    expect(contentTypeName(99)).toBe('unknown_99');
  });

  it('treats invalid(0) and unassigned values as not carriable in a record', () => {
    expect([0, 19, 24, 255].map(isRecordContentType)).toEqual([false, false, false, false]);
    expect([20, 21, 22, 23].map(isRecordContentType)).toEqual([true, true, true, true]);
  });
});

describe('TLSPlaintext framing (RFC 8446 §5.1)', () => {
  it('writes type, legacy_record_version 0x0303 and a big-endian length before the fragment', () => {
    expect(toHex(encodePlaintextRecord(ContentType.alert, fromHex('0100')))).toBe('15030300020100');
  });

  it('refuses to send a zero-length handshake or alert fragment', () => {
    expect(() => encodePlaintextRecord(ContentType.handshake, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodePlaintextRecord(ContentType.alert, new Uint8Array(0))).toThrow(RangeError);
  });

  it('refuses to send a plaintext fragment over 2^14 bytes', () => {
    expect(() => encodePlaintextRecord(ContentType.handshake, new Uint8Array(MAX_PLAINTEXT_LENGTH + 1))).toThrow(RangeError);
    expect(encodePlaintextRecord(ContentType.handshake, new Uint8Array(MAX_PLAINTEXT_LENGTH)).length).toBe(MAX_PLAINTEXT_LENGTH + 5);
  });
});

describe('Deframer', () => {
  it('splits the RFC 8448 §3 byte stream into its nine records', () => {
    const rs = deframe([vectorStream]);
    expect(rs.map((r) => toHex(r.wire))).toEqual(RFC8448_RECORDS.map((v) => toHex(fromHex(v.record))));
    expect(rs[0]!.version).toBe(0x0301);
    expect(rs.slice(2).every((r) => r.type === ContentType.application_data)).toBe(true);
  });

  it('yields the same records when fed one byte at a time', () => {
    const bytes = [...vectorStream].map((b) => Uint8Array.of(b));
    expect(summary(deframe(bytes))).toEqual(summary(deframe([vectorStream])));
  });

  it('returns null while a header or a body is incomplete', () => {
    const d = new Deframer();
    d.push(fromHex('16 03 03 00'));
    expect(d.next()).toBeNull();
    d.push(fromHex('02 01'));
    expect(d.next()).toBeNull();
    expect(d.buffered).toBe(6);
    d.push(fromHex('02'));
    expect(toHex(d.next()!.fragment)).toBe('0102');
    expect(d.buffered).toBe(0);
  });

  it('rejects an unknown content type with unexpected_message as soon as the header arrives', () => {
    const d = new Deframer();
    d.push(fromHex('18 03 03 00 01'));
    expect(alertOf(() => d.next())).toBe('unexpected_message');
  });

  it('rejects content type invalid(0) on the wire', () => {
    const d = new Deframer();
    d.push(fromHex('00 03 03 00 01 00'));
    expect(alertOf(() => d.next())).toBe('unexpected_message');
  });

  it('accepts every 0x03xx legacy_record_version and rejects another major version with protocol_version', () => {
    for (const v of ['0300', '0301', '0302', '0303', '0304', '03ff']) {
      const d = new Deframer();
      d.push(fromHex(`16 ${v} 00 01 01`));
      expect(d.next()!.version).toBe(parseInt(v, 16));
    }
    for (const v of ['0203', '0403', '1603', '4745']) {
      const d = new Deframer();
      d.push(fromHex(`16 ${v} 00 01 01`));
      expect(alertOf(() => d.next())).toBe('protocol_version');
    }
  });

  it('rejects a plaintext record over 2^14 bytes with record_overflow before its body arrives', () => {
    for (const t of [20, 21, 22]) {
      const d = new Deframer();
      d.push(encodeRecordHeader(t, 0x0303, MAX_PLAINTEXT_LENGTH + 1));
      expect(alertOf(() => d.next())).toBe('record_overflow');
    }
  });

  it('allows an application_data (ciphertext) record up to 2^14 + 256 bytes and no more', () => {
    const ok = new Deframer();
    ok.push(encodeRecordHeader(23, 0x0303, MAX_CIPHERTEXT_LENGTH));
    expect(ok.next()).toBeNull();
    ok.push(new Uint8Array(MAX_CIPHERTEXT_LENGTH));
    expect(ok.next()!.fragment.length).toBe(MAX_CIPHERTEXT_LENGTH);
    const bad = new Deframer();
    bad.push(encodeRecordHeader(23, 0x0303, MAX_CIPHERTEXT_LENGTH + 1));
    expect(alertOf(() => bad.next())).toBe('record_overflow');
  });

  it('keeps failing with the same error after a bad header', () => {
    const d = new Deframer();
    d.push(fromHex('63 03 03 00 00'));
    let first: unknown;
    try {
      d.next();
    } catch (e) {
      first = e;
    }
    d.push(fromHex('16 03 03 00 01 01'));
    expect(() => d.next()).toThrow(first as Error);
  });

  it('returns records that own their bytes', () => {
    const d = new Deframer();
    const input = fromHex('17 03 03 00 02 aa bb');
    d.push(input);
    const r = d.next()!;
    input.fill(0);
    expect(toHex(r.wire)).toBe('17030300' + '02aabb');
  });

  it('clones into an independent deframer', () => {
    const a = new Deframer();
    a.push(fromHex('16 03 03 00 02 01'));
    const b = a.clone();
    a.push(fromHex('02'));
    expect(toHex(a.next()!.fragment)).toBe('0102');
    expect(b.next()).toBeNull();
    b.push(fromHex('ff'));
    expect(toHex(b.next()!.fragment)).toBe('01ff');
  });
});

describe('strict prefixes of the RFC 8448 alert payloads', () => {
  it('are rejected by the alert codec with decode_error, never accepted', () => {
    for (const v of RFC8448_RECORDS.filter((x) => x.contentType === ContentType.alert)) {
      const body = fromHex(v.payload);
      expect(decodeAlert(body)).toEqual({ level: 1, description: 0 });
      for (let n = 0; n < body.length; n++) {
        expect(() => decodeAlert(body.subarray(0, n))).toThrow(DecodeError);
      }
    }
  });
});

describe('Deframer properties', () => {
  it('round-trips any sequence of valid records (encode → deframe)', () => {
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 8 }), (records) => {
        const out = deframe([concatBytes(...records)]);
        expect(out.map((r) => toHex(r.wire))).toEqual(records.map(toHex));
        for (const r of out) {
          expect(toHex(encodePlaintextRecordAny(r.type, r.fragment, r.version))).toBe(toHex(r.wire));
        }
      }),
    );
  });

  it('gives output independent of how the stream is split', () => {
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (records, cuts) => {
        const stream = concatBytes(...records);
        expect(summary(deframe(splitAt(stream, cuts)))).toEqual(summary(deframe([stream])));
      }),
    );
  });

  it('splits the RFC 8448 stream identically at any cut points', () => {
    const whole = summary(deframe([vectorStream]));
    fc.assert(
      fc.property(fc.array(fc.nat({ max: vectorStream.length }), { maxLength: 60 }), (cuts) => {
        expect(summary(deframe(splitAt(vectorStream, cuts)))).toEqual(whole);
      }),
    );
  });

  it('reports every strict prefix of a valid record as incomplete, never as a record or an error', () => {
    fc.assert(
      fc.property(arbRecord, (rec) => {
        for (let n = 0; n < rec.length; n++) {
          const d = new Deframer();
          d.push(rec.subarray(0, n));
          expect(d.next()).toBeNull();
        }
      }),
    );
  });

  it('reports every strict prefix of each RFC 8448 record as incomplete', () => {
    for (const v of RFC8448_RECORDS) {
      const rec = fromHex(v.record);
      for (let n = 0; n < rec.length; n++) {
        const d = new Deframer();
        d.push(rec.subarray(0, n));
        expect(d.next()).toBeNull();
      }
    }
  });

  it('answers random bytes only with records, null or a TlsError, never a raw exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const d = new Deframer();
        d.push(bytes);
        try {
          drain(d);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
          expect(['unexpected_message', 'protocol_version', 'record_overflow']).toContain((e as TlsError).alert);
        }
      }),
    );
  });
});

describe('Deframer buffer hand-over', () => {
  it("returns a record that filled its buffer as its own: later pushes and the caller's input do not change it", () => {
    const d = new Deframer();
    const body = new Uint8Array(300).fill(0xab);
    const first = encodePlaintextRecord(ContentType.handshake, body);
    d.push(first);
    const r = d.next()!;
    first.fill(0);
    d.push(encodePlaintextRecord(ContentType.handshake, new Uint8Array(300).fill(0xcd)));
    const r2 = d.next()!;
    expect(r.fragment).toEqual(body);
    expect(r2.fragment).toEqual(new Uint8Array(300).fill(0xcd));
    expect(d.buffered).toBe(0);
  });
});
