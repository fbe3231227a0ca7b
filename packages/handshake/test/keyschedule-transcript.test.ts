/** The handshake transcript (RFC 8446 §4.4.1): raw messages kept, hashed on demand. */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { concatBytes, toHex, type Writer } from '@tls13sim/record';
import { nobleProvider } from '../src/crypto/noble.js';
import { seededRandom } from '../src/crypto/random.js';
import { Transcript, messageHash } from '../src/keyschedule/index.js';

const P = nobleProvider;
const hex = toHex;

/** A fake handshake message: type, uint24 length, body. */
function msg(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body);
}

const r = seededRandom('transcript');
const ch1 = msg(1, r.bytes(200));
const hrr = msg(2, r.bytes(80));
const ch2 = msg(1, r.bytes(220));
const sh = msg(2, r.bytes(90));
const ee = msg(8, r.bytes(10));

const nodeHash = (alg: string, ...parts: Uint8Array[]) =>
  nodeCrypto
    .createHash(alg)
    .update(concatBytes(...parts))
    .digest('hex');

describe('Transcript', () => {
  test('can be filled before the hash is known and then hashed with SHA-256 or SHA-384', () => {
    const t = new Transcript();
    t.add(ch1);
    t.add(sh);
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh));
    expect(hex(t.hash(P, 'sha384'))).toBe(nodeHash('sha384', ch1, sh));
    expect(t.length).toBe(2);
    expect(hex(t.bytes())).toBe(hex(concatBytes(ch1, sh)));
  });

  test('the empty transcript hashes to Hash("")', () => {
    expect(hex(new Transcript().hash(P, 'sha256'))).toBe(nodeHash('sha256'));
  });

  test('a hash taken earlier is not changed by later messages, and a later hash covers them', () => {
    const t = new Transcript([ch1]);
    const h1 = t.hash(P, 'sha256');
    t.add(sh);
    expect(hex(h1)).toBe(nodeHash('sha256', ch1));
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh));
  });

  test('keeps its own copy of each message (changing the caller buffer changes nothing)', () => {
    const buf = ch1.slice();
    const t = new Transcript();
    t.add(buf);
    buf[10]! ^= 0xff;
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1));
    const h = t.hash(P, 'sha256');
    h[0]! ^= 0xff; // nor does changing a returned hash
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1));
  });

  test('a clone evolves independently of the original', () => {
    const t = new Transcript([ch1, sh]);
    t.hash(P, 'sha256');
    const c = t.clone();
    c.add(ee);
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh));
    expect(hex(c.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh, ee));
    t.add(hrr);
    expect(c.length).toBe(3);
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh, hrr));
  });

  test('clones appending in turn, past any buffer size, keep their own messages and hashes', () => {
    const big = msg(11, r.bytes(3000));
    const t = new Transcript([ch1]);
    const c = t.clone();
    t.add(sh);
    c.add(hrr);
    const d = t.clone();
    t.add(big);
    d.add(ee);
    c.add(ch2);
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh, big));
    expect(hex(c.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, hrr, ch2));
    expect(hex(d.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, sh, ee));
    expect(t.messages.map(hex)).toEqual([ch1, sh, big].map(hex));
    expect(c.messages.map(hex)).toEqual([ch1, hrr, ch2].map(hex));
    expect(d.messages.map(hex)).toEqual([ch1, sh, ee].map(hex));
    expect(hex(t.bytes())).toBe(hex(concatBytes(ch1, sh, big)));
  });

  test('hashWith covers pending bytes (a truncated ClientHello) without recording them', () => {
    const t = new Transcript([ch1, hrr]);
    const partial = ch2.subarray(0, 100);
    expect(hex(t.hashWith(P, 'sha256', partial))).toBe(nodeHash('sha256', ch1, hrr, partial));
    expect(t.length).toBe(2);
    expect(hex(t.hash(P, 'sha256'))).toBe(nodeHash('sha256', ch1, hrr));
  });

  test('refuses something shorter than a handshake message header', () => {
    expect(() => new Transcript().add(new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('the HelloRetryRequest rewrite (§4.4.1)', () => {
  test.each([
    ['sha256', 32],
    ['sha384', 48],
  ] as const)('with %s, ClientHello1 becomes message_hash: fe 00 00 Hash.length || Hash(ClientHello1)', (alg, n) => {
    const t = new Transcript([ch1]);
    t.replaceWithMessageHash(P, alg);
    const synthetic = t.messages[0]!;
    expect(synthetic.length).toBe(4 + n);
    expect(hex(synthetic.subarray(0, 4))).toBe(`fe0000${n.toString(16)}`);
    expect(hex(synthetic.subarray(4))).toBe(nodeHash(alg, ch1));
    expect(hex(messageHash(P, alg, ch1))).toBe(hex(synthetic));
    t.add(hrr);
    t.add(ch2);
    t.add(sh);
    expect(hex(t.hash(P, alg))).toBe(nodeHash(alg, synthetic, hrr, ch2, sh));
  });

  test('drops any hash cached before the rewrite', () => {
    const t = new Transcript([ch1]);
    const before = t.hash(P, 'sha256');
    t.replaceWithMessageHash(P, 'sha256');
    expect(hex(t.hash(P, 'sha256'))).not.toBe(hex(before));
  });

  test('is only valid when the transcript holds exactly ClientHello1', () => {
    expect(() => new Transcript().replaceWithMessageHash(P, 'sha256')).toThrow(/exactly ClientHello1/);
    expect(() => new Transcript([ch1, hrr]).replaceWithMessageHash(P, 'sha256')).toThrow(/exactly ClientHello1/);
  });

  test('a clone taken before the rewrite keeps the original ClientHello1', () => {
    const t = new Transcript([ch1]);
    const c = t.clone();
    t.replaceWithMessageHash(P, 'sha256');
    expect(hex(c.messages[0]!)).toBe(hex(ch1));
  });
});

describe('Transcript.addWritten', () => {
  /** Writes `m` (a whole message) through the writer it is given, as an encoder would. */
  const writing = (m: Uint8Array) => (w: Writer) => void w.bytes(m);

  test('records what it writes, as add does, and hashes the same', () => {
    const a = new Transcript();
    const b = new Transcript();
    for (const m of [ch1, sh, ee]) {
      a.add(m);
      expect(hex(b.addWritten(writing(m)))).toBe(hex(m));
    }
    expect(hex(b.bytes())).toBe(hex(a.bytes()));
    expect(hex(b.hash(P, 'sha256'))).toBe(hex(a.hash(P, 'sha256')));
    expect(b.messages.map(hex)).toEqual([ch1, sh, ee].map(hex));
  });

  test('returns views lying back to back in one buffer, with no buffer of their own', () => {
    const t = new Transcript();
    const x = t.addWritten(writing(sh));
    const y = t.addWritten(writing(ee));
    expect(y.buffer).toBe(x.buffer);
    expect(y.byteOffset).toBe(x.byteOffset + x.length);
  });

  test('a view returned earlier never changes: not by growth, clones appending, or a rewrite', () => {
    const t = new Transcript();
    const first = t.addWritten(writing(ch1));
    const c = t.clone();
    c.add(hrr);
    const second = t.addWritten(writing(ch2)); // the clone wrote first: a copy is made
    const big = msg(11, r.bytes(3000));
    const third = t.addWritten(writing(big)); // past the buffer: the writer grows it
    expect(hex(first)).toBe(hex(ch1));
    expect(hex(second)).toBe(hex(ch2));
    expect(hex(third)).toBe(hex(big));
    expect(hex(t.bytes())).toBe(hex(concatBytes(ch1, ch2, big)));
    expect(hex(c.bytes())).toBe(hex(concatBytes(ch1, hrr)));
    const u = new Transcript();
    const kept = u.addWritten(writing(ch1));
    u.replaceWithMessageHash(P, 'sha256');
    u.addWritten(writing(hrr));
    expect(hex(kept)).toBe(hex(ch1));
  });

  test('refuses fewer than four bytes, and records nothing then', () => {
    const t = new Transcript();
    expect(() => t.addWritten((w) => void w.u16(1))).toThrow(/not a handshake message/);
    expect(t.length).toBe(0);
    t.addWritten(writing(sh));
    expect(hex(t.bytes())).toBe(hex(sh));
  });
});
