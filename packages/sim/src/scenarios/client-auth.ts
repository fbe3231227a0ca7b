/**
 * Client authentication (RFC 8446 §4.3.2, §4.4.2, §4.4.3) and "the SSL_connect question":
 * after SSL_connect returns, did the server accept my certificate? The client's handshake
 * completes when it sends its Finished, before the server has looked at its Certificate
 * and CertificateVerify; a rejection can only reach it later, on a read.
 */
import { scenarioSim, utf8 } from './build.js';
import { alertReceived, alertSent, appCall, complete, narrate, received, sent, verdict } from './narrate.js';
import { scenarioPki } from './pki.js';
import { registerScenario, scenarioLens } from './registry.js';
import type { CryptoProvider } from '@tls13sim/handshake';
import type { Simulation } from '../simulation.js';

const REQUEST = utf8('GET / HTTP/1.0\r\n\r\n');
const RESPONSE = utf8('HTTP/1.0 200 ok\r\n\r\nhello, authenticated client\n');

function clientAuthSim(seed: number, crypto?: CryptoProvider): Simulation {
  const pki = scenarioPki(seed);
  return scenarioSim('client-auth', seed, { client: { certificate: pki.client }, server: { clientAuth: 'require' }, crypto });
}

/** Both sides through the lens: the client's request, the server's response, then the clock runs out. */
function requestResponse(sim: Simulation): void {
  const c = scenarioLens(sim, 'client', { blocking: true });
  const s = scenarioLens(sim, 'server', { blocking: true });
  c.connect();
  c.write(REQUEST);
  s.accept();
  s.read(1024);
  s.write(RESPONSE);
  c.read(1024);
  sim.run();
}

/** The client alone through the lens: connect, the request, then a read that meets the server's verdict. */
function clientRequest(sim: Simulation): void {
  const c = scenarioLens(sim, 'client', { blocking: true });
  c.connect();
  c.write(REQUEST);
  c.read(1024);
  sim.run();
}

function cvRejectedSim(seed: number, crypto?: CryptoProvider): Simulation {
  const pki = scenarioPki(seed);
  // A client certificate presented with a private key that does not match it: the
  // client's CertificateVerify signature cannot verify under the certificate's key.
  const mismatched = { chain: pki.client.chain, privateKey: pki.strayKey };
  return scenarioSim('client-cv-rejected', seed, { client: { certificate: mismatched }, server: { clientAuth: 'require' }, crypto });
}

registerScenario({
  name: 'client-auth',
  description: 'Mutual authentication (RFC 8446 §4.3.2): the server requires and accepts a client certificate',
  run(seed) {
    const sim = clientAuthSim(seed);
    requestResponse(sim);
    return narrate(sim, [
      { after: 'start', text: 'The server requires a client certificate; the client has one signed by the CA the server trusts.' },
      {
        after: sent('server', 'certificate_request'),
        text: 'CertificateRequest (§4.3.2), inside the server\'s first flight: the client must answer with Certificate and CertificateVerify before its Finished.',
      },
      {
        after: complete('client'),
        text: '★ The client is complete as soon as it sends Certificate, CertificateVerify and Finished (§4.4.4): it has not heard what the server thinks of them.',
      },
      { after: appCall('client', 'connect'), text: 'connect() returns ok: the server\'s verdict is still unknown to the client.' },
      {
        after: received('server', 'certificate_verify'),
        text: 'Half a round trip later the server checks the chain and the CertificateVerify signature (§4.4.3) — both good.',
      },
      { after: complete('server'), text: '★ The server accepts the client\'s Finished: complete for the server.' },
      {
        after: verdict('client', 'accepted'),
        text: 'Application data from the server after the client\'s Finished is the client\'s first evidence that it was accepted.',
      },
    ]);
  },
  setup: (seed, opts) => ({
    sim: clientAuthSim(seed, opts?.crypto),
    app: {
      client: [{ call: 'connect' }, { call: 'write', data: REQUEST }, { call: 'read', max: 1024 }],
      server: [{ call: 'accept' }, { call: 'read', max: 1024 }, { call: 'write', data: RESPONSE }],
    },
  }),
});

registerScenario({
  name: 'client-cert-rejected',
  description: 'The server\'s verifier rejects the client certificate: bad_certificate reaches the client on read',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('client-cert-rejected', seed, {
      client: { certificate: pki.client },
      server: { clientAuth: 'require', clientCertVerifier: () => ({ action: 'reject', alert: 'bad_certificate' }) },
    });
    clientRequest(sim);
    return narrate(sim, [
      { after: 'start', text: 'The server requires a client certificate and its verifier rejects the one it gets (e.g. revoked, or not on an allow-list).' },
      { after: complete('client'), text: '★ The client completes on sending its Finished (§4.4.4).' },
      { after: appCall('client', 'connect'), text: 'connect() → ok: nothing yet says the certificate is unwelcome.' },
      { after: appCall('client', 'write'), text: 'write() → ok too: the request leaves under application keys, toward a server that is about to reject us.' },
      {
        after: alertSent('server'),
        text: 'The server rejects the certificate with bad_certificate (§6.2). It has already installed its application write keys, so the alert goes under them.',
      },
      { after: alertReceived('client'), text: 'The alert reaches the client one trip later…' },
      { after: appCall('client', 'read'), text: '…and only a read() surfaces it: error(bad_certificate). This is the answer to the SSL_connect question.' },
    ]);
  },
});

registerScenario({
  name: 'client-cv-rejected',
  description: 'The client\'s CertificateVerify fails: connect() and write() are ok, the next read() is error(decrypt_error)',
  run(seed) {
    const sim = cvRejectedSim(seed);
    clientRequest(sim);
    return narrate(sim, [
      {
        after: 'start',
        text: 'The server requires a client certificate. The client presents a valid certificate but signs its CertificateVerify with a key that does not match it.',
      },
      {
        after: sent('client', 'certificate_verify'),
        text: 'The client sends Certificate, CertificateVerify and Finished in one flight (§4.4): it cannot know its signature is bad.',
      },
      {
        after: complete('client'),
        text: '★ The client has sent and received Finished: its handshake is complete (§4.4.4) — before the server has even received its CertificateVerify.',
      },
      { after: appCall('client', 'connect'), text: 'connect() → ok. SSL_connect returning 1 says nothing about the server\'s verdict on the client.' },
      { after: appCall('client', 'write'), text: 'write() → ok: the request is encrypted under application keys and sent.' },
      {
        after: received('server', 'certificate_verify'),
        text: 'The server checks the CertificateVerify signature against the certificate\'s public key (§4.4.3): it does not verify.',
      },
      {
        after: alertSent('server'),
        text: 'The server sends decrypt_error (§6.2: "A handshake (not record layer) cryptographic operation failed, including being unable to correctly verify a signature"), under its application keys — its handshake never completes.',
      },
      { after: alertReceived('client'), text: 'The alert arrives at the client, one trip after connect() returned ok.' },
      { after: appCall('client', 'read'), text: 'The client\'s next read() returns error(decrypt_error): the first moment its application learns the handshake failed.' },
    ]);
  },
  setup: (seed, opts) => ({
    sim: cvRejectedSim(seed, opts?.crypto),
    app: { client: [{ call: 'connect' }, { call: 'write', data: REQUEST }, { call: 'read', max: 1024 }], server: [] },
    rejection: { alert: 'decrypt_error', epoch: 'application' },
  }),
});

registerScenario({
  name: 'client-cert-missing',
  description: 'The server requires a client certificate and gets none: certificate_required (RFC 8446 §4.4.2.4)',
  run(seed) {
    const sim = scenarioSim('client-cert-missing', seed, { server: { clientAuth: 'require' } });
    const c = scenarioLens(sim, 'client', { blocking: true });
    c.connect();
    c.read(1024);
    sim.run();
    return narrate(sim, [
      { after: 'start', text: 'The server requires a client certificate; the client has none.' },
      {
        after: sent('client', 'certificate'),
        text: 'Asked for a certificate, the client MUST still answer with a Certificate message — an empty one (§4.4.2) — and no CertificateVerify.',
      },
      { after: appCall('client', 'connect'), text: 'connect() → ok: the client completed its side of the handshake.' },
      {
        after: alertSent('server'),
        text: 'The server aborts with certificate_required (§4.4.2.4: "If the client does not send any certificates … the server MAY … abort the handshake with a \'certificate_required\' alert").',
      },
      { after: appCall('client', 'read'), text: 'The client learns it on its next read().' },
    ]);
  },
});

registerScenario({
  name: 'client-cert-ignored',
  description: 'The server requests a certificate and its verifier ignores it: the connection goes on unauthenticated',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('client-cert-ignored', seed, {
      client: { certificate: pki.client },
      server: { clientAuth: 'request', clientCertVerifier: () => ({ action: 'ignore' }) },
    });
    requestResponse(sim);
    return narrate(sim, [
      { after: 'start', text: 'The server requests (does not require) a client certificate, and its verifier decides to ignore the one it gets.' },
      { after: sent('client', 'certificate_verify'), text: 'The client authenticates as asked: Certificate, CertificateVerify, Finished.' },
      {
        after: complete('server'),
        text: '★ The server completes as if no certificate had been sent (§4.4.2.4 leaves this to the server): the peer is treated as anonymous.',
      },
      {
        after: verdict('client', 'accepted'),
        text: 'The client sees only that the server went on. Nothing on the wire tells it the certificate was ignored rather than accepted.',
      },
    ]);
  },
});

registerScenario({
  name: 'half-rtt-then-rejected',
  description: 'The server answers in 0.5-RTT, then rejects the client certificate: data first (acceptance presumed), the alert next',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('half-rtt-then-rejected', seed, {
      client: { certificate: pki.client },
      server: { clientAuth: 'require', clientCertVerifier: () => ({ action: 'reject', alert: 'bad_certificate' }) },
    });
    // The server writes as soon as its first flight is out (0.5-RTT, §2.3), before it has
    // read the client's Certificate, CertificateVerify and Finished.
    let written = false;
    sim.setProgram('server', (s, side, events) => {
      if (written || !events.some((e) => e.type === 'state' && e.to === 'WAIT_FLIGHT2')) return;
      written = true;
      s.write(side, utf8('welcome!\n'));
    });
    const c = scenarioLens(sim, 'client', { blocking: true });
    c.connect();
    c.read(1024);
    c.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'The server requires a client certificate and will reject the one it gets; but it greets the client as soon as its own flight is out, as 0.5-RTT data (§2.3).',
      },
      {
        after: (e) => e.type === 'record_sent' && e.side === 'server' && e.innerType === 'application_data',
        text: 'The greeting leaves under the server\'s application keys before the server has seen anything of the client\'s second flight.',
      },
      { after: appCall('client', 'connect'), text: 'connect() → ok: the client has sent Certificate, CertificateVerify and Finished.' },
      {
        after: verdict('client', 'accepted'),
        text: 'The first read returns the greeting. Application data after the client\'s Finished looks like acceptance — but a server may send it in 0.5-RTT, before judging: the ledger says presumed, not known.',
      },
      {
        after: alertSent('server'),
        text: 'Meanwhile the server reads the client\'s flight and rejects the certificate: bad_certificate, under its application keys.',
      },
      {
        after: verdict('client', 'rejected'),
        text: 'The second read meets the alert: the presumption is overturned. Only an alert, or a NewSessionTicket after a CertificateRequest, is knowledge.',
      },
    ]);
  },
});
