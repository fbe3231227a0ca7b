/**
 * Post-handshake client authentication (RFC 8446 §4.6.2): the server asks for a client
 * certificate on an established connection (as `openssl s_server` does for a protected
 * resource), and the client answers under its application keys.
 */
import type { Simulation } from '../simulation.js';
import type { Lens } from '../lens/lens.js';
import type { TraceEvent } from '../trace.js';
import { scenarioSim, utf8 } from './build.js';
import { alertReceived, alertSent, appCall, narrate, received, sent } from './narrate.js';
import { scenarioPki } from './pki.js';
import { registerScenario, scenarioLens } from './registry.js';

const fact = (f: string) => (e: TraceEvent): boolean => e.type === 'note' && e.fact === f;

/**
 * Connects, the client asks for a protected resource, and the server, having read the
 * request, asks for a certificate on the established connection.
 */
function phaStart(name: string, seed: number, reject: boolean): { sim: Simulation; c: Lens; s: Lens } {
  const pki = scenarioPki(seed);
  const sim = scenarioSim(name, seed, {
    client: { certificate: pki.client, postHandshakeAuth: true },
    server: reject ? { clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) } : {},
  });
  const c = scenarioLens(sim, 'client', { blocking: true });
  const s = scenarioLens(sim, 'server', { blocking: true });
  c.connect();
  s.accept();
  c.write(utf8('GET /secret HTTP/1.0\r\n\r\n'));
  s.read(1024);
  sim.requestClientAuth();
  // The server's application now waits in a blocking SSL_read for the client's answer: its
  // library processes what arrives.
  sim.setPullMode('server', 'on_arrival');
  return { sim, c, s };
}

registerScenario({
  name: 'post-handshake-auth',
  description: 'Post-handshake authentication (RFC 8446 §4.6.2): the server asks for a certificate after the handshake',
  run(seed) {
    const { sim, c, s } = phaStart('post-handshake-auth', seed, false);
    sim.run(); // the CertificateRequest arrives in the client's socket buffer, unread
    c.blocking = false;
    c.read(1024); // the library reads it now, answers, and finds no application data
    sim.run();
    s.write(utf8('HTTP/1.0 200 ok\r\n\r\nthe secret\n'));
    c.blocking = true;
    c.read(1024);
    return narrate(sim, [
      {
        after: 'start',
        text: 'The client offers post_handshake_auth in its ClientHello (§4.2.6) and has a certificate; the server does not ask for it during the handshake.',
      },
      { after: appCall('server', 'read'), text: 'The request is for a protected resource: the server now wants to know who the client is.' },
      {
        after: sent('server', 'certificate_request'),
        text: 'A CertificateRequest under the server\'s application keys, with a fresh certificate_request_context (§4.3.2) that the client must echo.',
      },
      {
        after: sent('client', 'certificate_verify'),
        text: 'The client\'s library answers inside its next SSL_read — the only call that reads the socket: Certificate, CertificateVerify and a Finished over the handshake transcript plus this exchange (§4.4), all under application keys. The read itself finds no application data and returns SSL_ERROR_WANT_READ; a client that never reads never answers.',
      },
      { after: fact('post_handshake_auth_authenticated'), text: 'The server verified the chain, the signature and the Finished: the client is authenticated.' },
      { after: appCall('client', 'read', 1), text: 'The response arrives as ordinary application data. Nothing told the client\'s application that it was authenticated in between.' },
    ]);
  },
});

registerScenario({
  name: 'post-handshake-auth-rejected',
  description: 'The server rejects a certificate sent after the handshake: access_denied, seen by the client on a later read',
  run(seed) {
    const { sim, c } = phaStart('post-handshake-auth-rejected', seed, true);
    sim.step(); // CertificateRequest → the client's socket buffer, unread
    c.write(utf8('still talking')); // SSL_write does not read the socket: the request waits
    // The read processes the CertificateRequest and answers it, then waits for the verdict.
    c.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'As in post-handshake-auth, but the server\'s verifier refuses the client\'s certificate (access_denied, §6.2: "A valid certificate or PSK was received, but when access control was applied, the sender decided not to proceed").',
      },
      { after: sent('server', 'certificate_request'), text: 'The server asks for a certificate on the established connection.' },
      {
        after: sent('client', 'certificate_verify'),
        text: 'Inside that read() the client\'s library answers with Certificate, CertificateVerify and Finished. Its application never saw the request.',
      },
      { after: appCall('client', 'write', 1), text: 'write() → ok. SSL_write never reads the socket, so the CertificateRequest is still unread in the client\'s buffer.' },
      { after: received('server', 'certificate'), text: 'The server checks the certificate…' },
      { after: alertSent('server'), text: '…and refuses it with a fatal access_denied under its application keys: the connection is over.' },
      { after: alertReceived('client'), text: 'The alert reaches the client one trip later.' },
      { after: appCall('client', 'read'), text: 'The client\'s application learns it only from its next read(): error(access_denied).' },
    ]);
  },
});
