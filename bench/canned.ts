/**
 * The protocol's own cost: a handshake whose provider calls are all answered from a
 * recording of the same handshake, so that no cryptography runs at all. What is left is
 * everything tls13sim does around its crypto calls (encoding, decoding, framing, the
 * state machine, path validation, the key schedule's bookkeeping), timed without the
 * noise of the crypto itself.
 *
 * `cannedProvider(inner)` passes calls through to `inner` until `record()`, notes each
 * call's result (and how many bytes it drew from the RandomSource) until `play()`, and
 * from then on returns the noted results in order, drawing the same byte counts so the
 * endpoints' random streams stay where a real run would leave them. A replayed handshake
 * must make exactly the recorded calls in the recorded order: any other call is an error
 * rather than a wrong answer. Results are handed out as they were recorded (not copied):
 * fine for the endpoints, which never write into what a provider returns.
 */
import type { Aead, AeadName, CryptoProvider, KeyExchange, RandomSource } from '@tls13sim/handshake';

export interface Canned {
  readonly provider: CryptoProvider;
  /** Starts a new recording: every call from here on is computed and noted. */
  record(): void;
  /** Rewinds to the start of the recording: calls from here on are answered from it. */
  play(): void;
  /** Calls noted in the recording. */
  readonly calls: number;
}

interface Noted {
  readonly op: string;
  readonly result: unknown;
  readonly draws: readonly number[];
}

export function cannedProvider(inner: CryptoProvider): Canned {
  let mode: 'pass' | 'record' | 'play' = 'pass';
  const noted: Noted[] = [];
  let next = 0;

  /** `compute` draws through the RandomSource it is given; `rand` is the caller's. */
  const call = <T>(op: string, rand: RandomSource | null, compute: (r: RandomSource | null) => T): T => {
    if (mode === 'pass') return compute(rand);
    if (mode === 'record') {
      const draws: number[] = [];
      const counting: RandomSource | null =
        rand === null
          ? null
          : {
              bytes(n) {
                draws.push(n);
                return rand.bytes(n);
              },
            };
      const result = compute(counting);
      noted.push({ op, result, draws });
      return result;
    }
    const n = noted[next++];
    if (n === undefined || n.op !== op) {
      throw new Error(`canned: call ${next} is ${op}, the recording has ${n === undefined ? 'no more calls' : n.op}`);
    }
    for (const d of n.draws) rand!.bytes(d);
    return n.result as T;
  };

  const aeads = new Map<AeadName, Aead>();
  const aead = (name: AeadName): Aead => {
    let a = aeads.get(name);
    if (a === undefined) {
      const x = inner.aead(name);
      a = {
        name,
        keyLength: x.keyLength,
        nonceLength: x.nonceLength,
        tagLength: x.tagLength,
        seal: (key, nonce, ad, pt) => call(`seal:${name}`, null, () => x.seal(key, nonce, ad, pt)),
        open: (key, nonce, ad, ct) => call(`open:${name}`, null, () => x.open(key, nonce, ad, ct)),
      };
      aeads.set(name, a);
    }
    return a;
  };
  const kexes = new Map<string, KeyExchange | undefined>();
  const keyExchange = (group: Parameters<CryptoProvider['keyExchange']>[0]): KeyExchange | undefined => {
    if (kexes.has(group)) return kexes.get(group);
    const x = inner.keyExchange(group);
    const k: KeyExchange | undefined =
      x === undefined
        ? undefined
        : {
            group: x.group,
            generate: (rand) => call(`generate:${group}`, rand, (r) => x.generate(r!)),
            respond: (peer, rand) => call(`respond:${group}`, rand, (r) => x.respond(peer, r!)),
            finish: (own, peer) => call(`finish:${group}`, null, () => x.finish(own, peer)),
          };
    kexes.set(group, k);
    return k;
  };

  const provider: CryptoProvider = {
    name: `canned(${inner.name})`,
    hash: (alg, data) => call(`hash:${alg}`, null, () => inner.hash(alg, data)),
    hashLength: (alg) => inner.hashLength(alg),
    hmac: (alg, key, data) => call(`hmac:${alg}`, null, () => inner.hmac(alg, key, data)),
    hkdfExtract: (alg, salt, ikm) => call(`hkdfExtract:${alg}`, null, () => inner.hkdfExtract(alg, salt, ikm)),
    hkdfExpand: (alg, prk, info, length) => call(`hkdfExpand:${alg}`, null, () => inner.hkdfExpand(alg, prk, info, length)),
    aead,
    keyExchange,
    sign: (scheme, key, message, rand) => call(`sign:${scheme}`, rand, (r) => inner.sign(scheme, key, message, r!)),
    verify: (scheme, key, message, signature) => call(`verify:${scheme}`, null, () => inner.verify(scheme, key, message, signature)),
    supportedGroups: inner.supportedGroups,
    supportedSignatureSchemes: inner.supportedSignatureSchemes,
  };
  return {
    provider,
    record() {
      mode = 'record';
      noted.length = 0;
    },
    play() {
      mode = 'play';
      next = 0;
    },
    get calls() {
      return noted.length;
    },
  };
}
