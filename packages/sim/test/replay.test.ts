/**
 * `tls13sim replay`: a failing property shrinks, saves its counterexample and prints one
 * command; that command replays the run byte for byte and reports the same violation.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, faultPlanArb, scheduleScriptArb } from '../src/arbitraries.js';
import { runCli, type CliIo } from '../src/cli/main.js';
import { getProperty, type PropertyDef } from '../src/explore/properties.js';
import { readCounterexample, replayFile, runProperty } from '../src/explore/runner.js';
import type { Case } from '../src/explore/case.js';

function io(): CliIo & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout(t: string) {
      o.out += t;
    },
    stderr(t: string) {
      o.err += t;
    },
    writeFile() {},
  };
  return o;
}

/**
 * A deliberately broken use of the fault-free property: its inputs may carry a fault, so it
 * fails (a dropped ClientHello never connects), and shrinks to a one-fault schedule.
 */
function brokenFaultFree(): PropertyDef<Case> {
  const def = getProperty('fault-free') as PropertyDef<Case>;
  return { ...def, arbitrary: caseArb({ script: scheduleScriptArb({ fault: faultPlanArb(['drop']) }), actions: fc.constant([]) }) };
}

describe('tls13sim replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-replay-'));

  it('shrinks a failure to a minimal schedule and prints one command that replays it byte for byte', async () => {
    const r = runProperty(brokenFaultFree(), { seed: 7, runs: 50, dir });
    expect(r.failed).toBe(true);
    expect(r.command).toBe(`pnpm tls13sim replay ${r.file}`);
    const cx = readCounterexample(r.file!);
    const input = cx.input as Case;
    // Shrunk: the default configuration, no delivery decisions, one drop.
    expect(input.script.steps).toEqual([]);
    expect(input.script.fault?.kind).toBe('drop');
    expect(input.config.suite).toBe('TLS_AES_128_GCM_SHA256');
    expect(cx.schedule!.length).toBeGreaterThan(0);

    const again = replayFile(r.file!);
    expect(again).toMatchObject({ reproduced: true, identical: true, message: r.message });

    const out = io();
    expect(await runCli(['replay', r.file!], out)).toBe(1);
    expect(out.out).toContain('trace byte-identical to the saved run');
    expect(out.out).toContain(`property fault-free fails: ${r.message}`);
    expect(out.out).toContain('ClientHello');

    const json = io();
    expect(await runCli(['replay', r.file!, '--format', 'json'], json)).toBe(1);
    expect(JSON.parse(json.out).events.length).toBeGreaterThan(0);
    expect(json.err).toContain('byte-identical');
  }, 60_000);

  it('replays from a property, seed and path and reports that it holds', async () => {
    const out = io();
    expect(await runCli(['replay', '--property', 'fault-free', '--seed', '3', '--path', '0'], out)).toBe(0);
    expect(out.out).toContain('property fault-free holds');
  }, 60_000);

  it('reports a file whose saved schedule no longer fits, and judges the case by its script', async () => {
    const r = runProperty(brokenFaultFree(), { seed: 7, runs: 50, dir });
    const cx = JSON.parse(readFileSync(r.file!, 'utf8'));
    cx.schedule[0].take += 1000;
    const file = join(dir, 'diverged.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(cx));
    const out = io();
    expect(await runCli(['replay', file], out)).toBe(1);
    expect(out.out).toContain('no longer fits');
  }, 60_000);

  it('rejects bad usage with exit code 2', async () => {
    for (const args of [
      ['replay'],
      ['replay', '--property', 'nope', '--seed', '1', '--path', '0'],
      ['replay', '--property', 'fault-free', '--seed', 'x', '--path', '0'],
      ['replay', 'a', 'b'],
    ]) {
      const out = io();
      expect(await runCli(args, out)).toBe(2);
    }
  });
});
