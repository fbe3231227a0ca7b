/**
 * An annotated hex dump of every record sent: each header field named with its RFC 8446
 * section (§5.1 TLSPlaintext, §5.2 TLSCiphertext), and for plaintext records the body
 * (§4 handshake headers, §4.1.2/§4.1.3 hello version and random, §6 alerts).
 */
import { fromHex } from '@tls13sim/record';
import type { Side, Trace, TraceEvent } from '../trace.js';
import { alertName, contentTypeName, handshakeTypeName, isTls12Trace } from './names.js';

const PER_LINE = 16;
const HEX_COL = 3 * PER_LINE + 1;

function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

class Dump {
  readonly lines: string[] = [];
  field(bytes: Uint8Array, name: string, section: string): void {
    if (bytes.length === 0) return;
    for (let i = 0; i < bytes.length; i += PER_LINE) {
      const chunk = bytes.subarray(i, Math.min(bytes.length, i + PER_LINE));
      const first = i === 0;
      this.lines.push(`  ${hexBytes(chunk).padEnd(HEX_COL)}${first ? `${name.padEnd(52)} ${section}` : ''}`.trimEnd());
    }
  }
}

const u16 = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u24 = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 16) | ((b[o + 1] ?? 0) << 8) | (b[o + 2] ?? 0);

function dumpHandshake(d: Dump, body: Uint8Array, carry: number): number {
  let o = 0;
  if (carry > 0) {
    const n = Math.min(carry, body.length);
    d.field(body.subarray(0, n), `(continued handshake message, ${n} B)`, '§5.1');
    o = n;
    carry -= n;
  }
  while (o < body.length) {
    if (body.length - o < 4) {
      d.field(body.subarray(o), '(fragment of a handshake header)', '§5.1');
      return 0;
    }
    const type = body[o]!;
    const len = u24(body, o + 1);
    d.field(body.subarray(o, o + 1), `msg_type = ${handshakeTypeName(type)} (${type})`, '§4');
    d.field(body.subarray(o + 1, o + 4), `length = ${len}`, '§4');
    o += 4;
    const avail = Math.min(len, body.length - o);
    const msg = body.subarray(o, o + avail);
    if (type === 1 || type === 2) {
      const sec = type === 1 ? '§4.1.2' : '§4.1.3';
      d.field(msg.subarray(0, 2), `legacy_version = 0x${u16(msg, 0).toString(16).padStart(4, '0')}`, sec);
      d.field(msg.subarray(2, 34), 'random', sec);
      d.field(msg.subarray(34), `${handshakeTypeName(type)} rest (session id, suites, extensions)`, sec);
    } else {
      d.field(msg, `${handshakeTypeName(type)} body`, '§4');
    }
    o += avail;
    if (avail < len) return len - avail;
  }
  return carry;
}

/**
 * One record. `tls12`: the trace is of TLS 1.2 (RFC 5246), whose record header is TLSPlaintext
 * or TLSCiphertext with the real content type (§6.2.1, §6.2.3.3) and whose ChangeCipherSpec
 * switches the sender's keys (§7.1).
 */
function dumpRecord(ev: Extract<TraceEvent, { type: 'record_sent' }>, carry: number, tls12 = false): { lines: string[]; carry: number } {
  const wire = fromHex(ev.hex);
  const d = new Dump();
  const dir = ev.side === 'client' ? 'client → server' : 'server → client';
  d.lines.push(`record #${ev.seq} at ${ev.time} ms, ${dir}: ${ev.innerType} in epoch ${ev.epoch}, ${wire.length} B`);
  const type = wire[0] ?? 0;
  const protectedRecord = ev.epoch !== 'plaintext';
  const sec = tls12 ? (protectedRecord ? 'RFC 5246 §6.2.3' : 'RFC 5246 §6.2.1') : protectedRecord ? '§5.2' : '§5.1';
  const typeName = tls12 ? 'ContentType type' : protectedRecord ? 'opaque_type' : 'ContentType type';
  d.field(wire.subarray(0, 1), `${typeName} = ${contentTypeName(type)} (${type})`, sec);
  d.field(wire.subarray(1, 3), `${tls12 ? 'ProtocolVersion version' : 'legacy_record_version'} = 0x${u16(wire, 1).toString(16).padStart(4, '0')}`, sec);
  d.field(wire.subarray(3, 5), `length = ${u16(wire, 3)}`, sec);
  const body = wire.subarray(5);
  if (protectedRecord && tls12) {
    d.field(body, `GenericAEADCipher: nonce_explicit (8 B with AES-GCM, RFC 5288 §3), ${ev.innerType} encrypted, tag`, 'RFC 5246 §6.2.3.3');
  } else if (protectedRecord) {
    d.field(body, `encrypted_record (AEAD: ${ev.innerType} + content type + padding, tag)`, '§5.2');
  } else if (type === 22) {
    carry = dumpHandshake(d, body, carry);
  } else if (type === 21 && body.length === 2) {
    d.field(body.subarray(0, 1), `AlertLevel level = ${body[0] === 2 ? 'fatal' : body[0] === 1 ? 'warning' : body[0]}`, '§6');
    d.field(body.subarray(1, 2), `AlertDescription description = ${alertName(body[1]!)} (${body[1]})`, '§6');
  } else if (type === 20 && tls12) {
    d.field(body, "change_cipher_spec: the sender's next records are under its tls12 keys", 'RFC 5246 §7.1');
  } else if (type === 20) {
    d.field(body, 'change_cipher_spec (middlebox compatibility)', 'App. D.4');
  } else {
    d.field(body, 'fragment', sec);
  }
  return { lines: d.lines, carry };
}

export function renderHexDump(trace: Trace): string {
  const carry: Record<Side, number> = { client: 0, server: 0 };
  const blocks: string[] = [];
  const tls12 = isTls12Trace(trace);
  for (const ev of trace.events) {
    if (ev.type !== 'record_sent' || ev.side === 'network') continue;
    const r = dumpRecord(ev, carry[ev.side], tls12);
    carry[ev.side] = r.carry;
    blocks.push(r.lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
