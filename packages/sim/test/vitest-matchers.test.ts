/**
 * Issue 17 item 3: `@tls13sim/sim/vitest`, imported as a user would (the subpath export),
 * matchers on traces and simulations, and failure messages that carry the timeline.
 */
import { describe, expect, it } from 'vitest';
import '@tls13sim/sim/vitest';
import { checkVerdict, traceOf } from '@tls13sim/sim/vitest';
import { clientServerPair, openSslLens, runScenario, testPki } from '@tls13sim/sim';

/** The message of the assertion `fn` fails with. */
function failure(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('@tls13sim/sim/vitest matchers', () => {
  const rejected = runScenario('client-cv-rejected');

  it('toCompleteBefore: the client completes, the server never does', () => {
    expect(rejected).toCompleteBefore('client', 'server');
    expect(rejected).not.toCompleteBefore('server', 'client');
    const ok = clientServerPair();
    ok.run();
    // A full handshake: the client completes when it sends its Finished (having received
    // the server's), the server only when that Finished arrives (RFC 8446 §4.4.4).
    expect(ok).toCompleteBefore('client', 'server');
    expect(ok).not.toCompleteBefore('server', 'client');
  });

  it('toSurfaceAlertOn: decrypt_error surfaces first on the client read', () => {
    expect(rejected).toSurfaceAlertOn('read', 'decrypt_error');
    expect(rejected).toSurfaceAlertOn('read', 'decrypt_error', { side: 'client' });
    expect(rejected).not.toSurfaceAlertOn('connect', 'decrypt_error');
    expect(rejected).not.toSurfaceAlertOn('read', 'bad_certificate');
    expect(rejected).not.toSurfaceAlertOn('read', 'decrypt_error', { side: 'server' });
  });

  it('toHaveVerdict: rejected, and the client knows it from the alert', () => {
    expect(rejected).toHaveVerdict('client', 'rejected');
    expect(rejected).toHaveVerdict('client', 'rejected', { basis: 'knows' });
    expect(rejected).not.toHaveVerdict('client', 'rejected', { basis: 'presumes' });
    expect(rejected).not.toHaveVerdict('client', 'accepted');
    const fresh = clientServerPair();
    expect(fresh).toHaveVerdict('client', 'unknown');
  });

  it('works on a Simulation stepped by a lens (the trace so far)', () => {
    const sim = clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: testPki().bad.client.wrongKey });
    const ssl = openSslLens(sim, 'client', { blocking: true });
    ssl.connect();
    expect(sim).toCompleteBefore('client', 'server');
    expect(sim).not.toSurfaceAlertOn('read', 'decrypt_error');
    ssl.read(100);
    expect(sim).toSurfaceAlertOn('read', 'decrypt_error');
    expect(sim).toHaveVerdict('client', 'rejected', { basis: 'knows' });
  });

  it('a failure says what the trace shows, then prints the timeline', () => {
    const m = failure(() => expect(rejected).toCompleteBefore('server', 'client'));
    expect(m).toContain("expected the server's handshake to complete before the client's, but server: never completes; client: completes at event #");
    expect(m).toContain('tls13sim — client-cv-rejected (seed 1)');
    expect(m).toContain('★ client handshake complete');
    const a = failure(() => expect(rejected).toSurfaceAlertOn('write', 'decrypt_error'));
    expect(a).toMatch(
      /expected decrypt_error to surface first on write, but the first call that reports decrypt_error is the client's read \(SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error\), event #\d+ at 40 ms/,
    );
    expect(a).toContain('» SSL_read → 0 SSL_ERROR_SSL');
    const v = failure(() => expect(rejected).toHaveVerdict('client', 'accepted'));
    expect(v).toMatch(/expected client's verdict to be accepted, but client's verdict is rejected \(knows\): /);
    const n = failure(() => expect(rejected).not.toHaveVerdict('client', 'rejected'));
    expect(n).toMatch(/^expected not client's verdict to be rejected/);
    expect(failure(() => expect(rejected).toSurfaceAlertOn('read', 'unknown_ca'))).toContain(
      'no application call reports unknown_ca (alerts reported: client read → decrypt_error)',
    );
  });

  it('refuses what is not a trace, and a bad side, in one line', () => {
    expect(failure(() => expect({}).toHaveVerdict('client', 'rejected'))).toBe('expected a tls13sim Trace or Simulation, got object');
    expect(() => traceOf(42)).toThrow('expected a tls13sim Trace or Simulation, got number');
    expect(() => checkVerdict(rejected, 'peer' as never, 'rejected')).toThrow(`side must be 'client' or 'server', got "peer"`);
  });
});
