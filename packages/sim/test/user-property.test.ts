/**
 * Issue 17 item 3: a user's property run by `tlsProperty` — it passes when it holds; when it
 * fails, the error shows the shrunk case's timeline and a `tls13sim replay FILE` command
 * that loads the user's module and replays the run byte for byte.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tlsProperty, TlsPropertyFailure } from '@tls13sim/sim/vitest';
import { readCounterexample } from '../src/explore/runner.js';
import { runCli } from '../src/cli/main.js';
import { fakeIo } from './cli-helpers.js';
import { cvSurfacesOnRead, serverCompletesFirst } from './fixtures/user-properties.js';

describe('tlsProperty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-user-prop-'));

  it('returns when the property holds', () => {
    tlsProperty(cvSurfacesOnRead, { numRuns: 15, seed: 1, dir });
  });

  it('on failure: the timeline of the shrunk case, and a replay file that tls13sim replay runs byte for byte', async () => {
    let failure: TlsPropertyFailure | undefined;
    try {
      tlsProperty(serverCompletesFirst, { numRuns: 20, seed: 5, dir });
    } catch (e) {
      failure = e as TlsPropertyFailure;
    }
    expect(failure).toBeInstanceOf(TlsPropertyFailure);
    const m = failure!.message;
    expect(m).toMatch(
      /^property server-completes-first failed after \d+ run\(s\), shrunk \d+ time\(s\): Error: the server does not complete first: server: completes at event #\d+/,
    );
    expect(m).toContain(`replay: tls13sim replay ${failure!.file}`);
    expect(m).toContain('tls13sim — pair (seed ');
    expect(m).toContain('★ client handshake complete');
    // Shrunk: the smallest seed fast-check can reach.
    expect(failure!.input).toMatchObject({ seed: 1 });
    expect(existsSync(failure!.file)).toBe(true);
    const cx = readCounterexample(failure!.file);
    expect(cx).toMatchObject({ property: 'server-completes-first', module: expect.stringMatching(/^file:.*user-properties\.ts$/) });
    expect(cx.schedule!.length).toBeGreaterThan(0);

    const io = fakeIo();
    expect(await runCli(['replay', failure!.file], io)).toBe(1);
    expect(io.out).toContain('tls13sim — pair (seed 1)');
    expect(io.out).toContain('replay: trace byte-identical to the saved run');
    expect(io.out).toContain('replay: property server-completes-first fails: Error: the server does not complete first');
  });

  it('a replay file whose module is gone fails in one line', async () => {
    let failure: TlsPropertyFailure | undefined;
    try {
      tlsProperty({ ...serverCompletesFirst, module: join(dir, 'no-such-module.ts') }, { numRuns: 5, seed: 5, dir });
    } catch (e) {
      failure = e as TlsPropertyFailure;
    }
    const io = fakeIo();
    expect(await runCli(['replay', failure!.file], io)).toBe(2);
    expect(io.err).toMatch(/^tls13sim: .*cannot load the module of property 'server-completes-first'/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });
});
