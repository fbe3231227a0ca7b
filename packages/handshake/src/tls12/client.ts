/**
 * The TLS 1.2 client (RFC 5246 §7.3): ClientHello; ServerHello, Certificate,
 * ServerKeyExchange, [CertificateRequest], ServerHelloDone; then [Certificate],
 * ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished; then the server's
 * ChangeCipherSpec and Finished. The client sends its Finished first and completes only on
 * the server's — after the server has judged the client's certificate.
 */
import { concatBytes } from '@tls13sim/record';
import { SignatureScheme, type NamedGroupName, type SignatureSchemeName } from '../constants.js';
import type { PrivateKey } from '../crypto/keys.js';
import { peerLeafKey, groupName } from '../endpoint/common.js';
import { fail, unexpected } from '../endpoint/errors.js';
import {
  checkEmptyRenegotiationInfo,
  checkPointFormats,
  decodeServerAlpn,
  EXT_EC_POINT_FORMATS,
  EXT_EXTENDED_MASTER_SECRET,
  EXT_RENEGOTIATION_INFO,
  hasDowngradeSentinel,
} from './hello.js';
import { encodeEcdhParams, encodeTls12, type CertificateRequest12, type Decoded12, type ServerHello12, type ServerKeyExchange12 } from './messages.js';
import { deriveSecrets, finishedMessage, checkFinished, keyTypeFits } from './derive.js';
import { checkTls12Signature, chooseTls12Scheme, signTls12 } from './signature.js';
import type { Tls12ClientState, Tls12Hello } from './state.js';
import { tls12SuiteByCode } from './suites.js';
import { clientResumedFinish, EXT_SESSION_TICKET, isResumption, negotiatedOf, resumedSecrets, sessionFromTicket } from './resume.js';
import { Out12, refuseRenegotiation, type Env12, type Step12 } from './step.js';

type CState<K extends Tls12ClientState['kind']> = Extract<Tls12ClientState, { kind: K }>;

/** Offered ServerHello extensions we may receive back (RFC 5246 §7.4.1.4: anything else is unsupported_extension). */
const ANSWERABLE = new Set([0 /* server_name */, 16 /* ALPN */, EXT_EC_POINT_FORMATS, EXT_EXTENDED_MASTER_SECRET, EXT_RENEGOTIATION_INFO]);

/** WAIT_SH: a ServerHello that chose TLS 1.2 (called by the 1.2 client, and by a 1.2+1.3 client's hand-over). */
export function onServerHello(st: CState<'WAIT_SH'>, sh: ServerHello12 & { raw: Uint8Array }, env: Env12): Step12 {
  // RFC 5246 Appendix E.1: a server version the client does not support is protocol_version.
  if (sh.version !== 0x0303) fail('protocol_version', `ServerHello version 0x${sh.version.toString(16)} is not TLS 1.2`);
  // RFC 8446 §4.1.3: "TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST check that the last 8 bytes are not equal to either of these values ... If a match is found, the client MUST abort the handshake with an "illegal_parameter" alert."
  const sentinel = hasDowngradeSentinel(sh.random);
  if (sentinel === 'tls11' || (sentinel === 'tls12' && env.tls13Capable))
    fail('downgrade_detected', `ServerHello.random carries the ${sentinel === 'tls12' ? 'TLS 1.2' : 'TLS 1.1'} downgrade sentinel (RFC 8446 §4.1.3)`);
  const suite = tls12SuiteByCode(sh.cipherSuite);
  // RFC 5246 §7.4.1.3: the cipher_suite is "selected by the server from the list in ClientHello.cipher_suites".
  if (suite === undefined || !st.offered.includes(sh.cipherSuite))
    fail('illegal_parameter', `ServerHello chose cipher suite 0x${sh.cipherSuite.toString(16)}, which we did not offer`);
  if (sh.compression !== 0) fail('illegal_parameter', `ServerHello chose compression method ${sh.compression}, which we did not offer`);
  let alpn: string | null = null;
  let ems = false;
  let reneg = false;
  let ticketPromised = false;
  for (const e of sh.extensions) {
    const unasked =
      e.code === EXT_SESSION_TICKET
        ? !st.ticketExt
        : !ANSWERABLE.has(e.code) || (e.code === 16 && env.config.alpn.length === 0) || (e.code === 0 && env.config.serverName === null);
    if (unasked) {
      fail('unsupported_extension', `ServerHello carries extension ${e.code}, which we did not offer (RFC 5246 §7.4.1.4)`);
    }
    if (e.code === EXT_EXTENDED_MASTER_SECRET) ems = e.data.length === 0 || fail('decode', 'extended_master_secret is not empty (RFC 7627 §5.1)');
    if (e.code === EXT_RENEGOTIATION_INFO) reneg = (checkEmptyRenegotiationInfo(e.data), true);
    if (e.code === EXT_EC_POINT_FORMATS) checkPointFormats(e.data);
    // RFC 5077 §3.2: the server's SessionTicket extension is empty.
    if (e.code === EXT_SESSION_TICKET)
      ticketPromised = e.data.length === 0 || fail('decode', 'the ServerHello session_ticket extension is not empty (RFC 5077 §3.2)');
    if (e.code === 16) {
      alpn = decodeServerAlpn(e.data);
      // RFC 7301 §3.1: the server's choice must be one the client offered.
      if (!env.config.alpn.includes(alpn)) fail('illegal_parameter', `the server chose ALPN ${alpn}, which we did not offer`);
    }
  }
  // RFC 7627 §5.3: "If a client ... receives a ServerHello without the extension, it SHOULD abort the handshake if it does not wish to interoperate with legacy servers." 'require' (the default) does; 'prefer' goes on with the RFC 5246 §8.1 master secret.
  if (!ems && env.tls12Ems === 'require') fail('no_common_parameters', 'the server did not negotiate extended_master_secret (RFC 7627), which we require');
  // RFC 5746 §3.4: a client MAY abort when the server does not indicate secure renegotiation; OpenSSL 3.0 clients do (handshake_failure).
  if (!reneg) fail('no_common_parameters', 'the server does not support secure renegotiation (RFC 5746 renegotiation_info absent)');
  st.transcript.add(sh.raw);
  const hello: Tls12Hello = {
    clientRandom: st.clientRandom,
    serverRandom: sh.random,
    suite: suite!,
    alpn,
    serverName: env.config.serverName,
    transcript: st.transcript,
    ticketPromised,
    ...(ems ? {} : { legacyMasterSecret: true }),
  };
  if (isResumption(st.sessionId, st.offeredSession, sh.sessionId, suite!)) {
    // RFC 7627 §5.3: "If the original session used the extension but the new ServerHello does not contain the extension, the client MUST abort the handshake." We keep sessions that used it only (onNewSessionTicket).
    if (!ems) fail('no_common_parameters', 'the server resumed an extended-master-secret session without the extension (RFC 7627 §5.3)');
    // RFC 5077 §3.1 figure 2: no Certificate, no key exchange; the server's ChangeCipherSpec and Finished come next.
    const secrets = resumedSecrets(env, suite!, st.offeredSession.master, st.clientRandom, sh.random);
    return new Out12().done({
      kind: 'WAIT_CCS',
      hello,
      secrets,
      negotiated: negotiatedOf(hello, null, null, true),
      serverChain: [],
      resumed: true,
      ticketExpected: ticketPromised,
    });
  }
  return new Out12().done({ kind: 'WAIT_CERT', hello });
}

function onCertificate(st: CState<'WAIT_CERT'>, chain: readonly Uint8Array[], raw: Uint8Array, env: Env12): Step12 {
  // RFC 5246 §7.4.2: the server "MUST send a Certificate message whenever the agreed-upon key exchange method uses certificates for authentication".
  if (chain.length === 0) fail('bad_certificate', 'the server sent an empty Certificate');
  const serverKey = peerLeafKey(chain, env, 'server', env.config.serverName);
  keyTypeFits(serverKey, st.hello.suite, 'server');
  st.hello.transcript.add(raw);
  return new Out12().done({ kind: 'WAIT_SKE', hello: st.hello, serverChain: chain, serverKey });
}

function onServerKeyExchange(st: CState<'WAIT_SKE'>, ske: ServerKeyExchange12 & { raw: Uint8Array }, env: Env12): Step12 {
  const group = groupName(ske.namedCurve);
  // RFC 8422 §5.4: the curve must be one the client listed in supported_groups.
  if (group === undefined || !env.groups12.includes(group))
    fail('illegal_parameter', `ServerKeyExchange uses group 0x${ske.namedCurve.toString(16)}, which we did not offer`);
  // RFC 8422 §5.4: the signature covers ClientHello.random + ServerHello.random + ServerECDHParams.
  const signed = concatBytes(st.hello.clientRandom, st.hello.serverRandom, encodeEcdhParams(ske.namedCurve, ske.publicKey));
  const scheme = checkTls12Signature(ske.algorithm, st.serverKey, signed, ske.signature, env, 'ServerKeyExchange');
  st.hello.transcript.add(ske.raw);
  return new Out12().done({
    kind: 'WAIT_CR_OR_SHD',
    hello: st.hello,
    serverChain: st.serverChain,
    group: group!,
    serverShare: ske.publicKey,
    serverScheme: scheme,
    certRequest: null,
  });
}

function onCertificateRequest(st: CState<'WAIT_CR_OR_SHD'>, cr: CertificateRequest12 & { raw: Uint8Array }): Step12 {
  st.hello.transcript.add(cr.raw);
  return new Out12().done({ ...st, kind: 'WAIT_SHD', certRequest: { certificateTypes: cr.certificateTypes, schemes: cr.schemes } });
}

/** RFC 5246 §7.4.4 ClientCertificateType: rsa_sign(1), ecdsa_sign(64) (RFC 8422 §5.5). */
const CERT_TYPE = { rsa: 1, ecdsa: 64 } as const;

/** ServerHelloDone: the client's whole second flight (RFC 5246 §7.3, §7.4.6–§7.4.9). */
function onServerHelloDone(st: CState<'WAIT_CR_OR_SHD' | 'WAIT_SHD'>, raw: Uint8Array, env: Env12): Step12 {
  const { hello } = st;
  const t = hello.transcript;
  t.add(raw);
  const out = new Out12();
  let signer: { key: PrivateKey; scheme: SignatureSchemeName } | null = null;
  if (st.certRequest !== null) {
    const req = st.certRequest;
    for (const own of env.config.certificates) {
      // RFC 8422 §5.5: ecdsa_sign covers "an ECDSA- or EdDSA-capable public key".
      const type = own.privateKey.type === 'rsa' ? CERT_TYPE.rsa : CERT_TYPE.ecdsa;
      const scheme = chooseTls12Scheme(own.privateKey, req.schemes, env);
      if (type === null || !req.certificateTypes.includes(type) || scheme === null) continue;
      out.send('certificate', encodeTls12({ type: 'certificate', chain: own.chain }), t);
      signer = { key: own.privateKey, scheme };
      break;
    }
    // RFC 5246 §7.4.6: "If no suitable certificate is available, the client MUST send a certificate message containing no certificates."
    if (signer === null) out.send('certificate', encodeTls12({ type: 'certificate', chain: [] }), t);
  }
  const kex = env.crypto.keyExchange(st.group as NamedGroupName);
  if (kex === undefined) fail('internal', `no key exchange for ${st.group}`);
  const answer = kex.respond(st.serverShare, env.random);
  // RFC 8422 §5.4/§5.10: an invalid point (or an all-zero X25519 result) cannot be used.
  if (answer === null) fail('illegal_parameter', `the server's ${st.group} public value is invalid`);
  out.send('client_key_exchange', encodeTls12({ type: 'client_key_exchange', publicKey: answer!.share }), t);
  const secrets = deriveSecrets(env, hello, answer!.sharedSecret, t);
  if (signer !== null) {
    // RFC 5246 §7.4.8: the signature covers "all handshake messages sent or received, starting at client hello and up to, but not including, this message".
    const signature = signTls12(signer.scheme, signer.key, t.bytes(), env);
    out.send('certificate_verify', encodeTls12({ type: 'certificate_verify', algorithm: SignatureScheme[signer.scheme], signature }), t);
  }
  out.push({ kind: 'ccs' });
  out.push({ kind: 'keys', direction: 'write', suite: hello.suite, key: secrets.clientKey, iv: secrets.clientIv, master: secrets.master });
  out.event({ type: 'finished_built', version: 'TLSv1.2' });
  out.send('finished', finishedMessage(env, hello.suite, secrets.master, 'client', t), t);
  const negotiated = negotiatedOf(hello, st.group, st.serverScheme, false);
  return out.done({ kind: 'WAIT_CCS', hello, secrets, negotiated, serverChain: st.serverChain, resumed: false, ticketExpected: hello.ticketPromised === true });
}

/** RFC 5246 §7.1: the server's ChangeCipherSpec makes its pending write state our current read state. */
export function clientOnCcs(st: Tls12ClientState): Step12 {
  if (st.kind !== 'WAIT_CCS') fail('unexpected_message', `ChangeCipherSpec is not expected in state ${st.kind}`);
  // RFC 5077 §3.3: a server that included the SessionTicket extension "MUST" send a NewSessionTicket (maybe empty) first.
  if (st.ticketExpected) fail('unexpected_message', 'ChangeCipherSpec before the promised NewSessionTicket (RFC 5077 §3.3)');
  const out = new Out12();
  out.push({ kind: 'keys', direction: 'read', suite: st.hello.suite, key: st.secrets.serverKey, iv: st.secrets.serverIv, master: st.secrets.master });
  return out.done({ ...st, kind: 'WAIT_FINISHED' });
}

function onServerFinished(st: CState<'WAIT_FINISHED'>, verifyData: Uint8Array, raw: Uint8Array, env: Env12): Step12 {
  checkFinished(env, st.hello.suite, st.secrets.master, 'server', st.hello.transcript, verifyData);
  st.hello.transcript.add(raw);
  const out = new Out12();
  out.event({ type: 'finished_verified', version: 'TLSv1.2' });
  if (st.resumed) clientResumedFinish(out, st.hello, st.secrets, env);
  out.event({ type: 'handshake_complete' });
  return out.done({
    kind: 'CONNECTED',
    app: {
      negotiated: st.negotiated,
      secrets: st.secrets,
      peerCertificates: st.serverChain,
      clientRandom: st.hello.clientRandom,
      serverRandom: st.hello.serverRandom,
    },
  });
}

/** RFC 5077 §3.3: the ticket, in the transcript, before the server's ChangeCipherSpec; an empty one is no ticket. */
function onNewSessionTicket(st: CState<'WAIT_CCS'>, ticket: Uint8Array, lifetimeHint: number, raw: Uint8Array, env: Env12): Step12 {
  st.hello.transcript.add(raw);
  const out = new Out12();
  // A session without extended_master_secret is not kept: resuming it would carry its weakness (RFC 7627 §5.4) into the next connection.
  if (ticket.length > 0 && st.hello.legacyMasterSecret !== true) {
    out.event({
      type: 'new_session_ticket',
      lifetime: lifetimeHint,
      tls12Session: sessionFromTicket(ticket, lifetimeHint, st.hello, st.secrets.master, env.now),
    });
  }
  return out.done({ ...st, ticketExpected: false });
}

export function clientHandle12(st: Tls12ClientState, msg: Decoded12, env: Env12): Step12 {
  // RFC 5246 §7.4.1.1: "This message will be ignored by the client if the client is currently negotiating a session"; it is not in the transcript.
  if (msg.type === 'hello_request' && st.kind !== 'CONNECTED') {
    const out = new Out12();
    out.event({ type: 'note', text: 'HelloRequest during the handshake: ignored (RFC 5246 §7.4.1.1)' });
    return out.done(st);
  }
  switch (st.kind) {
    case 'WAIT_SH':
      if (msg.type === 'server_hello' && 'version' in msg) return onServerHello(st, msg, env);
      break;
    case 'WAIT_CERT':
      if (msg.type === 'certificate') return onCertificate(st, msg.chain, msg.raw, env);
      break;
    case 'WAIT_SKE':
      if (msg.type === 'server_key_exchange') return onServerKeyExchange(st, msg, env);
      break;
    case 'WAIT_CR_OR_SHD':
      if (msg.type === 'certificate_request') return onCertificateRequest(st, msg);
      if (msg.type === 'server_hello_done') return onServerHelloDone(st, msg.raw, env);
      break;
    case 'WAIT_SHD':
      if (msg.type === 'server_hello_done') return onServerHelloDone(st, msg.raw, env);
      break;
    case 'WAIT_CCS':
      if (msg.type === 'new_session_ticket' && st.ticketExpected) return onNewSessionTicket(st, msg.ticket, msg.lifetimeHint, msg.raw, env);
      break;
    case 'WAIT_FINISHED':
      if (msg.type === 'finished') return onServerFinished(st, msg.verifyData, msg.raw, env);
      break;
    case 'CONNECTED':
      // RFC 5246 §7.4.1.1: a client "MAY ... respond with a no_renegotiation alert" to a HelloRequest; OpenSSL with renegotiation disabled sends it as a warning and carries on.
      if (msg.type === 'hello_request') return refuseRenegotiation(st);
      break;
    default:
      break;
  }
  return unexpected(st.kind, msg as never);
}
