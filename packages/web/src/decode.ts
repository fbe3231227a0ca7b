/**
 * Every record of a trace decoded: the wire record, and for a protected
 * record its decryption with the sender's traffic keys, its TLSInnerPlaintext (content,
 * inner type, padding), and each message in it as named fields, each field the byte range
 * `[start, end)` of the record's plaintext it was read from, so the page can highlight
 * the bytes of a field.
 *
 * Pure (no DOM): it needs only the trace. `record_sent` events carry the whole wire
 * record; `keys_installed` events carry the NSS keylog secret of each key the sender
 * installed. The key and IV come from the secret (RFC 8446 §7.3, `trafficKeys`), the
 * nonce from the per-key sequence number (§5.3: "A 64-bit sequence number is maintained
 * separately for reading and writing records. ... reset to zero whenever the key is
 * changed"), and the record opens with `unprotectRecord` (§5.2, the padding scan of §5.4).
 * Handshake messages are framed across records per sender (§5.1: messages "MAY be
 * fragmented across several records") and decoded with the handshake package's decoders.
 * Runs with the noble provider, so it works in the page.
 */
import { CIPHER_SUITE_PARAMS, nobleProvider, trafficKeys, type CipherSuiteParams } from '@tls13sim/handshake';
import { ContentType, alertName, concatBytes, contentTypeName, decodeAlert, fromHex, unprotectRecord } from '@tls13sim/record';
import type { Side, TraceEvent, TraceEventOf } from '@tls13sim/sim/browser';
import { messageFields, messageName } from './decode-message.js';
import { noteHello, open12, writeKeys12, type Hellos12 } from './decode12.js';
import type { Field } from './field.js';

export type { Field } from './field.js';

export interface DecodedRecord {
  /** `seq` of the `record_sent` event. */
  readonly seq: number;
  readonly side: Side;
  /** The whole wire record (header + fragment). */
  readonly wire: Uint8Array;
  /** The record's content: the fragment of a plaintext record, the decrypted content of a protected one (undefined when it could not be opened). */
  readonly plaintext?: Uint8Array;
  /** The inner content type (§5.2), decrypted; for plaintext records the outer type. */
  readonly innerType?: string;
  /** Zero padding after the inner type byte (§5.4). */
  readonly padding?: number;
  /** For protected records: the keylog label of the key, the suite, and the record's sequence number under that key. */
  readonly key?: { readonly label: string; readonly suite: string; readonly sequence: number; readonly epoch: string };
  /** What is in the plaintext: one field per message (its own fields as children), alert or application data. */
  readonly fields: readonly Field[];
  /** Why the record could not be decoded, in one line. */
  readonly error?: string;
}

const provider = nobleProvider;
const HEADER = 5;

interface WriteKey {
  readonly label: string;
  readonly epoch: string;
  readonly secret: Uint8Array;
  sequence: number;
  suite?: CipherSuiteParams;
}

/**
 * Decodes every `record_sent` of `events`, keyed by the event's `seq`. A TLS 1.2 trace's
 * `tls12` records open with the key block of the keylog's master secret (decode12.ts), and
 * its handshake messages are read in their TLS 1.2 shapes.
 */
export function decodeRecords(events: readonly TraceEvent[]): Map<number, DecodedRecord> {
  const out = new Map<number, DecodedRecord>();
  const keys = new Map<Side, WriteKey | undefined>();
  const pending = new Map<Side, Uint8Array>();
  const hellos: Hellos12 = {};
  const tls12 =
    events.some((e) => (e.type === 'keys_installed' || e.type === 'record_sent') && e.epoch === 'tls12') ||
    events.some((e) => e.type === 'record_sent' && e.messages.includes('server_hello_done'));
  let suite: CipherSuiteParams | undefined;
  for (const e of events) {
    if (e.type === 'keys_installed' && e.direction === 'write' && (e.side === 'client' || e.side === 'server')) {
      keys.set(e.side, e.keylog === undefined ? undefined : { label: e.keylog.label, epoch: e.epoch, secret: fromHex(e.keylog.secret), sequence: 0 });
      continue;
    }
    if (e.type !== 'record_sent' || (e.side !== 'client' && e.side !== 'server')) continue;
    const d = e.epoch === 'tls12' ? decodeOne12(e, e.side, keys.get(e.side), hellos, pending) : decodeOne(e, e.side, keys.get(e.side), suite, pending, tls12);
    if (tls12 && e.epoch === 'plaintext' && d.wire.length > 0) noteHello(d.wire, e.messages, hellos);
    out.set(e.seq, d);
    const sh = serverHelloSuite(d);
    if (sh !== undefined) suite = sh;
  }
  return out;
}

/** A `tls12` record: opened with the sender's key-block keys and its own sequence number (RFC 5246 §6.1, §6.2.3.3). */
function decodeOne12(e: TraceEventOf<'record_sent'>, side: Side, key: WriteKey | undefined, hellos: Hellos12, pending: Map<Side, Uint8Array>): DecodedRecord {
  const base = { seq: e.seq, side };
  const wire = fromHex(e.hex);
  if (key === undefined) return { ...base, wire, fields: [], error: `no ${side} tls12 key with a keylog secret before this record` };
  const k = writeKeys12(side, key.secret, hellos);
  if (k === undefined) return { ...base, wire, fields: [], error: 'the hellos (randoms, suite) needed for the TLS 1.2 key block are not in the trace' };
  const sequence = key.sequence++;
  const opened = open12(k.keys, sequence, wire);
  if (opened === undefined)
    return {
      ...base,
      wire,
      fields: [],
      error: `does not open with the key block of ${key.label} at sequence number ${sequence} (bad_record_mac, RFC 5246 §6.2.3.3)`,
    };
  return {
    ...base,
    wire,
    plaintext: opened.content,
    innerType: contentTypeName(opened.contentType),
    key: { label: key.label, suite: k.suite.name, sequence, epoch: key.epoch },
    fields: contentFields(opened.contentType, opened.content, side, undefined, pending, true),
  };
}

function decodeOne(
  e: TraceEventOf<'record_sent'>,
  side: Side,
  key: WriteKey | undefined,
  suite: CipherSuiteParams | undefined,
  pending: Map<Side, Uint8Array>,
  tls12 = false,
): DecodedRecord {
  const base = { seq: e.seq, side };
  let wire: Uint8Array;
  try {
    wire = fromHex(e.hex);
  } catch {
    return { ...base, wire: new Uint8Array(0), fields: [], error: 'record bytes missing from the trace' };
  }
  if (wire.length < HEADER) return { ...base, wire, fields: [], error: `a ${wire.length}-byte record is shorter than its 5-byte header` };
  const outer = wire[0]!;
  // §5.2: every protected record has opaque_type application_data; §5: change_cipher_spec
  // and the plaintext epoch's records are sent as they are.
  if (outer !== ContentType.application_data || e.epoch === 'plaintext') {
    const content = wire.subarray(HEADER);
    return { ...base, wire, plaintext: content, innerType: contentTypeName(outer), fields: contentFields(outer, content, side, suite, pending, tls12) };
  }
  if (key === undefined) return { ...base, wire, fields: [], error: `no ${side} write key with a keylog secret before this record` };
  const sequence = key.sequence++;
  const candidates =
    key.suite !== undefined
      ? [key.suite]
      : suite !== undefined
        ? [suite]
        : Object.values(CIPHER_SUITE_PARAMS).filter((s) => s.hashLength === key.secret.length);
  for (const s of candidates) {
    let opened: ReturnType<typeof unprotectRecord>;
    try {
      const tk = trafficKeys(provider, s, key.secret);
      opened = unprotectRecord({ aead: provider.aead(s.aead), key: tk.key, iv: tk.iv }, BigInt(sequence), wire);
    } catch {
      continue;
    }
    // Before the ServerHello (0-RTT) the suite is the one whose key opens the record.
    key.suite = s;
    return {
      ...base,
      wire,
      plaintext: opened.content,
      innerType: contentTypeName(opened.contentType),
      padding: opened.padding,
      key: { label: key.label, suite: s.name, sequence, epoch: key.epoch },
      fields: contentFields(opened.contentType, opened.content, side, s, pending),
    };
  }
  return { ...base, wire, fields: [], error: `does not open with ${key.label} at sequence number ${sequence} (bad_record_mac, §5.2)` };
}

/** The negotiated suite from a decoded ServerHello (not a HelloRetryRequest). */
function serverHelloSuite(d: DecodedRecord): CipherSuiteParams | undefined {
  if (d.side !== 'server' || d.key !== undefined) return undefined;
  for (const f of d.fields) {
    if (f.name !== 'ServerHello') continue;
    const s = f.children?.find((c) => c.name === 'cipher_suite')?.value;
    if (s !== undefined && s in CIPHER_SUITE_PARAMS) return CIPHER_SUITE_PARAMS[s as keyof typeof CIPHER_SUITE_PARAMS];
  }
  return undefined;
}

function contentFields(
  type: number,
  content: Uint8Array,
  side: Side,
  suite: CipherSuiteParams | undefined,
  pending: Map<Side, Uint8Array>,
  tls12 = false,
): Field[] {
  const n = content.length;
  switch (type) {
    case ContentType.alert: {
      // §6: struct { AlertLevel level; AlertDescription description; } Alert;
      try {
        const a = decodeAlert(content);
        const level = a.level === 1 ? 'warning' : a.level === 2 ? 'fatal' : `unknown_${a.level}`;
        const desc = alertName(a.description);
        return [
          {
            name: 'Alert',
            value: `${level}, ${desc}`,
            start: 0,
            end: n,
            children: [
              { name: 'level', value: `${level} (${a.level})`, start: 0, end: 1 },
              { name: 'description', value: `${desc} (${a.description})`, start: 1, end: 2 },
            ],
          },
        ];
      } catch {
        return [{ name: 'Alert', value: `malformed: ${n} B (an alert is 2 bytes, §6)`, start: 0, end: n }];
      }
    }
    case ContentType.application_data:
      return [{ name: 'application_data', value: `${n} B`, start: 0, end: n }];
    case ContentType.change_cipher_spec:
      return [
        tls12
          ? { name: 'ChangeCipherSpec', value: `${n} B: the sender's next record is under its new tls12 keys (RFC 5246 §7.1)`, start: 0, end: n }
          : { name: 'ChangeCipherSpec', value: `${n} B (compatibility mode, §D.4)`, start: 0, end: n },
      ];
    case ContentType.handshake:
      return handshakeFields(content, side, suite, pending, tls12);
    default:
      return [{ name: contentTypeName(type), value: `${n} B`, start: 0, end: n }];
  }
}

/** Frames the sender's handshake stream (bytes left over from its earlier records, then this record's) into messages. */
function handshakeFields(content: Uint8Array, side: Side, suite: CipherSuiteParams | undefined, pending: Map<Side, Uint8Array>, tls12: boolean): Field[] {
  const before = pending.get(side) ?? new Uint8Array(0);
  const data = before.length === 0 ? content : concatBytes(before, content);
  const shift = -before.length;
  const fields: Field[] = [];
  let off = 0;
  while (data.length - off >= 4) {
    const len = (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!;
    if (data.length - off < 4 + len) break;
    fields.push(messageFields(data.subarray(off, off + 4 + len), off + shift, suite, tls12));
    off += 4 + len;
  }
  const rest = data.subarray(off);
  pending.set(side, rest.slice());
  if (rest.length > 0) {
    const total = rest.length >= 4 ? ` of ${4 + ((rest[1]! << 16) | (rest[2]! << 8) | rest[3]!)}` : '';
    const name = rest.length >= 1 ? messageName(rest[0]!, rest) : 'handshake';
    fields.push({ name, value: `first ${rest.length}${total} B: continues in the sender's next record`, start: off + shift, end: off + shift + rest.length });
  }
  return fields;
}

/** Every field, depth first, with its path (`ServerHello › cipher_suite`). */
export function flatFields(fields: readonly Field[], path = ''): { path: string; field: Field }[] {
  const out: { path: string; field: Field }[] = [];
  for (const f of fields) {
    const p = path === '' ? f.name : `${path} › ${f.name}`;
    out.push({ path: p, field: f });
    if (f.children !== undefined) out.push(...flatFields(f.children, p));
  }
  return out;
}
