/**
 * One handshake message as named fields (RFC 8446 §4 structures), each the byte range
 * `[start, end)` of the record's plaintext it was read from: the message header, the body
 * field by field, the extensions with a few words each (§4.2). decode.ts frames the
 * messages out of the records and calls `messageFields` for each.
 */
import {
  HRR_RANDOM,
  HandshakeType,
  decodeHandshake,
  nameOf,
  parseCertificate,
  tls12MessageName,
  type CipherSuiteParams,
  type HandshakeMessage,
} from '@tls13sim/handshake';
import { bytesEqual, toHex } from '@tls13sim/record';
import { extensionName12, messageFields12, suiteName12 } from './decode12.js';
import type { Field } from './field.js';

export function messageName(msgType: number, msg: Uint8Array): string {
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
export function messageFields(msg: Uint8Array, start: number, suite: CipherSuiteParams | undefined, tls12 = false): Field {
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
    case HT.client_hello:
      return clientHelloFields(w, m, out);
    case HT.server_hello:
      return serverHelloFields(w, m, out);
    case HT.encrypted_extensions:
      out.push(extensions(w, m));
      return `${extensionCount(out)} extensions`;
    case HT.certificate_request:
      out.push(w.vec('certificate_request_context', 1, hex), extensions(w, m));
      return `${extensionCount(out)} extensions`;
    case HT.certificate:
      return certificateFields(w, out);
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

/** ClientHello (§4.1.2): versions, random, session id, suites, compression, extensions. */
function clientHelloFields(w: Walk, m: HandshakeMessage | undefined, out: Field[]): string {
  const end = w.b.length;
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

/** ServerHello or HelloRetryRequest (§4.1.3, §4.1.4). */
function serverHelloFields(w: Walk, m: HandshakeMessage | undefined, out: Field[]): string {
  const end = w.b.length;
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

/** Certificate (§4.4.2): the request context and each CertificateEntry with its subject. */
function certificateFields(w: Walk, out: Field[]): string {
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
