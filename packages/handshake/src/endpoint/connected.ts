/**
 * CONNECTED, both roles: the post-handshake messages of §4.6 — NewSessionTicket,
 * KeyUpdate and (client) post-handshake CertificateRequest. Everything else is
 * unexpected_message.
 */
import { KeyUpdateRequest } from '../constants.js';
import { nextTrafficSecret } from '../keyschedule/derive.js';
import type { Decoded, KeyUpdate, NewSessionTicket } from '../messages/types.js';
import { appKeylogLabel, applicationEpoch } from './common.js';
import { fail } from './errors.js';
import type { AppSecrets } from './state.js';
import { Out, type Env, type Step } from './step.js';
import type { Role } from './api.js';

type Connected = { readonly kind: 'CONNECTED'; readonly app: AppSecrets };

export function connectedHandle(role: Role, st: Connected, msg: Decoded, env: Env): Step<Connected> {
  switch (msg.type) {
    case 'key_update':
      return onKeyUpdate(role, st, msg, env);
    case 'new_session_ticket':
      // §4.6.1: "at any time after it receives the client Finished message" — only servers send it.
      if (role === 'server') fail('unexpected_message', 'a client sent a NewSessionTicket');
      return onNewSessionTicket(st, msg);
    case 'certificate_request':
      // §4.6.2: "A client that receives a CertificateRequest message without having sent the "post_handshake_auth" extension MUST send an "unexpected_message" fatal alert."
      if (role === 'server' || !st.app.postHandshakeAuth) fail('unexpected_message', 'post-handshake CertificateRequest without post_handshake_auth');
      return fail('unexpected_message', 'post-handshake authentication is not supported yet');
    default:
      return fail('unexpected_message', `${msg.type} after the handshake`);
  }
}

function onNewSessionTicket(st: Connected, nst: Decoded<NewSessionTicket>): Step<Connected> {
  const out = new Out();
  out.event({ type: 'new_session_ticket', lifetime: nst.ticketLifetime });
  return out.done(st);
}

/**
 * §4.6.3: on receiving a KeyUpdate, update the receiving keys; "If the request_update
 * field is set to "update_requested", then the receiver MUST send a KeyUpdate of its own
 * with request_update set to "update_not_requested" prior to sending its next Application
 * Data record." We answer at once, so at most one answer is ever owed.
 */
function onKeyUpdate(role: Role, st: Connected, ku: Decoded<KeyUpdate>, env: Env): Step<Connected> {
  const { suite } = st.app.negotiated;
  const out = new Out();
  const peer = role === 'client' ? 'server' : 'client';
  const readGeneration = st.app.readGeneration + 1;
  const readSecret = nextTrafficSecret(env.crypto, suite.hash, st.app.readSecret);
  out.keys('read', applicationEpoch(readGeneration), suite, readSecret, appKeylogLabel(peer, readGeneration));
  out.event({ type: 'key_update', direction: 'read', requested: ku.requestUpdate === KeyUpdateRequest.update_requested });
  let app: AppSecrets = { ...st.app, readSecret, readGeneration };
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
