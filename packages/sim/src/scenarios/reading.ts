/**
 * Reading to learn the server's verdict: a non-blocking event loop, the blocking read that
 * never returns, and the zero-byte read that only sees what has already arrived.
 */
import { SERVER_GREETING } from './app-data.js';
import { inOtherLenses, leftOutIn, type OtherLens } from './lens-words.js';
import { registerSpecScenario, type NoteSpec } from './spec.js';

/** nonblocking-read's notes on each call. Go and Node have no non-blocking calls: there they are left out. */
const CALL_BY_CALL: readonly NoteSpec[] = (
  [
    { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → want_read: the ClientHello is out, nothing has come back.' },
    { after: { event: 'app_call', side: 'client', call: 'connect', nth: 1 }, text: "Still want_read: the server's flight is on the wire, not yet delivered." },
    {
      after: { event: 'app_call', side: 'client', call: 'connect', nth: 2 },
      text: "The server's flight arrived; the client sent its Finished: connect() → ok.",
    },
    {
      after: { event: 'app_call', side: 'client', call: 'read' },
      text: 'read() → want_read: nothing to read yet. An event loop would now wait for the socket to become readable.',
    },
    { after: { event: 'app_call', side: 'server', call: 'accept', nth: 1 }, text: "The client's Finished reached the server: accept() → ok." },
    { after: { event: 'app_call', side: 'client', call: 'read', nth: 1 }, text: 'The server wrote, but the record is still in flight: want_read again.' },
    { after: { event: 'app_call', side: 'client', call: 'read', nth: 2 }, text: 'Delivered: read() → ok with the data.' },
  ] as const satisfies readonly NoteSpec[]
).map((n) => ({ ...n, lenses: leftOutIn('go', 'node') }));

registerSpecScenario(
  {
    name: 'nonblocking-read',
    client: {},
    server: {},
    program: [
      { op: 'lens', side: 'client' },
      { op: 'lens', side: 'server' },
      { op: 'connect', side: 'client' }, // ClientHello sent; nothing back yet
      { op: 'step' }, // ClientHello → server; the server's flight goes out
      { op: 'accept', side: 'server' }, // the server waits for the client's Finished
      { op: 'connect', side: 'client' }, // the server's flight is still in flight
      { op: 'step' }, // server flight → client; the client's Finished goes out
      { op: 'connect', side: 'client' },
      { op: 'read', side: 'client', max: 1024 },
      { op: 'step' }, // client Finished → server
      { op: 'accept', side: 'server' },
      { op: 'write', side: 'server', data: SERVER_GREETING },
      { op: 'read', side: 'client', max: 1024 }, // the data is on its way
      { op: 'step' }, // data → client
      { op: 'read', side: 'client', max: 1024 },
      { op: 'run' },
    ],
    notes: [
      {
        after: 'start',
        text: 'Both sides use non-blocking calls: each call looks only at what has been delivered and returns want_read instead of waiting (SSL_ERROR_WANT_READ).',
        lenses: {
          python:
            'Both sides use non-blocking calls: each call looks only at what has been delivered and returns want_read instead of waiting (SSLWantReadError).',
          gnutls:
            'Both sides use non-blocking calls: each call looks only at what has been delivered and returns want_read instead of waiting (GNUTLS_E_AGAIN).',
          rustls:
            'Both sides use non-blocking calls: each call looks only at what has been delivered and returns want_read instead of waiting (Err(WouldBlock)).',
          go: "Go's crypto/tls has no non-blocking mode: each call below blocks until it has its answer, so the want_read moments this scenario is about do not happen through this lens.",
          node: "Node's tls has no call that returns want_read: answers come as events when their records arrive, so the want_read moments this scenario is about do not happen through this lens.",
        },
      },
      ...CALL_BY_CALL,
    ],
  },
  'A non-blocking client: connect() and read() return want_read until the records they wait for arrive',
);

/** blocking-read-deadlock's read, in each library's words. */
const WAITS_FOREVER: Readonly<Record<OtherLens, string>> = {
  go: 'A real Conn.Read would block forever',
  python: 'A real recv() would block forever',
  gnutls: 'A real gnutls_record_recv would block forever',
  rustls: 'A real Stream::read would block forever',
  node: "A real wait for a 'data' or 'error' event would last forever",
};

registerSpecScenario(
  {
    name: 'blocking-read-deadlock',
    client: { certificate: 'client' },
    server: { clientAuth: 'require' },
    program: [
      { op: 'lens', side: 'client', blocking: true },
      { op: 'connect', side: 'client' },
      { op: 'read', side: 'client', max: 1024 },
    ],
    notes: [
      {
        after: 'start',
        text: 'The client authenticates with a certificate and, after connect(), does a blocking read() just to find out whether the server accepted it.',
        lenses: {
          node: "The client authenticates with a certificate and, after 'secureConnect', waits for a 'data' or 'error' event just to find out whether the server accepted it.",
        },
      },
      { after: { event: 'app_call', side: 'client', call: 'connect' }, text: 'connect() → ok: the verdict is still unknown.' },
      {
        after: { event: 'handshake_complete', side: 'server' },
        text: "★ The server accepted the certificate and completed. It now waits for the client's request, and sends nothing.",
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read' },
        text: 'Nothing is in flight and nothing can ever arrive: both sides wait for each other. A real SSL_read would block forever; the simulation reports `blocked`. Acceptance is silent in TLS 1.3 — only a rejection (an alert), data, or a NewSessionTicket (see ticket-as-signal) ever reaches the client.',
        lenses: inOtherLenses(
          (l) =>
            `Nothing is in flight and nothing can ever arrive: both sides wait for each other. ${WAITS_FOREVER[l]}; the simulation reports \`blocked\`. Acceptance is silent in TLS 1.3 — only a rejection (an alert), data, or a NewSessionTicket (see ticket-as-signal) ever reaches the client.`,
        ),
      },
    ],
  },
  'A client reads only to learn the verdict; the server accepted and waits for a request: the read never returns',
);

registerSpecScenario(
  {
    name: 'zero-length-read',
    client: { certificate: 'client' },
    server: { clientAuth: 'require', verdict: { reject: 'bad_certificate' } },
    program: [
      { op: 'lens', side: 'client', blocking: true },
      { op: 'connect', side: 'client' },
      { op: 'blocking', side: 'client', value: false },
      { op: 'read', side: 'client', max: 0 }, // our Certificate has not even reached the server
      { op: 'step' }, // client flight → server, which rejects it
      { op: 'read', side: 'client', max: 0 }, // the alert is in flight
      { op: 'step' }, // alert → the client's socket buffer
      { op: 'read', side: 'client', max: 0 }, // SSL_read reads the socket: the alert
      { op: 'read', side: 'client', max: 0 },
      { op: 'run' },
    ],
    notes: [
      {
        after: 'start',
        text: "The server will reject the client's certificate. After connect() the client, now non-blocking, tries zero-byte reads, hoping for a probe that never waits and consumes nothing.",
        lenses: {
          go: "The server will reject the client's certificate. After connect() the client tries zero-byte reads (Go has no non-blocking mode), hoping for a probe that never waits and consumes nothing.",
          node: "The server will reject the client's certificate. After 'secureConnect' the client would like a zero-byte read, a probe that never waits and consumes nothing.",
        },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read' },
        text: 'SSL_read(ssl, buf, 0) → -1, SSL_ERROR_WANT_READ: libssl 3.0 treats a zero-byte read like any read. With nothing processed it would block, so non-blocking it wants to read; a blocking read(0) would wait.',
        lenses: {
          rustls:
            'Stream::read into an empty buffer → Err(WouldBlock): rustls, like libssl, treats a zero-byte read like any read. With nothing processed it would block, so non-blocking it wants to read; a blocking read would wait.',
          go: 'Conn.Read into an empty buffer → 0, nil at once: Go answers a zero-byte read without reading the socket (in Go 1.19, conn.go returns 0, nil for an empty buffer once the handshake is done), so it can never see the verdict.',
          python:
            'recv(0) → 0 bytes at once: Python answers a zero-byte read itself (real runs gave 0 bytes before and after the rejection arrived), so it can never see the verdict.',
          gnutls:
            'gnutls_record_recv with a zero size → GNUTLS_E_INVALID_REQUEST: GnuTLS refuses a zero-byte read (real runs gave it before and after the rejection arrived), so it can never see the verdict.',
          node: "Node's tls has no read call that takes a length: there is no zero-byte read to make (the lens answers `unsupported`).",
        },
      },
      { after: { event: 'alert_sent', side: 'server' }, text: 'The server rejects the certificate: bad_certificate is on its way.' },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 1 },
        text: 'want_read again: the alert exists but is still in flight.',
        lenses: {
          go: 'Again 0, nil: the alert exists, but no zero-byte read will look for it.',
          python: 'Again 0 bytes: the alert exists, but no zero-byte read will look for it.',
          gnutls: 'Again GNUTLS_E_INVALID_REQUEST: the alert exists, but no zero-byte read will look for it.',
          node: null,
        },
      },
      {
        after: { event: 'alert_received', side: 'client' },
        text: "The alert has reached the client's socket buffer, and this read(0) is what makes libssl read and process it.",
        lenses: {
          rustls: "The alert has reached the client's socket buffer, and this zero-byte Stream::read is what makes rustls read and process it.",
          node: "The alert reaches the client, and Node reads and processes it as it arrives: 'error' fires without any call.",
        },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 2 },
        text: 'read(0) → error(bad_certificate): a zero-byte read does surface a rejection that has arrived — and only one that has arrived.',
        lenses: {
          go: "Still 0, nil: the alert sits unread in the client's socket buffer, and a zero-byte Conn.Read never reads it.",
          python: "Still 0 bytes: the alert sits unread in the client's socket buffer, and recv(0) never reads it.",
          gnutls: "Still GNUTLS_E_INVALID_REQUEST: the alert sits unread in the client's socket buffer.",
          node: null,
        },
      },
      {
        after: { event: 'app_call', side: 'client', call: 'read', nth: 3 },
        text: 'The next read(0) does not repeat the alert: libssl reports it once, then answers as after a clean close (0, SSL_ERROR_ZERO_RETURN). An application that drops the first error loses the reason.',
        lenses: {
          rustls:
            'The next zero-byte read reports the alert again: rustls repeats the error on every read, where libssl reports it once and then answers as after a clean close.',
          ...leftOutIn('go', 'python', 'gnutls', 'node'),
        },
      },
    ],
  },
  'read(0) is no probe: want_read until the library has processed something, then error(alert) once the alert has arrived',
);
