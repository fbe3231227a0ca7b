/**
 * What an application can tell of its peer's certificate at a given moment, its library's
 * way (the script step `peer_cert`, the scenario op `peerCert`): a certificate its library
 * has processed and accepted, or none. Reads nothing: a certificate that has arrived and that
 * no call has processed is not there yet, and one sent after the handshake (RFC 8446 §4.6.2)
 * is there only once the client's Finished for it has been processed.
 *
 * The lens words say only whether a certificate is there, not the chain's length (the
 * scenarios' PKI and the twins' send chains of different lengths); the trace's generic
 * `certs` gives the length our endpoint holds, which no real run checks. Held against all
 * six libraries by the client-auth, tls12-client-auth (a certificate) and full-handshake
 * (none) server twins, after accept; and against libssl and CPython before and after the
 * read that processes a certificate sent after the handshake (post-handshake-auth).
 */
import type { TlsEndpoint } from '@tls13sim/handshake';
import { authRequestPending } from './marked-request.js';
import type { Lens, LensName } from './lens.js';

interface PeerCertWords {
  readonly api: string;
  /** The outcome with `n` certificates in the peer's chain (0: none). */
  readonly outcome: (n: number) => string;
  /** The outcome while a post-handshake request is marked and not yet sent, where it differs. */
  readonly requestPending?: string;
}

export const PEER_CERT_WORDS: Readonly<Record<LensName, PeerCertWords>> = {
  openssl: { api: 'SSL_get0_peer_certificate', outcome: (n) => (n > 0 ? 'X509' : 'NULL') },
  // getpeercert() is a dict once a certificate came (empty when it was not verified), else None.
  // Between verify_client_post_handshake() and the call that sends the request, libssl is
  // "in init" again, and getpeercert() refuses (CPython checks SSL_is_init_finished).
  python: { api: 'SSLSocket.getpeercert', outcome: (n) => (n > 0 ? 'dict' : 'None'), requestPending: 'ValueError: handshake not done yet' },
  gnutls: { api: 'gnutls_certificate_get_peers', outcome: (n) => (n > 0 ? 'non-NULL' : 'NULL') },
  go: { api: 'Conn.ConnectionState().PeerCertificates', outcome: (n) => (n > 0 ? 'non-empty' : 'empty') },
  // An empty object when the peer sent no certificate.
  node: { api: 'socket.getPeerCertificate()', outcome: (n) => (n > 0 ? 'object' : '{}') },
  rustls: { api: 'peer_certificates', outcome: (n) => (n > 0 ? 'Some' : 'None') },
};

/** Records the `peer_cert` call on `lens`'s side; returns the length of the chain seen. */
export function peerCert(lens: Lens): number {
  lens.sim.start();
  const n = (lens.sim.endpoint(lens.side) as Partial<TlsEndpoint>).peerCertificates?.length ?? 0;
  const w = PEER_CERT_WORDS[lens.name];
  const pending = authRequestPending(lens) ? w.requestPending : undefined;
  const api = { lens: lens.name, api: w.api };
  if (pending !== undefined) lens.sim.recordAppCall(lens.side, 'peer_cert', 'error', { ...api, outcome: pending });
  else lens.sim.recordAppCall(lens.side, 'peer_cert', 'ok', { ...api, outcome: w.outcome(n), certs: n });
  return n;
}
