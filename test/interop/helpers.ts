/**
 * Interop test harness: a throwaway PKI written to a temp dir (made with our own builder),
 * `openssl s_server` / `s_client` as child processes on ephemeral ports, and our endpoint
 * over real TCP through the sim's net adapter.
 */
import { afterAll, expect } from 'vitest';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentType, Deframer, concatBytes, fromHex, unprotectRecord } from '@tls13sim/record';
import {
  buildCertificate,
  certificateToPem,
  cipherSuiteParams,
  HandshakeType,
  nextTrafficSecret,
  readHandshakeFrame,
  trafficKeys,
  type CipherSuiteName,
  generateKeyPair,
  nobleProvider,
  privateKeyToPem,
  systemRandom,
  type CertifiedKey,
  type EndpointConfig,
  type KeyType,
  type Tls12CipherSuiteName,
  type X509Certificate,
} from '@tls13sim/handshake';
import { connectTls, TlsServer, type TlsConnection } from '../../packages/sim/src/net/index.js';

export const HOST = '127.0.0.1';

// ── PKI ─────────────────────────────────────────────────────────────────────────────────

export type LeafKind = 'ed25519' | 'p256' | 'p384' | 'rsa';

/** OpenSSL's names (openssl ciphers -V; Node's `ciphers` option takes the same) for the RFC 5289 / RFC 7905 suites. */
export const TLS12_OPENSSL_NAME: Record<Tls12CipherSuiteName, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
};
export const TLS12_SUITES = Object.keys(TLS12_OPENSSL_NAME) as Tls12CipherSuiteName[];
/** The leaf a TLS 1.2 suite needs: RSA for ECDHE_RSA, P-256 for ECDHE_ECDSA. */
export const tls12LeafFor = (s: Tls12CipherSuiteName): LeafKind => (s.includes('_RSA_') ? 'rsa' : 'p256');

export interface Identity {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certified: CertifiedKey;
  readonly cert: X509Certificate;
}

export interface Pki {
  readonly dir: string;
  readonly caPath: string;
  readonly caDer: Uint8Array;
  /** A CA nobody trusts, for rejection tests. */
  readonly otherCaPath: string;
  readonly otherCaDer: Uint8Array;
  readonly server: Record<LeafKind, Identity>;
  /** Server certificate for `alt.test` only (SNI tests). */
  readonly alt: Identity;
  /** Client certificate issued by the trusted CA. */
  readonly client: Identity;
  /** Client certificate issued by the other CA. */
  readonly untrustedClient: Identity;
  path(name: string): string;
}

const DAY = 86_400_000;

/** Builds the PKI once per test file (RSA 2048 keygen is the slow part: a second or two). */
export function makePki(kinds: readonly LeafKind[] = ['ed25519', 'p256', 'p384', 'rsa']): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-interop-'));
  const now = Date.now();
  const ca = makeCa('tls13sim interop CA');
  const other = makeCa('untrusted CA');
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const caPath = write('ca.pem', certificateToPem(ca.cert));
  const otherCaPath = write('other-ca.pem', certificateToPem(other.cert));

  function leaf(
    name: string,
    kind: KeyType,
    issuer: { cert: X509Certificate; key: ReturnType<typeof generateKeyPair> },
    opts: { dns?: string[]; client?: boolean; subject?: string },
  ): Identity {
    const key = generateKeyPair(kind, systemRandom);
    const cert = buildCertificate(
      {
        subject: opts.subject ?? `CN=${name}`,
        issuer: issuer.cert,
        publicKey: key.publicKey,
        notBefore: now - DAY,
        notAfter: now + DAY,
        ...(opts.client ? { extKeyUsage: ['clientAuth'] } : { dnsNames: opts.dns ?? ['localhost'], ipAddresses: ['127.0.0.1'] }),
      },
      issuer.key.privateKey,
      systemRandom,
    );
    const certPath = write(`${name}.pem`, certificateToPem(cert) + certificateToPem(issuer.cert));
    const keyPath = write(`${name}.key`, privateKeyToPem(key.privateKey));
    return { certPath, keyPath, cert, certified: { chain: [cert.der, issuer.cert.der], privateKey: key.privateKey } };
  }

  const server = {} as Record<LeafKind, Identity>;
  for (const k of kinds) server[k] = leaf(`server-${k}`, k, ca, {});
  return {
    dir,
    caPath,
    caDer: ca.cert.der,
    otherCaPath,
    otherCaDer: other.cert.der,
    server,
    alt: leaf('alt', 'p256', ca, { dns: ['alt.test'] }),
    client: leaf('client', 'p256', ca, { client: true, subject: 'CN=interop client,O=tls13sim' }),
    untrustedClient: leaf('untrusted-client', 'p256', other, { client: true, subject: 'CN=stranger' }),
    path: (name) => join(dir, name),
  };

  function makeCa(subject: string): { cert: X509Certificate; key: ReturnType<typeof generateKeyPair> } {
    const key = generateKeyPair('p256', systemRandom);
    const cert = buildCertificate(
      { subject, publicKey: key.publicKey, notBefore: now - DAY, notAfter: now + 30 * DAY, isCA: true },
      key.privateKey,
      systemRandom,
    );
    return { cert, key };
  }
}

// ── openssl processes ───────────────────────────────────────────────────────────────────

export interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves when `re` matches the output (rejects after `ms`, with the output in the message). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited(ms?: number): Promise<number | null>;
  send(text: string): void;
  kill(): void;
}

export function run(cmd: string, args: readonly string[]): Proc {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString('latin1');
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => {});
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      out += `\n[spawn error: ${e.message}]`;
      exitCode = -1;
      for (const w of [...waiters]) w();
      resolve(-1);
    });
    child.on('close', (code) => {
      exitCode = code;
      for (const w of [...waiters]) w();
      resolve(code);
    });
  });
  return {
    child,
    output: () => out,
    waitFor(re, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(re);
          if (m) {
            cleanup();
            resolve(m);
          } else if (exitCode !== undefined) {
            cleanup();
            reject(new Error(`${cmd} exited (${exitCode}) before printing ${re}:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${re} from ${cmd} ${args.join(' ')}:\n${out}`));
        }, ms);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited(ms = 10_000) {
      return Promise.race([
        exit,
        new Promise<number | null>((_, reject) => setTimeout(() => reject(new Error(`${cmd} did not exit in ${ms} ms:\n${out}`)), ms).unref()),
      ]);
    },
    send(text) {
      child.stdin.write(text);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export interface OpensslServer extends Proc {
  readonly port: number;
}

/**
 * `openssl s_server` on an ephemeral port. Its stdin stays open (a backgrounded s_server
 * exits when stdin closes: TOOLCHAIN.md).
 */
export async function opensslServer(args: readonly string[]): Promise<OpensslServer> {
  const p = run('openssl', ['s_server', '-accept', `${HOST}:0`, '-tls1_3', ...args]);
  const m = await p.waitFor(/ACCEPT \S+:(\d+)/);
  return { ...p, port: Number(m[1]) };
}

/** A free loopback port, for a server that cannot be told to pick one. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, HOST, r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * `gnutls-serv` on a free port with the given options, once it listens on IPv4. The port
 * freePort found may be taken again before gnutls-serv binds it (another test's server);
 * gnutls-serv then says "bind() failed" for IPv4, still listens on IPv6 and says
 * "listening", and our 127.0.0.1 client would reach the other server. So the IPv4 line must
 * end in "done"; a failed bind is retried on another port.
 */
export async function gnutlsServer(args: readonly string[]): Promise<OpensslServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const p = run('gnutls-serv', ['--port', String(port), ...args]);
    const m = await p.waitFor(/listening on IPv4 .*?\.\.\.(done|bind\(\) failed)/i);
    if (m[1] === 'done') return { ...p, port };
    p.kill();
    if (attempt === 5) throw new Error(`gnutls-serv could not bind IPv4 on ${attempt} free ports`);
  }
}

/** `openssl s_client` to our server. */
export function opensslClient(port: number, args: readonly string[]): Proc {
  return run('openssl', ['s_client', '-connect', `${HOST}:${port}`, '-tls1_3', ...args]);
}

// ── Go programs ─────────────────────────────────────────────────────────────────────────

/**
 * Builds a one-file Go program (standard library only, GOPROXY=off) once per machine, Go
 * version and source, as test/differential/go.ts does its harness; returns the binary.
 */
export function buildGoProgram(name: string, source: string): string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
  const hash = createHash('sha256').update(version).update(source).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'tls13sim-go-harness');
  const bin = join(root, `${name}-${hash}`);
  if (existsSync(bin)) return bin;
  const src = join(root, `${name}-src-${hash}-${process.pid}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'main.go'), source);
  writeFileSync(join(src, 'go.mod'), `module ${name.replace(/[^a-z0-9]/g, '')}\n\ngo 1.19\n`);
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GO111MODULE: 'on',
    GOCACHE: join(root, 'gocache'),
    GOPATH: join(root, 'gopath'),
    CGO_ENABLED: '0',
  };
  // Build under a unique name, then rename: parallel test workers may build at once.
  const tmp = `${bin}.${process.pid}.${Date.now()}.tmp`;
  const r = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: src, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build failed (${r.status}):\n${r.stdout}${r.stderr}`);
  renameSync(tmp, bin);
  return bin;
}

// ── our side ────────────────────────────────────────────────────────────────────────────

export function clientConfig(pki: Pki, extra: Partial<Omit<EndpointConfig, 'role'>> = {}): Omit<EndpointConfig, 'role'> {
  return {
    crypto: nobleProvider,
    random: systemRandom,
    trustAnchors: [pki.caDer],
    validationTime: Date.now(),
    serverName: 'localhost',
    ...extra,
  };
}

export async function ourClient(port: number, config: Omit<EndpointConfig, 'role'>): Promise<TlsConnection> {
  return connectTls({ host: HOST, port, config, handshakeTimeoutMs: 10_000 });
}

/** Reads until EOF, an error, or `quietMs` without data; returns the text and how it ended. */
export async function readText(conn: TlsConnection, quietMs = 3_000): Promise<{ text: string; end: 'eof' | 'quiet' | Error }> {
  let text = '';
  for (;;) {
    let d: Uint8Array | null | undefined;
    try {
      d = conn.tryRead();
    } catch (e) {
      return { text, end: e as Error };
    }
    if (d === null) return { text, end: 'eof' };
    if (d !== undefined) {
      text += new TextDecoder().decode(d);
      continue;
    }
    if (!(await conn.waitReadable(quietMs))) return { text, end: 'quiet' };
  }
}

/** Reads until `re` matches the text received so far. */
export async function readUntil(conn: TlsConnection, re: RegExp, ms = 10_000): Promise<string> {
  let text = '';
  const deadline = Date.now() + ms;
  for (;;) {
    const d = conn.tryRead();
    if (d === null) throw new Error(`EOF before ${re}; got: ${text}`);
    if (d !== undefined) {
      text += new TextDecoder().decode(d);
      if (re.test(text)) return text;
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0 || !(await conn.waitReadable(left))) throw new Error(`timed out waiting for ${re}; got: ${text}`);
  }
}

/** The epochs our endpoint installed keys for, per direction, from its trace. */
export function epochs(conn: TlsConnection, direction: 'read' | 'write'): string[] {
  return conn.events.flatMap((e) => (e.type === 'keys_installed' && e.direction === direction ? [e.epoch] : []));
}

// ── keylogs ─────────────────────────────────────────────────────────────────────────────

/**
 * What every full handshake logs (NSS key log labels), sorted: the four TLS 1.3 traffic
 * secrets and EXPORTER_SECRET (exporter_master_secret, RFC 8446 §7.5).
 */
export const KEYLOG_LABELS = [
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'EXPORTER_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_TRAFFIC_SECRET_0',
] as const;

/**
 * NSS key log text (a file, or lines from Node's `keylog` events) grouped by client random:
 * random (hex) → its lines, sorted. Comments (`#`, OpenSSL's file header) and blank lines
 * are skipped; a malformed line throws.
 */
export function keylogByRandom(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = line.match(/^([A-Z_0-9]+) ([0-9a-f]{64}) ([0-9a-f]+)$/);
    if (!m) throw new Error(`not an NSS key log line: ${JSON.stringify(line)}`);
    const lines = out.get(m[2]!) ?? [];
    lines.push(line);
    out.set(m[2]!, lines);
  }
  for (const lines of out.values()) lines.sort();
  return out;
}

/** The labels of key log lines, in the lines' order. */
export function keylogLabels(lines: readonly string[]): string[] {
  return lines.map((l) => l.split(' ')[0]!);
}

/**
 * Our NSS key log against the peer's, for one connection: the same single client random,
 * and for it the same lines (sorted), line for line: the four traffic secrets and
 * EXPORTER_SECRET, same values.
 */
export function expectSameKeylog(oursText: string, theirsText: string): void {
  const ours = keylogByRandom(oursText);
  const theirs = keylogByRandom(theirsText);
  expect([...theirs.keys()]).toHaveLength(1);
  expect([...ours.keys()]).toEqual([...theirs.keys()]);
  const random = [...theirs.keys()][0]!;
  expect(ours.get(random)).toEqual(theirs.get(random));
  expect(keylogLabels(ours.get(random)!)).toEqual([...KEYLOG_LABELS]);
}

/** Clean-ups run once the calling file's tests are done, the last added first. */
export function afterAllCleanups(): (() => Promise<void> | void)[] {
  const list: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of list.reverse()) await c();
  });
  return list;
}

// ── the wire ────────────────────────────────────────────────────────────────────────────

/** What crossed a wire tap: each direction's bytes so far, and when its FIN passed. */
export interface WireTap {
  /** Connect here instead of to the server. */
  readonly port: number;
  /** Bytes from the side that connected to the tap (the client) to the server, in order. */
  c2s(): Uint8Array;
  /** Bytes from the server to the client, in order. */
  s2c(): Uint8Array;
  /** Resolve when that direction's FIN has passed through the tap. */
  readonly ended: { readonly c2s: Promise<void>; readonly s2c: Promise<void> };
  /** Lets the client's bytes held back (`holdAfterClientHello`) through, and stops holding. */
  release(): void;
  close(): Promise<void>;
}

export interface WireTapOptions {
  /**
   * Pass the client's first record (its ClientHello), then hold everything else it sends
   * back until `release()`: a client whose second flight the server has not received yet.
   * Default: hold nothing.
   */
  readonly holdAfterClientHello?: boolean;
}

/**
 * A TCP relay on 127.0.0.1 for one connection to `port` that keeps what crossed it in each
 * direction: what a peer received is then read off the wire, not off our own trace. A FIN
 * is passed on as a FIN (half-close), so each side's close is seen as it was sent.
 */
export async function wireTap(port: number, opts: WireTapOptions = {}): Promise<WireTap> {
  const c2s: Uint8Array[] = [];
  const s2c: Uint8Array[] = [];
  // Client bytes past the budget wait here (in order, FIN last) until release(). With
  // holdAfterClientHello the budget is set from the first record's header when it comes.
  let passBudget = opts.holdAfterClientHello === true ? Number.NaN : Number.POSITIVE_INFINITY;
  let held: (Buffer | 'fin')[] = [];
  let upstreamSocket: Socket | undefined;
  let endC2s!: () => void;
  let endS2c!: () => void;
  const ended = { c2s: new Promise<void>((r) => (endC2s = r)), s2c: new Promise<void>((r) => (endS2c = r)) };
  const sockets: Socket[] = [];
  const pipe = (from: Socket, to: Socket, keep: Uint8Array[], onEnd: () => void, holds: boolean): void => {
    from.on('data', (d: Buffer) => {
      keep.push(new Uint8Array(d));
      if (holds && Number.isNaN(passBudget)) {
        // The ClientHello record's length is in its header: until the header is whole, pass.
        const first = concatBytes(...keep);
        if (first.length < 5) {
          to.write(d);
          return;
        }
        passBudget = 5 + ((first[3]! << 8) | first[4]!) - (first.length - d.length);
      }
      if (!holds || (held.length === 0 && d.length <= passBudget)) {
        if (holds) passBudget -= d.length;
        to.write(d);
        return;
      }
      const pass = held.length === 0 ? Math.max(0, passBudget) : 0;
      if (pass > 0) to.write(d.subarray(0, pass));
      passBudget -= pass;
      held.push(d.subarray(pass));
    });
    from.on('end', () => {
      onEnd();
      if (holds && held.length > 0) held.push('fin');
      else to.end();
    });
    from.on('error', () => to.destroy());
    from.on('close', () => {
      if (!to.writableEnded) to.destroy();
    });
  };
  const server = createServer({ allowHalfOpen: true }, (client) => {
    server.close();
    const upstream = netConnect({ host: HOST, port, allowHalfOpen: true });
    upstreamSocket = upstream;
    sockets.push(client, upstream);
    pipe(client, upstream, c2s, endC2s, true);
    pipe(upstream, client, s2c, endS2c, false);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    c2s: () => concatBytes(...c2s),
    s2c: () => concatBytes(...s2c),
    ended,
    release: () => {
      passBudget = Number.POSITIVE_INFINITY;
      const waiting = held;
      held = [];
      for (const d of waiting) {
        if (d === 'fin') upstreamSocket?.end();
        else upstreamSocket?.write(d);
      }
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** One record opened off the wire: its inner content type (§5.2), content and zero padding. */
export interface OpenedRecord {
  readonly type: number;
  readonly content: Uint8Array;
  readonly padding: number;
}

/**
 * The records of one direction that open under its application traffic secret (§7.3),
 * in order, from the bytes a wire tap kept. The records before the first that opens are
 * the hellos in plaintext and the handshake epoch's, and are skipped; once one opens, every
 * later record must open too (a failure throws: nothing else may follow in that epoch).
 * A KeyUpdate moves on to the next secret (§7.2), as the receiver does, sequence from 0.
 */
export function openApplicationRecords(wire: Uint8Array, suite: CipherSuiteName, secret: Uint8Array): OpenedRecord[] {
  const params = cipherSuiteParams(suite);
  const keysOf = (s: Uint8Array) => ({ aead: nobleProvider.aead(params.aead), ...trafficKeys(nobleProvider, params, s) });
  let current = secret;
  let keys = keysOf(current);
  let seq = 0n;
  const deframer = new Deframer();
  deframer.push(wire);
  const out: OpenedRecord[] = [];
  for (let r = deframer.next(); r !== null; r = deframer.next()) {
    if (r.type !== ContentType.application_data) {
      if (out.length > 0) throw new Error(`a plaintext record of type ${r.type} after application records`);
      continue;
    }
    try {
      const opened = unprotectRecord(keys, seq++, r.wire);
      out.push({ type: opened.contentType, content: opened.content, padding: opened.padding });
    } catch (e) {
      if (out.length > 0) throw e;
      seq = 0n;
      continue;
    }
    if (endsWithKeyUpdate(out.at(-1)!)) {
      current = nextTrafficSecret(nobleProvider, params.hash, current);
      keys = keysOf(current);
      seq = 0n;
    }
  }
  if (deframer.buffered !== 0) throw new Error(`${deframer.buffered} bytes of an incomplete record at the end`);
  return out;
}

/**
 * One direction of a wire tap, opened with that direction's application traffic secret
 * from an NSS key log: the client's (CLIENT_TRAFFIC_SECRET_0) for c2s, the server's for s2c.
 * `suite` is the negotiated suite's name, as a library reports it.
 */
export function openTapped(tap: Pick<WireTap, 'c2s' | 's2c'>, direction: 'c2s' | 's2c', suite: string, keylog: string): OpenedRecord[] {
  const label = direction === 'c2s' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0';
  return openApplicationRecords(tap[direction](), suite as CipherSuiteName, keylogSecret(keylog, label));
}

/** The KeyUpdate messages among opened records, each as its bytes (type, uint24 length, request_update). */
export function keyUpdates(records: readonly OpenedRecord[]): number[][] {
  return handshakeFrames(records)
    .filter((f) => f.msgType === HandshakeType.key_update)
    .map((f) => [...f.raw]);
}

/** The handshake message types in opened records, in order (a record may hold several). */
export function handshakeTypes(records: readonly OpenedRecord[]): number[] {
  return handshakeFrames(records).map((f) => f.msgType);
}

/** The handshake messages in opened records, framed by the handshake package's reader. */
function handshakeFrames(records: readonly OpenedRecord[]) {
  const frames: NonNullable<ReturnType<typeof readHandshakeFrame>>[] = [];
  for (const r of records) {
    if (r.type !== ContentType.handshake) continue;
    for (let f = readHandshakeFrame(r.content); f !== undefined; f = readHandshakeFrame(r.content, f.end)) frames.push(f);
  }
  return frames;
}

/** Whether a record's last handshake message is a KeyUpdate (§5.1: a key change ends its record). */
function endsWithKeyUpdate(r: OpenedRecord): boolean {
  return handshakeFrames([r]).at(-1)?.msgType === HandshakeType.key_update;
}

/** An opened record in words: `alert close_notify` (level 1, description 0), `application_data 6 bytes`, `handshake 4` (its first message's type)… */
export function describeOpened(r: OpenedRecord): string {
  if (r.type === ContentType.alert) return r.content[0] === 1 && r.content[1] === 0 ? 'alert close_notify' : `alert ${r.content[0]}/${r.content[1]}`;
  if (r.type === ContentType.handshake) return `handshake ${r.content[0]}`;
  if (r.type === ContentType.application_data) return `application_data ${r.content.length} bytes`;
  return `type ${r.type}`;
}

/** The secret on the single `label` line of an NSS key log (one connection's). */
export function keylogSecret(text: string, label: string): Uint8Array {
  const lines = text.split('\n').filter((l) => l.startsWith(`${label} `));
  if (lines.length !== 1) throw new Error(`expected one ${label} line in the key log, found ${lines.length}`);
  return fromHex(lines[0]!.trim().split(' ')[2]!);
}

/**
 * Our server on 127.0.0.1: completes each handshake, echoes one line back (`echo: …`) and
 * closes; records each connection and its handshake outcome ('ok' or the alert). The
 * server goes into `servers` for the caller to close.
 */
export async function startEchoServer(
  config: () => Omit<EndpointConfig, 'role'>,
  servers: TlsServer[],
): Promise<{ port: number; conns: TlsConnection[]; outcomes: (string | undefined)[] }> {
  const conns: TlsConnection[] = [];
  const outcomes: (string | undefined)[] = [];
  const server = new TlsServer({
    config,
    onConnection: async (conn) => {
      conns.push(conn);
      try {
        await conn.handshake();
        outcomes.push('ok');
      } catch (e) {
        outcomes.push((e as { alert?: string }).alert ?? String(e));
        return;
      }
      const line = await conn.read();
      conn.write(`echo: ${new TextDecoder().decode(line ?? new Uint8Array(0))}`);
      await conn.close();
    },
    onError: () => {},
  });
  servers.push(server);
  const addr = await server.listen(0, HOST);
  return { port: addr.port, conns, outcomes };
}
