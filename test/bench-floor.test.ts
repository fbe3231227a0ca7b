/**
 * The handshake bench's crypto floor (bench/floor.ts, `floorOf` in bench/handshake.ts) must
 * not be cheaper than the handshake it stands for. Providers keep state keyed on their
 * inputs — the node provider's KeyObjects for the last few key-exchange private keys, the
 * noble AES-GCM schedule per key object — which a run of handshakes builds afresh for each
 * handshake's fresh keys; a floor replaying one recording over and over would find it ready.
 * These tests check what the replays hand the provider, not how fast they are.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider, type Aead, type AeadName, type CryptoProvider, type KeyExchange } from '@tls13sim/handshake';
import { floorOf } from '../bench/handshake.js';

/** Wraps noble, noting each x25519 private key drawn and each AEAD key object passed while `on`. */
function observing(): { provider: CryptoProvider; privateKeys: string[]; aeadKeys: Uint8Array[]; on: (v: boolean) => void } {
  const privateKeys: string[] = [];
  const aeadKeys: Uint8Array[] = [];
  let on = false;
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const wrapKex = (x: KeyExchange): KeyExchange => ({
    group: x.group,
    generate(rand) {
      const out = x.generate(rand);
      if (on) privateKeys.push(hex(out.privateKey));
      return out;
    },
    respond: (peer, rand) => x.respond(peer, rand),
    finish: (own, peer) => x.finish(own, peer),
  });
  const aeads = new Map<AeadName, Aead>();
  const wrapAead = (a: Aead): Aead => ({
    name: a.name,
    keyLength: a.keyLength,
    nonceLength: a.nonceLength,
    tagLength: a.tagLength,
    seal(key, nonce, aad, pt) {
      if (on) aeadKeys.push(key);
      return a.seal(key, nonce, aad, pt);
    },
    open(key, nonce, aad, ct) {
      if (on) aeadKeys.push(key);
      return a.open(key, nonce, aad, ct);
    },
  });
  const provider: CryptoProvider = {
    ...nobleProvider,
    keyExchange(group) {
      const x = nobleProvider.keyExchange(group);
      return x === undefined ? undefined : wrapKex(x);
    },
    aead(name) {
      let a = aeads.get(name);
      if (a === undefined) aeads.set(name, (a = wrapAead(nobleProvider.aead(name))));
      return a;
    },
  };
  return { provider, privateKeys, aeadKeys, on: (v) => void (on = v) };
}

describe('the handshake bench crypto floor', () => {
  it('replays handshakes with different key shares in turn, as a run of handshakes makes them', () => {
    const o = observing();
    const floor = floorOf(o.provider, 'ed25519');
    o.on(true);
    for (let i = 0; i < 8; i++) floor.replay();
    // The node provider keeps KeyObjects for its last 4 private keys: each of 8 replays in a
    // row draws a key share the 7 before it did not.
    expect(o.privateKeys).toHaveLength(8);
    expect(new Set(o.privateKeys).size).toBe(8);
  });

  it('hands the AEAD a fresh key object on every call, as each handshake derives new keys', () => {
    const o = observing();
    const floor = floorOf(o.provider, 'ed25519');
    o.on(true);
    floor.replay();
    floor.replay();
    expect(o.aeadKeys.length).toBeGreaterThan(0);
    expect(new Set(o.aeadKeys).size).toBe(o.aeadKeys.length);
  });

  it('counts the calls of a handshake after the first: the provider constants are not paid again', () => {
    const { counts } = floorOf(nobleProvider, 'ed25519');
    // Per side: Handshake Secret and Master Secret (§7.1); the no-PSK Early Secret is a
    // constant of the provider (keyschedule/stages.ts).
    expect(counts['hkdfExtract:sha256']).toBe(4);
    expect(counts['sign:ed25519']).toBe(1);
    expect(counts['verify:ed25519']).toBe(1);
  });
});
