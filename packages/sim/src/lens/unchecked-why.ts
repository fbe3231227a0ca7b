/**
 * Why a scenario side's calls through a lens are not held against a real run: the reasons
 * SCENARIO_CHECKS (scenario-checks.ts) gives, where no twin can run, by library.
 */
import type { LensName } from './lens.js';

export const NO_PHA: Partial<Record<LensName, string>> = {
  go: 'Go 1.19 crypto/tls offers no post-handshake authentication: these calls are our endpoint answering, not Go',
  node: "Node's tls has no API to enable post-handshake authentication on a client: these calls are our endpoint answering, not Node",
  rustls: 'rustls 0.20 offers no post-handshake authentication: these calls are our endpoint answering, not rustls',
};

export const NO_SERVER_TWIN = 'no differential case runs the library as this scenario’s server';

/**
 * The libraries with no 0-RTT at all, either side. OpenSSL's, GnuTLS's and rustls's client
 * calls, and OpenSSL's and rustls's server reads, are modelled and held against the libraries
 * by the early-data twins; so is a GnuTLS server that declines early data.
 */
export const NO_0RTT: Readonly<Partial<Record<LensName, string>>> = {
  go: "Go 1.19's crypto/tls has no 0-RTT: its client never sends early data, and its server aborts a handshake whose ClientHello offers it (unsupported_extension, 'tls: client sent unexpected early data'); these calls are our endpoint answering, not Go",
  python:
    "Python's ssl module has no 0-RTT calls: its client never sends early data, and its server (OpenSSL's max_early_data left at 0) never accepts it; these calls are our endpoint answering, not Python",
  node: "Node's tls has no 0-RTT API: its client never sends early data, and its server (OpenSSL's max_early_data left at 0) never accepts it; these calls are our endpoint answering, not Node",
};

/** The server's early-data read: OpenSSL's and rustls's are modelled; GnuTLS's comes after its handshake, not before. */
export const EARLY_SERVER: Readonly<Partial<Record<LensName, string>>> = {
  ...NO_0RTT,
  gnutls:
    "GnuTLS's server reads early data with gnutls_record_recv_early_data once its handshake call has returned (or in a handshake hook), not before it as this scenario's server does: the lens does not model it, and reads the early data as ordinary data",
};

/**
 * post-handshake-auth-rejected's client through GnuTLS: with GnuTLS serving too, the refusal
 * reaches the client before its first read (the twin's server refuses later).
 */
export const GNUTLS_BOTH_SIDES_REFUSAL =
  "with GnuTLS serving too, the server's gnutls_reauth waits for the answer, so the model lets the client's library answer before its application reads (as in post-handshake-auth) and the refusal has arrived by the client's first read, which finds the alert. The real client of the twin, whose server refuses as the answer arrives, first finds nothing (GNUTLS_E_AGAIN), as the lens says on the twin's own case";
