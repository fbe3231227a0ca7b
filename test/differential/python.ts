/**
 * Runs the Python `ssl` harness (test/differential/python/harness.py): python3 on PATH,
 * standard library only. Nothing to build: the script runs in place. The interpreter is
 * resolved once (`sys.executable`) so that version-manager shims (pyenv) are not re-run
 * for every harness process.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runHarnessProcess, type HarnessInput, type Outcome, type HarnessRunOptions } from './harness.js';

export const PYTHON_HARNESS = fileURLToPath(new URL('./python/harness.py', import.meta.url));

interface PythonInfo {
  readonly executable: string;
  readonly openssl: string;
}

let probe: { info: PythonInfo } | { reason: string } | undefined;

const PROBE = 'import ssl, sys\nif not ssl.HAS_TLSv1_3: sys.exit(3)\nprint(sys.executable)\nprint(ssl.OPENSSL_VERSION)';

function probePython(): { info: PythonInfo } | { reason: string } {
  if (probe !== undefined) return probe;
  const r = spawnSync('python3', ['-I', '-c', PROBE], { encoding: 'utf8', timeout: 15_000 });
  if (r.error !== undefined) probe = { reason: `python3 missing (${r.error.message})` };
  else if (r.status === 3) probe = { reason: "python3's ssl module has no TLS 1.3" };
  else if (r.status !== 0) probe = { reason: `python3 ssl module unusable: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}` };
  else {
    const [executable, openssl] = r.stdout.trim().split('\n');
    probe = { info: { executable: executable !== undefined && executable !== '' ? executable : 'python3', openssl: openssl ?? '' } };
  }
  return probe;
}

/** null when python3 with an `ssl` module supporting TLS 1.3 is present, else why not. */
export function pythonAvailable(): string | null {
  const p = probePython();
  return 'reason' in p ? p.reason : null;
}

/** `ssl.OPENSSL_VERSION` of the python3 on PATH (for diagnostics). */
export function pythonOpenSslVersion(): string {
  const p = probePython();
  return 'info' in p ? p.info.openssl : '';
}

export async function runPython(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  const p = probePython();
  if ('reason' in p) throw new Error(`python harness unavailable: ${p.reason}`);
  // -I: isolated mode (no user site-packages, no PYTHON* variables); -B: no .pyc next to the source.
  return runHarnessProcess(p.info.executable, ['-I', '-B', PYTHON_HARNESS], input, opts);
}
