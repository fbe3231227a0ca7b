/**
 * The handshake transcript (RFC 8446 §4.4.1). It keeps the raw handshake messages (4-byte
 * header included, as §4.4.1 hashes them) and hashes on demand, so a client can start it
 * before the cipher suite — and so the hash — is known.
 */
import { HandshakeType } from '../constants.js';
import { Writer } from '@tls13sim/record';
import type { CryptoProvider, HashName } from '../crypto/provider.js';

/**
 * The concatenation of the messages, kept as they are added (so a hash does not join them
 * all again). Clones share it: bytes are only ever written past `used`, so a shorter
 * clone's prefix never changes; a transcript whose length is not `used` (another clone
 * appended first) copies its prefix before appending.
 */
interface Joined {
  bytes: Uint8Array;
  used: number;
}

const NO_BYTES: Joined = { bytes: new Uint8Array(0), used: 0 };

export class Transcript {
  /** Where each message ends in `joined.bytes` (views are made only when asked for). */
  private ends: number[] = [];
  private joined: Joined = NO_BYTES;
  /** This transcript's length in bytes: its messages are `joined.bytes[0, total)`. */
  private total = 0;
  private cache: { readonly alg: HashName; readonly count: number; readonly provider: CryptoProvider; readonly value: Uint8Array } | undefined;

  constructor(messages: readonly Uint8Array[] = []) {
    for (const m of messages) this.add(m);
  }

  /** Appends one whole handshake message (msg_type, uint24 length, body). */
  add(message: Uint8Array): void {
    if (message.length < 4) throw new RangeError(`Transcript.add: ${message.length} bytes is not a handshake message`);
    this.writable(message.length).bytes.set(message, this.total);
    this.appended(this.total + message.length);
  }

  /**
   * Appends one whole handshake message that `write` encodes straight into the joined
   * bytes, and returns it: a view of them, which never changes (bytes are only written past
   * `used`). This saves the message a buffer of its own and a copy.
   */
  addWritten(write: (w: Writer) => void): Uint8Array {
    const start = this.total;
    // Room for one byte at least: the writer grows the buffer (prefix included) past that.
    const w = Writer.appendingTo(this.writable(1).bytes, start);
    write(w);
    const end = w.length;
    if (end - start < 4) throw new RangeError(`Transcript.addWritten: ${end - start} bytes is not a handshake message`);
    if (w.buffer !== this.joined.bytes) this.joined = { bytes: w.buffer, used: start };
    this.appended(end);
    return this.joined.bytes.subarray(start, end);
  }

  /**
   * The joined bytes, ours to write past `total`, with room for `need` more: a copy of the
   * prefix when a clone appended first (its `used` is past ours) or the buffer is too short.
   */
  private writable(need: number): Joined {
    const j = this.joined;
    if (j.used === this.total && j.bytes.length >= this.total + need) return j;
    const bytes = new Uint8Array(Math.max(this.total + need, 2 * j.bytes.length, 1024));
    bytes.set(j.bytes.subarray(0, this.total));
    return (this.joined = { bytes, used: this.total });
  }

  /** Records a message written into the joined bytes up to `end`. */
  private appended(end: number): void {
    this.joined.used = end;
    this.total = end;
    this.ends.push(end);
  }

  /** The messages, each a view of the joined copy (decoded values own their bytes: docs/architecture.md "Conventions" 8). */
  get messages(): readonly Uint8Array[] {
    const bytes = this.joined.bytes;
    return this.ends.map((end, i) => bytes.subarray(i === 0 ? 0 : this.ends[i - 1]!, end));
  }

  get length(): number {
    return this.ends.length;
  }

  /** All messages, concatenated: what Transcript-Hash hashes (a copy). */
  bytes(): Uint8Array {
    return this.joined.bytes.slice(0, this.total);
  }

  /** The concatenation as a view: only for pure calls that do not keep it (the provider's hash). */
  private view(): Uint8Array {
    return this.joined.bytes.subarray(0, this.total);
  }

  /** Transcript-Hash(all messages so far) (§4.4.1). */
  hash(provider: CryptoProvider, alg: HashName): Uint8Array {
    const c = this.cache;
    if (c !== undefined && c.alg === alg && c.provider === provider && c.count === this.ends.length) return c.value.slice();
    const value = provider.hash(alg, this.view());
    this.cache = { alg, provider, count: this.ends.length, value };
    return value.slice();
  }

  /**
   * Transcript-Hash(all messages so far || `pending`), without recording `pending`: for the
   * PSK binder over a ClientHello truncated before its binders (§4.2.11.2).
   */
  hashWith(provider: CryptoProvider, alg: HashName, pending: Uint8Array): Uint8Array {
    const all = this.view();
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
    if (this.ends.length !== 1) {
      throw new Error(`Transcript.replaceWithMessageHash: expects exactly ClientHello1, holds ${this.ends.length} messages`);
    }
    const synthetic = messageHash(provider, alg, this.joined.bytes.subarray(0, this.total));
    this.ends = [];
    this.joined = NO_BYTES;
    this.total = 0;
    this.add(synthetic);
    this.cache = undefined;
  }

  clone(): Transcript {
    const t = new Transcript();
    t.ends = this.ends.slice();
    t.joined = this.joined;
    t.total = this.total;
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
