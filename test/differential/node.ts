/**
 * Runner for the Node `tls` harness (test/differential/node/harness.mjs): a plain ES module
 * run by the same `node` binary that runs the tests (process.execPath), in its own process, so
 * the real library runs without any of tls13sim loaded. Nothing to build: the script runs in
 * place (no cache needed).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { noRefuseCert, runHarnessProcess, type HarnessInput, type Outcome, type HarnessRunOptions } from './harness.js';

export const NODE_HARNESS = fileURLToPath(new URL('./node/harness.mjs', import.meta.url));

let probe: { versions: string } | { reason: string } | undefined;

function probeNode(): { versions: string } | { reason: string } {
  if (probe !== undefined) return probe;
  const r = spawnSync(
    process.execPath,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the probe is JavaScript for `node -e`, its template literal evaluated there
    ['-e', "const t=require('node:tls');if(!t.DEFAULT_MAX_VERSION)process.exit(3);console.log(`node ${process.version} openssl ${process.versions.openssl}`)"],
    {
      encoding: 'utf8',
      timeout: 15_000,
    },
  );
  if (r.error !== undefined) probe = { reason: `node (${process.execPath}) cannot be run: ${r.error.message}` };
  else if (r.status !== 0) probe = { reason: `node's tls module is unusable (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}` };
  else probe = { versions: r.stdout.trim() };
  return probe;
}

/** null when node (process.execPath) and its `tls` module are usable, else why not. */
export function nodeAvailable(): string | null {
  const p = probeNode();
  return 'reason' in p ? p.reason : null;
}

/** `node vX openssl Y` of the binary the harness runs on (for diagnostics). */
export function nodeVersions(): string {
  const p = probeNode();
  return 'versions' in p ? p.versions : '';
}

/** Runs the Node harness on `input`; resolves with its outcome lines. */
export async function runNode(input: HarnessInput, opts: HarnessRunOptions = {}): Promise<Outcome[]> {
  noRefuseCert(input, 'Node');
  const why = nodeAvailable();
  if (why !== null) throw new Error(`node harness unavailable: ${why}`);
  return runHarnessProcess(process.execPath, [NODE_HARNESS], input, opts);
}
