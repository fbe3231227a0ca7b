import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  ContentType,
  DEFAULT_KEY_LIMITS,
  fromHex,
  MAX_CIPHERTEXT_LENGTH,
  nobleAead,
  protectRecord,
  RecordLayer,
  SEQUENCE_MAX,
  TlsError,
  toHex,
  unprotectRecord,
  type AeadName,
  type ReadRecord,
} from '@tls13sim/record';
import { RFC8448_KEYS, RFC8448_RECORDS } from '../../../test/vectors/rfc8448-records.js';
import { alertOf, seededRandom, splitAt } from './helpers.js';

const AD = ContentType.application_data;
const HS = ContentType.handshake;
const names: AeadName[] = ['aes128gcm', 'aes256gcm', 'chacha20poly1305'];
const key = (name: AeadName, fill: number) => new Uint8Array(nobleAead(name).keyLength).fill(fill);
const iv = (fill: number) => new Uint8Array(12).fill(fill);

/** A writer and a reader sharing one epoch of keys, as the two ends of one direction. */
function pair(name: AeadName = 'aes128gcm', epoch = 'application') {
  const w = new RecordLayer();
  const r = new RecordLayer();
  w.installWriteKeys(epoch, nobleAead(name), key(name, 1), iv(2));
  r.installReadKeys(epoch, nobleAead(name), key(name, 1), iv(2));
  return { w, r };
}
const readAll = (r: RecordLayer): ReadRecord[] => {
  const out: ReadRecord[] = [];
  for (let x = r.nextRecord(); x !== null; x = r.nextRecord()) out.push(x);
  return out;
};

describe('RecordLayer epochs and sequence numbers', () => {
  it("starts in the 'plaintext' epoch in both directions", () => {
    const l = new RecordLayer();
    expect([l.readEpoch, l.writeEpoch, l.readSeq, l.writeSeq]).toEqual(['plaintext', 'plaintext', 0n, 0n]);
  });

  it('names each direction by the epoch of its last key installation and resets its sequence number', () => {
    const { w } = pair('aes128gcm', 'handshake');
    w.seal(HS, fromHex('14000000'));
    w.seal(HS, fromHex('14000000'));
    expect([w.writeEpoch, w.writeSeq, w.readEpoch]).toEqual(['handshake', 2n, 'plaintext']);
    w.installWriteKeys('application', nobleAead('aes128gcm'), key('aes128gcm', 3), iv(4));
    expect([w.writeEpoch, w.writeSeq]).toEqual(['application', 0n]);
  });

  it('uses sequence numbers 0, 1, 2… under one key, as §5.3 requires', () => {
    const { w } = pair('chacha20poly1305');
    const k = { aead: nobleAead('chacha20poly1305'), key: key('chacha20poly1305', 1), iv: iv(2) };
    const recs = [0, 1, 2].map(() => w.seal(AD, fromHex('aa'))[0]!);
    for (const [i, rec] of recs.entries()) expect(toHex(unprotectRecord(k, BigInt(i), rec).content)).toBe('aa');
  });

  it('refuses keys of the wrong length and the reserved epoch name', () => {
    const l = new RecordLayer();
    expect(() => l.installWriteKeys('x', nobleAead('aes256gcm'), new Uint8Array(16), iv(0))).toThrow(RangeError);
    expect(() => l.installWriteKeys('x', nobleAead('aes128gcm'), new Uint8Array(16), new Uint8Array(8))).toThrow(RangeError);
    expect(() => l.installWriteKeys('plaintext', nobleAead('aes128gcm'), new Uint8Array(16), iv(0))).toThrow(RangeError);
  });
});

describe('RecordLayer.seal', () => {
  it('frames handshake data as TLSPlaintext before write keys exist, splitting at 2^14', () => {
    const l = new RecordLayer();
    const recs = l.seal(HS, new Uint8Array(40_000).fill(1));
    expect(recs.map((r) => r.length - 5)).toEqual([16384, 16384, 7232]);
    expect(recs.every((r) => toHex(r.subarray(0, 3)) === '160303')).toBe(true);
  });

  it('fragments protected data so each TLSInnerPlaintext holds at most 2^14 content bytes', () => {
    const { w, r } = pair();
    const data = Uint8Array.from({ length: 40_000 }, (_, i) => i & 0xff);
    const recs = w.seal(AD, data);
    expect(recs.map((x) => x.length - 5 - 16 - 1)).toEqual([16384, 16384, 7232]);
    r.pushBytes(concatBytes(...recs));
    expect(toHex(concatBytes(...readAll(r).map((x) => x.data)))).toBe(toHex(data));
  });

  it('honours a record_size_limit (RFC 8449) counting the content type byte and the padding', () => {
    const { w, r } = pair();
    w.setMaxFragment(64);
    w.setPadding({ kind: 'block', size: 50 });
    const recs = w.seal(AD, new Uint8Array(200).fill(9));
    for (const rec of recs) expect(rec.length - 5 - 16).toBeLessThanOrEqual(64);
    expect(recs.length).toBe(Math.ceil(200 / 63));
    r.pushBytes(concatBytes(...recs));
    const got = readAll(r);
    expect(got.reduce((n, x) => n + x.data.length, 0)).toBe(200);
    expect(got.every((x) => x.data.length + 1 + x.padding <= 64)).toBe(true);
  });

  it('rejects a protected record over the record_size_limit we advertised with record_overflow (RFC 8449)', () => {
    const { w, r } = pair();
    r.setReadRecordSizeLimit(100);
    w.setMaxFragment(100);
    r.pushBytes(concatBytes(...w.seal(AD, new Uint8Array(99))));
    expect(r.nextRecord()!.data.length).toBe(99);
    w.setMaxFragment(101);
    r.pushBytes(concatBytes(...w.seal(AD, new Uint8Array(100))));
    expect(alertOf(() => r.nextRecord())).toBe('record_overflow');
  });

  it('sends zero-length application data as one empty protected record', () => {
    const { w, r } = pair();
    const recs = w.seal(AD, new Uint8Array(0));
    expect(recs.length).toBe(1);
    expect(recs[0]!.length).toBe(5 + 1 + 16);
    r.pushBytes(recs[0]!);
    const got = r.nextRecord()!;
    expect([got.contentType, got.data.length]).toEqual([AD, 0]);
  });

  it('refuses application data before write keys, a protected change_cipher_spec, and empty handshake records', () => {
    expect(() => new RecordLayer().seal(AD, fromHex('00'))).toThrow(/before write keys/);
    const { w } = pair();
    expect(() => w.seal(ContentType.change_cipher_spec, fromHex('01'))).toThrow(/never protected/);
    expect(() => w.seal(HS, new Uint8Array(0))).toThrow(RangeError);
    expect(() => w.seal(ContentType.alert, new Uint8Array(0))).toThrow(RangeError);
  });

  it('sends change_cipher_spec in the clear after the key change, and the reader passes it through unprotected', () => {
    const { w, r } = pair('aes128gcm', 'handshake');
    const [ccs] = w.sealPlaintext(ContentType.change_cipher_spec, fromHex('01'));
    expect(toHex(ccs!)).toBe('140303000101');
    expect(w.writeSeq).toBe(0n);
    r.pushBytes(ccs!);
    expect(r.nextRecord()).toMatchObject({ contentType: 20, outerType: 20, epoch: 'plaintext', seq: null });
    expect(r.readSeq).toBe(0n);
  });

  it('pads every protected record according to the policy, and the reader strips it', () => {
    const w = new RecordLayer({ padding: { kind: 'random', max: 100, random: seededRandom(3) } });
    const r = new RecordLayer();
    w.installWriteKeys('a', nobleAead('aes256gcm'), key('aes256gcm', 5), iv(6));
    r.installReadKeys('a', nobleAead('aes256gcm'), key('aes256gcm', 5), iv(6));
    const recs = Array.from({ length: 20 }, (_, i) => w.seal(AD, new Uint8Array(i).fill(i))[0]!);
    r.pushBytes(concatBytes(...recs));
    const got = readAll(r);
    expect(got.map((x) => x.data.length)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(got.map((x) => x.padding)).size).toBeGreaterThan(5);
    for (const [i, x] of got.entries()) expect(x.wire.length).toBe(5 + i + 1 + x.padding + 16);
  });
});

describe('RecordLayer.nextRecord', () => {
  it('decrypts with the keys installed when the record is read, not when its bytes arrived', () => {
    const [, sh, flight] = RFC8448_RECORDS;
    const client = new RecordLayer();
    client.pushBytes(concatBytes(fromHex(sh!.record), fromHex(flight!.record)));
    expect(client.nextRecord()!.epoch).toBe('plaintext');
    const k = RFC8448_KEYS.serverHandshake;
    client.installReadKeys('handshake', nobleAead('aes128gcm'), fromHex(k.key), fromHex(k.iv));
    const r = client.nextRecord()!;
    expect([r.contentType, r.epoch, r.data.length]).toEqual([HS, 'handshake', 657]);
  });

  it('rejects application data in the plaintext epoch with unexpected_message', () => {
    const l = new RecordLayer();
    l.pushBytes(fromHex('17 03 03 00 02 00 00'));
    expect(alertOf(() => l.nextRecord())).toBe('unexpected_message');
  });

  it('rejects zero-length plaintext handshake and alert records with unexpected_message', () => {
    for (const t of ['16', '15']) {
      const l = new RecordLayer();
      l.pushBytes(fromHex(`${t} 03 03 00 00`));
      expect(alertOf(() => l.nextRecord())).toBe('unexpected_message');
    }
  });

  it('rejects protected handshake and alert records with zero-length content with unexpected_message (§5.4)', () => {
    for (const t of [HS, ContentType.alert]) {
      const { r } = pair();
      r.pushBytes(protectRecord({ aead: nobleAead('aes128gcm'), key: key('aes128gcm', 1), iv: iv(2) }, 0n, t, new Uint8Array(0), 5));
      expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
    }
  });

  it('rejects a protected change_cipher_spec with unexpected_message (§5)', () => {
    const { r } = pair();
    r.pushBytes(protectRecord({ aead: nobleAead('aes128gcm'), key: key('aes128gcm', 1), iv: iv(2) }, 0n, 20, fromHex('01')));
    expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
  });

  it('rejects unprotected handshake records after read keys are installed', () => {
    const { r } = pair();
    r.pushBytes(fromHex('16 03 03 00 04 14 00 00 00'));
    expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
  });

  it('rejects unprotected alerts after read keys by default and passes them through when configured to', () => {
    const strict = pair().r;
    strict.pushBytes(fromHex('15 03 03 00 02 02 28'));
    expect(alertOf(() => strict.nextRecord())).toBe('unexpected_message');
    const lenient = new RecordLayer({ plaintextAlertsAfterKeys: true });
    lenient.installReadKeys('handshake', nobleAead('aes128gcm'), key('aes128gcm', 1), iv(2));
    lenient.pushBytes(fromHex('15 03 03 00 02 02 28'));
    expect(lenient.nextRecord()).toMatchObject({ contentType: 21, epoch: 'plaintext', seq: null });
  });

  it('keeps failing with the same error once the read side has failed', () => {
    const { w, r } = pair();
    const rec = w.seal(AD, fromHex('00'))[0]!;
    rec[rec.length - 1]! ^= 1;
    r.pushBytes(rec);
    expect(alertOf(() => r.nextRecord())).toBe('bad_record_mac');
    r.pushBytes(w.seal(AD, fromHex('00'))[0]!);
    expect(alertOf(() => r.nextRecord())).toBe('bad_record_mac');
  });

  it('yields the same records however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.uint8Array({ maxLength: 100 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (name, msgs, cuts) => {
          const { w, r } = pair(name);
          const stream = concatBytes(...msgs.flatMap((m) => w.seal(AD, m)));
          for (const chunk of splitAt(stream, cuts)) r.pushBytes(chunk);
          expect(readAll(r).map((x) => toHex(x.data))).toEqual(msgs.map(toHex));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports every strict prefix of a protected record as incomplete, never as a record or an error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 80 }), (name, data) => {
        const rec = pair(name).w.seal(AD, data)[0]!;
        for (let n = 0; n < rec.length; n++) {
          const { r } = pair(name);
          r.pushBytes(rec.subarray(0, n));
          expect(r.nextRecord()).toBeNull();
        }
      }),
      { numRuns: 30 },
    );
  });
});

/**
 * What a single flipped bit does to a protected record, by position. Only the fragment and
 * the AAD are authenticated; the header also drives framing, so a header flip can be
 * caught earlier, with another alert, or leave the record incomplete. Never accepted:
 *   byte 0 (type 23): becomes 22, 21 (unprotected after keys) or an unknown type → unexpected_message;
 *   byte 1 (version major 0x03): not 0x03xx → protocol_version;
 *   byte 2 (version minor): still 0x03xx, framing unchanged, AAD differs → bad_record_mac;
 *   bytes 3–4 (length): longer than 2^14 + 256 → record_overflow; longer → incomplete
 *     (null, waiting for bytes that never come); shorter → a truncated ciphertext → bad_record_mac;
 *   bytes 5… (encrypted_record): bad_record_mac.
 */
function expectedAfterFlip(wire: Uint8Array, byte: number, bit: number): string {
  if (byte === 0) return 'unexpected_message';
  if (byte === 1) return 'protocol_version';
  if (byte === 3 || byte === 4) {
    const len = (wire[3]! << 8) | wire[4]!;
    const flipped = len ^ (1 << (bit + (byte === 3 ? 8 : 0)));
    if (flipped > MAX_CIPHERTEXT_LENGTH) return 'record_overflow';
    if (flipped > len) return 'incomplete';
  }
  return 'bad_record_mac';
}

function outcomeOfFlip(wire: Uint8Array, byte: number, bit: number, reader: () => RecordLayer): string {
  const bad = wire.slice();
  bad[byte]! ^= 1 << bit;
  const r = reader();
  r.pushBytes(bad);
  try {
    const got = r.nextRecord();
    return got === null ? 'incomplete' : `accepted ${toHex(got.data)}`;
  } catch (e) {
    if (e instanceof TlsError) return e.alert;
    throw e;
  }
}

describe('single bit flips in a protected record', () => {
  it('are never accepted: every flip in the encrypted part gives bad_record_mac, header flips as documented', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 64 }), fc.nat(), (name, data, pick) => {
        const wire = pair(name).w.seal(AD, data)[0]!;
        const byte = pick % wire.length;
        for (let bit = 0; bit < 8; bit++) {
          expect(outcomeOfFlip(wire, byte, bit, () => pair(name).r)).toBe(expectedAfterFlip(wire, byte, bit));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('give the documented alert for every bit of the RFC 8448 client Finished and close_notify records', () => {
    for (const v of RFC8448_RECORDS.filter((x) => x.name === 'client_finished' || x.name === 'client_close_notify')) {
      const k = v.name === 'client_finished' ? RFC8448_KEYS.clientHandshake : RFC8448_KEYS.clientApplication;
      const reader = () => {
        const r = new RecordLayer();
        r.installReadKeys('x', nobleAead('aes128gcm'), fromHex(k.key), fromHex(k.iv));
        if (v.seq) r.forceSequence('read', BigInt(v.seq));
        return r;
      };
      const wire = fromHex(v.record);
      expect(outcomeOfFlip(wire, 0, 0, reader).startsWith('unexpected')).toBe(true);
      expect(reader().nextRecord()).toBeNull();
      const ok = reader();
      ok.pushBytes(wire);
      expect(ok.nextRecord()!.contentType).toBe(v.contentType);
      for (let byte = 0; byte < wire.length; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          expect(outcomeOfFlip(wire, byte, bit, reader), `byte ${byte} bit ${bit}`).toBe(expectedAfterFlip(wire, byte, bit));
        }
      }
    }
  });
});

describe('rejected 0-RTT skipping (§4.2.10)', () => {
  const early = { aead: nobleAead('aes128gcm'), key: key('aes128gcm', 0xee), iv: iv(0xee) };
  const hsKeys = () => [nobleAead('aes128gcm'), key('aes128gcm', 0x11), iv(0x11)] as const;

  it('drops records that fail under the handshake key until one decrypts, then stops skipping', () => {
    const server = new RecordLayer();
    server.installReadKeys('handshake', ...hsKeys());
    server.skipUndecryptable(1000);
    const client = new RecordLayer();
    client.installWriteKeys('handshake', ...hsKeys());
    server.pushBytes(
      concatBytes(
        protectRecord(early, 0n, AD, new Uint8Array(100)),
        protectRecord(early, 1n, AD, new Uint8Array(100)),
        client.seal(HS, fromHex('14 00 00 01 aa'))[0]!,
      ),
    );
    const r = server.nextRecord()!;
    expect([r.contentType, toHex(r.data), r.seq, server.skipping]).toEqual([HS, '14000001aa', 0n, false]);
    server.pushBytes(protectRecord(early, 2n, AD, new Uint8Array(1)));
    expect(alertOf(() => server.nextRecord())).toBe('bad_record_mac');
  });

  it('fails with unexpected_message once the skipped data exceeds the budget (§4.6.1)', () => {
    const server = new RecordLayer();
    server.installReadKeys('handshake', ...hsKeys());
    server.skipUndecryptable(150);
    server.pushBytes(protectRecord(early, 0n, AD, new Uint8Array(100)));
    expect(server.nextRecord()).toBeNull();
    server.pushBytes(protectRecord(early, 1n, AD, new Uint8Array(100)));
    expect(alertOf(() => server.nextRecord())).toBe('unexpected_message');
  });

  it('skips application_data records in the plaintext epoch after a HelloRetryRequest, but not handshake records', () => {
    const server = new RecordLayer();
    server.skipUndecryptable(1000);
    server.pushBytes(concatBytes(protectRecord(early, 0n, AD, new Uint8Array(50)), fromHex('16 03 03 00 04 01 00 00 00')));
    const r = server.nextRecord()!;
    expect([r.contentType, r.epoch]).toEqual([HS, 'plaintext']);
    expect(server.skipping).toBe(true);
    server.stopSkipping();
    server.pushBytes(protectRecord(early, 1n, AD, new Uint8Array(50)));
    expect(alertOf(() => server.nextRecord())).toBe('unexpected_message');
  });
});

describe('key usage limits (§5.5) and sequence numbers (§5.3)', () => {
  it('uses 2^24.5 records as the AES-GCM limit and the sequence space for ChaCha20-Poly1305', () => {
    expect(DEFAULT_KEY_LIMITS.aes128gcm.maxRecords).toBe(BigInt(Math.floor(2 ** 24.5)));
    expect(DEFAULT_KEY_LIMITS.aes256gcm.maxRecords).toBe(BigInt(Math.floor(2 ** 24.5)));
    expect(DEFAULT_KEY_LIMITS.chacha20poly1305.maxRecords).toBe(SEQUENCE_MAX);
  });

  it('reports a key update due at the threshold and refuses to write past the limit', () => {
    const w = new RecordLayer({ keyLimits: { aes128gcm: { maxRecords: 5n, updateAt: 3n } } });
    w.installWriteKeys('application', nobleAead('aes128gcm'), key('aes128gcm', 1), iv(1));
    w.seal(AD, fromHex('00'));
    w.seal(AD, fromHex('00'));
    expect(w.keyUpdateDue).toBe(false);
    w.seal(AD, fromHex('00'));
    expect(w.keyUpdateDue).toBe(true);
    // A 3-record write would pass the limit: refused whole, nothing sent, seq unchanged.
    expect(alertOf(() => w.seal(AD, new Uint8Array(3 * 16384)))).toBe('internal_error');
    expect(w.writeSeq).toBe(3n);
    w.seal(AD, new Uint8Array(2 * 16384));
    expect(alertOf(() => w.seal(AD, fromHex('00')))).toBe('internal_error');
    w.installWriteKeys('application+1', nobleAead('aes128gcm'), key('aes128gcm', 2), iv(2));
    expect([w.keyUpdateDue, w.writeSeq]).toEqual([false, 0n]);
    expect(w.seal(AD, fromHex('00')).length).toBe(1);
  });

  it('never writes sequence number 2^64 - 1 and so never wraps', () => {
    const { w } = pair('chacha20poly1305');
    w.forceSequence('write', SEQUENCE_MAX - 1n);
    expect(w.keyUpdateDue).toBe(true);
    const last = w.seal(AD, fromHex('ab'))[0]!;
    const k = { aead: nobleAead('chacha20poly1305'), key: key('chacha20poly1305', 1), iv: iv(2) };
    expect(toHex(unprotectRecord(k, SEQUENCE_MAX - 1n, last).content)).toBe('ab');
    expect(alertOf(() => w.seal(AD, fromHex('ab')))).toBe('internal_error');
  });

  it('terminates the connection rather than read with a wrapped sequence number', () => {
    const { w, r } = pair('chacha20poly1305');
    w.forceSequence('write', SEQUENCE_MAX - 1n);
    r.forceSequence('read', SEQUENCE_MAX - 1n);
    r.pushBytes(w.seal(AD, fromHex('01'))[0]!);
    expect(r.nextRecord()!.seq).toBe(SEQUENCE_MAX - 1n);
    r.pushBytes(protectRecord({ aead: nobleAead('chacha20poly1305'), key: key('chacha20poly1305', 1), iv: iv(2) }, SEQUENCE_MAX, AD, fromHex('02')));
    expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
  });
});

describe('RecordLayer.clone', () => {
  it('forks an independent copy of buffers, keys and sequence numbers', () => {
    const { w, r } = pair();
    const recs = [w.seal(AD, fromHex('01'))[0]!, w.seal(AD, fromHex('02'))[0]!];
    r.pushBytes(recs[0]!);
    r.pushBytes(recs[1]!.subarray(0, 10));
    const fork = r.clone();
    expect(toHex(r.nextRecord()!.data)).toBe('01');
    expect(r.nextRecord()).toBeNull();
    r.pushBytes(recs[1]!.subarray(10));
    expect(toHex(r.nextRecord()!.data)).toBe('02');
    // The fork still holds both records' bytes and sequence number 0.
    expect(fork.readSeq).toBe(0n);
    expect(toHex(fork.nextRecord()!.data)).toBe('01');
    fork.installReadKeys('other', nobleAead('aes128gcm'), key('aes128gcm', 9), iv(9));
    fork.pushBytes(recs[1]!.subarray(10));
    expect(alertOf(() => fork.nextRecord())).toBe('bad_record_mac');
    expect([r.readEpoch, r.readSeq]).toEqual(['application', 2n]);
    const wfork = w.clone();
    wfork.seal(AD, fromHex('03'));
    expect([w.writeSeq, wfork.writeSeq]).toEqual([2n, 3n]);
  });
});

describe('pushOwnedBytes', () => {
  it('yields the same records as pushBytes, whole or split, and adopts a whole record without copying it', async () => {
    const { RecordLayer, ContentType, nobleAead } = await import('@tls13sim/record');
    const aead = nobleAead('aes128gcm');
    const key = new Uint8Array(16).fill(1);
    const iv = new Uint8Array(12).fill(2);
    const w = new RecordLayer();
    w.installWriteKeys('application', aead, key, iv);
    const wires = [...w.seal(ContentType.application_data, new Uint8Array(100).fill(7)), ...w.seal(ContentType.application_data, new Uint8Array(50).fill(8))];
    const copy = wires.map((x) => x.slice());
    const a = new RecordLayer();
    const b = new RecordLayer();
    a.installReadKeys('application', aead, key, iv);
    b.installReadKeys('application', aead, key, iv);
    for (const x of copy) a.pushBytes(x);
    // Owned: the first whole record, then the second split in two owned chunks.
    b.pushOwnedBytes(wires[0]!);
    const first = b.nextRecord()!;
    expect(first.wire.buffer).toBe(wires[0]!.buffer);
    b.pushOwnedBytes(wires[1]!.subarray(0, 10));
    b.pushOwnedBytes(wires[1]!.subarray(10));
    const second = b.nextRecord()!;
    expect([first.data, second.data]).toEqual([a.nextRecord()!.data, a.nextRecord()!.data]);
    expect(b.nextRecord()).toBeNull();
  });
});

describe('records in a row that carry nothing (DEFAULT_MAX_IGNORED_RECORDS)', () => {
  const ALERT = fromHex('15 03 03 00 02 01 5a'); // warning user_canceled
  const CCS = fromHex('14 03 03 00 01 01');
  const HELLO_FRAGMENT = fromHex('16 03 03 00 01 01');
  const drain = (r: RecordLayer): number => {
    let n = 0;
    while (r.nextRecord() !== null) n++;
    return n;
  };

  it('passes 32 alerts and change_cipher_spec records, then refuses the 33rd with unexpected_message; a handshake record starts the count again', async () => {
    const { DEFAULT_MAX_IGNORED_RECORDS } = await import('@tls13sim/record');
    expect(DEFAULT_MAX_IGNORED_RECORDS).toBe(32);
    const r = new RecordLayer();
    for (let i = 0; i < 31; i++) r.pushBytes(i % 2 === 0 ? ALERT : CCS);
    r.pushBytes(HELLO_FRAGMENT);
    for (let i = 0; i < 32; i++) r.pushBytes(ALERT);
    expect(drain(r)).toBe(64);
    r.pushBytes(CCS);
    expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
  });

  it('counts empty protected application data, not application data with content; the limit can be set, and a clone keeps the count', () => {
    const { w } = pair();
    const reader = new RecordLayer({ maxIgnoredRecords: 3 });
    reader.installReadKeys('application', nobleAead('aes128gcm'), key('aes128gcm', 1), iv(2));
    for (const n of [0, 0, 0, 1, 0, 0]) for (const wire of w.seal(AD, new Uint8Array(n))) reader.pushBytes(wire);
    expect(drain(reader)).toBe(6);
    const fork = reader.clone();
    const [third] = w.seal(AD, new Uint8Array(0));
    const [fourth] = w.seal(AD, new Uint8Array(0));
    for (const r of [reader, fork]) {
      r.pushBytes(concatBytes(third!, fourth!));
      expect(r.nextRecord()!.data.length).toBe(0);
      expect(alertOf(() => r.nextRecord())).toBe('unexpected_message');
    }
  });

  it('counts records skipped as rejected early data when they count no bytes (§4.2.10)', () => {
    const early = { aead: nobleAead('aes128gcm'), key: key('aes128gcm', 0xee), iv: iv(0xee) };
    const server = new RecordLayer({ maxIgnoredRecords: 2 });
    server.installReadKeys('handshake', nobleAead('aes128gcm'), key('aes128gcm', 0x11), iv(0x11));
    server.skipUndecryptable(1000);
    server.pushBytes(concatBytes(protectRecord(early, 0n, AD, new Uint8Array(0)), protectRecord(early, 1n, AD, new Uint8Array(0))));
    expect(server.nextRecord()).toBeNull();
    server.pushBytes(protectRecord(early, 2n, AD, new Uint8Array(0)));
    expect(alertOf(() => server.nextRecord())).toBe('unexpected_message');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new RecordLayer({ maxIgnoredRecords: 0 })).toThrow(RangeError);
  });
});

describe('installing keys: copied, or handed over', () => {
  it('copies the key and IV by default, so later writes to them change nothing; keeps handed-over ones as they are', () => {
    const key = new Uint8Array(16).fill(0x42);
    const iv = new Uint8Array(12).fill(0x24);
    const data = Uint8Array.of(1, 2, 3);
    const seal = (handedOver: boolean, k: Uint8Array, i: Uint8Array) => {
      const w = new RecordLayer();
      w.installWriteKeys('application', nobleAead('aes128gcm'), k, i, handedOver);
      return w;
    };
    const reference = seal(false, key.slice(), iv.slice()).seal(ContentType.application_data, data)[0]!;

    // Copied: overwriting the caller's arrays afterwards does not reach the record layer.
    const k1 = key.slice();
    const i1 = iv.slice();
    const copied = seal(false, k1, i1);
    k1.fill(0);
    i1.fill(0);
    expect(copied.seal(ContentType.application_data, data)[0]).toEqual(reference);

    // Handed over: the arrays are the record layer's now (the endpoint hands over fresh keys
    // it never writes again), so a write to them would show.
    const k2 = key.slice();
    const i2 = iv.slice();
    const kept = seal(true, k2, i2);
    k2.fill(0);
    expect(kept.seal(ContentType.application_data, data)[0]).not.toEqual(reference);
  });
});
