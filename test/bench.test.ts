/**
 * `pnpm bench --quick --json` runs every bench end to end and prints the rows issues 9, 16 and 20 name,
 * with their units. This checks the shape of the output only: speed goals are judged by
 * running the bench, never by a timed test.
 */
import { execFile } from 'node:child_process';
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
