/**
 * The exhaustive explorer as a library (`explore()` from `@tls13sim/sim`): a user's property
 * over every schedule and fault placement within a bound; a failure comes back minimised
 * (delta debugging over the choices), with its timeline and a file `tls13sim replay` runs
 * byte for byte; the counts are those `tls13sim explore --exhaustive` prints.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeChoice, explore, formatExploration, parseExploreFault, traceToJson, type Choice } from '@tls13sim/sim';
import { runCli } from '../src/cli/main.js';
import { readCounterexample } from '../src/explore/runner.js';
import { ddmin } from '../src/explore/minimise.js';
import { fakeIo } from './cli-helpers.js';
import { cvDuplicate, cvDuplicateOwnPair, readNeverReportsBadRecordMac } from './fixtures/user-explorations.js';

const dir = mkdtempSync(join(tmpdir(), 'tls13sim-explore-api-'));

/** `schedules    N explored` from the CLI's report. */
function cliSchedules(args: readonly string[]): Promise<{ count: string; out: string }> {
  const io = fakeIo();
  return runCli(['explore', '--exhaustive', ...args, '--workers', '1'], io).then((code) => {
    expect(code, io.err).toBe(0);
    const m = /^schedules\s+([\d,]+) explored/m.exec(io.out);
    expect(m, io.out).not.toBeNull();
    return { count: m![1]!.replaceAll(',', ''), out: io.out };
  });
}

describe('explore(): counts', () => {
  it.each([
    ['client-cv-rejected', 'record', undefined],
    ['full-handshake', 'flight', undefined],
    ['hello-retry', 'bytes:64', 3],
  ] as const)('an always-true property over %s (splits %s) explores as many schedules as tls13sim explore', async (scenario, splits, depth) => {
    const r = explore({ scenario, bounds: { splits, ...(depth !== undefined ? { depth } : {}) }, property: () => true });
    expect(r.failure).toBeUndefined();
    expect(r.violating).toBe(0n);
    const cli = await cliSchedules([scenario, '--splits', splits, ...(depth !== undefined ? ['--depth', String(depth)] : [])]);
    expect(r.schedules.toString()).toBe(cli.count);
    expect(r.schedules).toBeGreaterThan(1n);
    // The same outcome lines too.
    for (const sig of r.outcomes.keys()) expect(cli.out).toContain(sig);
  });

  it('faults are choices: each fits where the text says, at most `max` per schedule', () => {
    const none = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, property: () => true });
    const one = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['drop'] }, property: () => true });
    const s2c = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['drop:s2c'] }, property: () => true });
    const two = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['drop'], max: 2 }, property: () => true });
    expect(one.schedules).toBeGreaterThan(s2c.schedules);
    expect(s2c.schedules).toBeGreaterThan(none.schedules);
    expect(two.schedules).toBeGreaterThan(one.schedules);
    // With faults, the network's doing shows in the outcomes: a side left waiting.
    expect([...one.outcomes.keys()].some((k) => k.includes('read:blocked'))).toBe(true);
    expect([...none.outcomes.keys()].some((k) => k.includes('read:blocked'))).toBe(false);
  });

  it.each([
    ['corrupt', 'bytes:256'],
    ['drop', 'bytes:256'],
  ] as const)('pruning stays exact with faults (%s, splits %s): the same counts and outcomes with it and without', (fault, splits) => {
    const def = { scenario: 'client-cv-rejected', bounds: { splits }, faults: { allow: [fault] }, property: () => true };
    const pruned = explore(def);
    const full = explore({ ...def, dedupe: false });
    expect(pruned.pruned).toBeGreaterThan(0);
    expect(pruned.schedules).toBe(full.schedules);
    const lines = (m: ReadonlyMap<string, bigint>) => [...m].map(([k, n]) => `${n} × ${k}`).sort();
    expect(lines(pruned.outcomes)).toEqual(lines(full.outcomes));
  });

  it('reads the --fault vocabulary, with the position optional', () => {
    expect(parseExploreFault('drop')).toEqual({ spec: { kind: 'drop', at: { index: 0 } }, anyIndex: true });
    expect(parseExploreFault('corrupt:s2c:*:3:255')).toEqual({
      spec: { kind: 'corrupt', at: { direction: 'server_to_client', index: 0 }, offset: 3, xor: 255 },
      anyIndex: true,
    });
    expect(parseExploreFault('duplicate:c2s:2')).toEqual({ spec: { kind: 'duplicate', at: { direction: 'client_to_server', index: 2 } }, anyIndex: false });
    expect(() => parseExploreFault('reorder')).toThrow(/unknown kind 'reorder'/);
    expect(() => explore({ scenario: 'client-cv-rejected', faults: { allow: ['drop:sideways'] } })).toThrow(/the direction must be c2s, s2c or any/);
    expect(() => explore({ scenario: 'client-cv-rejected', factory: cvDuplicateOwnPair.factory! })).toThrow(/either a scenario or a factory/);
  });
});

describe('explore(): a failing property', () => {
  it('fails only under records delivered one by one plus a duplicate', () => {
    expect(explore({ ...cvDuplicate, faults: undefined }, { save: false }).failure).toBeUndefined();
    expect(explore({ ...cvDuplicate, bounds: { splits: 'flight' } }, { save: false }).failure).toBeUndefined();
    expect(explore(cvDuplicate, { save: false }).failure).toBeDefined();
  });

  it('comes back minimised, with its timeline, and replays byte for byte with tls13sim replay', async () => {
    const r = explore(cvDuplicate, { dir });
    const f = r.failure!;
    expect(f).toBeDefined();
    expect(r.violating).toBeGreaterThan(0n);
    expect(f.message).toBe('Error: property no-bad-record-mac-on-read does not hold');
    // Smaller than the first failing schedule found, and still with its one duplicate.
    expect(f.choices.length).toBeLessThan(f.first.choices.length);
    expect(f.choices.filter((c) => c.fault !== undefined).map((c) => c.fault!.kind)).toEqual(['duplicate']);
    expect(f.schedule.slice(0, f.choices.length)).toEqual(f.choices);
    expect(f.timeline).toMatch(/^tls13sim — client-cv-rejected \(seed 1\)/);
    expect(f.timeline).toContain('bad_record_mac');
    const text = formatExploration(r);
    expect(text).toContain(`minimised (${f.attempts} runs): ${f.choices.length} choices`);
    expect(text).toContain(`replay: tls13sim replay ${f.file}`);
    for (const c of f.choices) expect(text).toContain(describeChoice(c));

    const cx = readCounterexample(f.file!);
    expect(cx).toMatchObject({ property: 'no-bad-record-mac-on-read', module: expect.stringMatching(/user-explorations\.ts$/) });
    expect(cx.schedule).toEqual(JSON.parse(JSON.stringify(f.schedule)));
    const io = fakeIo();
    expect(await runCli(['replay', f.file!, '--format', 'json'], io)).toBe(1);
    expect(io.out).toBe(traceToJson(f.trace));
    expect(io.err).toContain('replay: trace byte-identical to the saved run');
    expect(io.err).toContain('replay: property no-bad-record-mac-on-read fails: Error: property no-bad-record-mac-on-read does not hold');
  });

  it("a factory of the user's own explores and replays the same way", async () => {
    const r = explore(cvDuplicateOwnPair, { dir });
    const f = r.failure!;
    expect(f.choices.length).toBeLessThan(f.first.choices.length);
    expect(f.timeline).toMatch(/^tls13sim — own-pair \(seed 1\)/);
    const io = fakeIo();
    expect(await runCli(['replay', f.file!], io)).toBe(1);
    expect(io.out).toContain('replay: trace byte-identical to the saved run');
  });

  it("without a property, the scenario's own checks judge; the file replays as the built-in exhaustive property", async () => {
    const r = explore({ scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['drop:c2s'] } }, { dir });
    const f = r.failure!;
    expect(f.message).toMatch(/PropertyViolation/);
    expect(readCounterexample(f.file!)).toMatchObject({ property: 'exhaustive' });
    expect(readCounterexample(f.file!).module).toBeUndefined();
    const io = fakeIo();
    expect(await runCli(['replay', f.file!], io)).toBe(1);
    expect(io.out).toContain('replay: trace byte-identical to the saved run');
  });

  it('an injection is a choice too: bytes handed to the receiver before a delivery', () => {
    // A plaintext fatal alert (RFC 8446 §6: level 2, handshake_failure 40) injected toward the client.
    const r = explore(
      {
        scenario: 'client-cv-rejected',
        bounds: { splits: 'flight' },
        faults: { allow: ['inject:s2c:*:15030300020228'] },
        property: (run) => !run.calls.client.some((c) => c.includes('handshake_failure')),
      },
      { save: false },
    );
    const f = r.failure!;
    expect(f.choices).toEqual([{ at: 0, direction: 'server_to_client', take: 0, fault: { kind: 'inject', hex: '15030300020228' } }]);
    expect(formatExploration(r)).toContain('minimised (');
    expect(formatExploration(r)).toContain('1 choice, then the default schedule');
    expect(f.trace.events.some((e) => e.type === 'alert_received' && e.side === 'client' && e.description === 'handshake_failure')).toBe(true);
  });

  it('a property that is not exported still gets its timeline, and a file naming what replay needs', () => {
    const r = explore(
      { scenario: 'client-cv-rejected', bounds: { splits: 'record' }, faults: { allow: ['duplicate'] }, property: readNeverReportsBadRecordMac },
      { dir },
    );
    expect(r.failure!.command).toMatch(/give the exploration a `module: import\.meta\.url`/);
    expect(JSON.parse(readFileSync(r.failure!.file!, 'utf8'))).toMatchObject({ property: 'client-cv-rejected' });
  });
});

describe('ddmin', () => {
  it('finds a 1-minimal failing sublist, deterministically', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const fails = (xs: readonly number[]) => xs.includes(3) && xs.includes(17) && xs.includes(11);
    expect(ddmin(items, fails)).toEqual([3, 11, 17]);
    expect(ddmin(items, () => true)).toEqual([]);
    const calls: string[] = [];
    ddmin(items, (xs) => (calls.push(xs.join()), fails(xs)));
    const again: string[] = [];
    ddmin(items, (xs) => (again.push(xs.join()), fails(xs)));
    expect(again).toEqual(calls);
  });

  it('keeps the order of what it keeps', () => {
    const c = (take: number): Choice => ({ at: 0, direction: 'client_to_server', take });
    const out = ddmin([c(1), c(2), c(3), c(4)], (xs) => xs.some((x) => x.take === 2) && xs.some((x) => x.take === 4));
    expect(out.map((x) => x.take)).toEqual([2, 4]);
  });
});
