/**
 * Issue 17 item 1, from a user's point of view: everything comes from the package entry
 * (`@tls13sim/sim`, resolved to src/index.ts by vitest.config.ts), never from deep paths,
 * and nothing else is imported first (no CLI, no `scenarios/catalogue.js`).
 */
import { describe, expect, it } from 'vitest';
import { getScenario, listScenarios, runScenario, UnknownScenarioError } from '@tls13sim/sim';

describe('@tls13sim/sim: the scenario catalogue', () => {
  it('is registered by importing the package', () => {
    const names = listScenarios().map((s) => s.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(names).toContain('client-cv-rejected');
    expect(names).toContain('rfc8448-simple');
    expect(getScenario('client-cv-rejected')?.description).toMatch(/CertificateVerify/);
  });

  it('runs a catalogue scenario: the client completes, then reads the decrypt_error alert', () => {
    const trace = runScenario('client-cv-rejected');
    expect(trace.scenario).toBe('client-cv-rejected');
    expect(trace.events.some((e) => e.side === 'client' && e.type === 'handshake_complete')).toBe(true);
    expect(trace.events.some((e) => e.side === 'client' && e.type === 'app_call' && e.call === 'read' && e.alert === 'decrypt_error')).toBe(true);
  });

  it('still names an unknown scenario in one error', () => {
    expect(() => runScenario('no-such-scenario')).toThrow(UnknownScenarioError);
  });
});
