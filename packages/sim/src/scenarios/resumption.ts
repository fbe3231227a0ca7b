/**
 * Tickets, PSK resumption and 0-RTT (RFC 8446 §2.2, §2.3, §4.2.10, §4.2.11, §4.6.1).
 * Each resumed scenario first runs an earlier full handshake (not in its trace) that ends
 * with NewSessionTickets, then shows the connection that uses one of them (spec.ts
 * `resume`).
 */
import { utf8 } from './build.js';
import { leftOutIn } from './lens-words.js';
import { BOTH_BLOCKING } from './handshake.js';
import { registerSpecScenario, specSim, type EndpointSpec, type ScenarioSpec } from './spec.js';

/** The second connection starts this long after the first (virtual ms). */
const LATER = { laterMs: 1000 };

/** The server's ticket policy: two tickets after the client's Finished (OpenSSL's default), 0-RTT allowed. */
const TICKETS: EndpointSpec['tickets'] = { count: 2, maxEarlyData: 1024 };

import { EARLY_ANSWER, EARLY_REQUEST, REQUEST } from './app-data.js';

export const RESUMPTION: ScenarioSpec = {
  name: 'resumption',
  client: {},
  server: { tickets: TICKETS },
  resume: LATER,
  program: [
    ...BOTH_BLOCKING,
    { op: 'connect', side: 'client' },
    { op: 'accept', side: 'server' },
    { op: 'write', side: 'client', data: REQUEST },
    { op: 'read', side: 'server', max: 1024 },
    { op: 'run' },
  ],
  notes: [
    {
      after: 'start',
      text: 'An earlier full handshake with this server (not shown) ended with two NewSessionTickets (§4.6.1). One second later the client connects again, offering the first ticket.',
    },
    {
      after: { event: 'record_sent', side: 'client', message: 'client_hello' },
      text: 'The ClientHello carries the ticket as a PSK identity in pre_shared_key — the last extension, with a binder that proves the client holds the PSK (§4.2.11.2) — plus a key_share for psk_dhe_ke (§4.2.9).',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'server_hello' },
      text: 'The server opened the ticket, checked the binder and selected the PSK: its ServerHello carries pre_shared_key with the selected identity.',
    },
    {
      after: { event: 'record_sent', side: 'server', message: 'finished' },
      text: 'No Certificate, no CertificateVerify: the PSK authenticates the server (§2.2). The flight is EncryptedExtensions and Finished only.',
    },
    {
      after: { event: 'handshake_complete', side: 'client' },
      text: '★ The client completes one round trip after its ClientHello, as in a full handshake, with less to verify.',
    },
    { after: { event: 'handshake_complete', side: 'server' }, text: "★ The server completes on the client's Finished." },
    {
      after: { event: 'record_received', side: 'client', message: 'new_session_ticket' },
      text: 'Fresh tickets for next time: a client should use each ticket once (§C.4), so the server replaces the one just spent.',
    },
  ],
};

registerSpecScenario(RESUMPTION, 'PSK resumption from a NewSessionTicket (RFC 8446 §2.2): no certificates, same 1-RTT shape', (seed, opts) => ({
  sim: specSim(RESUMPTION, seed, { crypto: opts?.crypto }),
  app: { client: [{ call: 'connect' }, { call: 'write', data: utf8(REQUEST) }], server: [{ call: 'accept' }, { call: 'read', max: 1024 }] },
}));

registerSpecScenario(
  {
    name: 'early-data',
    client: { earlyData: EARLY_REQUEST },
    server: { tickets: TICKETS },
    resume: LATER,
    program: [
      { op: 'lens', side: 'server', blocking: true },
      { op: 'lens', side: 'client', blocking: true },
      { op: 'writeEarly', side: 'client', data: EARLY_REQUEST },
      { op: 'readEarly', side: 'server', max: 1024 },
      // 0.5-RTT (§2.3): the server has sent its Finished and may write before it completes.
      { op: 'send', side: 'server', data: EARLY_ANSWER },
      { op: 'connect', side: 'client' },
      { op: 'read', side: 'client', max: 1024 },
      { op: 'accept', side: 'server' },
      { op: 'run' },
    ],
    notes: [
      {
        after: 'start',
        text: 'The client resumes with a ticket that allows early data (max_early_data_size 1024) and sends its request as 0-RTT data, before any reply.',
      },
      {
        after: { event: 'record_sent', side: 'client', epoch: 'early', innerType: 'application_data' },
        text: 'The request goes right behind the ClientHello, under keys derived from the PSK alone: client_early_traffic_secret (§7.1), shown in ().',
      },
      {
        // The server's first call: its early-data read (SSL_read_early_data), or a plain read where the lens models no such call.
        after: { event: 'app_call', side: 'server' },
        text: 'The server reads the request before its handshake is complete — before the client has even seen the ServerHello. 0-RTT data is not protected against replay across connections (§8): it should be safe to run twice.',
        lenses: {
          gnutls:
            'The server reads the request before its handshake is complete — before the client has even seen the ServerHello. A GnuTLS server would read it with gnutls_record_recv_early_data once its handshake call has returned; this lens shows a plain gnutls_record_recv instead. 0-RTT data is not protected against replay across connections (§8): it should be safe to run twice.',
          // Their libraries have no 0-RTT (the first note says so): no real server of theirs reads early data.
          ...leftOutIn('go', 'python', 'node'),
        },
      },
      {
        after: { event: 'record_sent', side: 'server', innerType: 'application_data' },
        text: "The server may answer at once as 0.5-RTT data under its application keys, still before it has seen the client's Finished.",
      },
      {
        after: { event: 'note', fact: 'early_data_accepted' },
        text: 'EncryptedExtensions carries early_data: the server took the 0-RTT data (§4.2.10).',
      },
      {
        after: { event: 'record_sent', side: 'client', message: 'end_of_early_data' },
        text: "EndOfEarlyData, the last message under the early keys, tells the server the 0-RTT data is over (§4.5); the client's Finished follows under handshake keys.",
      },
      {
        after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
        text: "The client reads the 0.5-RTT answer. Its ledger marks the server's acceptance as presumed, not known: the answer left the server before the server had read the client's Finished, so it proves nothing about the client's flight (see half-rtt-then-rejected).",
      },
      {
        after: { event: 'handshake_complete', side: 'server' },
        text: '★ Only now is the handshake complete for the server — after it already served the request.',
      },
    ],
  },
  '0-RTT (RFC 8446 §2.3): early data in the first flight, read by the server before either side completes',
);

registerSpecScenario(
  {
    name: 'early-data-rejected',
    client: { earlyData: EARLY_REQUEST },
    server: { tickets: TICKETS, acceptEarlyData: false },
    resume: LATER,
    program: [
      ...BOTH_BLOCKING,
      { op: 'writeEarly', side: 'client', data: EARLY_REQUEST },
      { op: 'connect', side: 'client' },
      // The client learned from EncryptedExtensions that its early data was dropped: it resends.
      { op: 'write', side: 'client', data: EARLY_REQUEST },
      // The server takes no early data: it makes its handshake call without reading any.
      { op: 'accept', side: 'server' },
      { op: 'read', side: 'server', max: 1024 },
      { op: 'run' },
    ],
    notes: [
      {
        after: 'start',
        text: 'The client resumes and sends its request as 0-RTT data; this time the server declines early data (e.g. the request is not safe to replay).',
      },
      {
        after: { event: 'record_sent', side: 'client', epoch: 'early', innerType: 'application_data' },
        text: 'The early data leaves with the ClientHello, as before.',
      },
      {
        after: { event: 'record_sent', side: 'server', message: 'server_hello' },
        text: 'The server accepts the PSK but not the early data: it cannot decrypt those records under its handshake keys and skips them, up to max_early_data_size (§4.2.10).',
      },
      {
        after: { event: 'note', fact: 'early_data_rejected' },
        text: 'No early_data in EncryptedExtensions: the client knows its 0-RTT data was discarded and sends no EndOfEarlyData.',
      },
      {
        after: { event: 'app_call', side: 'client', call: 'write' },
        text: 'The application sends the request again, now as ordinary 1-RTT data (§4.2.10: the client may retransmit it after the handshake).',
        // Their clients send no early data: there is nothing to send again.
        lenses: leftOutIn('go', 'python', 'node'),
      },
      { after: { event: 'app_call', side: 'server', call: 'read' }, text: 'The server reads the request only once, after the handshake.' },
    ],
  },
  'The server resumes but declines 0-RTT: it skips the early data and the client must send it again',
);

registerSpecScenario(
  {
    name: 'ticket-as-signal',
    client: { certificate: 'client' },
    server: { clientAuth: 'require', tickets: { count: 2, maxEarlyData: 0 } },
    program: [
      { op: 'lens', side: 'client', blocking: true },
      { op: 'connect', side: 'client' },
      { op: 'blocking', side: 'client', value: false },
      { op: 'read', side: 'client', max: 1024 },
      { op: 'run' },
      { op: 'read', side: 'client', max: 1024 },
      { op: 'blocking', side: 'client', value: true },
      { op: 'read', side: 'client', max: 1024 },
    ],
    notes: [
      {
        after: 'start',
        text: "The server requires a client certificate and, like OpenSSL by default, sends NewSessionTickets after it has received the client's Finished.",
      },
      { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok, verdict unknown (compare client-cv-rejected).' },
      {
        after: { event: 'app_call', side: 'client', call: 'read' },
        text: 'A non-blocking read → want_read: nothing has come back yet.',
        lenses: {
          go: 'Go has no non-blocking read: Conn.Read waits, and nothing has come back yet.',
          node: "Node has no read call: the application waits for a 'data' or 'error' event, and nothing has come back yet.",
        },
      },
      {
        after: { event: 'record_sent', side: 'server', message: 'new_session_ticket' },
        text: 'The server verified the certificate, CertificateVerify and Finished, then issued tickets. A server that rejected the client would have sent an alert instead.',
      },
      {
        after: { event: 'peer_verdict', side: 'client', verdict: 'accepted' },
        text: "The next read makes the library process the tickets. A NewSessionTicket is sent only after the server received the client's Finished (§4.6.1), so the client now knows the server went on: its verdict becomes accepted. The read itself still returns want_read: tickets are not application data.",
        lenses: {
          go: "The tickets arrive, and Go processes them inside the waiting Conn.Read. A NewSessionTicket is sent only after the server received the client's Finished (§4.6.1), so the client now knows the server went on: its verdict becomes accepted. The read goes on waiting: tickets are not application data.",
          node: "The tickets arrive, and Node processes them as they come. A NewSessionTicket is sent only after the server received the client's Finished (§4.6.1), so the client now knows the server went on: its verdict becomes accepted. No 'data' event fires: tickets are not application data.",
        },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 2 },
        text: 'But a ticket is not application data: a blocking read still has nothing to return and would wait forever. The signal reaches the TLS library (OpenSSL: the new-session callback), not SSL_read.',
        lenses: {
          python:
            'But a ticket is not application data: a blocking read still has nothing to return and would wait forever. The signal reaches the TLS library, not recv(): the application can only look at SSLSocket.session.has_ticket.',
          go: "But a ticket is not application data: the read has nothing to return and would wait forever. The signal reaches the TLS library (Go: its ClientSessionCache's Put), not Conn.Read.",
          gnutls:
            'But a ticket is not application data: a blocking read still has nothing to return and would wait forever. The signal reaches the TLS library (GnuTLS: a handshake hook on NewSessionTicket), not gnutls_record_recv.',
          rustls:
            'But a ticket is not application data: a blocking read still has nothing to return and would wait forever. The signal reaches the TLS library (rustls: its session store, StoresClientSessions::put), not Stream::read.',
          node: "But a ticket is not application data: no 'data' event will come, and a wait for one would last forever. The signal reaches the TLS library (Node: the 'session' event), not the application's reads.",
        },
      },
    ],
  },
  "A NewSessionTicket after the client's Finished tells the client the server accepted its certificate",
);
