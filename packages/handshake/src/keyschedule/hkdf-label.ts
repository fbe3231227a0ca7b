/** The two §7.1 primitives every other key-schedule value is built from. */
import { Writer, bounds, utf8 } from '@tls13sim/record';
import type { CryptoProvider, HashName } from '../crypto/provider.js';

const TLS13_PREFIX = utf8('tls13 ');

/**
 * HKDF-Expand-Label (RFC 8446 §7.1):
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *        HKDF-Expand(Secret, HkdfLabel, Length)
 *
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;
 *   } HkdfLabel;
 *
 * `label` is the §7.1 label without the "tls13 " prefix; bytes are accepted for the
 * exporter (§7.5), whose labels are arbitrary.
 */
export function hkdfExpandLabel(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string | Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return provider.hkdfExpand(hash, secret, lentHkdfLabel(label, context, length), length);
}

/**
 * Buffers for `info`, one per length, reused from call to call: a provider reads its
 * arguments during the call and keeps none (CryptoProvider), and a handshake expands some
 * thirty labels. Only the labels of at most 64 lengths are kept (exporter labels are the
 * application's).
 */
const lentInfo = new Map<number, Uint8Array>();

/** `hkdfLabel`, written into a lent buffer. */
function lentHkdfLabel(label: string | Uint8Array, context: Uint8Array, length: number): Uint8Array {
  const vector = labelVectorFor(label);
  const n = 2 + vector.length + 1 + context.length;
  let out = lentInfo.get(n);
  if (out === undefined) {
    out = new Uint8Array(n);
    if (lentInfo.size < 64) lentInfo.set(n, out);
  }
  return writeHkdfLabel(out, length, vector, context);
}

/** The encoded HkdfLabel structure (the HKDF `info`) of §7.1; exported for traces and tests. */
export function hkdfLabel(label: string | Uint8Array, context: Uint8Array, length: number): Uint8Array {
  const vector = labelVectorFor(label);
  return writeHkdfLabel(new Uint8Array(2 + vector.length + 1 + context.length), length, vector, context);
}

/** A label's vector: a string label (§7.1's, or an exporter's) from the cache, bytes encoded afresh. */
function labelVectorFor(label: string | Uint8Array): Uint8Array {
  return typeof label === 'string' ? labelVectorOf(label) : labelVector(label);
}

/** The §7.1 labels are a handful of constants: each is encoded once. */
function labelVectorOf(label: string): Uint8Array {
  let vector = labelVectors.get(label);
  if (vector === undefined) {
    vector = labelVector(utf8(label));
    // Exporter labels come from the application: keep the cache small whatever it asks.
    if (labelVectors.size < 64) labelVectors.set(label, vector);
  }
  return vector;
}

/** `opaque label<7..255> = "tls13 " + Label`, length prefix included. */
function labelVector(label: Uint8Array): Uint8Array {
  return new Writer().vec8((w) => w.bytes(TLS13_PREFIX).bytes(label), bounds(7, 255)).finish();
}

const labelVectors = new Map<string, Uint8Array>();

/** uint16 length || label vector || `opaque context<0..255>`, written straight into `out` (exactly that long). */
function writeHkdfLabel(out: Uint8Array, length: number, labelVector: Uint8Array, context: Uint8Array): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError(`Writer: ${length} is not a uint16`);
  if (context.length > 255) throw new RangeError(`Writer: vector length ${context.length} outside <0..255>`);
  out[0] = length >>> 8;
  out[1] = length & 0xff;
  out.set(labelVector, 2);
  out[2 + labelVector.length] = context.length;
  out.set(context, 3 + labelVector.length);
  return out;
}

/**
 * Derive-Secret (RFC 8446 §7.1):
 *
 *   Derive-Secret(Secret, Label, Messages) =
 *        HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
 *
 * Takes the transcript hash already computed (see `Transcript.hash`), so the caller decides
 * which messages it covers.
 */
export function deriveSecret(provider: CryptoProvider, hash: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  const hashLength = provider.hashLength(hash);
  if (transcriptHash.length !== hashLength) {
    throw new RangeError(`Derive-Secret "${label}": transcript hash is ${transcriptHash.length} bytes, ${hash} needs ${hashLength}`);
  }
  return hkdfExpandLabel(provider, hash, secret, label, transcriptHash, hashLength);
}

/**
 * Hash("") per provider and hash function: a provider's calls are pure (provider.ts), so
 * this is one of its constants. Held as long as the provider object is (WeakMap), at most
 * one value per hash function.
 */
const emptyHashes = new WeakMap<CryptoProvider, Map<HashName, Uint8Array>>();

/** Transcript-Hash of no messages, Hash(""): the context of "derived", the binder keys and exporters. */
export function emptyHash(provider: CryptoProvider, hash: HashName): Uint8Array {
  let byHash = emptyHashes.get(provider);
  if (byHash === undefined) emptyHashes.set(provider, (byHash = new Map()));
  let h = byHash.get(hash);
  if (h === undefined) byHash.set(hash, (h = provider.hash(hash, new Uint8Array(0))));
  // A copy: callers own what they get, the constant stays as computed.
  return h.slice();
}
