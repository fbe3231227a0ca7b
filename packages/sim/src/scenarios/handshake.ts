/**
 * Scenarios of the handshake itself: the 1-RTT full handshake, a HelloRetryRequest, and a
 * KeyUpdate on an established connection. Each is a ScenarioSpec (spec.ts): plain data.
 */
import { utf8 } from './build.js';
import { CONNECT_OK, inOtherLenses } from './lens-words.js';
import type { AppStep } from './registry.js';
import { registerSpecScenario, specSim, type ProgramOp, type ScenarioSpec } from './spec.js';

import { AFTER_UPDATE, BEFORE_UPDATE, KEY_UPDATE_ANSWER, PLAIN_RESPONSE, REQUEST } from './app-data.js';

/** The request/response program of full-handshake, per side, for the explorer. */
export const REQUEST_RESPONSE: Readonly<Record<'client' | 'server', readonly AppStep[]>> = {
  client: [{ call: 'connect' }, { call: 'write', data: utf8(REQUEST) }, { call: 'read', max: 1024 }],
  server: [{ call: 'accept' }, { call: 'read', max: 1024 }, { call: 'write', data: utf8(PLAIN_RESPONSE) }],
};

/** Both sides' lenses, blocking, made client first. */
export const BOTH_BLOCKING: readonly ProgramOp[] = [
  { op: 'lens', side: 'client', blocking: true },
  { op: 'lens', side: 'server', blocking: true },
];

export const FULL_HANDSHAKE: ScenarioSpec = {
  name: 'full-handshake',
  client: {},
  server: {},
  program: [
    ...BOTH_BLOCKING,
    { op: 'connect', side: 'client' },
    { op: 'accept', side: 'server' },
    { op: 'peerCert', side: 'server' },
    { op: 'write', side: 'client', data: REQUEST },
    { op: 'read', side: 'server', max: 1024 },
    { op: 'write', side: 'server', data: PLAIN_RESPONSE },
    { op: 'read', side: 'client', max: 1024 },
    { op: 'run' },
  ],
  notes: [
    {
      after: 'start',
      text: 'A full TLS 1.3 handshake (RFC 8446 §2): one round trip, then application data. Each arrow is one record; brackets show the keys protecting it.',
    },
    {
      after: { event: 'record_sent', side: 'client', message: 'client_hello' },
      text: 'ClientHello carries a key_share for x25519 (§4.2.8): the client guesses the group so the server can answer in one flight.',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'server_hello' },
      text: 'ServerHello completes the (EC)DHE exchange; everything after it is encrypted under handshake keys {…} (§7.1).',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'finished' },
      text: 'The server sends its Finished and installs its application write keys at once: it could send 0.5-RTT data now (§4.4.4).',
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ The client has both sent and received a Finished: for the client the handshake is complete (§4.4.4), one round trip after it started.',
    },
    {
      after: { event: 'app_call', side: 'client', call: 'connect' },
      text: "SSL_connect returns ok here, before the server has seen the client's Finished.",
      lenses: inOtherLenses((l) => `connect() → ok here (${CONNECT_OK[l]}), before the server has seen the client's Finished.`),
    },
    {
      after: { event: 'record_received', side: 'server', message: 'finished' },
      text: "The client's Finished reaches the server half a round trip later…",
    },
    {
      after: { event: 'handshake_complete', side: 'server' },
      text: '★ …and only now is the handshake complete for the server. The two sides finish at different moments.',
    },
    {
      after: { event: 'app_call', side: 'server', call: 'peer_cert' },
      text: 'The server asked for no certificate, and its application can see none: only the server was authenticated.',
    },
  ],
};

registerSpecScenario(FULL_HANDSHAKE, '1-RTT handshake (RFC 8446 §2): the client completes half a round trip before the server', (seed, opts) => ({
  sim: specSim(FULL_HANDSHAKE, seed, { crypto: opts?.crypto }),
  app: REQUEST_RESPONSE,
}));

export const HELLO_RETRY: ScenarioSpec = {
  name: 'hello-retry',
  client: { groups: ['x448', 'x25519'], keyShareGroups: ['x448'] },
  server: { groups: ['x25519'] },
  program: [...BOTH_BLOCKING, { op: 'connect', side: 'client' }, { op: 'accept', side: 'server' }, { op: 'run' }],
  notes: [
    {
      after: 'start',
      text: 'The client offers x448 and x25519 but sends a key_share for x448 only; the server supports only x25519.',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'hello_retry_request' },
      text: 'No usable key_share: the server answers with a HelloRetryRequest naming x25519 (§4.1.4) — a ServerHello with the special random, costing one extra round trip.',
    },
    {
      after: { event: 'record_sent', side: 'client', message: 'client_hello', later: 0 },
      text: 'The second ClientHello carries an x25519 key_share (and the cookie, if any). The transcript now starts with a synthetic message_hash of the first ClientHello (§4.4.1).',
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ Client complete after two round trips.',
    },
    {
      after: { event: 'handshake_complete', side: 'server' },
      text: '★ Server complete half a round trip later.',
    },
  ],
};

registerSpecScenario(HELLO_RETRY, 'HelloRetryRequest (RFC 8446 §4.1.4): the client guessed a key_share group the server does not take', (seed, opts) => ({
  sim: specSim(HELLO_RETRY, seed, { crypto: opts?.crypto }),
  app: { client: [{ call: 'connect' }], server: [{ call: 'accept' }] },
}));

export const KEY_UPDATE: ScenarioSpec = {
  name: 'key-update',
  client: {},
  server: {},
  program: [
    ...BOTH_BLOCKING,
    { op: 'connect', side: 'client' },
    { op: 'accept', side: 'server' },
    { op: 'write', side: 'client', data: BEFORE_UPDATE },
    { op: 'read', side: 'server', max: 1024 },
    { op: 'keyUpdate', side: 'client', request: true },
    { op: 'write', side: 'client', data: AFTER_UPDATE },
    { op: 'read', side: 'server', max: 1024 },
    { op: 'write', side: 'server', data: KEY_UPDATE_ANSWER },
    { op: 'read', side: 'client', max: 1024 },
    { op: 'run' },
  ],
  notes: [
    {
      after: 'start',
      text: 'After the handshake the client sends a KeyUpdate with update_requested (§4.6.3): each direction gets a new application traffic secret (§7.2).',
    },
    {
      after: { event: 'record_sent', side: 'client', message: 'key_update' },
      text: 'The client sends KeyUpdate under its old keys, then switches its write keys to application+1 at once.',
    },
    {
      after: { event: 'record_received', side: 'server', message: 'key_update' },
      text: 'The server switches its read keys, and because update_requested was set it answers with its own KeyUpdate(update_not_requested) before sending more data.',
    },
    {
      after: { event: 'record_received', side: 'client', message: 'key_update' },
      text: 'The client switches its read keys: both directions now run on application+1 keys. A KeyUpdate changes no handshake state: both sides stay CONNECTED.',
    },
  ],
};

registerSpecScenario(KEY_UPDATE, 'KeyUpdate (RFC 8446 §4.6.3): the client rekeys and asks the server to rekey too');
