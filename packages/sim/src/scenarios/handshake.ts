/**
 * Scenarios of the handshake itself: the 1-RTT full handshake, a HelloRetryRequest, and a
 * KeyUpdate on an established connection.
 */
import type { TraceEvent } from '../trace.js';
import { scenarioSim, utf8 } from './build.js';
import { appCall, complete, narrate, received, sent, state } from './narrate.js';
import { type AppStep, registerScenario, scenarioLens } from './registry.js';

const REQUEST = utf8('GET / HTTP/1.0\r\n\r\n');
const RESPONSE = utf8('HTTP/1.0 200 ok\r\n\r\nhello from the server\n');

/** The request/response program of full-handshake, per side, for the explorer. */
export const REQUEST_RESPONSE: Readonly<Record<'client' | 'server', readonly AppStep[]>> = {
  client: [{ call: 'connect' }, { call: 'write', data: REQUEST }, { call: 'read', max: 1024 }],
  server: [{ call: 'accept' }, { call: 'read', max: 1024 }, { call: 'write', data: RESPONSE }],
};

const HELLO_RETRY = {
  client: { groups: ['x448', 'x25519'], keyShareGroups: ['x448'] },
  server: { groups: ['x25519'] },
} as const;

registerScenario({
  name: 'full-handshake',
  description: '1-RTT handshake (RFC 8446 §2): the client completes half a round trip before the server',
  run(seed) {
    const sim = scenarioSim('full-handshake', seed);
    const c = scenarioLens(sim, 'client', { blocking: true });
    const s = scenarioLens(sim, 'server', { blocking: true });
    c.connect();
    s.accept();
    c.write(REQUEST);
    s.read(1024);
    s.write(RESPONSE);
    c.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'A full TLS 1.3 handshake (RFC 8446 §2): one round trip, then application data. Each arrow is one record; brackets show the keys protecting it.',
      },
      {
        after: sent('client', 'client_hello'),
        text: 'ClientHello carries a key_share for x25519 (§4.2.8): the client guesses the group so the server can answer in one flight.',
      },
      {
        after: sent('server', 'server_hello'),
        text: 'ServerHello completes the (EC)DHE exchange; everything after it is encrypted under handshake keys {…} (§7.1).',
      },
      {
        after: sent('server', 'finished'),
        text: 'The server sends its Finished and installs its application write keys at once: it could send 0.5-RTT data now (§4.4.4).',
      },
      {
        after: complete('client'),
        text: '★ The client has both sent and received a Finished: for the client the handshake is complete (§4.4.4), one round trip after it started.',
      },
      {
        after: appCall('client', 'connect'),
        text: 'SSL_connect returns ok here, before the server has seen the client\'s Finished.',
      },
      {
        after: received('server', 'finished'),
        text: 'The client\'s Finished reaches the server half a round trip later…',
      },
      {
        after: complete('server'),
        text: '★ …and only now is the handshake complete for the server. The two sides finish at different moments.',
      },
    ]);
  },
  setup: (seed, opts) => ({ sim: scenarioSim('full-handshake', seed, { crypto: opts?.crypto }), app: REQUEST_RESPONSE }),
});

registerScenario({
  name: 'hello-retry',
  description: 'HelloRetryRequest (RFC 8446 §4.1.4): the client guessed a key_share group the server does not take',
  run(seed) {
    const sim = scenarioSim('hello-retry', seed, { client: { ...HELLO_RETRY.client }, server: { ...HELLO_RETRY.server } });
    const c = scenarioLens(sim, 'client', { blocking: true });
    const s = scenarioLens(sim, 'server', { blocking: true });
    c.connect();
    s.accept();
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'The client offers x448 and x25519 but sends a key_share for x448 only; the server supports only x25519.',
      },
      {
        after: sent('server', 'hello_retry_request'),
        text: 'No usable key_share: the server answers with a HelloRetryRequest naming x25519 (§4.1.4) — a ServerHello with the special random, costing one extra round trip.',
      },
      {
        after: (e: TraceEvent) => e.type === 'record_sent' && e.side === 'client' && e.messages.includes('client_hello') && e.time > 0,
        text: 'The second ClientHello carries an x25519 key_share (and the cookie, if any). The transcript now starts with a synthetic message_hash of the first ClientHello (§4.4.1).',
      },
      {
        after: complete('client'),
        text: '★ Client complete after two round trips.',
      },
      {
        after: complete('server'),
        text: '★ Server complete half a round trip later.',
      },
    ]);
  },
  setup: (seed, opts) => ({
    sim: scenarioSim('hello-retry', seed, { client: { ...HELLO_RETRY.client }, server: { ...HELLO_RETRY.server }, crypto: opts?.crypto }),
    app: { client: [{ call: 'connect' }], server: [{ call: 'accept' }] },
  }),
});

registerScenario({
  name: 'key-update',
  description: 'KeyUpdate (RFC 8446 §4.6.3): the client rekeys and asks the server to rekey too',
  run(seed) {
    const sim = scenarioSim('key-update', seed);
    const c = scenarioLens(sim, 'client', { blocking: true });
    const s = scenarioLens(sim, 'server', { blocking: true });
    c.connect();
    s.accept();
    c.write(utf8('before the update'));
    s.read(1024);
    sim.keyUpdate('client', true);
    c.write(utf8('after the update'));
    s.read(1024);
    s.write(utf8('the server answers under its new keys'));
    c.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'After the handshake the client sends a KeyUpdate with update_requested (§4.6.3): each direction gets a new application traffic secret (§7.2).',
      },
      {
        after: sent('client', 'key_update'),
        text: 'The client sends KeyUpdate under its old keys, then switches its write keys to application+1 at once.',
      },
      {
        after: received('server', 'key_update'),
        text: 'The server switches its read keys, and because update_requested was set it answers with its own KeyUpdate(update_not_requested) before sending more data.',
      },
      {
        after: received('client', 'key_update'),
        text: 'The client switches its read keys: both directions now run on application+1 keys. A KeyUpdate changes no handshake state: both sides stay CONNECTED.',
      },
    ]);
  },
});
