/**
 * `tls13sim serve` (docs/interop.md): a TLS 1.3 server on real TCP that behaves like
 * `openssl s_server -www`. Each request starting with `GET ` is answered with
 * `HTTP/1.0 200 ok` and a plain-text description of the connection; `GET /keyupdate` first
 * sends KeyUpdate(update_requested); `GET /secret` first runs post-handshake client
 * authentication (§4.6.2); `--echo` echoes bytes instead. It sends `--tickets` (default 2)
 * NewSessionTickets after the client's Finished and serves many connections at once: one
 * failing never stops the others. A client's close_notify closes only the client's
 * direction (§6.1 half-close): serve finishes what it is writing — the echo of everything
 * it read, the response to the request — and then sends its own close_notify and FIN.
 */
import { appendFileSync } from 'node:fs';
import { SealedTicketIssuer, systemRandom, type EndpointConfig, type EndpointEvent, type ExternalPsk } from '@tls13sim/handshake';
import { isTlsError } from '@tls13sim/record';
import { attachKeylog } from '../net/capture.js';
import { describeReason, type ConnectionOptions, type TlsConnection } from '../net/connection.js';
import { TlsServer } from '../net/server.js';
import { CliError, UsageError, registerCommand, systemErrorText, type CliIo } from './command.js';
import { checkWritable, flagOption, parseOptions } from './options.js';
import {
  cryptoProvider,
  describeConnection,
  fromHexArg,
  loadAnchors,
  loadCertifiedKey,
  parseCount,
  parseGroups,
  parseSuites,
  parseVersions,
  selfSigned,
  splitList,
  subjectOf,
} from './tls-options.js';

const FLAGS = [
  'port',
  'host',
  'cert',
  'key',
  'client-auth',
  'ca',
  'groups',
  'suites',
  'tickets',
  'psk',
  'psk-identity',
  'keylog',
  'crypto',
  'alpn',
  'versions',
];
const BOOLEAN_FLAGS = ['echo'];

export const SERVE_USAGE =
  'tls13sim serve --port P [--host 127.0.0.1] [--cert F --key F] [--client-auth none|request|require] [--ca F] ' +
  '[--groups a,b] [--suites a,b] [--tickets N] [--psk HEX --psk-identity ID] [--echo] [--keylog F] [--alpn a,b] [--crypto noble|node] [--versions 1.2,1.3]';

/** Bytes of a request line we wait for before answering 400. */
const MAX_REQUEST_LINE = 8192;

export interface ServeHandle {
  readonly server: TlsServer;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What a program that starts serve may ask of it beyond its command line. */
export interface ServeOptions {
  /**
   * What each connection's trace keeps (ConnectionOptions `trace`), for a program that reads
   * `conn.events`. Default `none`, or `handshake` with --keylog (the secrets come from the
   * trace); `none` together with --keylog is an error.
   */
  readonly trace?: ConnectionOptions['trace'];
}

/** Starts listening; prints `listening on HOST:PORT`. For tests and for the command below. */
export async function startServe(args: readonly string[], io: CliIo, serveOptions: ServeOptions = {}): Promise<ServeHandle> {
  const { positional, options } = parseOptions(args, FLAGS, BOOLEAN_FLAGS);
  if (positional.length > 0) throw new UsageError(`serve takes no positional arguments (got ${positional.join(' ')})`);
  const portText = options.get('port');
  if (portText === undefined) throw new UsageError('serve needs --port (0 picks a free port)');
  const port = parseCount(portText, '--port', 0);
  if (port > 65535) throw new UsageError(`--port out of range: ${port}`);
  const host = options.get('host') ?? '127.0.0.1';
  const crypto = cryptoProvider(options.get('crypto'));

  const certPath = options.get('cert');
  const keyPath = options.get('key');
  if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError('--cert and --key go together');
  const certificate = certPath !== undefined && keyPath !== undefined ? loadCertifiedKey(certPath, keyPath) : selfSigned('p256');

  const clientAuth = options.get('client-auth') ?? 'none';
  if (clientAuth !== 'none' && clientAuth !== 'request' && clientAuth !== 'require') {
    throw new UsageError(`--client-auth must be none, request or require (got '${clientAuth}')`);
  }
  const caPath = options.get('ca');
  const trustAnchors = caPath !== undefined ? loadAnchors(caPath) : undefined;
  const groupsText = options.get('groups');
  const suitesText = options.get('suites');
  const alpnText = options.get('alpn');
  const versionsText = options.get('versions');
  const tickets = parseCount(options.get('tickets'), '--tickets', 2);

  const pskHex = options.get('psk');
  const pskIdentity = options.get('psk-identity');
  if ((pskHex === undefined) !== (pskIdentity === undefined)) throw new UsageError('--psk and --psk-identity go together');
  // OpenSSL's -psk keys are used with SHA-256 in TLS 1.3 (s_server/s_client default).
  const externalPsks: ExternalPsk[] =
    pskHex !== undefined && pskIdentity !== undefined
      ? [{ identity: new TextEncoder().encode(pskIdentity), key: fromHexArg(pskHex, '--psk'), hash: 'sha256' }]
      : [];

  // One ticket key for the whole server; single-use tickets make 0-RTT replay-safe (§8.1).
  const issuer = new SealedTicketIssuer(systemRandom, { singleUse: true });
  const echo = flagOption(options, 'echo');
  const keylog = options.get('keylog');
  if (keylog !== undefined) {
    checkWritable(keylog, '--keylog');
    try {
      appendFileSync(keylog, '');
    } catch (e) {
      throw new CliError(`cannot write --keylog ${keylog}: ${systemErrorText(e)}`);
    }
  }

  const config = (): Omit<EndpointConfig, 'role'> => ({
    crypto,
    random: systemRandom,
    certificate,
    clientAuth,
    validationTime: Date.now(),
    ...(trustAnchors !== undefined ? { trustAnchors } : {}),
    ...(groupsText !== undefined ? { groups: parseGroups(groupsText) } : {}),
    ...(suitesText !== undefined ? { cipherSuites: parseSuites(suitesText) } : {}),
    ...(alpnText !== undefined ? { alpn: splitList(alpnText) } : {}),
    ...(versionsText !== undefined ? { versions: parseVersions(versionsText) } : {}),
    ...(tickets > 0 ? { tickets: { count: tickets, issuer, maxEarlyData: 16384 } } : {}),
    ...(externalPsks.length > 0 ? { externalPsks } : {}),
  });
  config(); // fail now (usage) on a bad list, not per connection

  // serve prints no traces, so by default it builds none (about a tenth of its CPU per
  // handshake under load); --keylog reads the secrets from the handshake's.
  const trace = serveOptions.trace ?? (keylog !== undefined ? 'handshake' : 'none');
  if (trace === 'none' && keylog !== undefined) throw new Error("startServe: --keylog needs a trace; trace 'none' keeps none");

  let n = 0;
  const log = (line: string): void => io.stdout(`${line}\n`);
  const server = new TlsServer({
    config,
    handshakeTimeoutMs: 10_000,
    idleTimeoutMs: 60_000,
    label: 'serve',
    trace,
    // §6.1: the client's close_notify ends its direction only; serveConnection closes ours.
    allowHalfOpen: true,
    onConnection: async (conn) => {
      const tag = `[#${++n} ${conn.socket.remoteAddress ?? '?'}:${conn.socket.remotePort ?? '?'}]`;
      if (keylog !== undefined) attachKeylog(conn, (line) => appendFileSync(keylog, `${line}\n`));
      await serveConnection(conn, tag, echo, log);
    },
    onError: (e, conn) => log(`[error] ${conn ? '' : '(before the connection started) '}${e instanceof Error ? e.message : String(e)}`),
  });
  let addr: { address: string; port: number };
  try {
    addr = await server.listen(port, host);
  } catch (e) {
    throw new CliError(listenErrorText(e, host, port));
  }
  log(`tls13sim serve: listening on ${addr.address}:${addr.port}`);
  return { server, host: addr.address, port: addr.port, close: () => server.close() };
}

async function serveConnection(conn: TlsConnection, tag: string, echo: boolean, log: (line: string) => void): Promise<void> {
  const seen = watch(conn);
  try {
    await conn.handshake();
  } catch (e) {
    log(`${tag} handshake failed: ${errorText(e)}`);
    return;
  }
  const n = conn.endpoint.negotiated;
  log(`${tag} accepted: ${n?.suite.name} ${n?.group ?? 'psk_ke'}${n?.resumed ? ' resumed' : ''}${seen.earlyData === true ? ' 0-RTT' : ''}`);
  try {
    if (echo) await echoLoop(conn);
    else await www(conn, seen);
    const reason = await conn.close();
    log(`${tag} closed: ${describeReason(reason)}`);
  } catch (e) {
    log(`${tag} ${errorText(e)}`);
    await conn.close();
  }
}

async function echoLoop(conn: TlsConnection): Promise<void> {
  for (let d = await conn.read(); d !== null; d = await conn.read()) await conn.writeAsync(d);
}

interface Seen {
  earlyData: boolean | undefined;
  earlyBytes: number;
  tickets: number;
  pha: 'requested' | 'authenticated' | 'unauthenticated' | undefined;
}

/** Follows the endpoint's events for the description. */
function watch(conn: TlsConnection): Seen {
  const seen: Seen = { earlyData: undefined, earlyBytes: 0, tickets: 0, pha: undefined };
  conn.on('endpoint_event', (ev: EndpointEvent) => {
    if (ev.type === 'early_data') seen.earlyData = ev.accepted;
    if (ev.type === 'application_data' && conn.connectedAt === undefined) seen.earlyBytes += ev.length;
    if (ev.type === 'post_handshake_auth') seen.pha = ev.stage;
    if (ev.type === 'record_sent' && ev.record.messages.includes('new_session_ticket'))
      seen.tickets += ev.record.messages.filter((m) => m === 'new_session_ticket').length;
  });
  return seen;
}

/** `s_server -www`: read one request line; answer GET with a description, anything else with 400. */
async function www(conn: TlsConnection, seen: Seen): Promise<void> {
  let buf = '';
  for (;;) {
    const d = await conn.read();
    if (d === null) return;
    buf += new TextDecoder().decode(d);
    if (buf.includes('\n') || buf.length >= MAX_REQUEST_LINE) break;
  }
  const line = buf.split(/\r?\n/)[0]!;
  if (!line.startsWith('GET ')) {
    await conn.writeAsync('HTTP/1.0 400 bad request\r\nContent-Type: text/plain\r\n\r\nthis server answers GET requests\r\n');
    return;
  }
  const path = line.split(' ')[1] ?? '/';
  const notes: string[] = [];
  if (path === '/keyupdate') {
    conn.keyUpdate(true);
    notes.push('sent KeyUpdate(update_requested) before this response (RFC 8446 §4.6.3)');
  }
  if (path === '/secret') {
    const outcome = await postHandshakeAuth(conn, seen);
    if (outcome !== 'authenticated') {
      await conn.writeAsync(`HTTP/1.0 403 forbidden\r\nContent-Type: text/plain\r\n\r\npost-handshake authentication: ${outcome}\r\n`);
      return;
    }
    notes.push('ran post-handshake client authentication before this response (RFC 8446 §4.6.2)');
  }
  const body = [
    'tls13sim serve',
    `request: ${line}`,
    ...describeConnection(conn, {
      'early data': seen.earlyData === undefined ? 'not offered' : seen.earlyData ? `accepted (${seen.earlyBytes} bytes)` : 'rejected',
      'tickets sent': String(seen.tickets),
      'post-handshake auth': seen.pha ?? 'no',
      ...(conn.peerCertificates.length > 0 ? { 'client certificate chain': conn.peerCertificates.map(subjectOf).join(' <- ') } : {}),
    }),
    ...notes,
    '',
  ].join('\r\n');
  await conn.writeAsync(`HTTP/1.0 200 ok\r\nContent-Type: text/plain\r\n\r\n${body}`);
}

/** §4.6.2: CertificateRequest now; waits for the client's answer (or its refusal). */
async function postHandshakeAuth(conn: TlsConnection, seen: Seen): Promise<string> {
  try {
    conn.requestClientAuth();
  } catch (e) {
    return `not possible: ${(e as Error).message}`;
  }
  while (seen.pha === 'requested' || seen.pha === undefined) {
    const failed = await new Promise<boolean>((resolve) => {
      const onEvent = (ev: EndpointEvent): void => {
        if (ev.type !== 'post_handshake_auth' || ev.stage === 'requested') return;
        done(false);
      };
      const onClose = (): void => done(true);
      const done = (f: boolean): void => {
        conn.off('endpoint_event', onEvent);
        conn.off('close', onClose);
        resolve(f);
      };
      conn.on('endpoint_event', onEvent);
      conn.on('close', onClose);
    });
    if (failed) return `the connection ended: ${conn.closed ? describeReason(conn.closed) : 'closed'}`;
  }
  return seen.pha;
}

/** Why listen() failed, in words a user can act on. */
export function listenErrorText(e: unknown, host: string, port: number): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (EADDRINUSE); pick another --port, or --port 0 for a free one`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${host} is not an address of this machine (EADDRNOTAVAIL)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: cannot resolve host ${host} (${code})`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges)`;
    default:
      return `cannot listen on ${where}: ${systemErrorText(e)}`;
  }
}

function errorText(e: unknown): string {
  if (isTlsError(e)) return `${e.name === 'PeerAlertError' ? 'received' : 'sent'} alert ${e.alert} (${e.message})`;
  return e instanceof Error ? e.message : String(e);
}

async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const handle = await startServe(args, io);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.stdout('tls13sim serve: shutting down\n');
  await handle.close();
  return 0;
}

registerCommand('serve', serve, SERVE_USAGE);
