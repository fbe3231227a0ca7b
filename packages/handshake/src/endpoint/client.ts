/**
 * Client transitions, RFC 8446 Appendix A.1:
 *
 *   START → WAIT_SH → WAIT_EE → WAIT_CERT_CR → [WAIT_CERT] → WAIT_CV → WAIT_FINISHED → CONNECTED
 *
 * Each handler reads top to bottom, one check per `if`, and returns the next state with
 * the outputs to apply. The client is CONNECTED — and considers the handshake complete
 * (§4.4.4: Finished both sent and received) — as soon as it sends its Finished, before the
 * server has seen its Certificate, CertificateVerify or Finished.
 */
import { CipherSuite, NamedGroup, PskKeyExchangeMode, TLS12, TLS13 } from '../constants.js';
import type { KeyShareSecret } from '../crypto/provider.js';
import { EarlySecret } from '../keyschedule/stages.js';
import { finishedVerifyData, pskBinder, verifyFinished } from '../keyschedule/derive.js';
import { cipherSuiteParams } from '../keyschedule/suites.js';
import { Transcript } from '../keyschedule/transcript.js';
import { findExtension, truncatedClientHello, withBinders } from '../messages/index.js';
import type {
  Certificate,
  CertificateRequest,
  ClientHello,
  ClientHelloExtension,
  Decoded,
  EncryptedExtensions,
  Finished,
  HandshakeMessage,
  HelloRetryRequest,
  HelloRetryRequestExtension,
  ServerHello,
  ServerHelloExtension,
} from '../messages/types.js';
import { appKeylogLabel, groupName, peerLeafKey, sameBytes, suiteParams, verifyCertificateVerify } from './common.js';
import { fail, unexpected } from './errors.js';
import { sendClientCertificate } from './certificates.js';
import type { ClientKeys, ClientState, Negotiated, OfferedPsk, PendingCertRequest } from './state.js';
import { assertNever } from './state.js';
import { Out, type Env, type Step } from './step.js';
import { connectedHandle } from './connected.js';

type S<K extends ClientState['kind']> = Extract<ClientState, { kind: K }>;

/** §4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates TLS 1.2 or below. */
const DOWNGRADE_TLS12 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
const DOWNGRADE_TLS11 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

/** START: send ClientHello (§4.1.2) — with a PSK and 0-RTT data if configured — and wait for the ServerHello. */
export function clientStart(env: Env): Step<ClientState> {
  const out = new Out();
  const shares = env.config.keyShareGroups.map((g) => env.crypto.keyExchange(g)!.generate(env.random));
  const psk = offeredPsk(env);
  const sendEarly = psk !== null && env.config.earlyData !== null && (psk.session?.maxEarlyData ?? 0) > 0;
  let ch = buildClientHello(env, shares, psk, sendEarly);
  const transcript = new Transcript();
  if (psk !== null) ch = attachBinder(ch, psk, transcript, env);
  out.send(ch, transcript);
  if (sendEarly) {
    // §4.2.10: early data is protected with client_early_traffic_secret, derived over the ClientHello.
    const suite = suiteParams(CipherSuite[psk.suite!]);
    const earlySecret = psk.early.clientEarlyTrafficSecret(transcript.hash(env.crypto, suite.hash));
    out.keys('write', 'early', suite, earlySecret, 'CLIENT_EARLY_TRAFFIC_SECRET');
    out.push({ kind: 'app_data', data: env.config.earlyData! });
  }
  return out.done({ kind: 'WAIT_SH', clientHello: ch, transcript, shares, retry: null, psk, earlyData: sendEarly ? 'sent' : 'none' });
}

/** The PSK to offer: a resumption session, else an external PSK (§4.2.11). */
function offeredPsk(env: Env): OfferedPsk | null {
  const { session, externalPsk } = env.config;
  if (session !== null) {
    const suite = cipherSuiteParams(session.suite);
    return { kind: 'resumption', early: EarlySecret.fromPsk(env.crypto, suite.hash, session.psk), hash: suite.hash, suite: session.suite, session };
  }
  if (externalPsk !== null) {
    return { kind: 'external', early: EarlySecret.fromPsk(env.crypto, externalPsk.hash, externalPsk.key), hash: externalPsk.hash, suite: null, session: null };
  }
  return null;
}

/** §4.2.11: "obfuscated_ticket_age ... is the ticket age ... added to ticket_age_add modulo 2^32"; 0 for external PSKs. */
function obfuscatedAge(psk: OfferedPsk, env: Env): number {
  if (psk.session === null) return 0;
  const age = Math.max(0, Math.floor(env.now - psk.session.receivedAt));
  return (age + psk.session.ticketAgeAdd) % 0x100000000;
}

/**
 * §4.2.11.2: the binder is an HMAC over Transcript-Hash(prefix, Truncated(ClientHello)),
 * the ClientHello "up to and including the PreSharedKeyExtension.identities field". The
 * ClientHello carries a placeholder binder of the right length until it is computed.
 */
function attachBinder(ch: ClientHello, psk: OfferedPsk, prefix: Transcript, env: Env): ClientHello {
  const truncated = truncatedClientHello(ch);
  const binderKey = psk.early.binderKey(psk.kind);
  const binder = pskBinder(env.crypto, psk.hash, binderKey, prefix.hashWith(env.crypto, psk.hash, truncated));
  return withBinders(ch, [binder]);
}

function pskExtension(psk: OfferedPsk, env: Env): ClientHelloExtension {
  const identity = psk.session?.ticket ?? env.config.externalPsk!.identity;
  return {
    type: 'pre_shared_key',
    identities: [{ identity, obfuscatedTicketAge: obfuscatedAge(psk, env) }],
    binders: [new Uint8Array(env.crypto.hashLength(psk.hash))],
  };
}

function buildClientHello(env: Env, shares: readonly KeyShareSecret[], psk: OfferedPsk | null, earlyData: boolean): ClientHello {
  const c = env.config;
  const random = env.random.bytes(32);
  // §D.4: "the client MUST send a non-empty legacy_session_id" in compatibility mode.
  const legacySessionId = c.middleboxCompat ? env.random.bytes(32) : new Uint8Array(0);
  const ext: ClientHelloExtension[] = [];
  if (c.serverName !== null && !isIpLiteral(c.serverName)) {
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
    ext.push({ type: 'server_name', serverNames: [{ nameType: 0, hostName: c.serverName }] });
  }
  ext.push({ type: 'supported_groups', groups: c.groupCodes });
  ext.push({ type: 'signature_algorithms', schemes: c.schemeCodes });
  ext.push({ type: 'supported_versions', versions: [TLS13] });
  ext.push({ type: 'key_share', clientShares: shares.map((s) => ({ group: NamedGroup[s.group], keyExchange: s.share })) });
  ext.push({ type: 'psk_key_exchange_modes', modes: c.pskModes.map((m) => PskKeyExchangeMode[m]) });
  if (c.alpn.length > 0) ext.push({ type: 'application_layer_protocol_negotiation', protocols: c.alpn });
  if (c.recordSizeLimit !== null) ext.push({ type: 'record_size_limit', limit: c.recordSizeLimit });
  if (c.postHandshakeAuth) ext.push({ type: 'post_handshake_auth' });
  if (earlyData) ext.push({ type: 'early_data' });
  // §4.2.11: "The "pre_shared_key" extension MUST be the last extension in the ClientHello".
  if (psk !== null) ext.push(pskExtension(psk, env));
  const ch: ClientHello = {
    type: 'client_hello',
    legacyVersion: TLS12,
    random,
    legacySessionId,
    cipherSuites: c.suiteCodes,
    legacyCompressionMethods: new Uint8Array([0]),
    extensions: ext,
  };
  return c.hooks.clientHello ? c.hooks.clientHello(ch) : ch;
}

function isIpLiteral(name: string): boolean {
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

export function clientHandle(state: ClientState, msg: Decoded, env: Env): Step<ClientState> {
  switch (state.kind) {
    case 'START':
      return unexpected(state.kind, msg);
    case 'WAIT_SH':
      if (msg.type === 'server_hello') return onServerHello(state, msg, env);
      if (msg.type === 'hello_retry_request') return onHelloRetryRequest(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_EE':
      if (msg.type === 'encrypted_extensions') return onEncryptedExtensions(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_CERT_CR':
      if (msg.type === 'certificate_request') return onCertificateRequest(state, msg);
      if (msg.type === 'certificate') return onCertificate(state, null, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_CERT':
      if (msg.type === 'certificate') return onCertificate(state, state.certRequest, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_CV':
      if (msg.type === 'certificate_verify') return onCertificateVerify(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_FINISHED':
      if (msg.type === 'finished') return onFinished(state, msg, env);
      return unexpected(state.kind, msg);
    case 'CONNECTED':
      return connectedHandle('client', state, msg, env);
    case 'CLOSED':
      return unexpected(state.kind, msg);
    default:
      return assertNever(state);
  }
}

/** Checks common to ServerHello and HelloRetryRequest (§4.1.3, §4.1.4). */
function checkServerHelloCommon(st: S<'WAIT_SH'>, m: ServerHello | HelloRetryRequest): void {
  const sv = findExtension<HelloRetryRequestExtension | ServerHelloExtension, 'supported_versions'>(m.extensions, 'supported_versions');
  if (sv === undefined) {
    // §4.1.3: a TLS 1.3 server that negotiates TLS 1.2 sets the downgrade sentinel.
    if (m.type === 'server_hello' && (endsWith(m.random, DOWNGRADE_TLS12) || endsWith(m.random, DOWNGRADE_TLS11))) {
      fail('downgrade_detected', 'ServerHello.random carries the TLS 1.2/1.1 downgrade sentinel (§4.1.3)');
    }
    fail('protocol_version', 'the server did not select TLS 1.3 (no supported_versions in its hello)');
  }
  // §4.2.1: "If the "supported_versions" extension in the ServerHello contains a version not offered by the client ... abort with illegal_parameter".
  if (sv.selectedVersion !== TLS13) fail('illegal_parameter', `server selected version 0x${sv.selectedVersion.toString(16)}`);
  // Appendix D.5: "Any endpoint receiving a Hello message with ... ServerHello.legacy_version set to 0x0300 MUST abort the handshake with a "protocol_version" alert";
  // below 0x0303 is refused the same way, as the server refuses such a ClientHello.
  if (m.legacyVersion < TLS12) fail('protocol_version', `legacy_version 0x${m.legacyVersion.toString(16).padStart(4, '0')} is below 0x0303 (Appendix D.5)`);
  // §4.1.3: "legacy_version ... MUST be set to 0x0303".
  if (m.legacyVersion !== TLS12) fail('illegal_parameter', `legacy_version 0x${m.legacyVersion.toString(16)} is not 0x0303`);
  // §4.1.3: "A client which receives a legacy_session_id_echo field that does not match what it sent ... MUST abort the handshake with an "illegal_parameter" alert."
  if (!sameBytes(m.legacySessionIdEcho, st.clientHello.legacySessionId)) fail('illegal_parameter', 'legacy_session_id_echo does not match');
  // §4.1.3: "A client which receives a cipher suite that was not offered MUST abort the handshake with an "illegal_parameter" alert."
  if (!st.clientHello.cipherSuites.includes(m.cipherSuite)) fail('illegal_parameter', `cipher suite 0x${m.cipherSuite.toString(16)} was not offered`);
  // §4.1.3: "legacy_compression_method: A single byte which MUST have the value 0."
  if (m.legacyCompressionMethod !== 0) fail('illegal_parameter', 'legacy_compression_method is not 0');
}

function endsWith(a: Uint8Array, tail: Uint8Array): boolean {
  return a.length >= tail.length && sameBytes(a.subarray(a.length - tail.length), tail);
}

/** WAIT_SH + ServerHello → WAIT_EE; K_recv = handshake (§A.1). */
function onServerHello(st: S<'WAIT_SH'>, sh: Decoded<ServerHello>, env: Env): Step<ClientState> {
  checkServerHelloCommon(st, sh);
  // §4.1.4: "the client MUST check that the cipher suite supplied in the ServerHello is the same as that in the HelloRetryRequest".
  if (st.retry !== null && sh.cipherSuite !== st.retry.cipherSuite) fail('illegal_parameter', 'ServerHello cipher suite differs from the HelloRetryRequest');
  const suite = suiteParams(sh.cipherSuite);
  const usePsk = selectedPsk(st, sh, suite.hash);
  const ks = findExtension(sh.extensions, 'key_share');
  let shared: Uint8Array | null = null;
  let group: string | null = null;
  if (ks === undefined) {
    // §4.2.9: without a key share the server chose psk_ke, which must have been offered.
    if (usePsk === null) fail('missing_extension', 'ServerHello without key_share or pre_shared_key');
    if (!env.config.pskModes.includes('psk_ke')) fail('missing_extension', 'ServerHello without key_share, but psk_ke was not offered (§4.2.9)');
  } else {
    if (usePsk !== null && !env.config.pskModes.includes('psk_dhe_ke')) fail('illegal_parameter', 'key_share with a PSK, but psk_dhe_ke was not offered');
    // §4.2.8: the server's share must be for a group the client sent a share for.
    const own = st.shares.find((s) => NamedGroup[s.group] === ks.serverShare.group);
    if (own === undefined) fail('illegal_parameter', `ServerHello key_share group 0x${ks.serverShare.group.toString(16)} has no share of ours`);
    shared = env.crypto.keyExchange(own.group)!.finish(own, ks.serverShare.keyExchange);
    if (shared === null) fail('illegal_parameter', `invalid ${own.group} key share from the server (§4.2.8.1, §7.4)`);
    group = own.group;
  }

  const transcript = st.transcript.clone();
  transcript.add(sh.raw);
  const helloHash = transcript.hash(env.crypto, suite.hash);
  const early = usePsk?.early ?? EarlySecret.withoutPsk(env.crypto, suite.hash);
  const handshakeSecret = early.handshakeSecret(shared);
  const keys: ClientKeys = {
    negotiated: {
      suite,
      group,
      alpn: null,
      serverName: null,
      serverSignatureScheme: null,
      helloRetry: st.retry !== null,
      resumed: usePsk !== null,
      peerRecordSizeLimit: null,
    },
    earlyData: st.earlyData,
    transcript,
    handshakeSecret,
    clientHandshakeSecret: handshakeSecret.clientHandshakeTrafficSecret(helloHash),
    serverHandshakeSecret: handshakeSecret.serverHandshakeTrafficSecret(helloHash),
  };
  const out = new Out();
  out.keys('read', 'handshake', suite, keys.serverHandshakeSecret, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
  return out.done({ kind: 'WAIT_EE', keys });
}

/**
 * §4.2.11: "Clients MUST verify that the server's selected_identity is within the range
 * supplied by the client, that the server selected a cipher suite indicating a Hash
 * associated with the PSK ... If these values are not consistent, the client MUST abort
 * the handshake with an "illegal_parameter" alert."
 */
function selectedPsk(st: S<'WAIT_SH'>, sh: ServerHello, hash: string): OfferedPsk | null {
  const ext = findExtension(sh.extensions, 'pre_shared_key');
  if (ext === undefined) return null;
  const offered = st.psk !== null && findExtension(st.clientHello.extensions, 'pre_shared_key') !== undefined;
  if (!offered || st.psk === null) fail('illegal_parameter', 'server selected a PSK that was not offered');
  if (ext.selectedIdentity !== 0) fail('illegal_parameter', `selected_identity ${ext.selectedIdentity} out of range`);
  if (st.psk.hash !== hash) fail('illegal_parameter', "the selected cipher suite does not use the PSK's hash");
  return st.psk;
}

/** WAIT_SH + HelloRetryRequest → START → WAIT_SH with a second ClientHello (§4.1.4). */
function onHelloRetryRequest(st: S<'WAIT_SH'>, hrr: Decoded<HelloRetryRequest>, env: Env): Step<ClientState> {
  // §4.1.4: "If a client receives a second HelloRetryRequest in the same connection ... it MUST abort the handshake with an "unexpected_message" alert."
  if (st.retry !== null) fail('unexpected_message', 'a second HelloRetryRequest');
  checkServerHelloCommon(st, hrr);
  const ks = findExtension(hrr.extensions, 'key_share');
  const cookie = findExtension(hrr.extensions, 'cookie');
  let shares = st.shares;
  if (ks !== undefined) {
    const group = groupName(ks.selectedGroup);
    // §4.2.8: the selected_group "MUST be in the "supported_groups" extension in the original ClientHello" and not one with a share already.
    if (group === undefined || !env.config.groups.includes(group))
      fail('illegal_parameter', `HelloRetryRequest selects group 0x${ks.selectedGroup.toString(16)}, which was not offered`);
    if (st.shares.some((s) => s.group === group)) fail('illegal_parameter', `HelloRetryRequest selects ${group}, for which a share was already sent`);
    shares = [env.crypto.keyExchange(group)!.generate(env.random)];
  }
  // §4.1.4: "Clients MUST abort the handshake with an "illegal_parameter" alert if the HelloRetryRequest would not result in any change in the ClientHello."
  if (ks === undefined && cookie === undefined) fail('illegal_parameter', 'HelloRetryRequest would not change the ClientHello');

  const suite = suiteParams(hrr.cipherSuite);
  const transcript = st.transcript.clone();
  transcript.replaceWithMessageHash(env.crypto, suite.hash);
  transcript.add(hrr.raw);
  // §4.1.4: a PSK whose hash does not fit the selected suite cannot be used; drop it.
  const psk = st.psk !== null && st.psk.hash === suite.hash ? st.psk : null;

  // §4.1.2: the second ClientHello is the first with key_share replaced, early_data removed, cookie added and the PSK binder recomputed.
  const ext: ClientHelloExtension[] = [];
  for (const e of st.clientHello.extensions) {
    if (e.type === 'early_data' || e.type === 'cookie' || e.type === 'pre_shared_key') continue;
    if (e.type === 'key_share') {
      ext.push({ type: 'key_share', clientShares: shares.map((s) => ({ group: NamedGroup[s.group], keyExchange: s.share })) });
      continue;
    }
    ext.push(e);
  }
  if (cookie !== undefined) ext.push({ type: 'cookie', cookie: cookie.cookie });
  if (psk !== null) ext.push(pskExtension(psk, env));
  const { raw: _raw, ...ch1 } = st.clientHello;
  let ch2: ClientHello = { ...ch1, extensions: ext };
  // The hook rewrites every ClientHello we build, this one too (RFC 8448 §5: NSS puts the
  // cookie after signature_algorithms and pads ClientHello2 to 512 bytes); before the binder.
  if (env.config.hooks.clientHello) ch2 = env.config.hooks.clientHello(ch2);
  if (psk !== null) ch2 = attachBinder(ch2, psk, transcript, env);

  const out = new Out();
  out.via({ kind: 'START' });
  if (st.earlyData === 'sent') {
    // §4.2.10: after a HelloRetryRequest the early data is lost; the second ClientHello goes in the clear.
    out.push({ kind: 'plaintext_write' });
    out.event({ type: 'early_data', accepted: false });
  }
  // §D.4: the compatibility-mode CCS goes out "immediately before its second flight": after an HRR, before ClientHello2.
  if (env.config.middleboxCompat) out.ccs();
  out.send(ch2, transcript);
  return out.done({
    kind: 'WAIT_SH',
    clientHello: ch2,
    transcript,
    shares,
    retry: { cipherSuite: hrr.cipherSuite },
    psk,
    earlyData: st.earlyData === 'sent' ? 'rejected' : st.earlyData,
  });
}

/** WAIT_EE + EncryptedExtensions → WAIT_CERT_CR (§4.3.1). */
function onEncryptedExtensions(st: S<'WAIT_EE'>, ee: Decoded<EncryptedExtensions>, env: Env): Step<ClientState> {
  const out = new Out();
  let negotiated: Negotiated = st.keys.negotiated;
  let earlyData = st.keys.earlyData;
  for (const e of ee.extensions) {
    switch (e.type) {
      case 'application_layer_protocol_negotiation': {
        // RFC 7301 §3.1: the server's list "MUST contain exactly one" protocol, one the client offered.
        if (env.config.alpn.length === 0) fail('unsupported_extension', 'ALPN in EncryptedExtensions, but none was offered');
        const [p] = e.protocols;
        if (e.protocols.length !== 1 || p === undefined || !env.config.alpn.includes(p))
          fail('illegal_parameter', 'server selected an ALPN protocol that was not offered');
        negotiated = { ...negotiated, alpn: p };
        break;
      }
      case 'server_name':
        // RFC 6066 §3: a server may acknowledge only a server_name that was sent.
        if (env.config.serverName === null) fail('unsupported_extension', 'server_name acknowledged but not sent');
        negotiated = { ...negotiated, serverName: env.config.serverName };
        break;
      case 'early_data':
        // §4.2.10: only in answer to an offer of early data.
        if (st.keys.earlyData !== 'sent') fail('unsupported_extension', 'early_data in EncryptedExtensions, but no early data was offered');
        earlyData = 'accepted';
        break;
      case 'record_size_limit':
        // §4.2: an extension response to a request we never sent → "unsupported_extension".
        if (env.config.recordSizeLimit === null) fail('unsupported_extension', 'record_size_limit in EncryptedExtensions, but none was offered');
        negotiated = { ...negotiated, peerRecordSizeLimit: e.limit };
        out.push({ kind: 'record_size_limit', limit: e.limit });
        break;
      case 'supported_groups':
      case 'unknown':
        break;
      default:
        assertNever(e);
    }
  }
  // §4.2.10: "If the server does not supply an "early_data" extension, the client MUST ... the early data was rejected."
  if (earlyData === 'sent') earlyData = 'rejected';
  if (st.keys.earlyData === 'sent') out.event({ type: 'early_data', accepted: earlyData === 'accepted' });
  const transcript = st.keys.transcript.clone();
  transcript.add(ee.raw);
  const keys = { ...st.keys, transcript, negotiated, earlyData };
  // Appendix A.1: "Using PSK" skips the certificate states.
  if (negotiated.resumed) return out.done({ kind: 'WAIT_FINISHED', keys, certRequest: null, serverAuth: null, serverChain: [] });
  return out.done({ kind: 'WAIT_CERT_CR', keys });
}

/** WAIT_CERT_CR + CertificateRequest → WAIT_CERT (§4.3.2). */
function onCertificateRequest(st: S<'WAIT_CERT_CR'>, cr: Decoded<CertificateRequest>): Step<ClientState> {
  // §4.3.2: "certificate_request_context ... SHALL be zero length unless used for the post-handshake authentication exchanges".
  if (cr.certificateRequestContext.length !== 0) fail('illegal_parameter', 'in-handshake CertificateRequest with a non-empty context');
  const sa = findExtension(cr.extensions, 'signature_algorithms');
  if (sa === undefined) fail('missing_extension', 'CertificateRequest without signature_algorithms (§4.3.2)');
  const transcript = st.keys.transcript.clone();
  transcript.add(cr.raw);
  const certRequest: PendingCertRequest = {
    context: cr.certificateRequestContext,
    schemes: sa.schemes,
    schemesCert: findExtension(cr.extensions, 'signature_algorithms_cert')?.schemes ?? null,
  };
  return new Out().done({ kind: 'WAIT_CERT', keys: { ...st.keys, transcript }, certRequest });
}

/** WAIT_CERT_CR/WAIT_CERT + Certificate → WAIT_CV (§4.4.2). */
function onCertificate(
  st: S<'WAIT_CERT_CR'> | S<'WAIT_CERT'>,
  certRequest: PendingCertRequest | null,
  cert: Decoded<Certificate>,
  env: Env,
): Step<ClientState> {
  // §4.4.2: "in the case of server authentication, this field SHALL be zero length".
  if (cert.certificateRequestContext.length !== 0) fail('illegal_parameter', 'server Certificate with a non-empty context');
  // §4.4.2.4: "If the server supplies an empty Certificate message, the client MUST abort the handshake with a "decode_error" alert."
  if (cert.certificateList.length === 0) fail('decode', 'the server sent an empty Certificate');
  const chain = cert.certificateList.map((e) => e.certData);
  const serverKey = peerLeafKey(chain, env, 'server', env.config.serverName);
  const transcript = st.keys.transcript.clone();
  transcript.add(cert.raw);
  return new Out().done({ kind: 'WAIT_CV', keys: { ...st.keys, transcript }, certRequest, serverChain: chain, serverKey });
}

/** WAIT_CV + CertificateVerify → WAIT_FINISHED (§4.4.3). */
function onCertificateVerify(st: S<'WAIT_CV'>, cv: Decoded<HandshakeMessage & { type: 'certificate_verify' }>, env: Env): Step<ClientState> {
  const scheme = verifyCertificateVerify(cv, st.serverKey, st.keys.transcript, st.keys.negotiated.suite.hash, 'server', env);
  const transcript = st.keys.transcript.clone();
  transcript.add(cv.raw);
  const negotiated = { ...st.keys.negotiated, serverSignatureScheme: scheme };
  return new Out().done({
    kind: 'WAIT_FINISHED',
    keys: { ...st.keys, transcript, negotiated },
    certRequest: st.certRequest,
    serverAuth: { verifiedWith: st.serverKey, scheme },
    serverChain: st.serverChain,
  });
}

/**
 * WAIT_FINISHED + Finished → CONNECTED (§4.4.4, §A.1): K_recv = application; send
 * [Certificate [+ CertificateVerify]] and Finished under the handshake keys; K_send =
 * application. The handshake is complete for the client here.
 */
function onFinished(st: S<'WAIT_FINISHED'>, fin: Decoded<Finished>, env: Env): Step<ClientState> {
  const { suite } = st.keys.negotiated;
  const transcript = st.keys.transcript.clone();
  // §4.4.4: "Recipients of Finished messages MUST verify that the contents are correct and if incorrect MUST terminate the connection with a "decrypt_error" alert."
  if (!verifyFinished(env.crypto, suite.hash, st.keys.serverHandshakeSecret, transcript.hash(env.crypto, suite.hash), fin.verifyData)) {
    fail('bad_finished', 'the server Finished does not verify');
  }
  transcript.add(fin.raw);
  const serverFinishedHash = transcript.hash(env.crypto, suite.hash);
  const master = st.keys.handshakeSecret.masterSecret();
  const clientApp = master.clientApplicationTrafficSecret(serverFinishedHash);
  const serverApp = master.serverApplicationTrafficSecret(serverFinishedHash);

  const out = new Out();
  out.keys('read', 'application', suite, serverApp, appKeylogLabel('server', 0));
  out.event({ type: 'finished_verified' });
  // §4.5: "If the server sent an "early_data" extension in EncryptedExtensions, the client MUST send an EndOfEarlyData message after receiving the server Finished", under the early keys.
  if (st.keys.earlyData === 'accepted') out.send({ type: 'end_of_early_data' }, transcript);
  if (env.config.middleboxCompat) out.ccs();
  out.keys('write', 'handshake', suite, st.keys.clientHandshakeSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
  if (st.certRequest !== null) sendClientCertificate(st.certRequest, transcript, suite.hash, env, out);
  const verifyData = finishedVerifyData(env.crypto, suite.hash, st.keys.clientHandshakeSecret, transcript.hash(env.crypto, suite.hash));
  out.send({ type: 'finished', verifyData }, transcript);
  out.event({ type: 'finished_built' });
  const resumptionSecret = master.resumptionMasterSecret(transcript.hash(env.crypto, suite.hash));
  out.keys('write', 'application', suite, clientApp, appKeylogLabel('client', 0));
  const exporterSecret = master.exporterMasterSecret(serverFinishedHash);
  out.event({ type: 'secret', label: 'EXPORTER_SECRET', secret: exporterSecret });
  out.event({ type: 'handshake_complete' });
  return out.done({
    kind: 'CONNECTED',
    app: {
      negotiated: st.keys.negotiated,
      readSecret: serverApp,
      writeSecret: clientApp,
      readGeneration: 0,
      writeGeneration: 0,
      exporterSecret,
      resumptionSecret,
      peerCertificates: st.serverChain,
      keyUpdateOwed: false,
      keyUpdatesInARow: 0,
      postHandshakeAuth: env.config.postHandshakeAuth,
      transcript: env.config.postHandshakeAuth ? transcript : null,
      pendingAuth: null,
      ticketsSent: 0,
    },
  });
}
