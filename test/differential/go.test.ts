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
import { GO_API, GO_EOF, GO_LOCAL_ABORT_ERROR, goCountOutcome, goReceivedAlertError } from '../../packages/sim/src/lens/vocab/go.js';
import type { HarnessInput, HarnessRunOptions, Outcome } from './harness.js';
import { caseUnsupported } from '../../packages/sim/src/lens/case-support.js';
import { uncheckedWhy } from '../../packages/sim/src/lens/scenario-checks.js';
import { buildGoHarness, goAvailable, runGo } from './go.js';
import {
  everyAlertTests,
  lensOutcomes,
  LOCAL_ABORT_CASES,
  localAbortByAlertMutant,
  mutantDisagreements,
  rejectionAlertsTest,
  writeFailsAfterAlertMutant,
} from './lens-check.js';
import { runOnClient } from './our-client.js';
import { makeDiffPki, runOnServer, startDiffServer, type DiffPki } from './server.js';

const OBSERVED_PATH = fileURLToPath(new URL('./observed/go.json', import.meta.url));
const UPDATE = process.env['UPDATE_OBSERVED'] === '1';
const unavailable = goAvailable();

let pki: DiffPki;
const runs = new Map<string, Promise<Outcome[]>>();

async function runCase(c: DiffCase): Promise<Outcome[]> {
  return c.side === 'server' ? runOnClient(c, pki, runGo) : runOnServer(c, pki, runGo);
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
    const why = caseUnsupported(c, 'go');
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
    const supported = DIFF_CASES.filter((c) => caseUnsupported(c, 'go') === null);
    const real = new Map(await Promise.all(supported.map(async (c) => [c, await outcomesOf(c.name)] as const)));
    expect(mutantDisagreements(writeFailsAfterAlertMutant('go'), real)).toContain('write-after-alert');
  });

  it.each(LOCAL_ABORT_CASES)(
    "a handshake our client aborts (%s): Go's own error, from every call, as GO_LOCAL_ABORT_ERROR says (real run)",
    async (name, kind) => {
      const c = diffCase(name);
      const outcomes = await outcomesOf(c.name);
      const err = GO_LOCAL_ABORT_ERROR[kind]!;
      expect(outcomes).toEqual([
        { call: 'connect', api: GO_API.connect, outcome: err },
        { call: 'write', api: GO_API.write, outcome: goCountOutcome(0, err) },
        { call: 'read', api: GO_API.read, outcome: goCountOutcome(0, err) },
      ]);
      // The comparison can fail: a lens that words the abort by the alert it sent disagrees.
      expect(mutantDisagreements(localAbortByAlertMutant('go'), new Map([[c, outcomes]]))).toEqual([c.name]);
    },
  );

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

  // Go 1.19 offers no extended_master_secret (RFC 7627): the TLS 1.2 cases run because their
  // server accepts that ('prefer', server.ts). With 'require' the same server refuses Go's
  // ClientHello with handshake_failure — a handshake failing with a received alert inside
  // Handshake, so it also checks the lens's claim that a failed Handshake's error is returned
  // by every later Write and Read.
  it("Go sends no extended_master_secret: a 'require' TLS 1.2 server refuses it, and Write and Read return Handshake's error", async () => {
    const c = diffCase('tls12-accepted');
    expect(caseUnsupported(c, 'go')).toBeNull();
    const server = await startDiffServer(c, pki, { tls12ExtendedMasterSecret: 'require' });
    let got: Outcome[];
    try {
      got = await runGo({ host: '127.0.0.1', port: server.port, pha: false, waitMs: 500, blockMs: 1000, script: c.script });
      // The server logs its side of the failure asynchronously: give it up to 2 s.
      for (let i = 0; i < 40 && server.log.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await server.close();
    }
    // Refused at the ClientHello: no version was negotiated, and the server says why.
    expect(server.versions).toEqual([]);
    expect(server.log.join('\n')).toMatch(/extended_master_secret/);
    const err = goReceivedAlertError('handshake_failure');
    expect(got).toEqual([
      { call: 'connect', api: GO_API.connect, outcome: err },
      { call: 'write', api: GO_API.write, outcome: goCountOutcome(0, err) },
      { call: 'read', api: GO_API.read, outcome: goCountOutcome(0, err) },
    ]);
    expect(lensOutcomes('go', diffCase('tls12-cert-missing'))).toEqual(got);
  });

  // The claim the early-data scenarios make through the go lens (their first note), and the
  // reason server-foreign-early-data is skipped above, held against Go itself.
  it('Go 1.19 serving aborts a handshake whose ClientHello offers early data, as the early-data scenarios say (real run)', async () => {
    const c = diffCase('server-foreign-early-data');
    expect(caseUnsupported(c, 'go')).toMatch(/aborts/);
    const got = await runCase(c);
    const err = 'tls: client sent unexpected early data';
    expect(got[0]).toEqual({ call: 'accept', api: GO_API.connect, outcome: err });
    for (const scenario of ['early-data', 'early-data-rejected', 'rfc8448-resumed-0rtt'])
      expect(uncheckedWhy(scenario, 'server', 'go', DIFF_CASES)).toContain(err);
  });

  it('a resumed case fails when the second connection did not resume, on either side (real runs)', async () => {
    const forget = (input: HarnessInput, opts?: HarnessRunOptions) => runGo({ ...input, resume: false }, opts);
    await expect(runOnServer(diffCase('scenario-resumption'), pki, forget)).rejects.toThrow(/resumed \[false\]/);
    await expect(runOnClient(diffCase('scenario-resumption-server'), pki, forget)).rejects.toThrow(/no NewSessionTicket/);
  });

  // Go 1.19 sends bad_certificate for a chain it cannot verify, decrypt_error for a bad
  // signature. Its error for a bad signature names the signer and the key's algorithm
  // (goBadSignature); the simulated cases' keys are P-256, as the real runs' are, so the
  // generic comparison above holds the ECDSA wording on both sides and both versions.
  rejectionAlertsTest(
    'Go',
    {
      unknownCa: ['bad_certificate'],
      badCv: ['decrypt_error'],
      // processCertsFromClient (handshake_server.go, Go 1.19) sends bad_certificate for no certificate, in both versions.
      certMissing: ['bad_certificate'],
      tls12CertMissing: ['bad_certificate'],
      badServerSignature: ['decrypt_error'],
      // key_agreement.go, Go 1.19: a ServerKeyExchange that fails is answered with unexpected_message.
      tls12BadServerSignature: ['unexpected_message'],
      untrustedServer: ['bad_certificate'],
      downgrade: ['illegal_parameter'],
    },
    () => pki,
    runGo,
  );
  everyAlertTests('go', runCase);
});
