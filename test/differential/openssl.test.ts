/**
 * Differential cases against the real OpenSSL 3.0 libssl: the harness (openssl/harness.c)
 * runs each case's client script against our server running the case's server program;
 * its outcomes must equal the snapshot in observed/openssl.json.
 *
 * UPDATE_OBSERVED=1 rewrites the snapshot from the runs; OPENSSL_DIFF_REPEAT=<n> runs
 * every case n times and requires the same outcomes each time (a stability check).
 * In CI (CI set) a missing toolchain/library fails instead of skipping.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseUnsupported } from '../../packages/sim/src/lens/case-support.js';
import type { AlertName } from '@tls13sim/record';
import { DIFF_CASES, diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { OPENSSL_AFTER_LOCAL_ABORT, OPENSSL_ALERT_REASON, OPENSSL_LOCAL_ABORT_REASON, opensslAlertOutcome } from '../../packages/sim/src/lens/vocab/openssl.js';
import type { HarnessInput, HarnessRunOptions, Outcome } from './harness.js';
import { LIBSSL_REFUSAL_ALERTS, opensslAvailable, runOpenssl } from './openssl.js';
import {
  everyAlertTests,
  lensOutcomes,
  LOCAL_ABORT_CASES,
  localAbortByAlertMutant,
  mutantDisagreements,
  pullsOnArrivalMutant,
  rejectionAlertsTest,
  ticketEarlyDataLimit,
  writePullsMutant,
} from './lens-check.js';
import { runOnClient } from './our-client.js';
import { makeDiffPki, runOnServer, type DiffPki } from './server.js';

const LIB = 'openssl';
const OBSERVED_PATH = new URL('./observed/openssl.json', import.meta.url);
const update = (process.env.UPDATE_OBSERVED ?? '') !== '' && process.env.UPDATE_OBSERVED !== '0';
const repeat = Math.max(1, Number(process.env.OPENSSL_DIFF_REPEAT ?? '1') || 1);
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

const unavailable = opensslAvailable();
const run = unavailable === null || inCi;

function loadObserved(): Record<string, Outcome[]> {
  try {
    return JSON.parse(readFileSync(OBSERVED_PATH, 'utf8')) as Record<string, Outcome[]>;
  } catch {
    return {};
  }
}

let pki: DiffPki;
const observed = loadObserved();
const seen: Record<string, Outcome[]> = {};

async function runCase(c: DiffCase): Promise<Outcome[]> {
  return c.side === 'server' ? runOnClient(c, pki, runOpenssl) : runOnServer(c, pki, runOpenssl);
}

// Without the toolchain (gcc, libssl-dev) the cases are skipped, the reason in the suite's
// name; under CI the beforeAll below fails instead.
describe.skipIf(!run)(`differential: ${LIB}${run ? '' : ` (skipped: ${unavailable})`}`, () => {
  beforeAll(() => {
    if (unavailable !== null) throw new Error(`OpenSSL harness unavailable in CI: ${unavailable}`);
    pki = makeDiffPki();
  });

  afterAll(() => {
    if (update) writeFileSync(OBSERVED_PATH, `${JSON.stringify(seen, null, 2)}\n`);
  });

  for (const c of DIFF_CASES) {
    const why = caseUnsupported(c, LIB) ?? undefined;
    it.skipIf(why !== undefined)(`${c.name}: ${c.title}${why !== undefined ? ` (skipped: ${why})` : ''}`, async () => {
      const first = await runCase(c);
      for (let i = 1; i < repeat; i++) expect(await runCase(c), `run ${i + 1} of ${c.name}`).toEqual(first);
      seen[c.name] = first;
      if (!update) expect(first).toEqual(observed[c.name]);
      // The lens, on the simulated case, says what libssl said.
      expect(lensOutcomes('openssl', c)).toEqual(first);
    });
  }

  // The comparison can fail: SSL_write reads the socket
  it('a deliberately wrong lens (SSL_write reads the socket) disagrees with the real library', () => {
    const real = new Map(DIFF_CASES.filter((c) => ((n: string) => seen[n])(c.name) !== undefined).map((c) => [c, ((n: string) => seen[n])(c.name)!] as const));
    expect(real.size).toBeGreaterThan(0);
    expect(mutantDisagreements(writePullsMutant('openssl'), real)).toContain('write-after-alert');
  });

  it('renders received alerts as the vocabulary says (real runs)', async () => {
    const expected: Array<[string, Exclude<AlertName, 'close_notify'>]> = [
      ['cert-unknown-ca', 'unknown_ca'],
      ['cert-rejected', 'bad_certificate'],
      ['cv-rejected', 'decrypt_error'],
      ['cert-missing', 'certificate_required'],
    ];
    for (const [name, alert] of expected) {
      const c = DIFF_CASES.find((x) => x.name === name)!;
      const outcomes = seen[name] ?? (await runCase(c));
      const failed = outcomes.filter((o) => o.outcome.includes('SSL_ERROR_SSL'));
      expect(failed.length, `${name}: an SSL_ERROR_SSL outcome`).toBeGreaterThan(0);
      expect(failed[0]!.outcome, name).toBe(opensslAlertOutcome(alert, 0));
      expect(failed[0]!.outcome.endsWith(`: ${OPENSSL_ALERT_REASON[alert]}`)).toBe(true);
    }
  });

  it.each(LOCAL_ABORT_CASES)(
    'a handshake our client aborts (%s): libssl names its own reason, as OPENSSL_LOCAL_ABORT_REASON says (real run)',
    async (name, kind) => {
      const c = DIFF_CASES.find((x) => x.name === name)!;
      const outcomes = seen[c.name] ?? (await runCase(c));
      expect(outcomes).toEqual([
        { call: 'connect', api: 'SSL_connect', outcome: `-1 SSL_ERROR_SSL: ${OPENSSL_LOCAL_ABORT_REASON[kind]}` },
        { call: 'write', api: 'SSL_write', outcome: OPENSSL_AFTER_LOCAL_ABORT },
        { call: 'read', api: 'SSL_read', outcome: OPENSSL_AFTER_LOCAL_ABORT },
      ]);
      // The comparison can fail: a lens that words the abort by the alert it sent disagrees.
      expect(mutantDisagreements(localAbortByAlertMutant('openssl'), new Map([[c, outcomes]]))).toEqual([c.name]);
    },
  );

  it('TLS 1.2: the verdict fails SSL_connect itself (-1), in the same words (real runs)', async () => {
    const expected: Array<[string, Exclude<AlertName, 'close_notify'>]> = [
      ['tls12-cert-unknown-ca', 'unknown_ca'],
      ['tls12-cert-rejected', 'bad_certificate'],
      ['tls12-cv-rejected', 'decrypt_error'],
      // RFC 5246 §7.4.6: TLS 1.2 has no certificate_required (OpenSSL's own server sends handshake_failure too).
      ['tls12-cert-missing', 'handshake_failure'],
    ];
    for (const [name, alert] of expected) {
      const outcomes = seen[name] ?? (await runCase(DIFF_CASES.find((x) => x.name === name)!));
      expect(outcomes[0], name).toEqual({ call: 'connect', api: 'SSL_connect', outcome: opensslAlertOutcome(alert, -1) });
    }
    const accepted = seen['tls12-accepted'] ?? (await runCase(DIFF_CASES.find((x) => x.name === 'tls12-accepted')!));
    expect(accepted[0]).toEqual({ call: 'connect', api: 'SSL_connect', outcome: '1' });
  });

  it('a 0-RTT case fails when the library does otherwise with our early data than the case says (real run)', async () => {
    const c = diffCase('scenario-early-data-rejected-server');
    await expect(runOnClient({ ...c, server: { ...c.server, declineEarlyData: false } }, pki, runOpenssl)).rejects.toThrow(/declined our early data/);
  });

  // What the server knows, held against libssl: a lens whose library processed the client's
  // answer on arrival would show the certificate before the read; the real run says NULL.
  it('the post-handshake certificate is there only after a read: a lens that processes on arrival disagrees (real run)', async () => {
    const c = diffCase('scenario-post-handshake-auth-server');
    const real = seen[c.name] ?? (await runCase(c));
    expect(real.filter((o) => o.call === 'peer_cert').map((o) => o.outcome)).toEqual(['NULL', 'X509']);
    expect(mutantDisagreements(pullsOnArrivalMutant('openssl', 'server'), new Map([[c, real]]), 'server')).toEqual([c.name]);
  });

  // The case's verifier refuses with access_denied; libssl cannot: a refusal in its verify
  // callback (X509_V_ERR_APPLICATION_VERIFICATION) sends handshake_failure, and a certificate
  // from a CA it does not trust unknown_ca. The server's calls are the same either way, and the
  // lens's (the loop above); this is what reached the client.
  it.each([
    ['server-pha-refused', 'unknown_ca'],
    ['server-pha-refused-by-application', 'handshake_failure'],
  ] as const)('%s: libssl serving refuses inside SSL_read and sends %s (real run)', async (name, alert) => {
    const alerts: string[] = [];
    const real = await runOnClient(diffCase(name), pki, runOpenssl, undefined, (a) => alerts.push(a));
    expect(alerts).toEqual([alert]);
    expect(real.map((o) => o.outcome)).toContain(`-1 SSL_ERROR_SSL: ${OPENSSL_LOCAL_ABORT_REASON.unknown_ca}`);
    expect(OPENSSL_LOCAL_ABORT_REASON.verifier_rejected).toBe(OPENSSL_LOCAL_ABORT_REASON.unknown_ca);
  });

  it('a post-handshake-auth case fails when the library asks at the wrong time, or never (real runs)', async () => {
    const c = diffCase('scenario-post-handshake-auth-server');
    // The harness asks during the handshake (SSL_VERIFY_PEER), and the script's request fails.
    const during = (input: HarnessInput, opts?: HarnessRunOptions) => runOpenssl({ ...input, postHandshakeAuth: false, clientAuth: 'request' }, opts);
    await expect(runOnClient(c, pki, during)).rejects.toThrow(/asked for our certificate during the handshake/);
    // The script never asks.
    const never = { ...c, script: c.script.filter((s) => s.op !== 'request_auth') };
    await expect(runOnClient(never, pki, runOpenssl)).rejects.toThrow(/never after the handshake/);
  });

  // The control for the Python and Node tests that read a ticket's early-data limit: a limit set is read as set.
  it('libssl serving with SSL_CTX_set_max_early_data(1024) issues tickets that allow 1024 bytes of early data (real run)', async () => {
    expect(await ticketEarlyDataLimit(pki, runOpenssl, 'scenario-early-data-server')).toBe(1024);
  });

  rejectionAlertsTest('OpenSSL', LIBSSL_REFUSAL_ALERTS, () => pki, runOpenssl);
  everyAlertTests('openssl', runCase);
});
