/**
 * `tls13sim connect HOST:PORT` (docs/interop.md): our client against a real server. It
 * sends a request (from `--request`, else stdin), prints the response on stdout, and on
 * stderr reports what was negotiated, the ledger (when connect returned, when the
 * handshake completed in the RFC 8446 §4.4.4 sense, what we know of the server's verdict on
 * our handshake) and any late alert: the SSL_connect question answered for a real server.
 *
 * Received data goes to stdout as raw bytes (it may be binary). `--key-update` sends
 * KeyUpdate(update_requested) right after the handshake (RFC 8446 §4.6.3).
 *
 * Exit status: 0 when the handshake succeeded and no fatal alert followed; 1 otherwise.
 */
import { isIP } from 'node:net';
import { CipherSuite, systemRandom, type CipherSuiteName, type EndpointConfig, type EndpointEvent, type ResumptionSession } from '@tls13sim/handshake';
import { fromHex, isTlsError, toHex } from '@tls13sim/record';
import { renderConnectionKeylog, renderConnectionPcap } from '../net/capture.js';
import { connectTls } from '../net/client.js';
import { ConnectionClosedError, TruncationError, describeReason, type TlsConnection } from '../net/connection.js';
import type { LedgerView } from '../ledger.js';
import { traceToJson } from '../trace.js';
import { CliError, UsageError, registerCommand, type CliIo } from './command.js';
import { checkWritable, flagOption, parseOptions, writeOutput } from './options.js';
import {
  cryptoProvider,
  describeConnection,
  loadAnchors,
  loadCertifiedKey,
  parseCount,
  parseGroups,
  parseSuites,
  parseVersions,
  readInput,
  splitList,
} from './tls-options.js';

const FLAGS = [
  'servername',
  'cert',
  'key',
  'ca',
  'groups',
  'suites',
  'versions',
  'sess-out',
  'sess-in',
  'early-data',
  'keylog',
  'request',
  'crypto',
  'alpn',
  'pcap',
  'trace',
  'wait',
];
const BOOLEAN_FLAGS = ['insecure', 'key-update'];
/** Files written after the connection: checked before it, so a typo costs no connection. */
const OUTPUT_FLAGS = ['sess-out', 'keylog', 'pcap', 'trace'];

export const CONNECT_USAGE =
  'tls13sim connect HOST:PORT [--servername N] [--cert F --key F] [--ca F | --insecure] [--groups a,b] [--suites a,b] ' +
  '[--sess-out F] [--sess-in F] [--early-data F] [--keylog F] [--request TEXT] [--alpn a,b] [--crypto noble|node] ' +
  '[--pcap F] [--trace F] [--wait MS] [--key-update] [--versions 1.2,1.3]';

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

/**
 * Reads a session file back; a CliError saying what is wrong when `text` is not one (not
 * JSON, another version, a field missing or of the wrong kind).
 */
export function sessionFromJson(text: string): ResumptionSession {
  const bad = (why: string): never => {
    throw new CliError(`not a tls13sim session file (${why}; \`connect --sess-out F\` writes one)`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad('not a JSON object');
  const j = parsed as Record<string, unknown>;
  if (j.version !== 1) bad(j.version === undefined ? 'no version' : `version ${JSON.stringify(j.version)}, expected 1`);
  const hex = (k: string): Uint8Array => {
    const v = j[k];
    if (typeof v !== 'string' || v.length === 0 || !/^([0-9a-fA-F]{2})+$/.test(v)) return bad(`${k} must be a non-empty hex string`);
    return fromHex(v);
  };
  const int = (k: string): number => {
    const v = j[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return bad(`${k} must be a non-negative integer`);
    return v;
  };
  const optText = (k: string): string | null => {
    const v = j[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return bad(`${k} must be a string or null`);
    return v;
  };
  const suite = j.suite;
  if (typeof suite !== 'string' || !Object.keys(CipherSuite).includes(suite)) bad(`suite must be one of ${Object.keys(CipherSuite).join(', ')}`);
  return {
    ticket: hex('ticket'),
    suite: suite as CipherSuiteName,
    psk: hex('psk'),
    ticketAgeAdd: int('ticketAgeAdd'),
    lifetime: int('lifetime'),
    receivedAt: int('receivedAt'),
    maxEarlyData: int('maxEarlyData'),
    alpn: optText('alpn'),
    serverName: optText('serverName'),
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
  const { positional, options } = parseOptions(args, FLAGS, BOOLEAN_FLAGS);
  if (positional.length !== 1) throw new UsageError('connect needs exactly one HOST:PORT');
  const { host, port } = parseHostPort(positional[0]!);
  const servername = options.get('servername') ?? (isIP(host) === 0 ? host : undefined);
  const insecure = flagOption(options, 'insecure');
  const keyUpdate = flagOption(options, 'key-update');
  const caPath = options.get('ca');
  if (insecure && caPath !== undefined) throw new UsageError('--ca and --insecure exclude each other');
  // Verification is the default: a client that checks nothing would talk to anyone.
  if (!insecure && caPath === undefined) throw new UsageError('connect needs --ca FILE to verify the server, or --insecure to skip verification');
  const certPath = options.get('cert');
  const keyPath = options.get('key');
  if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError('--cert and --key go together');
  const wait = parseCount(options.get('wait'), '--wait', 2000);
  const sessIn = options.get('sess-in');
  const earlyPath = options.get('early-data');
  if (earlyPath !== undefined && sessIn === undefined) throw new UsageError('--early-data needs --sess-in (0-RTT resumes a session)');
  for (const flag of OUTPUT_FLAGS) {
    const path = options.get(flag);
    if (path !== undefined) checkWritable(path, `--${flag}`);
  }
  let session: ResumptionSession | undefined;
  if (sessIn !== undefined) {
    const text = new TextDecoder().decode(readInput(sessIn, '--sess-in'));
    try {
      session = sessionFromJson(text);
    } catch (e) {
      throw e instanceof CliError ? new CliError(`--sess-in ${sessIn}: ${e.message}`) : e;
    }
  }
  const earlyData = earlyPath !== undefined ? readInput(earlyPath, '--early-data') : undefined;
  const groups = options.has('groups') ? parseGroups(options.get('groups')!) : undefined;

  const config: Omit<EndpointConfig, 'role'> = {
    crypto: cryptoProvider(options.get('crypto')),
    random: systemRandom,
    validationTime: Date.now(),
    ...(servername !== undefined ? { serverName: servername } : {}),
    ...(caPath !== undefined ? { trustAnchors: loadAnchors(caPath) } : { insecure: true }),
    ...(certPath !== undefined && keyPath !== undefined ? { certificate: loadCertifiedKey(certPath, keyPath), postHandshakeAuth: true } : {}),
    ...(groups !== undefined ? { groups, keyShareGroups: groups.slice(0, 1) } : {}),
    ...(options.has('suites') ? { cipherSuites: parseSuites(options.get('suites')!) } : {}),
    ...(options.has('alpn') ? { alpn: splitList(options.get('alpn')!) } : {}),
    ...(options.has('versions') ? { versions: parseVersions(options.get('versions')!) } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(earlyData !== undefined ? { earlyData } : {}),
  };

  const requestText = options.get('request');
  const request = requestText !== undefined ? new TextEncoder().encode(unescapeRequest(requestText)) : await (io.readStdin ?? defaultStdin)();

  const say = (line: string): void => io.stderr(`${line}\n`);

  let conn: TlsConnection;
  try {
    conn = await connectTls({ host, port, config, handshakeTimeoutMs: 15_000, label: 'connect' });
  } catch (e) {
    throw new CliError(tcpErrorText(e, host, port));
  }
  let lastSession: ResumptionSession | undefined;
  let earlyAccepted: boolean | undefined;
  // The server's KeyUpdate, if it answers ours (§4.6.3: before its next application data).
  let peerKeyUpdateAt: number | undefined;
  conn.on('endpoint_event', (ev: EndpointEvent) => {
    if (ev.type === 'new_session_ticket' && ev.session !== undefined) lastSession = ev.session;
    if (ev.type === 'early_data') earlyAccepted = ev.accepted;
    if (ev.type === 'key_update' && ev.direction === 'read' && peerKeyUpdateAt === undefined) peerKeyUpdateAt = conn.now;
  });

  let status = 0;
  let failure: unknown;
  // Raw bytes when the io can take them; a streaming decoder (no split characters) otherwise.
  const decoder = new TextDecoder();
  const out = (d: Uint8Array): void => (io.stdoutBytes !== undefined ? io.stdoutBytes(d) : io.stdout(decoder.decode(d, { stream: true })));
  let keyUpdateSentAt: number | undefined;
  try {
    await conn.handshake();
    say(
      conn.version === 'TLSv1.2'
        ? `connect: ok at ${conn.connectedAt} ms (SSL_connect returned: the server's Finished is verified, sent after it judged our flight, RFC 5246 §7.3)`
        : `connect: ok at ${conn.connectedAt} ms (SSL_connect returned: our Finished is sent)`,
    );
    if (keyUpdate) {
      // RFC 8446 §4.6.3: update_requested asks the server to update its sending keys too.
      conn.keyUpdate(true);
      keyUpdateSentAt = conn.now;
      say(`key update: sent KeyUpdate(update_requested) at ${keyUpdateSentAt} ms; our write keys are now ${conn.endpoint.writeEpoch}`);
    }
    if (request.length > 0) await conn.writeAsync(request);
    await readResponse(conn, wait, out);
  } catch (e) {
    failure = e;
    status = 1;
  }
  if (io.stdoutBytes === undefined) {
    const rest = decoder.decode();
    if (rest !== '') io.stdout(rest);
  }
  if (conn.closed === undefined) await conn.close();
  if (keyUpdateSentAt !== undefined) {
    say(
      peerKeyUpdateAt !== undefined
        ? `key update: the server answered with its own KeyUpdate at ${peerKeyUpdateAt} ms: both directions rekeyed (read ${conn.endpoint.readEpoch}, write ${conn.endpoint.writeEpoch})`
        : 'key update: no KeyUpdate from the server (it owes one only before its next application data, RFC 8446 §4.6.3)',
    );
  }

  if (failure !== undefined) {
    const when = conn.connectedAt === undefined ? 'connect failed' : 'late alert';
    say(`${when}: ${failureText(failure)}`);
    if (conn.connectedAt !== undefined && isTlsError(failure) && failure.name === 'PeerAlertError') {
      say(`  the server rejected our handshake after our connect had already succeeded (at ${conn.connectedAt} ms)`);
    }
  }
  for (const line of describeConnection(conn, {
    'early data':
      earlyData === undefined ? 'not sent' : earlyAccepted === undefined ? 'not offered (session does not allow it)' : earlyAccepted ? 'accepted' : 'rejected',
    'session tickets': lastSession !== undefined ? 'received' : 'none',
    closed: conn.closed !== undefined ? describeReason(conn.closed) : 'open',
  })) {
    say(line);
  }
  for (const line of ledgerLines(conn.ledger, conn.connectedAt, conn.version ?? 'TLSv1.3')) say(line);

  const sessOut = options.get('sess-out');
  if (sessOut !== undefined) {
    if (lastSession !== undefined) writeOutput(io, sessOut, '--sess-out', sessionToJson(lastSession));
    else say(`--sess-out: no NewSessionTicket received; ${sessOut} not written`);
  }
  const trace = conn.toTrace();
  const keylog = options.get('keylog');
  if (keylog !== undefined) writeOutput(io, keylog, '--keylog', renderConnectionKeylog(trace));
  const pcap = options.get('pcap');
  if (pcap !== undefined) writeOutput(io, pcap, '--pcap', renderConnectionPcap(trace, conn.startedAt));
  const tracePath = options.get('trace');
  if (tracePath !== undefined) writeOutput(io, tracePath, '--trace', traceToJson(trace));
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

export function ledgerLines(l: LedgerView, connectedAt: number | undefined, version: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3'): string[] {
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
    `  handshake complete: ${at(l.handshakeComplete)} (${version === 'TLSv1.2' ? 'RFC 5246 §7.4.9' : 'RFC 8446 §4.4.4'}: Finished sent and received)`,
    `  server verdict:     ${verdict}`,
  ];
}

function failureText(e: unknown): string {
  if (isTlsError(e)) return `${e.name === 'PeerAlertError' ? 'received' : 'sent'} alert ${e.alert}: ${e.message}`;
  if (e instanceof TruncationError || e instanceof ConnectionClosedError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Why the TCP connection failed, in one line. */
export function tcpErrorText(e: unknown, host: string, port: number): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${where}: connection refused (ECONNREFUSED): nothing listens there`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: cannot resolve host ${host} (${code})`;
    case 'ETIMEDOUT':
      return `cannot connect to ${where}: timed out (ETIMEDOUT)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: ${code === 'EHOSTUNREACH' ? 'host' : 'network'} unreachable (${code})`;
    default:
      return `cannot connect to ${where}: ${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}`;
  }
}

registerCommand('connect', connect, CONNECT_USAGE);
