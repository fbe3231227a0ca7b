/**
 * Every catalogue scenario's configuration as data (scenarios/spec.ts): JSON a user can copy
 * and change, and `runSpec` of a copy gives the scenario's trace, byte for byte, but for the
 * first notes `runScenario` puts before it when no real run stands behind a side's calls.
 */
import { describe, expect, it } from 'vitest';
import { getScenario, listScenarios, runScenario, runSpec, traceToJson, type ScenarioSpec, type Trace } from '@tls13sim/sim';
import { checkClientAuth, expectedRejection } from '../src/explore/client-auth.js';
import { runCase } from '../src/explore/case.js';
import { DEFAULT_SPEC, type ConfigSpec } from '../src/explore/config.js';
import { DEFAULT_SCRIPT } from '../src/explore/schedule.js';

/** The scenarios that are not data, and why (keep this short). */
const NOT_DATA: Record<string, string> = {
  'rfc8448-simple': "RFC 8448's fixed randoms and key shares, and NSS's extension order",
  'rfc8448-hrr': "RFC 8448's fixed randoms and key shares, and NSS's extension order",
  'rfc8448-client-auth': "RFC 8448's fixed randoms, keys and RSA certificates, and NSS's extension order",
  'rfc8448-compat': "RFC 8448's fixed randoms and key shares, and NSS's extension order",
  'rfc8448-resumed-0rtt': "RFC 8448's fixed randoms and ticket, and NSS's extension order",
};

/** runScenario's trace without its first notes on what no real run stands behind (and renumbered). */
function withoutUncheckedNotes(trace: Trace): Trace {
  const unchecked = (e: Trace['events'][number]) => e.type === 'note' && e.text.startsWith('Not run against the real library');
  const lead = trace.events.findIndex((e) => !unchecked(e));
  return { ...trace, events: trace.events.slice(lead).map((e, i) => ({ ...e, seq: i })) };
}

/** A copy made the way a user makes one: through JSON. */
const copyOf = (name: string): ScenarioSpec => JSON.parse(JSON.stringify(getScenario(name)!.spec)) as ScenarioSpec;

describe('scenario specs', () => {
  const all = listScenarios();

  it('every scenario has a spec, except the listed ones', () => {
    expect(all.filter((d) => d.spec === undefined).map((d) => d.name)).toEqual(Object.keys(NOT_DATA).sort());
    expect(all.filter((d) => d.spec !== undefined).length).toBeGreaterThanOrEqual(18);
  });

  it.each(all.filter((d) => d.spec !== undefined).map((d) => d.name))('%s: the spec is plain JSON, and a copy runs to the same trace', (name) => {
    const spec = getScenario(name)!.spec!;
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec.name).toBe(name);
    expect(traceToJson(runSpec(copyOf(name)))).toBe(traceToJson(withoutUncheckedNotes(runScenario(name))));
    expect(traceToJson(runSpec(copyOf(name), 7))).toBe(traceToJson(withoutUncheckedNotes(runScenario(name, 7))));
  });

  it('a changed copy runs the change: the verifier accepts, and the read gets the response', () => {
    const spec = copyOf('client-cert-rejected');
    const { verdict: _rejected, ...server } = spec.server;
    const trace = runSpec({ ...spec, server, notes: [] });
    expect(trace.events.some((e) => e.type === 'alert_sent')).toBe(false);
    expect(trace.events.some((e) => e.type === 'handshake_complete' && e.side === 'server')).toBe(true);
  });

  it('the mismatched CertificateVerify key is data: with the matching key, no decrypt_error', () => {
    const spec = copyOf('client-cv-rejected');
    expect(spec.client.certificate).toBe('client-stray-key');
    const good = runSpec({ ...spec, client: { ...spec.client, certificate: 'client' }, notes: [] });
    expect(good.events.some((e) => e.type === 'alert_sent')).toBe(false);
    const bad = runSpec({ ...spec, notes: [] });
    expect(bad.events.some((e) => e.type === 'alert_sent' && e.description === 'decrypt_error')).toBe(true);
  });

  it('0.5-RTT data, post-handshake auth, key updates, resumption, HRR and early data are all in the data', () => {
    const ops = (n: string) => copyOf(n).program.map((p) => p.op);
    expect(copyOf('half-rtt-then-rejected').program[0]).toEqual({ op: 'sendOnState', side: 'server', state: 'WAIT_FLIGHT2', data: 'welcome!\n' });
    expect(ops('early-data')).toContain('send');
    expect(copyOf('post-handshake-auth').client.postHandshakeAuth).toBe(true);
    expect(ops('post-handshake-auth')).toContain('requestClientAuth');
    expect(ops('key-update')).toContain('keyUpdate');
    expect(copyOf('resumption').resume).toEqual({ laterMs: 1000 });
    expect(copyOf('hello-retry').client.keyShareGroups).toEqual(['x448']);
    expect(copyOf('early-data-rejected').server.acceptEarlyData).toBe(false);
  });

  it('a bad program is one clear error', () => {
    const spec = copyOf('full-handshake');
    expect(() => runSpec({ ...spec, program: [{ op: 'connect', side: 'client' }] })).toThrow(/a client call before its \{ op: 'lens' \}/);
    expect(() => runSpec({ ...spec, program: [{ op: 'jump' } as never] })).toThrow(/unknown op "jump"/);
  });
});

describe('ConfigSpec: a mismatched CertificateVerify key', () => {
  const mismatched: ConfigSpec = { ...DEFAULT_SPEC, clientAuth: 'require', clientCert: 'ecdsa_secp256r1_sha256', clientKey: 'mismatched' };

  it('the server rejects the client with decrypt_error (RFC 8446 §4.4.3), after the client completed', () => {
    const o = runCase({ config: mismatched, script: DEFAULT_SCRIPT, actions: [] });
    expect(o.server.error?.alert).toBe('decrypt_error');
    expect(o.sim.ledger('client').handshakeComplete).toBeDefined();
    expect(expectedRejection(mismatched)).toBe('decrypt_error');
    expect(() => checkClientAuth({ config: mismatched, script: DEFAULT_SCRIPT, blocking: true, calls: ['write', 'read'] })).not.toThrow();
  });

  it('a verifier that rejects the certificate speaks first', () => {
    const rejecting: ConfigSpec = { ...mismatched, verdict: { reject: 'access_denied' } };
    expect(runCase({ config: rejecting, script: DEFAULT_SCRIPT, actions: [] }).server.error?.alert).toBe('access_denied');
    expect(expectedRejection(rejecting)).toBe('access_denied');
  });

  it('the matching key (the default) is accepted', () => {
    const o = runCase({ config: { ...mismatched, clientKey: undefined }, script: DEFAULT_SCRIPT, actions: [] });
    expect(o.server.error).toBeUndefined();
    expect(o.server.state).toBe('CONNECTED');
  });
});
