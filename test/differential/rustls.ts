/**
 * Runner for the rustls harness (test/differential/rustls/): Debian's Rust toolchain
 * (packages cargo, rustc) builds it offline against Debian's packaged crates
 * (librust-rustls-dev: rustls 0.20.8) in /usr/share/cargo/registry. It is built once per
 * machine into os.tmpdir(), keyed by a hash of its source and of `rustc --version`.
 *
 * The harness reads its input as lines (`key value`, `step <op> <n> <hex>`), not JSON:
 * Debian packages no JSON crate for that toolchain.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noRefuseCert, runHarnessProcess, type HarnessInput, type HarnessRunOptions, type Outcome } from './harness.js';

const SRC_DIR = fileURLToPath(new URL('./rustls/', import.meta.url));
const SOURCES = ['Cargo.toml', 'Cargo.lock', 'src/main.rs'];
/** Debian's toolchain and crate registry (not a rustup toolchain that may be first on PATH). */
const CARGO = '/usr/bin/cargo';
const RUSTC = '/usr/bin/rustc';
const REGISTRY = '/usr/share/cargo/registry';

let versionCache: string | null | undefined;

/** `rustc --version` of Debian's toolchain, or null when it or the rustls crate is missing. */
export function rustlsToolchain(): string | null {
  if (versionCache === undefined) {
    const crate = existsSync(REGISTRY) && readdirSync(REGISTRY).some((d) => d.startsWith('rustls-0.20.'));
    const r = spawnSync(RUSTC, ['--version'], { encoding: 'utf8' });
    versionCache = crate && existsSync(CARGO) && r.status === 0 ? r.stdout.trim() : null;
  }
  return versionCache;
}

/** null when the rustls harness can be built here, else why not. */
export function rustlsAvailable(): string | null {
  return rustlsToolchain() === null ? 'Debian Rust toolchain or rustls crate missing (Debian packages cargo, librust-rustls-dev)' : null;
}

let binaryCache: string | undefined;

/** Builds the harness if this source has not been built on this machine yet; returns the binary's path. */
export function buildRustlsHarness(): string {
  if (binaryCache !== undefined && existsSync(binaryCache)) return binaryCache;
  const version = rustlsToolchain();
  if (version === null) throw new Error(rustlsAvailable()!);
  const h = createHash('sha256').update(version);
  for (const f of SOURCES) h.update(`\0${f}\0`).update(readFileSync(join(SRC_DIR, f)));
  const root = join(tmpdir(), 'tls13sim-rustls-harness');
  const bin = join(root, `harness-${h.digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) {
    // cargo's home says where crates come from: Debian's registry, never the network.
    const home = join(root, 'cargo-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'config.toml'),
      `[source.debian-packages]\ndirectory = "${REGISTRY}"\n[source.crates-io]\nreplace-with = "debian-packages"\n[net]\noffline = true\n`,
    );
    // Each build gets a target directory of its own: parallel test workers may build at once.
    const target = join(root, `target-${process.pid}-${Date.now()}`);
    try {
      const r = spawnSync(CARGO, ['build', '--release', '--offline', '--locked', '--quiet'], {
        cwd: SRC_DIR,
        env: { ...process.env, CARGO_HOME: home, CARGO_TARGET_DIR: target, RUSTC },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`cargo build failed (${r.status}):\n${r.stdout}${r.stderr}`);
      const tmp = `${bin}.${process.pid}.tmp`;
      copyFileSync(join(target, 'release', 'tls13sim-rustls-harness'), tmp);
      renameSync(tmp, bin);
    } finally {
      // The build's intermediate files (about 100 MB) are not needed once the binary is out.
      rmSync(target, { recursive: true, force: true });
    }
  }
  binaryCache = bin;
  return bin;
}

/** The HarnessInput as the harness's lines. */
export function rustlsInputLines(input: HarnessInput): string {
  const lines: string[] = [];
  const put = (key: string, value: string | number | undefined): void => {
    if (value !== undefined) lines.push(`${key} ${value}`);
  };
  put('role', input.role);
  put('host', input.host);
  put('port', input.port);
  put('clientAuth', input.clientAuth);
  put('version', input.version);
  put('cert', input.cert);
  put('key', input.key);
  put('verifyCa', input.verifyCa);
  put('verifyName', input.verifyName);
  put('waitMs', input.waitMs);
  put('blockMs', input.blockMs);
  put('resume', input.resume === true ? 'true' : undefined);
  put('maxEarlyData', input.maxEarlyData);
  for (const s of input.script) {
    const n = 'n' in s ? s.n : 0;
    const data = 'data' in s ? Buffer.from(s.data, 'utf8').toString('hex') : '';
    lines.push(`step ${s.op} ${n} ${data}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the rustls harness on `input`; resolves with its outcome lines. */
export async function runRustls(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  noRefuseCert(input, 'rustls');
  const bin = buildRustlsHarness();
  return runHarnessProcess(bin, [], input, { ...opts, encode: rustlsInputLines });
}
