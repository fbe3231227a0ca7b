/**
 * CONNECTED, both roles: the post-handshake messages of §4.6 — NewSessionTicket,
 * KeyUpdate and post-handshake authentication (CertificateRequest from the server; the
 * client's Certificate, CertificateVerify and Finished in answer). Everything else is
 * unexpected_message.
 */
import { KeyUpdateRequest } from '../constants.js';
import { finishedVerifyData, nextTrafficSecret, resumptionPsk, verifyFinished } from '../keyschedule/derive.js';
import { findExtension } from '../messages/index.js';
import type { Certificate, CertificateRequest, CertificateVerify, Decoded, Finished, KeyUpdate, NewSessionTicket } from '../messages/types.js';
import type { Role } from './api.js';
import { judgeClientCertificateMessage, sendClientCertificate } from './certificates.js';
import { appKeylogLabel, applicationEpoch, verifyCertificateVerify } from './common.js';
import { fail } from './errors.js';
import type { ResumptionSession } from './psk.js';
import type { AppSecrets } from './state.js';
import { Out, type Env, type Step } from './step.js';

type Connected = { readonly kind: 'CONNECTED'; readonly app: AppSecrets };

export function connectedHandle(role: Role, st: Connected, msg: Decoded, env: Env): Step<Connected> {
  const pending = st.app.pendingAuth;
  switch (msg.type) {
    case 'key_update':
      return onKeyUpdate(role, st, msg, env);
    case 'new_session_ticket':
      // §4.6.1: "at any time after it receives the client Finished message" — only servers send it.
      if (role === 'server') fail('unexpected_message', 'a client sent a NewSessionTicket');
      return onNewSessionTicket(st, msg, env);
    case 'certificate_request':
      // §4.6.2: "A client that receives a CertificateRequest message without having sent the "post_handshake_auth" extension MUST send an "unexpected_message" fatal alert."
      if (role === 'server' || !st.app.postHandshakeAuth) fail('unexpected_message', 'post-handshake CertificateRequest without post_handshake_auth');
      return onPostHandshakeCertificateRequest(st, msg, env);
    case 'certificate':
      if (role === 'client' || pending?.stage !== 'certificate') fail('unexpected_message', 'Certificate after the handshake without a CertificateRequest');
      return onPostHandshakeCertificate(st, msg, env);
    case 'certificate_verify':
      if (role === 'client' || pending?.stage !== 'certificate_verify') fail('unexpected_message', 'CertificateVerify out of order after the handshake');
      return onPostHandshakeCertificateVerify(st, msg, env);
    case 'finished':
      if (role === 'client' || pending?.stage !== 'finished') fail('unexpected_message', 'Finished out of order after the handshake');
      return onPostHandshakeFinished(st, msg, env);
    default:
      return fail('unexpected_message', `${msg.type} after the handshake`);
  }
}

/** §4.6.1: the client turns a ticket into a resumable session (PSK from the ticket nonce). */
function onNewSessionTicket(st: Connected, nst: Decoded<NewSessionTicket>, env: Env): Step<Connected> {
  const { suite } = st.app.negotiated;
  const early = findExtension(nst.extensions, 'early_data');
  const session: ResumptionSession = {
    ticket: nst.ticket,
    suite: suite.name,
    psk: resumptionPsk(env.crypto, suite.hash, kept(st.app.resumptionSecret, 'resumption secret'), nst.ticketNonce),
    ticketAgeAdd: nst.ticketAgeAdd,
    lifetime: nst.ticketLifetime,
    receivedAt: env.now,
    maxEarlyData: early?.maxEarlyDataSize ?? 0,
    alpn: st.app.negotiated.alpn,
    serverName: env.config.serverName,
  };
  const out = new Out();
  out.event({ type: 'new_session_ticket', lifetime: nst.ticketLifetime, session });
  return out.done(st);
}

/** KeyUpdates received in a row, without application data between them, before we give up. */
export const MAX_KEY_UPDATES_IN_A_ROW = 32;

/**
 * §4.6.3: on receiving a KeyUpdate, update the receiving keys; "If the request_update
 * field is set to "update_requested", then the receiver MUST send a KeyUpdate of its own
 * with request_update set to "update_not_requested" prior to sending its next Application
 * Data record." We answer at once, so at most one answer is ever owed.
 */
function onKeyUpdate(role: Role, st: Connected, ku: Decoded<KeyUpdate>, env: Env): Step<Connected> {
  const { suite } = st.app.negotiated;
  // A peer that only rekeys makes us derive and install keys for nothing: past a bound with
  // no application data between, it is flooding (the RFC sets no number; BoringSSL allows 32).
  const keyUpdatesInARow = st.app.keyUpdatesInARow + 1;
  if (keyUpdatesInARow > MAX_KEY_UPDATES_IN_A_ROW)
    fail('unexpected_message', `more than ${MAX_KEY_UPDATES_IN_A_ROW} KeyUpdates in a row without application data`);
  const out = new Out();
  const peer = role === 'client' ? 'server' : 'client';
  const readGeneration = st.app.readGeneration + 1;
  const readSecret = nextTrafficSecret(env.crypto, suite.hash, st.app.readSecret);
  out.keys('read', applicationEpoch(readGeneration), suite, readSecret, appKeylogLabel(peer, readGeneration));
  out.event({ type: 'key_update', direction: 'read', requested: ku.requestUpdate === KeyUpdateRequest.update_requested });
  let app: AppSecrets = { ...st.app, readSecret, readGeneration, keyUpdatesInARow };
  if (ku.requestUpdate === KeyUpdateRequest.update_requested) app = sendKeyUpdate(role, app, false, env, out);
  return out.done({ kind: 'CONNECTED', app });
}

/** Sends a KeyUpdate and moves the write side to the next generation (§4.6.3, §7.2). */
export function sendKeyUpdate(role: Role, app: AppSecrets, requestPeer: boolean, env: Env, out: Out): AppSecrets {
  const { suite } = app.negotiated;
  out.send({ type: 'key_update', requestUpdate: requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested }, null);
  const writeGeneration = app.writeGeneration + 1;
  const writeSecret = nextTrafficSecret(env.crypto, suite.hash, app.writeSecret);
  out.keys('write', applicationEpoch(writeGeneration), suite, writeSecret, appKeylogLabel(role, writeGeneration));
  out.event({ type: 'key_update', direction: 'write', requested: requestPeer });
  return { ...app, writeSecret, writeGeneration, keyUpdateOwed: false };
}

// --- Post-handshake authentication (§4.6.2) -------------------------------------------------

/**
 * A value an established connection keeps only when it can need it: a client's
 * resumption_master_secret (a server never reads a NewSessionTicket: connectedHandle), the
 * handshake transcript when post_handshake_auth was offered (callers check that it was).
 */
function kept<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`this connection kept no ${what}`);
  return value;
}

/**
 * Server: sends a CertificateRequest with a fresh, non-empty context (§4.3.2). The caller
 * (Endpoint.requestClientAuth) has checked that the client offered post_handshake_auth and
 * that no authentication is in progress.
 */
export function requestPostHandshakeAuth(app: AppSecrets, env: Env, out: Out): AppSecrets {
  const context = env.random.bytes(8);
  const transcript = kept(app.transcript, 'handshake transcript').clone();
  const cr: CertificateRequest = {
    type: 'certificate_request',
    certificateRequestContext: context,
    extensions: [{ type: 'signature_algorithms', schemes: env.config.schemeCodes }],
  };
  out.send(cr, transcript);
  out.event({ type: 'post_handshake_auth', stage: 'requested' });
  return { ...app, pendingAuth: { stage: 'certificate', context, transcript } };
}

/**
 * Client: answers at once with Certificate, CertificateVerify and Finished (§4.4: the
 * Finished base key is the current client_application_traffic_secret_N). The transcript is
 * the handshake's plus this exchange only.
 */
function onPostHandshakeCertificateRequest(st: Connected, cr: Decoded<CertificateRequest>, env: Env): Step<Connected> {
  const sa = findExtension(cr.extensions, 'signature_algorithms');
  if (sa === undefined) fail('missing_extension', 'CertificateRequest without signature_algorithms (§4.3.2)');
  const { suite } = st.app.negotiated;
  const transcript = kept(st.app.transcript, 'handshake transcript').clone();
  transcript.add(cr.raw);
  const out = new Out();
  const schemesCert = findExtension(cr.extensions, 'signature_algorithms_cert')?.schemes ?? null;
  sendClientCertificate({ context: cr.certificateRequestContext, schemes: sa.schemes, schemesCert }, transcript, suite.hash, env, out);
  const verifyData = finishedVerifyData(env.crypto, suite.hash, st.app.writeSecret, transcript.hash(env.crypto, suite.hash));
  out.send({ type: 'finished', verifyData }, transcript);
  out.event({ type: 'note', text: "answered a post-handshake CertificateRequest; the verdict is the server's" });
  return out.done(st);
}

function onPostHandshakeCertificate(st: Connected, cert: Decoded<Certificate>, env: Env): Step<Connected> {
  const pending = st.app.pendingAuth!;
  const judged = judgeClientCertificateMessage(cert, pending.context, env, ' after the handshake');
  const transcript = pending.transcript.clone();
  transcript.add(cert.raw);
  const out = new Out();
  if (judged.kind === 'none') {
    return out.done({ kind: 'CONNECTED', app: { ...st.app, pendingAuth: { stage: 'finished', context: pending.context, transcript, chain: [] } } });
  }
  const { chain, key, ignore } = judged;
  return out.done({
    kind: 'CONNECTED',
    app: { ...st.app, pendingAuth: { stage: 'certificate_verify', context: pending.context, transcript, chain, key, ignore } },
  });
}

function onPostHandshakeCertificateVerify(st: Connected, cv: Decoded<CertificateVerify>, env: Env): Step<Connected> {
  const pending = st.app.pendingAuth;
  if (pending?.stage !== 'certificate_verify') return fail('unexpected_message', 'CertificateVerify out of order');
  verifyCertificateVerify(cv, pending.key, pending.transcript, st.app.negotiated.suite.hash, 'client', env);
  const transcript = pending.transcript.clone();
  transcript.add(cv.raw);
  const chain = pending.ignore ? [] : pending.chain;
  return new Out().done({ kind: 'CONNECTED', app: { ...st.app, pendingAuth: { stage: 'finished', context: pending.context, transcript, chain } } });
}

function onPostHandshakeFinished(st: Connected, fin: Decoded<Finished>, env: Env): Step<Connected> {
  const pending = st.app.pendingAuth;
  if (pending?.stage !== 'finished') return fail('unexpected_message', 'Finished out of order');
  const { suite } = st.app.negotiated;
  if (!verifyFinished(env.crypto, suite.hash, st.app.readSecret, pending.transcript.hash(env.crypto, suite.hash), fin.verifyData)) {
    fail('bad_finished', "the client's post-handshake Finished does not verify");
  }
  const out = new Out();
  out.event({ type: 'post_handshake_auth', stage: pending.chain.length > 0 ? 'authenticated' : 'unauthenticated' });
  const peerCertificates = pending.chain.length > 0 ? pending.chain : st.app.peerCertificates;
  return out.done({ kind: 'CONNECTED', app: { ...st.app, pendingAuth: null, peerCertificates } });
}
