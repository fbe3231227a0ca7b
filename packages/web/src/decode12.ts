/**
 * TLS 1.2 records in the stepper (RFC 5246): the record keys of the `tls12` epoch, derived
 * as Wireshark does from the NSS keylog line `CLIENT_RANDOM <client_random> <master_secret>`
 * — key_block = PRF(master_secret, "key expansion", server_random + client_random), split
 * into client/server write keys and IVs (RFC 5246 §6.3) — and the fields of the handshake
 * messages TLS 1.2 shapes differently from TLS 1.3 (RFC 5246 §7.4; RFC 8422 §5.4 for the
 * ServerKeyExchange and ClientKeyExchange). Pure, noble crypto: it runs in the page.
 */
import { decodeTls12, nameOf, nobleProvider, parseCertificate, tls12KeyBlock, tls12SuiteByCode, type Tls12SuiteParams } from '@tls13sim/handshake';
import { toHex, unprotectRecord12, type Tls12Keys } from '@tls13sim/record';
import type { Side } from '@tls13sim/sim/browser';
import type { Field } from './field.js';

/** What a TLS 1.2 connection's hellos said: the randoms and the suite (RFC 5246 §7.4.1.2, §7.4.1.3). */
export interface Hellos12 {
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  suite?: Tls12SuiteParams;
}

const HEADER = 5;

/** Reads the random (and, from a ServerHello, the suite) off a plaintext record whose first message is a hello. */
export function noteHello(wire: Uint8Array, messages: readonly string[], hellos: Hellos12): void {
  // record header (5), msg_type + length (4), version (2), then the 32-byte random.
  if (wire.length < HEADER + 4 + 2 + 32 + 1) return;
  const random = wire.slice(HEADER + 6, HEADER + 6 + 32);
  if (messages[0] === 'client_hello') hellos.clientRandom = random;
  if (messages[0] !== 'server_hello') return;
  hellos.serverRandom = random;
  const sid = wire[HEADER + 6 + 32]!;
  const at = HEADER + 6 + 32 + 1 + sid;
  if (at + 2 <= wire.length) hellos.suite = tls12SuiteByCode((wire[at]! << 8) | wire[at + 1]!) ?? hellos.suite;
}

/** One side's write keys from the master secret (RFC 5246 §6.3), once both randoms and the suite are known. */
export function writeKeys12(side: Side, master: Uint8Array, hellos: Hellos12): { keys: Tls12Keys; suite: Tls12SuiteParams } | undefined {
  const { clientRandom, serverRandom, suite } = hellos;
  if (clientRandom === undefined || serverRandom === undefined || suite === undefined) return undefined;
  const block = tls12KeyBlock(nobleProvider, suite.hash, master, clientRandom, serverRandom, suite.keyLength, suite.fixedIvLength);
  return { keys: { aead: nobleProvider.aead(suite.aead), ...block[side] }, suite };
}

/** Opens one `tls12` record (RFC 5246 §6.2.3.3); undefined when it does not authenticate. */
export function open12(keys: Tls12Keys, sequence: number, wire: Uint8Array): { contentType: number; content: Uint8Array } | undefined {
  try {
    return unprotectRecord12(keys, BigInt(sequence), wire);
  } catch {
    return undefined;
  }
}

/** Extensions TLS 1.2 uses that TLS 1.3's table does not name (RFC 7627 §5.1, RFC 5746 §3.2, RFC 8422 §5.1.2). */
const TLS12_EXTENSIONS: Readonly<Record<number, string>> = { 23: 'extended_master_secret', 0xff01: 'renegotiation_info', 11: 'ec_point_formats' };

/** An extension's name, TLS 1.2's included. */
export function extensionName12(code: number): string {
  return TLS12_EXTENSIONS[code] ?? nameOf('extension', code);
}

/** A cipher suite's name, TLS 1.2's included (RFC 5289, RFC 7905). */
export function suiteName12(code: number): string {
  const n = nameOf('suite', code);
  return n.startsWith('unknown_') ? (tls12SuiteByCode(code)?.name ?? n) : n;
}

const hex = (b: Uint8Array): string => (b.length <= 48 ? toHex(b) : `${toHex(b.subarray(0, 24))}… (${b.length} B)`);

function subject(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    return c.subject.text !== '' ? c.subject.text : '(empty subject)';
  } catch {
    return `${der.length} B (not a certificate)`;
  }
}

/**
 * The body fields of a TLS 1.2 handshake message (header included in `msg`, at `start` of
 * the record's plaintext); undefined for the ClientHello, which TLS 1.3's decoder reads.
 */
export function messageFields12(msg: Uint8Array, start: number): { summary: string; fields: Field[] } | undefined {
  const type = msg[0]!;
  if (type === 1) return undefined;
  const f = (name: string, at: number, len: number, value: string): Field => ({ name, value, start: start + at, end: start + at + len });
  let m: ReturnType<typeof decodeTls12>;
  try {
    m = decodeTls12(type, msg.subarray(4), msg);
  } catch (e) {
    return { summary: `${msg.length} B`, fields: [f('error', 4, msg.length - 4, `does not decode: ${e instanceof Error ? e.message : String(e)}`)] };
  }
  switch (m.type) {
    case 'server_hello': {
      const suite = tls12SuiteByCode(m.cipherSuite)?.name ?? `0x${m.cipherSuite.toString(16)}`;
      const tail = toHex(m.random.subarray(24));
      const sentinel = tail === '444f574e47524401' ? ' — ends with DOWNGRD\\x01 (RFC 8446 §4.1.3)' : '';
      const at = 4 + 2 + 32 + 1 + m.sessionId.length;
      return {
        summary: `TLS 1.2, ${suite}`,
        fields: [
          f('server_version', 4, 2, `0x${m.version.toString(16)}`),
          f('random', 6, 32, `${hex(m.random)}${sentinel}`),
          f('cipher_suite', at, 2, suite),
          f('extensions', at + 3, msg.length - at - 3, m.extensions.map((e) => extensionName12(e.code)).join(', ')),
        ],
      };
    }
    case 'certificate': {
      const names = m.chain.map(subject);
      return {
        summary: names.length === 0 ? 'empty (no certificate)' : names.join(' ← '),
        fields: [f('certificate_list', 4, msg.length - 4, `${names.length} certificates: ${names.join(' ← ')}`)],
      };
    }
    case 'server_key_exchange':
      return {
        summary: `${nameOf('group', m.namedCurve)}, signed with ${nameOf('scheme', m.algorithm)}`,
        fields: [
          f('named_curve', 5, 2, nameOf('group', m.namedCurve)),
          f('public', 7, 1 + m.publicKey.length, hex(m.publicKey)),
          f('signature', 8 + m.publicKey.length, msg.length - 8 - m.publicKey.length, `${nameOf('scheme', m.algorithm)}: ${hex(m.signature)}`),
        ],
      };
    case 'certificate_request':
      return {
        summary: m.schemes.map((s) => nameOf('scheme', s)).join(', '),
        fields: [f('certificate_types', 4, 1 + m.certificateTypes.length, hex(m.certificateTypes))],
      };
    case 'client_key_exchange':
      return { summary: `ECDH public key, ${m.publicKey.length} B`, fields: [f('public', 4, msg.length - 4, hex(m.publicKey))] };
    case 'certificate_verify':
      return {
        summary: nameOf('scheme', m.algorithm),
        fields: [f('algorithm', 4, 2, nameOf('scheme', m.algorithm)), f('signature', 6, msg.length - 6, hex(m.signature))],
      };
    case 'finished':
      return {
        summary: `verify_data ${hex(m.verifyData)}`,
        fields: [
          f('verify_data', 4, m.verifyData.length, `${hex(m.verifyData)} (PRF(master_secret, finished_label, Hash(handshake_messages)), RFC 5246 §7.4.9)`),
        ],
      };
    case 'new_session_ticket':
      return {
        summary: `lifetime hint ${m.lifetimeHint} s`,
        fields: [f('ticket_lifetime_hint', 4, 4, `${m.lifetimeHint} s`), f('ticket', 8, msg.length - 8, hex(m.ticket))],
      };
    default:
      return { summary: `${msg.length} B`, fields: [] };
  }
}
