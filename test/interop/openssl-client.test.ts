/**
 * `openssl s_client` against our server: `tls13sim serve` (started in-process with the
 * CLI's own argument handling), over real TCP.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedGroupName } from '@tls13sim/handshake';
import { startServe, type ServeHandle } from '../../packages/sim/src/cli/serve.js';
import type { TlsConnection } from '../../packages/sim/src/net/index.js';
import {
  describeOpened,
  epochs,
  expectSameKeylog,
  keylogByRandom,
  keylogLabels,
  keyUpdates,
  makePki,
  opensslClient,
  openTapped,
  wireTap,
  type LeafKind,
  type Pki,
} from './helpers.js';

let pki: Pki;
const handles: ServeHandle[] = [];

beforeAll(() => {
  pki = makePki();
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

interface Served {
  readonly port: number;
  readonly log: () => string;
  /** The server side of the connections it accepted, in order. */
  readonly conns: TlsConnection[];
}

async function serve(args: readonly string[], leaf: LeafKind = 'p256'): Promise<Served> {
  let log = '';
  const io = {
    stdout: (t: string) => void (log += t),
    stderr: (t: string) => void (log += t),
    writeFile: (p: string, d: string | Uint8Array) => writeFileSync(p, d),
  };
  const h = await startServe(['--port', '0', '--cert', pki.server[leaf].certPath, '--key', pki.server[leaf].keyPath, ...args], io, { trace: 'handshake' });
  handles.push(h);
  const conns: TlsConnection[] = [];
  h.server.on('connection', (c: TlsConnection) => conns.push(c));
  return { port: h.port, log: () => log, conns };
}

const VERIFY = ['-CAfile', '', '-verify_return_error', '-verify_hostname', 'localhost'];

/** Runs s_client to completion: writes `input`, then closes its stdin unless told to keep it. */
async function sClient(port: number, args: readonly string[], input: string, opts: { keepStdin?: boolean; verify?: boolean } = {}): Promise<string> {
  const verify = opts.verify === false ? [] : VERIFY.map((a) => (a === '' ? pki.caPath : a));
  const p = opensslClient(port, [...verify, ...args]);
  p.send(input);
  if (!opts.keepStdin) p.child.stdin.end();
  try {
    await p.exited(15_000);
  } finally {
    p.kill();
  }
  return p.output();
}

const GET = 'GET / HTTP/1.0\r\n\r\n';

describe.concurrent('openssl s_client against tls13sim serve', () => {
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`serves a request over ${suite}`, async () => {
      const s = await serve([]);
      const out = await sClient(s.port, ['-ign_eof', '-ciphersuites', suite], GET);
      expect(out).toContain(`Cipher is ${suite}`);
      expect(out).toContain('HTTP/1.0 200 ok');
      expect(out).toContain(`cipher suite: ${suite}`);
      expect(out).toContain('Verify return code: 0 (ok)');
    });
  }

  const groups: NamedGroupName[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];
  for (const group of groups) {
    it(`agrees on key exchange group ${group}`, async () => {
      const s = await serve([]);
      const out = await sClient(s.port, ['-ign_eof', '-groups', group], GET);
      expect(out).toContain(`group: ${group}`);
      expect(out).toContain('hello retry: no');
    });
  }

  const leaves: [LeafKind, string][] = [
    ['ed25519', 'ed25519'],
    ['p256', 'ecdsa_secp256r1_sha256'],
    ['p384', 'ecdsa_secp384r1_sha384'],
    ['rsa', 'rsa_pss_rsae_sha256'],
  ];
  for (const [leaf, scheme] of leaves) {
    it(`presents a ${leaf} certificate chain OpenSSL verifies, signing with ${scheme}`, async () => {
      const s = await serve([], leaf);
      const out = await sClient(s.port, ['-ign_eof'], GET);
      expect(out).toContain('Verify return code: 0 (ok)');
      expect(out).toContain('HTTP/1.0 200 ok');
      expect(out).toMatch(new RegExp(`Peer signature type: ${{ ed25519: 'ed25519', p256: 'ECDSA', p384: 'ECDSA', rsa: 'RSA-PSS' }[leaf]}`));
    });
  }

  it('sends a HelloRetryRequest for a group the client supports but sent no share for', async () => {
    const s = await serve(['--groups', 'secp384r1']);
    const out = await sClient(s.port, ['-ign_eof', '-groups', 'x25519:secp384r1'], GET);
    expect(out).toContain('hello retry: yes');
    expect(out).toContain('group: secp384r1');
  });

  it('accepts a client certificate from its trusted CA', async () => {
    const s = await serve(['--client-auth', 'require', '--ca', pki.caPath]);
    const out = await sClient(s.port, ['-ign_eof', '-cert', pki.client.certPath, '-key', pki.client.keyPath], GET);
    expect(out).toContain('client certificate: CN=interop client, O=tls13sim');
  });

  it('rejects an untrusted client certificate with unknown_ca, which s_client reads after its handshake', async () => {
    const s = await serve(['--client-auth', 'require', '--ca', pki.caPath]);
    const out = await sClient(s.port, ['-ign_eof', '-cert', pki.untrustedClient.certPath, '-key', pki.untrustedClient.keyPath], GET);
    expect(out).toMatch(/alert unknown ca/i);
    expect(out).not.toContain('HTTP/1.0 200 ok');
    await waitForLog(s, /handshake failed: sent alert unknown_ca/);
  });

  it('requires a certificate: a client without one gets certificate_required', async () => {
    const s = await serve(['--client-auth', 'require']);
    const out = await sClient(s.port, ['-ign_eof'], GET);
    expect(out).toMatch(/alert certificate required/i);
  });

  it('issues tickets OpenSSL resumes with (-sess_out / -sess_in)', async () => {
    const s = await serve([]);
    const sess = pki.path(`sess-${Math.random()}.pem`);
    await sClient(s.port, ['-ign_eof', '-sess_out', sess], GET);
    const out = await sClient(s.port, ['-ign_eof', '-sess_in', sess], GET);
    expect(out).toContain('Reused, TLSv1.3');
    expect(out).toContain('resumed: yes');
  });

  it('accepts OpenSSL 0-RTT data once per ticket and rejects a replay', async () => {
    const s = await serve([]);
    const sess = pki.path(`sess-${Math.random()}.pem`);
    const early = pki.path(`early-${Math.random()}.txt`);
    writeFileSync(early, GET);
    await sClient(s.port, ['-ign_eof', '-sess_out', sess], GET);
    const first = await sClient(s.port, ['-ign_eof', '-sess_in', sess, '-early_data', early], '');
    expect(first).toContain('Early data was accepted');
    expect(first).toMatch(/early data: accepted \(\d+ bytes\)/);
    // Tickets are single use (RFC 8446 §8.1): the same ticket again is a full handshake.
    // s_client does not resend rejected early data: the request goes again after the handshake.
    const replay = await sClient(s.port, ['-ign_eof', '-sess_in', sess, '-early_data', early], GET);
    expect(replay).toContain('Early data was rejected');
    expect(replay).toContain('resumed: no');
  });

  it('GET /keyupdate: sends KeyUpdate(update_requested) before answering; s_client reads the answer under the new keys', async () => {
    const s = await serve([]);
    const tap = await wireTap(s.port);
    const keylog = pki.path(`s_client-keyupdate-${Math.random()}.keylog`);
    const out = await sClient(tap.port, ['-ign_eof', '-keylogfile', keylog], 'GET /keyupdate HTTP/1.0\r\n\r\n');
    expect(out).toContain('sent KeyUpdate(update_requested)');
    expect(out).toContain('write epoch: application+1');
    const conn = s.conns[0]!;
    expect(conn.events.some((e) => e.type === 'record_sent' && e.messages.includes('key_update') && e.epoch === 'application')).toBe(true);
    // On the wire, under the secret s_client logged: the KeyUpdate asks for an update
    // (request_update 1, §4.6.3), and the answer follows under the next secret (§7.2).
    await tap.ended.s2c;
    await tap.close();
    const fromServe = openTapped(tap, 's2c', conn.negotiated!.suite.name, readFileSync(keylog, 'utf8'));
    expect(keyUpdates(fromServe)).toEqual([[24, 0, 0, 1, 1]]);
    expect(fromServe.map(describeOpened).slice(-2)).toEqual([expect.stringMatching(/^application_data /), 'alert close_notify']);
  });

  it('follows a KeyUpdate(update_requested) from s_client (K) and answers it', async () => {
    const s = await serve([]);
    // s_client's command letters work only without -ign_eof, one per line read.
    const p = opensslClient(
      s.port,
      VERIFY.map((a) => (a === '' ? pki.caPath : a)),
    );
    try {
      await p.waitFor(/Verify return code: 0/);
      p.send('K\n');
      await p.waitFor(/KEYUPDATE/);
      await waitFor(() => s.conns[0] !== undefined && epochs(s.conns[0], 'read').includes('application+1'));
      p.send(GET);
      await p.exited(15_000);
    } finally {
      p.kill();
    }
    expect(p.output()).toContain('read epoch: application+1');
    expect(p.output()).toContain('write epoch: application+1');
    // serve's answer did not ask for one back (§4.6.3: update_not_requested): s_client
    // updated its keys once, not twice.
    expect(p.output()).not.toContain('read epoch: application+2');
  });

  it('runs post-handshake client authentication for GET /secret', async () => {
    const s = await serve(['--ca', pki.caPath]);
    const out = await sClient(s.port, ['-ign_eof', '-enable_pha', '-cert', pki.client.certPath, '-key', pki.client.keyPath], 'GET /secret HTTP/1.0\r\n\r\n');
    expect(out).toContain('HTTP/1.0 200 ok');
    expect(out).toContain('post-handshake auth: authenticated');
    expect(out).toContain('client certificate: CN=interop client, O=tls13sim');
  });

  it('negotiates ALPN', async () => {
    const s = await serve(['--alpn', 'http/1.1']);
    const out = await sClient(s.port, ['-ign_eof', '-alpn', 'h2,http/1.1'], GET);
    expect(out).toContain('ALPN protocol: http/1.1');
    expect(out).toContain('ALPN: http/1.1');
  });

  it('reads SNI', async () => {
    const s = await serve([]);
    const out = await sClient(s.port, ['-ign_eof', '-servername', 'example.test'], GET, { verify: false });
    expect(out).toContain('SNI: example.test');
  });

  it('handshakes with an external PSK (--psk / -psk)', async () => {
    const key = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const s = await serve(['--psk', key, '--psk-identity', 'interop']);
    const out = await sClient(s.port, ['-ign_eof', '-psk', key, '-psk_identity', 'interop'], GET, { verify: false });
    expect(out).toContain('HTTP/1.0 200 ok');
    expect(out).toContain('resumed: yes');
  });

  it('sends close_notify after its response, which s_client reads as a clean close', async () => {
    const s = await serve([]);
    const out = await sClient(s.port, ['-ign_eof'], GET);
    expect(out).toMatch(/closed/);
    await waitForLog(s, /closed: clean close/);
  });

  it('answers the close_notify s_client sends (Q) with its own: on the wire, under the key s_client logged', async () => {
    const s = await serve(['--echo']);
    const tap = await wireTap(s.port);
    const keylog = pki.path(`s_client-close-${Math.random()}.keylog`);
    const p = opensslClient(tap.port, [...VERIFY.map((a) => (a === '' ? pki.caPath : a)), '-keylogfile', keylog]);
    try {
      await p.waitFor(/Verify return code: 0/);
      p.send('hello echo\n');
      await p.waitFor(/hello echo/);
      p.send('Q\n');
      await p.exited(15_000);
    } finally {
      p.kill();
    }
    await waitForLog(s, /closed: clean close/);
    const conn = s.conns[0]!;
    const alerts = conn.events.flatMap((e) => (e.type === 'alert_received' || e.type === 'alert_sent' ? [`${e.type}:${e.description}`] : []));
    expect(alerts).toEqual(['alert_received:close_notify', 'alert_sent:close_notify']);
    // Our trace is our word for it; the wire is what s_client got.
    await tap.ended.s2c;
    await tap.close();
    const suite = conn.negotiated!.suite.name;
    const keylogText = readFileSync(keylog, 'utf8');
    const fromOpenssl = openTapped(tap, 'c2s', suite, keylogText).map(describeOpened);
    expect(fromOpenssl).toEqual(['application_data 11 bytes', 'alert close_notify']);
    const fromServe = openTapped(tap, 's2c', suite, keylogText).map(describeOpened);
    expect(fromServe.slice(-2)).toEqual(['application_data 11 bytes', 'alert close_notify']);
  });

  it('writes the same keylog (serve --keylog) as s_client -keylogfile, for the same client random', async () => {
    const tag = Math.random();
    const ours = pki.path(`serve-keylog-${tag}.txt`);
    const theirs = pki.path(`s_client-keylog-${tag}.txt`);
    const s = await serve(['--keylog', ours]);
    const out = await sClient(s.port, ['-ign_eof', '-keylogfile', theirs], GET);
    expect(out).toContain('HTTP/1.0 200 ok');
    // serve appends as keys are installed: the client's application secret comes with its
    // Finished, EXPORTER_SECRET when the server's handshake completes on it.
    await waitFor(() => keylogLabels([...keylogByRandom(readFileSync(ours, 'utf8')).values()].flat()).includes('EXPORTER_SECRET'));
    // One connection, one client random, in both files, and for it the same lines: the four
    // traffic secrets and EXPORTER_SECRET.
    expectSameKeylog(readFileSync(ours, 'utf8'), readFileSync(theirs, 'utf8'));
  });
});

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForLog(s: Served, re: RegExp, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!re.test(s.log())) {
    if (Date.now() > end) throw new Error(`server log never matched ${re}:\n${s.log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
