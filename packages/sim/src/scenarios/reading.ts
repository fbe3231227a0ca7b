/**
 * Reading to learn the server's verdict: a non-blocking event loop, the blocking read that
 * never returns, and the zero-byte read that only sees what has already arrived.
 */
import { scenarioSim, utf8 } from './build.js';
import { alertReceived, alertSent, appCall, complete, narrate } from './narrate.js';
import { scenarioPki } from './pki.js';
import { registerScenario, scenarioLens } from './registry.js';

registerScenario({
  name: 'nonblocking-read',
  description: 'A non-blocking client: connect() and read() return want_read until the records they wait for arrive',
  run(seed) {
    const sim = scenarioSim('nonblocking-read', seed);
    const c = scenarioLens(sim, 'client');
    const s = scenarioLens(sim, 'server');
    c.connect(); // ClientHello sent; nothing back yet
    sim.step(); // ClientHello → server; the server's flight goes out
    s.accept(); // the server waits for the client's Finished
    c.connect(); // the server's flight is still in flight
    sim.step(); // server flight → client; the client's Finished goes out
    c.connect();
    c.read(1024);
    sim.step(); // client Finished → server
    s.accept();
    s.write(utf8('hello from the server\n'));
    c.read(1024); // the data is on its way
    sim.step(); // data → client
    c.read(1024);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'Both sides use non-blocking calls: each call looks only at what has been delivered and returns want_read instead of waiting (SSL_ERROR_WANT_READ).',
      },
      { after: appCall('client', 'connect', 0), text: 'connect() → want_read: the ClientHello is out, nothing has come back.' },
      { after: appCall('client', 'connect', 1), text: 'Still want_read: the server\'s flight is on the wire, not yet delivered.' },
      { after: appCall('client', 'connect', 2), text: 'The server\'s flight arrived; the client sent its Finished: connect() → ok.' },
      { after: appCall('client', 'read', 0), text: 'read() → want_read: nothing to read yet. An event loop would now wait for the socket to become readable.' },
      { after: appCall('server', 'accept', 1), text: 'The client\'s Finished reached the server: accept() → ok.' },
      { after: appCall('client', 'read', 1), text: 'The server wrote, but the record is still in flight: want_read again.' },
      { after: appCall('client', 'read', 2), text: 'Delivered: read() → ok with the data.' },
    ]);
  },
});

registerScenario({
  name: 'blocking-read-deadlock',
  description: 'A client reads only to learn the verdict; the server accepted and waits for a request: the read never returns',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('blocking-read-deadlock', seed, { client: { certificate: pki.client }, server: { clientAuth: 'require' } });
    const c = scenarioLens(sim, 'client', { blocking: true });
    c.connect();
    c.read(1024);
    return narrate(sim, [
      {
        after: 'start',
        text: 'The client authenticates with a certificate and, after connect(), does a blocking read() just to find out whether the server accepted it.',
      },
      { after: appCall('client', 'connect'), text: 'connect() → ok: the verdict is still unknown.' },
      { after: complete('server'), text: '★ The server accepted the certificate and completed. It now waits for the client\'s request, and sends nothing.' },
      {
        after: appCall('client', 'read'),
        text: 'Nothing is in flight and nothing can ever arrive: both sides wait for each other. A real SSL_read would block forever; the simulation reports `blocked`. Acceptance is silent in TLS 1.3 — only a rejection (an alert), data, or a NewSessionTicket (see ticket-as-signal) ever reaches the client.',
      },
    ]);
  },
});

registerScenario({
  name: 'zero-length-read',
  description: 'read(0) is no probe: want_read until the library has processed something, then error(alert) once the alert has arrived',
  run(seed) {
    const pki = scenarioPki(seed);
    const sim = scenarioSim('zero-length-read', seed, {
      client: { certificate: pki.client },
      server: { clientAuth: 'require', clientCertVerifier: () => ({ action: 'reject', alert: 'bad_certificate' }) },
    });
    const c = scenarioLens(sim, 'client', { blocking: true });
    c.connect();
    c.blocking = false;
    c.read(0); // our Certificate has not even reached the server
    sim.step(); // client flight → server, which rejects it
    c.read(0); // the alert is in flight
    sim.step(); // alert → the client's socket buffer
    c.read(0); // SSL_read reads the socket: the alert
    c.read(0);
    sim.run();
    return narrate(sim, [
      {
        after: 'start',
        text: 'The server will reject the client\'s certificate. After connect() the client, now non-blocking, tries zero-byte reads, hoping for a probe that never waits and consumes nothing.',
      },
      {
        after: appCall('client', 'read', 0),
        text: 'SSL_read(ssl, buf, 0) → -1, SSL_ERROR_WANT_READ: libssl 3.0 treats a zero-byte read like any read. With nothing processed it would block, so non-blocking it wants to read; a blocking read(0) would wait.',
      },
      { after: alertSent('server'), text: 'The server rejects the certificate: bad_certificate is on its way.' },
      { after: appCall('client', 'read', 1), text: 'want_read again: the alert exists but is still in flight.' },
      { after: alertReceived('client'), text: 'The alert has reached the client\'s socket buffer, and this read(0) is what makes libssl read and process it.' },
      { after: appCall('client', 'read', 2), text: 'read(0) → error(bad_certificate): a zero-byte read does surface a rejection that has arrived — and only one that has arrived.' },
      {
        after: appCall('client', 'read', 3),
        text: 'The next read(0) does not repeat the alert: libssl reports it once, then answers as after a clean close (0, SSL_ERROR_ZERO_RETURN). An application that drops the first error loses the reason.',
      },
    ]);
  },
});
