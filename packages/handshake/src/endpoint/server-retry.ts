/**
 * The server's HelloRetryRequest (RFC 8446 §4.1.4, Appendix A.2 RECVD_CH → START): building
 * and sending it, the stateless cookie that carries its memory (§4.2.2), and the checks of
 * the second ClientHello against the first (§4.1.2).
 */
import { bytesEqual, constantTimeEqual, DecodeError, Reader, Writer } from '@tls13sim/record';
import { NamedGroup, TLS12, TLS13 } from '../constants.js';
import { messageHash, Transcript } from '../keyschedule/transcript.js';
import { encodeExtension, findExtension } from '../messages/index.js';
import type { ClientHello, Decoded, HelloRetryRequest, HelloRetryRequestExtension } from '../messages/types.js';
import { suiteParams } from './common.js';
import { fail } from './errors.js';
import { suiteCode, type Selection } from './server-flight.js';
import type { RetryMemory, ServerState } from './state.js';
import { Out, type Env, type Step } from './step.js';

// --- HelloRetryRequest (§4.1.4) ------------------------------------------------------------

function buildHelloRetryRequest(sessionId: Uint8Array, cipherSuite: number, group: number, cookie: Uint8Array | null, env: Env): HelloRetryRequest {
  const extensions: HelloRetryRequestExtension[] = [
    { type: 'supported_versions', selectedVersion: TLS13 },
    { type: 'key_share', selectedGroup: group },
  ];
  if (cookie !== null) extensions.push({ type: 'cookie', cookie });
  const hrr: HelloRetryRequest = {
    type: 'hello_retry_request',
    legacyVersion: TLS12,
    legacySessionIdEcho: sessionId,
    cipherSuite,
    legacyCompressionMethod: 0,
    extensions,
  };
  return env.config.hooks.helloRetryRequest ? env.config.hooks.helloRetryRequest(hrr) : hrr;
}

export function sendHelloRetryRequest(ch: Decoded<ClientHello>, sel: Selection, env: Env, out: Out): Step<ServerState> {
  const suite = suiteParams(suiteCode(sel.suite));
  const group = NamedGroup[sel.group!];
  const ch1Hash = messageHash(env.crypto, suite.hash, ch.raw);
  let cookie: Uint8Array | null = null;
  if (env.config.statelessHrr) cookie = sealCookie(suiteCode(sel.suite), group, ch1Hash, env);
  else if (env.config.hrrCookie) cookie = env.random.bytes(16);
  const hrr = buildHelloRetryRequest(ch.legacySessionId, suiteCode(sel.suite), group, cookie, env);
  const transcript = new Transcript([ch1Hash]);
  out.send(hrr, transcript);
  // §4.2.10: after a HelloRetryRequest the server skips the client's 0-RTT records ("all records with an external content type of application_data").
  if (findExtension(ch.extensions, 'early_data') !== undefined) out.push({ kind: 'skip_early_data', maxBytes: env.config.earlyDataSkipLimit });
  // §D.4: "The server sends a dummy change_cipher_spec record immediately after its first handshake message. This may either be after a ServerHello or a HelloRetryRequest."
  if (ch.legacySessionId.length > 0) out.ccs();
  // The stateless server forgets everything: the cookie carries it (§4.2.2). The stateful
  // one remembers the cookie it actually sent — a helloRetryRequest hook may have put one
  // in place — so that the second ClientHello is held to echoing it.
  const sentCookie = findExtension(hrr.extensions, 'cookie')?.cookie ?? null;
  const retry: RetryMemory | null = env.config.statelessHrr
    ? null
    : { clientHello1: ch, transcript, cipherSuite: suiteCode(sel.suite), group, cookie: sentCookie };
  return out.done({ kind: 'START', retry });
}

/**
 * Stateless HRR cookie (§4.2.2: "allowing the server to ... offload state to the client"):
 * version || cipher_suite || group || message_hash(ClientHello1), then an HMAC-SHA256 tag
 * under the server's cookie key.
 */
function sealCookie(cipherSuite: number, group: number, ch1Hash: Uint8Array, env: Env): Uint8Array {
  const body = new Writer().u8(1).u16(cipherSuite).u16(group).opaque8(ch1Hash).finish();
  const tag = env.crypto.hmac('sha256', env.config.cookieKey!, body);
  return new Writer().bytes(body).bytes(tag).finish();
}

export function retryFromCookie(ch: Decoded<ClientHello>, env: Env): RetryMemory | null {
  const ext = findExtension(ch.extensions, 'cookie');
  if (ext === undefined) return null;
  const c = ext.cookie;
  if (c.length < 32) fail('illegal_parameter', 'cookie too short');
  const body = c.subarray(0, c.length - 32);
  const tag = c.subarray(c.length - 32);
  // §4.2.2: a cookie the server did not issue is an illegal_parameter.
  if (!constantTimeEqual(env.crypto.hmac('sha256', env.config.cookieKey!, body), tag)) fail('illegal_parameter', 'cookie does not authenticate');
  let cipherSuite: number, group: number, ch1Hash: Uint8Array;
  try {
    const r = new Reader(body);
    if (r.u8() !== 1) throw new DecodeError('cookie version');
    cipherSuite = r.u16();
    group = r.u16();
    ch1Hash = r.opaque8();
    r.end('cookie');
  } catch {
    return fail('illegal_parameter', 'malformed cookie');
  }
  const hrr = buildHelloRetryRequest(ch.legacySessionId, cipherSuite, group, c, env);
  const transcript = new Transcript([ch1Hash]);
  transcript.add(encodeHrr(hrr));
  return { clientHello1: ch, transcript, cipherSuite, group, cookie: c };
}

function encodeHrr(hrr: HelloRetryRequest): Uint8Array {
  const out = new Out();
  return out.send(hrr, null);
}

/**
 * §4.1.2: after a HelloRetryRequest "the client MUST send the same ClientHello without
 * modification, except" key_share, early_data, cookie, pre_shared_key and padding.
 * Stateful: compared with the first; stateless: the cookie must be echoed.
 */
export function checkSecondClientHello(retry: RetryMemory, ch2: ClientHello, env: Env): void {
  const cookie = findExtension(ch2.extensions, 'cookie');
  if (retry.cookie !== null && (cookie === undefined || !bytesEqual(cookie.cookie, retry.cookie))) {
    fail('illegal_parameter', 'the second ClientHello does not echo the cookie (§4.2.2)');
  }
  if (findExtension(ch2.extensions, 'early_data') !== undefined) fail('illegal_parameter', 'early_data in the second ClientHello (§4.2.10)');
  if (!ch2.cipherSuites.includes(retry.cipherSuite)) fail('illegal_parameter', 'the second ClientHello drops the selected cipher suite');
  const shares = findExtension(ch2.extensions, 'key_share')?.clientShares ?? fail('missing_extension', 'the second ClientHello has no key_share (§4.1.4)');
  // §4.2.8: the new key_share has "a single KeyShareEntry from the indicated group".
  if (shares.length !== 1 || shares[0]!.group !== retry.group)
    fail('illegal_parameter', 'the second ClientHello must carry exactly one share, for the group the HelloRetryRequest selected');
  if (env.config.statelessHrr) return;
  const ch1 = retry.clientHello1;
  const same =
    ch1.legacyVersion === ch2.legacyVersion &&
    bytesEqual(ch1.random, ch2.random) &&
    bytesEqual(ch1.legacySessionId, ch2.legacySessionId) &&
    sameList(ch1.cipherSuites, ch2.cipherSuites) &&
    bytesEqual(ch1.legacyCompressionMethods, ch2.legacyCompressionMethods) &&
    sameStableExtensions(ch1, ch2);
  if (!same) fail('illegal_parameter', 'the second ClientHello changes more than §4.1.2 allows');
}

const MAY_CHANGE = new Set(['key_share', 'early_data', 'cookie', 'pre_shared_key', 'padding']);

function sameStableExtensions(a: ClientHello, b: ClientHello): boolean {
  const stable = (ch: ClientHello): Uint8Array[] => ch.extensions.filter((e) => !MAY_CHANGE.has(e.type)).map((e) => encodeExtension(e));
  const x = stable(a);
  const y = stable(b);
  return x.length === y.length && x.every((e, i) => bytesEqual(e, y[i]!));
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
