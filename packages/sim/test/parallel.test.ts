/**
 * Exploration across cores and machines (issue 20, items 2 and 3): N shards of a bound
 * cover exactly the schedules of one run (same count, outcomes and violations, merged into
 * the same summary), and worker threads give the result of one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { PropertyViolation } from '../src/explore/checks.js';
import { exploreExhaustive, parseSplits, type ExhaustiveResult } from '../src/explore/exhaustive.js';
import { exploreParallel, exploreShard, mergeShards, parseShard, readShard, writeShard, type ShardFile } from '../src/explore/parallel.js';
import { fakeIo } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tls13sim-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = 'client-cv-rejected';
const bound = { depth: 64, splits: parseSplits('bytes:256') };

/** What must not depend on how the tree was cut. */
const essence = (r: ExhaustiveResult) => ({
  scenario: r.scenario,
  seed: r.seed,
  bound: r.bound,
  schedules: r.schedules,
  truncated: r.truncated,
  violating: r.violating,
  outcomes: [...r.outcomes].sort(),
  violations: r.violations.map((v) => [v.message, v.schedule]),
});

const shards = (n: number, extra: Parameters<typeof exploreShard>[2] = { bound }): Array<{ name: string; shard: ShardFile }> =>
  Array.from({ length: n }, (_, i) => ({ name: `s${i + 1}`, shard: exploreShard(SCENARIO, { k: i + 1, n }, extra) }));

describe('explore --shard K/N and explore merge', () => {
  const single = exploreExhaustive(SCENARIO, { bound, save: false });

  it.each([1, 2, 3])('%i shard(s) cover each unit exactly once and merge into the single run', (n) => {
    const parts = shards(n);
    const units = parts.flatMap((p) => p.shard.results.map((r) => r.unit)).sort((a, b) => a - b);
    expect(units).toEqual(Array.from({ length: parts[0]!.shard.units }, (_, i) => i));
    expect(parts.reduce((s, p) => s + BigInt(p.shard.schedules), 0n)).toBe(80n);
    const merged = mergeShards(parts, { save: false });
    expect(essence(merged)).toEqual(essence(single));
    expect(merged.schedules).toBe(80n);
  });

  it('keeps the same first violating schedules (replay paths) as one run, pruned or not', () => {
    const serverNeverAlerts = (b: { alerts: readonly string[] }): void => {
      if (b.alerts.some((a) => a.startsWith('server:'))) throw new PropertyViolation('the server sent an alert');
    };
    const opts = { bound, extraChecks: [serverNeverAlerts], maxExamples: 3, save: false } as const;
    const one = exploreExhaustive(SCENARIO, opts);
    const plain = exploreExhaustive(SCENARIO, { ...opts, dedupe: false });
    expect(one.violating).toBe(80n);
    expect(one.violations).toHaveLength(3);
    expect(essence(plain).violations).toEqual(essence(one).violations);
    for (const n of [2, 3]) expect(essence(mergeShards(shards(n, opts), { save: false }))).toEqual(essence(one));
  });

  it('refuses files that are not exactly the N shards of one exploration, in one line', () => {
    const [a, b] = shards(2);
    expect(() => mergeShards([a!])).toThrow(/^missing shard 2\/2$/);
    expect(() => mergeShards([a!, a!, b!])).toThrow(/shard 1\/2 given twice/);
    const other = { name: 'o', shard: exploreShard(SCENARIO, { k: 2, n: 2 }, { bound: { ...bound, depth: 63 } }) };
    expect(() => mergeShards([a!, other])).toThrow(/^o: bound .* differs .*: not shards of one exploration$/);
    expect(() => parseShard('3/2')).toThrow(/--shard must be K\/N/);
    expect(() => parseShard('0/2')).toThrow(/--shard must be K\/N/);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"x":');
    expect(() => readShard(junk)).toThrow(/junk\.json: not a shard result file/);
  });

  it("the CLI: N shard files merged print the single run's summary (but for the work it took)", async () => {
    const args = ['explore', '--exhaustive', SCENARIO, '--splits', 'bytes:256', '--depth', '64'];
    const work = /^(schedules|pruned|rate|elapsed|workers|crypto memo) .*\n/gm;
    const one = fakeIo();
    expect(await runCli([...args, '--workers', '1'], one)).toBe(0);
    const files = [1, 2, 3].map((k) => join(dir, `shard-${k}.json`));
    for (const [i, f] of files.entries()) {
      const io = fakeIo();
      expect(await runCli([...args, '--shard', `${i + 1}/3`, '--out', f], io)).toBe(0);
      expect(io.out).toMatch(new RegExp(`--shard ${i + 1}/3: \\d+ of \\d+ units .* → ${f}\\n$`));
    }
    const merged = fakeIo();
    expect(await runCli(['explore', 'merge', ...files.reverse()], merged)).toBe(0);
    expect(merged.out).toMatch(/^tls13sim explore merge: 3 shards of client-cv-rejected\n/);
    expect(merged.out).toMatch(/^schedules {4}80 explored/m);
    expect(merged.out.split('\n').slice(1).join('\n').replace(work, '')).toBe(one.out.split('\n').slice(1).join('\n').replace(work, ''));
    const bad = fakeIo();
    expect(await runCli(['explore', 'merge', files[0]!], bad)).toBe(2);
    expect(bad.err).toMatch(/^tls13sim: explore: merge: missing shards? /);
    const noOut = fakeIo();
    expect(await runCli([...args, '--shard', '1/3'], noOut)).toBe(2);
    expect(noOut.err).toMatch(/--shard K\/N and --out FILE go together/);
  });
});

describe('explore --workers / --shard / merge: bad input is a one-line usage error, exit 2', () => {
  it.each([
    [['--exhaustive', SCENARIO, '--workers', '0'], /^tls13sim: explore: --workers must be a positive integer /],
    [['--exhaustive', SCENARIO, '--shard', '4/3', '--out', 'x.json'], /^tls13sim: explore: --shard must be K\/N with 1 ≤ K ≤ N, got '4\/3' /],
    [['--exhaustive', SCENARIO, '--shard', '1/2', '--workers', '2', '--out', 'x.json'], /^tls13sim: explore: --shard runs in one process/],
    [['--exhaustive', SCENARIO, '--out', 'x.json'], /^tls13sim: explore: --shard K\/N and --out FILE go together/],
    [['--workers', '2'], /^tls13sim: explore: --depth, .*--workers.* go with --exhaustive SCENARIO/],
    [['merge'], /^tls13sim: explore: merge needs the shards' result files/],
    [['merge', '--seed', '1'], /^tls13sim: explore: merge takes only files, got option --seed/],
    [['merge', '/nonexistent/shard.json'], /^tls13sim: explore: merge: \/nonexistent\/shard\.json: not a shard result file \(ENOENT/],
    [
      ['--exhaustive', SCENARIO, '--splits', 'bytes:256', '--depth', '64', '--shard', '1/2', '--out', '/nonexistent/dir/x.json'],
      /^tls13sim: explore: cannot write --out \/nonexistent\/dir\/x\.json: ENOENT/,
    ],
  ])('explore %j', async (args, message) => {
    const io = fakeIo();
    expect(await runCli(['explore', ...args], io)).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('explore --workers N', () => {
  it('2 worker threads give the result of one', async () => {
    const one = exploreExhaustive(SCENARIO, { bound, save: false });
    const two = await exploreParallel(SCENARIO, 2, { bound, save: false });
    expect(essence(two)).toEqual(essence(one));
    const plain = await exploreParallel(SCENARIO, 2, { bound, save: false, dedupe: false });
    expect(essence(plain)).toEqual(essence(one));
    expect(BigInt(plain.leaves)).toBe(80n);
  }, 60_000);
});

// A shard file written and read back is the same file.
it('a shard file round-trips through JSON', () => {
  const s = exploreShard(SCENARIO, { k: 1, n: 2 }, { bound });
  const f = join(dir, 'rt.json');
  writeShard(f, s);
  expect(readShard(f)).toEqual(JSON.parse(JSON.stringify(s)));
});
