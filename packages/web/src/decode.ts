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
import {
  CIPHER_SUITE_PARAMS,
  HRR_RANDOM,
  HandshakeType,
  decodeHandshake,
  nameOf,
  nobleProvider,
  parseCertificate,
  tls12MessageName,
  trafficKeys,
  type CipherSuiteParams,
  type HandshakeMessage,
} from '@tls13sim/handshake';
import { ContentType, alertName, bytesEqual, concatBytes, contentTypeName, decodeAlert, fromHex, toHex, unprotectRecord } from '@tls13sim/record';
import type { Side, TraceEvent, TraceEventOf } from '@tls13sim/sim/browser';
import { extensionName12, messageFields12, noteHello, open12, suiteName12, writeKeys12, type Hellos12 } from './decode12.js';
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

function messageName(msgType: number, msg: Uint8Array): string {
  if (msgType === HandshakeType.server_hello && msg.length >= 38 && bytesEqual(msg.subarray(6, 38), HRR_RANDOM)) return 'HelloRetryRequest';
  return camelName(nameOf('handshake', msgType));
}

function camelName(snake: string): string {
  return snake.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
}

/** A cursor over one message's bytes producing ranges shifted to record coordinates. */
class Walk {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    readonly shift: number,
  ) {}
  num(n: number): number {
    if (this.pos + n > this.b.length) throw new RangeError('message ends early');
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.pos + i]!;
    this.pos += n;
    return v;
  }
  field(name: string, n: number, value: (bytes: Uint8Array) => string, children?: Field[]): Field {
    const start = this.pos;
    if (start + n > this.b.length) throw new RangeError(`${name} runs past the message`);
    this.pos += n;
    return {
      name,
      value: value(this.b.subarray(start, start + n)),
      start: start + this.shift,
      end: start + n + this.shift,
      ...(children !== undefined ? { children } : {}),
    };
  }
  /** A vector with an `lenBytes` length prefix: the field covers prefix and body; `inner` walks the body. */
  vec(name: string, lenBytes: number, value: (body: Uint8Array) => string, inner?: (w: Walk, end: number) => Field[]): Field {
    const start = this.pos;
    const len = this.num(lenBytes);
    const end = this.pos + len;
    if (end > this.b.length) throw new RangeError(`${name} runs past the message`);
    const children = inner?.(this, end);
    this.pos = end;
    return {
      name,
      value: value(this.b.subarray(end - len, end)),
      start: start + this.shift,
      end: end + this.shift,
      ...(children !== undefined ? { children } : {}),
    };
  }
  get(start: number, end: number): Uint8Array {
    return this.b.subarray(start, end);
  }
}

const hex = (b: Uint8Array): string => (b.length <= 48 ? toHex(b) : `${toHex(b.subarray(0, 24))}… (${b.length} B)`);
const u = (b: Uint8Array): number => b.reduce((v, x) => v * 256 + x, 0);
const version = (b: Uint8Array): string => {
  const v = u(b);
  return v === 0x0304 ? 'TLS 1.3 (0x0304)' : v === 0x0303 ? 'TLS 1.2 (0x0303)' : `0x${v.toString(16).padStart(4, '0')}`;
};

/** One handshake message (header included) at `start` of the record's plaintext. */
function messageFields(msg: Uint8Array, start: number, suite: CipherSuiteParams | undefined, tls12 = false): Field {
  const msgType = msg[0]!;
  const name = tls12 ? camelName(tls12MessageName(msgType)) : messageName(msgType, msg);
  const w = new Walk(msg, start);
  const children: Field[] = [
    w.field('msg_type', 1, (b) => `${tls12 ? tls12MessageName(b[0]!) : nameOf('handshake', b[0]!)} (${b[0]!})`),
    w.field('length', 3, (b) => `${u(b)} B`),
  ];
  const m12 = tls12 ? messageFields12(msg, start) : undefined;
  if (m12 !== undefined) return { name, value: m12.summary, start, end: start + msg.length, children: [...children, ...m12.fields] };
  let decoded: HandshakeMessage | undefined;
  let error: string | undefined;
  try {
    decoded = decodeHandshake(msgType, msg.subarray(4), suite === undefined ? {} : { hashLength: suite.hashLength }, msg);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  let summary = `${msg.length} B`;
  try {
    summary = bodyFields(w, msgType, decoded, children) ?? summary;
  } catch (err) {
    error ??= err instanceof Error ? err.message : String(err);
  }
  if (error !== undefined) children.push({ name: 'error', value: `does not decode: ${error}`, start: start + w.pos, end: start + msg.length });
  return { name, value: summary, start, end: start + msg.length, children };
}

/** The fields of a message body (RFC 8446 §4 structures); returns the message's one-line summary. */
function bodyFields(w: Walk, msgType: number, m: HandshakeMessage | undefined, out: Field[]): string | undefined {
  const HT = HandshakeType;
  const end = w.b.length;
  switch (msgType) {
    case HT.client_hello: {
      out.push(w.field('legacy_version', 2, version), w.field('random', 32, hex), w.vec('legacy_session_id', 1, hex));
      const suites: string[] = [];
      out.push(
        w.vec(
          'cipher_suites',
          2,
          () => suites.join(', '),
          (ww, e) => {
            const f: Field[] = [];
            while (ww.pos + 2 <= e) f.push(ww.field(`suite ${f.length}`, 2, (b) => (suites.push(suiteName12(u(b))), suites[suites.length - 1]!)));
            return f;
          },
        ),
        w.vec('legacy_compression_methods', 1, hex),
      );
      if (w.pos < end) out.push(extensions(w, m));
      return `${suites.length} suites, ${extensionCount(out)} extensions`;
    }
    case HT.server_hello: {
      const hrr = m?.type === 'hello_retry_request';
      out.push(
        w.field('legacy_version', 2, version),
        w.field('random', 32, (b) => (hrr ? `${hex(b)} (HelloRetryRequest, §4.1.3)` : hex(b))),
        w.vec('legacy_session_id_echo', 1, hex),
      );
      const suite = w.field('cipher_suite', 2, (b) => nameOf('suite', u(b)));
      out.push(
        suite,
        w.field('legacy_compression_method', 1, (b) => String(b[0])),
      );
      if (w.pos < end) out.push(extensions(w, m));
      return suite.value;
    }
    case HT.encrypted_extensions:
      out.push(extensions(w, m));
      return `${extensionCount(out)} extensions`;
    case HT.certificate_request:
      out.push(w.vec('certificate_request_context', 1, hex), extensions(w, m));
      return `${extensionCount(out)} extensions`;
    case HT.certificate: {
      out.push(w.vec('certificate_request_context', 1, hex));
      const subjects: string[] = [];
      out.push(
        w.vec(
          'certificate_list',
          3,
          () => `${subjects.length} certificates`,
          (ww, e) => {
            const f: Field[] = [];
            while (ww.pos < e) {
              const entryStart = ww.pos;
              const cert = ww.vec(`certificate ${f.length}`, 3, (der) => {
                const s = subjectOf(der);
                subjects.push(s);
                return s;
              });
              const exts = ww.vec('extensions', 2, (b) => `${b.length} B`);
              f.push({ name: `CertificateEntry ${f.length}`, value: cert.value, start: entryStart + ww.shift, end: exts.end, children: [cert, exts] });
            }
            return f;
          },
        ),
      );
      return subjects.length === 0 ? 'empty (no certificate)' : subjects.join(' ← ');
    }
    case HT.certificate_verify: {
      const alg = w.field('algorithm', 2, (b) => nameOf('scheme', u(b)));
      out.push(alg, w.vec('signature', 2, hex));
      return alg.value;
    }
    case HT.finished: {
      const v = w.field('verify_data', end - w.pos, toHex);
      out.push(v);
      return `verify_data ${v.value}`;
    }
    case HT.new_session_ticket: {
      const life = w.field('ticket_lifetime', 4, (b) => `${u(b)} s`);
      out.push(
        life,
        w.field('ticket_age_add', 4, (b) => String(u(b))),
        w.vec('ticket_nonce', 1, hex),
        w.vec('ticket', 2, hex),
        extensions(w, m),
      );
      return `lifetime ${life.value}`;
    }
    case HT.key_update: {
      const r = w.field('request_update', 1, (b) => (b[0] === 0 ? 'update_not_requested (0)' : b[0] === 1 ? 'update_requested (1)' : `unknown (${b[0]})`));
      out.push(r);
      return r.value;
    }
    case HT.end_of_early_data:
      return 'empty';
    default:
      if (w.pos < end) out.push(w.field('body', end - w.pos, hex));
      return undefined;
  }
}

function extensionCount(fields: readonly Field[]): number {
  return fields.find((f) => f.name === 'extensions')?.children?.length ?? 0;
}

function extensions(w: Walk, m: HandshakeMessage | undefined): Field {
  const decoded = m !== undefined && 'extensions' in m ? (m.extensions as readonly { readonly type: string }[]) : [];
  return w.vec(
    'extensions',
    2,
    (b) => `${b.length} B`,
    (ww, e) => {
      const f: Field[] = [];
      while (ww.pos + 4 <= e) {
        const at = ww.pos;
        const code = ww.num(2);
        ww.pos = at;
        const name = extensionName12(code);
        const i = f.length;
        const children = [ww.field('extension_type', 2, () => `${name} (${code})`), ww.vec('extension_data', 2, hex)];
        const ext = decoded[i];
        f.push({ name, value: ext !== undefined ? extensionSummary(ext) : children[1]!.value, start: at + ww.shift, end: ww.pos + ww.shift, children });
      }
      return f;
    },
  );
}

/** A few words for the extensions a student looks at (§4.2); the rest by size. */
function extensionSummary(ext: { readonly type: string }): string {
  const x = ext as Record<string, unknown>;
  const names = (table: 'group' | 'scheme', v: unknown) => (Array.isArray(v) ? v.map((n) => nameOf(table, n as number)).join(', ') : '');
  switch (ext.type) {
    case 'supported_versions':
      return Array.isArray(x['versions'])
        ? (x['versions'] as number[]).map((v) => version(new Uint8Array([v >> 8, v & 0xff]))).join(', ')
        : version(new Uint8Array([(x['selectedVersion'] as number) >> 8, (x['selectedVersion'] as number) & 0xff]));
    case 'server_name':
      return Array.isArray(x['serverNames']) ? (x['serverNames'] as { hostName: string }[]).map((s) => s.hostName).join(', ') : 'acknowledged';
    case 'supported_groups':
      return names('group', x['groups']);
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      return names('scheme', x['schemes']);
    case 'key_share':
      if (Array.isArray(x['clientShares'])) return (x['clientShares'] as { group: number }[]).map((s) => nameOf('group', s.group)).join(', ');
      if (x['serverShare'] !== undefined) return nameOf('group', (x['serverShare'] as { group: number }).group);
      return `selected group ${nameOf('group', x['selectedGroup'] as number)}`;
    case 'application_layer_protocol_negotiation':
      return Array.isArray(x['protocols']) ? (x['protocols'] as string[]).join(', ') : '';
    case 'early_data':
      return x['maxEarlyDataSize'] !== undefined ? `max ${String(x['maxEarlyDataSize'])} B` : 'present';
    case 'record_size_limit':
      return String(x['limit']);
    case 'pre_shared_key':
      return Array.isArray(x['identities']) ? `${(x['identities'] as unknown[]).length} identities` : `selected identity ${String(x['selectedIdentity'])}`;
    default:
      return 'present';
  }
}

function subjectOf(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    const san = c.subjectAltName?.dnsNames[0];
    return c.subject.text !== '' ? c.subject.text : san !== undefined ? `DNS:${san}` : '(empty subject)';
  } catch (err) {
    return `not a parsable certificate: ${err instanceof Error ? err.message : String(err)}`;
  }
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
