/**
 * The TLS 1.2 contrast, through every lens (simulated; the real libraries' runs of the same
 * cases are in <lib>.test.ts): with TLS 1.2 the server judges the client's certificate
 * before its own Finished (RFC 5246 §7.3), so the client's connect call itself fails with the
 * server's alert; with TLS 1.3 the same connect succeeds (RFC 8446 §4.4.4) and only a later
 * call can reveal the verdict.
 */
import { describe, expect, it } from 'vitest';
import { DIFF_CASES, diffCase } from '../../packages/sim/src/lens/cases.js';
import { LENS_NAMES } from '../../packages/sim/src/lens/lens.js';
import { runCaseThroughLens } from '../../packages/sim/src/lens/run-case.js';

/** TLS 1.2 case → its TLS 1.3 twin and the alert the server sends in 1.2. */
const TWINS: ReadonlyArray<[string, string, string | null]> = [
  ['tls12-accepted', 'accepted', null],
  ['tls12-cert-unknown-ca', 'cert-unknown-ca', 'unknown_ca'],
  ['tls12-cert-rejected', 'cert-rejected', 'bad_certificate'],
  ['tls12-cv-rejected', 'cv-rejected', 'decrypt_error'],
  // RFC 5246 §7.4.6: no certificate_required alert in TLS 1.2.
  ['tls12-cert-missing', 'cert-missing', 'handshake_failure'],
];

function connectCall(name: string, lens: (typeof LENS_NAMES)[number]): { result: string; alert?: string } {
  const run = runCaseThroughLens(diffCase(name), lens);
  const call = run.sim.events.find((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'connect');
  if (call === undefined || call.type !== 'app_call') throw new Error(`${name}/${lens}: no connect call`);
  return { result: call.result, ...(call.alert !== undefined ? { alert: call.alert } : {}) };
}

describe('TLS 1.2 vs TLS 1.3: where the verdict on the client certificate surfaces', () => {
  it('every TLS 1.2 twin is in DIFF_CASES and negotiates TLS 1.2 in the simulation', () => {
    for (const [name] of TWINS) {
      const c = DIFF_CASES.find((x) => x.name === name);
      expect(c?.server.version, name).toBe('TLSv1.2');
      const sim = runCaseThroughLens(c!, 'openssl').sim;
      expect((sim.endpoint('client') as { version?: string | null }).version, name).toBe('TLSv1.2');
    }
  });

  for (const lens of LENS_NAMES) {
    it(`${lens}: connect fails with the server's alert under TLS 1.2, succeeds under TLS 1.3`, () => {
      for (const [v12, v13, alert] of TWINS) {
        const twelve = connectCall(v12, lens);
        if (alert === null) expect(twelve, v12).toEqual({ result: 'ok' });
        else expect(twelve, v12).toEqual({ result: 'error', alert });
        expect(connectCall(v13, lens).result, v13).toBe('ok');
      }
    });
  }
});
