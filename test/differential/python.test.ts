/**
 * Differential cases against Python 3's `ssl` module (CPython over OpenSSL 3.0): the harness
 * (python/harness.py) runs each case's client script against our server running the case's
 * server program; its outcomes must equal the snapshot in observed/python.json.
 *
 * UPDATE_OBSERVED=1 runs every case three times, fails if the runs differ (a
 * timing-dependent outcome), and rewrites the snapshot. Without python3 the file is skipped,
 * except under CI, where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseUnsupported } from '../../packages/sim/src/lens/case-support.js';
import { AlertDescription } from '@tls13sim/record';
import { DIFF_CASES, diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import {
  PYTHON_ALERT_REASON,
  PYTHON_LOCAL_ABORT,
  PYTHON_OUTCOME,
  PYTHON_WRITE_AFTER_LOCAL_ABORT,
  pythonAlertOutcome,
} from '../../packages/sim/src/lens/vocab/python.js';
import type { Outcome } from './harness.js';
import { pythonAvailable, runPython } from './python.js';
import { LIBSSL_REFUSAL_ALERTS } from './openssl.js';
import {
  everyAlertTests,
  lensOutcomes,
  LOCAL_ABORT_CASES,
  localAbortByAlertMutant,
  mutantDisagreements,
  rejectionAlertsTest,
  serverTakesNoEarlyDataTest,
  writePullsMutant,
} from './lens-check.js';
import { runOnClient } from './our-client.js';
import { makeDiffPki, runOnServer, type DiffPki } from './server.js';

const LIB = 'python';
const OBSERVED_PATH = new URL('./observed/python.json', import.meta.url);
const UPDATE = (process.env.UPDATE_OBSERVED ?? '') !== '' && process.env.UPDATE_OBSERVED !== '0';
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const unavailable = pythonAvailable();

let pki: DiffPki;

async function runCase(c: DiffCase): Promise<Outcome[]> {
  return c.side === 'server' ? runOnClient(c, pki, runPython) : runOnServer(c, pki, runPython);
}

if (unavailable !== null && inCi) {
  it('Python ssl harness is available under CI', () => {
    expect.fail(`Python differential tests cannot run under CI: ${unavailable}`);
  });
}

describe.skipIf(unavailable !== null)('differential: Python ssl', () => {
  const observed: Record<string, Outcome[]> = UPDATE ? {} : (JSON.parse(readFileSync(OBSERVED_PATH, 'utf8')) as Record<string, Outcome[]>);
  const seen: Record<string, Outcome[]> = {};

  beforeAll(() => {
    pki = makeDiffPki();
  });

  afterAll(() => {
    if (UPDATE) {
      const ordered = Object.fromEntries(DIFF_CASES.filter((c) => seen[c.name] !== undefined).map((c) => [c.name, seen[c.name]]));
      writeFileSync(OBSERVED_PATH, `${JSON.stringify(ordered, null, 2)}\n`);
    }
  });

  for (const c of DIFF_CASES) {
    const why = caseUnsupported(c, LIB) ?? undefined;
    it.skipIf(why !== undefined)(`${c.name}: ${c.title}${why !== undefined ? ` (skipped: ${why})` : ''}`, async () => {
      const got = await runCase(c);
      if (UPDATE) {
        for (let i = 0; i < 2; i++) expect(await runCase(c), `${c.name}: run ${i + 2} differs from run 1`).toEqual(got);
        seen[c.name] = got;
      } else {
        expect(got).toEqual(observed[c.name]);
        seen[c.name] = got;
        // The lens, on the simulated case, says what Python said.
        expect(lensOutcomes('python', c)).toEqual(got);
      }
    });
  }

  // The comparison can fail: send() reads the socket
  it('a deliberately wrong lens (send() reads the socket) disagrees with the real library', () => {
    const real = new Map(DIFF_CASES.filter((c) => ((n: string) => seen[n])(c.name) !== undefined).map((c) => [c, ((n: string) => seen[n])(c.name)!] as const));
    expect(real.size).toBeGreaterThan(0);
    expect(mutantDisagreements(writePullsMutant('python'), real)).toContain('write-after-alert');
  });

  it.each(LOCAL_ABORT_CASES)(
    "a handshake our client aborts (%s): the exception names libssl's reason, as PYTHON_LOCAL_ABORT says (real run)",
    async (name, kind) => {
      const c = diffCase(name);
      const outcomes = seen[c.name] ?? (await runCase(c));
      expect(outcomes).toEqual([
        { call: 'connect', api: 'SSLSocket.do_handshake', outcome: PYTHON_LOCAL_ABORT[kind] },
        { call: 'write', api: 'SSLSocket.send', outcome: PYTHON_WRITE_AFTER_LOCAL_ABORT },
        { call: 'read', api: 'SSLSocket.recv', outcome: PYTHON_OUTCOME.emptyRead },
      ]);
      // The comparison can fail: a lens that words the abort by the alert it sent disagrees.
      expect(mutantDisagreements(localAbortByAlertMutant('python'), new Map([[c, outcomes]]))).toEqual([c.name]);
    },
  );

  it('vocabulary: every received fatal alert reads as PYTHON_ALERT_REASON says (real runs)', async () => {
    // cv-rejected with the verifier's alert replaced: connect, then one recv(1024) meets the alert.
    const base = diffCase('cv-rejected');
    const alerts = Object.keys(AlertDescription).filter((a) => a !== 'close_notify');
    const script = [{ op: 'connect' }, { op: 'read', n: 1024 }] as const;
    for (const alert of alerts) {
      const c: DiffCase = { ...base, name: `alert-${alert}`, server: { ...base.server, reject: alert as DiffCase['server']['reject'] }, script };
      const got = await runCase(c);
      expect(got, alert).toEqual([
        { call: 'connect', api: 'SSLSocket.do_handshake', outcome: PYTHON_OUTCOME.handshakeOk },
        // TLS 1.3: libssl ignores user_canceled; the read meets our server's FIN, a ragged EOF: b''.
        { call: 'read', api: 'SSLSocket.recv', outcome: alert === 'user_canceled' ? PYTHON_OUTCOME.emptyRead : pythonAlertOutcome(alert) },
      ]);
    }
    // And the table itself is Python's: the names _ssl.err_codes_to_names gives (ERR_LIB_SSL, 1000 + code).
    const r = spawnSync(
      'python3',
      ['-I', '-c', 'import _ssl, json; print(json.dumps({str(k[1]): v for k, v in _ssl.err_codes_to_names.items() if k[0] == 20}))'],
      { encoding: 'utf8' },
    );
    const table = JSON.parse(r.stdout) as Record<string, string>;
    for (const alert of alerts) {
      const code = AlertDescription[alert as keyof typeof AlertDescription];
      const name = table[String(1000 + code)];
      const ours = PYTHON_ALERT_REASON[alert];
      if (name === undefined) expect(ours, alert).toMatch(/^\[SSL\] /);
      else expect(ours, alert).toBe(name);
    }
  }, 30_000);

  it('vocabulary: the observed snapshot uses the vocabulary (unknown_ca, bad_certificate, decrypt_error, certificate_required, close_notify)', () => {
    if (UPDATE) return;
    const lastRead = (name: string): string => observed[name]!.filter((o) => o.call === 'read').at(-1)!.outcome;
    expect(lastRead('cert-unknown-ca')).toBe(pythonAlertOutcome('unknown_ca'));
    expect(lastRead('cert-rejected')).toBe(pythonAlertOutcome('bad_certificate'));
    expect(lastRead('cv-rejected')).toBe(pythonAlertOutcome('decrypt_error'));
    expect(lastRead('cert-missing')).toBe(pythonAlertOutcome('certificate_required'));
    expect(lastRead('close-notify')).toBe(pythonAlertOutcome('close_notify'));
    expect(observed['write-after-alert']!.at(-1)!.outcome).toBe(PYTHON_OUTCOME.writeAfterError);
  });

  serverTakesNoEarlyDataTest('python', 'Python', () => pki, runPython);

  // As libssl (openssl.test.ts): a certificate refused after the handshake, from a CA the
  // server does not trust, is refused inside the read that processes it, with unknown_ca.
  it('server-pha-refused: Python serving refuses inside recv and sends unknown_ca (real run)', async () => {
    const alerts: string[] = [];
    const real = await runOnClient(diffCase('server-pha-refused'), pki, runPython, undefined, (a) => alerts.push(a));
    expect(alerts).toEqual(['unknown_ca']);
    expect(real.find((o) => o.outcome.startsWith('SSLCertVerificationError'))).toMatchObject({
      call: 'read',
      outcome: 'SSLCertVerificationError: CERTIFICATE_VERIFY_FAILED',
    });
  });

  rejectionAlertsTest('Python', LIBSSL_REFUSAL_ALERTS, () => pki, runPython);
  everyAlertTests('python', runCase);
});
