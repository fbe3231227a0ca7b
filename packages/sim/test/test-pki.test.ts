/**
 * Issue 17 item 1: `testPki()` and `clientServerPair()` from the package entry, as a user's
 * test would use them. Each bad certificate ends in the alert RFC 8446 §6.2 names for it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { KEY_TYPES, parseCertificate } from '@tls13sim/handshake';
import { toHex } from '@tls13sim/record';
import { describe, expect, it } from 'vitest';
import { clientServerPair, LEAF_FLAWS, openSslLens, testPki, TEST_SERVER_NAME, TEST_VALIDATION_TIME, type Simulation } from '@tls13sim/sim';

const completed = (sim: Simulation) => sim.events.filter((e) => e.type === 'handshake_complete').map((e) => e.side);
const alertsSent = (sim: Simulation) => sim.events.flatMap((e) => (e.type === 'alert_sent' ? [`${e.side}:${e.description}`] : []));

describe('testPki', () => {
  it('is deterministic from its seed and cached', () => {
    const p = testPki(7);
    expect(testPki(7)).toBe(p);
    expect(testPki('7')).toBe(p);
    expect(p.leaf('server', { keyType: 'p256' })).toBe(p.leaf('server', { keyType: 'p256' }));
    // Pinned: the same seed gives these bytes on every machine, whatever was built first.
    expect(toHex(sha256(p.ca))).toBe('26033084ac123f4f59ba955efa3644a646f3139160a481251c15b36f9ed824de');
    expect(toHex(sha256(p.leaf('server', { keyType: 'p256' }).chain[0]!))).toBe('cb438205fbf76c3f4838ae1fe0d2bbf1b27575f0f80b05f02ff9a1bb652a7e5d');
    expect(testPki(8).ca).not.toEqual(p.ca);
    expect(testPki().serverName).toBe(TEST_SERVER_NAME);
    expect(testPki().validationTime).toBe(TEST_VALIDATION_TIME);
  });

  it('issues server and client certificates for every key type, and both sides complete with them', { timeout: 60_000 }, () => {
    const pki = testPki();
    for (const keyType of KEY_TYPES) {
      const sim = clientServerPair({ keyType, server: { clientAuth: 'require' }, clientCertificate: pki.leaf('client', { keyType }) });
      sim.run();
      expect({ keyType, completed: completed(sim).sort(), alerts: alertsSent(sim) }).toEqual({ keyType, completed: ['client', 'server'], alerts: [] });
      const leaf = parseCertificate(pki.leaf('server', { keyType }).chain[0]!);
      expect(leaf.notAfter.getTime()).toBeGreaterThan(TEST_VALIDATION_TIME);
    }
  });

  it("a 'wrong-key' certificate keeps the good certificate with another private key", () => {
    const pki = testPki();
    expect(pki.bad.client.wrongKey.chain).toEqual(pki.client.chain);
    expect(pki.bad.client.wrongKey.privateKey).not.toEqual(pki.client.privateKey);
    expect(pki.leaf('client', { flaw: 'wrong-key' })).toBe(pki.bad.client.wrongKey);
  });

  // What each bad certificate makes the peer send (RFC 8446 §4.4.3, §6.2).
  const expected = {
    server: { 'wrong-key': 'decrypt_error', expired: 'certificate_expired', untrusted: 'unknown_ca', 'wrong-name': 'bad_certificate' },
    client: { 'wrong-key': 'decrypt_error', expired: 'certificate_expired', untrusted: 'unknown_ca' },
  } as const;

  for (const flaw of LEAF_FLAWS) {
    it(`a server with a '${flaw}' certificate: the client's connect() fails with ${expected.server[flaw]}`, () => {
      const sim = clientServerPair({ server: { certificate: testPki().leaf('server', { flaw }) } });
      const ssl = openSslLens(sim, 'client', { blocking: true });
      expect(ssl.connect()).toMatchObject({ result: 'error', alert: expected.server[flaw] });
      expect(alertsSent(sim)).toEqual([`client:${expected.server[flaw]}`]);
    });
  }

  for (const flaw of ['wrong-key', 'expired', 'untrusted'] as const) {
    it(`a client with a '${flaw}' certificate: connect() succeeds, the server sends ${expected.client[flaw]}, read() surfaces it`, () => {
      const sim = clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: testPki().leaf('client', { flaw }) });
      const ssl = openSslLens(sim, 'client', { blocking: true });
      expect(ssl.connect()).toMatchObject({ result: 'ok' });
      expect(ssl.read(100)).toMatchObject({ result: 'error', alert: expected.client[flaw] });
      expect(alertsSent(sim)).toEqual([`server:${expected.client[flaw]}`]);
    });
  }

  it('the untrusted CA is a different CA, and trusting it makes the untrusted certificate pass', () => {
    const pki = testPki();
    expect(pki.untrustedCa).not.toEqual(pki.ca);
    const sim = clientServerPair({ server: { certificate: pki.bad.server.untrusted }, client: { trustAnchors: [pki.untrustedCa] } });
    sim.run();
    expect(completed(sim).sort()).toEqual(['client', 'server']);
  });

  it('rejects an unknown flaw or role in one line', () => {
    expect(() => testPki().leaf('server', { flaw: 'stale' as never })).toThrow(/unknown flaw 'stale'/);
    expect(() => testPki().leaf('peer' as never)).toThrow(/role must be/);
  });
});

describe('clientServerPair', () => {
  it('returns a fresh, unstarted simulation each call, the same bytes for the same options', () => {
    const a = clientServerPair({ seed: 3 });
    const b = clientServerPair({ seed: 3 });
    expect(a).not.toBe(b);
    expect(a.events).toEqual([]);
    a.run();
    b.run();
    expect(a.toTrace()).toEqual(b.toTrace());
    expect(completed(a).sort()).toEqual(['client', 'server']);
    const c = clientServerPair({ seed: 4 });
    c.run();
    expect(c.toTrace().events).not.toEqual(a.toTrace().events);
  });

  it('sends no client certificate unless the server asks, or when told not to', () => {
    const none = clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: null });
    none.run();
    expect(alertsSent(none)).toEqual(['server:certificate_required']);
    const asked = clientServerPair({ server: { clientAuth: 'request' } });
    asked.run();
    expect(asked.ledger('client').peerVerdict).toMatchObject({ verdict: 'unknown' });
    expect(asked.events.some((e) => e.type === 'record_sent' && e.side === 'client' && e.messages.includes('certificate'))).toBe(true);
  });
});
