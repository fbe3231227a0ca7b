/** TLS 1.2 (RFC 5246 with RFC 7627, RFC 5746, RFC 8422, RFC 5288/5289, RFC 7905): derivations and the endpoint. */
export * from './prf.js';
export * from './suites.js';
export { Tls12Endpoint } from './endpoint.js';
export type { Tls12Negotiated, Tls12Session } from './state.js';
export { Tls12HandshakeType, tls12MessageName, decodeTls12, encodeTls12, type Tls12Message, type Decoded12 } from './messages.js';
export { DOWNGRADE_TLS12, DOWNGRADE_TLS11 } from './hello.js';
export { createTlsEndpoint } from './create.js';
export { VersionedEndpoint, dualVersionClientHello } from './versioned.js';
