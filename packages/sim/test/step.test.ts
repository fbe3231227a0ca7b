/** `tls13sim step`: driven through its stdin, by a fake line source and by a real child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/index.js';
import { runCli, type CliIo } from '../src/cli/main.js';
import { StepView, stepCommand, stepUnits } from '../src/cli/step.js';

function io(): CliIo & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdout(t: string) {
      r.out += t;
    },
    stderr(t: string) {
      r.err += t;
    },
    writeFile() {
      throw new Error('step writes no files');
    },
  };
  return r;
}

async function* lines(...input: string[]): AsyncIterable<string> {
  for (const l of input) yield l;
}

/** The output blocks, one per shown unit, split at the `── … ──` titles. */
function blocks(out: string): string[] {
  return out.split(/\n── /).slice(1);
}

describe('tls13sim step', () => {
  it('shows the start, then one delivery per Enter until the scenario ends', async () => {
    const deliveries = runScenario('client-cv-rejected').events.filter((e) => e.type === 'delivered').length;
    const r = io();
    const code = await stepCommand(['client-cv-rejected'], r, lines(...Array<string>(deliveries).fill('')));
    expect(code).toBe(0);
    const b = blocks(r.out);
    expect(b).toHaveLength(deliveries + 1);
    expect(b[0]).toMatch(/^start · \d+ deliveries to come ──/);
    for (const [i, block] of b.slice(1).entries()) expect(block).toMatch(new RegExp(`^step ${i + 1}/${deliveries} · \\d+ ms · `));
    expect(r.out).toContain('end of scenario');
  });

  it('shows both states and what is in flight after each step', async () => {
    const r = io();
    await stepCommand(['client-cv-rejected'], r, lines('n', 'n', 'n', 'q'));
    const b = blocks(r.out);
    expect(b[0]).toContain('client WAIT_SH');
    expect(b[0]).toMatch(/client → server: \d+ B — ClientHello\n/);
    expect(b[0]).toContain('server → client: nothing');
    // After the server's flight: the client is complete, its Certificate/CV/Finished and data are on the wire.
    expect(b[2]).toContain('client CONNECTED ★');
    expect(b[2]).toContain('server WAIT_CERT');
    expect(b[2]).toMatch(/client → server: \d+ B — \{Certificate, CertificateVerify, Finished\} \[Application Data \d+ B\]/);
    // After the server read the bad CertificateVerify: its alert is in flight, the client does not know yet.
    expect(b[3]).toContain('server CLOSED');
    expect(b[3]).toContain('server → client: 24 B — [Alert(decrypt_error)]');
    expect(b[3]).toContain('client CONNECTED ★ · verdict on its handshake: unknown');
    expect(b).toHaveLength(4);
    expect(r.out).toMatch(/quit\.\n$/);
  });

  it('quits on q without delivering more', async () => {
    const r = io();
    expect(await stepCommand(['full-handshake'], r, lines('n', 'q', 'n'))).toBe(0);
    expect(blocks(r.out).map((b) => b.split(' ')[0])).toEqual(['start', 'step']);
  });

  it('answers an unknown key with help and does not advance', async () => {
    const r = io();
    await stepCommand(['full-handshake'], r, lines('x', 'q'));
    expect(r.out).toContain("unknown command 'x'. Enter or n: deliver the next unit · q: quit");
    expect(blocks(r.out)).toHaveLength(1);
  });

  it('ends quietly when its input ends', async () => {
    const r = io();
    expect(await stepCommand(['full-handshake'], r, lines('n'))).toBe(0);
    expect(blocks(r.out)).toHaveLength(2);
  });

  it('agrees with the trace: the last unit leaves the states the trace ends in and nothing in flight', () => {
    const trace = runScenario('client-cv-rejected');
    const view = new StepView();
    for (const u of stepUnits(trace)) for (const e of u.events) view.observe(e);
    expect(view.describeSide('client')).toBe('client CLOSED ★ · verdict on its handshake: rejected(decrypt_error)');
    expect(view.describeSide('server')).toBe('server CLOSED · verdict on its handshake: unknown');
    expect(view.inFlightBytes('client_to_server')).toBe(0);
    expect(view.inFlightBytes('server_to_client')).toBe(0);
  });

  it("shows bytes that arrived but the library has not read: the alert waits in the client's socket until its read", () => {
    const trace = runScenario('client-cv-rejected');
    const view = new StepView();
    const lines: string[] = [];
    for (const u of stepUnits(trace)) {
      for (const e of u.events) {
        view.observe(e);
        // Just before the read that processes the alert.
        if (e.type === 'delivered' && e.direction === 'server_to_client' && e.buffered === true && e.bytes === 24) lines.push(view.describeSide('client'));
      }
    }
    expect(lines).toEqual(['client CONNECTED ★ · verdict on its handshake: unknown · 24 B arrived, not yet read by its library']);
    expect(view.describeSide('client')).not.toContain('not yet read');
  });

  it('rejects an unknown scenario as a usage error', async () => {
    const r = io();
    expect(await runCli(['step', 'no-such-scenario'], r)).toBe(2);
    expect(r.err).toContain("unknown scenario 'no-such-scenario'");
  });

  it('is interactive through the real CLI: Enter, n and q on its stdin', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'packages/sim/src/cli/main.ts'), 'step', 'full-handshake'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Type one key at a time, each after the prompt that asks for it.
    const prompts = (): number => out.split('[Enter or n: deliver the next unit · q: quit]').length - 1;
    const waitFor = async (n: number): Promise<void> => {
      for (let i = 0; i < 400 && prompts() < n; i++) await new Promise((r) => setTimeout(r, 50));
    };
    for (const [i, key] of ['', 'n', 'q'].entries()) {
      await waitFor(i + 1);
      child.stdin.write(`${key}\n`);
    }
    child.stdin.end();
    expect(await exited, err).toBe(0);
    expect(out).toContain('── step 1/');
    expect(out).toContain('── step 2/');
    expect(out).not.toContain('── step 3/');
    expect(out).toContain('quit.');
  }, 30_000);
});
