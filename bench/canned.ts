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
  /** The provider method, and what it was called for (the algorithm, group or scheme). */
  readonly op: string;
  readonly detail: string;
  readonly result: unknown;
  readonly draws: readonly number[];
}

export function cannedProvider(inner: CryptoProvider): Canned {
  let mode: 'pass' | 'record' | 'play' = 'pass';
  const noted: Noted[] = [];
  let next = 0;

  /** Computes (passing or recording); `compute` draws through the RandomSource it is given. */
  const call = <T>(op: string, detail: string, rand: RandomSource | null, compute: (r: RandomSource | null) => T): T => {
    if (mode === 'pass') return compute(rand);
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
    noted.push({ op, detail, result, draws });
    return result;
  };
  /**
   * The next recorded result. Callers come here before making a closure or a name string,
   * so that a replay allocates next to nothing of its own.
   */
  const replay = (op: string, detail: string, rand: RandomSource | null): unknown => {
    const n = noted[next++];
    if (n === undefined || n.op !== op || n.detail !== detail) {
      throw new Error(`canned: call ${next} is ${op}:${detail}, the recording has ${n === undefined ? 'no more calls' : `${n.op}:${n.detail}`}`);
    }
    for (const d of n.draws) rand!.bytes(d);
    return n.result;
  };
  const playing = () => mode === 'play';

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
        seal: (key, nonce, ad, pt) => (playing() ? (replay('seal', name, null) as Uint8Array) : call('seal', name, null, () => x.seal(key, nonce, ad, pt))),
        open: (key, nonce, ad, ct) =>
          playing() ? (replay('open', name, null) as Uint8Array | null) : call('open', name, null, () => x.open(key, nonce, ad, ct)),
      };
      aeads.set(name, a);
    }
    return a;
  };
  const kexes = new Map<string, KeyExchange | undefined>();
  const keyExchange = (group: Parameters<CryptoProvider['keyExchange']>[0]): KeyExchange | undefined => {
    if (kexes.has(group)) return kexes.get(group);
    const x = inner.keyExchange(group);
    type Generated = ReturnType<KeyExchange['generate']>;
    type Responded = ReturnType<KeyExchange['respond']>;
    type Finished = ReturnType<KeyExchange['finish']>;
    const k: KeyExchange | undefined =
      x === undefined
        ? undefined
        : {
            group: x.group,
            generate: (rand) => (playing() ? (replay('generate', group, rand) as Generated) : call('generate', group, rand, (r) => x.generate(r!))),
            respond: (peer, rand) => (playing() ? (replay('respond', group, rand) as Responded) : call('respond', group, rand, (r) => x.respond(peer, r!))),
            finish: (own, peer) => (playing() ? (replay('finish', group, null) as Finished) : call('finish', group, null, () => x.finish(own, peer))),
          };
    kexes.set(group, k);
    return k;
  };

  const provider: CryptoProvider = {
    name: `canned(${inner.name})`,
    hash: (alg, data) => (playing() ? (replay('hash', alg, null) as Uint8Array) : call('hash', alg, null, () => inner.hash(alg, data))),
    hashLength: (alg) => inner.hashLength(alg),
    hmac: (alg, key, data) => (playing() ? (replay('hmac', alg, null) as Uint8Array) : call('hmac', alg, null, () => inner.hmac(alg, key, data))),
    hkdfExtract: (alg, salt, ikm) =>
      playing() ? (replay('hkdfExtract', alg, null) as Uint8Array) : call('hkdfExtract', alg, null, () => inner.hkdfExtract(alg, salt, ikm)),
    hkdfExpand: (alg, prk, info, length) =>
      playing() ? (replay('hkdfExpand', alg, null) as Uint8Array) : call('hkdfExpand', alg, null, () => inner.hkdfExpand(alg, prk, info, length)),
    aead,
    keyExchange,
    sign: (scheme, key, message, rand) =>
      playing() ? (replay('sign', scheme, rand) as Uint8Array) : call('sign', scheme, rand, (r) => inner.sign(scheme, key, message, r!)),
    verify: (scheme, key, message, signature) =>
      playing() ? (replay('verify', scheme, null) as boolean) : call('verify', scheme, null, () => inner.verify(scheme, key, message, signature)),
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
