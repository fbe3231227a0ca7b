import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getScenario, listScenarios, openSslLens, parseTrace, registerScenario, runScenario, type Trace } from '../src/index.js';
import { runCli, type CliIo } from '../src/cli/main.js';
import { CLIENT_AUTH, pairSim } from './helpers.js';

registerScenario({
  name: 'pair-client-cv-rejected',
  description: 'real endpoints: the server rejects the client CertificateVerify',
  run(seed) {
    const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true }, { unit: { kind: 'random' } }, seed);
    const c = openSslLens(sim, 'client', { blocking: true });
    c.connect();
    c.read(10);
    return sim;
  },
});
registerScenario({
  name: 'fake-trace',
  description: 'a scenario returning a Trace',
  run: (seed): Trace => ({ version: 1, scenario: 'whatever', seed: 0, events: pairSim({}, {}, seed).toTrace().events }),
});

function io(): CliIo & { out: string; err: string; files: Map<string, string | Uint8Array> } {
  const r = {
    out: '',
    err: '',
    files: new Map<string, string | Uint8Array>(),
    stdout(t: string) {
      r.out += t;
    },
    stderr(t: string) {
      r.err += t;
    },
    writeFile(p: string, d: string | Uint8Array) {
      r.files.set(p, d);
    },
  };
  return r;
}

describe('scenario registry', () => {
  it('lists registered scenarios sorted by name and refuses duplicates', () => {
    const names = listScenarios().map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('pair-client-cv-rejected');
    expect(() => registerScenario({ name: 'fake-trace', description: '', run: () => pairSim() })).toThrow(/already registered/);
    expect(() => registerScenario({ name: 'Bad Name', description: '', run: () => pairSim() })).toThrow(/bad name/);
    expect(getScenario('nope')).toBeUndefined();
  });

  it('names the trace after the scenario and the seed it ran with', () => {
    const t = runScenario('fake-trace', 5);
    expect(t.scenario).toBe('fake-trace');
    expect(t.seed).toBe(5);
    expect(runScenario('pair-client-cv-rejected').seed).toBe(1);
  });
});

describe('tls13sim CLI', () => {
  it('list prints each scenario with its description', async () => {
    const r = io();
    expect(await runCli(['list'], r)).toBe(0);
    // Names are padded to the longest one, then two spaces.
    const width = Math.max(...listScenarios().map((s) => s.name.length));
    expect(r.out).toMatch(new RegExp(`^${'pair-client-cv-rejected'.padEnd(width)}  real endpoints: the server rejects`, 'm'));
    // …and which lenses are verified against their real library.
    expect(r.out).toContain('openssl (verified against the real library)');
    expect(r.out).toContain('rustls (verified against the real library)');
  });

  it('run --lens words the calls in that library; an unknown lens is a usage error', async () => {
    const r = io();
    expect(await runCli(['run', 'client-cv-rejected', '--lens', 'python'], r)).toBe(0);
    expect(r.out).toContain('» SSLSocket.recv → SSLError: TLSV1_ALERT_DECRYPT_ERROR');
    const bad = io();
    expect(await runCli(['run', 'client-cv-rejected', '--lens', 'java'], bad)).toBe(2);
    expect(bad.err).toContain("--lens must be one of openssl, node, go, python, gnutls, rustls (got 'java')");
  });

  it('run --format json prints the version-1 trace, byte-identical for the same seed', async () => {
    const a = io();
    const b = io();
    expect(await runCli(['run', 'pair-client-cv-rejected', '--format', 'json', '--seed', '3'], a)).toBe(0);
    expect(await runCli(['run', 'pair-client-cv-rejected', '--format=json', '--seed=3'], b)).toBe(0);
    expect(a.out).toBe(b.out);
    const t = parseTrace(a.out);
    expect(t).toMatchObject({ version: 1, scenario: 'pair-client-cv-rejected', seed: 3 });
    expect(t.events.some((e) => e.type === 'app_call' && e.result === 'error' && e.alert === 'decrypt_error')).toBe(true);
  });

  it('run renders text by default, and mermaid and hex on request', async () => {
    for (const [args, needle] of [
      [[], '★ client handshake complete'],
      [['--format', 'mermaid'], 'sequenceDiagram'],
      [['--format', 'hex'], 'legacy_record_version'],
    ] as const) {
      const r = io();
      expect(await runCli(['run', 'pair-client-cv-rejected', ...args], r)).toBe(0);
      expect(r.out).toContain(needle);
    }
  });

  it('run --keylog and --pcap write the files', async () => {
    const r = io();
    expect(await runCli(['run', 'pair-client-cv-rejected', '--keylog', 'k.log', '--pcap', 'c.pcap'], r)).toBe(0);
    expect(String(r.files.get('k.log'))).toMatch(/^SERVER_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}$/m);
    const pcap = r.files.get('c.pcap') as Uint8Array;
    expect(new DataView(pcap.buffer, pcap.byteOffset).getUint32(0, true)).toBe(0xa1b2c3d4);
  });

  it.each([
    [['run', 'no-such-scenario'], /unknown scenario 'no-such-scenario'/],
    [['run', 'fake-trace', '--bogus', '1'], /unknown option --bogus/],
    [['run', 'fake-trace', '--format', 'xml'], /unknown format 'xml'/],
    [['run', 'fake-trace', '--seed', 'abc'], /--seed must be a non-negative integer/],
    [['run', 'fake-trace', '--seed'], /--seed needs a value/],
    [['run'], /exactly one scenario/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /usage:/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const r = io();
    expect(await runCli(argv, r)).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('runs as a script through tsx (the root `pnpm tls13sim` entry) and exits 2 on an unknown scenario', () => {
    const root = join(import.meta.dirname, '../../..');
    const res = spawnSync('npx', ['tsx', 'packages/sim/src/cli/main.ts', 'run', 'no-such-scenario'], { cwd: root, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("unknown scenario 'no-such-scenario'");
    const list = spawnSync('npx', ['tsx', 'packages/sim/src/cli/main.ts', 'list'], { cwd: root, encoding: 'utf8' });
    expect(list.status).toBe(0);
  });
});
