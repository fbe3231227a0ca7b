/**
 * The server's flight (RFC 8446 Appendix A.2 NEGOTIATED): from the parameters chosen on the
 * ClientHello, ServerHello … Finished (§4.1.3, §4.3, §4.4) and the application write keys;
 * and the NewSessionTickets it sends (§4.6.1), with the flight or after the client Finished.
 */
import { Reader, Writer } from '@tls13sim/record';
import { CipherSuite, NamedGroup, TLS12, TLS13, type CipherSuiteName, type NamedGroupName } from '../constants.js';
import type { HashName } from '../crypto/provider.js';
import { finishedVerifyData, resumptionPsk } from '../keyschedule/derive.js';
import { EarlySecret, type HandshakeSecret } from '../keyschedule/stages.js';
import type { CipherSuiteParams } from '../keyschedule/suites.js';
import { Transcript } from '../keyschedule/transcript.js';
import { encodeHandshake, findExtension } from '../messages/index.js';
import type {
  Certificate,
  CertificateRequest,
  ClientHello,
  Decoded,
  EncryptedExtensions,
  EncryptedExtensionsExtension,
  NewSessionTicket,
  ServerHello,
  ServerHelloExtension,
} from '../messages/types.js';
import { chooseCertificate, type CertificateChoice } from './certificates.js';
import { appKeylogLabel, signCertificateVerify, suiteParams } from './common.js';
import type { PskMode } from './config.js';
import { fail } from './errors.js';
import type { TicketPolicy, TicketState } from './psk.js';
import type { Negotiated, RetryMemory, ServerKeys, ServerState } from './state.js';
import type { Env, Out, Step } from './step.js';

export const suiteCode = (s: CipherSuiteName): number => CipherSuite[s];

/** §4.1.1 choices, made once per ClientHello. */
export interface Selection {
  readonly suite: CipherSuiteName;
  /** null in psk_ke mode: no (EC)DHE (§4.2.9). */
  readonly group: NamedGroupName | null;
  /** The client's share for `group`, or null when a HelloRetryRequest must ask for one (or psk_ke). */
  readonly share: Uint8Array | null;
}

/** The PSK the server goes ahead with (§4.2.11): binder verified. */
export interface ChosenPsk {
  readonly index: number;
  readonly kind: 'resumption' | 'external';
  readonly early: EarlySecret;
  readonly hash: HashName;
  readonly mode: PskMode;
  readonly ticket: TicketState | null;
  /** §8.3: the client's view of the ticket age agrees with ours (0-RTT may be accepted). */
  readonly ageOk: boolean;
  readonly suite: CipherSuiteName;
}

function selectAlpn(ch: ClientHello, env: Env): string | null {
  const ext = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
  if (ext === undefined || env.config.alpn.length === 0) return null;
  const p = env.config.alpn.find((a) => ext.protocols.includes(a));
  if (p === undefined) fail('no_application_protocol', `no ALPN protocol in common (client offers ${ext.protocols.join(', ')})`);
  return p;
}

// --- The server's flight (§4.1.3, §4.3, §4.4) ---------------------------------------------

/** What the server decides from the ClientHello before it sends anything (§4.1.3, §4.2, §4.4.2.2). */
interface FlightPlan {
  readonly suite: CipherSuiteParams;
  /** Certificate and scheme; null with a PSK (§2.2). */
  readonly chosen: CertificateChoice | null;
  readonly alpn: string | null;
  /** The client sent server_name (RFC 6066): we acknowledge it. */
  readonly sniSent: boolean;
  readonly serverName: string | null;
  /** The client's record_size_limit (RFC 8449), if any. */
  readonly peerLimit: number | null;
  readonly clientWantsEarly: boolean;
  readonly acceptEarly: boolean;
  /** Our (EC)DHE answer; null in psk_ke mode (§4.2.9). */
  readonly response: { readonly share: Uint8Array; readonly sharedSecret: Uint8Array } | null;
}

function planFlight(ch: ClientHello, sel: Selection, retry: RetryMemory | null, psk: ChosenPsk | null, env: Env): FlightPlan {
  const c = env.config;
  // Certificate authentication only without a PSK (§2.2); certificate and scheme are chosen before anything is sent.
  let chosen: CertificateChoice | null = null;
  if (psk === null) {
    // §9.2: a ClientHello that offers a PSK may omit signature_algorithms; once we fall back to
    // certificates (no PSK we can use), its absence is missing_extension.
    const sigAlgs = findExtension(ch.extensions, 'signature_algorithms');
    if (sigAlgs === undefined) fail('missing_extension', 'no usable PSK and no signature_algorithms for certificate authentication (§9.2)');
    const clientSchemes = sigAlgs.schemes;
    const clientSchemesCert = findExtension(ch.extensions, 'signature_algorithms_cert')?.schemes ?? null;
    chosen = chooseCertificate(c.certificates, clientSchemes, clientSchemesCert, env);
    if (chosen === null) fail('no_common_parameters', 'no signature scheme the client accepts fits any of our certificates');
  }
  const alpn = selectAlpn(ch, env);
  const sni = findExtension(ch.extensions, 'server_name');
  const clientWantsEarly = findExtension(ch.extensions, 'early_data') !== undefined;
  // §4.2.10: accept 0-RTT only for the first identity, without HRR, with the ticket's suite and ALPN, a plausible age, and if we allow it.
  const t = psk?.ticket ?? null;
  const acceptEarly =
    clientWantsEarly &&
    psk !== null &&
    t !== null &&
    psk.index === 0 &&
    retry === null &&
    c.acceptEarlyData &&
    t.maxEarlyData > 0 &&
    t.suite === sel.suite &&
    t.alpn === alpn &&
    psk.ageOk;
  let response: FlightPlan['response'] = null;
  if (sel.group !== null) {
    response = env.crypto.keyExchange(sel.group)!.respond(sel.share!, env.random);
    if (response === null) fail('illegal_parameter', `invalid ${sel.group} key share from the client (§4.2.8.1)`);
  }
  return {
    suite: suiteParams(suiteCode(sel.suite)),
    chosen,
    alpn,
    sniSent: sni !== undefined,
    serverName: sni?.serverNames[0]?.hostName ?? null,
    peerLimit: findExtension(ch.extensions, 'record_size_limit')?.limit ?? null,
    clientWantsEarly,
    acceptEarly,
    response,
  };
}

/** The handshake secrets of the flight (§7.1), from the transcript through ServerHello. */
interface HelloSecrets {
  readonly early: EarlySecret;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHs: Uint8Array;
  readonly serverHs: Uint8Array;
}

/** ServerHello (§4.1.3), the compatibility CCS (§D.4) and the handshake keys (0-RTT: the early read keys, §4.2.10). */
function sendServerHello(
  ch: Decoded<ClientHello>,
  sel: Selection,
  retry: RetryMemory | null,
  psk: ChosenPsk | null,
  plan: FlightPlan,
  transcript: Transcript,
  env: Env,
  out: Out,
): HelloSecrets {
  const { suite, response, acceptEarly } = plan;
  const shExt: ServerHelloExtension[] = [];
  if (response !== null) shExt.push({ type: 'key_share', serverShare: { group: NamedGroup[sel.group!], keyExchange: response.share } });
  if (psk !== null) shExt.push({ type: 'pre_shared_key', selectedIdentity: psk.index });
  shExt.push({ type: 'supported_versions', selectedVersion: TLS13 });
  let sh: ServerHello = {
    type: 'server_hello',
    legacyVersion: TLS12,
    random: env.random.bytes(32),
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suiteCode(sel.suite),
    legacyCompressionMethod: 0,
    extensions: shExt,
  };
  if (env.config.hooks.serverHello) sh = env.config.hooks.serverHello(sh);
  // Transcript-Hash(ClientHello) is the context of client_early_traffic_secret only (§7.1).
  const clientHelloHash = acceptEarly ? transcript.hash(env.crypto, suite.hash) : null;
  out.send(sh, transcript);
  // §D.4: the compatibility-mode CCS, once, right after the first server handshake message.
  if (retry === null && ch.legacySessionId.length > 0) out.ccs();

  const helloHash = transcript.hash(env.crypto, suite.hash);
  const early = psk?.early ?? EarlySecret.withoutPsk(env.crypto, suite.hash);
  const handshakeSecret = early.handshakeSecret(response?.sharedSecret ?? null);
  const clientHs = handshakeSecret.clientHandshakeTrafficSecret(helloHash);
  const serverHs = handshakeSecret.serverHandshakeTrafficSecret(helloHash);
  out.keys('write', 'handshake', suite, serverHs, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
  if (acceptEarly) {
    out.keys('read', 'early', suite, early.clientEarlyTrafficSecret(clientHelloHash!), 'CLIENT_EARLY_TRAFFIC_SECRET');
  } else {
    out.keys('read', 'handshake', suite, clientHs, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    // §4.2.10: rejected 0-RTT: "skip past early data by attempting to deprotect received records using the handshake traffic key".
    if (plan.clientWantsEarly) out.push({ kind: 'skip_early_data', maxBytes: env.config.earlyDataSkipLimit });
  }
  if (plan.peerLimit !== null) out.push({ kind: 'record_size_limit', limit: plan.peerLimit });
  return { early, handshakeSecret, clientHs, serverHs };
}

/** EncryptedExtensions (§4.3.1), [CertificateRequest (§4.3.2)], [Certificate, CertificateVerify (§4.4.2, §4.4.3)], Finished (§4.4.4). */
function sendEncryptedFlight(plan: FlightPlan, wantClientCert: boolean, serverHs: Uint8Array, transcript: Transcript, env: Env, out: Out): void {
  const c = env.config;
  const eeExt: EncryptedExtensionsExtension[] = [];
  if (plan.alpn !== null) eeExt.push({ type: 'application_layer_protocol_negotiation', protocols: [plan.alpn] });
  // RFC 6066 §3: the server "SHALL include an extension of type "server_name" ... The "extension_data" field of this extension SHALL be empty."
  if (plan.sniSent) eeExt.push({ type: 'server_name' });
  if (c.recordSizeLimit !== null && plan.peerLimit !== null) eeExt.push({ type: 'record_size_limit', limit: c.recordSizeLimit });
  if (plan.acceptEarly) eeExt.push({ type: 'early_data' });
  let ee: EncryptedExtensions = { type: 'encrypted_extensions', extensions: eeExt };
  if (c.hooks.encryptedExtensions) ee = c.hooks.encryptedExtensions(ee);
  out.send(ee, transcript);
  if (plan.clientWantsEarly) out.event({ type: 'early_data', accepted: plan.acceptEarly });
  if (wantClientCert) {
    let cr: CertificateRequest = {
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array(0),
      extensions: [{ type: 'signature_algorithms', schemes: c.schemeCodes }],
    };
    if (c.hooks.certificateRequest) cr = c.hooks.certificateRequest(cr);
    out.send(cr, transcript);
  }
  const hash = plan.suite.hash;
  if (plan.chosen !== null) {
    const { certificate, scheme } = plan.chosen;
    const cert: Certificate = {
      type: 'certificate',
      certificateRequestContext: new Uint8Array(0),
      certificateList: certificate.chain.map((certData) => ({ certData, extensions: [] })),
    };
    out.send(cert, transcript);
    out.send(signCertificateVerify(scheme, certificate.privateKey, transcript, hash, 'server', env), transcript);
  }
  const verifyData = finishedVerifyData(env.crypto, hash, serverHs, transcript.hash(env.crypto, hash));
  out.send({ type: 'finished', verifyData }, transcript);
  out.event({ type: 'finished_built' });
}

/**
 * NEGOTIATED (Appendix A.2): the whole flight, ServerHello … Finished, then K_send =
 * application and on to WAIT_EOED (0-RTT accepted) or WAIT_FLIGHT2.
 */
export function sendServerFlight(
  ch: Decoded<ClientHello>,
  sel: Selection,
  retry: RetryMemory | null,
  psk: ChosenPsk | null,
  env: Env,
  out: Out,
): Step<ServerState> {
  const plan = planFlight(ch, sel, retry, psk, env);
  const { suite, acceptEarly } = plan;
  const transcript = retry !== null ? retry.transcript.clone() : new Transcript();
  transcript.add(ch.raw);
  const { handshakeSecret, clientHs, serverHs } = sendServerHello(ch, sel, retry, psk, plan, transcript, env, out);
  // §4.3.2: "Servers which are authenticating with a PSK MUST NOT send the CertificateRequest message in the main handshake".
  const wantClientCert = env.config.clientAuth !== 'none' && psk === null;
  sendEncryptedFlight(plan, wantClientCert, serverHs, transcript, env, out);

  const serverFinishedHash = transcript.hash(env.crypto, suite.hash);
  const master = handshakeSecret.masterSecret();
  const serverApp = master.serverApplicationTrafficSecret(serverFinishedHash);
  out.keys('write', 'application', suite, serverApp, appKeylogLabel('server', 0));
  const negotiated: Negotiated = {
    suite,
    group: sel.group,
    alpn: plan.alpn,
    serverName: plan.serverName,
    serverSignatureScheme: plan.chosen?.scheme ?? null,
    helloRetry: retry !== null,
    resumed: psk !== null,
    peerRecordSizeLimit: plan.peerLimit,
  };
  let keys: ServerKeys = {
    negotiated,
    transcript,
    clientHandshakeSecret: clientHs,
    master,
    serverApplicationSecret: serverApp,
    clientApplicationSecret: master.clientApplicationTrafficSecret(serverFinishedHash),
    exporterSecret: master.exporterMasterSecret(serverFinishedHash),
    certificateRequestContext: wantClientCert ? new Uint8Array(0) : null,
    clientOfferedPostHandshakeAuth: findExtension(ch.extensions, 'post_handshake_auth') !== undefined,
    ticketsSent: 0,
  };
  // §4.6.1: tickets may go right after the server Finished when the client's Finished is predictable (no client certificate, no EndOfEarlyData).
  const policy = env.config.tickets;
  if (policy !== null && policy.timing === 'after_server_finished' && !wantClientCert && !acceptEarly) {
    const predicted = transcript.clone();
    predicted.add(encodeHandshake({ type: 'finished', verifyData: finishedVerifyData(env.crypto, suite.hash, clientHs, serverFinishedHash) }));
    const resumption = master.resumptionMasterSecret(predicted.hash(env.crypto, suite.hash));
    keys = { ...keys, ticketsSent: sendTickets(policy, negotiated, resumption, 0, env, out) };
  }
  // Appendix A.2: NEGOTIATED → WAIT_EOED ("0-RTT accepted"); `done` reports that move.
  if (acceptEarly) return out.done({ kind: 'WAIT_EOED', keys, budget: psk!.ticket!.maxEarlyData });
  out.via({ kind: 'WAIT_FLIGHT2', keys });
  if (wantClientCert) return out.done({ kind: 'WAIT_CERT', keys });
  return out.done({ kind: 'WAIT_FINISHED', keys, clientChain: [], clientAuth: null });
}

/**
 * §4.6.1 NewSessionTicket: each with its own nonce, age_add and ticket; the PSK is
 * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
 * Returns the new count of tickets sent.
 */
export function sendTickets(policy: TicketPolicy, negotiated: Negotiated, resumptionSecret: Uint8Array, sent: number, env: Env, out: Out): number {
  const { suite } = negotiated;
  for (let i = 0; i < policy.count; i++) {
    const nonce = env.config.hooks.ticketNonce?.(sent + i) ?? ticketNonce(sent + i);
    const ticketAgeAdd = new Reader(env.random.bytes(4)).u32();
    const state: TicketState = {
      suite: suite.name,
      psk: resumptionPsk(env.crypto, suite.hash, resumptionSecret, nonce),
      issuedAt: env.now,
      ticketAgeAdd,
      lifetime: policy.lifetime,
      maxEarlyData: policy.maxEarlyData,
      alpn: negotiated.alpn,
      id: env.random.bytes(16),
    };
    const nst: NewSessionTicket = {
      type: 'new_session_ticket',
      ticketLifetime: policy.lifetime,
      ticketAgeAdd,
      ticketNonce: nonce,
      ticket: policy.issuer.issue(state, env.random, env.crypto),
      extensions: policy.maxEarlyData > 0 ? [{ type: 'early_data', maxEarlyDataSize: policy.maxEarlyData }] : [],
    };
    out.send(nst, null);
  }
  if (policy.count > 0) out.event({ type: 'note', text: `sent ${policy.count} NewSessionTicket(s)` });
  return sent + policy.count;
}

/** The default ticket_nonce: the ticket's number on this connection as a uint64 (§4.6.1: "unique across all tickets issued on this connection"). */
function ticketNonce(n: number): Uint8Array {
  const b = new Uint8Array(8);
  Writer.appendingTo(b, 4).u32(n);
  return b;
}

/** RFC 7301 §3.2: our most preferred protocol the client offers; none in common → no_application_protocol. */
