import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  ContentType,
  decodeInnerPlaintext,
  encodeInnerPlaintext,
  encodeRecordHeader,
  fromHex,
  MAX_INNER_PLAINTEXT_LENGTH,
  nobleAead,
  paddingLength,
  protectRecord,
  recordNonce,
  SEQUENCE_MAX,
  TlsError,
  toHex,
  unprotectRecord,
  type AeadName,
  type TrafficKeys,
} from '@tls13sim/record';
import { alertOf, seededRandom } from './helpers.js';

const names: AeadName[] = ['aes128gcm', 'aes256gcm', 'chacha20poly1305'];
const keysFor = (name: AeadName, fill = 7): TrafficKeys => {
  const aead = nobleAead(name);
  return { aead, key: new Uint8Array(aead.keyLength).fill(fill), iv: fromHex('000102030405060708090a0b') };
};
const nodeName: Record<AeadName, string> = {
  aes128gcm: 'aes-128-gcm',
  aes256gcm: 'aes-256-gcm',
  chacha20poly1305: 'chacha20-poly1305',
};

/** Seals an arbitrary TLSInnerPlaintext, bypassing protectRecord's own checks. */
function sealInner(keys: TrafficKeys, seq: bigint, inner: Uint8Array): Uint8Array {
  const header = encodeRecordHeader(23, 0x0303, inner.length + 16);
  const ct = keys.aead.seal(keys.key, recordNonce(keys.iv, seq), header, inner);
  const out = new Uint8Array(5 + ct.length);
  out.set(header);
  out.set(ct, 5);
  return out;
}

describe('noble AEADs', () => {
  for (const name of names) {
    it(`${name} agrees with node:crypto on the same key, nonce, AAD and plaintext`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: nobleAead(name).keyLength, maxLength: nobleAead(name).keyLength }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 13 }),
          fc.uint8Array({ maxLength: 300 }),
          (key, nonce, aad, pt) => {
            const aead = nobleAead(name);
            const sealed = aead.seal(key, nonce, aad, pt);
            const c = createCipheriv(nodeName[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
            c.setAAD(aad, { plaintextLength: pt.length });
            const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
            expect(toHex(sealed)).toBe(expected.toString('hex'));
            const d = createDecipheriv(nodeName[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
            d.setAAD(aad, { plaintextLength: pt.length });
            d.setAuthTag(sealed.subarray(sealed.length - 16));
            const back = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
            expect(toHex(aead.open(key, nonce, aad, sealed)!)).toBe(back.toString('hex'));
          },
        ),
        { numRuns: 30 },
      );
    });

    it(`${name} open returns null, never throws, for a bad tag, short input or wrong sizes`, () => {
      const aead = nobleAead(name);
      const key = new Uint8Array(aead.keyLength);
      const nonce = new Uint8Array(12);
      const sealed = aead.seal(key, nonce, new Uint8Array(0), fromHex('00112233'));
      const flipped = sealed.slice();
      flipped[flipped.length - 1]! ^= 1;
      expect(aead.open(key, nonce, new Uint8Array(0), flipped)).toBeNull();
      expect(aead.open(key, nonce, fromHex('01'), sealed)).toBeNull();
      expect(aead.open(key, nonce, new Uint8Array(0), sealed.subarray(0, 15))).toBeNull();
      expect(aead.open(key.subarray(1), nonce, new Uint8Array(0), sealed)).toBeNull();
      expect(aead.open(key, nonce.subarray(1), new Uint8Array(0), sealed)).toBeNull();
      expect(toHex(aead.open(key, nonce, new Uint8Array(0), sealed)!)).toBe('00112233');
    });
  }

  it('reports the key, nonce and tag sizes of RFC 8446 §5.2 / §B.4', () => {
    expect(names.map((n) => [nobleAead(n).keyLength, nobleAead(n).nonceLength, nobleAead(n).tagLength])).toEqual([
      [16, 12, 16],
      [32, 12, 16],
      [32, 12, 16],
    ]);
  });
});

describe('per-record nonce (RFC 8446 §5.3)', () => {
  it('XORs the big-endian sequence number into the last 8 bytes of the IV', () => {
    const iv = fromHex('5d313eb2671276ee13000b30');
    expect(toHex(recordNonce(iv, 0n))).toBe('5d313eb2671276ee13000b30');
    expect(toHex(recordNonce(iv, 1n))).toBe('5d313eb2671276ee13000b31');
    expect(toHex(recordNonce(iv, 0x0102030405060708n))).toBe(
      `5d313eb2${(0x671276ee ^ (0x01020304 >>> 0)).toString(16).padStart(8, '0')}${(0x13000b30 ^ 0x05060708).toString(16).padStart(8, '0')}`,
    );
    expect(toHex(recordNonce(iv, SEQUENCE_MAX))).toBe('5d313eb2' + '98ed8911ecfff4cf');
  });

  it('equals the byte-by-byte definition for every 64-bit sequence number, on both sides of 2^53', () => {
    const iv = fromHex('5d313eb2671276ee13000b30');
    const reference = (seq: bigint): string => {
      const padded = new Uint8Array(12);
      for (let k = 0; k < 8; k++) padded[11 - k] = Number((seq >> BigInt(8 * k)) & 0xffn);
      return toHex(padded.map((b, i) => b ^ iv[i]!));
    };
    const edges = [0n, 1n, 0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, SEQUENCE_MAX];
    for (const seq of edges) expect(toHex(recordNonce(iv, seq)), `seq ${seq}`).toBe(reference(seq));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: SEQUENCE_MAX }), (seq) => toHex(recordNonce(iv, seq)) === reference(seq)),
      { seed: 20260101, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n }), (seq) => toHex(recordNonce(iv, seq)) === reference(seq)),
      { seed: 20260102, numRuns: 500 },
    );
  });

  it('refuses a sequence number outside 64 bits', () => {
    expect(() => recordNonce(new Uint8Array(12), SEQUENCE_MAX + 1n)).toThrow(RangeError);
    expect(() => recordNonce(new Uint8Array(12), -1n)).toThrow(RangeError);
  });
});

describe('TLSInnerPlaintext (RFC 8446 §5.2, §5.4)', () => {
  it('is content, then the content type, then zero padding', () => {
    expect(toHex(encodeInnerPlaintext(22, fromHex('0a0b'), 3))).toBe('0a0b16000000');
  });

  it('finds the content type by scanning back over the zero padding', () => {
    expect(decodeInnerPlaintext(fromHex('00 00 17 00 00'))).toEqual({ contentType: 0x17, content: fromHex('0000'), padding: 2 });
  });

  it('rejects an all-zero inner plaintext with unexpected_message', () => {
    expect(alertOf(() => decodeInnerPlaintext(new Uint8Array(5)))).toBe('unexpected_message');
    expect(alertOf(() => decodeInnerPlaintext(new Uint8Array(0)))).toBe('unexpected_message');
  });
});

describe('padding policies', () => {
  it('adds nothing under the none policy', () => {
    expect(paddingLength({ kind: 'none' }, 100)).toBe(0);
  });

  it('pads the inner plaintext to a multiple of the block size', () => {
    for (const len of [0, 1, 30, 31, 32, 100]) {
      const pad = paddingLength({ kind: 'block', size: 32 }, len);
      expect((len + 1 + pad) % 32).toBe(0);
      expect(pad).toBeLessThan(32);
    }
  });

  it('draws random padding up to max from the injected source, reproducibly', () => {
    const a = Array.from(
      { length: 50 },
      (
        (r) => () =>
          paddingLength({ kind: 'random', max: 40, random: r }, 10)
      )(seededRandom(9)),
    );
    const b = Array.from(
      { length: 50 },
      (
        (r) => () =>
          paddingLength({ kind: 'random', max: 40, random: r }, 10)
      )(seededRandom(9)),
    );
    expect(a).toEqual(b);
    expect(Math.max(...a)).toBeLessThanOrEqual(40);
    expect(new Set(a).size).toBeGreaterThan(10);
  });

  it('never lets padding push the inner plaintext past the size limit', () => {
    // 16384 bytes of content + type = 16385 = the limit: a 4096 block would want 4095 more.
    expect(paddingLength({ kind: 'block', size: 4096 }, MAX_INNER_PLAINTEXT_LENGTH - 1)).toBe(0);
    expect(paddingLength({ kind: 'block', size: 100_000 }, 10)).toBe(MAX_INNER_PLAINTEXT_LENGTH - 11);
    expect(paddingLength({ kind: 'random', max: 1000, random: () => fromHex('ffffffff') }, 90, 100)).toBeLessThanOrEqual(9);
  });

  it('is stripped on unprotect, whatever the policy', () => {
    const keys = keysFor('chacha20poly1305');
    const wire = protectRecord(keys, 5n, ContentType.application_data, fromHex('abcdef'), 200);
    expect(wire.length).toBe(5 + 3 + 1 + 200 + 16);
    const r = unprotectRecord(keys, 5n, wire);
    expect([toHex(r.content), r.contentType, r.padding]).toEqual(['abcdef', 23, 200]);
  });
});

describe('record protection', () => {
  it('round-trips any content type, content and padding under every AEAD', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.constantFrom(21, 22, 23),
        fc.uint8Array({ maxLength: 400 }),
        fc.nat({ max: 64 }),
        fc.bigInt({ min: 0n, max: SEQUENCE_MAX }),
        (name, type, content, pad, seq) => {
          const keys = keysFor(name);
          const wire = protectRecord(keys, seq, type, content, pad);
          expect(toHex(wire.subarray(0, 3))).toBe('170303');
          expect((wire[3]! << 8) | wire[4]!).toBe(content.length + 1 + pad + 16);
          const r = unprotectRecord(keys, seq, wire);
          expect([r.contentType, toHex(r.content), r.padding]).toEqual([type, toHex(content), pad]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives the same bad_record_mac, with the same message, for every kind of authentication failure', () => {
    const keys = keysFor('aes128gcm');
    const wire = protectRecord(keys, 0n, 23, fromHex('68656c6c6f'));
    const messages = new Set<string>();
    const failures: Array<() => unknown> = [
      () => unprotectRecord(keysFor('aes128gcm', 8), 0n, wire),
      () => unprotectRecord(keys, 1n, wire),
      () => unprotectRecord(keys, 0n, wire.subarray(0, wire.length - 1)),
      () => unprotectRecord(keys, 0n, wire.subarray(0, 5 + 3)),
      () => unprotectRecord(keys, 0n, Uint8Array.from([...wire.subarray(0, 2), 0x01, ...wire.subarray(3)])),
    ];
    for (const f of failures) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(TlsError);
        expect((e as TlsError).alert).toBe('bad_record_mac');
        messages.add((e as Error).message);
      }
    }
    expect(messages.size).toBe(1);
  });

  it('rejects a decrypted all-zero inner plaintext with unexpected_message', () => {
    const keys = keysFor('aes256gcm');
    expect(alertOf(() => unprotectRecord(keys, 0n, sealInner(keys, 0n, new Uint8Array(10))))).toBe('unexpected_message');
  });

  it('rejects an unknown inner content type with unexpected_message', () => {
    const keys = keysFor('aes256gcm');
    expect(alertOf(() => unprotectRecord(keys, 0n, sealInner(keys, 0n, fromHex('aa 63 00'))))).toBe('unexpected_message');
  });

  it('rejects a decrypted inner plaintext over 2^14 + 1 bytes with record_overflow', () => {
    const keys = keysFor('aes128gcm');
    const inner = new Uint8Array(MAX_INNER_PLAINTEXT_LENGTH + 1);
    inner[0] = 23;
    const wire = sealInner(keys, 0n, inner);
    expect(alertOf(() => unprotectRecord(keys, 0n, wire))).toBe('record_overflow');
    inner[0] = 0;
    inner[MAX_INNER_PLAINTEXT_LENGTH - 1] = 23;
    expect(unprotectRecord(keys, 0n, sealInner(keys, 0n, inner.subarray(0, MAX_INNER_PLAINTEXT_LENGTH))).content.length).toBe(MAX_INNER_PLAINTEXT_LENGTH - 1);
  });

  it('refuses to protect an inner plaintext over 2^14 + 1 bytes', () => {
    expect(() => protectRecord(keysFor('aes128gcm'), 0n, 23, new Uint8Array(1 << 14), 1)).toThrow(RangeError);
  });
});

describe('record protection through an AEAD that seals in place', () => {
  it('writes the same record through sealInto as through seal, and opens it', () => {
    for (const name of names) {
      const plain = keysFor(name);
      const sealed: string[] = [];
      const inPlace: TrafficKeys = {
        ...plain,
        aead: {
          ...plain.aead,
          seal: plain.aead.seal.bind(plain.aead),
          open: plain.aead.open.bind(plain.aead),
          sealInto(key, nonce, aad, parts, out, offset) {
            sealed.push(name);
            const inner = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
            parts.reduce((at, p) => (inner.set(p, at), at + p.length), 0);
            out.set(plain.aead.seal(key, nonce, aad, inner), offset);
          },
        },
      };
      const content = fromHex('0102030405');
      const viaSeal = protectRecord(plain, 3n, ContentType.application_data, content, 7);
      const viaSealInto = protectRecord(inPlace, 3n, ContentType.application_data, content, 7);
      expect(toHex(viaSealInto)).toBe(toHex(viaSeal));
      expect(sealed).toEqual([name]);
      const opened = unprotectRecord(plain, 3n, viaSealInto);
      expect([opened.contentType, toHex(opened.content), opened.padding]).toEqual([ContentType.application_data, '0102030405', 7]);
    }
  });
});

describe('noble sealInto and the aligned layout of large records', () => {
  /** OpenSSL's seal of `pt`: the reference every noble path is held against. */
  const opensslSeal = (name: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): string => {
    const c = createCipheriv(nodeName[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: pt.length });
    return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
  };

  it('writes what OpenSSL seals, from parts anywhere, at aligned and unaligned offsets, in place or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (name, a, b, offset, inPlace) => {
          const aead = nobleAead(name);
          const key = new Uint8Array(aead.keyLength).fill(9);
          const nonce = fromHex('0b0a09080706050403020100');
          const aad = fromHex('1703030000');
          const out = new Uint8Array(offset + a.length + b.length + 16 + 3);
          let parts: Uint8Array[] = [a, b];
          if (inPlace) {
            out.set(a, offset);
            out.set(b, offset + a.length);
            parts = [out.subarray(offset, offset + a.length), out.subarray(offset + a.length, offset + a.length + b.length)];
          }
          aead.sealInto!(key, nonce, aad, parts, out, offset);
          const pt = new Uint8Array([...a, ...b]);
          expect(toHex(out.subarray(offset, offset + pt.length + 16))).toBe(opensslSeal(name, key, nonce, aad, pt));
          expect(out.subarray(0, offset).every((x) => x === 0)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('refuses an output too short for ciphertext and tag', () => {
    for (const name of names) {
      const aead = nobleAead(name);
      const key = new Uint8Array(aead.keyLength);
      expect(() => aead.sealInto!(key, new Uint8Array(12), new Uint8Array(0), [new Uint8Array(10)], new Uint8Array(30), 5)).toThrow(RangeError);
    }
  });

  it('seals an aligned ChaCha20-Poly1305 region in place, without a sealed copy', () => {
    const aead = nobleAead('chacha20poly1305');
    const spy = vi.spyOn(aead, 'seal');
    try {
      const key = new Uint8Array(32).fill(1);
      const content = new Uint8Array(4000).fill(0x61);
      const record = protectRecord({ aead, key, iv: new Uint8Array(12) }, 0n, ContentType.application_data, content);
      expect(spy).not.toHaveBeenCalled();
      const out = new Uint8Array(4 + 1 + 100 + 16).subarray(4);
      aead.sealInto!(key, new Uint8Array(12), new Uint8Array(0), [new Uint8Array(100)], out, 1);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(unprotectRecord({ aead, key, iv: new Uint8Array(12) }, 0n, record).content.length).toBe(4000);
    } finally {
      spy.mockRestore();
    }
  });

  it('lays out a large record so that its encrypted_record is 4-byte aligned, and a small one as a plain array', () => {
    for (const name of names) {
      const keys = keysFor(name);
      for (const size of [300, 16384]) {
        const record = protectRecord(keys, 1n, ContentType.application_data, new Uint8Array(size).fill(2));
        expect((record.byteOffset + 5) % 4).toBe(0);
        expect(unprotectRecord(keys, 1n, record).content.length).toBe(size);
      }
      const small = protectRecord(keys, 1n, ContentType.alert, Uint8Array.of(2, 40));
      expect([small.byteOffset, small.buffer.byteLength]).toEqual([0, small.length]);
    }
  });
});
