/**
 * The application data the scenarios' programs write, in one place with no imports: the
 * scenarios use it, and so do their differential twins (lens/scenario-cases.ts), whose real
 * runs must report the same byte counts.
 */

export const REQUEST = 'GET / HTTP/1.0\r\n\r\n';
/** client-auth's response (and its TLS 1.2 twin's, and client-cert-ignored's). */
export const RESPONSE = 'HTTP/1.0 200 ok\r\n\r\nhello, authenticated client\n';
/** full-handshake's response. */
export const PLAIN_RESPONSE = 'HTTP/1.0 200 ok\r\n\r\nhello from the server\n';
/** What the server of half-rtt-then-rejected writes in 0.5-RTT. */
export const HALF_RTT_GREETING = 'welcome!\n';
/** What the server of nonblocking-read writes once it has accepted. */
export const SERVER_GREETING = 'hello from the server\n';
/** The protected resource post-handshake-auth asks for, and the client's next write in post-handshake-auth-rejected. */
export const SECRET_REQUEST = 'GET /secret HTTP/1.0\r\n\r\n';
export const STILL_TALKING = 'still talking';
/** What the server of post-handshake-auth answers once the client has authenticated. */
export const SECRET_RESPONSE = 'HTTP/1.0 200 ok\r\n\r\nthe secret\n';
/** key-update's writes, before and after the client's KeyUpdate, and the server's answer under its new keys. */
export const BEFORE_UPDATE = 'before the update';
export const AFTER_UPDATE = 'after the update';
export const KEY_UPDATE_ANSWER = 'the server answers under its new keys';
/** The request early-data and early-data-rejected send as 0-RTT data (the second also again, after its handshake). */
export const EARLY_REQUEST = 'GET /early HTTP/1.0\r\n\r\n';
/** What the server of early-data answers in 0.5-RTT. */
export const EARLY_ANSWER = 'HTTP/1.0 200 ok\r\n\r\nanswered in 0.5-RTT\n';
