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
import { ExtensionType, NamedGroup, PskKeyExchangeMode, TLS12, TLS13 } from '../constants.js';
import type { KeyShareSecret } from '../crypto/provider.js';
import { EarlySecret } from '../keyschedule/stages.js';
import { finishedVerifyData, verifyFinished } from '../keyschedule/derive.js';
import { Transcript } from '../keyschedule/transcript.js';
import { findExtension } from '../messages/index.js';
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
import {
  appKeylogLabel,
  chooseSignatureScheme,
  groupName,
  peerLeafKey,
  sameBytes,
  signCertificateVerify,
  suiteParams,
  verifyCertificateVerify,
} from './common.js';
import { fail } from './errors.js';
import type { ClientKeys, ClientState, Negotiated, PendingCertRequest } from './state.js';
import { assertNever } from './state.js';
import { Out, type Env, type Step } from './step.js';
import { connectedHandle } from './connected.js';

type S<K extends ClientState['kind']> = Extract<ClientState, { kind: K }>;

/** §4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates TLS 1.2 or below. */
const DOWNGRADE_TLS12 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
const DOWNGRADE_TLS11 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

/** START: send ClientHello (§4.1.2) and wait for the ServerHello. */
export function clientStart(env: Env): Step<ClientState> {
  const out = new Out();
  const shares = env.config.keyShareGroups.map((g) => env.crypto.keyExchange(g)!.generate(env.random));
  const ch = buildClientHello(env, shares);
  const transcript = new Transcript();
  out.send(ch, transcript);
  return out.done({ kind: 'WAIT_SH', clientHello: ch, transcript, shares, retry: null });
}

function buildClientHello(env: Env, shares: readonly KeyShareSecret[]): ClientHello {
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
  ext.push({ type: 'psk_key_exchange_modes', modes: [PskKeyExchangeMode.psk_dhe_ke] });
  if (c.alpn.length > 0) ext.push({ type: 'application_layer_protocol_negotiation', protocols: c.alpn });
  if (c.recordSizeLimit !== null) ext.push({ type: 'record_size_limit', limit: c.recordSizeLimit });
  if (c.postHandshakeAuth) ext.push({ type: 'post_handshake_auth' });
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

/** §4: "a peer which receives a handshake message in an unexpected order MUST abort the handshake with an "unexpected_message" alert". */
export function unexpected(stateName: string, msg: HandshakeMessage): never {
  fail('unexpected_message', `${msg.type} is not expected in state ${stateName}`);
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
  if (findExtension(sh.extensions, 'pre_shared_key') !== undefined) {
    // §4.2.11: a server may only select a PSK the client offered; we offered none here.
    fail('illegal_parameter', 'server selected a PSK that was not offered');
  }
  const ks = findExtension(sh.extensions, 'key_share');
  if (ks === undefined) fail('missing_extension', 'ServerHello without key_share (PSK-only modes were not offered)');
  // §4.2.8: "the client MUST verify that the selected NamedGroup in the ServerHello is the same as that in the HelloRetryRequest" and one it sent a share for.
  const own = st.shares.find((s) => NamedGroup[s.group] === ks.serverShare.group);
  if (own === undefined) fail('illegal_parameter', `ServerHello key_share group 0x${ks.serverShare.group.toString(16)} has no share of ours`);
  const shared = env.crypto.keyExchange(own.group)!.finish(own, ks.serverShare.keyExchange);
  if (shared === null) fail('illegal_parameter', `invalid ${own.group} key share from the server (§4.2.8.1, §7.4)`);

  const suite = suiteParams(sh.cipherSuite);
  const transcript = st.transcript.clone();
  transcript.add(sh.raw);
  const helloHash = transcript.hash(env.crypto, suite.hash);
  const handshakeSecret = EarlySecret.withoutPsk(env.crypto, suite.hash).handshakeSecret(shared);
  const keys: ClientKeys = {
    negotiated: {
      suite,
      group: own.group,
      alpn: null,
      serverName: null,
      serverSignatureScheme: null,
      helloRetry: st.retry !== null,
      resumed: false,
      peerRecordSizeLimit: null,
    },
    transcript,
    handshakeSecret,
    clientHandshakeSecret: handshakeSecret.clientHandshakeTrafficSecret(helloHash),
    serverHandshakeSecret: handshakeSecret.serverHandshakeTrafficSecret(helloHash),
  };
  const out = new Out();
  out.keys('read', 'handshake', suite, keys.serverHandshakeSecret, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
  return out.done({ kind: 'WAIT_EE', keys });
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
    if (group === undefined || !env.config.groups.includes(group)) fail('illegal_parameter', `HelloRetryRequest selects group 0x${ks.selectedGroup.toString(16)}, which was not offered`);
    if (st.shares.some((s) => s.group === group)) fail('illegal_parameter', `HelloRetryRequest selects ${group}, for which a share was already sent`);
    shares = [env.crypto.keyExchange(group)!.generate(env.random)];
  }
  // §4.1.4: "Clients MUST abort the handshake with an "illegal_parameter" alert if the HelloRetryRequest would not result in any change in the ClientHello."
  if (ks === undefined && cookie === undefined) fail('illegal_parameter', 'HelloRetryRequest would not change the ClientHello');

  const suite = suiteParams(hrr.cipherSuite);
  const transcript = st.transcript.clone();
  transcript.replaceWithMessageHash(env.crypto, suite.hash);
  transcript.add(hrr.raw);

  // §4.1.2: the second ClientHello is the first with key_share replaced, early_data removed and cookie added.
  const ext: ClientHelloExtension[] = [];
  for (const e of st.clientHello.extensions) {
    if (e.type === 'early_data' || e.type === 'cookie') continue;
    if (e.type === 'key_share') {
      ext.push({ type: 'key_share', clientShares: shares.map((s) => ({ group: NamedGroup[s.group], keyExchange: s.share })) });
      continue;
    }
    ext.push(e);
  }
  if (cookie !== undefined) ext.push({ type: 'cookie', cookie: cookie.cookie });
  const ch2: ClientHello = { ...st.clientHello, extensions: ext };
  delete (ch2 as { raw?: Uint8Array }).raw;

  const out = new Out();
  out.via('START');
  // §D.4: the compatibility-mode CCS goes out "immediately before its second flight": after an HRR, before ClientHello2.
  if (env.config.middleboxCompat) out.ccs();
  out.send(ch2, transcript);
  return out.done({ kind: 'WAIT_SH', clientHello: ch2, transcript, shares, retry: { cipherSuite: hrr.cipherSuite } });
}

/** WAIT_EE + EncryptedExtensions → WAIT_CERT_CR (§4.3.1). */
function onEncryptedExtensions(st: S<'WAIT_EE'>, ee: Decoded<EncryptedExtensions>, env: Env): Step<ClientState> {
  const offered = st.keys;
  const out = new Out();
  let negotiated: Negotiated = offered.negotiated;
  for (const e of ee.extensions) {
    switch (e.type) {
      case 'application_layer_protocol_negotiation': {
        // RFC 7301 §3.1: the server's list "MUST contain exactly one" protocol, one the client offered.
        if (env.config.alpn.length === 0) fail('unsupported_extension', 'ALPN in EncryptedExtensions, but none was offered');
        const [p] = e.protocols;
        if (e.protocols.length !== 1 || p === undefined || !env.config.alpn.includes(p)) fail('illegal_parameter', 'server selected an ALPN protocol that was not offered');
        negotiated = { ...negotiated, alpn: p };
        break;
      }
      case 'server_name':
        // RFC 6066 §3: a server may acknowledge only a server_name that was sent.
        if (env.config.serverName === null) fail('unsupported_extension', 'server_name acknowledged but not sent');
        negotiated = { ...negotiated, serverName: env.config.serverName };
        break;
      case 'early_data':
        // §4.2.10: only in answer to an offer of early data; none was offered.
        fail('unsupported_extension', 'early_data in EncryptedExtensions, but no early data was offered');
        break;
      case 'record_size_limit':
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
  const transcript = st.keys.transcript.clone();
  transcript.add(ee.raw);
  return out.done({ kind: 'WAIT_CERT_CR', keys: { ...st.keys, transcript, negotiated } });
}

/** WAIT_CERT_CR + CertificateRequest → WAIT_CERT (§4.3.2). */
function onCertificateRequest(st: S<'WAIT_CERT_CR'>, cr: Decoded<CertificateRequest>): Step<ClientState> {
  // §4.3.2: "certificate_request_context ... SHALL be zero length unless used for the post-handshake authentication exchanges".
  if (cr.certificateRequestContext.length !== 0) fail('illegal_parameter', 'in-handshake CertificateRequest with a non-empty context');
  const sa = findExtension(cr.extensions, 'signature_algorithms');
  if (sa === undefined) fail('missing_extension', 'CertificateRequest without signature_algorithms (§4.3.2)');
  const transcript = st.keys.transcript.clone();
  transcript.add(cr.raw);
  const certRequest: PendingCertRequest = { context: cr.certificateRequestContext, schemes: sa.schemes };
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
  if (env.config.middleboxCompat) out.ccs();
  out.keys('write', 'handshake', suite, st.keys.clientHandshakeSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
  if (st.certRequest !== null) sendClientCertificate(st.certRequest, transcript, suite.hash, env, out);
  const verifyData = finishedVerifyData(env.crypto, suite.hash, st.keys.clientHandshakeSecret, transcript.hash(env.crypto, suite.hash));
  out.send({ type: 'finished', verifyData }, transcript);
  out.event({ type: 'finished_built' });
  const resumptionSecret = master.resumptionMasterSecret(transcript.hash(env.crypto, suite.hash));
  out.keys('write', 'application', suite, clientApp, appKeylogLabel('client', 0));
  out.event({ type: 'handshake_complete' });
  return out.done({
    kind: 'CONNECTED',
    app: {
      negotiated: st.keys.negotiated,
      master,
      readSecret: serverApp,
      writeSecret: clientApp,
      readGeneration: 0,
      writeGeneration: 0,
      exporterSecret: master.exporterMasterSecret(serverFinishedHash),
      resumptionSecret,
      peerCertificates: st.serverChain,
      keyUpdateOwed: false,
      postHandshakeAuth: env.config.postHandshakeAuth,
    },
  });
}

/**
 * §4.4.2: the client's Certificate in answer to a CertificateRequest: its chain if it has
 * one whose key can sign a scheme the server accepts, else an empty Certificate (§4.4.2.4:
 * "If the client does not send any certificates ... the client MUST send a Certificate
 * message containing no certificates").
 */
export function sendClientCertificate(
  req: PendingCertRequest,
  transcript: Transcript,
  hash: Negotiated['suite']['hash'],
  env: Env,
  out: Out,
): void {
  const own = env.config.certificate;
  const scheme = own ? chooseSignatureScheme(own.privateKey, req.schemes, env) : null;
  if (own === null || scheme === null) {
    out.send({ type: 'certificate', certificateRequestContext: req.context, certificateList: [] }, transcript);
    return;
  }
  out.send(
    {
      type: 'certificate',
      certificateRequestContext: req.context,
      certificateList: own.chain.map((certData) => ({ certData, extensions: [] })),
    },
    transcript,
  );
  out.send(signCertificateVerify(scheme, own.privateKey, transcript, hash, 'client', env), transcript);
}

export const CLIENT_EXTENSION_CODES = ExtensionType;
