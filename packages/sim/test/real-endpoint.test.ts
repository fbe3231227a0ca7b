/**
 * The Simulation, lens, ledger and renderers driving the real endpoints
 * (`createEndpoint` from @tls13sim/handshake) with their own certificates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCertificate, createEndpoint, generateKeyPair, nobleProvider, seededRandom, type ClientCertVerdict, type EndpointApi } from '@tls13sim/handshake';
import { Simulation, openSslLens, renderKeylog, renderPcap, renderTimeline, traceToJson, type DeliveryPolicy } from '../src/index.js';
import { ofType } from './helpers.js';

const rand = seededRandom('sim-real-endpoint-pki');
const ca = generateKeyPair('ed25519', rand);
const caCert = buildCertificate({ subject: 'Sim Test CA', publicKey: ca.publicKey, notBefore: 0, notAfter: 4e12, isCA: true }, ca.privateKey, rand);
const serverKey = generateKeyPair('ed25519', rand);
const serverCert = buildCertificate(
  { subject: 'server.test', issuer: caCert, publicKey: serverKey.publicKey, notBefore: 0, notAfter: 4e12, dnsNames: ['server.test'] },
  ca.privateKey,
  rand,
);
const clientKey = generateKeyPair('ed25519', rand);
const clientCert = buildCertificate(
  { subject: 'client', issuer: caCert, publicKey: clientKey.publicKey, notBefore: 0, notAfter: 4e12, extKeyUsage: ['clientAuth'] },
  ca.privateKey,
  rand,
);

function realSim(opts: { clientAuth?: boolean; verdict?: ClientCertVerdict; policy?: DeliveryPolicy; seed?: number } = {}): Simulation {
  const client: EndpointApi = createEndpoint({
    role: 'client',
    crypto: nobleProvider,
    random: seededRandom('client'),
    serverName: 'server.test',
    trustAnchors: [caCert.der],
    validationTime: 1.7e12,
    ...(opts.clientAuth ? { certificate: { chain: [clientCert.der], privateKey: clientKey.privateKey } } : {}),
  });
  const verdict = opts.verdict;
  const server: EndpointApi = createEndpoint({
    role: 'server',
    crypto: nobleProvider,
    random: seededRandom('server'),
    certificate: { chain: [serverCert.der, caCert.der], privateKey: serverKey.privateKey },
    trustAnchors: [caCert.der],
    validationTime: 1.7e12,
    clientAuth: opts.clientAuth ? 'require' : 'none',
    ...(verdict ? { clientCertVerifier: () => verdict } : {}),
  });
  return new Simulation({ client, server, scenario: 'real', seed: opts.seed ?? 1, policy: opts.policy ?? {} });
}

describe('Simulation over the real endpoints', () => {
  it('completes a full handshake, the client one delay before the server', () => {
    const sim = realSim();
    sim.run();
    expect(sim.client.state).toBe('CONNECTED');
    expect(sim.server.state).toBe('CONNECTED');
    expect(sim.ledger('client').handshakeComplete!.time).toBe(20);
    expect(sim.ledger('server').handshakeComplete!.time).toBe(30);
  });

  it('completes a client-auth handshake under random byte splits and random interleaving', () => {
    const sim = realSim({ clientAuth: true, policy: { unit: { kind: 'split' }, interleave: 'random' }, seed: 9 });
    sim.run();
    expect(sim.client.state).toBe('CONNECTED');
    expect(sim.server.state).toBe('CONNECTED');
  });

  it('gives byte-identical JSON for the same seed', () => {
    const run = (): string => {
      const sim = realSim({ clientAuth: true, policy: { unit: { kind: 'random' } }, seed: 4 });
      sim.run();
      return traceToJson(sim.toTrace());
    };
    expect(run()).toBe(run());
  });

  it('shows the SSL_connect question: connect ok, write ok, then read error(alert) when the server rejects the client certificate', () => {
    const sim = realSim({ clientAuth: true, verdict: { action: 'reject', alert: 'bad_certificate' } });
    const c = openSslLens(sim, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(sim.ledger('client').handshakeComplete).toBeDefined();
    expect(c.write(new TextEncoder().encode('GET /')).result).toBe('ok');
    expect(c.read(100)).toMatchObject({ result: 'error', alert: 'bad_certificate' });
    expect(sim.ledger('client').peerVerdict).toMatchObject({ verdict: 'rejected', alert: { description: 'bad_certificate' } });
    expect(sim.ledger('server').handshakeComplete).toBeUndefined();
  });

  it('refuses shutdown before the handshake is complete, as OpenSSL does, and sends nothing', () => {
    const sim = realSim();
    const c = openSslLens(sim, 'client');
    expect(c.connect().result).toBe('want_read');
    expect(c.shutdown()).toMatchObject({ result: 'error', outcome: '-1 SSL_ERROR_SSL: shutdown while in init' });
    expect(sim.toTrace().events.some((e) => e.type === 'alert_sent')).toBe(false);
    sim.run();
    expect(c.connect().result).toBe('ok');
    expect(c.shutdown().result).toBe('want_read');
  });

  it("half-close (§6.1) through the OpenSSL lens: after the client's close_notify the server reads EOF, still writes, and the client reads it; the trace and timeline say when each direction closed", () => {
    const sim = realSim();
    const c = openSslLens(sim, 'client', { blocking: true });
    const s = openSslLens(sim, 'server', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(s.accept().result).toBe('ok');
    expect(c.write(new TextEncoder().encode('request')).result).toBe('ok');
    expect(c.shutdown()).toMatchObject({ api: 'SSL_shutdown', outcome: '0' });
    expect(new TextDecoder().decode(s.read(100).bytes)).toBe('request');
    // libssl 3.0 after a received close_notify: SSL_read → 0 SSL_ERROR_ZERO_RETURN, SSL_write still succeeds.
    expect(s.read(100)).toMatchObject({ api: 'SSL_read', outcome: '0 SSL_ERROR_ZERO_RETURN' });
    expect(s.write(new TextEncoder().encode('response'))).toMatchObject({ result: 'ok', api: 'SSL_write', outcome: '8' });
    // The peer's close_notify is already there: the server's SSL_shutdown completes at once.
    expect(s.shutdown()).toMatchObject({ result: 'ok', outcome: '1' });
    expect(new TextDecoder().decode(c.read(100).bytes)).toBe('response');
    expect(c.read(100)).toMatchObject({ outcome: '0 SSL_ERROR_ZERO_RETURN' });
    expect(c.shutdown()).toMatchObject({ result: 'ok', outcome: '1' });
    expect([sim.client.state, sim.server.state]).toEqual(['CLOSED', 'CLOSED']);

    const closures = ofType(sim.events, 'note')
      .filter((n) => n.fact === 'read_closed' || n.fact === 'write_closed')
      .map((n) => [n.side, n.fact, n.text]);
    expect(closures).toEqual([
      ['client', 'write_closed', "write side closed (close_notify sent); still reads until the server's: half-closed (RFC 8446 §6.1)"],
      ['server', 'read_closed', "read side closed (the client's close_notify); can still write: half-closed (RFC 8446 §6.1)"],
      ['server', 'write_closed', 'write side closed (close_notify sent); both directions closed (RFC 8446 §6.1)'],
      ['client', 'read_closed', "read side closed (the server's close_notify); both directions closed (RFC 8446 §6.1)"],
    ]);
    const timeline = renderTimeline(sim.toTrace());
    const lines = timeline.split('\n').filter((l) => /side closed/.test(l));
    expect(lines.map((l) => l.replace(/^.*│ /, '').trim())).toEqual([
      'write side closed (close_notify sent): half-closed',
      "read side closed (peer's close_notify): half-closed",
      'write side closed (close_notify sent): both directions closed',
      "read side closed (peer's close_notify): both directions closed",
    ]);
    // The server's lines are in its column (right), the client's in its own (left).
    expect(lines.map((l) => (l.replace(/^.*?│ /, '').startsWith(' ') ? 'server' : 'client'))).toEqual(['client', 'server', 'server', 'client']);
  });

  it('reports blocked for a read when the server accepted and has nothing to say', () => {
    const sim = realSim({ clientAuth: true });
    const c = openSslLens(sim, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(c.read(100).result).toBe('blocked');
    expect(sim.server.state).toBe('CONNECTED');
  });

  it('forks mid-handshake into independent continuations of the real endpoints', () => {
    const sim = realSim({ clientAuth: true, policy: { unit: { kind: 'record' } } });
    sim.step();
    sim.step();
    const f = sim.fork();
    f.run();
    expect(f.server.state).toBe('CONNECTED');
    expect(sim.server.state).not.toBe('CONNECTED');
    sim.run();
    expect(traceToJson(sim.toTrace())).toBe(traceToJson(f.toTrace()));
  });

  // Outside CI a machine without tshark skips this; in CI (.ci/run sets CI=1 and installs tshark) it must run.
  const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0 || process.env.CI !== undefined;
  it.skipIf(!hasTshark)('tshark decrypts the pcap with the keylog and shows every handshake message in order', () => {
    const sim = realSim({ clientAuth: true, verdict: { action: 'reject', alert: 'bad_certificate' } });
    const c = openSslLens(sim, 'client', { blocking: true });
    c.connect();
    c.read(10);
    const trace = sim.toTrace();
    const dir = mkdtempSync(join(tmpdir(), 'tls13sim-real-'));
    writeFileSync(join(dir, 'run.pcap'), renderPcap(trace));
    writeFileSync(join(dir, 'run.keylog'), renderKeylog(trace));
    const out = execFileSync(
      'tshark',
      [
        '-r',
        join(dir, 'run.pcap'),
        '-o',
        `tls.keylog_file:${join(dir, 'run.keylog')}`,
        '-T',
        'fields',
        '-e',
        'tcp.srcport',
        '-e',
        'tls.handshake.type',
        '-e',
        'tls.alert_message.desc',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((r) => (r[1] ?? '') !== '' || (r[2] ?? '') !== '');
    const seen = rows.map(([port, hs, alert]) => `${port === '443' ? 'server' : 'client'}:${hs || `alert ${alert}`}`);
    expect(seen).toEqual(['client:1', 'server:2,8,13,11,15,20', 'client:11,15,20', 'server:alert 42']);
    expect(ofType(trace, 'alert_sent')[0]).toMatchObject({ side: 'server', description: 'bad_certificate' });
  });
});
