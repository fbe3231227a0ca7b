/**
 * Issue 17 item 5 (part): `tls13sim step <scenario> --choose` — the user picks every
 * delivery (direction, a split at any byte, a dropped flight) and can go back a step.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { stepCommand } from '../src/cli/step.js';
import { expectOneLineError, fakeIo } from './cli-helpers.js';

async function* lines(...l: string[]): AsyncIterable<string> {
  for (const x of l) yield x;
}

async function live(...cmds: string[]): Promise<string> {
  const io = fakeIo();
  expect(await stepCommand(['client-cv-rejected', '--choose'], io, lines(...cmds)), io.err).toBe(0);
  return io.out;
}

/** The sections the stepper printed, by their titles. */
const titles = (out: string) => [...out.matchAll(/^── (.*) ──$/gm)].map((m) => m[1]);

describe('tls13sim step --choose', () => {
  it('delivers the direction and the byte count asked for', async () => {
    const out = await live('c', 's 100', 's', 'q');
    expect(titles(out)).toEqual([
      'start · step client-cv-rejected live: you choose every delivery',
      'step 1 · 10 ms · client → server · 181 B',
      'step 2 · 20 ms · server → client · 100 B',
      'step 3 · 20 ms · server → client · 581 B',
    ]);
    // After 100 of the server's 681 bytes, the rest is still in flight, the record split.
    expect(out).toMatch(/server → client: 581 B — .*\(\d+ of \d+ B left\)/);
    expect(out).toContain('» SSL_connect → 1');
  });

  it('drops a flight, and goes back to before the drop: the same run as if it never happened', async () => {
    const straight = await live('c', 's', 'c', 'q');
    const detour = await live('c', 'drop s', 'b', 's', 'c', 'q');
    expect(detour).toContain('── step 2 · 20 ms · server → client · 681 B (drop) ──');
    expect(detour).toMatch(/✗ drop 681 B/);
    expect(detour).toContain('── back to step 1 · 10 ms ──');
    const from = (out: string, title: string) => out.slice(out.lastIndexOf(`── ${title}`));
    expect(from(detour, 'step 3 ')).toBe(from(straight, 'step 3 '));
  });

  it('says what it cannot do, and goes on', async () => {
    const out = await live('s', 'c 0', 'c 9999', 'frobnicate', 'b', 'q');
    expect(out).toContain('cannot: nothing in flight server → client.');
    expect(out).toContain('cannot: 0 B: only 1 to 181 B are in flight that way.');
    expect(out).toContain('cannot: 9999 B: only 1 to 181 B are in flight that way.');
    expect(out).toContain("unknown command 'frobnicate'.");
    expect(out).toContain('already at the start.');
    expect(out).toMatch(/quit\.\n$/);
  });

  it.each([
    [['step', 'rfc8448-simple', '--choose'], /step --choose: scenario 'rfc8448-simple' cannot be stepped live \(one of .*client-cv-rejected/],
    [['step', 'client-cv-rejected', '--choose', '--fault', 'drop:c2s:0'], /step --choose takes no --unit, --interleave, --delay or --fault/],
  ])('%j is a one-line usage error', async (args, message) => {
    const io = fakeIo();
    const code = await runCli(args, io);
    expectOneLineError(code, io.err, message);
    expect(code).toBe(2);
  });
});
