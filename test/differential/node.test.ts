/**
 * Differential cases against Node's `tls` (Node 20, its bundled OpenSSL 3.0), as a client in a
 * separate node process (node/harness.mjs): every case of DIFF_CASES that Node can express
 * runs our server over loopback and the harness as the client; the outcomes must equal the
 * snapshot in observed/node.json.
 *
 * UPDATE_OBSERVED=1 runs every case three times, fails if the runs differ (a timing-dependent
 * outcome), and rewrites the snapshot. Without a usable node the file is skipped, except
 * under CI, where that is a failure.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDescription, type AlertName } from '@tls13sim/record';
import { DIFF_CASES, diffCase, type DiffCase, type ScriptStep } from '../../packages/sim/src/lens/cases.js';
import {
  NODE_ALERT_CODE,
  NODE_API,
  NODE_EVENT,
  NODE_LOCAL_ABORT_CODE,
  NODE_OUTCOME,
  nodeCloseOutcome,
  nodeReadOutcome,
} from '../../packages/sim/src/lens/vocab/node.js';
import { WAIT_MS, type Outcome } from './harness.js';
import { caseUnsupported } from '../../packages/sim/src/lens/case-support.js';
import { nodeAvailable, nodeVersions, runNode } from './node.js';
import {
  everyAlertTests,
  lensOutcomes,
  LOCAL_ABORT_CASES,
  localAbortByAlertMutant,
  mutantDisagreements,
  pullsOnCallMutant,
  rejectionAlertsTest,
  serverTakesNoEarlyDataTest,
} from './lens-check.js';
import { runOnClient } from './our-client.js';
import { makeDiffPki, runOnServer, type DiffPki } from './server.js';

const OBSERVED_PATH = fileURLToPath(new URL('./observed/node.json', import.meta.url));
const UPDATE = process.env['UPDATE_OBSERVED'] === '1';
const inCi = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false' && process.env['CI'] !== '0';
const unavailable = nodeAvailable();

let pki: DiffPki;

async function runCase(c: DiffCase, waitMs = WAIT_MS): Promise<Outcome[]> {
  return c.side === 'server' ? runOnClient(c, pki, (input, opts) => runNode({ ...input, waitMs }, opts)) : runOnServer(c, pki, runNode, { waitMs });
}

if (unavailable !== null && inCi) {
  it('Node tls harness is available under CI', () => {
    expect.fail(`Node differential tests cannot run under CI: ${unavailable}`);
  });
}

describe.skipIf(unavailable !== null)(`differential: Node tls (${nodeVersions()})`, () => {
  const observed: Record<string, Outcome[]> = UPDATE ? {} : (JSON.parse(readFileSync(OBSERVED_PATH, 'utf8')) as Record<string, Outcome[]>);
  const seen = new Map<DiffCase, Outcome[]>();

  beforeAll(() => {
    pki = makeDiffPki();
  });

  afterAll(() => {
    if (UPDATE) {
      const ordered = Object.fromEntries(DIFF_CASES.filter((c) => observed[c.name] !== undefined).map((c) => [c.name, observed[c.name]]));
      writeFileSync(OBSERVED_PATH, `${JSON.stringify(ordered, null, 2)}\n`);
    }
  });

  for (const c of DIFF_CASES) {
    const why = caseUnsupported(c, 'node');
    it.skipIf(why !== null)(`${c.name}: ${c.title}${why !== null ? ` (skipped: ${why})` : ''}`, async () => {
      const got = await runCase(c);
      if (UPDATE) {
        for (let i = 0; i < 2; i++) expect(await runCase(c), `${c.name}: run ${i + 2} differs from run 1`).toEqual(got);
        observed[c.name] = got;
      } else {
        expect(got).toEqual(observed[c.name]);
        seen.set(c, got);
        // The lens, on the simulated case, says what Node said.
        expect(lensOutcomes('node', c)).toEqual(got);
      }
    });
  }

  // The comparison can fail: a Node whose library reads the socket only inside calls
  // would not report the alert during a wait.
  it.skipIf(UPDATE)('a deliberately wrong lens (reads only inside calls) disagrees with the real library', () => {
    expect(seen.size).toBeGreaterThan(0);
    expect(mutantDisagreements(pullsOnCallMutant('node'), seen)).toContain('write-after-alert');
  });

  it.each(LOCAL_ABORT_CASES)(
    "a handshake our client aborts (%s): the 'error' code is Node's for the failure, as NODE_LOCAL_ABORT_CODE says (real run)",
    async (name, kind) => {
      const c = diffCase(name);
      const outcomes = seen.get(c) ?? (await runCase(c));
      const code = NODE_LOCAL_ABORT_CODE[kind]!;
      expect(outcomes.slice(0, 2)).toEqual([
        { call: 'event', api: NODE_EVENT.error, outcome: code },
        { call: 'connect', api: NODE_API.connect, outcome: NODE_EVENT.error },
      ]);
      expect(outcomes).toContainEqual({ call: 'read', api: NODE_API.read, outcome: nodeReadOutcome({ api: NODE_EVENT.error, outcome: code }) });
      // The comparison can fail: a lens that words the abort by the alert it sent disagrees.
      expect(mutantDisagreements(localAbortByAlertMutant('node'), new Map([[c, outcomes]]))).toEqual([c.name]);
    },
  );

  it('vocabulary: every received alert reads as NODE_ALERT_CODE says (real runs)', async () => {
    // cv-rejected with the verifier's alert replaced: connect, then the next event is the alert.
    const base = diffCase('cv-rejected');
    const script: readonly ScriptStep[] = [{ op: 'connect' }, { op: 'read', n: 1024 }];
    const alerts = Object.keys(AlertDescription) as AlertName[];
    const one = async (alert: AlertName): Promise<[AlertName, Outcome[]]> => {
      const c: DiffCase = { ...base, name: `alert-${alert}`, server: { ...base.server, reject: alert }, script };
      // Only the read's event matters here: a short trailing window.
      return [alert, await runCase(c, 50)];
    };
    const results: [AlertName, Outcome[]][] = [];
    for (let i = 0; i < alerts.length; i += 4) results.push(...(await Promise.all(alerts.slice(i, i + 4).map(one))));
    for (const [alert, got] of results) {
      const read = got.find((o) => o.call === 'read');
      if (alert === 'close_notify') {
        // Not an error: the peer closed.
        expect(read?.outcome, alert).toBe(nodeReadOutcome({ api: NODE_EVENT.end, outcome: NODE_OUTCOME.end }));
      } else if (alert === 'user_canceled') {
        // Ignored over TLS 1.3; what the read meets is the TCP close that follows (no error either).
        expect(read?.outcome, alert).toBe(nodeReadOutcome({ api: NODE_EVENT.end, outcome: NODE_OUTCOME.end }));
      } else {
        expect(got.slice(0, 4), alert).toEqual([
          { call: 'event', api: NODE_EVENT.secureConnect, outcome: NODE_OUTCOME.secureConnect },
          { call: 'connect', api: NODE_API.connect, outcome: NODE_EVENT.secureConnect },
          { call: 'event', api: NODE_EVENT.error, outcome: NODE_ALERT_CODE[alert] },
          { call: 'read', api: NODE_API.read, outcome: nodeReadOutcome({ api: NODE_EVENT.error, outcome: NODE_ALERT_CODE[alert]! }) },
        ]);
      }
      // The socket is not destroyed by the alert: 'close' (no error) comes from our server's TCP close.
      expect(got.at(-1), alert).toEqual({ call: 'event', api: NODE_EVENT.close, outcome: nodeCloseOutcome(false) });
    }
  }, 30_000);

  it('vocabulary: NODE_ALERT_CODE is ERR_SSL_ + the SSL_R_* name of reason 1000 + code in <openssl/sslerr.h>', () => {
    const header = '/usr/include/openssl/sslerr.h';
    if (!existsSync(header)) return; // libssl-dev absent: the real runs above still check every entry
    const byValue = new Map<number, string>();
    for (const m of readFileSync(header, 'utf8').matchAll(/^#\s*define\s+SSL_R_(\w+)\s+(\d+)\s*$/gm)) byValue.set(Number(m[2]), m[1]!);
    for (const [alert, code] of Object.entries(AlertDescription)) {
      if (alert === 'close_notify') continue;
      expect(NODE_ALERT_CODE[alert], alert).toBe(`ERR_SSL_${byValue.get(1000 + code)}`);
    }
  });

  serverTakesNoEarlyDataTest('node', 'Node', () => pki, runNode);

  // Why the post-handshake-auth scenarios' server calls are not Node's (their first note),
  // held against Node's tls in this process: its only call that asks for a certificate on an
  // established connection is renegotiate(), which TLS 1.3 does not have.
  it('a Node TLS 1.3 server cannot ask for a certificate after the handshake: renegotiate() returns false, ERR_SSL_WRONG_SSL_VERSION (real run)', async () => {
    const pem = (p: string) => readFileSync(p);
    const asked = await new Promise<{ returned: boolean | undefined; code: string | undefined; protocol: string | null }>((resolve, reject) => {
      const server = tls.createServer({ cert: pem(pki.server.p256.certPath), key: pem(pki.server.p256.keyPath), ca: pem(pki.caPath) }, (s) => {
        const protocol = s.getProtocol();
        const returned: boolean | undefined = s.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
          s.destroy();
          server.close();
          resolve({ returned, code: (err as NodeJS.ErrnoException | null)?.code, protocol });
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        const c = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
        c.on('error', () => c.destroy());
        c.on('close', () => c.destroy());
        c.resume();
      });
      server.on('error', reject);
    });
    expect(asked).toEqual({ returned: false, code: 'ERR_SSL_WRONG_SSL_VERSION', protocol: 'TLSv1.3' });
    expect(caseUnsupported(diffCase('scenario-post-handshake-auth-server'), 'node')).toContain('renegotiate() returns false with ERR_SSL_WRONG_SSL_VERSION');
  });

  // Node's server checks the chain after OpenSSL's handshake and destroys the socket: no alert;
  // a bad CertificateVerify is OpenSSL's own check, which sends decrypt_error.
  rejectionAlertsTest(
    'Node',
    {
      unknownCa: [],
      badCv: ['decrypt_error'],
      certMissing: ['certificate_required'],
      tls12CertMissing: ['handshake_failure'],
      badServerSignature: ['decrypt_error'],
      tls12BadServerSignature: ['decrypt_error'],
      // Node's client checks the chain after OpenSSL's handshake, and destroys the socket: no alert.
      untrustedServer: [],
      downgrade: ['illegal_parameter'],
    },
    () => pki,
    runNode,
  );
  everyAlertTests('node', (c: DiffCase) => runCase(c));
});
