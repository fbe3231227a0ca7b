/**
 * Runs the OpenSSL 3.0 libssl harness (openssl/harness.c; its header documents the
 * outcome format). The harness is compiled with gcc against the system libssl once per
 * machine: the binary is cached in os.tmpdir() under a hash of the source, so a changed
 * source builds anew and nothing is fetched (offline).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHarnessProcess, type HarnessInput, type Outcome, type HarnessRunOptions } from './harness.js';
import type { RefusalAlerts } from './lens-check.js';

const SOURCE = fileURLToPath(new URL('./openssl/harness.c', import.meta.url));
/** The header both C harnesses include: part of what a cached build depends on. */
export const C_JSON_HEADER = fileURLToPath(new URL('./c/json.h', import.meta.url));

/** The library version the snapshot (observed/openssl.json) was taken with. */
export const OPENSSL_SERIES = 'OpenSSL 3.0.';

/**
 * What libssl sends when it refuses its peer (rejectionAlertsTest): OpenSSL's and CPython's
 * `ssl` both run it, and both tests hold it. It sends the X.509 error's alert.
 */
export const LIBSSL_REFUSAL_ALERTS: RefusalAlerts = {
  unknownCa: ['unknown_ca'],
  badCv: ['decrypt_error'],
  certMissing: ['certificate_required'],
  tls12CertMissing: ['handshake_failure'],
  badServerSignature: ['decrypt_error'],
  tls12BadServerSignature: ['decrypt_error'],
  untrustedServer: ['unknown_ca'],
  downgrade: ['illegal_parameter'],
};

let built: { bin: string } | { error: string } | undefined;

function build(): { bin: string } | { error: string } {
  if (built !== undefined) return built;
  const src = readFileSync(SOURCE);
  const hash = createHash('sha256').update(src).update(readFileSync(C_JSON_HEADER)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'tls13sim-openssl-harness');
  const bin = join(dir, `harness-${hash}`);
  if (!existsSync(bin)) {
    if (spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status !== 0) return (built = { error: 'gcc is missing' });
    mkdirSync(dir, { recursive: true });
    // Build under a unique name, then rename: parallel test workers never see half a binary.
    const tmp = `${bin}.${process.pid}.${Date.now()}.tmp`;
    try {
      execFileSync('gcc', ['-O1', '-Wall', '-o', tmp, SOURCE, '-lssl', '-lcrypto'], { stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(tmp, bin);
    } catch (e) {
      rmSync(tmp, { force: true });
      const stderr = (e as { stderr?: Buffer }).stderr?.toString('utf8') ?? String(e);
      return (built = { error: `cannot build the OpenSSL harness (libssl-dev missing?): ${stderr.split('\n').slice(0, 3).join(' ')}` });
    }
  }
  return (built = { bin });
}

let availability: string | null | undefined;

/** Null when gcc and libssl-dev are present and libssl is the 3.0 series; else the reason. */
export function opensslAvailable(): string | null {
  if (availability !== undefined) return availability;
  const b = build();
  if ('error' in b) return (availability = b.error);
  const v = spawnSync(b.bin, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return (availability = `the OpenSSL harness does not run: ${v.stderr}`);
  const version = v.stdout.trim();
  if (!version.startsWith(OPENSSL_SERIES)) return (availability = `libssl is ${version}; the observed outcomes are for ${OPENSSL_SERIES}x`);
  return (availability = null);
}

/** Runs `input` through the OpenSSL harness; its outcome lines. */
export async function runOpenssl(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  const b = build();
  if ('error' in b) throw new Error(b.error);
  return runHarnessProcess(b.bin, [], input, opts);
}
