/**
 * Tickets, PSK resumption and 0-RTT (RFC 8446 §2.2, §2.3, §4.2.10, §4.2.11, §4.6.1).
 * Each resumed scenario first runs an earlier full handshake (not in its trace) that ends
 * with NewSessionTickets, then shows the connection that uses one of them.
 */
import { SealedTicketIssuer, seededRandom, type CryptoProvider, type EndpointConfig, type ResumptionSession } from '@tls13sim/handshake';
import type { Simulation } from '../simulation.js';
import type { TraceEvent } from '../trace.js';
import { scenarioPki } from './pki.js';
import { scenarioSim, utf8 } from './build.js';
import { appCall, complete, narrate, received, sent, verdict } from './narrate.js';
import { registerScenario, scenarioLens } from './registry.js';

/** The second connection starts this long after the first (virtual ms). */
const LATER = 1000;

type Tickets = NonNullable<EndpointConfig['tickets']>;

/** The server's ticket policy: two tickets after the client's Finished (OpenSSL's default), 0-RTT allowed. */
function ticketPolicy(name: string, seed: number): Tickets {
  return { issuer: new SealedTicketIssuer(seededRandom(`${name}:ticket-keys:${seed}`)), count: 2, maxEarlyData: 1024 };
}

/** Runs the earlier full handshake; returns the first session the client kept and when that connection ended. */
function earlierConnection(name: string, seed: number, tickets: Tickets, crypto?: CryptoProvider): { session: ResumptionSession; end: number } {
  const sessions: ResumptionSession[] = [];
  const sim = scenarioSim(name, seed, { server: { tickets }, sessions, connection: 1, crypto });
  sim.run();
  const session = sessions[0];
  if (session === undefined) throw new Error(`scenario ${name}: the earlier connection gave the client no ticket`);
  return { session, end: sim.now };
}

const earlyRecord = (side: 'client' | 'server') => (e: TraceEvent): boolean =>
  e.type === 'record_sent' && e.side === side && e.epoch === 'early' && e.innerType === 'application_data';

const fact = (f: string) => (e: TraceEvent): boolean => e.type === 'note' && e.fact === f;

/** The resumed connection of `resumption`, after its earlier full handshake. */
function resumptionSim(seed: number, crypto?: CryptoProvider): Simulation {
  const tickets = ticketPolicy('resumption', seed);
  const { session, end } = earlierConnection('resumption', seed, tickets, crypto);
  return scenarioSim('resumption', seed, { client: { session }, server: { tickets }, connection: 2, startAt: end + LATER, crypto });
}

registerScenario({
  name: 'resumption',
  description: 'PSK resumption from a NewSessionTicket (RFC 8446 §2.2): no certificates, same 1-RTT shape',
  run(seed) {
    const sim = resumptionSim(seed);
    const c = scenarioLens(sim, 'client', { blocking: true });
    const s = scenarioLens(sim, 'server', { blocking: true });
    c.connect();
    s.accept();
    c.write(utf8('GET / HTTP/1.0\r\n\r\n'));
    s.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'An earlier full handshake with this server (not shown) ended with two NewSessionTickets (§4.6.1). One second later the client connects again, offering the first ticket.',
      },
      {
        after: sent('client', 'client_hello'),
        text: 'The ClientHello carries the ticket as a PSK identity in pre_shared_key — the last extension, with a binder that proves the client holds the PSK (§4.2.11.2) — plus a key_share for psk_dhe_ke (§4.2.9).',
      },
      {
        after: sent('server', 'server_hello'),
        text: 'The server opened the ticket, checked the binder and selected the PSK: its ServerHello carries pre_shared_key with the selected identity.',
      },
      {
        after: sent('server', 'finished'),
        text: 'No Certificate, no CertificateVerify: the PSK authenticates the server (§2.2). The flight is EncryptedExtensions and Finished only.',
      },
      { after: complete('client'), text: '★ The client completes one round trip after its ClientHello, as in a full handshake, with less to verify.' },
      { after: complete('server'), text: '★ The server completes on the client\'s Finished.' },
      {
        after: received('client', 'new_session_ticket'),
        text: 'Fresh tickets for next time: a client should use each ticket once (§C.4), so the server replaces the one just spent.',
      },
    ]);
  },
  setup: (seed, opts) => ({
    sim: resumptionSim(seed, opts?.crypto),
    app: { client: [{ call: 'connect' }, { call: 'write', data: utf8('GET / HTTP/1.0\r\n\r\n') }], server: [{ call: 'accept' }, { call: 'read', max: 1024 }] },
  }),
});

registerScenario({
  name: 'early-data',
  description: '0-RTT (RFC 8446 §2.3): early data in the first flight, read by the server before either side completes',
  run(seed) {
    const tickets = ticketPolicy('early-data', seed);
    const { session, end } = earlierConnection('early-data', seed, tickets);
    const sim = scenarioSim('early-data', seed, {
      client: { session, earlyData: utf8('GET /early HTTP/1.0\r\n\r\n') },
      server: { tickets },
      connection: 2,
      startAt: end + LATER,
    });
    const s = scenarioLens(sim, 'server', { blocking: true });
    const c = scenarioLens(sim, 'client', { blocking: true });
    s.read(1024);
    // 0.5-RTT (§2.3): the server has sent its Finished and may write before it completes.
    sim.write('server', utf8('HTTP/1.0 200 ok\r\n\r\nanswered in 0.5-RTT\n'));
    c.connect();
    c.read(1024);
    s.accept();
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'The client resumes with a ticket that allows early data (max_early_data_size 1024) and sends its request as 0-RTT data, before any reply.',
      },
      {
        after: earlyRecord('client'),
        text: 'The request goes right behind the ClientHello, under keys derived from the PSK alone: client_early_traffic_secret (§7.1), shown in ().',
      },
      {
        after: appCall('server', 'read'),
        text: 'The server reads the request before its handshake is complete — before the client has even seen the ServerHello. 0-RTT data is not protected against replay across connections (§8): it should be safe to run twice.',
      },
      {
        after: (e) => e.type === 'record_sent' && e.side === 'server' && e.innerType === 'application_data',
        text: 'The server may answer at once as 0.5-RTT data under its application keys, still before it has seen the client\'s Finished.',
      },
      {
        after: fact('early_data_accepted'),
        text: 'EncryptedExtensions carries early_data: the server took the 0-RTT data (§4.2.10).',
      },
      {
        after: sent('client', 'end_of_early_data'),
        text: 'EndOfEarlyData, the last message under the early keys, tells the server the 0-RTT data is over (§4.5); the client\'s Finished follows under handshake keys.',
      },
      {
        after: verdict('client', 'accepted'),
        text: 'The client reads the 0.5-RTT answer. Its ledger marks the server\'s acceptance as presumed, not known: the answer left the server before the server had read the client\'s Finished, so it proves nothing about the client\'s flight (see half-rtt-then-rejected).',
      },
      { after: complete('server'), text: '★ Only now is the handshake complete for the server — after it already served the request.' },
    ]);
  },
});

registerScenario({
  name: 'early-data-rejected',
  description: 'The server resumes but declines 0-RTT: it skips the early data and the client must send it again',
  run(seed) {
    const tickets = ticketPolicy('early-data-rejected', seed);
    const { session, end } = earlierConnection('early-data-rejected', seed, tickets);
    const request = utf8('GET /early HTTP/1.0\r\n\r\n');
    const sim = scenarioSim('early-data-rejected', seed, {
      client: { session, earlyData: request },
      server: { tickets, acceptEarlyData: false },
      connection: 2,
      startAt: end + LATER,
    });
    const c = scenarioLens(sim, 'client', { blocking: true });
    const s = scenarioLens(sim, 'server', { blocking: true });
    c.connect();
    // The client learned from EncryptedExtensions that its early data was dropped: it resends.
    c.write(request);
    s.read(1024);
    sim.run();
    return narrate(sim, [
      { after: 'start', text: 'The client resumes and sends its request as 0-RTT data; this time the server declines early data (e.g. the request is not safe to replay).' },
      { after: earlyRecord('client'), text: 'The early data leaves with the ClientHello, as before.' },
      {
        after: sent('server', 'server_hello'),
        text: 'The server accepts the PSK but not the early data: it cannot decrypt those records under its handshake keys and skips them, up to max_early_data_size (§4.2.10).',
      },
      {
        after: fact('early_data_rejected'),
        text: 'No early_data in EncryptedExtensions: the client knows its 0-RTT data was discarded and sends no EndOfEarlyData.',
      },
      { after: appCall('client', 'write'), text: 'The application sends the request again, now as ordinary 1-RTT data (§4.2.10: the client may retransmit it after the handshake).' },
      { after: appCall('server', 'read'), text: 'The server reads the request only once, after the handshake.' },
    ]);
  },
});

registerScenario({
  name: 'ticket-as-signal',
  description: 'A NewSessionTicket after the client\'s Finished tells the client the server accepted its certificate',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('ticket-as-signal', seed, {
      client: { certificate: pki.client },
      server: { clientAuth: 'require', tickets: { ...ticketPolicy('ticket-as-signal', seed), maxEarlyData: 0 } },
    });
    const c = scenarioLens(sim, 'client', { blocking: true });
    c.connect();
    c.blocking = false;
    c.read(1024);
    sim.run();
    c.read(1024);
    c.blocking = true;
    c.read(1024);
    return narrate(sim, [
      {
        after: 'start',
        text: 'The server requires a client certificate and, like OpenSSL by default, sends NewSessionTickets after it has received the client\'s Finished.',
      },
      { after: appCall('client', 'connect'), text: 'connect() → ok, verdict unknown (compare client-cv-rejected).' },
      { after: appCall('client', 'read', 0), text: 'A non-blocking read → want_read: nothing has come back yet.' },
      {
        after: sent('server', 'new_session_ticket'),
        text: 'The server verified the certificate, CertificateVerify and Finished, then issued tickets. A server that rejected the client would have sent an alert instead.',
      },
      {
        after: verdict('client', 'accepted'),
        text: 'The next read makes the library process the tickets. A NewSessionTicket is sent only after the server received the client\'s Finished (§4.6.1), so the client now knows the server went on: its verdict becomes accepted. The read itself still returns want_read: tickets are not application data.',
      },
      {
        after: appCall('client', 'read', 2),
        text: 'But a ticket is not application data: a blocking read still has nothing to return and would wait forever. The signal reaches the TLS library (OpenSSL: the new-session callback), not SSL_read.',
      },
    ]);
  },
});
