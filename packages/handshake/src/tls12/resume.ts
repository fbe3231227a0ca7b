/**
 * TLS 1.2 session tickets (RFC 5077): the NewSessionTicket a server sends before its
 * ChangeCipherSpec, and the abbreviated handshake that resumes with one — ClientHello with
 * the ticket; ServerHello echoing the session_id, [NewSessionTicket], ChangeCipherSpec,
 * Finished; then the client's ChangeCipherSpec and Finished (RFC 5077 §3.1 figure 2). The
 * master secret comes from the ticket; the key block from it and the new randoms (RFC 5246
 * §6.3). Extended master secret is required here too (RFC 7627 §5.3).
 */
import { bytesEqual } from '@tls13sim/record';
import type { CipherSuiteName } from '../constants.js';
import { fail } from '../endpoint/errors.js';
import type { ClientHello } from '../messages/types.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { finishedMessage } from './derive.js';
import { encodeTls12, type RawExtension } from './messages.js';
import { tls12KeyBlock } from './prf.js';
import type { Tls12Hello, Tls12Negotiated, Tls12Secrets, Tls12ServerState, Tls12Session } from './state.js';
import type { Tls12SuiteParams } from './suites.js';
import type { Env12, Out12, Step12 } from './step.js';

/** RFC 5077 §3.2 extension type 35. */
export const EXT_SESSION_TICKET = 35;

/** The key block for a resumed session: same master, new randoms (RFC 5246 §6.3, §7.3). */
export function resumedSecrets(env: Env12, suite: Tls12SuiteParams, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Tls12Secrets {
  const kb = tls12KeyBlock(env.crypto, suite.hash, master, clientRandom, serverRandom, suite.keyLength, suite.fixedIvLength);
  return { master, clientKey: kb.client.key, clientIv: kb.client.iv, serverKey: kb.server.key, serverIv: kb.server.iv };
}

export function negotiatedOf(hello: Tls12Hello, group: string | null, serverScheme: string | null, resumed: boolean): Tls12Negotiated {
  return {
    version: 'TLSv1.2',
    suite: hello.suite,
    group,
    alpn: hello.alpn,
    serverName: hello.serverName,
    serverSignatureScheme: serverScheme,
    helloRetry: false,
    resumed,
    peerRecordSizeLimit: null,
    extendedMasterSecret: hello.legacyMasterSecret !== true,
  };
}

// --- client ------------------------------------------------------------------------------

/** The ClientHello additions: a session_ticket extension (the ticket, or empty to ask for one) and a session_id to see acceptance by (RFC 5077 §3.4). */
export function clientTicketOffer(env: Env12): { ext: RawExtension | null; sessionId: Uint8Array; session: Tls12Session | null } {
  const session = env.config.role === 'client' ? (env.tls12Session ?? null) : null;
  if (session !== null) return { ext: { code: EXT_SESSION_TICKET, data: session.ticket }, sessionId: env.random.bytes(32), session };
  if (env.tls12RequestTicket) return { ext: { code: EXT_SESSION_TICKET, data: new Uint8Array(0) }, sessionId: new Uint8Array(0), session: null };
  return { ext: null, sessionId: new Uint8Array(0), session: null };
}

/**
 * RFC 5077 §3.4: "If the server accepts the ticket and the Session ID is not empty, then it
 * MUST respond with the same Session ID present in the ClientHello." The resumed session
 * keeps its cipher suite (RFC 5246 §7.4.1.3: a resumed session's suite is the session's).
 */
export function isResumption(
  sessionId: Uint8Array | undefined,
  offered: Tls12Session | null | undefined,
  echoed: Uint8Array,
  suite: Tls12SuiteParams,
): offered is Tls12Session {
  if (offered === null || offered === undefined || sessionId === undefined || sessionId.length === 0 || !bytesEqual(sessionId, echoed)) return false;
  if (suite.name !== offered.suite) fail('illegal_parameter', `the server resumed the session with ${suite.name}, not its ${offered.suite}`);
  return true;
}

/** The client's own flight of an abbreviated handshake: ChangeCipherSpec, Finished (after the server's Finished). */
export function clientResumedFinish(out: Out12, hello: Tls12Hello, secrets: Tls12Secrets, env: Env12): void {
  out.push({ kind: 'ccs' });
  out.push({ kind: 'keys', direction: 'write', suite: hello.suite, key: secrets.clientKey, iv: secrets.clientIv, master: secrets.master });
  out.event({ type: 'finished_built', version: 'TLSv1.2' });
  out.send('finished', finishedMessage(env, hello.suite, secrets.master, 'client', hello.transcript), hello.transcript);
}

/** The session a NewSessionTicket gives the client, for config.tls12Session. */
export function sessionFromTicket(ticket: Uint8Array, lifetimeHint: number, hello: Tls12Hello, master: Uint8Array, now: number): Tls12Session {
  return { ticket, suite: hello.suite.name, master, lifetimeHint, receivedAt: now, serverName: hello.serverName, alpn: hello.alpn };
}

// --- server ------------------------------------------------------------------------------

function rawExtension(ch: ClientHello, code: number): Uint8Array | undefined {
  for (const e of ch.extensions) if (e.type === 'unknown' && e.code === code) return e.data;
  return undefined;
}

/** The client sent session_ticket and we issue tickets: we answer with an empty one (RFC 5077 §3.2). */
export function wantsTicket(ch: ClientHello, env: Env12): boolean {
  return env.config.role === 'server' && env.tls12Tickets !== null && rawExtension(ch, EXT_SESSION_TICKET) !== undefined;
}

/**
 * The session in the client's ticket, when we can resume it: we issued it, it has not
 * expired, its suite is one we and the client still offer (RFC 5077 §3.4: otherwise the
 * server "SHOULD ... perform a full handshake").
 */
export function acceptedTicket(ch: ClientHello, env: Env12): { suite: Tls12SuiteParams; master: Uint8Array } | null {
  const ticket = rawExtension(ch, EXT_SESSION_TICKET);
  const policy = env.tls12Tickets;
  if (policy === null || ticket === undefined || ticket.length === 0) return null;
  const state = policy.issuer.open(ticket, env.crypto);
  if (state === null || env.now > state.issuedAt + state.lifetime * 1000) return null;
  const suite = env.suites12.find((s) => s.name === (state.suite as string));
  if (suite === undefined || !ch.cipherSuites.includes(suite.code) || state.psk.length !== 48) return null;
  if (policy.issuer.singleUse && !policy.issuer.redeem(state.id)) return null;
  return { suite, master: state.psk };
}

/** RFC 5077 §3.3 NewSessionTicket: `uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;` sealing the master secret. */
export function issueTicket(out: Out12, suite: Tls12SuiteParams, master: Uint8Array, alpn: string | null, t: Transcript, env: Env12): void {
  const policy = env.tls12Tickets!;
  const lifetime = policy.lifetime;
  const state = {
    suite: suite.name as string as CipherSuiteName,
    psk: master,
    issuedAt: env.now,
    ticketAgeAdd: 0,
    lifetime,
    maxEarlyData: 0,
    alpn,
    id: env.random.bytes(16),
  };
  const ticket = policy.issuer.issue(state, env.random, env.crypto);
  out.send('new_session_ticket', encodeTls12({ type: 'new_session_ticket', lifetimeHint: lifetime, ticket }), t);
}

/**
 * The server's abbreviated flight (RFC 5077 §3.1 figure 2): ServerHello (session_id echoed),
 * [NewSessionTicket], ChangeCipherSpec, Finished; then it waits for the client's.
 */
export function resumedServerFlight(
  out: Out12,
  hello: Tls12Hello,
  serverHelloRaw: Uint8Array,
  master: Uint8Array,
  ticket: boolean,
  env: Env12,
): Step12<Tls12ServerState> {
  const t = hello.transcript;
  out.send('server_hello', serverHelloRaw, t);
  if (ticket) issueTicket(out, hello.suite, master, hello.alpn, t, env);
  const secrets = resumedSecrets(env, hello.suite, master, hello.clientRandom, hello.serverRandom);
  out.push({ kind: 'ccs' });
  out.push({ kind: 'keys', direction: 'write', suite: hello.suite, key: secrets.serverKey, iv: secrets.serverIv, master });
  out.event({ type: 'finished_built', version: 'TLSv1.2' });
  out.send('finished', finishedMessage(env, hello.suite, master, 'server', t), t);
  const flight = { hello, share: null, group: null, serverScheme: null, certRequested: false, ticketPromised: false };
  return out.done({ kind: 'WAIT_CCS', flight, secrets, clientChain: [], resumed: true });
}
