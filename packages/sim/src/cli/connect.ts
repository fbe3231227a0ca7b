/**
 * `tls13sim connect HOST:PORT` (DESIGN.md "CLI"): our client against a real server. It
 * sends a request (from `--request`, else stdin), prints the response on stdout, and on
 * stderr reports what was negotiated, the ledger (when connect returned, when the
 * handshake completed in the RFC 8446 §4.4.4 sense, what we know of the server's verdict on
 * our handshake) and any late alert: the SSL_connect question answered for a real server.
 *
 * Exit status: 0 when the handshake succeeded and no fatal alert followed; 1 otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  systemRandom,
  type CipherSuiteName,
  type EndpointConfig,
  type EndpointEvent,
  type ResumptionSession,
} from '@tls13sim/handshake';
import { fromHex, isTlsError, toHex } from '@tls13sim/record';
import { renderConnectionKeylog, renderConnectionPcap } from '../net/capture.js';
import { connectTls } from '../net/client.js';
import { ConnectionClosedError, TruncationError, describeReason, type TlsConnection } from '../net/connection.js';
import type { LedgerView } from '../ledger.js';
import { traceToJson } from '../trace.js';
import { UsageError, parseOptions, registerCommand, type CliIo } from './main.js';
import { withBooleanFlags } from './serve.js';
import { cryptoProvider, describeConnection, loadAnchors, loadCertifiedKey, parseCount, parseGroups, parseSuites, splitList } from './tls-options.js';

const FLAGS = [
  'servername', 'cert', 'key', 'ca', 'insecure', 'groups', 'suites', 'sess-out', 'sess-in', 'early-data', 'keylog',
  'request', 'crypto', 'alpn', 'pcap', 'trace', 'wait',
];

export const CONNECT_USAGE =
  'tls13sim connect HOST:PORT [--servername N] [--cert F --key F] [--ca F | --insecure] [--groups a,b] [--suites a,b] ' +
  '[--sess-out F] [--sess-in F] [--early-data F] [--keylog F] [--request TEXT] [--alpn a,b] [--crypto noble|node] ' +
  '[--pcap F] [--trace F] [--wait MS]';

/** Where to read the request from when `--request` is absent. */
export interface ConnectIo extends CliIo {
  readStdin?(): Promise<Uint8Array>;
}

export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`expected HOST:PORT, got '${text}'`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UsageError(`port out of range in '${text}'`);
  return { host: m[1]!, port };
}

/** The session file: a ResumptionSession as JSON, byte strings in hex. */
export function sessionToJson(s: ResumptionSession): string {
  return `${JSON.stringify({ version: 1, ...s, ticket: toHex(s.ticket), psk: toHex(s.psk) }, null, 2)}\n`;
}

export function sessionFromJson(text: string): ResumptionSession {
  const j = JSON.parse(text) as Record<string, unknown>;
  if (j.version !== 1 || typeof j.ticket !== 'string' || typeof j.psk !== 'string') throw new UsageError('not a tls13sim session file');
  return {
    ticket: fromHex(j.ticket),
    suite: j.suite as CipherSuiteName,
    psk: fromHex(j.psk),
    ticketAgeAdd: Number(j.ticketAgeAdd),
    lifetime: Number(j.lifetime),
    receivedAt: Number(j.receivedAt),
    maxEarlyData: Number(j.maxEarlyData),
    alpn: (j.alpn as string | null) ?? null,
    serverName: (j.serverName as string | null) ?? null,
  };
}

function unescapeRequest(s: string): string {
  return s.replace(/\\r/g, '\r').replace(/\\n/g, '\n');
}

async function defaultStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) return new Uint8Array(0);
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

export async function connect(args: readonly string[], io: ConnectIo): Promise<number> {
  const { positional, options } = parseOptions(withBooleanFlags(args, ['insecure']), FLAGS);
  if (positional.length !== 1) throw new UsageError('connect needs exactly one HOST:PORT');
  const { host, port } = parseHostPort(positional[0]!);
  const servername = options.get('servername') ?? (isIP(host) === 0 ? host : undefined);
  const insecure = options.get('insecure') !== undefined;
  const caPath = options.get('ca');
  if (insecure && caPath !== undefined) throw new UsageError('--ca and --insecure exclude each other');
  const certPath = options.get('cert');
  const keyPath = options.get('key');
  if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError('--cert and --key go together');
  const wait = parseCount(options.get('wait'), '--wait', 2000);
  const sessIn = options.get('sess-in');
  const session = sessIn !== undefined ? sessionFromJson(readText(sessIn)) : undefined;
  const earlyPath = options.get('early-data');
  const earlyData = earlyPath !== undefined ? new Uint8Array(readFileSync(earlyPath)) : undefined;
  if (earlyData !== undefined && session === undefined) throw new UsageError('--early-data needs --sess-in (0-RTT resumes a session)');
  const groups = options.has('groups') ? parseGroups(options.get('groups')!) : undefined;

  const config: Omit<EndpointConfig, 'role'> = {
    crypto: cryptoProvider(options.get('crypto')),
    random: systemRandom,
    validationTime: Date.now(),
    ...(servername !== undefined ? { serverName: servername } : {}),
    ...(caPath !== undefined ? { trustAnchors: loadAnchors(caPath) } : {}),
    ...(certPath !== undefined && keyPath !== undefined ? { certificate: loadCertifiedKey(certPath, keyPath), postHandshakeAuth: true } : {}),
    ...(groups !== undefined ? { groups, keyShareGroups: groups.slice(0, 1) } : {}),
    ...(options.has('suites') ? { cipherSuites: parseSuites(options.get('suites')!) } : {}),
    ...(options.has('alpn') ? { alpn: splitList(options.get('alpn')!) } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(earlyData !== undefined ? { earlyData } : {}),
  };

  const requestText = options.get('request');
  const request = requestText !== undefined ? new TextEncoder().encode(unescapeRequest(requestText)) : await (io.readStdin ?? defaultStdin)();

  const say = (line: string): void => io.stderr(`${line}\n`);
  if (caPath === undefined && !insecure) say('warning: no --ca: the server certificate is not path-validated (use --ca F, or --insecure to say so)');

  let conn: TlsConnection;
  try {
    conn = await connectTls({ host, port, config, handshakeTimeoutMs: 15_000, label: 'connect' });
  } catch (e) {
    say(`connect: TCP failed: ${(e as Error).message}`);
    return 1;
  }
  let lastSession: ResumptionSession | undefined;
  let earlyAccepted: boolean | undefined;
  conn.on('endpoint_event', (ev: EndpointEvent) => {
    if (ev.type === 'new_session_ticket' && ev.session !== undefined) lastSession = ev.session;
    if (ev.type === 'early_data') earlyAccepted = ev.accepted;
  });

  let status = 0;
  const response: Uint8Array[] = [];
  let failure: unknown;
  try {
    await conn.handshake();
    say(`connect: ok at ${conn.connectedAt} ms (SSL_connect returned: our Finished is sent)`);
    if (request.length > 0) await conn.writeAsync(request);
    await readResponse(conn, wait, (d) => {
      response.push(d);
      io.stdout(new TextDecoder().decode(d));
    });
  } catch (e) {
    failure = e;
    status = 1;
  }
  if (conn.closed === undefined) await conn.close();

  if (failure !== undefined) {
    const when = conn.connectedAt === undefined ? 'connect failed' : 'late alert';
    say(`${when}: ${failureText(failure)}`);
    if (conn.connectedAt !== undefined && isTlsError(failure) && failure.name === 'PeerAlertError') {
      say(`  the server rejected our handshake after our connect had already succeeded (at ${conn.connectedAt} ms)`);
    }
  }
  for (const line of describeConnection(conn, {
    'early data': earlyData === undefined ? 'not sent' : earlyAccepted === undefined ? 'not offered (session does not allow it)' : earlyAccepted ? 'accepted' : 'rejected',
    'session tickets': lastSession !== undefined ? 'received' : 'none',
    closed: conn.closed !== undefined ? describeReason(conn.closed) : 'open',
  })) {
    say(line);
  }
  for (const line of ledgerLines(conn.ledger, conn.connectedAt)) say(line);

  const sessOut = options.get('sess-out');
  if (sessOut !== undefined) {
    if (lastSession !== undefined) io.writeFile(sessOut, sessionToJson(lastSession));
    else say(`--sess-out: no NewSessionTicket received; ${sessOut} not written`);
  }
  const trace = conn.toTrace();
  const keylog = options.get('keylog');
  if (keylog !== undefined) io.writeFile(keylog, renderConnectionKeylog(trace));
  const pcap = options.get('pcap');
  if (pcap !== undefined) io.writeFile(pcap, renderConnectionPcap(trace, conn.startedAt));
  const tracePath = options.get('trace');
  if (tracePath !== undefined) io.writeFile(tracePath, traceToJson(trace));
  return status;
}

/**
 * Reads until the server closes (close_notify or FIN), or `wait` ms pass with nothing new.
 * A fatal alert or a truncation throws.
 */
async function readResponse(conn: TlsConnection, wait: number, onData: (d: Uint8Array) => void): Promise<void> {
  for (;;) {
    const d = conn.tryRead();
    if (d === null) return;
    if (d !== undefined) {
      onData(d);
      continue;
    }
    if (!(await conn.waitReadable(wait))) return;
  }
}

export function ledgerLines(l: LedgerView, connectedAt: number | undefined): string[] {
  const at = (m: { time: number } | undefined): string => (m === undefined ? 'never' : `${m.time} ms`);
  const v = l.peerVerdict;
  const verdict =
    v.verdict === 'unknown'
      ? 'unknown (nothing from the server yet proves it accepted or rejected our handshake)'
      : v.verdict === 'accepted'
        ? `accepted at ${v.at.time} ms (evidence: ${v.evidence} after our Finished)`
        : `rejected at ${v.at.time} ms (alert ${v.alert.description})`;
  return [
    'ledger:',
    `  connect returned:   ${connectedAt === undefined ? 'never' : `${connectedAt} ms`}`,
    `  our Finished sent:  ${at(l.finishedFlushed)}`,
    `  handshake complete: ${at(l.handshakeComplete)} (RFC 8446 §4.4.4: Finished sent and received)`,
    `  server verdict:     ${verdict}`,
  ];
}

function failureText(e: unknown): string {
  if (isTlsError(e)) return `${e.name === 'PeerAlertError' ? 'received' : 'sent'} alert ${e.alert}: ${e.message}`;
  if (e instanceof TruncationError || e instanceof ConnectionClosedError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${path}': ${(e as Error).message}`);
  }
}

registerCommand('connect', connect, CONNECT_USAGE);
