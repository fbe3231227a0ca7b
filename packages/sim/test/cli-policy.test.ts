/**
 * Issue 17 item 5 (part): `run` and `step` take the delivery policy — `--unit`,
 * `--interleave`, `--delay`, `--fault` — over the scenario's own; the run says so in its
 * first note and leaves out the scenario's notes (written for its own delivery).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { parseFault, parseUnit, policyOptions } from '../src/cli/policy-options.js';
import { stepCommand } from '../src/cli/step.js';
import { runScenario } from '../src/index.js';
import type { Trace } from '../src/trace.js';
import { expectOneLineError, fakeIo } from './cli-helpers.js';

async function runJson(args: string[]): Promise<Trace> {
  const io = fakeIo();
  expect(await runCli(['run', ...args, '--format', 'json'], io), io.err).toBe(0);
  return JSON.parse(io.out) as Trace;
}

const deliveries = (t: Trace) => t.events.flatMap((e) => (e.type === 'delivered' ? [e] : []));

describe('tls13sim run with a delivery policy', () => {
  it("--fault drop:c2s:1 drops the client's second delivery (its Certificate/CertificateVerify/Finished flight)", async () => {
    const t = await runJson(['client-cv-rejected', '--fault', 'drop:c2s:1']);
    const c2s = deliveries(t).filter((d) => d.direction === 'client_to_server');
    expect(c2s[1]!.fault).toEqual({ kind: 'drop' });
    expect(c2s.filter((d) => d.fault !== undefined)).toHaveLength(1);
    expect(t.events[0]).toMatchObject({
      type: 'note',
      text: "Delivery changed (--fault drop:c2s:1): the scenario's notes, written for its own delivery, are left out.",
    });
    // The scenario's narration is left out (the simulation's own facts, `fact` notes, stay);
    // a second first note says that no real run stands behind calls under this delivery.
    const narration = (x: Trace) => x.events.filter((e) => e.type === 'note' && e.fact === undefined);
    expect(narration(t)).toHaveLength(2);
    expect(t.events[1]).toMatchObject({ type: 'note', text: expect.stringContaining('Not run against the real library') });
    // Without the flag: the scenario as the README shows it, its notes included.
    expect(narration(runScenario('client-cv-rejected')).length).toBeGreaterThan(5);
  });

  it('--unit bytes:100 and --delay 5,20 change the units and the clock', async () => {
    const t = await runJson(['full-handshake', '--unit', 'bytes:100', '--delay', '5,20']);
    const d = deliveries(t);
    expect(Math.max(...d.map((x) => x.bytes))).toBeLessThanOrEqual(100);
    expect(d[0]).toMatchObject({ direction: 'client_to_server', time: 5 });
    expect(d.find((x) => x.direction === 'server_to_client')!.time).toBe(5 + 20);
    expect(t.events.some((e) => e.type === 'handshake_complete' && e.side === 'server')).toBe(true);
  });

  it('the same flags and seed give the same bytes', async () => {
    const a = await runJson(['full-handshake', '--unit', 'split', '--interleave', 'random', '--seed', '4']);
    const b = await runJson(['full-handshake', '--unit', 'split', '--interleave', 'random', '--seed', '4']);
    expect(a).toEqual(b);
  });

  it('step takes the same flags', async () => {
    const io = fakeIo();
    async function* lines() {
      yield 'n';
      yield 'n';
      yield 'q';
    }
    expect(await stepCommand(['full-handshake', '--fault', 'drop:s2c:0'], io, lines())).toBe(0);
    expect(io.out).toContain('Delivery changed (--fault drop:s2c:0)');
    expect(io.out).toMatch(/✗ drop \d+ B/);
  });

  it.each([
    ['resumption', 'drop:any:1', /^tls13sim: scenario resumption cannot run with --fault drop:any:1: the earlier connection gave the client no ticket$/],
    ['key-update', 'drop:any:1', /^tls13sim: scenario key-update cannot run with --fault drop:any:1: Endpoint\.keyUpdate: the handshake is not complete$/],
  ])('a scenario whose program cannot go on under the fault (%s, %s) fails in one line, exit 1', async (scenario, fault, message) => {
    const io = fakeIo();
    const code = await runCli(['run', scenario, '--fault', fault], io);
    expectOneLineError(code, io.err, message);
    expect(code).toBe(1);
  });

  it('parses every fault kind', () => {
    expect(parseFault('drop:any:3')).toEqual({ kind: 'drop', at: { index: 3 } });
    expect(parseFault('duplicate:s2c:0')).toEqual({ kind: 'duplicate', at: { direction: 'server_to_client', index: 0 } });
    expect(parseFault('truncate:c2s:1:7')).toEqual({ kind: 'truncate', at: { direction: 'client_to_server', index: 1 }, keep: 7 });
    expect(parseFault('corrupt:c2s:1:5:128')).toEqual({ kind: 'corrupt', at: { direction: 'client_to_server', index: 1 }, offset: 5, xor: 128 });
    expect(parseFault('inject:s2c:2:15030300020228')).toMatchObject({ kind: 'inject', at: { direction: 'server_to_client', index: 2 } });
    expect(parseUnit('record')).toEqual({ kind: 'record' });
    expect(parseUnit('bytes:3')).toEqual({ kind: 'bytes', n: 3 });
    expect(policyOptions(new Map([['fault', 'drop:c2s:0,duplicate:s2c:1']]))!.policy.faults).toHaveLength(2);
    expect(policyOptions(new Map())).toBeUndefined();
  });

  it.each([
    [['--fault', 'drop:c2s'], /--fault must look like KIND:DIR:INDEX/],
    [['--fault', 'drop:up:1'], /the direction must be c2s, s2c or any, got 'up'/],
    [['--fault', 'melt:c2s:1'], /unknown kind 'melt'/],
    [['--fault', 'drop:c2s:-1'], /the index must be an integer from 0/],
    [['--fault', 'inject:any:1:00'], /inject needs a direction/],
    [['--fault', 'inject:c2s:1:xyz'], /inject needs the bytes in hex/],
    [['--fault', 'corrupt:c2s:1:0:0'], /XOR must be an integer from 1 to 255/],
    [['--unit', 'bytes:0'], /--unit bytes:N must be an integer from 1/],
    [['--unit', 'packet'], /--unit must be flight, record, bytes:N, split or all/],
    [['--delay', 'soon'], /--delay must be an integer/],
    [['--delay', '1,2,3'], /--delay must be MS or C2S,S2C/],
    [['--interleave', 'sideways'], /--interleave must be one of fifo/],
  ])('run %j is a one-line usage error', async (args, message) => {
    const io = fakeIo();
    const code = await runCli(['run', 'full-handshake', ...args], io);
    expectOneLineError(code, io.err, message);
    expect(code).toBe(2);
    expect(io.out).toBe('');
  });
});
