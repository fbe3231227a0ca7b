import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, HandshakeReassembler, toHex, Writer, type HandshakeMessage } from '@tls13sim/record';
import { RFC8448_RECORDS } from '../../../test/vectors/rfc8448-records.js';
import { alertOf, splitAt } from './helpers.js';

const msg = (type: number, body: Uint8Array) => new Writer().u8(type).opaque24(body).finish();
const drain = (r: HandshakeReassembler): HandshakeMessage[] => {
  const out: HandshakeMessage[] = [];
  for (let m = r.next(); m !== null; m = r.next()) out.push(m);
  return out;
};
const arbMessage = fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 200 }) }).map((m) => msg(m.type, m.body));

/** The server's encrypted flight of RFC 8448 §3: EncryptedExtensions, Certificate, CertificateVerify, Finished in one record. */
const flight = fromHex(RFC8448_RECORDS.find((v) => v.name === 'server_encrypted_flight')!.payload);

describe('HandshakeReassembler', () => {
  it('splits one record holding several messages (RFC 8448 §3 server flight)', () => {
    const r = new HandshakeReassembler();
    r.push(flight, 'handshake');
    const ms = drain(r);
    expect(ms.map((m) => m.type)).toEqual([8, 11, 15, 20]);
    expect(toHex(concatBytes(...ms.map((m) => m.raw)))).toBe(toHex(flight));
    expect(ms.every((m) => m.epoch === 'handshake' && m.raw.length === m.body.length + 4)).toBe(true);
    expect(r.hasPending()).toBe(false);
  });

  it('joins a message fragmented across many records', () => {
    const r = new HandshakeReassembler();
    const m = msg(11, new Uint8Array(1000).fill(3));
    for (let i = 0; i < m.length; i += 7) {
      expect(r.next()).toBeNull();
      r.push(m.subarray(i, i + 7), 'handshake');
    }
    const got = r.next()!;
    expect([got.type, got.body.length, toHex(got.raw)]).toEqual([11, 1000, toHex(m)]);
  });

  it('yields the same messages however the bytes are split into records', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (msgs, cuts) => {
        const stream = concatBytes(...msgs);
        const r = new HandshakeReassembler();
        const out: HandshakeMessage[] = [];
        for (const c of splitAt(stream, cuts)) {
          r.push(c, 'handshake');
          out.push(...drain(r));
        }
        expect(out.map((m) => toHex(m.raw))).toEqual(msgs.map(toHex));
        expect(r.hasPending()).toBe(false);
      }),
    );
  });

  it('reports every strict prefix of a message as incomplete and pending', () => {
    fc.assert(
      fc.property(arbMessage, (m) => {
        for (let n = 1; n < m.length; n++) {
          const r = new HandshakeReassembler();
          r.push(m.subarray(0, n), 'handshake');
          expect(r.next()).toBeNull();
          expect(r.hasPending()).toBe(true);
        }
      }),
    );
  });

  it('refuses to join bytes of two epochs: a message spanning a key change is unexpected_message', () => {
    const r = new HandshakeReassembler();
    const m = msg(20, new Uint8Array(32));
    r.push(m.subarray(0, 10), 'handshake');
    expect(alertOf(() => r.push(m.subarray(10), 'application'))).toBe('unexpected_message');
  });

  it('accepts a new epoch once everything buffered has been read', () => {
    const r = new HandshakeReassembler();
    r.push(msg(2, fromHex('0303')), 'plaintext');
    expect(r.next()!.epoch).toBe('plaintext');
    r.push(msg(8, fromHex('0000')), 'handshake');
    expect(r.next()!.epoch).toBe('handshake');
  });

  it('fails the record-boundary check when a key-changing message is followed by more bytes in its record', () => {
    // ServerHello and EncryptedExtensions coalesced into one plaintext record (§5.1 forbids it).
    const r = new HandshakeReassembler();
    r.push(concatBytes(msg(2, new Uint8Array(40)), msg(8, fromHex('0000'))), 'plaintext');
    expect(r.next()!.type).toBe(2);
    expect(r.atRecordBoundary).toBe(false);
    expect(alertOf(() => r.assertRecordBoundary())).toBe('unexpected_message');
  });

  it('fails the record-boundary check on a partial message and passes it when the record ended cleanly', () => {
    const r = new HandshakeReassembler();
    r.push(fromHex('14 00 00 20 aa'), 'handshake');
    expect(alertOf(() => r.assertRecordBoundary())).toBe('unexpected_message');
    const ok = new HandshakeReassembler();
    ok.push(msg(20, new Uint8Array(32)), 'handshake');
    ok.next();
    expect(ok.atRecordBoundary).toBe(true);
    expect(ok.assertRecordBoundary()).toBeDefined();
  });

  it('rejects a message over the size limit with illegal_parameter as soon as its header arrives', () => {
    const r = new HandshakeReassembler({ maxMessageSize: 100 });
    expect(alertOf(() => r.push(fromHex('0b 00 00 65'), 'handshake'))).toBe('illegal_parameter');
    const ok = new HandshakeReassembler({ maxMessageSize: 100 });
    ok.push(msg(11, new Uint8Array(100)), 'handshake');
    expect(ok.next()!.body.length).toBe(100);
    // A second message found behind the first is checked when it comes up, after the first is returned.
    const second = new HandshakeReassembler({ maxMessageSize: 100 });
    second.push(concatBytes(msg(8, fromHex('0000')), fromHex('0b 00 10 00')), 'handshake');
    expect(second.next()!.type).toBe(8);
    expect(alertOf(() => second.next())).toBe('illegal_parameter');
  });

  it('copies pushed bytes so that later changes to the caller buffer do not leak in', () => {
    const r = new HandshakeReassembler();
    const data = msg(20, fromHex('0102'));
    r.push(data, 'handshake');
    data.fill(0);
    expect(toHex(r.next()!.raw)).toBe('140000020102');
  });

  it('hands out messages that stay intact whatever is pushed, taken or cloned afterwards', () => {
    const r = new HandshakeReassembler();
    const a = msg(20, fromHex('0102'));
    const b = msg(21, fromHex('030405'));
    const c = msg(22, new Uint8Array(300).fill(7));
    // a and b in one record (each a view of the reassembler's copy), c split over two.
    const first = concatBytes(a, b, c.subarray(0, 100));
    r.push(first, 'handshake');
    const ma = r.next()!;
    const clone = r.clone();
    const mb = r.next()!;
    expect(r.next()).toBeNull();
    r.push(c.subarray(100), 'handshake');
    const mc = r.next()!;
    first.fill(0xee);
    expect(clone.next()!.raw).toEqual(b);
    expect([toHex(ma.raw), toHex(ma.body), toHex(mb.raw), toHex(mb.body)]).toEqual([toHex(a), '0102', toHex(b), '030405']);
    expect(mc.raw).toEqual(c);
    expect(mc.body).toEqual(c.subarray(4));
  });

  it('clones into an independent reassembler', () => {
    const r = new HandshakeReassembler();
    const m = msg(20, new Uint8Array(8).fill(1));
    r.push(m.subarray(0, 6), 'handshake');
    const c = r.clone();
    r.push(m.subarray(6), 'handshake');
    expect(toHex(r.next()!.raw)).toBe(toHex(m));
    expect(c.next()).toBeNull();
    expect(c.pendingBytes).toBe(6);
    c.push(m.subarray(6), 'handshake');
    expect(toHex(c.next()!.raw)).toBe(toHex(m));
  });
});
