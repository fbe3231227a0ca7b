/**
 * RFC 8448 §4 (resumed 0-RTT handshake) through the real endpoints, byte for byte: the
 * client resumes the §3 ticket 6 ms after receiving it and sends "ABCDEF" as 0-RTT data
 * behind its ClientHello; the server accepts it; EndOfEarlyData closes the early epoch.
 * test/rfc8448-resumed.test.ts checks the same configuration against every §4 record.
 *
 * The §3 connection that hands out the ticket runs first and is not in the trace (the
 * rfc8448-simple scenario shows it). Both connections are configured by rfc8448/endpoints.ts:
 * the RFC's randoms injected with scriptedRandom, NSS's choices as the rfc8448/nss.ts hooks
 * (in §4: early_data after key_share, padding before pre_shared_key, which RFC 8446
 * §4.2.11 requires last, pre_shared_key first in the ServerHello, early_data last in
 * EncryptedExtensions).
 */
import { createEndpoint, type EndpointApi, type ResumptionSession, type TicketIssuer } from '@tls13sim/handshake';
import { fromHex } from '@tls13sim/record';
import type { Trace, TraceEvent } from '../trace.js';
import { clientClose, leftOutIn } from './lens-words.js';
import { complete, narrate, received, sent, state } from './narrate.js';
import { anchorOf } from './spec.js';
import { registerScenario } from './registry.js';
import { APPLICATION_DATA, EARLY_DATA, resumedConfigs, rfcTicketIssuer, rsaPrivateKey, simpleConfigs } from './rfc8448/endpoints.js';
import { drive, rfc8448Simulation } from './rfc8448/run.js';
import { RESUMED, SERVER_RSA_CERTIFICATE, SERVER_RSA_KEY, SIMPLE } from './rfc8448/vectors.js';

/** 6 ms: when the RFC client resumed, after receiving the §3 ticket. */
const TICKET_AGE_MS = (RESUMED.obfuscatedTicketAge - SIMPLE.ticketAgeAdd + 0x100000000) % 0x100000000;

/** The §3 server, which holds its certificate in §4 too (a PSK handshake does not use it, §2.2). */
const serverCertificate = { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: rsaPrivateKey(SERVER_RSA_KEY) };

/** The §3 connection, at virtual time 0, outside the trace: returns the client's session. */
function section3(issuer: TicketIssuer): ResumptionSession {
  const configs = simpleConfigs(
    {
      clientX25519: fromHex(SIMPLE.clientX25519),
      clientRandom: fromHex(SIMPLE.clientRandom),
      serverX25519: fromHex(SIMPLE.serverX25519),
      serverRandom: fromHex(SIMPLE.serverRandom),
      serverCertificate,
      ticketAgeAdd: SIMPLE.ticketAgeAdd,
      ticketLifetime: SIMPLE.ticketLifetime,
    },
    issuer,
  );
  const client = createEndpoint(configs.client);
  const server = createEndpoint(configs.server);
  client.start(0);
  server.start(0);
  let session: ResumptionSession | undefined;
  const pass = (from: EndpointApi, to: EndpointApi): boolean => {
    let moved = false;
    for (let w = from.pollTransmit(); w !== null; w = from.pollTransmit()) {
      to.handleBytes(w, 0);
      moved = true;
    }
    return moved;
  };
  for (let round = 0; round < 10 && (pass(client, server) || pass(server, client)); round++) {
    for (let e = client.pollEvent(); e !== null; e = client.pollEvent()) if (e.type === 'new_session_ticket') session ??= e.session;
  }
  for (let e = client.pollEvent(); e !== null; e = client.pollEvent()) if (e.type === 'new_session_ticket') session ??= e.session;
  if (session === undefined) throw new Error('rfc8448-resumed-0rtt: the §3 connection gave the client no session');
  return session;
}

const earlyRecord = (e: TraceEvent): boolean => e.type === 'record_sent' && e.side === 'client' && e.epoch === 'early' && e.innerType === 'application_data';

registerScenario({
  name: 'rfc8448-resumed-0rtt',
  description: 'RFC 8448 §4 (resumed 0-RTT handshake), byte for byte: the §3 ticket, "ABCDEF" as early data, EndOfEarlyData, 50 bytes each way',
  run(seed): Trace {
    const issuer = rfcTicketIssuer(fromHex(SIMPLE.ticket));
    const session = section3(issuer);
    // §4's server sends no NewSessionTicket; it opens the §3 one with the issuer that made it.
    const configs = resumedConfigs(
      {
        clientX25519: fromHex(RESUMED.clientX25519),
        clientRandom: fromHex(RESUMED.clientRandom),
        serverX25519: fromHex(RESUMED.serverX25519),
        serverRandom: fromHex(RESUMED.serverRandom),
        serverCertificate,
      },
      session,
      issuer,
    );
    const sim = rfc8448Simulation('rfc8448-resumed-0rtt', seed, configs);
    sim.advanceClock(session.receivedAt + TICKET_AGE_MS);
    drive(sim, APPLICATION_DATA, EARLY_DATA);
    return narrate(sim, [
      {
        after: 'start',
        text: `RFC 8448 §4, reproduced: the client resumes the §3 ticket ${TICKET_AGE_MS} ms after receiving it, with the RFC's randoms and NSS's extension choices, so every record below is the RFC's, byte for byte (compare --format hex with the RFC).`,
      },
      {
        after: sent('client', 'client_hello'),
        text: 'pre_shared_key, last (§4.2.11): the §3 ticket, obfuscated_ticket_age 0xfad6aacb (6 ms + ticket_age_add), and the binder, an HMAC over the ClientHello up to the binders under a key from the resumption PSK (§4.2.11.2). early_data announces 0-RTT.',
      },
      {
        after: earlyRecord,
        text: '"ABCDEF" right behind the ClientHello, under client_early_traffic_secret (§7.1): keys from the PSK and the ClientHello alone.',
      },
      {
        // The server's first call: its early-data read (SSL_read_early_data), or a plain read where the lens models no such call.
        after: anchorOf({ event: 'app_call', side: 'server' }),
        text: 'The server reads the 0-RTT data before its handshake is complete — replayable across connections (§8).',
        lenses: {
          gnutls:
            'The server reads the 0-RTT data before its handshake is complete — replayable across connections (§8). A GnuTLS server would read it with gnutls_record_recv_early_data once its handshake call has returned; this lens shows a plain gnutls_record_recv instead.',
          // Their libraries have no 0-RTT (the first note says so): no real server of theirs reads early data.
          ...leftOutIn('go', 'python', 'node'),
        },
      },
      {
        after: sent('server', 'server_hello'),
        text: 'The ServerHello selects PSK identity 0 and adds an x25519 share (psk_dhe_ke); no Certificate or CertificateVerify follows: the PSK authenticates the server.',
      },
      { after: sent('server', 'encrypted_extensions'), text: 'early_data in EncryptedExtensions: the 0-RTT data was accepted (§4.2.10).' },
      { after: state('server', 'WAIT_EOED'), text: 'The server keeps reading under the early keys until EndOfEarlyData (Appendix A.2).' },
      {
        after: sent('client', 'end_of_early_data'),
        text: "EndOfEarlyData, the last record under the early keys (§4.5); the client's Finished follows under its handshake keys.",
      },
      { after: complete('client'), text: '★ The client completes on sending its Finished.' },
      { after: received('server', 'end_of_early_data'), text: "The server switches its read keys to the client's handshake keys." },
      { after: complete('server'), text: "★ The server completes on the client's Finished — after it already read the 0-RTT data." },
      clientClose(),
    ]);
  },
});
