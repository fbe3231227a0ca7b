/**
 * A server asking for a client certificate on an established connection (RFC 8446 §4.6.2),
 * through its library's calls. A lens whose library has such calls, and models them,
 * implements `ClientAuthRequestCalls`; held against the libraries by the post-handshake-auth
 * server twin:
 * - OpenSSL's SSL_verify_client_post_handshake then SSL_do_handshake, and Python's
 *   verify_client_post_handshake() then do_handshake(): each pair sends the CertificateRequest
 *   at once, and the client's answer is processed by the server's next read, as any record:
 *   until then the server's application cannot know it came;
 * - GnuTLS's gnutls_reauth sends the request and takes the answer in the same call.
 *
 * For the other lenses the request is made by the simulation with no call recorded, and the
 * scenarios say in a first note that the server's calls are not the library's: Go 1.19,
 * rustls 0.20 and Node's tls (TLS 1.3) have no way to ask.
 */
import type { Lens } from './lens.js';
import { markAuthRequest } from './marked-request.js';

export interface ClientAuthRequestCalls {
  /**
   * Sends the CertificateRequest, recording the library's calls. `send` false: only the call
   * that marks the request; the library sends it with the application's next I/O call
   * (marked-request.ts).
   */
  requestClientAuth(send?: boolean): void;
}

function modelsRequest(lens: Lens): lens is Lens & ClientAuthRequestCalls {
  return typeof (lens as Partial<ClientAuthRequestCalls>).requestClientAuth === 'function';
}

/** The server's request, through `lens` (undefined: no server application makes calls). */
export function requestClientAuth(lens: Lens | undefined, sim: Lens['sim'], send = true): void {
  if (lens !== undefined && lens.side !== 'server') throw new Error(`${lens.name} lens: requestClientAuth() is for the server side`);
  if (lens !== undefined && modelsRequest(lens)) lens.requestClientAuth(send);
  else if (send) sim.requestClientAuth();
  else throw new Error(`${lens?.name ?? 'no'} lens: a request that only marks (send: false) needs a library that has such a call`);
}

type Call = { readonly api: string; readonly outcome: string };

/**
 * The two calls a libssl application makes, in its library's words: the first only marks
 * the request (nothing is sent), the second sends the CertificateRequest and returns. With
 * `send` null the application makes the first alone, and libssl sends the request with the
 * application's next I/O call, whichever it is (real runs: a write, or a read).
 */
export function recordRequestCalls(lens: Lens, ask: Call, send: Call | null): void {
  lens.sim.start();
  lens.sim.recordAppCall(lens.side, 'request_auth', 'ok', { lens: lens.name, api: ask.api, outcome: ask.outcome });
  if (send === null) {
    markAuthRequest(lens);
    return;
  }
  lens.sim.requestClientAuth();
  lens.sim.recordAppCall(lens.side, 'request_auth', 'ok', { lens: lens.name, api: send.api, outcome: send.outcome });
}
