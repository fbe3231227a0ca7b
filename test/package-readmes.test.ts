/**
 * Issue 17 item 6: a README per package. Each quotes its examples verbatim from
 * examples/readme/ (type-checked by the repository's tsc, which includes examples/), and
 * this file runs them and checks what the README says they give. test/pack.test.ts checks
 * that each package's tarball carries its README.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/sim/src/cli/main.js';
import { fakeIo } from '../packages/sim/test/cli-helpers.js';

const READMES: Record<string, readonly string[]> = {
  record: ['readme/record.ts'],
  handshake: ['readme/handshake-pki.ts', 'readme/handshake-endpoint.ts'],
  sim: ['readme/sim-catalogue.ts', 'readme/sim-network.ts', 'readme/sim-fault.ts'],
};

describe.each(Object.entries(READMES))('packages/%s/README.md', (pkg, names) => {
  const readme = readFileSync(new URL(`../packages/${pkg}/README.md`, import.meta.url), 'utf8');
  const quoted = [...readme.matchAll(/<!-- example:([\w./-]+) -->\n```ts\n([\s\S]*?)\n```\n<!-- \/example -->/g)];

  it('quotes its examples, and has no TypeScript block that is not one', () => {
    expect(quoted.map((m) => m[1])).toEqual(names);
    expect(readme.match(/```ts\n/g)?.length).toBe(names.length);
  });

  it.each(quoted.map((m) => [m[1]!, m[2]!]))('quotes examples/%s as it is', (name, body) => {
    expect(body).toBe(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd());
  });

  it('names the package and links the others that exist', () => {
    expect(readme.startsWith(`# @tls13sim/${pkg}\n`)).toBe(true);
    for (const [, target] of readme.matchAll(/\]\((\.\.\/[^)#]+)\)/g)) {
      expect(() => readFileSync(new URL(`../packages/${pkg}/${target}`, import.meta.url)), target).not.toThrow();
    }
  });
});

describe('the README examples give what the READMEs say', () => {
  it('record: a sealed record opens again; an alert is two bytes', async () => {
    const m = await import('../examples/readme/record.js');
    expect(m.opened).toEqual({ header: '1703030016', type: 23, text: 'hello' });
    expect(m.alert).toEqual({ hex: '0233', name: 'decrypt_error' });
  });

  it('handshake: two endpoints connect and carry data', async () => {
    const m = await import('../examples/readme/handshake-endpoint.js');
    expect(m.result).toEqual({ client: 'CONNECTED', server: 'CONNECTED', received: 'ping' });
  });

  it('sim: the catalogue', async () => {
    const m = await import('../examples/readme/sim-catalogue.js');
    expect(m.names).toContain('client-cv-rejected');
    expect(m.description).toMatch(/CertificateVerify/);
    expect(m.calls).toEqual(['client SSL_connect → 1', 'client SSL_write → 18', 'client SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error']);
    expect(m.timeline).toMatch(/^tls13sim — client-cv-rejected \(seed 1\)\n/);
  });

  it('sim: a connection over a network that delivers three bytes at a time', async () => {
    const m = await import('../examples/readme/sim-network.js');
    expect(m.connect).toMatchObject({ result: 'ok', api: 'SSL_connect', outcome: '1' });
    expect(m.write).toMatchObject({ result: 'ok', outcome: '5' });
    expect(m.read).toMatchObject({ result: 'ok', outcome: '5', bytes: new TextEncoder().encode('hello') });
    expect(m.clientFirst).toBe(true);
  });

  it('sim: a corrupted record fails the connect with bad_record_mac', async () => {
    const m = await import('../examples/readme/sim-fault.js');
    expect(m.connect).toMatchObject({ result: 'error', alert: 'bad_record_mac', api: 'SSL_connect', outcome: '-1 SSL_ERROR_SSL' });
    expect(m.sent).toEqual(['client: bad_record_mac']);
    expect(m.timeline).toContain('{Alert(fatal, bad_record_mac)}');
  });
});

describe('packages/sim/README.md, the `tls13sim` command', () => {
  it('names every command `tls13sim help` lists, and no other', async () => {
    const readme = readFileSync(new URL('../packages/sim/README.md', import.meta.url), 'utf8');
    const sentence = /lists the commands: ([\s\S]*?)`tls13sim COMMAND --help`/.exec(readme)![1]!;
    const named = [...sentence.matchAll(/`([a-z]+)\b[^`]*`/g)].map((m) => m[1]);
    const io = fakeIo();
    expect(await runCli(['help'], io)).toBe(0);
    const listed = [...io.out.matchAll(/^ {2}tls13sim ([a-z]+)/gm)].map((m) => m[1]);
    expect(new Set(named)).toEqual(new Set(listed));
  });
});
