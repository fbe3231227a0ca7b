/**
 * Issue 2: "each package also builds to dist/ (JS + .d.ts) so that a tarball from `pnpm
 * pack` installs in a plain Node 20 project outside the workspace and imports from plain
 * JavaScript. A test proves that." This is that test: build the three packages in
 * dependency order, pack them (pnpm rewrites `workspace:*` to real versions), `npm install`
 * the tarballs into a fresh project in a temp dir (noble and fast-check come from the npm
 * registry, or npm's cache), and run plain .mjs against them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

let tarballsOnce: { tarballs: string; tgz: string[] } | undefined;
/**
 * Builds the three packages in dependency order and packs them into `work/tarballs`, once
 * for the tests of this file (in one file, so no other test races this one's dist/ writes).
 */
function packed(): { tarballs: string; tgz: string[] } {
  if (tarballsOnce !== undefined) return tarballsOnce;
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  for (const p of packages) run(tsc, ['-p', join('packages', p, 'tsconfig.build.json')], root);
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const p of packages) run('npx', ['--yes', 'pnpm@12.4.2', 'pack', '--pack-destination', tarballs], join(root, 'packages', p));
  tarballsOnce = {
    tarballs,
    tgz: readdirSync(tarballs)
      .filter((f) => f.endsWith('.tgz'))
      .sort(),
  };
  return tarballsOnce;
}

describe('packed packages', () => {
  it('build, pack without workspace: ranges, install outside the workspace and run from plain .mjs', { timeout: 120_000 }, () => {
    const { tarballs, tgz } = packed();
    expect(tgz).toEqual(['tls13sim-handshake-0.1.0.tgz', 'tls13sim-record-0.1.0.tgz', 'tls13sim-sim-0.1.0.tgz']);
    // Issue 17 item 6: each tarball carries its package's README.
    for (const t of tgz) expect(run('tar', ['-tzf', join(tarballs, t)], work).split('\n')).toContain('package/README.md');

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

  /**
   * Issue 17 item 4: the examples run as a user runs them — from the tarballs, in a project
   * of their own outside the workspace, with vitest and fast-check from the npm registry and
   * `npx vitest run` — and a user's failing property prints the shrunk case's timeline and a
   * replay file that the installed bin (`npx tls13sim replay FILE`) replays byte for byte.
   * Without the registry it skips, except under CI, where it fails.
   */
  it('the examples pass from the tarballs in a user project, and a failing property replays with the installed bin', { timeout: 180_000 }, (ctx) => {
    const app = join(work, 'user');
    // The repo's own pins: what the examples are written against. tsx lets the compiled
    // bin load a TypeScript property module (replay.ts says so when it is missing).
    const pins = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    const wanted = ['vitest', 'fast-check', 'tsx'].map((d) => `${d}@${pins[d]}`);
    try {
      const { tarballs, tgz } = packed(); // pnpm itself may come from the registry too
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'user-project', private: true, type: 'module', scripts: { test: 'vitest run' } }, null, 2),
      );
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--loglevel=error',
          '--fetch-retries=1',
          '--fetch-timeout=30000',
          ...wanted,
          ...tgz.map((t) => join(tarballs, t)),
        ],
        app,
      );
    } catch (e) {
      const message = (e as Error).message;
      if (!process.env.CI && /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH)\b|npm (ERR|error) network/.test(message)) {
        return ctx.skip(`npm registry unreachable: ${message.split('\n').find((l) => /npm (ERR|error) code/.test(l)) ?? message.split('\n', 1)[0]}`);
      }
      throw e;
    }

    // The examples as they are: they import only from the package names.
    const examples = ['first-unit-test.test.ts', 'property-test.test.ts', 'cv-property.ts', 'exploration.ts', 'exploration.test.ts'];
    for (const f of examples) copyFileSync(join(root, 'examples', f), join(app, f));
    // A nested vitest must not take this one's worker environment for its own.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TLS13SIM_JSON_REPORT' && k !== 'NODE_OPTIONS'),
    );
    const cx = join(app, 'cx');
    const npx = (args: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync('npx', args, {
        cwd: app,
        encoding: 'utf8',
        env: { ...env, ...extra, npm_config_yes: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 90_000,
      });
      return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
    };

    const pass = npx(['vitest', 'run']);
    expect(pass.out).toMatch(/Test Files {2}3 passed \(3\)/);
    expect(pass.out).toMatch(/Tests {2}3 passed \(3\)/);
    expect(pass.status, pass.out).toBe(0);

    // The packages' README examples (issue 17 item 6), from the tarballs too.
    mkdirSync(join(app, 'readme'));
    for (const f of readdirSync(join(root, 'examples', 'readme'))) copyFileSync(join(root, 'examples', 'readme', f), join(app, 'readme', f));
    writeFileSync(
      join(app, 'readme', 'check.ts'),
      `const record = await import('./record.js');
const endpoint = await import('./handshake-endpoint.js');
const catalogue = await import('./sim-catalogue.js');
const network = await import('./sim-network.js');
const fault = await import('./sim-fault.js');
console.log(JSON.stringify({ opened: record.opened, handshake: endpoint.result, calls: catalogue.calls, read: network.read.outcome, fault: fault.sent }));
`,
    );
    const readmes = npx(['tsx', join('readme', 'check.ts')]);
    expect(readmes.status, readmes.out).toBe(0);
    expect(JSON.parse(readmes.out.trim())).toEqual({
      opened: { header: '1703030016', type: 23, text: 'hello' },
      handshake: { client: 'CONNECTED', server: 'CONNECTED', received: 'ping' },
      calls: ['client SSL_connect → 1', 'client SSL_write → 18', 'client SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error'],
      read: '5',
      fault: ['client: bad_record_mac'],
    });

    // The property, broken on purpose: it claims the alert surfaces on the write.
    const property = readFileSync(join(app, 'cv-property.ts'), 'utf8');
    const broken = property
      .replace("name: 'bad-cv-surfaces-on-read'", "name: 'bad-cv-surfaces-on-write'")
      .replace("'read', 'decrypt_error'", "'write', 'decrypt_error'");
    expect(broken).not.toBe(property);
    writeFileSync(join(app, 'broken-property.ts'), broken);
    writeFileSync(
      join(app, 'broken.test.ts'),
      readFileSync(join(app, 'property-test.test.ts'), 'utf8').replace("'./cv-property.js'", "'./broken-property.js'"),
    );
    const fail = npx(['vitest', 'run', 'broken.test.ts'], { TLS13SIM_CX_DIR: cx });
    expect(fail.status, fail.out).toBe(1);
    expect(fail.out).toContain('property bad-cv-surfaces-on-write failed');
    // The shrunk case (fast-check's seed is fixed) and its timeline: the client's read is
    // where the server's alert shows.
    expect(fail.out).toContain('input: {"seed":1,"unit":{"kind":"flight"}}');
    expect(fail.out).toContain('tls13sim — pair (seed 1)');
    expect(fail.out).toContain('» SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error');
    const replay = /replay: tls13sim replay (\S+)/.exec(fail.out);
    expect(replay, fail.out).not.toBeNull();
    const file = replay![1]!;
    expect(file.startsWith(cx)).toBe(true);
    expect(existsSync(file)).toBe(true);

    // The installed bin (compiled JS), given the file the failure names: exit 1, "reproduced".
    const again = npx(['tls13sim', 'replay', file]);
    expect(again.out).toContain('tls13sim — pair (seed 1)');
    expect(again.out).toContain('» SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error');
    expect(again.out).toContain('replay: trace byte-identical to the saved run');
    expect(again.out).toContain('replay: property bad-cv-surfaces-on-write fails');
    expect(again.status, again.out).toBe(1);

    // The exploration, with records delivered one by one: it fails, minimised to a schedule
    // with its one duplicate, and the installed bin replays the file the report names.
    const exploration = readFileSync(join(app, 'exploration.ts'), 'utf8');
    const recordByRecord = exploration.replace("name: 'duplicated-flights'", "name: 'duplicated-records'").replace("splits: 'flight'", "splits: 'record'");
    expect(recordByRecord).not.toBe(exploration);
    writeFileSync(join(app, 'broken-exploration.ts'), recordByRecord);
    writeFileSync(
      join(app, 'broken-exploration.test.ts'),
      readFileSync(join(app, 'exploration.test.ts'), 'utf8').replace("'./exploration.js'", "'./broken-exploration.js'"),
    );
    const explored = npx(['vitest', 'run', 'broken-exploration.test.ts'], { TLS13SIM_CX_DIR: cx });
    expect(explored.status, explored.out).toBe(1);
    expect(explored.out).toMatch(/minimised \(\d+ runs\): 3 choices, then the default schedule/);
    expect(explored.out).toContain('586 B duplicate');
    const explorationFile = /replay: tls13sim replay (\S+)/.exec(explored.out);
    expect(explorationFile, explored.out).not.toBeNull();
    const replayed = npx(['tls13sim', 'replay', explorationFile![1]!]);
    expect(replayed.out).toContain('tls13sim — client-cv-rejected (seed 1)');
    expect(replayed.out).toContain('replay: trace byte-identical to the saved run');
    expect(replayed.out).toContain('replay: property duplicated-records fails');
    expect(replayed.status, replayed.out).toBe(1);

    // The same property module where no tsx can be found: one line that says what to
    // install, exit 2 (the file cannot be replayed), no stack trace.
    const elsewhere = mkdtempSync(join(tmpdir(), 'tls13sim-no-tsx-'));
    try {
      copyFileSync(join(app, 'broken-property.ts'), join(elsewhere, 'broken-property.ts'));
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { module: string };
      writeFileSync(join(elsewhere, 'cx.json'), JSON.stringify({ ...saved, module: pathToFileURL(join(elsewhere, 'broken-property.ts')).href }));
      const lost = spawnSync(join(app, 'node_modules', '.bin', 'tls13sim'), ['replay', join(elsewhere, 'cx.json')], {
        cwd: elsewhere,
        encoding: 'utf8',
        env,
        timeout: 30_000,
      });
      expect(lost.status, lost.stderr).toBe(2);
      expect(lost.stderr.trim().split('\n')).toHaveLength(1);
      expect(lost.stderr).toContain('needs tsx in its project (npm install --save-dev tsx)');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
