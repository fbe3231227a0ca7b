/**
 * RFC 8448 §4 (resumed 0-RTT handshake) through the real endpoints, byte for byte: the
 * client resumes the §3 ticket 6 ms after receiving it and sends "ABCDEF" as 0-RTT data
 * behind its ClientHello; the server accepts it; EndOfEarlyData closes the early epoch.
 * test/rfc8448-resumed.test.ts checks the same configuration against every §4 record.
 *
 * The §3 connection that hands out the ticket runs first and is not in the trace (the
 * rfc8448-simple scenario shows it). The §4 randoms are injected with scriptedRandom; NSS's
 * choices are the rfc8448/nss.ts hooks, plus what only §4 has: early_data after key_share,
 * padding before pre_shared_key (which RFC 8446 §4.2.11 requires last), pre_shared_key
 * first in the ServerHello, early_data last in EncryptedExtensions.
 */
import {
  createEndpoint,
  encodeHandshake,
  nobleProvider,
  scriptedRandom,
  type ClientHello,
  type ClientHelloExtension,
  type EncryptedExtensions,
  type EndpointApi,
  type EndpointConfig,
  type PrivateKey,
  type ResumptionSession,
  type ServerHello,
  type TicketIssuer,
  type TicketState,
} from '@tls13sim/handshake';
import { fromHex, toHex } from '@tls13sim/record';
import { openSslLens } from '../lens/openssl.js';
import { Simulation } from '../simulation.js';
import type { Trace, TraceEvent } from '../trace.js';
import { appCall, complete, narrate, received, sent, state } from './narrate.js';
import { registerScenario } from './registry.js';
import { NSS_GROUPS, nssClientHello, nssEncryptedExtensions } from './rfc8448/nss.js';
import { PSS_SALT, SERVER_RSA_CERTIFICATE, SERVER_RSA_KEY, SIMPLE } from './rfc8448/vectors.js';

/** RFC 8448 §4's injected inputs, hex as printed without spaces. */
const RESUMED = {
  clientX25519: 'bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df',
  clientRandom: '1bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95',
  serverX25519: 'de5b4476e7b490b2652d338acbf2948066f255f9440e23b98fc69835298dc107',
  serverRandom: '3ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d',
  /** The §4 ClientHello's obfuscated_ticket_age: ticket age + the §3 ticket_age_add (§4.2.11.1). */
  obfuscatedTicketAge: 0xfad6aacb,
} as const;

/** 6 ms: when the RFC client resumed, after receiving the §3 ticket. */
const TICKET_AGE_MS = (RESUMED.obfuscatedTicketAge - SIMPLE.ticketAgeAdd + 0x100000000) % 0x100000000;
const EARLY_DATA = new TextEncoder().encode('ABCDEF');
/** 00 01 02 … 31: 50 bytes each way after the handshake. */
const APPLICATION_DATA = Uint8Array.from({ length: 50 }, (_, i) => i);

const BASE_CLIENT = {
  role: 'client',
  crypto: nobleProvider,
  serverName: 'server',
  // NSS's order: 0x1301, 0x1303, 0x1302.
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
  recordSizeLimit: 16385,
} as const satisfies Partial<EndpointConfig>;

const serverRsaKey: PrivateKey = (() => {
  const big = (h: string): bigint => BigInt(`0x${h}`);
  const n = big(SERVER_RSA_KEY.n);
  const e = big(SERVER_RSA_KEY.e);
  return { type: 'rsa', n, e, d: big(SERVER_RSA_KEY.d), p: big(SERVER_RSA_KEY.p), q: big(SERVER_RSA_KEY.q), pss: false, publicKey: { type: 'rsa', n, e, pss: false } };
})();

/** The §3 server, which holds its certificate in §4 too (a PSK handshake does not use it, §2.2). */
const BASE_SERVER = {
  role: 'server',
  crypto: nobleProvider,
  recordSizeLimit: 16385,
  certificate: { chain: [fromHex(SERVER_RSA_CERTIFICATE)], privateKey: serverRsaKey },
} as const satisfies Partial<EndpointConfig>;

const u32 = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** Hands out the RFC's §3 ticket bytes and remembers the state the server derived for them. */
function rfcTicketIssuer(ticket: Uint8Array): TicketIssuer {
  const issued = new Map<string, TicketState>();
  return {
    singleUse: false,
    issue: (s) => {
      issued.set(toHex(ticket), s);
      return ticket.slice();
    },
    open: (t) => issued.get(toHex(t)) ?? null,
    redeem: () => true,
  };
}

function own<T extends { type: string }, K extends T['type']>(list: readonly T[], type: K): Extract<T, { type: K }> {
  const e = list.find((x) => x.type === type);
  if (e === undefined) throw new Error(`the endpoint built no ${type} extension`);
  return e as Extract<T, { type: K }>;
}

/** NSS's §4 ClientHello: its §3-style order with early_data after key_share, padded to 512 bytes, pre_shared_key last. */
function nssResumedClientHello(ch: ClientHello): ClientHello {
  const base = nssClientHello({ groups: NSS_GROUPS, sessionTicket: false })(ch).extensions.filter((e) => e.type !== 'padding');
  const at = base.findIndex((e) => e.type === 'key_share') + 1;
  const head: ClientHelloExtension[] = [...base.slice(0, at), own(ch.extensions, 'early_data'), ...base.slice(at)];
  const psk = own(ch.extensions, 'pre_shared_key');
  const unpadded: ClientHello = { ...ch, extensions: [...head, psk] };
  const length = encodeHandshake(unpadded).length;
  if (length < 256 || length >= 512) return unpadded;
  // RFC 7685 §3: 4 bytes of extension header, the rest zeros.
  return { ...unpadded, extensions: [...head, { type: 'padding', data: new Uint8Array(512 - length - 4) }, psk] };
}

const nssServerHello = (sh: ServerHello): ServerHello => ({
  ...sh,
  extensions: [own(sh.extensions, 'pre_shared_key'), own(sh.extensions, 'key_share'), own(sh.extensions, 'supported_versions')],
});

const nssResumedEncryptedExtensions = (ee: EncryptedExtensions): EncryptedExtensions => {
  const base = nssEncryptedExtensions(NSS_GROUPS)(ee);
  return { ...base, extensions: [...base.extensions, ...ee.extensions.filter((e) => e.type === 'early_data')] };
};

/** The §3 connection, at virtual time 0, outside the trace: returns the client's session. */
function section3(issuer: TicketIssuer): ResumptionSession {
  const client = createEndpoint({
    ...BASE_CLIENT,
    random: scriptedRandom([fromHex(SIMPLE.clientX25519), fromHex(SIMPLE.clientRandom)]),
    hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: true }) },
  });
  const server = createEndpoint({
    ...BASE_SERVER,
    random: scriptedRandom([fromHex(SIMPLE.serverX25519), fromHex(SIMPLE.serverRandom), fromHex(PSS_SALT.simple), u32(SIMPLE.ticketAgeAdd), new Uint8Array(16)]),
    tickets: { issuer, count: 1, timing: 'after_client_finished', lifetime: SIMPLE.ticketLifetime, maxEarlyData: 1024 },
    hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS), ticketNonce: (i) => new Uint8Array([0, i]) },
  });
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
    const client = createEndpoint({
      ...BASE_CLIENT,
      session,
      earlyData: EARLY_DATA,
      random: scriptedRandom([fromHex(RESUMED.clientX25519), fromHex(RESUMED.clientRandom)]),
      hooks: { clientHello: nssResumedClientHello },
    });
    const server = createEndpoint({
      ...BASE_SERVER,
      random: scriptedRandom([fromHex(RESUMED.serverX25519), fromHex(RESUMED.serverRandom)]),
      // §4's server sends no NewSessionTicket; it opens the §3 one with the issuer that made it.
      tickets: { issuer, count: 0 },
      hooks: { serverHello: nssServerHello, encryptedExtensions: nssResumedEncryptedExtensions },
    });
    const sim = new Simulation({ client, server, scenario: 'rfc8448-resumed-0rtt', seed, policy: { unit: { kind: 'flight' } } });
    sim.advanceClock(session.receivedAt + TICKET_AGE_MS);
    const c = openSslLens(sim, 'client', { blocking: true });
    const s = openSslLens(sim, 'server', { blocking: true });
    s.read(EARLY_DATA.length);
    c.connect();
    s.accept();
    c.write(APPLICATION_DATA);
    s.read(APPLICATION_DATA.length);
    s.write(APPLICATION_DATA);
    c.read(APPLICATION_DATA.length);
    c.blocking = false;
    c.shutdown();
    sim.run();
    s.shutdown();
    sim.run();
    c.shutdown();
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
      { after: appCall('server', 'read'), text: 'The server reads the 0-RTT data before its handshake is complete — replayable across connections (§8).' },
      {
        after: sent('server', 'server_hello'),
        text: 'The ServerHello selects PSK identity 0 and adds an x25519 share (psk_dhe_ke); no Certificate or CertificateVerify follows: the PSK authenticates the server.',
      },
      { after: sent('server', 'encrypted_extensions'), text: 'early_data in EncryptedExtensions: the 0-RTT data was accepted (§4.2.10).' },
      { after: state('server', 'WAIT_EOED'), text: 'The server keeps reading under the early keys until EndOfEarlyData (Appendix A.2).' },
      {
        after: sent('client', 'end_of_early_data'),
        text: 'EndOfEarlyData, the last record under the early keys (§4.5); the client\'s Finished follows under its handshake keys.',
      },
      { after: complete('client'), text: '★ The client completes on sending its Finished.' },
      { after: received('server', 'end_of_early_data'), text: 'The server switches its read keys to the client\'s handshake keys.' },
      { after: complete('server'), text: '★ The server completes on the client\'s Finished — after it already read the 0-RTT data.' },
      { after: appCall('client', 'shutdown'), text: 'The client sends close_notify (§6.1); shutdown() waits for the server\'s.' },
    ]);
  },
});
