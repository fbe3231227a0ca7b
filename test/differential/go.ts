/**
 * Runner for the Go crypto/tls harness (test/differential/go/main.go): builds it once per
 * machine (offline, standard library only) into os.tmpdir(), keyed by a hash of its source
 * and of `go version`, and runs it with a HarnessInput.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noRefuseCert, runHarnessProcess, type HarnessInput, type Outcome, type HarnessRunOptions } from './harness.js';

const SRC_DIR = fileURLToPath(new URL('./go/', import.meta.url));
const SOURCES = ['main.go', 'go.mod'];

let versionCache: string | null | undefined;

/** `go version` output, or null when there is no Go toolchain. */
export function goVersion(): string | null {
  if (versionCache === undefined) {
    const r = spawnSync('go', ['version'], { encoding: 'utf8' });
    versionCache = r.status === 0 ? r.stdout.trim() : null;
  }
  return versionCache;
}

/** null when the Go toolchain is present, else why not. */
export function goAvailable(): string | null {
  return goVersion() === null ? 'go toolchain missing (Debian package golang-go)' : null;
}

function goEnv(cache: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GO111MODULE: 'on',
    GOCACHE: join(cache, 'gocache'),
    GOPATH: join(cache, 'gopath'),
    CGO_ENABLED: '0',
  };
}

let binaryCache: string | undefined;

/** Builds the harness if this source has not been built on this machine yet; returns the binary's path. */
export function buildGoHarness(): string {
  if (binaryCache !== undefined && existsSync(binaryCache)) return binaryCache;
  const version = goVersion();
  if (version === null) throw new Error(goAvailable()!);
  const h = createHash('sha256').update(version);
  for (const f of SOURCES) h.update(`\0${f}\0`).update(readFileSync(join(SRC_DIR, f)));
  const root = join(tmpdir(), 'tls13sim-go-harness');
  const bin = join(root, `harness-${h.digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) {
    mkdirSync(root, { recursive: true });
    // Build under a unique name, then rename: parallel test workers may build at once.
    const tmp = `${bin}.${process.pid}.${Date.now()}.tmp`;
    const r = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: SRC_DIR, env: goEnv(root), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go build failed (${r.status}):\n${r.stdout}${r.stderr}`);
    renameSync(tmp, bin);
  }
  binaryCache = bin;
  return bin;
}

/** Runs the Go harness on `input`; resolves with its outcome lines. */
export async function runGo(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  noRefuseCert(input, 'Go');
  const bin = buildGoHarness();
  return runHarnessProcess(bin, [], input, opts);
}
