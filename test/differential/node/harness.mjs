/**
 * Differential harness for Node's `tls` module as a client (run with plain `node`, in its own
 * process, so the real library runs untouched by tls13sim). Input: one `HarnessInput` JSON
 * object on stdin (test/differential/harness.ts). Output: one JSON line per outcome,
 * `{"call","api","outcome"}`, in the order they happened; exit 0.
 *
 * Node's sockets are event-driven and flowing: bytes are pulled from the TCP socket, decrypted
 * and turned into events as soon as they arrive, whether or not the application "reads". So
 * every listener is registered at connect time and every event is printed the moment it fires:
 *
 *   {"call":"event","api":"'secureConnect'","outcome":"TLSv1.3"}        socket.getProtocol()
 *   {"call":"event","api":"'data'","outcome":"4 bytes"}                 chunk length
 *   {"call":"event","api":"'error'","outcome":"ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR"}   err.code
 *   {"call":"event","api":"'end'","outcome":"fired"}                    (no arguments)
 *   {"call":"event","api":"'close'","outcome":"hadError=true"}          the hadError argument
 *   {"call":"event","api":"write callback","outcome":"ok"}              or the error's code
 *
 * An error without a `code` is rendered `<name>: <message>` (none was seen in the cases).
 * A 'session' listener is registered only when the script has a `tickets` step (a listener
 * switches Node's ticket callbacks on): it counts the events and prints nothing of its own;
 * the `tickets` step prints the count so far.
 *
 * Every script step prints exactly one line of its own, when it completes:
 *   connect   tls.connect({host, port, cert, key, rejectUnauthorized: false, minVersion: 'TLSv1.2'}),
 *             (TLS 1.2 and 1.3 offered: the server picks); with `verifyCa`: ca, servername
 *             verifyName and rejectUnauthorized: true
 *             then waits for the first of 'secureConnect' / 'error' / 'close'.
 *             {"call":"connect","api":"tls.connect","outcome":"'secureConnect'"}  (the event's name)
 *   write     socket.write(data, callback); the return value and the byte count given:
 *             {"call":"write","api":"socket.write","outcome":"true, 4 bytes"}
 *             (the callback fires later, as its own event line)
 *   read n    Node has no read call. The `read` step takes the next event from a queue of the
 *             socket's 'data' / 'end' / 'error' / 'close' events in firing order, each taken
 *             once — what `for await (… of events.on(socket, …))` gives an application: an event
 *             that fired before the step (e.g. during a `wait`) is still there to be taken.
 *             n is not used (a 'data' event carries what arrived). Outcome: the event and its
 *             outcome, e.g. {"call":"read","api":"(next event)","outcome":"'data' 4 bytes"}.
 *   shutdown  socket.end(): {"call":"shutdown","api":"socket.end","outcome":"returned"}
 *   wait      sleep waitMs, no line (events keep firing and are printed).
 *   peer_cert socket.getPeerCertificate(): `null` (the socket is gone), `{}` (an empty object:
 *             no certificate from the peer) or `object`; it reads nothing:
 *             {"call":"peer_cert","api":"socket.getPeerCertificate()","outcome":"object"}
 *   tickets   how many 'session' events (one per NewSessionTicket Node has processed) have
 *             fired: {"call":"tickets","api":"'session' events","outcome":"1"}
 * A call that throws synchronously gives outcome `throws <code>` (or `throws <name>: <message>`).
 *
 * Blocking: `connect` and `read` wait at most blockMs; a timer that fires first gives outcome
 * `blocked` (a timeout is a timer, not an error: no event arrived, so nothing else can be
 * mistaken for it). Steps that end on an event print their line synchronously inside that
 * event's listener, right after the event's own line, so the order of lines does not depend
 * on when the script's continuation (a microtask) runs relative to the next I/O callback.
 *
 * Role "server": the `accept` step creates a tls.Server (the certificate and key given,
 * minVersion TLSv1.2, maxVersion TLSv1.2 too with version "TLSv1.2"; with clientAuth "require", requestCert and rejectUnauthorized against
 * the CA file verifyCa; "request": requestCert without rejectUnauthorized), listens on host:port (port 0: one the kernel picks), writes
 * `listening <port>` and a newline to stderr, and waits for the first of its
 * 'secureConnection' (printed as an event with socket.getProtocol(); the socket's events are
 * then those above) and 'tlsClientError' (an event with errText(err)); the step's line is
 * {"call":"accept","api":"tls.Server","outcome":"'secureConnection'"} (or the error's event
 * name). The server stops listening after that one connection. After a 'tlsClientError'
 * the application has no socket: a later read or write step prints `no socket`.
 *
 * Resume (`resume: true`): the script runs on a second connection that resumes the first's
 * session, and nothing is printed for the first (a failure in it ends the harness, exit 2).
 * Client: the `connect` step first makes a connection of its own with the same options and a
 * 'session' listener, lets it flow (its data is dropped) until 'end' (the server's tickets,
 * then its close_notify), ends it and waits for its 'close'; the last 'session' buffer is
 * then given as the `session` option of the script's tls.connect. Only that second socket
 * follows the rule above for a 'session' listener, so a `tickets` step counts its tickets only.
 * Server: the tls.Server (which issues tickets by default; no option of the harness turns them
 * off) serves a first connection the same way (flowing until 'end', then end()), and the
 * `accept` step's wait for the second starts once that one has ended.
 *
 * Unsupported (see caseUnsupported, packages/sim/src/lens/case-support.ts): `peek`, `nonblocking`, and a
 * zero-length `read` (Node has no such calls), and post-handshake authentication.
 *
 * After the last step the harness keeps listening for waitMs more (trailing events such as
 * 'close'), then stops printing and exits with process.exit(0), sending nothing itself.
 */
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));

let printing = true;
function print(call, api, outcome) {
  if (printing) process.stdout.write(JSON.stringify({ call, api, outcome }) + '\n');
}

function errText(e) {
  if (e && typeof e.code === 'string') return e.code;
  return `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : String(e)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let socket;
/** Unconsumed 'data' / 'end' / 'error' / 'close' events, oldest first: { api, outcome }. */
const queue = [];
/** The step waiting for an event (connect or read), if any. */
let waiter = null;

function onEvent(api, outcome, { queued, endsConnect }) {
  print('event', api, outcome);
  if (queued) queue.push({ api, outcome });
  if (waiter === null) return;
  if (waiter.kind === 'connect' && endsConnect) {
    const w = waiter;
    waiter = null;
    w.finish(api);
  } else if (waiter.kind === 'read' && queued) {
    const w = waiter;
    waiter = null;
    w.finish(takeQueued());
  }
}

function takeQueued() {
  const ev = queue.shift();
  return `${ev.api} ${ev.outcome}`;
}

/** Waits (at most blockMs) for `finish` to be called by an event listener; prints the step's line. */
function waitFor(kind, call, api) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiter = null;
      print(call, api, 'blocked');
      resolve();
    }, input.blockMs);
    waiter = {
      kind,
      finish(outcome) {
        clearTimeout(timer);
        print(call, api, outcome);
        resolve();
      },
    };
  });
}

async function connect() {
  const opts = { host: input.host, port: input.port, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  if (input.cert !== undefined) opts.cert = readFileSync(input.cert);
  if (input.key !== undefined) opts.key = readFileSync(input.key);
  if (input.verifyCa !== undefined) {
    opts.ca = readFileSync(input.verifyCa);
    opts.rejectUnauthorized = true;
    if (input.verifyName !== undefined) opts.servername = input.verifyName;
  }
  if (input.resume === true) opts.session = await firstSession(opts);
  try {
    socket = tls.connect(opts);
  } catch (e) {
    print('connect', 'tls.connect', `throws ${errText(e)}`);
    return;
  }
  socket.on('secureConnect', () => onEvent("'secureConnect'", socket.getProtocol(), { queued: false, endsConnect: true }));
  listenTo(socket);
  if (input.script.some((step) => step.op === 'tickets')) socket.on('session', () => sessions++);
  await waitFor('connect', 'connect', 'tls.connect');
}

/** A resumed run ends here when its first connection fails (nothing of it is printed). */
function firstFailed(why) {
  process.stderr.write(`first connection: ${why}\n`);
  process.exit(2);
}

/** resume, client: the first connection (see the header); resolves with its last session. */
function firstSession(opts) {
  return new Promise((resolve) => {
    let session;
    const s = tls.connect(opts);
    s.on('session', (buf) => (session = buf));
    s.on('error', (e) => firstFailed(errText(e)));
    s.on('data', () => {});
    s.on('end', () => s.end());
    s.on('close', () => (session === undefined ? firstFailed('no session') : resolve(session)));
  });
}

/** resume, server: serves the server's first connection (see the header); resolves once it has ended. */
function serveFirst(server) {
  return new Promise((resolve) => {
    server.once('secureConnection', (s) => {
      s.on('error', (e) => firstFailed(errText(e)));
      s.on('data', () => {});
      s.on('end', () => {
        s.end();
        resolve();
      });
    });
    server.once('tlsClientError', (e) => firstFailed(errText(e)));
  });
}

/** The socket's readable events: 'data', 'end', 'error', 'close'. */
function listenTo(s) {
  s.on('data', (d) => onEvent("'data'", `${d.length} bytes`, { queued: true, endsConnect: false }));
  s.on('end', () => onEvent("'end'", 'fired', { queued: true, endsConnect: false }));
  s.on('error', (e) => onEvent("'error'", errText(e), { queued: true, endsConnect: true }));
  s.on('close', (hadError) => onEvent("'close'", `hadError=${hadError}`, { queued: true, endsConnect: true }));
}

/** role "server": one connection, as the `accept` step (see the header). */
async function accept() {
  const opts = { cert: readFileSync(input.cert), key: readFileSync(input.key), minVersion: 'TLSv1.2' };
  if (input.version === 'TLSv1.2') opts.maxVersion = 'TLSv1.2';
  if (input.clientAuth === 'require' || input.clientAuth === 'request') {
    opts.requestCert = true;
    // 'request': a client without an authorized certificate is served too (socket.authorized says which).
    opts.rejectUnauthorized = input.clientAuth === 'require';
    opts.ca = readFileSync(input.verifyCa);
  }
  const server = tls.createServer(opts);
  const first = input.resume === true ? serveFirst(server) : null;
  let firstDone = first === null;
  server.on('secureConnection', (s) => {
    if (!firstDone) return;
    server.close();
    socket = s;
    listenTo(s);
    onEvent("'secureConnection'", s.getProtocol(), { queued: false, endsConnect: true });
  });
  server.on('tlsClientError', (e) => {
    if (!firstDone) return;
    server.close();
    onEvent("'tlsClientError'", errText(e), { queued: false, endsConnect: true });
  });
  await new Promise((resolve) => server.listen(input.port, input.host, resolve));
  process.stderr.write(`listening ${server.address().port}\n`);
  if (first !== null) {
    await first;
    firstDone = true;
  }
  await waitFor('connect', 'accept', 'tls.Server');
}

function write(data) {
  const buf = Buffer.from(data, 'utf8');
  let ret;
  try {
    ret = socket.write(buf, (err) => print('event', 'write callback', err ? errText(err) : 'ok'));
  } catch (e) {
    print('write', 'socket.write', `throws ${errText(e)}`);
    return;
  }
  print('write', 'socket.write', `${ret}, ${buf.length} bytes`);
}

async function read() {
  if (queue.length > 0) {
    print('read', '(next event)', takeQueued());
    return;
  }
  await waitFor('read', 'read', '(next event)');
}

/** 'session' events so far (counted only when the script asks: see the header). */
let sessions = 0;

function shutdown() {
  try {
    socket.end();
  } catch (e) {
    print('shutdown', 'socket.end', `throws ${errText(e)}`);
    return;
  }
  print('shutdown', 'socket.end', 'returned');
}

const NO_SOCKET_API = { read: '(next event)', write: 'socket.write', shutdown: 'socket.end' };

for (const step of input.script) {
  if (step.op !== 'connect' && step.op !== 'accept' && step.op !== 'wait' && socket === undefined) {
    // A server whose one connection failed its handshake never got a socket.
    if (input.role === 'server' && step.op in NO_SOCKET_API) {
      print(step.op, NO_SOCKET_API[step.op], 'no socket');
      continue;
    }
    process.stderr.write(`step ${step.op} before connect\n`);
    process.exit(2);
  }
  switch (step.op) {
    case 'connect':
      await connect();
      break;
    case 'accept':
      await accept();
      break;
    case 'write':
      write(step.data);
      break;
    case 'read':
      if (step.n === 0) {
        process.stderr.write('Node has no zero-length read\n');
        process.exit(2);
      }
      await read();
      break;
    case 'wait':
      await sleep(input.waitMs);
      break;
    case 'shutdown':
      shutdown();
      break;
    case 'tickets':
      print('tickets', "'session' events", String(sessions));
      break;
    case 'peer_cert': {
      const cert = socket.getPeerCertificate();
      print('peer_cert', 'socket.getPeerCertificate()', cert === null ? 'null' : Object.keys(cert).length === 0 ? '{}' : 'object');
      break;
    }
    default:
      process.stderr.write(`unsupported step '${step.op}' (Node's tls has no such call)\n`);
      process.exit(2);
  }
}

// The trailing window: events still firing after the last step are printed for waitMs, then
// nothing more is printed and the process exits without sending anything of its own.
await sleep(input.waitMs);
printing = false;
process.exit(0);
