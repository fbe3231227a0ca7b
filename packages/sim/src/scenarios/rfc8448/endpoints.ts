/**
 * The endpoint configurations that reproduce RFC 8448's traces: the RFC's randoms and
 * private keys injected with scriptedRandom, in the order the endpoints draw them, and
 * NSS's choices as the nss.ts hooks. One source for the rfc8448-* scenarios (which feed
 * them the inputs of vectors.ts) and for test/rfc8448-endpoint.test.ts and
 * test/rfc8448-resumed.test.ts (which feed them the RFC's values from the project's test
 * vectors and compare every record with the RFC's).
 *
 * Randomness, in draw order — client: key share private key(s), ClientHello.random,
 * [legacy_session_id in compatibility mode], [the second key share after a
 * HelloRetryRequest]; server: key share private key, ServerHello.random, then the RSA-PSS
 * salt of its CertificateVerify (§4.4.3; PSS_SALT, recovered from the RFC's signatures),
 * then per NewSessionTicket its ticket_age_add and the ticket's id in the issuer's state.
 *
 * The client is given no trust anchors, so it parses the server's certificate without path
 * validation: the RFC's certificates are self-signed, from 2016, and name "rsa"/"ecdsa256",
 * not "server".
 */
import {
  generateKeyPair,
  nobleProvider,
  scriptedRandom,
  seededRandom,
  type CertifiedKey,
  type EndpointConfig,
  type PrivateKey,
  type ResumptionSession,
  type TicketIssuer,
  type TicketState,
} from '@tls13sim/handshake';
import { fromHex, toHex } from '@tls13sim/record';
import {
  NSS_GROUPS,
  nssCertificateRequest,
  nssClientHello,
  nssEncryptedExtensions,
  nssHelloRetryRequest,
  nssResumedClientHello,
  nssResumedEncryptedExtensions,
  nssServerHello,
  nssTicketNonce,
  rfcSignature,
} from './nss.js';
import { PSS_SALT } from './vectors.js';

export const BASE_CLIENT = {
  role: 'client',
  crypto: nobleProvider,
  serverName: 'server',
  // RFC 8448's server certificate is self-signed for the name "server" and chains to no CA
  // we hold: the traces are reproduced without path validation (the CertificateVerify
  // signature is still checked).
  insecure: true,
  // NSS's order: 0x1301, 0x1303, 0x1302.
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
  recordSizeLimit: 16385,
} as const satisfies Partial<EndpointConfig>;

export const BASE_SERVER = { role: 'server', crypto: nobleProvider, recordSizeLimit: 16385 } as const satisfies Partial<EndpointConfig>;

/** An RSA private key (PKCS#1, not PSS-restricted) from its hex components, as RFC 8448 §2 prints the server's. */
export function rsaPrivateKey(hex: { readonly n: string; readonly e: string; readonly d: string; readonly p: string; readonly q: string }): PrivateKey {
  const big = (h: string): bigint => BigInt(`0x${h}`);
  const n = big(hex.n);
  const e = big(hex.e);
  return { type: 'rsa', n, e, d: big(hex.d), p: big(hex.p), q: big(hex.q), pss: false, publicKey: { type: 'rsa', n, e, pss: false } };
}

const u32 = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** 00 01 02 … 31: the 50 bytes of application data each side sends in §3 and §4. */
export const APPLICATION_DATA = Uint8Array.from({ length: 50 }, (_, i) => i);
/** §4's 0-RTT data, sent behind the ClientHello. */
export const EARLY_DATA = new TextEncoder().encode('ABCDEF');

/**
 * The RFC server's ticket protection is its own: this issuer hands out the §3 ticket bytes
 * and remembers, for them, the state the endpoint derived (PSK from the nonce it sent).
 */
export function rfcTicketIssuer(ticket: Uint8Array): TicketIssuer {
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

/** A client and a server configuration, for createEndpoint. */
export interface Rfc8448Configs {
  readonly client: EndpointConfig;
  readonly server: EndpointConfig;
}

/** What both sides inject in a full handshake over x25519. */
interface X25519Inputs {
  readonly clientX25519: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverX25519: Uint8Array;
  readonly serverRandom: Uint8Array;
}

/** §3: the server's RSA certificate (§2 key) and the §3 NewSessionTicket. */
export interface SimpleInputs extends X25519Inputs {
  readonly serverCertificate: CertifiedKey;
  readonly ticketAgeAdd: number;
  readonly ticketLifetime: number;
}

/**
 * §3 Simple 1-RTT Handshake. One ticket after the client's Finished (0-RTT up to 1024
 * bytes, nonce 00 00) from `issuer`, which holds the RFC's ticket bytes.
 */
export function simpleConfigs(rfc: SimpleInputs, issuer: TicketIssuer): Rfc8448Configs {
  return {
    client: {
      ...BASE_CLIENT,
      random: scriptedRandom([rfc.clientX25519, rfc.clientRandom]),
      hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: true }) },
    },
    server: {
      ...BASE_SERVER,
      random: scriptedRandom([
        rfc.serverX25519,
        rfc.serverRandom,
        fromHex(PSS_SALT.simple),
        // NewSessionTicket: ticket_age_add, then the ticket's id in the issuer's state (never on the wire).
        u32(rfc.ticketAgeAdd),
        new Uint8Array(16),
      ]),
      certificate: rfc.serverCertificate,
      tickets: { issuer, count: 1, timing: 'after_client_finished', lifetime: rfc.ticketLifetime, maxEarlyData: 1024 },
      hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS), ticketNonce: nssTicketNonce },
    },
  };
}

/** §5: x25519 then P-256 on the client, P-256 on the server, the RFC server's cookie. */
export interface HelloRetryInputs {
  readonly clientX25519: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly clientP256: Uint8Array;
  readonly serverP256: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly cookie: Uint8Array;
  readonly serverCertificate: CertifiedKey;
}

/** §5 HelloRetryRequest: x25519 refused, P-256 retried with a cookie. */
export function helloRetryConfigs(rfc: HelloRetryInputs): Rfc8448Configs {
  return {
    client: {
      ...BASE_CLIENT,
      groups: ['x25519', 'secp256r1', 'secp384r1'],
      random: scriptedRandom([rfc.clientX25519, rfc.clientRandom, rfc.clientP256]),
      hooks: { clientHello: nssClientHello({ groups: null, sessionTicket: false }) },
    },
    server: {
      ...BASE_SERVER,
      // Only P-256: the x25519 share is not acceptable, so the server asks for another.
      groups: ['secp256r1'],
      // The cookie is the RFC server's opaque state, put in place by the hook.
      hrrCookie: false,
      random: scriptedRandom([rfc.serverP256, rfc.serverRandom, fromHex(PSS_SALT.helloRetry)]),
      certificate: rfc.serverCertificate,
      hooks: { helloRetryRequest: nssHelloRetryRequest(rfc.cookie), encryptedExtensions: nssEncryptedExtensions([0x0017, 0x0018, 0x001d]) },
    },
  };
}

/** §6: both certificates and both CertificateVerify signatures, and an RSA key to stand in for the client's. */
export interface ClientAuthInputs extends X25519Inputs {
  readonly serverCertificate: readonly Uint8Array[];
  readonly clientCertificate: readonly Uint8Array[];
  readonly serverSignature: Uint8Array;
  readonly clientSignature: Uint8Array;
  readonly clientStandIn: PrivateKey;
}

/**
 * §6 Client Authentication. The RFC publishes neither private key: stand-ins of the right
 * type sign, and the hooks put the RFC's signatures in place; each peer still verifies them
 * against the RFC's certificate.
 */
export function clientAuthConfigs(rfc: ClientAuthInputs): Rfc8448Configs {
  const serverStandIn = generateKeyPair('p256', seededRandom('rfc8448 §6 server stand-in')).privateKey;
  return {
    client: {
      ...BASE_CLIENT,
      // The last 32 bytes: the stand-in RSA key's PSS salt (its signature is replaced).
      random: scriptedRandom([rfc.clientX25519, rfc.clientRandom, new Uint8Array(32)]),
      certificate: { chain: rfc.clientCertificate, privateKey: rfc.clientStandIn },
      hooks: {
        clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }),
        certificateVerify: rfcSignature(rfc.clientSignature),
      },
    },
    server: {
      ...BASE_SERVER,
      clientAuth: 'require',
      random: scriptedRandom([rfc.serverX25519, rfc.serverRandom]),
      certificate: { chain: rfc.serverCertificate, privateKey: serverStandIn },
      hooks: {
        encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS),
        certificateRequest: nssCertificateRequest,
        certificateVerify: rfcSignature(rfc.serverSignature),
      },
    },
  };
}

/** §7: the client's legacy_session_id besides the §3-style inputs. */
export interface CompatInputs extends X25519Inputs {
  readonly sessionId: Uint8Array;
  readonly serverCertificate: CertifiedKey;
}

/** §7 Compatibility Mode: session id echo and change_cipher_spec. */
export function compatConfigs(rfc: CompatInputs): Rfc8448Configs {
  return {
    client: {
      ...BASE_CLIENT,
      middleboxCompat: true,
      random: scriptedRandom([rfc.clientX25519, rfc.clientRandom, rfc.sessionId]),
      hooks: { clientHello: nssClientHello({ groups: NSS_GROUPS, sessionTicket: false }) },
    },
    server: {
      ...BASE_SERVER,
      random: scriptedRandom([rfc.serverX25519, rfc.serverRandom, fromHex(PSS_SALT.compat)]),
      certificate: rfc.serverCertificate,
      hooks: { encryptedExtensions: nssEncryptedExtensions(NSS_GROUPS) },
    },
  };
}

/** §4: the §3 server's certificate (a PSK handshake does not use it, §2.2). */
export interface ResumedInputs extends X25519Inputs {
  readonly serverCertificate: CertifiedKey;
}

/**
 * §4 Resumed 0-RTT Handshake: the client resumes `session` (from the §3 connection) with
 * EARLY_DATA; the server opens the ticket with `issuer`, the one that issued it, and sends
 * `ticketsAfter` NewSessionTickets (0 in the RFC; a PSK handshake signs nothing, so the
 * server draws no salt).
 */
export function resumedConfigs(rfc: ResumedInputs, session: ResumptionSession, issuer: TicketIssuer, ticketsAfter = 0): Rfc8448Configs {
  return {
    client: {
      ...BASE_CLIENT,
      session,
      earlyData: EARLY_DATA,
      random: scriptedRandom([rfc.clientX25519, rfc.clientRandom]),
      hooks: { clientHello: nssResumedClientHello },
    },
    server: {
      ...BASE_SERVER,
      random: scriptedRandom([
        rfc.serverX25519,
        rfc.serverRandom,
        // Only drawn when `ticketsAfter` > 0: ticket_age_add and the issuer's ticket id.
        ...Array.from({ length: ticketsAfter }, () => [new Uint8Array(4), new Uint8Array(16)]).flat(),
      ]),
      certificate: rfc.serverCertificate,
      tickets: { issuer, count: ticketsAfter },
      hooks: { serverHello: nssServerHello, encryptedExtensions: nssResumedEncryptedExtensions, ticketNonce: nssTicketNonce },
    },
  };
}
