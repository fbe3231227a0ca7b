/**
 * Issue 2: "each package also builds to dist/ (JS + .d.ts) so that a tarball from `pnpm
 * pack` installs in a plain Node 20 project outside the workspace and imports from plain
 * JavaScript. A test proves that." This is that test: build the three packages in
 * dependency order, pack them (pnpm rewrites `workspace:*` to real versions), `npm install`
 * the tarballs into a fresh project in a temp dir (noble and fast-check come from the npm
 * registry, or npm's cache), and run plain .mjs against them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RFC8448_KEYS, RFC8448_RECORDS } from './vectors/rfc8448-records.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['record', 'handshake', 'sim'] as const;
const work = mkdtempSync(join(tmpdir(), 'tls13sim-pack-'));
/** Runs a command; on failure the error carries its output (tsc reports on stdout). */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_yes: 'true' } });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${(x.stdout ?? '').slice(0, 4000)}\n${(x.stderr ?? '').slice(0, 4000)}`);
  }
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packed packages', () => {
  it('build, pack without workspace: ranges, install outside the workspace and run from plain .mjs', { timeout: 120_000 }, () => {
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    for (const p of packages) run(tsc, ['-p', join('packages', p, 'tsconfig.build.json')], root);

    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const p of packages) run('npx', ['--yes', 'pnpm@12.4.2', 'pack', '--pack-destination', tarballs], join(root, 'packages', p));
    const tgz = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).sort();
    expect(tgz).toEqual(['tls13sim-handshake-0.1.0.tgz', 'tls13sim-record-0.1.0.tgz', 'tls13sim-sim-0.1.0.tgz']);

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tgz.map((t) => join(tarballs, t))], app);

    for (const p of packages) {
      const manifest = readFileSync(join(app, 'node_modules', '@tls13sim', p, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      expect(readdirSync(join(app, 'node_modules', '@tls13sim', p, 'dist'))).toContain('index.d.ts');
    }

    // Plain JavaScript, no TypeScript anywhere: protect the RFC 8448 §3 client Finished
    // record with the installed RecordLayer and open it again.
    const fin = RFC8448_RECORDS.find((v) => v.name === 'client_finished')!;
    writeFileSync(
      join(app, 'check.mjs'),
      `import { RecordLayer, nobleAead, fromHex, toHex, ContentType } from '@tls13sim/record';
const k = ${JSON.stringify(RFC8448_KEYS.clientHandshake)};
const w = new RecordLayer();
w.installWriteKeys('handshake', nobleAead('aes128gcm'), fromHex(k.key), fromHex(k.iv));
const [wire] = w.seal(ContentType.handshake, fromHex(${JSON.stringify(fin.payload)}));
const r = new RecordLayer();
r.installReadKeys('handshake', nobleAead('aes128gcm'), fromHex(k.key), fromHex(k.iv));
r.pushBytes(wire);
const got = r.nextRecord();
const handshake = await import('@tls13sim/handshake');
const sim = await import('@tls13sim/sim');
console.log(JSON.stringify({
  wire: toHex(wire),
  data: toHex(got.data),
  type: got.contentType,
  handshakeExports: Object.keys(handshake).length,
  simExports: Object.keys(sim).length,
  // Issue 17 item 1: the catalogue is registered by importing the package, and testPki /
  // clientServerPair work from plain JavaScript.
  scenarios: sim.listScenarios().length,
  cvRejected: sim.runScenario('client-cv-rejected').events.some((e) => e.type === 'app_call' && e.call === 'read' && e.alert === 'decrypt_error'),
  pair: (() => {
    const p = sim.clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: sim.testPki().bad.client.wrongKey });
    p.run();
    return p.events.filter((e) => e.type === 'alert_sent').map((e) => e.side + ':' + e.description);
  })(),
}));
`,
    );
    const out = JSON.parse(run('node', ['check.mjs'], app).trim()) as Record<string, unknown>;
    expect(out.wire).toBe(fin.record.replace(/\s+/g, ''));
    expect(out.data).toBe(fin.payload.replace(/\s+/g, ''));
    expect(out.type).toBe(22);
    expect(out.handshakeExports).toBeGreaterThan(0);
    expect(out.simExports).toBeGreaterThan(0);
    expect(out.scenarios).toBeGreaterThanOrEqual(10);
    expect(out.cvRejected).toBe(true);
    expect(out.pair).toEqual(['server:decrypt_error']);

    // The installed bin (compiled JS, through npm's symlink, no tsx): issue 17 item 5.
    const bin = join(app, 'node_modules', '.bin', 'tls13sim');
    expect(run(bin, ['list'], app)).toMatch(/^blocking-read-deadlock /);
    expect(run(bin, ['help'], app)).toContain('tls13sim explore');
    expect(run(bin, ['run', 'client-cv-rejected'], app)).toContain('» SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error');
  });
});
