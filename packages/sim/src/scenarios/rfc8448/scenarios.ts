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
import {
  createEndpoint,
  generateKeyPair,
  nobleProvider,
  scriptedRandom,
  seededRandom,
  type EndpointConfig,
  type PrivateKey,
  type TicketIssuer,
  type TicketState,
} from '@tls13sim/handshake';
import { fromHex, toHex } from '@tls13sim/record';
import { openSslLens } from '../../lens/openssl.js';
import { Simulation } from '../../simulation.js';
import type { Trace } from '../../trace.js';
import { appCall, complete, narrate, sent, type Note } from '../narrate.js';
import { registerScenario } from '../registry.js';
import { NSS_GROUPS, nssCertificateRequest, nssClientHello, nssEncryptedExtensions, nssHelloRetryRequest, rfcSignature } from './nss.js';
import { CLIENT_AUTH, COMPAT, HELLO_RETRY, PSS_SALT, SERVER_RSA_CERTIFICATE, SERVER_RSA_KEY, SIMPLE } from './vectors.js';

const BASE_CLIENT = {
  role: 'client',
  crypto: nobleProvider,
  serverName: 'server',
  // NSS's order: 0x1301, 0x1303, 0x1302.
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
  recordSizeLimit: 16385,
} as const satisfies Partial<EndpointConfig>;

const BASE_SERVER = { role: 'server', crypto: nobleProvider, recordSizeLimit: 16385 } as const satisfies Partial<EndpointConfig>;

/** RFC 8448 §2: the server's RSA key. */
const serverRsaKey: PrivateKey = (() => {
  const big = (h: string): bigint => BigInt(`0x${h}`);
  const n = big(SERVER_RSA_KEY.n);
  const e = big(SERVER_RSA_KEY.e);
  return { type: 'rsa', n, e, d: big(SERVER_RSA_KEY.d), p: big(SERVER_RSA_KEY.p), q: big(SERVER_RSA_KEY.q), pss: false, publicKey: { type: 'rsa', n, e, pss: false } };
})();

const u32 = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** 00 01 02 … 31: the 50 bytes of application data of §3. */
const APPLICATION_DATA = Uint8Array.from({ length: 50 }, (_, i) => i);

/**
 * The RFC server's ticket protection is its own: this issuer hands out the §3 ticket bytes
 * and remembers, for them, the state the endpoint derived.
 */
function rfcTicketIssuer(ticket: Uint8Array): TicketIssuer {
  const issued = new Map<string, TicketState>();
  return {
    singleUse: false,
    issue: (state) => {
      issued.set(toHex(ticket), state);
      return ticket.slice();
    },
    open: (t) => issued.get(toHex(t)) ?? null,
    redeem: () => true,
  };
}

function simulation(name: string, seed: number, client: EndpointConfig, server: EndpointConfig): Simulation {
  return new Simulation({ client: createEndpoint(client), server: createEndpoint(server), scenario: name, seed, policy: { unit: { kind: 'flight' } } });
}

/** Handshake, optionally application data both ways, then close_notify from the client, then the server (as in the RFC). */
function drive(sim: Simulation, data: Uint8Array | null): void {
  const c = openSslLens(sim, 'client', { blocking: true });
  const s = openSslLens(sim, 'server', { blocking: true });
  c.connect();
  s.accept();
  if (data !== null) {
    c.write(data);
    s.read(data.length);
    s.write(data);
    c.read(data.length);
  }
  c.blocking = false;
  c.shutdown();
  sim.run();
  s.shutdown();
  sim.run();
  c.shutdown();
}

const common = (section: string): Note[] => [
  {
    after: 'start',
    text: `RFC 8448 ${section}, reproduced: the RFC's private keys and randoms are injected and NSS's extension choices applied as hooks, so every record below is the RFC's, byte for byte (compare --format hex with the RFC).`,
  },
  { after: complete('client'), text: '★ The client completes one flight before the server, as in every full handshake.' },
  { after: complete('server'), text: '★ The server completes on the client\'s Finished.' },
  { after: appCall('client', 'shutdown'), text: 'The client sends close_notify (§6.1); shutdown() waits for the server\'s.' },
];

registerScenario({
  name: 'rfc8448-simple',
  description: 'RFC 8448 §3 (simple 1-RTT handshake), byte for byte: ticket, 50 bytes each way, close_notify',
  run(seed): Trace {
    const sim = simulation(
      'rfc8448-simple',
      seed,
      {
        ...BASE_CLIENT,
        random: scriptedRandom([fromHex(SIMPLE.clientX25519), fromHex(SIMPLE.clientRandom)]),
        hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: true }) },
      },
      {
        ...BASE_SERVER,
        random: scriptedRandom([
          fromHex(SIMPLE.serverX25519),
          fromHex(SIMPLE.serverRandom),
          fromHex(PSS_SALT.simple),
          // NewSessionTicket: ticket_age_add, then the ticket's id in the issuer's state (never on the wire).
          u32(SIMPLE.ticketAgeAdd),
          new Uint8Array(16),
        ]),
        certificate: { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: serverRsaKey },
        tickets: { issuer: rfcTicketIssuer(fromHex(SIMPLE.ticket)), count: 1, timing: 'after_client_finished', lifetime: SIMPLE.ticketLifetime, maxEarlyData: 1024 },
        hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS), ticketNonce: (i) => new Uint8Array([0, i]) },
      },
    );
    drive(sim, APPLICATION_DATA);
    return narrate(sim, [
      ...common('§3 (Simple 1-RTT Handshake)'),
      {
        after: sent('server', 'certificate_verify'),
        text: 'The server signs with rsa_pss_rsae_sha256 using the RFC\'s RSA key (§2) and the salt recovered from the RFC\'s signature, so its CertificateVerify is the RFC\'s.',
      },
      {
        after: sent('server', 'new_session_ticket'),
        text: 'One NewSessionTicket after the client\'s Finished: lifetime 30 s, nonce 00 00, early data up to 1024 bytes — the ticket §4 resumes with.',
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
      {
        ...BASE_CLIENT,
        groups: ['x25519', 'secp256r1', 'secp384r1'],
        random: scriptedRandom([fromHex(HELLO_RETRY.clientX25519), fromHex(HELLO_RETRY.clientRandom), fromHex(HELLO_RETRY.clientP256)]),
        hooks: { clientHello: nssClientHello({ groups: null, sessionTicket: false }) },
      },
      {
        ...BASE_SERVER,
        // Only P-256: the x25519 share is not acceptable, so the server asks for another.
        groups: ['secp256r1'],
        // The cookie is the RFC server's opaque state, put in place by the hook.
        hrrCookie: false,
        random: scriptedRandom([fromHex(HELLO_RETRY.serverP256), fromHex(HELLO_RETRY.serverRandom), fromHex(PSS_SALT.helloRetry)]),
        certificate: { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: serverRsaKey },
        hooks: { helloRetryRequest: nssHelloRetryRequest(fromHex(HELLO_RETRY.cookie)), encryptedExtensions: nssEncryptedExtensions([0x0017, 0x0018, 0x001d]) },
      },
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
    const serverStandIn = generateKeyPair('p256', seededRandom('rfc8448 §6 server stand-in')).privateKey;
    const sim = simulation(
      'rfc8448-client-auth',
      seed,
      {
        ...BASE_CLIENT,
        // The last 32 bytes: the stand-in RSA key's PSS salt (its signature is replaced).
        random: scriptedRandom([fromHex(CLIENT_AUTH.clientX25519), fromHex(CLIENT_AUTH.clientRandom), new Uint8Array(32)]),
        certificate: { chain: [fromHex(CLIENT_AUTH.clientCertificate)], privateKey: serverRsaKey },
        hooks: {
          clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }),
          certificateVerify: rfcSignature(fromHex(CLIENT_AUTH.clientSignature)),
        },
      },
      {
        ...BASE_SERVER,
        clientAuth: 'require',
        random: scriptedRandom([fromHex(CLIENT_AUTH.serverX25519), fromHex(CLIENT_AUTH.serverRandom)]),
        certificate: { chain: [fromHex(CLIENT_AUTH.serverCertificate)], privateKey: serverStandIn },
        hooks: {
          encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS),
          certificateRequest: nssCertificateRequest,
          certificateVerify: rfcSignature(fromHex(CLIENT_AUTH.serverSignature)),
        },
      },
    );
    drive(sim, null);
    return narrate(sim, [
      ...common('§6 (Client Authentication)'),
      { after: sent('server', 'certificate_request'), text: 'CertificateRequest (§4.3.2) in the server\'s first flight.' },
      {
        after: sent('client', 'certificate_verify'),
        text: 'The client\'s Certificate, CertificateVerify and Finished travel in one record; its handshake completes before the server has checked any of them.',
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
      {
        ...BASE_CLIENT,
        middleboxCompat: true,
        random: scriptedRandom([fromHex(COMPAT.clientX25519), fromHex(COMPAT.clientRandom), fromHex(COMPAT.sessionId)]),
        hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }) },
      },
      {
        ...BASE_SERVER,
        random: scriptedRandom([fromHex(COMPAT.serverX25519), fromHex(COMPAT.serverRandom), fromHex(PSS_SALT.compat)]),
        certificate: { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: serverRsaKey },
        hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS) },
      },
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
