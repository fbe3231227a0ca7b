/**
 * For the CLI tests: a fake io, the CLI as a child process, the one-line error check, and
 * key and certificate files made by `openssl` in a temp dir.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CliIo } from '../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const MAIN = join(ROOT, 'packages/sim/src/cli/main.ts');

export type FakeIo = CliIo & { out: string; err: string; files: Map<string, string | Uint8Array> };

/** Captures stdout/stderr as text and written files in a map (no `stdoutBytes`). */
export function fakeIo(): FakeIo {
  const r: FakeIo = {
    out: '',
    err: '',
    files: new Map(),
    stdout(t) {
      r.out += t;
    },
    stderr(t) {
      r.err += t;
    },
    writeFile(p, d) {
      r.files.set(p, d);
    },
  };
  return r;
}

/**
 * A failure as a user must see it: a non-zero exit, stderr one line starting with
 * `tls13sim:`, no stack trace.
 */
export function expectOneLineError(code: number | null, stderr: string, message?: RegExp): void {
  expect(stderr).not.toMatch(/^ {4}at /m);
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tls13sim: /);
  if (message !== undefined) expect(lines[0]).toMatch(message);
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
}

export interface CliResult {
  /** null when the process was killed (it did not exit by itself within the time). */
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * Runs a TypeScript entry point (the CLI by default) in its own node process, with `stdin`
 * piped in (then closed). Killed after `timeoutMs`: status null.
 */
export function runProcess(
  args: readonly string[],
  opts: { stdin?: Uint8Array | string; timeoutMs?: number; script?: string; closeStdout?: boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', opts.script ?? MAIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    // Closing our end of stdout at once: every write the CLI makes fails with EPIPE.
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** A TCP server that counts connections and closes each at once. */
export async function countingServer(): Promise<{ server: Server; port: number; count: () => number }> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, count: () => n };
}

export interface BadInputs {
  readonly dir: string;
  path(name: string): string;
  /** P-256 certificate (CN=localhost) and its key, PEM. */
  readonly cert: string;
  readonly key: string;
  /** The same, DER. */
  readonly certDer: string;
  readonly keyDer: string;
  /** Another P-256 key: not the certificate's. */
  readonly otherKey: string;
  readonly encryptedKey: string;
  readonly secp256k1Key: string;
  readonly secp256k1Cert: string;
  readonly x448Key: string;
  /** The first 200 bytes of the DER certificate. */
  readonly truncatedDer: string;
  /** A well-formed session file (connect --sess-in). */
  readonly session: string;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Good and bad key/certificate files, made with openssl (a second or so). */
export function makeBadInputs(): BadInputs {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-cli-'));
  const path = (name: string): string => join(dir, name);
  const p256 = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['genpkey', ...p256, '-out', path('good.key')]);
  openssl(['req', '-x509', '-key', path('good.key'), '-out', path('good.pem'), '-subj', '/CN=localhost', '-days', '2']);
  openssl(['x509', '-in', path('good.pem'), '-outform', 'DER', '-out', path('good.der')]);
  openssl(['pkey', '-in', path('good.key'), '-outform', 'DER', '-out', path('good.key.der')]);
  openssl(['genpkey', ...p256, '-out', path('other.key')]);
  openssl(['genpkey', ...p256, '-aes256', '-pass', 'pass:x', '-out', path('encrypted.key')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-out', path('k1.key')]);
  openssl(['req', '-x509', '-key', path('k1.key'), '-out', path('k1.pem'), '-subj', '/CN=k1', '-days', '2']);
  openssl(['genpkey', '-algorithm', 'X448', '-out', path('x448.key')]);
  writeFileSync(path('truncated.der'), readFileSync(path('good.der')).subarray(0, 200));
  writeFileSync(
    path('session.json'),
    JSON.stringify({
      version: 1,
      ticket: '00112233',
      suite: 'TLS_AES_128_GCM_SHA256',
      psk: '00'.repeat(32),
      ticketAgeAdd: 1,
      lifetime: 7200,
      receivedAt: Date.now(),
      maxEarlyData: 16384,
      alpn: null,
      serverName: 'localhost',
    }),
  );
  return {
    dir,
    path,
    cert: path('good.pem'),
    key: path('good.key'),
    certDer: path('good.der'),
    keyDer: path('good.key.der'),
    otherKey: path('other.key'),
    encryptedKey: path('encrypted.key'),
    secp256k1Key: path('k1.key'),
    secp256k1Cert: path('k1.pem'),
    x448Key: path('x448.key'),
    truncatedDer: path('truncated.der'),
    session: path('session.json'),
  };
}
