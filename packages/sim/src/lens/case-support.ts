/**
 * Which differential cases a library can run at all: the case's own `unsupported`, or a
 * script step the library has no call for. The library tests skip such cases, docs/lenses.md
 * shows why, and a scenario whose twin is such a case says so in its trace.
 */
import type { DiffCase } from './case-types.js';
import type { LensName } from './lens.js';

/**
 * 0-RTT calls (write_early, read_early): why a library's cannot be run. OpenSSL's and
 * rustls's both, and GnuTLS's write_early, are modelled and run; GnuTLS's entry is for read_early.
 */
export const NO_EARLY_DATA_CALLS: Readonly<Partial<Record<LensName, string>>> = {
  go: "Go 1.19's crypto/tls has no 0-RTT",
  node: "Node's tls has no 0-RTT API",
  python: "Python's ssl module has no 0-RTT calls",
  gnutls:
    "GnuTLS's server reads early data with gnutls_record_recv_early_data after its handshake (or in a handshake hook), not before it as the twins' servers do: the gnutls lens does not model it",
};

/** The server's request for a certificate after the handshake (request_auth): why a library's cannot be run. */
export const NO_AUTH_REQUEST: Readonly<Partial<Record<LensName, string>>> = {
  go: 'Go 1.19 crypto/tls has no post-handshake authentication: its server cannot ask for a certificate after the handshake',
  node: "Node's tls has no call that asks for a certificate after a TLS 1.3 handshake: renegotiate() returns false with ERR_SSL_WRONG_SSL_VERSION",
  rustls: 'rustls 0.20 has no post-handshake authentication: its server cannot ask for a certificate after the handshake',
};

const early = (lens: LensName): Record<string, string> => ({ write_early: NO_EARLY_DATA_CALLS[lens]!, read_early: NO_EARLY_DATA_CALLS[lens]! });

/** Why a script step cannot be expressed with a library (a library not named has every step). */
export const STEP_UNSUPPORTED: Readonly<Partial<Record<LensName, Readonly<Record<string, string>>>>> = {
  go: {
    nonblocking: "Go's crypto/tls has no non-blocking mode (every call blocks; only deadlines bound it)",
    key_update: 'Go 1.19 crypto/tls has no call that sends a KeyUpdate',
    peek: "Go's crypto/tls has no peek (tls.Conn offers Read only)",
    ...early('go'),
    request_auth: NO_AUTH_REQUEST.go!,
  },
  node: {
    nonblocking: "Node's tls has no blocking mode to leave: every call returns at once and results arrive as events",
    key_update: "Node's tls has no call that sends a KeyUpdate",
    peek: "Node's tls has no peek: received data is handed to 'data' listeners, never left in place",
    ...early('node'),
    request_auth: NO_AUTH_REQUEST.node!,
  },
  rustls: {
    peek: 'rustls has no peek (its Reader offers read only)',
    key_update: 'rustls 0.20 has no call that sends a KeyUpdate',
    request_auth: NO_AUTH_REQUEST.rustls!,
  },
  python: { key_update: "Python's ssl has no call that sends a KeyUpdate", ...early('python') },
  gnutls: {
    peek: 'GnuTLS has no peek call',
    read_early: NO_EARLY_DATA_CALLS.gnutls!,
  },
};

const GNUTLS_REAUTH_SENDS = 'gnutls_reauth sends the CertificateRequest at once: GnuTLS has no call that only marks a request';

const NODE_ZERO_READ = "Node's tls has no read call to give a zero length: received data comes as 'data' events";

/** null when `lens`'s library can run the case, else why not. */
export function caseUnsupported(c: DiffCase, lens: LensName): string | null {
  const listed = c.unsupported?.[lens];
  if (listed !== undefined) return listed;
  const steps = STEP_UNSUPPORTED[lens] ?? {};
  for (const s of c.script) {
    const why = steps[s.op];
    if (why !== undefined) return `step '${s.op}': ${why}`;
    if (lens === 'node' && s.op === 'read' && s.n === 0) return `step 'read 0': ${NODE_ZERO_READ}`;
    if (lens === 'gnutls' && s.op === 'request_auth' && s.send === false) return `step 'request_auth' (send: false): ${GNUTLS_REAUTH_SENDS}`;
  }
  return null;
}
