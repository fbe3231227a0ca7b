/**
 * Differential cases against rustls 0.20.8 (Debian bookworm's librust-rustls-dev): every
 * case rustls can express runs the harness (rustls/src/main.rs) against our endpoint over
 * loopback, as the client or, in the server-side cases, as the server; the outcomes must
 * equal the snapshot in observed/rustls.json, and the rustls lens must say the same.
 *
 * UPDATE_OBSERVED=1 runs every case three times, fails if the runs differ (a
 * timing-dependent outcome), and rewrites the snapshot. Without Debian's Rust toolchain and
 * rustls crate the file is skipped, except under CI, where that is a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFF_CASES, diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { RUSTLS_LOCAL_ABORT_ERROR } from '../../packages/sim/src/lens/rustls.js';
import type { Outcome } from './harness.js';
import { everyAlertTests, lensOutcomes, LOCAL_ABORT_CASES, localAbortByAlertMutant, mutantDisagreements, rejectionAlertsTest } from './lens-check.js';
import { runOnClient } from './our-client.js';
import { caseUnsupported } from '../../packages/sim/src/lens/case-support.js';
import { buildRustlsHarness, runRustls, rustlsAvailable } from './rustls.js';
import { makeDiffPki, runOnServer, type DiffPki } from './server.js';
import { createLens } from '../../packages/sim/src/lens/registry.js';
import type { Simulation } from '../../packages/sim/src/simulation.js';

const OBSERVED_PATH = new URL('./observed/rustls.json', import.meta.url);
const UPDATE = (process.env.UPDATE_OBSERVED ?? '') !== '' && process.env.UPDATE_OBSERVED !== '0';
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const unavailable = rustlsAvailable();

let pki: DiffPki;
const seen: Record<string, Outcome[]> = {};

async function runCase(c: DiffCase): Promise<Outcome[]> {
  return c.side === 'server' ? runOnClient(c, pki, runRustls) : runOnServer(c, pki, runRustls);
}

/**
 * The lens this file replaced, in one respect: a read that meets a FIN without close_notify
 * says `Err(UnexpectedEof)`, as rustls's `Reader::read` documents, where `Stream::read`
 * returns `Ok(0)`.
 */
function readerTruncationMutant(sim: Simulation) {
  const lens = createLens('rustls', sim, 'client', { blocking: true });
  const word = lens['word'].bind(lens);
  lens['word'] = (call, fact, arg) =>
    fact.kind === 'truncated' && call === 'read' ? { api: 'Stream::read', outcome: 'Err(UnexpectedEof)' } : word(call, fact, arg);
  return lens;
}

if (unavailable !== null && inCi) {
  it('rustls harness is available under CI', () => {
    expect.fail(`rustls differential tests cannot run under CI: ${unavailable}`);
  });
}

describe.skipIf(unavailable !== null)('differential: rustls 0.20', () => {
  const observed: Record<string, Outcome[]> = UPDATE ? {} : (JSON.parse(readFileSync(OBSERVED_PATH, 'utf8')) as Record<string, Outcome[]>);

  beforeAll(() => {
    pki = makeDiffPki();
    buildRustlsHarness(); // a first build on a fresh machine compiles ring and rustls: give it time here
  }, 600_000);

  afterAll(() => {
    if (UPDATE) {
      const ordered = Object.fromEntries(DIFF_CASES.filter((c) => seen[c.name] !== undefined).map((c) => [c.name, seen[c.name]]));
      writeFileSync(OBSERVED_PATH, `${JSON.stringify(ordered, null, 2)}\n`);
    }
  });

  for (const c of DIFF_CASES) {
    const why = caseUnsupported(c, 'rustls');
    it.skipIf(why !== null)(`${c.name}: ${c.title}${why !== null ? ` (skipped: ${why})` : ''}`, async () => {
      const got = await runCase(c);
      if (UPDATE) {
        for (let i = 0; i < 2; i++) expect(await runCase(c), `${c.name}: run ${i + 2} differs from run 1`).toEqual(got);
      } else {
        expect(got).toEqual(observed[c.name]);
      }
      seen[c.name] = got;
      // The lens, on the simulated case, says what rustls said.
      expect(lensOutcomes('rustls', c)).toEqual(got);
    });
  }

  // The comparison can fail: the lens as it was before rustls ran here.
  it("a deliberately wrong lens (a truncated read is Reader::read's UnexpectedEof) disagrees with the real library", () => {
    const real = new Map(DIFF_CASES.filter((c) => seen[c.name] !== undefined).map((c) => [c, seen[c.name]!] as const));
    expect(real.size).toBeGreaterThan(0);
    expect(mutantDisagreements(readerTruncationMutant, real)).toEqual(
      expect.arrayContaining(['hangup-after-echo', 'hangup-instead-of-alert', 'tls12-hangup-after-echo']),
    );
  });

  it.each(LOCAL_ABORT_CASES)(
    "a handshake our client aborts (%s): rustls's own error, from every call, as RUSTLS_LOCAL_ABORT_ERROR says (real run)",
    async (name, kind) => {
      const c = diffCase(name);
      const outcomes = seen[c.name] ?? (await runCase(c));
      const err = `Err(InvalidData: ${RUSTLS_LOCAL_ABORT_ERROR[kind]})`;
      expect(outcomes).toEqual([
        { call: 'connect', api: 'complete_io', outcome: err },
        { call: 'write', api: 'Stream::write', outcome: err },
        { call: 'read', api: 'Stream::read', outcome: err },
      ]);
      // The comparison can fail: a lens that words the abort by the alert it sent disagrees.
      expect(mutantDisagreements(localAbortByAlertMutant('rustls'), new Map([[c, outcomes]]))).toEqual([c.name]);
    },
  );

  it("a server that requires a certificate and gets none: complete_io's error is RUSTLS_LOCAL_ABORT_ERROR's certificate_required (real run)", async () => {
    for (const name of ['server-cert-missing', 'tls12-server-cert-missing']) {
      const outcomes = seen[name] ?? (await runCase(diffCase(name)));
      expect(outcomes[0], name).toEqual({ call: 'accept', api: 'complete_io', outcome: `Err(InvalidData: ${RUSTLS_LOCAL_ABORT_ERROR.certificate_required})` });
    }
  });

  rejectionAlertsTest(
    'rustls',
    {
      unknownCa: ['handshake_failure'],
      badCv: ['access_denied'],
      // rustls 0.20 sends TLS 1.3's certificate_required under TLS 1.2 too.
      certMissing: ['certificate_required'],
      tls12CertMissing: ['certificate_required'],
      // rustls 0.20's client answers a bad server signature with bad_certificate, its server a bad client one with access_denied.
      badServerSignature: ['bad_certificate'],
      tls12BadServerSignature: ['bad_certificate'],
      untrustedServer: ['bad_certificate'],
      downgrade: ['illegal_parameter'],
    },
    () => pki,
    runRustls,
  );
  everyAlertTests('rustls', runCase);
});
