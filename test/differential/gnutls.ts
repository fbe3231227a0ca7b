/**
 * Runner for the GnuTLS harness (test/differential/gnutls/harness.c; its header documents
 * the outcome format). The C source is compiled once per machine with gcc against the
 * installed GnuTLS (libgnutls28-dev), into os.tmpdir() under a name keyed by a hash of the
 * source and the build command; the build needs no network.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHarnessProcess, type HarnessInput, type Outcome, type HarnessRunOptions } from './harness.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'gnutls', 'harness.c');

function buildFlags(): string[] {
  const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'gnutls'], { encoding: 'utf8' });
  if (pc.status === 0 && pc.stdout.trim() !== '') return pc.stdout.trim().split(/\s+/);
  return ['-lgnutls'];
}

let built: { binary: string } | { error: string } | undefined;

/** Builds the harness if needed; the path of the binary, or why it cannot be built. */
function build(): { binary: string } | { error: string } {
  if (built !== undefined) return built;
  built = (() => {
    if (!existsSync('/usr/include/gnutls/gnutls.h')) return { error: 'libgnutls28-dev missing (no /usr/include/gnutls/gnutls.h)' };
    const cc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
    if (cc.error !== undefined || cc.status !== 0) return { error: 'gcc missing' };
    const src = readFileSync(SOURCE);
    const flags = buildFlags();
    const hash = createHash('sha256')
      .update(src)
      .update(readFileSync(join(dirname(SOURCE), '..', 'c', 'json.h')))
      .update(cc.stdout)
      .update(flags.join(' '))
      .digest('hex')
      .slice(0, 16);
    const binary = join(tmpdir(), `tls13sim-gnutls-harness-${hash}`);
    if (existsSync(binary)) return { binary };
    // Build under a private name, then rename: parallel workers never see a half-written file.
    const partial = `${binary}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const r = spawnSync('gcc', ['-O1', '-Wall', '-o', partial, SOURCE, ...flags], { encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(partial, { force: true });
      return { error: `gcc could not build the GnuTLS harness: ${(r.stderr || r.error?.message || '').trim()}` };
    }
    renameSync(partial, binary);
    return { binary };
  })();
  return built;
}

/** null when gcc and GnuTLS's headers are present (the harness builds), else the reason. */
export function gnutlsAvailable(): string | null {
  const b = build();
  return 'error' in b ? b.error : null;
}

/** Runs the harness on `input`; resolves with its outcome lines. */
export async function runGnutls(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  const b = build();
  if ('error' in b) throw new Error(b.error);
  return runHarnessProcess(b.binary, [], input, opts);
}
