/**
 * The noble AES-GCM AEADs keep per-key state (AES key schedule, GHASH table for H) across
 * records (issue 16). These tests hold them byte-identical to node:crypto's AES-GCM
 * (NIST SP 800-38D) in both directions, for fresh and reused keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, nobleAead, toHex, type AeadName } from '@tls13sim/record';
import { seededRandom } from './helpers.js';

const suites: [AeadName, string][] = [
  ['aes128gcm', 'aes-128-gcm'],
  ['aes256gcm', 'aes-256-gcm'],
];

function nodeSeal(alg: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(alg as 'aes-128-gcm', key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(pt), c.final()]);
  return new Uint8Array(Buffer.concat([body, c.getAuthTag()]));
}

function nodeOpen(alg: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  const d = createDecipheriv(alg as 'aes-128-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
  } catch {
    return null;
  }
}

/** `bytes` copied to `offset` bytes into a fresh buffer (to test unaligned views). */
function at(bytes: Uint8Array, offset: number): Uint8Array {
  const buf = new Uint8Array(bytes.length + offset);
  buf.set(bytes, offset);
  return buf.subarray(offset);
}

const lengths = [...Array.from({ length: 101 }, (_, i) => i), 16384, 16385];

describe.each(suites)('noble %s against node:crypto %s', (name, alg) => {
  const aead = nobleAead(name);

  it('known answer: SP 800-38D test case (zero key, zero IV, one zero block), checked against node:crypto', () => {
    // McGrew–Viega GCM spec test cases 2 (AES-128) and 14 (AES-256).
    const expected: Record<string, string> = {
      aes128gcm: '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf',
      aes256gcm: 'cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919',
    };
    const key = new Uint8Array(aead.keyLength);
    const nonce = new Uint8Array(12);
    const pt = new Uint8Array(16);
    const empty = new Uint8Array(0);
    expect(toHex(nodeSeal(alg, key, nonce, empty, pt))).toBe(expected[name]);
    expect(toHex(aead.seal(key, nonce, empty, pt))).toBe(expected[name]);
    expect(aead.open(key, nonce, empty, fromHex(expected[name]!))).toEqual(pt);
  });

  it('seal and open match node:crypto for random keys, nonces, AAD and lengths 0..100, 16 KiB, 16 KiB + 1', () => {
    for (const len of lengths) {
      const key = new Uint8Array(randomBytes(aead.keyLength));
      const nonce = new Uint8Array(randomBytes(12));
      const aad = new Uint8Array(randomBytes(len % 23));
      const pt = new Uint8Array(randomBytes(len));
      const ours = aead.seal(key, nonce, aad, pt);
      const theirs = nodeSeal(alg, key, nonce, aad, pt);
      expect(toHex(ours), `length ${len}`).toBe(toHex(theirs));
      expect(nodeOpen(alg, key, nonce, aad, ours), `length ${len}`).toEqual(pt);
      expect(aead.open(key, nonce, aad, theirs), `length ${len}`).toEqual(pt);
    }
  });

  it('one key object reused across many records (nonces, AAD, lengths vary) stays byte-identical', () => {
    const rnd = seededRandom(name === 'aes128gcm' ? 11 : 12);
    const key = new Uint8Array(randomBytes(aead.keyLength));
    const other = new Uint8Array(randomBytes(aead.keyLength));
    for (let i = 0; i < 300; i++) {
      const k = i % 3 === 2 ? other : key;
      const len = i === 150 ? 16384 : rnd(1)[0]! % 70;
      const nonce = rnd(12);
      const aad = rnd(5);
      const pt = rnd(len);
      const theirs = nodeSeal(alg, k, nonce, aad, pt);
      expect(toHex(aead.seal(k, nonce, aad, pt)), `record ${i}`).toBe(toHex(theirs));
      expect(aead.open(k, nonce, aad, theirs), `record ${i}`).toEqual(pt);
    }
  });

  it('a key changed in place is used with its new bytes, not stale per-key state', () => {
    const key = new Uint8Array(randomBytes(aead.keyLength));
    const nonce = new Uint8Array(randomBytes(12));
    const aad = new Uint8Array(randomBytes(13));
    const pt = new Uint8Array(randomBytes(40));
    expect(toHex(aead.seal(key, nonce, aad, pt))).toBe(toHex(nodeSeal(alg, key, nonce, aad, pt)));
    key.set(randomBytes(aead.keyLength));
    const theirs = nodeSeal(alg, key, nonce, aad, pt);
    expect(toHex(aead.seal(key, nonce, aad, pt))).toBe(toHex(theirs));
    expect(aead.open(key, nonce, aad, theirs)).toEqual(pt);
    // An equal key in a different object gives the same bytes too.
    expect(toHex(aead.seal(key.slice(), nonce, aad, pt))).toBe(toHex(theirs));
  });

  it('unaligned views of key, nonce, AAD, plaintext and ciphertext give the same bytes', () => {
    for (const off of [1, 2, 3, 5]) {
      for (const len of [0, 1, 15, 16, 17, 100, 16384]) {
        const key = new Uint8Array(randomBytes(aead.keyLength));
        const nonce = new Uint8Array(randomBytes(12));
        const aad = new Uint8Array(randomBytes(5));
        const pt = new Uint8Array(randomBytes(len));
        const theirs = nodeSeal(alg, key, nonce, aad, pt);
        expect(toHex(aead.seal(at(key, off), at(nonce, off), at(aad, off), at(pt, off)))).toBe(toHex(theirs));
        const ptBefore = toHex(pt);
        expect(aead.open(at(key, off), at(nonce, off), at(aad, off), at(theirs, off))).toEqual(pt);
        expect(toHex(pt)).toBe(ptBefore);
      }
    }
  });

  it('any changed bit of ciphertext, tag, AAD or nonce, or a wrong key, is null; node:crypto agrees', () => {
    const key = new Uint8Array(randomBytes(aead.keyLength));
    const nonce = new Uint8Array(randomBytes(12));
    const aad = new Uint8Array(randomBytes(5));
    const pt = new Uint8Array(randomBytes(33));
    const sealed = aead.seal(key, nonce, aad, pt);
    for (const pos of [0, 17, 32, 33, 40, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[pos]! ^= 0x01;
      expect(aead.open(key, nonce, aad, bad), `byte ${pos}`).toBeNull();
      expect(nodeOpen(alg, key, nonce, aad, bad), `byte ${pos}`).toBeNull();
    }
    const badAad = aad.slice();
    badAad[4]! ^= 0x80;
    expect(aead.open(key, nonce, badAad, sealed)).toBeNull();
    const badNonce = nonce.slice();
    badNonce[11]! ^= 0x01;
    expect(aead.open(key, badNonce, aad, sealed)).toBeNull();
    const badKey = key.slice();
    badKey[0]! ^= 0x01;
    expect(aead.open(badKey, nonce, aad, sealed)).toBeNull();
    // A failed open leaves the key's state usable: the good record still opens.
    expect(aead.open(key, nonce, aad, sealed)).toEqual(pt);
    // Too short for a tag, and a tag alone over an empty plaintext.
    expect(aead.open(key, nonce, aad, sealed.subarray(0, 15))).toBeNull();
    const emptySealed = aead.seal(key, nonce, aad, new Uint8Array(0));
    expect(emptySealed.length).toBe(16);
    expect(aead.open(key, nonce, aad, emptySealed)).toEqual(new Uint8Array(0));
  });
});
