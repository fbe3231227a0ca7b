/**
 * `pnpm bench --quick --json` runs every bench end to end and prints the rows issues 9, 16 and 20 name,
 * with their units. This checks the shape of the output only: speed goals are judged by
 * running the bench, never by a timed test.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const REQUIRED: Record<string, string> = {
  'handshake/noble/ed25519': '1/s',
  'handshake/noble/ecdsa-p256': '1/s',
  'handshake/node/ed25519': '1/s',
  'handshake/node/ecdsa-p256': '1/s',
  'handshake/node-tls/ed25519': '1/s',
  'handshake/node-tls/ecdsa-p256': '1/s',
  'floor-ratio/noble/ed25519': 'x',
  'floor-ratio/noble/ecdsa-p256': 'x',
  'node-vs-node-tls/ed25519': 'x',
  'node-vs-node-tls/ecdsa-p256': 'x',
  // Issue 20: the ticketed floor and the ceiling of ÷ Node tls (Node's time ÷ the floor's).
  'floor-ratio/node+tickets/ed25519': 'x',
  'floor-ratio/node+tickets/ecdsa-p256': 'x',
  'floor-vs-node-tls/ed25519': 'x',
  'floor-vs-node-tls/ecdsa-p256': 'x',
  'floor+tickets-vs-node-tls/ed25519': 'x',
  'floor+tickets-vs-node-tls/ecdsa-p256': 'x',
  'explore/plain': '1/s',
  'explore/memo': '1/s',
  // Issue 20 item 2: the explorer on 1 thread and on N worker threads (bench/explore.ts).
  'explore/workers-1': '1/s',
  'explore/workers-N': '1/s',
  'explore/workers-speedup': 'x',
  'explore/workers-ceiling': 'x',
  'memory/idle-pair': 'bytes',
  // Issue 16 item 6: serve under a one-connection flood (bench/flood.ts).
  'flood/serve/idle-rss': 'bytes',
  'memory/serve-idle-connection': 'bytes',
  // Issue 17 item 5: `tls13sim list`, the compiled bin against tsx (bench/cli-startup.ts).
  'cli-startup/built/list': 'ms',
  'cli-startup/tsx/list': 'ms',
  'cli-startup/tsx-vs-built': 'x',
  // Issue 20 item 4: serve --crypto node and Node's tls under 200 concurrent clients (bench/load.ts).
  'load/serve-node-vs-node-tls': 'x',
};
for (const server of ['serve-node', 'node-tls']) {
  REQUIRED[`load/${server}/handshakes`] = '1/s';
  REQUIRED[`load/${server}/p50`] = 'ms';
  REQUIRED[`load/${server}/p99`] = 'ms';
  REQUIRED[`load/${server}/cpu-per-handshake`] = 'ms';
  REQUIRED[`load/${server}/rss-per-connection`] = 'bytes';
}
for (const kind of ['alerts', 'ccs', 'empty', 'app-1byte', 'app-1byte-bulk', 'key-update']) {
  REQUIRED[`flood/serve/${kind}/rss-ratio`] = 'x';
  REQUIRED[`flood/serve/${kind}/heap-held-ratio`] = 'x';
  REQUIRED[`flood/serve/${kind}/heap-after-ratio`] = 'x';
  REQUIRED[`flood/serve/${kind}/records`] = '1/s';
  REQUIRED[`flood/serve/${kind}/connections`] = 'connections';
}
const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
for (const provider of ['noble', 'node']) {
  for (const suite of SUITES) {
    REQUIRED[`record/${provider}/${suite}`] = 'MB/s';
    REQUIRED[`aead/${provider}/${suite}`] = 'MB/s';
    REQUIRED[`record-ratio/${provider}/${suite}`] = 'x';
  }
}

describe('pnpm bench --quick --json', () => {
  it('prints one JSON array holding every row the issue names, in its unit, each a positive number', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--quick', '--json'], {
      cwd: root,
      maxBuffer: 1 << 20,
      timeout: 240_000,
    });
    const rows = JSON.parse(stdout) as { name: string; value: number; unit: string }[];
    expect(Array.isArray(rows)).toBe(true);
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.size).toBe(rows.length);
    for (const [name, unit] of Object.entries(REQUIRED)) {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      expect(row!.unit, name).toBe(unit);
      expect(Number.isFinite(row!.value) && row!.value > 0, `${name} = ${row!.value}`).toBe(true);
    }
  }, 300_000);
});

/**
 * The bench and its experiment scripts (bench/args.ts): a bad argument is one line on
 * stderr naming the script and exit status 2, never a stack trace; `--help` is usage.
 */
describe('bench arguments', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const BAD: [string[], RegExp][] = [
    [['bench/index.ts', '--bogus'], /^bench: unknown argument "--bogus" \(usage: pnpm bench/],
    [['bench/index.ts', '--filter', 'nomatch'], /^bench: no bench id contains "nomatch" \(benches: handshake, record, /],
    [['bench/index.ts', '--filter'], /^bench: --filter needs a bench id/],
    [['bench/index.ts', '--filter='], /^bench: --filter needs a bench id/],
    [['bench/profile-handshake.ts', 'node', 'p256'], /^profile-handshake: certificate kind is one of ed25519, ecdsa-p256, not "p256"$/],
    [['bench/profile-handshake.ts', 'openssl'], /^profile-handshake: the provider is one of noble, node, not "openssl"$/],
    [['bench/profile-handshake.ts', 'node', 'ed25519', '0'], /^profile-handshake: the handshake count is a whole number of at least 1, not "0"$/],
    [['bench/profile-handshake.ts', 'node', 'ed25519', '5', 'ticket'], /^profile-handshake: the fourth argument is one of tickets, not "ticket"$/],
    [['bench/carryover.ts', 'ed25519', '2.5'], /^carryover: the round count is a whole number of at least 1, not "2.5"$/],
    [['bench/carryover.ts', 'ed25519', '3', 'major'], /^carryover: the third argument is one of minor, not "major"$/],
    [['bench/carryover.ts', 'ed25519', '3', 'minor'], /^carryover: minor needs node --expose-gc$/],
    [['bench/floor-churn.ts', 'ed25519', 'extra'], /^floor-churn: unexpected argument "extra" \(usage: floor-churn.ts/],
    [['bench/js-hmac.ts', 'rsa'], /^js-hmac: certificate kind is one of ed25519, ecdsa-p256, not "rsa"$/],
    [['bench/profile-summary.ts'], /^profile-summary: no profile given/],
    [['bench/profile-summary.ts', 'no-such.cpuprofile'], /^profile-summary: cannot read no-such.cpuprofile: ENOENT$/],
    [['bench/profile-summary.ts', 'README.md'], /^profile-summary: README.md is not JSON/],
    [['bench/profile-summary.ts', 'package.json'], /^profile-summary: package.json has no nodes, samples and timeDeltas/],
    [['bench/profile-summary.ts', 'package.json', 'ten'], /^profile-summary: TOP is a whole number of at least 1, not "ten"$/],
    [['bench/profile-summary.ts', 'package.json', '5', '('], /^profile-summary: the provider pattern "\(" is not a regular expression$/],
  ];
  it.each(BAD)('%j: one line, status 2', (args, message) => {
    const r = run(args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('--help prints the usage and every bench id, and runs nothing', () => {
    const r = run(['bench/index.ts', '--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('usage: pnpm bench [--json] [--quick] [--filter ID]');
    expect(r.stdout).toContain('benches: handshake, record, explore, memory, flood, load, cli-startup\n');
  });
});
