/**
 * The Simulation, lens, ledger and renderers driving the real endpoints
 * (`createEndpoint` from @tls13sim/handshake), not the scripted fake.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCertificate,
  createEndpoint,
  generateKeyPair,
  nobleProvider,
  seededRandom,
  type ClientCertVerdict,
  type EndpointApi,
} from '@tls13sim/handshake';
import { Simulation, openSslLens, renderKeylog, renderPcap, traceToJson, type DeliveryPolicy } from '../src/index.js';
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
      ['-r', join(dir, 'run.pcap'), '-o', `tls.keylog_file:${join(dir, 'run.keylog')}`, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rows = out.trim().split('\n').map((l) => l.split('\t')).filter((r) => (r[1] ?? '') !== '' || (r[2] ?? '') !== '');
    const seen = rows.map(([port, hs, alert]) => `${port === '443' ? 'server' : 'client'}:${hs || `alert ${alert}`}`);
    expect(seen).toEqual(['client:1', 'server:2,8,13,11,15,20', 'client:11,15,20', 'server:alert 42']);
    expect(ofType(trace, 'alert_sent')[0]).toMatchObject({ side: 'server', description: 'bad_certificate' });
  });
});
