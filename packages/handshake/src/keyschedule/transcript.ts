/**
 * The handshake transcript (RFC 8446 §4.4.1). It keeps the raw handshake messages (4-byte
 * header included, as §4.4.1 hashes them) and hashes on demand, so a client can start it
 * before the cipher suite — and so the hash — is known.
 */
import { HandshakeType } from '../constants.js';
import type { CryptoProvider, HashName } from '../crypto/provider.js';

export class Transcript {
  private readonly parts: Uint8Array[];
  private cache: { readonly alg: HashName; readonly count: number; readonly provider: CryptoProvider; readonly value: Uint8Array } | undefined;

  constructor(messages: readonly Uint8Array[] = []) {
    this.parts = messages.map((m) => m.slice());
  }

  /** Appends one whole handshake message (msg_type, uint24 length, body). */
  add(message: Uint8Array): void {
    if (message.length < 4) throw new RangeError(`Transcript.add: ${message.length} bytes is not a handshake message`);
    this.parts.push(message.slice());
  }

  get messages(): readonly Uint8Array[] {
    return this.parts;
  }

  get length(): number {
    return this.parts.length;
  }

  /** All messages, concatenated: what Transcript-Hash hashes. */
  bytes(): Uint8Array {
    let total = 0;
    for (const p of this.parts) total += p.length;
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  /** Transcript-Hash(all messages so far) (§4.4.1). */
  hash(provider: CryptoProvider, alg: HashName): Uint8Array {
    const c = this.cache;
    if (c !== undefined && c.alg === alg && c.provider === provider && c.count === this.parts.length) return c.value.slice();
    const value = provider.hash(alg, this.bytes());
    this.cache = { alg, provider, count: this.parts.length, value };
    return value.slice();
  }

  /**
   * Transcript-Hash(all messages so far || `pending`), without recording `pending`: for the
   * PSK binder over a ClientHello truncated before its binders (§4.2.11.2).
   */
  hashWith(provider: CryptoProvider, alg: HashName, pending: Uint8Array): Uint8Array {
    const all = this.bytes();
    const buf = new Uint8Array(all.length + pending.length);
    buf.set(all);
    buf.set(pending, all.length);
    return provider.hash(alg, buf);
  }

  /**
   * §4.4.1: "When the server responds to a ClientHello with a HelloRetryRequest, the value
   * of ClientHello1 is replaced with a special synthetic handshake message of handshake type
   * "message_hash" containing Hash(ClientHello1)":
   *
   *   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
   *       Hash(message_hash ||          -- handshake type
   *            00 00 Hash.length  ||    -- handshake message length (bytes)
   *            Hash(ClientHello1) ||    -- hash of ClientHello1
   *            HelloRetryRequest  || ... || Mn)
   *
   * Call it when the transcript holds exactly ClientHello1, before adding the HRR.
   */
  replaceWithMessageHash(provider: CryptoProvider, alg: HashName): void {
    if (this.parts.length !== 1) {
      throw new Error(`Transcript.replaceWithMessageHash: expects exactly ClientHello1, holds ${this.parts.length} messages`);
    }
    this.parts[0] = messageHash(provider, alg, this.parts[0]!);
    this.cache = undefined;
  }

  clone(): Transcript {
    const t = new Transcript();
    t.parts.push(...this.parts);
    t.cache = this.cache;
    return t;
  }
}

/** The synthetic message_hash handshake message (§4.4.1) standing for `clientHello1`. */
export function messageHash(provider: CryptoProvider, alg: HashName, clientHello1: Uint8Array): Uint8Array {
  const h = provider.hash(alg, clientHello1);
  const out = new Uint8Array(4 + h.length);
  out[0] = HandshakeType.message_hash;
  out[3] = h.length;
  out.set(h, 4);
  return out;
}
