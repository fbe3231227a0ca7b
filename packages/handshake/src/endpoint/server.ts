/**
 * Server transitions, RFC 8446 Appendix A.2:
 *
 *   START → RECVD_CH → [START after HelloRetryRequest] → NEGOTIATED → WAIT_FLIGHT2
 *         → [WAIT_CERT → WAIT_CV] → WAIT_FINISHED → CONNECTED
 *
 * The server sends its whole flight, ending with Finished, on the ClientHello, installs
 * its application write keys (it "can send app data after here"), and completes only when
 * it has verified the client's Finished — after judging the client's certificate. The
 * flight itself is server-flight.ts; the HelloRetryRequest and its cookie, server-retry.ts.
 */
import { bytesEqual, constantTimeEqual } from '@tls13sim/record';
import { NamedGroup, PskKeyExchangeMode, TLS12, TLS13, type CipherSuiteName } from '../constants.js';
import type { HashName } from '../crypto/provider.js';
import { cipherSuiteParams } from '../keyschedule/suites.js';
import { pskBinder, verifyFinished } from '../keyschedule/derive.js';
import { truncatedClientHello } from '../messages/index.js';
import { TICKET_AGE_WINDOW_MS, type TicketState } from './psk.js';
import { EarlySecret } from '../keyschedule/stages.js';
import { Transcript } from '../keyschedule/transcript.js';
import { findExtension } from '../messages/index.js';
import type { Certificate, CertificateVerify, ClientHello, Decoded, Finished } from '../messages/types.js';
import { appKeylogLabel, groupName, suiteName, verifyCertificateVerify } from './common.js';
import { connectedHandle } from './connected.js';
import { sendServerFlight, sendTickets, suiteCode, type ChosenPsk, type Selection } from './server-flight.js';
import { checkSecondClientHello, retryFromCookie, sendHelloRetryRequest } from './server-retry.js';
import { judgeClientCertificateMessage } from './certificates.js';
import { fail, unexpected } from './errors.js';
import type { RetryMemory, ServerState } from './state.js';
import { assertNever } from './state.js';
import { Out, type Env, type Step } from './step.js';

type S<K extends ServerState['kind']> = Extract<ServerState, { kind: K }>;

export function serverHandle(state: ServerState, msg: Decoded, env: Env): Step<ServerState> {
  switch (state.kind) {
    case 'START':
      if (msg.type === 'client_hello') return onClientHello(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_EOED':
      if (msg.type === 'end_of_early_data') return onEndOfEarlyData(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_CERT':
      if (msg.type === 'certificate') return onCertificate(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_CV':
      if (msg.type === 'certificate_verify') return onCertificateVerify(state, msg, env);
      return unexpected(state.kind, msg);
    case 'WAIT_FINISHED':
      if (msg.type === 'finished') return onFinished(state, msg, env);
      return unexpected(state.kind, msg);
    case 'CONNECTED':
      return connectedHandle('server', state, msg, env);
    case 'CLOSED':
      return unexpected(state.kind, msg);
    default:
      return assertNever(state);
  }
}

/** START + ClientHello → RECVD_CH → (HelloRetryRequest → START) or NEGOTIATED → WAIT_FLIGHT2 → … */
function onClientHello(st: S<'START'>, ch: Decoded<ClientHello>, env: Env): Step<ServerState> {
  const out = new Out();
  out.via({ kind: 'RECVD_CH', clientHello: ch });
  checkClientHello(ch);
  let retry = st.retry;
  if (retry === null && env.config.statelessHrr) retry = retryFromCookie(ch, env);
  if (retry !== null) checkSecondClientHello(retry, ch, env);
  let psk = choosePsk(ch, retry, env);
  const sel = select(ch, retry, psk, env);
  if (sel.share === null && sel.group !== null) {
    if (retry !== null) fail('illegal_parameter', `the second ClientHello has no ${sel.group} share (§4.2.8)`);
    return sendHelloRetryRequest(ch, sel, env, out);
  }
  // §8.1: a single-use ticket is redeemed once; a replay falls back to a full handshake.
  if (psk?.ticket && env.config.tickets?.issuer.singleUse && !env.config.tickets.issuer.redeem(psk.ticket.id)) {
    out.event({ type: 'note', text: 'single-use ticket already redeemed: full handshake instead (§8.1)' });
    psk = null;
    if (sel.group === null) fail('no_common_parameters', 'the only PSK offered was a replayed single-use ticket and psk_ke leaves no key exchange');
  }
  if (psk === null && env.config.certificate === null) fail('no_common_parameters', 'no usable PSK and no certificate to authenticate with');
  out.via({ kind: 'NEGOTIATED', clientHello: ch, suite: sel.suite, resumed: psk !== null });
  return sendServerFlight(ch, sel, retry, psk, env, out);
}

/** §4.1.2 and §4.2.1 checks of any ClientHello. */
function checkClientHello(ch: ClientHello): void {
  const sv = findExtension(ch.extensions, 'supported_versions');
  // §4.2.1: "If this extension is not present, servers which are compliant with this specification and which also support TLS 1.2 MUST negotiate TLS 1.2"; we have no TLS 1.2.
  if (sv === undefined) fail('protocol_version', 'ClientHello without supported_versions: a TLS 1.2 (or older) client');
  if (!sv.versions.includes(TLS13)) fail('protocol_version', 'the client does not offer TLS 1.3');
  // Appendix D.5: "Any endpoint receiving a Hello message with ClientHello.legacy_version ... set to 0x0300 MUST abort the handshake with a "protocol_version" alert."
  // §4.1.2: in a TLS 1.3 ClientHello "the legacy_version field MUST be set to 0x0303"; anything lower is a hello from before TLS 1.2, refused the same way.
  // §4.2.1: servers "MUST NOT use the ClientHello.legacy_version value for version negotiation": a value above 0x0303 is not refused.
  if (ch.legacyVersion < TLS12)
    fail('protocol_version', `ClientHello.legacy_version 0x${ch.legacyVersion.toString(16).padStart(4, '0')} is below 0x0303 (Appendix D.5)`);
  // §4.1.2: "If a TLS 1.3 ClientHello is received with any other value in this field, the server MUST abort the handshake with an "illegal_parameter" alert."
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    fail('illegal_parameter', 'legacy_compression_methods is not exactly [null]');
  }
  // §9.2: "If containing a "supported_groups" extension, it MUST also contain a "key_share" extension, and vice versa."
  const groups = findExtension(ch.extensions, 'supported_groups') !== undefined;
  const shares = findExtension(ch.extensions, 'key_share') !== undefined;
  if (groups !== shares) fail('missing_extension', 'supported_groups and key_share must come together (§9.2)');
  const psk = findExtension(ch.extensions, 'pre_shared_key') !== undefined;
  // §9.2: without a PSK, certificate authentication needs signature_algorithms and a key exchange.
  if (!psk && findExtension(ch.extensions, 'signature_algorithms') === undefined) fail('missing_extension', 'ClientHello without signature_algorithms (§9.2)');
  if (!psk && !groups) fail('missing_extension', 'ClientHello without supported_groups and key_share (§9.2)');
  // §4.2.9: "If clients offer "pre_shared_key" without a "psk_key_exchange_modes" extension, servers MUST abort the handshake."
  if (psk && findExtension(ch.extensions, 'psk_key_exchange_modes') === undefined) fail('missing_extension', 'pre_shared_key without psk_key_exchange_modes');
}

/**
 * §4.2.11: the first offered identity we can use — an external PSK we know, or a ticket we
 * issued that has not expired — whose binder then must verify ("If the server cannot
 * validate the binder ... it MUST abort the handshake" with decrypt_error).
 */
function choosePsk(ch: Decoded<ClientHello>, retry: RetryMemory | null, env: Env): ChosenPsk | null {
  const ext = findExtension(ch.extensions, 'pre_shared_key');
  if (ext === undefined) return null;
  // §4.2.11: "there MUST be as many binders as identities" — else illegal_parameter.
  if (ext.binders.length !== ext.identities.length) fail('illegal_parameter', 'pre_shared_key has a different number of binders and identities');
  const modesExt = findExtension(ch.extensions, 'psk_key_exchange_modes');
  if (modesExt === undefined) fail('missing_extension', 'pre_shared_key without psk_key_exchange_modes (§4.2.9)');
  const clientModes = modesExt.modes;
  const hasShares = findExtension(ch.extensions, 'key_share') !== undefined;
  const mode = env.config.pskModes.find((m) => clientModes.includes(PskKeyExchangeMode[m]) && (m === 'psk_ke' || hasShares));
  if (mode === undefined) return null;
  const prefix = retry !== null ? retry.transcript : new Transcript();
  for (let index = 0; index < ext.identities.length; index++) {
    const id = ext.identities[index]!;
    const found = lookupPsk(id.identity, id.obfuscatedTicketAge, env);
    if (found === null) continue;
    const suite = pskSuite(ch, found, retry, env);
    if (suite === undefined) continue;
    const early = EarlySecret.fromPsk(env.crypto, found.hash, found.key);
    const expected = pskBinder(env.crypto, found.hash, early.binderKey(found.kind), prefix.hashWith(env.crypto, found.hash, truncatedClientHello(ch)));
    if (!constantTimeEqual(expected, ext.binders[index]!)) fail('bad_binder', `the binder of PSK identity ${index} does not verify`);
    return { index, kind: found.kind, early, hash: found.hash, mode, ticket: found.ticket, ageOk: found.ageOk, suite };
  }
  return null;
}

function lookupPsk(
  identity: Uint8Array,
  obfuscatedAge: number,
  env: Env,
): { kind: 'resumption' | 'external'; key: Uint8Array; hash: HashName; ticket: TicketState | null; ageOk: boolean } | null {
  const external = env.config.externalPsks.find((p) => bytesEqual(p.identity, identity));
  if (external !== undefined) return { kind: 'external', key: external.key, hash: external.hash, ticket: null, ageOk: false };
  const ticket = env.config.tickets?.issuer.open(identity, env.crypto) ?? null;
  if (ticket === null) return null;
  const age = env.now - ticket.issuedAt;
  // §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds"; an expired ticket is not used.
  if (age < 0 || age > ticket.lifetime * 1000) return null;
  // §4.2.11.1: the client's ticket age is obfuscated_ticket_age - ticket_age_add (mod 2^32); §8.3 bounds the difference.
  const clientAge = (obfuscatedAge - ticket.ticketAgeAdd + 0x100000000) % 0x100000000;
  const ageOk = Math.abs(clientAge - age) <= TICKET_AGE_WINDOW_MS;
  return { kind: 'resumption', key: ticket.psk, hash: cipherSuiteParams(ticket.suite).hash, ticket, ageOk };
}

/** §4.2.11: the suite must use the PSK's hash; a ticket resumes with its own suite when offered. */
function pskSuite(ch: ClientHello, psk: { hash: HashName; ticket: TicketState | null }, retry: RetryMemory | null, env: Env): CipherSuiteName | undefined {
  if (retry !== null) {
    const s = suiteName(retry.cipherSuite)!;
    return cipherSuiteParams(s).hash === psk.hash ? s : undefined;
  }
  const offered = (s: CipherSuiteName): boolean => ch.cipherSuites.includes(suiteCode(s)) && env.config.suites.includes(s);
  if (psk.ticket !== null && offered(psk.ticket.suite)) return psk.ticket.suite;
  return env.config.suites.find((s) => offered(s) && cipherSuiteParams(s).hash === psk.hash);
}

function select(ch: ClientHello, retry: RetryMemory | null, psk: ChosenPsk | null, env: Env): Selection {
  const suite = psk?.suite ?? (retry !== null ? suiteName(retry.cipherSuite)! : env.config.suites.find((s) => ch.cipherSuites.includes(suiteCode(s))));
  if (suite === undefined) fail('no_common_parameters', 'no cipher suite in common');
  if (psk?.mode === 'psk_ke') return { suite, group: null, share: null };
  const offeredGroups = findExtension(ch.extensions, 'supported_groups')?.groups ?? [];
  const shares = findExtension(ch.extensions, 'key_share')?.clientShares ?? [];
  checkKeyShares(shares, offeredGroups);
  if (retry !== null) {
    // The group our own HelloRetryRequest chose: always one we know.
    const group = groupName(retry.group)!;
    const share = shares.find((s) => s.group === retry.group);
    return { suite, group, share: share?.keyExchange ?? null };
  }
  // Prefer a group the client already sent a share for (no extra round trip), in our order.
  for (const g of env.config.groups) {
    const share = shares.find((s) => s.group === NamedGroup[g]);
    if (share !== undefined) return { suite, group: g, share: share.keyExchange };
  }
  const group = env.config.groups.find((g) => offeredGroups.includes(NamedGroup[g]));
  if (group === undefined) fail('no_common_parameters', 'no key exchange group in common');
  return { suite, group, share: null };
}

/**
 * §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group ...
 * MUST NOT offer any KeyShareEntry values for groups not listed in the client's
 * "supported_groups" extension. Servers MAY check for violations of these rules and abort
 * the handshake with an "illegal_parameter" alert if one is violated."
 */
function checkKeyShares(shares: readonly { group: number }[], offered: readonly number[]): void {
  const seen = new Set<number>();
  for (const s of shares) {
    if (seen.has(s.group)) fail('illegal_parameter', `two key shares for group 0x${s.group.toString(16)}`);
    seen.add(s.group);
    if (!offered.includes(s.group)) fail('illegal_parameter', `key share for group 0x${s.group.toString(16)} not in supported_groups`);
  }
}

/** The cipher suite's code (constants.ts's CipherSuite table, the one place it is written). */

/** WAIT_EOED + EndOfEarlyData → WAIT_FLIGHT2 → WAIT_FINISHED; K_recv = handshake (§4.5, Appendix A.2). */
function onEndOfEarlyData(st: S<'WAIT_EOED'>, eoed: Decoded, _env: Env): Step<ServerState> {
  const transcript = st.keys.transcript.clone();
  transcript.add(eoed.raw);
  const out = new Out();
  out.keys('read', 'handshake', st.keys.negotiated.suite, st.keys.clientHandshakeSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
  const keys = { ...st.keys, transcript };
  out.via({ kind: 'WAIT_FLIGHT2', keys });
  return out.done({ kind: 'WAIT_FINISHED', keys, clientChain: [], clientAuth: null });
}

// --- Client authentication (§4.4.2, §4.4.3) -------------------------------------------------

/** WAIT_CERT + Certificate → WAIT_CV, or WAIT_FINISHED for an empty one. */
function onCertificate(st: S<'WAIT_CERT'>, cert: Decoded<Certificate>, env: Env): Step<ServerState> {
  const judged = judgeClientCertificateMessage(cert, st.keys.certificateRequestContext ?? new Uint8Array(0), env, '');
  const transcript = st.keys.transcript.clone();
  transcript.add(cert.raw);
  const keys = { ...st.keys, transcript };
  if (judged.kind === 'none') return new Out().done({ kind: 'WAIT_FINISHED', keys, clientChain: [], clientAuth: null });
  return new Out().done({ kind: 'WAIT_CV', keys, clientChain: judged.chain, clientKey: judged.key, ignore: judged.ignore });
}

/** WAIT_CV + CertificateVerify → WAIT_FINISHED; a bad signature is decrypt_error (§4.4.3). */
function onCertificateVerify(st: S<'WAIT_CV'>, cv: Decoded<CertificateVerify>, env: Env): Step<ServerState> {
  const scheme = verifyCertificateVerify(cv, st.clientKey, st.keys.transcript, st.keys.negotiated.suite.hash, 'client', env);
  const transcript = st.keys.transcript.clone();
  transcript.add(cv.raw);
  return new Out().done({
    kind: 'WAIT_FINISHED',
    keys: { ...st.keys, transcript },
    clientChain: st.ignore ? [] : st.clientChain,
    clientAuth: st.ignore ? null : { verifiedWith: st.clientKey, scheme },
  });
}

/** WAIT_FINISHED + Finished → CONNECTED: K_recv = application; the server's handshake is complete. */
function onFinished(st: S<'WAIT_FINISHED'>, fin: Decoded<Finished>, env: Env): Step<ServerState> {
  const { suite } = st.keys.negotiated;
  const transcript = st.keys.transcript.clone();
  if (!verifyFinished(env.crypto, suite.hash, st.keys.clientHandshakeSecret, transcript.hash(env.crypto, suite.hash), fin.verifyData)) {
    fail('bad_finished', 'the client Finished does not verify');
  }
  transcript.add(fin.raw);
  const clientApp = st.keys.clientApplicationSecret;
  const out = new Out();
  out.keys('read', 'application', suite, clientApp, appKeylogLabel('client', 0));
  out.event({ type: 'finished_verified' });
  out.event({ type: 'secret', label: 'EXPORTER_SECRET', secret: st.keys.exporterSecret });
  out.event({ type: 'handshake_complete' });
  let ticketsSent = st.keys.ticketsSent;
  const policy = env.config.tickets;
  // resumption_master_secret is only for NewSessionTickets (§4.6.1), which a server sends
  // here, or with its flight, or not at all: it is derived only when they go now.
  if (policy !== null && ticketsSent === 0) {
    const resumptionSecret = st.keys.master.resumptionMasterSecret(transcript.hash(env.crypto, suite.hash));
    ticketsSent = sendTickets(policy, st.keys.negotiated, resumptionSecret, 0, env, out);
  }
  return out.done({
    kind: 'CONNECTED',
    app: {
      negotiated: st.keys.negotiated,
      readSecret: clientApp,
      writeSecret: st.keys.serverApplicationSecret,
      readGeneration: 0,
      writeGeneration: 0,
      exporterSecret: st.keys.exporterSecret,
      resumptionSecret: null,
      peerCertificates: st.clientChain,
      keyUpdateOwed: false,
      keyUpdatesInARow: 0,
      postHandshakeAuth: st.keys.clientOfferedPostHandshakeAuth,
      transcript: st.keys.clientOfferedPostHandshakeAuth ? transcript : null,
      pendingAuth: null,
      ticketsSent,
    },
  });
}
