/**
 * The noble CryptoProvider against node:crypto: hashes, HMAC, HKDF, and every key-exchange
 * group Node has (agreeing on shared secrets in both directions), plus the checks RFC 8446
 * asks of peer key shares (§4.2.8.2, §7.4.2) and the X25519MLKEM768 hybrid.
 */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { toHex } from '@tls13sim/record';
import type { NamedGroupName } from '../src/constants.js';
import { MLKEM768_SIZES, createNobleProvider, nobleProvider } from '../src/crypto/index.js';
import type { HashName, KeyExchange } from '../src/crypto/provider.js';
import { scriptedRandom, seededRandom } from '../src/crypto/random.js';
import { NOBLE_SIGNATURE_SCHEMES } from '../src/crypto/signature.js';

const P = nobleProvider;
const HASHES: readonly HashName[] = ['sha256', 'sha384', 'sha512'];
const hex = toHex;
const u8 = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b);

function kex(group: NamedGroupName): KeyExchange {
  const k = P.keyExchange(group);
  if (k === undefined) throw new Error(`no ${group}`);
  return k;
}

const inputs = [new Uint8Array(0), new Uint8Array([0x61, 0x62, 0x63]), seededRandom('hash-input').bytes(1000)];

describe('hashes, HMAC and HKDF agree with node:crypto', () => {
  test.each(HASHES)('%s digests match createHash and hashLength is the digest size', (alg) => {
    for (const data of inputs) {
      expect(hex(P.hash(alg, data))).toBe(nodeCrypto.createHash(alg).update(data).digest('hex'));
    }
    expect(P.hashLength(alg)).toBe(nodeCrypto.createHash(alg).digest().length);
  });

  test.each(HASHES)('HMAC-%s matches createHmac for short, block-sized and long keys', (alg) => {
    for (const keyLen of [0, 16, 128, 200]) {
      const key = seededRandom(`hmac-key-${keyLen}`).bytes(keyLen);
      for (const data of inputs) {
        expect(hex(P.hmac(alg, key, data))).toBe(nodeCrypto.createHmac(alg, key).update(data).digest('hex'));
      }
    }
  });

  test.each(HASHES)('HKDF-Extract then HKDF-Expand with %s matches hkdfSync', (alg) => {
    const r = seededRandom(`hkdf-${alg}`);
    const hashLen = P.hashLength(alg);
    for (const [ikmLen, saltLen, infoLen, length] of [
      [32, 32, 0, 32],
      [0, 0, 10, 1],
      [48, 13, 255, 100],
      [80, 64, 20, 255 * hashLen],
    ] as const) {
      const ikm = r.bytes(ikmLen);
      const salt = r.bytes(saltLen);
      const info = r.bytes(infoLen);
      const prk = P.hkdfExtract(alg, salt, ikm);
      expect(prk.length).toBe(hashLen);
      const okm = P.hkdfExpand(alg, prk, info, length);
      expect(hex(okm)).toBe(hex(u8(Buffer.from(nodeCrypto.hkdfSync(alg, ikm, salt, info, length)))));
    }
  });

  test.each(HASHES)('HKDF-Extract with %s: an empty salt is the same as Hash.length zero bytes (RFC 5869 §2.2)', (alg) => {
    const ikm = seededRandom('ikm').bytes(32);
    expect(hex(P.hkdfExtract(alg, new Uint8Array(0), ikm))).toBe(hex(P.hkdfExtract(alg, new Uint8Array(P.hashLength(alg)), ikm)));
  });
});

// --- key exchange against node --------------------------------------------------------------

type Raw = { pub: Uint8Array; priv: Uint8Array };

/** node raw DH for X25519/X448 through JWK. */
function nodeOkp(curve: 'x25519' | 'x448') {
  const crv = curve === 'x25519' ? 'X25519' : 'X448';
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return {
    generate(): Raw {
      const { privateKey } = curve === 'x25519' ? nodeCrypto.generateKeyPairSync('x25519') : nodeCrypto.generateKeyPairSync('x448');
      const jwk = privateKey.export({ format: 'jwk' });
      return { pub: u8(Buffer.from(jwk.x!, 'base64url')), priv: u8(Buffer.from(jwk.d!, 'base64url')) };
    },
    shared(own: Raw, peerPub: Uint8Array): Uint8Array {
      const privateKey = nodeCrypto.createPrivateKey({ key: { kty: 'OKP', crv, x: b64(own.pub), d: b64(own.priv) }, format: 'jwk' });
      const publicKey = nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv, x: b64(peerPub) }, format: 'jwk' });
      return u8(nodeCrypto.diffieHellman({ privateKey, publicKey }));
    },
  };
}

/** node ECDH for the NIST curves: uncompressed points in, the x-coordinate out. */
function nodeEcdh(curveName: 'prime256v1' | 'secp384r1' | 'secp521r1') {
  return {
    generate(): Raw {
      const e = nodeCrypto.createECDH(curveName);
      e.generateKeys();
      return { pub: u8(e.getPublicKey(null, 'uncompressed')), priv: u8(e.getPrivateKey()) };
    },
    shared(own: Raw, peerPub: Uint8Array): Uint8Array {
      const e = nodeCrypto.createECDH(curveName);
      e.setPrivateKey(own.priv);
      return u8(e.computeSecret(peerPub));
    },
  };
}

const NODE_GROUPS = [
  ['x25519', nodeOkp('x25519'), 32, 32],
  ['x448', nodeOkp('x448'), 56, 56],
  ['secp256r1', nodeEcdh('prime256v1'), 65, 32],
  ['secp384r1', nodeEcdh('secp384r1'), 97, 48],
  ['secp521r1', nodeEcdh('secp521r1'), 133, 66],
] as const;

describe.each(NODE_GROUPS)('%s agrees with node:crypto', (group, node, shareLength, secretLength) => {
  const k = kex(group);

  test('node as client, we respond: both compute the same shared secret', () => {
    for (let i = 0; i < 3; i++) {
      const client = node.generate();
      const res = k.respond(client.pub, seededRandom(`${group}-respond-${i}`));
      expect(res).not.toBeNull();
      expect(res!.share.length).toBe(shareLength);
      expect(res!.sharedSecret.length).toBe(secretLength);
      expect(hex(res!.sharedSecret)).toBe(hex(node.shared(client, res!.share)));
    }
  });

  test('we generate, node responds, we finish: both compute the same shared secret', () => {
    for (let i = 0; i < 3; i++) {
      const own = k.generate(seededRandom(`${group}-generate-${i}`));
      expect(own.group).toBe(group);
      expect(own.share.length).toBe(shareLength);
      const server = node.generate();
      const nodeSecret = node.shared(server, own.share);
      expect(hex(k.finish(own, server.pub)!)).toBe(hex(nodeSecret));
    }
  });

  test('the same random source gives the same key share; generate draws exactly one private key', () => {
    const a = k.generate(seededRandom('same'));
    const b = k.generate(seededRandom('same'));
    expect(hex(a.share)).toBe(hex(b.share));
    const c = k.generate(seededRandom('other'));
    expect(hex(c.share)).not.toBe(hex(a.share));
    // Replaying the private key as the only scripted chunk must reproduce the share.
    expect(hex(k.generate(scriptedRandom([a.privateKey])).share)).toBe(hex(a.share));
  });

  test('a peer share of the wrong length is refused with null, not an exception', () => {
    const own = k.generate(seededRandom('len'));
    for (const bad of [new Uint8Array(0), own.share.subarray(1), new Uint8Array(shareLength + 1)]) {
      expect(k.respond(bad, seededRandom('x'))).toBeNull();
      expect(k.finish(own, bad)).toBeNull();
    }
  });
});

describe('peer key share validation (RFC 8446 §4.2.8.2, §7.4.2)', () => {
  test.each(['secp256r1', 'secp384r1', 'secp521r1'] as const)('%s: a point off the curve is refused', (group) => {
    const k = kex(group);
    const own = k.generate(seededRandom('own'));
    const peer = k.generate(seededRandom('peer')).share.slice();
    peer[peer.length - 1]! ^= 1; // y no longer matches x
    expect(k.respond(peer, seededRandom('r'))).toBeNull();
    expect(k.finish(own, peer)).toBeNull();
  });

  test.each(['secp256r1', 'secp384r1', 'secp521r1'] as const)('%s: only the uncompressed form 0x04 || X || Y is accepted', (group) => {
    const k = kex(group);
    const own = k.generate(seededRandom('own'));
    const peer = k.generate(seededRandom('peer')).share;
    const coordLen = (peer.length - 1) / 2;
    const y = peer.subarray(1 + coordLen);
    const compressed = new Uint8Array(1 + coordLen);
    compressed[0] = 0x02 | (y[y.length - 1]! & 1);
    compressed.set(peer.subarray(1, 1 + coordLen), 1);
    expect(k.finish(own, compressed)).toBeNull();
    const wrongPrefix = peer.slice();
    wrongPrefix[0] = 0x06; // hybrid form
    expect(k.finish(own, wrongPrefix)).toBeNull();
    expect(k.finish(own, new Uint8Array(peer.length).fill(0).fill(4, 0, 1))).toBeNull(); // (0, 0)
    expect(k.finish(own, peer)).not.toBeNull();
  });

  test.each([
    ['x25519', 32],
    ['x448', 56],
  ] as const)('%s: a low-order peer value (shared secret all zero) is refused', (group, len) => {
    const k = kex(group);
    const own = k.generate(seededRandom('own'));
    const zero = new Uint8Array(len);
    const one = new Uint8Array(len);
    one[0] = 1;
    for (const bad of [zero, one]) {
      expect(k.respond(bad, seededRandom('r'))).toBeNull();
      expect(k.finish(own, bad)).toBeNull();
    }
  });

  test('finish refuses a key share generated for another group (a caller bug, so it throws)', () => {
    const own = kex('x25519').generate(seededRandom('g'));
    expect(() => kex('x448').finish(own, new Uint8Array(56).fill(9))).toThrow(TypeError);
  });
});

describe('X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem)', () => {
  const k = kex('X25519MLKEM768');

  test('client share, server share and shared secret have the draft sizes', () => {
    expect(MLKEM768_SIZES).toEqual({ clientShare: 1184 + 32, serverShare: 1088 + 32, sharedSecret: 64 });
    const own = k.generate(seededRandom('mlkem-client'));
    expect(own.share.length).toBe(1216);
    const res = k.respond(own.share, seededRandom('mlkem-server'))!;
    expect(res.share.length).toBe(1120);
    expect(res.sharedSecret.length).toBe(64);
  });

  test('client generate, server respond, client finish: equal 64-byte secrets', () => {
    for (let i = 0; i < 3; i++) {
      const own = k.generate(seededRandom(`c${i}`));
      const res = k.respond(own.share, seededRandom(`s${i}`))!;
      expect(hex(k.finish(own, res.share)!)).toBe(hex(res.sharedSecret));
    }
  });

  test('the secret is ML-KEM secret || X25519 secret, and the X25519 halves are ordinary X25519', () => {
    const own = k.generate(seededRandom('split-c'));
    const res = k.respond(own.share, seededRandom('split-s'))!;
    const xClient = { group: 'x25519' as const, privateKey: own.privateKey.slice(2400), share: own.share.slice(1184) };
    const xSecret = kex('x25519').finish(xClient, res.share.slice(1088));
    expect(hex(res.sharedSecret.slice(32))).toBe(hex(xSecret!));
    expect(hex(own.share.slice(1184))).toBe(hex(kex('x25519').generate(scriptedRandom([xClient.privateKey])).share));
    // And node agrees on that X25519 half.
    const node = nodeOkp('x25519');
    expect(hex(node.shared({ pub: xClient.share, priv: xClient.privateKey }, res.share.slice(1088)))).toBe(hex(xSecret!));
  });

  test('the same random source gives the same shares and secret (randomness only through RandomSource)', () => {
    const a = k.generate(seededRandom('det'));
    const b = k.generate(seededRandom('det'));
    expect(hex(a.share)).toBe(hex(b.share));
    expect(hex(k.respond(a.share, seededRandom('r'))!.share)).toBe(hex(k.respond(b.share, seededRandom('r'))!.share));
  });

  test('an encapsulation key failing the FIPS 203 modulus check is refused', () => {
    const own = k.generate(seededRandom('mod'));
    const bad = own.share.slice();
    bad.fill(0xff, 0, 3); // first coefficient 0xfff ≥ q = 3329
    expect(k.respond(bad, seededRandom('r'))).toBeNull();
  });

  test('wrong-length shares are refused; a low-order X25519 half is refused', () => {
    const own = k.generate(seededRandom('len'));
    expect(k.respond(own.share.subarray(1), seededRandom('r'))).toBeNull();
    const res = k.respond(own.share, seededRandom('r'))!;
    expect(k.finish(own, res.share.subarray(1))).toBeNull();
    const zeroX = own.share.slice();
    zeroX.fill(0, 1184);
    expect(k.respond(zeroX, seededRandom('r'))).toBeNull();
    const zeroServerX = res.share.slice();
    zeroServerX.fill(0, 1088);
    expect(k.finish(own, zeroServerX)).toBeNull();
  });

  test('a tampered ciphertext gives a different secret (ML-KEM implicit rejection), not an error', () => {
    const own = k.generate(seededRandom('tamper'));
    const res = k.respond(own.share, seededRandom('r'))!;
    const tampered = res.share.slice();
    tampered[5]! ^= 0x40;
    const got = k.finish(own, tampered);
    expect(got).not.toBeNull();
    expect(hex(got!)).not.toBe(hex(res.sharedSecret));
  });
});

describe('the noble provider', () => {
  test('offers every group of the design, the RFC 7919 finite-field groups last', () => {
    expect(P.supportedGroups).toEqual([
      'x25519',
      'secp256r1',
      'x448',
      'secp384r1',
      'secp521r1',
      'X25519MLKEM768',
      'ffdhe2048',
      'ffdhe3072',
      'ffdhe4096',
      'ffdhe6144',
      'ffdhe8192',
    ]);
    for (const g of P.supportedGroups) expect(P.keyExchange(g)?.group).toBe(g);
    expect(P.keyExchange('unknown_group' as NamedGroupName)).toBeUndefined();
    expect(createNobleProvider().name).toBe('noble');
  });

  test.each([
    ['aes128gcm', 'aes-128-gcm', 16],
    ['aes256gcm', 'aes-256-gcm', 32],
    ['chacha20poly1305', 'chacha20-poly1305', 32],
  ] as const)('its %s AEAD seals like node:crypto and opens what node seals', (name, nodeName, keyLen) => {
    const r = seededRandom(name);
    const key = r.bytes(keyLen);
    const nonce = r.bytes(12);
    const aad = r.bytes(5);
    const pt = r.bytes(100);
    const aead = P.aead(name);
    const sealed = aead.seal(key, nonce, aad, pt);
    const c = nodeCrypto.createCipheriv(nodeName as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: pt.length });
    const nodeSealed = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
    expect(hex(sealed)).toBe(hex(u8(nodeSealed)));
    expect(hex(aead.open(key, nonce, aad, u8(nodeSealed))!)).toBe(hex(pt));
    const bad = sealed.slice();
    bad[0]! ^= 1;
    expect(aead.open(key, nonce, aad, bad)).toBeNull();
  });

  test('sign and verify go to the signature module', () => {
    expect(P.supportedSignatureSchemes).toEqual(NOBLE_SIGNATURE_SCHEMES);
    expect(NOBLE_SIGNATURE_SCHEMES).toContain('ed25519');
    const seed = seededRandom('ed').bytes(32);
    const publicKey = { type: 'ed25519' as const, raw: ed25519.getPublicKey(seed) };
    const key = { type: 'ed25519' as const, seed, publicKey };
    const msg = new TextEncoder().encode('message');
    const sig = P.sign('ed25519', key, msg, seededRandom('s'));
    expect(P.verify('ed25519', publicKey, msg, sig)).toBe(true);
    expect(P.verify('ed25519', publicKey, msg.subarray(1), sig)).toBe(false);
  });
});

describe('seededRandom', () => {
  test('serves SHA-256(seed || uint32 counter) blocks in order, and a clone continues from the same place', () => {
    const expected = (seed: Uint8Array, n: number): string => {
      const blocks: Buffer[] = [];
      for (let c = 0; blocks.length * 32 < n; c++) {
        const ctr = Buffer.alloc(4);
        ctr.writeUInt32BE(c);
        blocks.push(nodeCrypto.createHash('sha256').update(seed).update(ctr).digest());
      }
      return toHex(Buffer.concat(blocks).subarray(0, n));
    };
    const seed = new TextEncoder().encode('kat');
    const r = seededRandom('kat');
    const first = r.bytes(5);
    const fork = r.clone!();
    const rest = r.bytes(70);
    expect(toHex(first) + toHex(rest)).toBe(expected(seed, 75));
    expect(toHex(fork.bytes(70))).toBe(toHex(rest));
    expect(toHex(seededRandom(7).bytes(33))).toBe(expected(new TextEncoder().encode('tls13sim-seed:7'), 33));
  });
});
