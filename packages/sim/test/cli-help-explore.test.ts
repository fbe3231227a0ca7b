/**
 * Issue 17 item 5 (part): per-command help (`tls13sim run --help` prints that command's
 * usage, exit 0) and `tls13sim explore` as a command, listed by `tls13sim help`.
 */
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { expectOneLineError, fakeIo, MAIN, ROOT, runProcess } from './cli-helpers.js';

const COMMANDS = ['list', 'lenses', 'run', 'step', 'serve', 'connect', 'replay', 'explore'];

describe('tls13sim help', () => {
  it('lists every command, explore included, each line starting with tls13sim', async () => {
    const io = fakeIo();
    expect(await runCli(['help'], io)).toBe(0);
    const lines = io.out.trimEnd().split('\n');
    expect(lines[0]).toBe('usage:');
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}tls13sim [a-z]+/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual(expect.arrayContaining(COMMANDS));
  });

  it.each(COMMANDS.map((c) => [c]))("`%s --help` prints that command's usage on stdout, exit 0", async (command) => {
    for (const flag of ['--help', '-h']) {
      const io = fakeIo();
      expect(await runCli([command, flag], io)).toBe(0);
      expect(io.out).toMatch(new RegExp(`^usage: tls13sim ${command}\\b`));
      expect(io.err).toBe('');
    }
    const io = fakeIo();
    expect(await runCli(['help', command], io)).toBe(0);
    expect(io.out).toMatch(new RegExp(`^usage: tls13sim ${command}\\b`));
  });

  it('`run --help` wins over the other arguments (nothing runs)', async () => {
    const io = fakeIo();
    expect(await runCli(['run', 'client-cv-rejected', '--help'], io)).toBe(0);
    expect(io.out).not.toContain('SSL_connect');
  });

  it("lists every command the README's CLI block shows, and the block shows every command", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /## The `tls13sim` CLI[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const shown = [...block.matchAll(/^tls13sim ([a-z]+)/gm)].map((m) => m[1]);
    const io = fakeIo();
    await runCli(['help'], io);
    const listed = [...io.out.matchAll(/^ {2}tls13sim ([a-z]+)/gm)].map((m) => m[1]);
    expect(new Set(shown)).toEqual(new Set([...listed, 'help']));
  });

  it('`help nosuch` is a usage error', async () => {
    const io = fakeIo();
    const code = await runCli(['help', 'nosuch'], io);
    expectOneLineError(code, io.err, /unknown command 'nosuch'/);
    expect(code).toBe(2);
  });
});

describe('tls13sim explore', () => {
  it('runs a property and prints the closing line', async () => {
    const io = fakeIo();
    expect(await runCli(['explore', '--property', 'fault-free', '--runs', '3', '--seed', '1'], io)).toBe(0);
    expect(io.out).toMatch(/^tls13sim explore — seed 1, 3 runs each\n/);
    expect(io.out).toMatch(/ {2}ok {4}fault-free +3 runs/);
    expect(io.out).toMatch(/1 passed, 0 failed\n$/);
  });

  it('explores every schedule of a scenario within a bound', async () => {
    const io = fakeIo();
    expect(await runCli(['explore', '--exhaustive', 'full-handshake', '--depth', '2', '--splits', 'flight'], io)).toBe(0);
    expect(io.out).toMatch(/^tls13sim explore --exhaustive full-handshake\n/);
  });

  it.each([
    [['--bogus'], /^tls13sim: explore: unknown option --bogus/],
    [['--runs', 'many'], /^tls13sim: explore: --runs must be an integer, got 'many'/],
    [['--property', 'nope'], /^tls13sim: explore: unknown property 'nope'/],
    [['--exhaustive', 'no-such'], /^tls13sim: explore: unknown scenario 'no-such'/],
  ])('explore %j is a one-line usage error, exit 2', async (args, message) => {
    const io = fakeIo();
    const code = await runCli(['explore', ...args], io);
    expectOneLineError(code, io.err, message);
    expect(code).toBe(2);
    expect(io.out).toBe('');
  });
});

describe("usage errors point at the command's own help", () => {
  it.each([
    [['run', 'full-handshake', '--bogus'], /^tls13sim: unknown option --bogus \(`tls13sim run --help` shows the usage\)$/],
    [['explore', '--bogus'], /^tls13sim: explore: unknown option --bogus \(`tls13sim explore --help` shows the usage\)$/],
    [['frobnicate'], /^tls13sim: unknown command 'frobnicate' \(`tls13sim help` shows the usage\)$/],
  ])('%j', async (args, message) => {
    const io = fakeIo();
    const code = await runCli(args, io);
    expectOneLineError(code, io.err, message);
  });
});

describe('the bin', () => {
  it('runs when started through a symlink, as npm installs it (node_modules/.bin/tls13sim)', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'tls13sim-bin-')), 'tls13sim.ts');
    symlinkSync(MAIN, link);
    const r = await runProcess(['list'], { script: link });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.toString('utf8')).toMatch(/^blocking-read-deadlock /);
  });
});
