/**
 * The crypto floor of a handshake: a recording wrapper notes every provider call one
 * handshake makes (both endpoints), with copies of its arguments and of the random bytes
 * it drew; `replay` then makes exactly those calls again, directly on the provider, with
 * the recorded draws served from a script. Nothing but cryptography runs in the replay.
 *
 * A replay must not be cheaper than the handshake it stands for. Providers keep state
 * keyed on their inputs (the noble AES-GCM key schedule and GHASH table per key object;
 * the node provider's KeyObjects for the last few key-exchange private keys, by content),
 * which a handshake builds afresh for its fresh keys but a replay of the same recording
 * would find ready: so each AEAD call gets a fresh copy of its key (a handshake derives a
 * new key object), and `floorOf` (handshake.ts) replays several recordings in turn.
 */
import type { Aead, AeadName, CryptoProvider, KeyExchange, KeyShareSecret, RandomSource } from '@tls13sim/handshake';

export interface Recording {
  /** Calls per operation name (e.g. `sign:ed25519`, `hash:sha256`). */
  readonly counts: Readonly<Record<string, number>>;
  /** Makes every recorded call again, in order. */
  replay(): void;
  /** Forgets what was recorded so far (calls and counts). */
  reset(): void;
}

/** Serves recorded draws back, in order, without hashing anything. */
function scripted(draws: readonly Uint8Array[]): RandomSource {
  let i = 0;
  return { bytes: () => draws[i++]!.slice() };
}

/** Wraps `rand` to keep a copy of every draw. */
function recording(rand: RandomSource, into: Uint8Array[]): RandomSource {
  return {
    bytes(n: number) {
      const b = rand.bytes(n);
      into.push(b.slice());
      return b;
    },
  };
}

export function recordingProvider(inner: CryptoProvider): { provider: CryptoProvider; recording: Recording } {
  const calls: (() => void)[] = [];
  const counts: Record<string, number> = {};
  const note = (op: string, thunk: () => void): void => {
    counts[op] = (counts[op] ?? 0) + 1;
    calls.push(thunk);
  };
  const c = (b: Uint8Array) => b.slice();

  const aeads = new Map<AeadName, Aead>();
  const wrapAead = (a: Aead): Aead => ({
    name: a.name,
    keyLength: a.keyLength,
    nonceLength: a.nonceLength,
    tagLength: a.tagLength,
    seal(key, nonce, aad, pt) {
      const [k, n, d, p] = [c(key), c(nonce), c(aad), c(pt)];
      note(`seal:${a.name}`, () => void a.seal(k.slice(), n, d, p));
      return a.seal(key, nonce, aad, pt);
    },
    open(key, nonce, aad, ct) {
      const [k, n, d, t] = [c(key), c(nonce), c(aad), c(ct)];
      note(`open:${a.name}`, () => void a.open(k.slice(), n, d, t));
      return a.open(key, nonce, aad, ct);
    },
  });
  const wrapKex = (x: KeyExchange): KeyExchange => ({
    group: x.group,
    generate(rand) {
      const draws: Uint8Array[] = [];
      const out = x.generate(recording(rand, draws));
      note(`generate:${x.group}`, () => void x.generate(scripted(draws)));
      return out;
    },
    respond(peer, rand) {
      const draws: Uint8Array[] = [];
      const p = c(peer);
      const out = x.respond(peer, recording(rand, draws));
      note(`respond:${x.group}`, () => void x.respond(p, scripted(draws)));
      return out;
    },
    finish(own, peer) {
      const o: KeyShareSecret = { group: own.group, privateKey: c(own.privateKey), share: c(own.share) };
      const p = c(peer);
      note(`finish:${x.group}`, () => void x.finish(o, p));
      return x.finish(own, peer);
    },
  });

  const provider: CryptoProvider = {
    name: `recording(${inner.name})`,
    hash(alg, data) {
      const d = c(data);
      note(`hash:${alg}`, () => void inner.hash(alg, d));
      return inner.hash(alg, data);
    },
    hashLength: (alg) => inner.hashLength(alg),
    hmac(alg, key, data) {
      const [k, d] = [c(key), c(data)];
      note(`hmac:${alg}`, () => void inner.hmac(alg, k, d));
      return inner.hmac(alg, key, data);
    },
    hkdfExtract(alg, salt, ikm) {
      const [s, i] = [c(salt), c(ikm)];
      note(`hkdfExtract:${alg}`, () => void inner.hkdfExtract(alg, s, i));
      return inner.hkdfExtract(alg, salt, ikm);
    },
    hkdfExpand(alg, prk, info, length) {
      const [p, i] = [c(prk), c(info)];
      note(`hkdfExpand:${alg}`, () => void inner.hkdfExpand(alg, p, i, length));
      return inner.hkdfExpand(alg, prk, info, length);
    },
    aead(name) {
      let a = aeads.get(name);
      if (a === undefined) {
        a = wrapAead(inner.aead(name));
        aeads.set(name, a);
      }
      return a;
    },
    keyExchange(group) {
      const x = inner.keyExchange(group);
      return x === undefined ? undefined : wrapKex(x);
    },
    sign(scheme, key, message, rand) {
      const draws: Uint8Array[] = [];
      const m = c(message);
      const out = inner.sign(scheme, key, message, recording(rand, draws));
      note(`sign:${scheme}`, () => void inner.sign(scheme, key, m, scripted(draws)));
      return out;
    },
    verify(scheme, key, message, signature) {
      const [m, s] = [c(message), c(signature)];
      note(`verify:${scheme}`, () => void inner.verify(scheme, key, m, s));
      return inner.verify(scheme, key, message, signature);
    },
    supportedGroups: inner.supportedGroups,
    supportedSignatureSchemes: inner.supportedSignatureSchemes,
  };
  return {
    provider,
    recording: {
      counts,
      replay() {
        for (const call of calls) call();
      },
      reset() {
        calls.length = 0;
        for (const k of Object.keys(counts)) delete counts[k];
      },
    },
  };
}
