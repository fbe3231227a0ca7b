/**
 * TLS 1.2 AEAD record protection (RFC 5246 §6.2.3.3, RFC 5288 §3, RFC 7905 §2) and the
 * record layer's TLS 1.2 mode. Oracles: node:crypto's AEADs fed a nonce and additional data
 * built here by hand from the RFC text (not by the code under test), and the RFC 8439
 * §2.8.2 ChaCha20-Poly1305 vector for the AEAD itself.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  ContentType,
  fromHex,
  nobleAead,
  protectRecord12,
  RecordLayer,
  TLS12_MAX_CIPHERTEXT_LENGTH,
  tls12AdditionalData,
  toHex,
  unprotectRecord12,
  type AeadName,
  type ReadRecord,
  type Tls12Keys,
} from '@tls13sim/record';
import { alertOf, splitAt } from './helpers.js';

const AD = ContentType.application_data;
const HS = ContentType.handshake;
const ALERT = ContentType.alert;
const names: AeadName[] = ['aes128gcm', 'aes256gcm', 'chacha20poly1305'];
const nodeName: Record<AeadName, string> = { aes128gcm: 'aes-128-gcm', aes256gcm: 'aes-256-gcm', chacha20poly1305: 'chacha20-poly1305' };
const ivLength = (n: AeadName): number => (n === 'chacha20poly1305' ? 12 : 4);
const keysFor = (name: AeadName, fill = 7): Tls12Keys => ({
  aead: nobleAead(name),
  key: new Uint8Array(nobleAead(name).keyLength).fill(fill),
  iv: fromHex('a0a1a2a3a4a5a6a7a8a9aaab').subarray(0, ivLength(name)),
});

/** The nonce by the RFC text, independently of tls12Nonce. */
function rfcNonce(name: AeadName, iv: Uint8Array, seq: bigint, explicit: Uint8Array): Uint8Array {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  if (name !== 'chacha20poly1305') return concatBytes(iv, explicit); // RFC 5288 §3: salt || nonce_explicit
  const n = new Uint8Array(iv); // RFC 7905 §2: iv XOR (0x00000000 || seq)
  for (let i = 0; i < 8; i++) n[4 + i]! ^= seqBytes[i]!;
  return n;
}

function nodeOpen(name: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const d = createDecipheriv(nodeName[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  d.setAAD(aad, { plaintextLength: ct.length - 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  return new Uint8Array(Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]));
}

describe('TLS 1.2 record protection: layout and nonces by the RFCs, checked with node:crypto', () => {
  for (const name of names) {
    it(`${name}: header keeps the real type, the explicit nonce is the sequence number (GCM) or absent (ChaCha), AAD = seq || type || version || plaintext length`, () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.constantFrom(AD, HS, ALERT),
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          (seq, type, content) => {
            const k = keysFor(name);
            const wire = protectRecord12(k, seq, type, content);
            expect([wire[0], wire[1], wire[2]]).toEqual([type, 3, 3]);
            const body = wire.subarray(5);
            expect((wire[3]! << 8) | wire[4]!).toBe(body.length);
            const explicitLen = name === 'chacha20poly1305' ? 0 : 8;
            expect(body.length).toBe(explicitLen + content.length + 16);
            const explicit = body.subarray(0, explicitLen);
            if (explicitLen === 8) expect(BigInt(`0x${toHex(explicit)}`)).toBe(seq);
            const seqBytes = Buffer.alloc(8);
            seqBytes.writeBigUInt64BE(seq);
            const aad = concatBytes(seqBytes, new Uint8Array([type, 3, 3, content.length >> 8, content.length & 0xff]));
            const pt = nodeOpen(name, k.key, rfcNonce(name, k.iv, seq, explicit), aad, body.subarray(explicitLen));
            expect(toHex(pt)).toBe(toHex(content));
            expect(unprotectRecord12(k, seq, wire)).toEqual({ contentType: type, content });
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('AES-GCM: a record sealed by another implementation with its own explicit nonce (not the sequence number) opens', () => {
    // RFC 5288 §3: "Each value of the nonce_explicit MUST be distinct for each distinct invocation": the receiver takes it from the record.
    const k = keysFor('aes128gcm');
    const explicit = fromHex('0102030405060708');
    const content = new TextEncoder().encode('GET / HTTP/1.1\r\n');
    const aad = tls12AdditionalData(5n, AD, 0x0303, content.length);
    const c = createCipheriv('aes-128-gcm', k.key, concatBytes(k.iv, explicit), { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: content.length });
    const ct = Buffer.concat([c.update(content), c.final(), c.getAuthTag()]);
    const len = 8 + ct.length;
    const wire = concatBytes(new Uint8Array([AD, 3, 3, len >> 8, len & 0xff]), explicit, ct);
    expect(unprotectRecord12(k, 5n, wire).content).toEqual(content);
    // Under another sequence number the AAD differs: bad_record_mac.
    expect(alertOf(() => unprotectRecord12(k, 6n, wire))).toBe('bad_record_mac');
  });

  it('the ChaCha20-Poly1305 AEAD matches RFC 8439 §2.8.2 (the nonce is the iv XOR the padded sequence number)', () => {
    const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    // RFC 8439 §2.8.2 nonce 07000000 4041424344454647 = iv 07000000 40414243 44454647 with seq 0.
    const k: Tls12Keys = { aead: nobleAead('chacha20poly1305'), key, iv: fromHex('070000004041424344454647') };
    const pt = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const sealed = k.aead.seal(k.key, fromHex('070000004041424344454647'), aad, pt);
    expect(toHex(sealed.subarray(sealed.length - 16))).toBe('1ae10b594f09e26a7e902ecbd0600691');
    // And the TLS 1.2 record at seq 0 uses exactly that nonce.
    const wire = protectRecord12(k, 0n, AD, pt);
    const expectedAad = tls12AdditionalData(0n, AD, 0x0303, pt.length);
    expect(toHex(wire.subarray(5))).toBe(toHex(k.aead.seal(k.key, fromHex('070000004041424344454647'), expectedAad, pt)));
  });

  it('refuses short, oversized and tampered records with the RFC alerts', () => {
    const k = keysFor('aes128gcm');
    const wire = protectRecord12(k, 0n, AD, fromHex('00112233'));
    // Shorter than explicit nonce + tag: bad_record_mac, never a crash.
    for (let cut = 5; cut < 5 + 8 + 16; cut++) {
      const w = wire.slice(0, cut);
      w[3] = (cut - 5) >> 8;
      w[4] = (cut - 5) & 0xff;
      expect(alertOf(() => unprotectRecord12(k, 0n, w))).toBe('bad_record_mac');
    }
    const big = new Uint8Array(5 + TLS12_MAX_CIPHERTEXT_LENGTH + 1);
    big.set([AD, 3, 3]);
    expect(alertOf(() => unprotectRecord12(k, 0n, big))).toBe('record_overflow');
    // Bad key material is our bug: a RangeError.
    expect(() => protectRecord12({ ...k, iv: new Uint8Array(12) }, 0n, AD, fromHex('00'))).toThrow(RangeError);
  });

  for (const name of names) {
    it(`${name}: every single bit flip of the type, version or fragment gives bad_record_mac`, () => {
      const k = keysFor(name);
      const wire = protectRecord12(k, 3n, HS, fromHex('1400000c00112233445566778899aabb'));
      for (let i = 0; i < wire.length; i++) {
        if (i === 3 || i === 4) continue; // the length field frames the record (the deframer's job); see the record-layer test
        for (let bit = 0; bit < 8; bit++) {
          const w = wire.slice();
          w[i]! ^= 1 << bit;
          expect(
            alertOf(() => unprotectRecord12(k, 3n, w)),
            `byte ${i} bit ${bit}`,
          ).toBe('bad_record_mac');
        }
      }
    });
  }
});

/** Two record layers as the two ends of one direction, in TLS 1.2 mode. */
function pair12(name: AeadName) {
  const w = new RecordLayer();
  const r = new RecordLayer();
  const k = keysFor(name, 9);
  w.installWriteKeys12('tls12', k.aead, k.key, k.iv);
  r.installReadKeys12('tls12', k.aead, k.key, k.iv);
  return { w, r, k };
}
const readAll = (r: RecordLayer): ReadRecord[] => {
  const out: ReadRecord[] = [];
  for (let x = r.nextRecord(); x !== null; x = r.nextRecord()) out.push(x);
  return out;
};

describe('RecordLayer in TLS 1.2 mode', () => {
  it('seals with sequence numbers 0, 1, 2 under epoch tls12 and reads back each real content type', () => {
    for (const name of names) {
      const { w, r, k } = pair12(name);
      const recs = [w.seal(HS, fromHex('1400000c000102030405060708090a0b')), w.seal(AD, fromHex('68656c6c6f')), w.seal(ALERT, fromHex('0100'))].flat();
      recs.forEach((rec, i) => expect(unprotectRecord12(k, BigInt(i), rec).contentType).toBe([HS, AD, ALERT][i]));
      expect([w.writeEpoch, w.writeSeq]).toEqual(['tls12', 3n]);
      r.pushBytes(concatBytes(...recs));
      const got = readAll(r);
      expect(got.map((g) => [g.contentType, g.outerType, g.epoch, g.seq, g.padding])).toEqual([
        [HS, HS, 'tls12', 0n, 0],
        [AD, AD, 'tls12', 1n, 0],
        [ALERT, ALERT, 'tls12', 2n, 0],
      ]);
      expect(toHex(got[1]!.data)).toBe('68656c6c6f');
    }
  });

  it('fragments application data at 2^14 bytes per record (RFC 5246 §6.2.1) and sends zero-length data as one record', () => {
    const { w, r } = pair12('aes256gcm');
    const data = new Uint8Array((1 << 14) * 2 + 5).map((_, i) => i & 0xff);
    const recs = w.seal(AD, data);
    expect(recs.map((x) => x.length - 5)).toEqual([(1 << 14) + 24, (1 << 14) + 24, 5 + 24]);
    expect(w.seal(AD, new Uint8Array(0)).map((x) => x.length - 5)).toEqual([24]);
    r.pushBytes(concatBytes(...recs));
    expect(toHex(concatBytes(...readAll(r).map((x) => x.data)))).toBe(toHex(data));
  });

  it('refuses a TLS 1.2 fixed IV of the wrong length', () => {
    const l = new RecordLayer();
    expect(() => l.installWriteKeys12('tls12', nobleAead('aes128gcm'), new Uint8Array(16), new Uint8Array(12))).toThrow(RangeError);
    expect(() => l.installReadKeys12('tls12', nobleAead('chacha20poly1305'), new Uint8Array(32), new Uint8Array(4))).toThrow(RangeError);
  });

  it('rejects zero-length protected handshake and alert records with unexpected_message', () => {
    const { r, k } = pair12('aes128gcm');
    r.pushBytes(protectRecord12(k, 0n, HS, new Uint8Array(0)));
    expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
  });

  it('yields the same records however the stream is split (split independence)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.nat(), { maxLength: 8 }), (name, cuts) => {
        const { w, r } = pair12(name);
        const stream = concatBytes(
          ...w.seal(HS, fromHex('1400000c000102030405060708090a0b')),
          ...w.seal(AD, new Uint8Array(300).fill(5)),
          ...w.seal(ALERT, fromHex('0100')),
        );
        const { r: whole } = pair12(name);
        whole.pushBytes(stream);
        const expected = readAll(whole).map((x) => [x.contentType, toHex(x.data)]);
        const got: ReadRecord[] = [];
        for (const part of splitAt(stream, cuts)) {
          r.pushBytes(part);
          got.push(...readAll(r));
        }
        expect(got.map((x) => [x.contentType, toHex(x.data)])).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('reports every strict prefix of a protected record as incomplete, never as a record or an error', () => {
    for (const name of names) {
      const { w } = pair12(name);
      const rec = w.seal(AD, fromHex('000102030405'))[0]!;
      for (let n = 0; n < rec.length; n++) {
        const { r } = pair12(name);
        r.pushBytes(rec.subarray(0, n));
        expect(r.nextRecord()).toBeNull();
      }
    }
  });

  it('never accepts a record with one bit flipped: the fragment, type and version give bad_record_mac, the length field a framing error or a wait', () => {
    const { w } = pair12('chacha20poly1305');
    const rec = w.seal(AD, fromHex('0001020304050607'))[0]!;
    for (let i = 0; i < rec.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const { r } = pair12('chacha20poly1305');
        const bad = rec.slice();
        bad[i]! ^= 1 << bit;
        r.pushBytes(bad);
        let outcome: string;
        try {
          outcome = r.nextRecord() === null ? 'wait' : 'accepted';
        } catch (e) {
          outcome = (e as { alert?: string }).alert ?? 'crash';
        }
        const expected =
          i === 0
            ? ['bad_record_mac', 'unexpected_message'] // another known type fails the AAD; an unknown one the deframer
            : i === 1
              ? ['protocol_version'] // the major version byte (deframer)
              : i === 2
                ? ['bad_record_mac']
                : i === 3 || i === 4
                  ? ['wait', 'bad_record_mac', 'record_overflow']
                  : ['bad_record_mac'];
        expect(expected, `byte ${i} bit ${bit}: ${outcome}`).toContain(outcome);
      }
    }
  });

  it('leaves TLS 1.3 protection untouched on the other direction and across a clone', () => {
    const l = new RecordLayer();
    const k = keysFor('aes128gcm');
    l.installWriteKeys12('tls12', k.aead, k.key, k.iv);
    l.installReadKeys('application', nobleAead('aes128gcm'), k.key, new Uint8Array(12));
    const c = l.clone();
    const a = l.seal(AD, fromHex('01'))[0]!;
    const b = c.seal(AD, fromHex('01'))[0]!;
    expect(toHex(a)).toBe(toHex(b));
    expect(unprotectRecord12(k, 0n, a).content).toEqual(fromHex('01'));
    expect(c.writeSeq).toBe(1n);
  });
});
