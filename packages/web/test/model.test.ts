/** The stepper's model (packages/web/src/model.ts): permalinks and what each step shows, in Node. */
import { describe, expect, it } from 'vitest';
import { listScenarios } from '@tls13sim/sim/browser';
import { DEFAULT_LINK, Run, formatHash, parseHash, scenarioNames, stepUnits } from '../src/model.js';

describe('stepper permalinks', () => {
  it('round-trip scenario, seed, lens and step', () => {
    const link = { scenario: 'key-update', seed: 7, lens: 'go' as const, step: 3 };
    expect(formatHash(link)).toBe('#scenario=key-update&seed=7&lens=go&step=3');
    expect(parseHash(formatHash(link))).toEqual({ link, problems: [] });
  });

  it('fall back to the default with one problem per bad field', () => {
    expect(parseHash('')).toEqual({ link: DEFAULT_LINK, problems: [] });
    const r = parseHash('#scenario=nope&seed=-1&lens=schannel&step=1e3');
    expect(r.link).toEqual(DEFAULT_LINK);
    expect(r.problems).toEqual([
      "unknown scenario 'nope'",
      "bad seed '-1' (a whole number 0…4294967295)",
      "bad step '1e3' (a whole number 0…1000000)",
      "unknown lens 'schannel' (one of openssl, node, go, python, gnutls, rustls)",
    ]);
  });
});

describe('stepper steps', () => {
  it('lists the whole catalogue (the browser entry registers it)', () => {
    expect(scenarioNames()).toEqual(listScenarios().map((d) => d.name));
    expect(scenarioNames()).toContain('client-cv-rejected');
  });

  it('split the trace at each delivery and each read of buffered bytes, losing nothing', () => {
    const run = Run.of('client-cv-rejected', 1, 'openssl');
    const units = stepUnits(run.trace);
    expect(units.flat()).toEqual(run.trace.events);
    expect(units.map((u) => u[0]!.type)).toEqual([
      'note',
      'delivered',
      'delivered',
      'processed',
      'processed',
      'delivered',
      'delivered',
      'delivered',
      'processed',
    ]);
    expect(units.every((u) => u.slice(1).every((e) => e.type !== 'delivered' && e.type !== 'processed'))).toBe(true);
  });

  it('client-cv-rejected: the client is CONNECTED and knows nothing until the last step, while the truth is already rejected at step 5', () => {
    const run = Run.of('client-cv-rejected', 1, 'openssl');
    const at = (k: number) => run.view(k).sides.client;
    expect(at(4).state).toBe('CONNECTED');
    expect(at(4).calls.map((c) => c.api)).toEqual(['SSL_connect', 'SSL_write']);
    expect(at(4).ledger.truth.verdict).toBe('unknown');
    expect(at(5).ledger.truth.verdict).toBe('rejected');
    // Step 7: the alert's 24 bytes are in the client's socket; its library has not read them.
    expect(at(7).ledger.knows.verdict).toBe('unknown');
    expect(at(7).unread).toBe(24);
    expect(at(7).state).toBe('CONNECTED');
    expect(at(8).unread).toBe(0);
    expect(at(8).ledger.knows).toMatchObject({ verdict: 'rejected', basis: 'knows', alert: { description: 'decrypt_error' } });
    expect(at(8).state).toBe('CLOSED');
    expect(at(8).visited).toEqual(['START', 'WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED', 'CLOSED']);
    // Out of range steps clamp.
    expect(run.view(99).step).toBe(8);
    expect(run.view(-1).step).toBe(0);
    // The records so far: the alert is an application_data record on the wire.
    const alert = run.view(5).records.find((r) => r.sent.innerType === 'alert');
    expect(alert).toMatchObject({ from: 'server', sent: { outerType: 'application_data', epoch: 'application' }, fate: 'in_flight' });
    const arrived = run.view(7).records.find((r) => r.sent.innerType === 'alert');
    expect(arrived?.fate).toBe('delivered');
    expect(arrived?.processed).toBeUndefined();
    expect(run.view(8).records.find((r) => r.sent.innerType === 'alert')?.processed?.bytes).toBe(24);
  });
});
