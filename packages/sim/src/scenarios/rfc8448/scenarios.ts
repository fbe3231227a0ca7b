/**
 * RFC 8448's example traces, run through the real endpoints with the RFC's randoms and
 * keys injected (scriptedRandom) and NSS's choices as message hooks: every record both
 * sides send is the RFC's, byte for byte (packages/sim/test/scenarios.test.ts checks it
 * against the RFC's records). The client has no trust anchors: the RFC's certificates are
 * self-signed, from 2016, and name "rsa"/"ecdsa256", not "server".
 *
 * The seed changes nothing here: the RFC fixes every random byte, and delivery is flight
 * by flight.
 */
import { fromHex } from '@tls13sim/record';
import type { Trace } from '../../trace.js';
import { clientClose } from '../lens-words.js';
import { complete, narrate, sent, type Note } from '../narrate.js';
import { registerScenario } from '../registry.js';
import { APPLICATION_DATA, clientAuthConfigs, compatConfigs, helloRetryConfigs, rfcTicketIssuer, rsaPrivateKey, simpleConfigs } from './endpoints.js';
import { drive, rfc8448Simulation as simulation } from './run.js';
import { CLIENT_AUTH, COMPAT, HELLO_RETRY, SERVER_RSA_CERTIFICATE, SERVER_RSA_KEY, SIMPLE } from './vectors.js';

/** RFC 8448 §2: the server's RSA key, with its certificate (§3, §5, §7). */
const serverRsaKey = rsaPrivateKey(SERVER_RSA_KEY);
const serverRsaCertificate = { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: serverRsaKey };

const common = (section: string): Note[] => [
  {
    after: 'start',
    text: `RFC 8448 ${section}, reproduced: the RFC's private keys and randoms are injected and NSS's extension choices applied as hooks, so every record below is the RFC's, byte for byte (compare --format hex with the RFC).`,
  },
  { after: complete('client'), text: '★ The client completes one flight before the server, as in every full handshake.' },
  { after: complete('server'), text: "★ The server completes on the client's Finished." },
  clientClose(),
];

registerScenario({
  name: 'rfc8448-simple',
  description: 'RFC 8448 §3 (simple 1-RTT handshake), byte for byte: ticket, 50 bytes each way, close_notify',
  run(seed): Trace {
    const sim = simulation(
      'rfc8448-simple',
      seed,
      simpleConfigs(
        {
          clientX25519: fromHex(SIMPLE.clientX25519),
          clientRandom: fromHex(SIMPLE.clientRandom),
          serverX25519: fromHex(SIMPLE.serverX25519),
          serverRandom: fromHex(SIMPLE.serverRandom),
          serverCertificate: serverRsaCertificate,
          ticketAgeAdd: SIMPLE.ticketAgeAdd,
          ticketLifetime: SIMPLE.ticketLifetime,
        },
        rfcTicketIssuer(fromHex(SIMPLE.ticket)),
      ),
    );
    drive(sim, APPLICATION_DATA);
    return narrate(sim, [
      ...common('§3 (Simple 1-RTT Handshake)'),
      {
        after: sent('server', 'certificate_verify'),
        text: "The server signs with rsa_pss_rsae_sha256 using the RFC's RSA key (§2) and the salt recovered from the RFC's signature, so its CertificateVerify is the RFC's.",
      },
      {
        after: sent('server', 'new_session_ticket'),
        text: "One NewSessionTicket after the client's Finished: lifetime 30 s, nonce 00 00, early data up to 1024 bytes — the ticket §4 resumes with.",
      },
    ]);
  },
});

registerScenario({
  name: 'rfc8448-hrr',
  description: 'RFC 8448 §5 (HelloRetryRequest), byte for byte: x25519 refused, P-256 retried with a cookie',
  run(seed): Trace {
    const sim = simulation(
      'rfc8448-hrr',
      seed,
      helloRetryConfigs({
        clientX25519: fromHex(HELLO_RETRY.clientX25519),
        clientRandom: fromHex(HELLO_RETRY.clientRandom),
        clientP256: fromHex(HELLO_RETRY.clientP256),
        serverP256: fromHex(HELLO_RETRY.serverP256),
        serverRandom: fromHex(HELLO_RETRY.serverRandom),
        cookie: fromHex(HELLO_RETRY.cookie),
        serverCertificate: serverRsaCertificate,
      }),
    );
    drive(sim, null);
    return narrate(sim, [
      ...common('§5 (HelloRetryRequest)'),
      {
        after: sent('server', 'hello_retry_request'),
        text: 'The server accepts only P-256: a HelloRetryRequest with key_share(secp256r1) and an opaque cookie the client must echo (§4.2.2).',
      },
      {
        after: (e) => e.type === 'record_sent' && e.side === 'client' && e.messages.includes('client_hello') && e.time > 0,
        text: 'The second ClientHello: a P-256 key share and the cookie; NSS pads it to 512 bytes (RFC 7685).',
      },
    ]);
  },
});

registerScenario({
  name: 'rfc8448-client-auth',
  description: 'RFC 8448 §6 (client authentication), byte for byte: ECDSA server, RSA client certificate',
  run(seed): Trace {
    // §6 publishes neither private key: stand-ins of the right type sign, and the hooks put
    // the RFC's signatures in place; each peer still verifies them against the RFC's certificate.
    const sim = simulation(
      'rfc8448-client-auth',
      seed,
      clientAuthConfigs({
        clientX25519: fromHex(CLIENT_AUTH.clientX25519),
        clientRandom: fromHex(CLIENT_AUTH.clientRandom),
        serverX25519: fromHex(CLIENT_AUTH.serverX25519),
        serverRandom: fromHex(CLIENT_AUTH.serverRandom),
        serverCertificate: [fromHex(CLIENT_AUTH.serverCertificate)],
        clientCertificate: [fromHex(CLIENT_AUTH.clientCertificate)],
        serverSignature: fromHex(CLIENT_AUTH.serverSignature),
        clientSignature: fromHex(CLIENT_AUTH.clientSignature),
        // An RSA key like the client's: the §2 server key.
        clientStandIn: serverRsaKey,
      }),
    );
    drive(sim, null);
    return narrate(sim, [
      ...common('§6 (Client Authentication)'),
      { after: sent('server', 'certificate_request'), text: "CertificateRequest (§4.3.2) in the server's first flight." },
      {
        after: sent('client', 'certificate_verify'),
        text: "The client's Certificate, CertificateVerify and Finished travel in one record; its handshake completes before the server has checked any of them.",
      },
    ]);
  },
});

registerScenario({
  name: 'rfc8448-compat',
  description: 'RFC 8448 §7 (middlebox compatibility mode), byte for byte: session id echo and change_cipher_spec',
  run(seed): Trace {
    const sim = simulation(
      'rfc8448-compat',
      seed,
      compatConfigs({
        clientX25519: fromHex(COMPAT.clientX25519),
        clientRandom: fromHex(COMPAT.clientRandom),
        serverX25519: fromHex(COMPAT.serverX25519),
        serverRandom: fromHex(COMPAT.serverRandom),
        sessionId: fromHex(COMPAT.sessionId),
        serverCertificate: serverRsaCertificate,
      }),
    );
    drive(sim, null);
    return narrate(sim, [
      ...common('§7 (Compatibility Mode)'),
      {
        after: sent('client', 'client_hello'),
        text: 'Compatibility mode (§D.4): a 32-byte legacy_session_id, so the exchange looks like TLS 1.2 session resumption to middleboxes.',
      },
      {
        after: (e) => e.type === 'record_sent' && e.innerType === 'change_cipher_spec',
        text: 'A dummy change_cipher_spec record, never encrypted and ignored by TLS 1.3 (§5), sent once by each side.',
      },
    ]);
  },
});
