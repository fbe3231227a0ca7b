/**
 * Issue 16 item 8: every bad input to the CLI ends in one line on stderr, `tls13sim: …`, and
 * a non-zero exit — never a stack trace — and is found before any connection is made.
 * Most cases run the CLI in-process (`runCli` with a fake io); those that need a process of
 * their own (a server that would start, EPIPE, the explore script) spawn one.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommand, runCli } from '../src/cli/main.js';
import { startServe, type ServeHandle } from '../src/cli/serve.js';
import { ROOT, countingServer, expectOneLineError, fakeIo, makeBadInputs, runProcess, type BadInputs } from './cli-helpers.js';

let bad: BadInputs;
let counting: Awaited<ReturnType<typeof countingServer>>;
const servers: Server[] = [];
const handles: ServeHandle[] = [];

beforeAll(async () => {
  bad = makeBadInputs();
  counting = await countingServer();
  servers.push(counting.server);
});

afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(handles.map((h) => h.close()));
  rmSync(bad.dir, { recursive: true, force: true });
});

/** runCli in-process; the result must be one line. */
async function expectCliError(argv: readonly string[], message: RegExp): Promise<void> {
  const io = fakeIo();
  const code = await runCli(argv, io);
  expectOneLineError(code, io.err, message);
}

describe('serve: bad certificate and key files are one line at start-up', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      '--cert /etc/passwd (not PEM or DER)',
      () => ['--cert', '/etc/passwd', '--key', bad.key],
      /--cert \/etc\/passwd: not a certificate \(neither PEM nor DER\)/,
    ],
    ['--key /etc/passwd', () => ['--cert', bad.cert, '--key', '/etc/passwd'], /--key \/etc\/passwd: not a private key/],
    ['swapped --cert and --key', () => ['--cert', bad.key, '--key', bad.cert], /holds a private key, not a certificate \(are --cert and --key swapped\?\)/],
    [
      'a key file given as the certificate, the right certificate as the key',
      () => ['--cert', bad.cert, '--key', bad.cert],
      /--key .*holds a certificate, not a private key/,
    ],
    ['an encrypted key', () => ['--cert', bad.cert, '--key', bad.encryptedKey], /the private key is encrypted.*openssl pkey/],
    ['a secp256k1 key', () => ['--cert', bad.secp256k1Cert, '--key', bad.secp256k1Key], /unsupported key type: secp256k1/],
    ['an X448 key', () => ['--cert', bad.cert, '--key', bad.x448Key], /unsupported key type: X448 \(a key-exchange key: it cannot sign\)/],
    ['a truncated DER certificate', () => ['--cert', bad.truncatedDer, '--key', bad.key], /not a valid certificate: bad DER/],
    ['a missing certificate file', () => ['--cert', bad.path('nope.pem'), '--key', bad.key], /cannot read --cert .*no such file or directory \(ENOENT\)/],
    ['--ca that is not a certificate', () => ['--ca', '/etc/passwd'], /--ca \/etc\/passwd: not a certificate/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    await expectCliError(['serve', '--port', '0', ...args()], message);
  });

  it('accepts the certificate and key as DER too', async () => {
    const h = await startServe(['--port', '0', '--cert', bad.certDer, '--key', bad.keyDer], fakeIo());
    handles.push(h);
    expect(h.port).toBeGreaterThan(0);
  });

  it('a certificate that does not match its key is refused at start-up, not blamed on every client', async () => {
    // Today serve starts and every handshake fails: a process of its own, killed if it runs on.
    const r = await runProcess(['serve', '--port', '0', '--cert', bad.cert, '--key', bad.otherKey], { timeoutMs: 8_000 });
    expectOneLineError(r.status, r.stderr, /--key .*other\.key does not match the certificate in --cert .*good\.pem \(CN=localhost\)/);
  });
});

describe('serve: where it cannot listen', () => {
  it('a port in use', async () => {
    const busy: Server = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    await expectCliError(
      ['serve', '--port', String(port)],
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)`),
    );
  });

  it('a host that is not an address of this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never a local address.
    await expectCliError(['serve', '--port', '0', '--host', '192.0.2.1'], /cannot listen on 192\.0\.2\.1:0: 192\.0\.2\.1 is not an address of this machine/);
  });

  it('an unwritable --keylog', async () => {
    await expectCliError(
      ['serve', '--port', '0', '--keylog', bad.path('no-such-dir/k.log')],
      /cannot write --keylog .*no-such-dir\/k\.log: directory .*no such file or directory/,
    );
    await expectCliError(['serve', '--port', '0', '--keylog', bad.dir], /cannot write --keylog .*: is a directory/);
  });
});

describe('boolean flags: bare, or yes/no/true/false', () => {
  it('--echo=no turns echo off: the server answers a GET as a web server', async () => {
    const h = await startServe(['--port', '0', '--echo=no'], fakeIo());
    handles.push(h);
    const io = fakeIo();
    expect(await runCli(['connect', `127.0.0.1:${h.port}`, '--insecure', '--request', 'GET / HTTP/1.0\\r\\n\\r\\n'], io), io.err).toBe(0);
    // With echo on, the answer would be the request itself.
    expect(io.out).toMatch(/^HTTP\/1\.0 200 ok/);
  });

  it('--echo=maybe is a usage error (exit 2), the server does not start', async () => {
    const r = await runProcess(['serve', '--port', '0', '--echo=maybe'], { timeoutMs: 8_000 });
    expectOneLineError(r.status, r.stderr, /--echo takes no value, or yes\/no\/true\/false \(got 'maybe'\)/);
    expect(r.status).toBe(2);
  });

  it('connect --insecure=perhaps is a usage error, before any connection', async () => {
    const before = counting.count();
    await expectCliError(['connect', `127.0.0.1:${counting.port}`, '--insecure=perhaps', '--request', 'x'], /--insecure takes no value/);
    expect(counting.count()).toBe(before);
  });
});

describe('connect: bad inputs are found before connecting', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unwritable --keylog', () => ['--keylog', bad.path('no-such-dir/k.log')], /cannot write --keylog .*no such file or directory/],
    ['a --pcap that is a directory', () => ['--pcap', bad.dir], /cannot write --pcap .*: is a directory/],
    ['an unwritable --sess-out', () => ['--sess-out', bad.path('no-such-dir/s.json')], /cannot write --sess-out/],
    ['an unwritable --trace', () => ['--trace', bad.path('no-such-dir/t.json')], /cannot write --trace/],
    ['--sess-in that is not JSON', () => ['--sess-in', '/etc/passwd'], /--sess-in \/etc\/passwd: not a tls13sim session file \(not JSON;/],
    ['--sess-in that is a certificate', () => ['--sess-in', bad.cert], /not a tls13sim session file/],
    [
      '--sess-in of JSON without a psk',
      () => {
        writeFileSync(bad.path('nopsk.json'), JSON.stringify({ version: 1, ticket: '00', suite: 'TLS_AES_128_GCM_SHA256' }));
        return ['--sess-in', bad.path('nopsk.json')];
      },
      /not a tls13sim session file \(psk must be a non-empty hex string/,
    ],
    ['a missing --sess-in file', () => ['--sess-in', bad.path('nope.json')], /cannot read --sess-in .*no such file or directory/],
    [
      'a missing --early-data file',
      () => ['--sess-in', bad.session, '--early-data', bad.path('nope.txt')],
      /cannot read --early-data .*nope\.txt: no such file or directory/,
    ],
    ['a client certificate that does not match its key', () => ['--cert', bad.cert, '--key', bad.otherKey], /does not match the certificate/],
    ['an encrypted client key', () => ['--cert', bad.cert, '--key', bad.encryptedKey], /the private key is encrypted/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const before = counting.count();
    await expectCliError(['connect', `127.0.0.1:${counting.port}`, '--insecure', '--request', 'x', ...args()], message);
    expect(counting.count(), 'no TCP connection was made').toBe(before);
  });

  it('a port where nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expectCliError(
      ['connect', `127.0.0.1:${port}`, '--insecure', '--request', 'x'],
      new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)`),
    );
  });
});

describe('run, replay, explore', () => {
  it('run --keylog into a missing directory is refused before the run', async () => {
    const io = fakeIo();
    const code = await runCli(['run', 'full-handshake', '--keylog', bad.path('no-such-dir/k.log')], io);
    expectOneLineError(code, io.err, /cannot write --keylog/);
    expect(io.out).toBe('');
  });

  it.each([
    ['not JSON', () => '/etc/passwd', /\/etc\/passwd is not a tls13sim counterexample file \(not JSON;/],
    ['missing', () => bad.path('nope.json'), /cannot read counterexample .*no such file or directory/],
    ['JSON, not a counterexample', () => bad.session, /is not a tls13sim counterexample file \(no "tls13sim": "counterexample", version 1 header/],
    [
      'an unknown property',
      () => {
        writeFileSync(bad.path('cx-prop.json'), JSON.stringify({ tls13sim: 'counterexample', version: 1, property: 'nope', input: {} }));
        return bad.path('cx-prop.json');
      },
      /unknown property 'nope'/,
    ],
    [
      'no input',
      () => {
        writeFileSync(bad.path('cx-noinput.json'), JSON.stringify({ tls13sim: 'counterexample', version: 1, property: 'fault-free' }));
        return bad.path('cx-noinput.json');
      },
      /not a tls13sim counterexample file \(no input/,
    ],
  ])('replay of a bad file (%s): one line, exit 2 (1 would say "reproduced")', async (_, file, message) => {
    const io = fakeIo();
    const code = await runCli(['replay', file()], io);
    expectOneLineError(code, io.err, message);
    expect(code).toBe(2);
  });

  it.each([
    [['--bogus'], /^tls13sim: explore: unknown option --bogus/],
    [['--runs', 'many'], /^tls13sim: explore: --runs must be an integer, got 'many'/],
    [['--property', 'nope'], /^tls13sim: explore: unknown property 'nope'/],
    [['--exhaustive', 'full-handshake', '--splits', 'bytes:0'], /^tls13sim: explore: --splits must be record, flight or bytes:K/],
    [['--no-memo=1'], /^tls13sim: explore: --no-memo takes no value/],
  ])('explore %j is a one-line usage error', async (args, message) => {
    const r = await runProcess(args, { script: join(ROOT, 'test/explore.ts'), timeoutMs: 20_000 });
    expectOneLineError(r.status, r.stderr, message);
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
  });
});

describe('the process itself', () => {
  it('stdout closed under it (`tls13sim list | head -1`): quiet, non-zero, no crash', async () => {
    const r = await runProcess(['list'], { closeStdout: true });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
  });

  it('an error the command did not expect is still one line (TLS13SIM_DEBUG gives the stack)', async () => {
    registerCommand('zz-throws', () => {
      throw new RangeError('something broke\nsecond line');
    });
    const io = fakeIo();
    const code = await runCli(['zz-throws'], io);
    expectOneLineError(code, io.err, /^tls13sim: RangeError: something broke \(unexpected; TLS13SIM_DEBUG=1 shows where\)$/);
    expect(code).toBe(1);
  });

  it('a spawned serve with a bad key prints one line, no stack', async () => {
    const r = await runProcess(['serve', '--port', '0', '--cert', bad.cert, '--key', bad.x448Key], { timeoutMs: 8_000 });
    expectOneLineError(r.status, r.stderr, /unsupported key type: X448/);
  });
});

describe('README "Troubleshooting" shows what the CLI prints', () => {
  /** The one-line messages in the table's second column (a code span, single or double backticks). */
  function promisedLines(): string[] {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('## Use it as a library'));
    const lines: string[] = [];
    for (const row of section.split('\n').filter((l) => l.startsWith('| '))) {
      const cell = (row.split(/(?<!\\)\|/)[2] ?? '').trim();
      const m = /^``\s(.+?)\s``/.exec(cell) ?? /^`([^`]+)`/.exec(cell);
      if (m !== null && m[1]!.startsWith('tls13sim:')) lines.push(m[1]!);
    }
    return lines;
  }

  let named: string;
  beforeAll(() => {
    // The README's file names, in a directory of their own.
    named = mkdtempSync(join(tmpdir(), 'tls13sim-readme-'));
    for (const [name, from] of [
      ['cert.pem', bad.cert],
      ['key.pem', bad.key],
      ['other-key.pem', bad.otherKey],
      ['encrypted-key.pem', bad.encryptedKey],
      ['secp256k1-key.pem', bad.secp256k1Key],
      ['secp256k1-cert.pem', bad.secp256k1Cert],
      ['x448-key.pem', bad.x448Key],
      ['cert.der', bad.truncatedDer],
    ] as const) {
      copyFileSync(from, join(named, name));
    }
  });
  afterAll(() => rmSync(named, { recursive: true, force: true }));

  const at = (name: string): string => join(named, name);
  const cases: [string, (busyPort: number) => string[]][] = [
    ['--cert /etc/passwd', () => ['serve', '--port', '0', '--cert', '/etc/passwd', '--key', at('key.pem')]],
    ['--key /etc/passwd', () => ['serve', '--port', '0', '--cert', at('cert.pem'), '--key', '/etc/passwd']],
    ['swapped', () => ['serve', '--port', '0', '--cert', at('key.pem'), '--key', at('cert.pem')]],
    ['--key cert.pem', () => ['serve', '--port', '0', '--cert', at('cert.pem'), '--key', at('cert.pem')]],
    ['encrypted key', () => ['serve', '--port', '0', '--cert', at('cert.pem'), '--key', at('encrypted-key.pem')]],
    ['secp256k1 key', () => ['serve', '--port', '0', '--cert', at('secp256k1-cert.pem'), '--key', at('secp256k1-key.pem')]],
    ['X448 key', () => ['serve', '--port', '0', '--cert', at('cert.pem'), '--key', at('x448-key.pem')]],
    ["key not the certificate's", () => ['serve', '--port', '0', '--cert', at('cert.pem'), '--key', at('other-key.pem')]],
    ['truncated DER', () => ['serve', '--port', '0', '--cert', at('cert.der'), '--key', at('key.pem')]],
    ['missing file', () => ['serve', '--port', '0', '--cert', at('missing.pem'), '--key', at('key.pem')]],
    ['port in use', (busyPort) => ['serve', '--port', String(busyPort)]],
    ["not this machine's address", () => ['serve', '--port', '4433', '--host', '192.0.2.1']],
    ['nothing listening', () => ['connect', '127.0.0.1:1', '--insecure', '--request', 'x']],
    ['--keylog in a missing directory', () => ['connect', '127.0.0.1:4433', '--insecure', '--request', 'x', '--keylog', '/no/such/dir/keys.log']],
    ['--pcap a directory', () => ['connect', '127.0.0.1:4433', '--insecure', '--request', 'x', '--pcap', '/tmp']],
    ['--sess-in a certificate', () => ['connect', '127.0.0.1:4433', '--insecure', '--request', 'x', '--sess-in', at('cert.pem')]],
    ['replay a certificate', () => ['replay', at('cert.pem')]],
    ['connect with neither --ca nor --insecure', () => ['connect', '127.0.0.1:4433', '--request', 'x']],
    ['--echo=maybe', () => ['serve', '--port', '0', '--echo=maybe']],
  ];

  it.each(cases)('%s', async (_, argv) => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as { port: number }).port;
    const io = fakeIo();
    await runCli(argv(busyPort), io);
    // The README writes bare file names and port 4433; a DER error names the certificate's
    // length, which differs from one key to the next.
    const norm = (line: string): string => line.replace(/SEQUENCE of \d+ bytes/, 'SEQUENCE of N bytes');
    const printed = norm(io.err.trimEnd().split(`${named}/`).join('').split(`:${busyPort}`).join(':4433'));
    expect(promisedLines().map(norm)).toContain(printed);
  });
});
