/**
 * Differential cases against Go's crypto/tls: every case of DIFF_CASES that Go can express
 * runs our server over loopback and the Go harness as the client; the outcomes must equal
 * the snapshot in observed/go.json. `UPDATE_OBSERVED=1` rewrites the snapshot from real runs.
 * Without a Go toolchain the file is skipped, except under CI, where that is a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFF_CASES, diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { GO_API, GO_EOF, goCountOutcome, goReceivedAlertError } from '../../packages/sim/src/lens/vocab/go.js';
import type { Outcome } from './harness.js';
import { buildGoHarness, goAvailable, goUnsupported, runGo } from './go.js';
import { lensOutcomes, mutantDisagreements, writeFailsAfterAlertMutant } from './lens-check.js';
import { makeDiffPki, runOnServer, type DiffPki } from './server.js';

const OBSERVED_PATH = fileURLToPath(new URL('./observed/go.json', import.meta.url));
const UPDATE = process.env['UPDATE_OBSERVED'] === '1';
const unavailable = goAvailable();

let pki: DiffPki;
const runs = new Map<string, Promise<Outcome[]>>();

async function runCase(c: DiffCase): Promise<Outcome[]> {
  return runOnServer(c, pki, runGo);
}

/** One real run per case per file, shared by the snapshot test and the vocabulary spot-check. */
function outcomesOf(name: string): Promise<Outcome[]> {
  let p = runs.get(name);
  if (p === undefined) {
    p = runCase(diffCase(name));
    runs.set(name, p);
  }
  return p;
}

if (unavailable !== null && process.env['CI']) {
  it('Go toolchain is available under CI', () => {
    expect.fail(`Go differential tests cannot run under CI: ${unavailable}`);
  });
}

describe.skipIf(unavailable !== null)('differential: Go crypto/tls', () => {
  const observed: Record<string, Outcome[]> = UPDATE ? {} : (JSON.parse(readFileSync(OBSERVED_PATH, 'utf8')) as Record<string, Outcome[]>);

  beforeAll(() => {
    pki = makeDiffPki();
    buildGoHarness(); // a first build on a fresh machine compiles crypto/tls: give it time here
  }, 180_000);

  afterAll(() => {
    if (UPDATE) writeFileSync(OBSERVED_PATH, `${JSON.stringify(observed, null, 2)}\n`);
  });

  for (const c of DIFF_CASES) {
    const why = goUnsupported(c);
    it.skipIf(why !== null)(`${c.name}: ${c.title}${why !== null ? ` (skipped: ${why})` : ''}`, async () => {
      const got = await outcomesOf(c.name);
      if (UPDATE) observed[c.name] = got;
      else expect(got).toEqual(observed[c.name]);
      // The lens, on the simulated case, says what Go said.
      expect(lensOutcomes('go', c)).toEqual(got);
    });
  }

  // The comparison can fail: a Write that reports the alert Read has already returned.
  it('a deliberately wrong lens (Write fails after a received alert) disagrees with the real library', async () => {
    const supported = DIFF_CASES.filter((c) => goUnsupported(c) === null);
    const real = new Map(await Promise.all(supported.map(async (c) => [c, await outcomesOf(c.name)] as const)));
    expect(mutantDisagreements(writeFailsAfterAlertMutant('go'), real)).toContain('write-after-alert');
  });

  it('vocabulary: received alerts read as GO_RECEIVED_ALERT says', async () => {
    const expectRead = async (name: string, alert: string): Promise<void> => {
      const got = await outcomesOf(name);
      expect(got).toContainEqual({ call: 'read', api: GO_API.read, outcome: goCountOutcome(0, goReceivedAlertError(alert)) });
    };
    await expectRead('cert-unknown-ca', 'unknown_ca');
    await expectRead('cert-rejected', 'bad_certificate');
    await expectRead('cv-rejected', 'decrypt_error');
    await expectRead('cert-missing', 'certificate_required');
    const closed = await outcomesOf('close-notify');
    expect(closed.at(-1)).toEqual({ call: 'read', api: GO_API.read, outcome: goCountOutcome(0, GO_EOF) });
  });
});
