/**
 * The simulated side of the resumed differential cases (DiffCase.resume): the second
 * connection must resume the first's session, as the TCP side checks of the real libraries.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIFF_CASES } from '../src/lens/cases.js';
import { writeEarly } from '../src/lens/early-data.js';
import { createLens } from '../src/lens/registry.js';
import { caseSimulation, runCaseThroughLens } from '../src/lens/run-case.js';
import { Simulation } from '../src/simulation.js';

const resumed = DIFF_CASES.filter((c) => c.resume === true);

describe('resumed differential cases, simulated', () => {
  afterEach(() => vi.restoreAllMocks());

  it('there are resumed cases on both sides, and each simulated second connection resumes (PSK: no Certificate)', () => {
    expect(resumed.filter((c) => c.side === 'server').length).toBeGreaterThan(0);
    expect(resumed.filter((c) => c.side !== 'server').length).toBeGreaterThan(0);
    for (const c of resumed) {
      const run = runCaseThroughLens(c, 'openssl');
      expect(
        run.sim.events.some((e) => e.type === 'record_sent' && e.messages.includes('certificate')),
        c.name,
      ).toBe(false);
    }
  });

  it('a second connection that does not resume fails the run: one that starts before the first ended offers a ticket from the future', () => {
    // The bug the check caught: the second connection's clock started at 0.
    vi.spyOn(Simulation.prototype, 'advanceClock').mockImplementation(() => {});
    const c = resumed.find((x) => x.name === 'scenario-resumption')!;
    expect(() => runCaseThroughLens(c, 'openssl')).toThrow(/did not resume/);
  });

  it("the early write: OpenSSL's lens records SSL_write_early_data; a lens without such a call records nothing", () => {
    const c = DIFF_CASES.find((x) => x.name === 'scenario-early-data')!;
    const data = new TextEncoder().encode('GET /early HTTP/1.0\r\n\r\n');
    expect(writeEarly(createLens('openssl', caseSimulation(c), 'client', { blocking: true }), data)).toMatchObject({
      api: 'SSL_write_early_data',
      outcome: `1, ${data.length} written`,
    });
    const sim = caseSimulation(c);
    expect(writeEarly(createLens('go', sim, 'client', { blocking: true }), data)).toBeNull();
    expect(sim.events.some((e) => e.type === 'app_call')).toBe(false);
  });
});
