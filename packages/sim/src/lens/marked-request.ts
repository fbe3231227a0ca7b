/**
 * A post-handshake request for the client's certificate that the server's application has
 * marked without sending it (libssl's SSL_verify_client_post_handshake alone; see
 * client-auth-request.ts). The library sends it at the start of the application's next I/O
 * call: handshake, read or write (Lens.call). Kept apart from lens.ts, which calls it, and
 * from client-auth-request.ts, which marks: neither imports the other.
 */

/** What sending a marked request needs of a lens: its simulation. */
interface RequestSender {
  readonly sim: { requestClientAuth(): void };
}

const marked = new WeakSet<object>();

/** The application has marked a request (nothing is sent yet). */
export function markAuthRequest(lens: RequestSender): void {
  marked.add(lens);
}

/** A request is marked and not yet sent (libssl: the connection is back "in init" until it is). */
export function authRequestPending(lens: object): boolean {
  return marked.has(lens);
}

/** At the start of an I/O call: a marked request leaves. */
export function sendMarkedAuthRequest(lens: RequestSender): void {
  if (marked.delete(lens)) lens.sim.requestClientAuth();
}
