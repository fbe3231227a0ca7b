/**
 * The TLS 1.2 scenarios (docs/tls12.md): the client-authentication twins, whose verdict
 * reaches the client inside connect() (RFC 5246 §7.3), and downgrade-detected, whose
 * attacker strips supported_versions and meets the RFC 8446 §4.1.3 sentinel. Each fact is
 * read off the JSON trace; the ledger stays sound over the runs and an exhaustive
 * exploration; the attacker's rewrite replays from the schedule alone.
 */
import { describe, expect, it } from 'vitest';
import { decodeHandshake, type ClientHello } from '@tls13sim/handshake';
import { fromHex } from '@tls13sim/record';
import '../src/scenarios/catalogue.js';
import { Simulation, ledgerViolations, parseTrace, runScenario, traceToJson, type Trace, type TraceEvent } from '../src/index.js';
import { explore } from '../src/explore/api.js';
import { rewriteFor, stripClientHelloExtension } from '../src/scenarios/attacks.js';
import { specSim } from '../src/scenarios/spec.js';
import { DOWNGRADE_DETECTED } from '../src/scenarios/tls12.js';

const trace = (name: string, seed?: number): Trace => parseTrace(traceToJson(runScenario(name, seed)));
type Of<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;
const find = <T extends TraceEvent['type']>(t: Trace, type: T, pred: (e: Of<T>) => boolean = () => true): Of<T> | undefined =>
  t.events.find((e): e is Of<T> => e.type === type && pred(e as Of<T>));
const seqOf = (e: { seq: number } | undefined): number => e?.seq ?? Number.POSITIVE_INFINITY;

describe('tls12-client-cv-rejected: the rejection reaches connect()', () => {
  const t = trace('tls12-client-cv-rejected');

  it("the client's Certificate, CertificateVerify and Finished leave before any server Finished exists", () => {
    const cv = find(t, 'record_sent', (e) => e.side === 'client' && e.messages.includes('certificate_verify'));
    const fin = find(t, 'record_sent', (e) => e.side === 'client' && e.messages.includes('finished'));
    expect(cv?.epoch).toBe('plaintext');
    expect(fin?.epoch).toBe('tls12');
    expect(find(t, 'record_sent', (e) => e.side === 'server' && e.messages.includes('finished'))).toBeUndefined();
    expect(find(t, 'handshake_complete')).toBeUndefined();
  });

  it("ChangeCipherSpec switches the client's write keys: the tls12 keys come between its CCS and its Finished", () => {
    const ccs = find(t, 'record_sent', (e) => e.side === 'client' && e.outerType === 'change_cipher_spec');
    const keys = find(t, 'keys_installed', (e) => e.side === 'client' && e.direction === 'write' && e.epoch === 'tls12');
    const fin = find(t, 'record_sent', (e) => e.side === 'client' && e.messages.includes('finished'));
    expect(seqOf(ccs)).toBeLessThan(seqOf(keys));
    expect(seqOf(keys)).toBeLessThan(seqOf(fin));
  });

  it('the server sends decrypt_error in plaintext; connect() itself returns it, after the alert arrived; the verdict is presumed', () => {
    const alert = find(t, 'alert_sent', (e) => e.side === 'server');
    expect([alert?.description, alert?.epoch]).toEqual(['decrypt_error', 'plaintext']);
    const connect = find(t, 'app_call', (e) => e.side === 'client' && e.call === 'connect');
    expect([connect?.result, connect?.alert, connect?.outcome]).toEqual(['error', 'decrypt_error', '-1 SSL_ERROR_SSL: tlsv1 alert decrypt error']);
    const received = find(t, 'alert_received', (e) => e.side === 'client');
    expect(seqOf(received)).toBeLessThan(seqOf(connect));
    const verdict = find(t, 'peer_verdict', (e) => e.side === 'client');
    expect([verdict?.verdict, verdict?.basis]).toEqual(['rejected', 'presumes']);
    expect(seqOf(verdict)).toBeLessThan(seqOf(connect));
  });

  it('walks the TLS 1.2 states of RFC 5246 §7.3', () => {
    const states = (side: string) => t.events.filter((e): e is Of<'state'> => e.type === 'state' && e.side === side).map((e) => e.to);
    expect(states('client')).toEqual(['WAIT_SH', 'WAIT_CERT', 'WAIT_SKE', 'WAIT_CR_OR_SHD', 'WAIT_SHD', 'WAIT_CCS', 'CLOSED']);
    expect(states('server')).toEqual(['WAIT_CERT', 'WAIT_CKE', 'WAIT_CV', 'CLOSED']);
  });
});

describe('tls12-client-cert-rejected and tls12-client-auth', () => {
  it('bad_certificate, in plaintext, is what connect() returns', () => {
    const t = trace('tls12-client-cert-rejected');
    const connect = find(t, 'app_call', (e) => e.side === 'client' && e.call === 'connect');
    expect([connect?.result, connect?.alert]).toEqual(['error', 'bad_certificate']);
    expect(find(t, 'alert_sent', (e) => e.side === 'server')?.epoch).toBe('plaintext');
  });

  it("the client KNOWS it was accepted from the server's Finished (RFC 5246 §7.4.9), before it completes and before connect() returns", () => {
    const t = trace('tls12-client-auth');
    const serverDone = find(t, 'handshake_complete', (e) => e.side === 'server');
    const verdict = find(t, 'peer_verdict', (e) => e.side === 'client');
    const clientDone = find(t, 'handshake_complete', (e) => e.side === 'client');
    const connect = find(t, 'app_call', (e) => e.side === 'client' && e.call === 'connect');
    expect([verdict?.verdict, verdict?.basis]).toEqual(['accepted', 'knows']);
    expect(verdict?.evidence).toMatch(/Finished.*RFC 5246 §7\.4\.9/);
    expect(seqOf(serverDone)).toBeLessThan(seqOf(verdict));
    expect(seqOf(verdict)).toBeLessThan(seqOf(clientDone));
    expect(seqOf(clientDone)).toBeLessThan(seqOf(connect));
    expect(connect?.result).toBe('ok');
  });
});

describe('TLS 1.2 traces cite TLS 1.2', () => {
  it('the Finished notes of a TLS 1.2 run cite RFC 5246 §7.4.9, those of its TLS 1.3 twin RFC 8446 §4.4.4', () => {
    const notes = (t: Trace): string[] => t.events.flatMap((e) => (e.type === 'note' && e.fact?.startsWith('finished_') === true ? [e.text] : []));
    const v12 = notes(trace('tls12-client-auth'));
    const v13 = notes(trace('client-auth'));
    expect(v12.length).toBeGreaterThanOrEqual(4);
    for (const text of v12) expect(text).toMatch(/\(RFC 5246 §7\.4\.9\)$/);
    expect(v13.length).toBeGreaterThanOrEqual(4);
    for (const text of v13) expect(text).toMatch(/\(RFC 8446 §4\.4\.4\)$/);
  });
});

describe('downgrade-detected (RFC 8446 §4.1.3)', () => {
  const t = trace('downgrade-detected');

  it("the attacker's rewrite is in the trace: the ClientHello delivered is the one sent, without supported_versions", () => {
    const sent = find(t, 'record_sent', (e) => e.side === 'client' && e.messages.includes('client_hello'))!;
    const delivered = find(t, 'delivered')!;
    expect(delivered.fault?.kind).toBe('inject');
    expect(delivered.taken).toBe(fromHex(sent.hex).length);
    expect(delivered.hex).toBe(Buffer.from(stripClientHelloExtension(fromHex(sent.hex), 43)!).toString('hex'));
    expect(delivered.bytes).toBeLessThan(delivered.taken);
  });

  it('the server answers TLS 1.2 with DOWNGRD\\x01 ending its random; the client aborts with illegal_parameter, and connect() fails', () => {
    const sh = find(t, 'record_sent', (e) => e.side === 'server' && e.messages.includes('server_hello'))!;
    const random = fromHex(sh.hex).subarray(5 + 4 + 2, 5 + 4 + 2 + 32);
    expect(Buffer.from(random.subarray(24)).toString('hex')).toBe('444f574e47524401');
    expect(sh.messages).toContain('server_key_exchange');
    const alert = find(t, 'alert_sent', (e) => e.side === 'client');
    expect([alert?.description, alert?.epoch]).toEqual(['illegal_parameter', 'plaintext']);
    const connect = find(t, 'app_call', (e) => e.side === 'client' && e.call === 'connect');
    expect([connect?.result, connect?.alert]).toEqual(['error', 'illegal_parameter']);
    expect(find(t, 'keys_installed')).toBeUndefined();
  });

  it('replays byte for byte from its schedule alone, without the attacker', () => {
    const a = specSim(DOWNGRADE_DETECTED, 1);
    a.setRewrite(rewriteFor('strip_supported_versions', 'client_to_server', 0));
    a.run();
    const fresh = specSim(DOWNGRADE_DETECTED, 1);
    const b = new Simulation({ client: fresh.client, server: fresh.server, scenario: a.scenario, seed: 1, replay: a.schedule });
    b.run();
    expect(traceToJson(b.toTrace())).toBe(traceToJson(a.toTrace()));
    expect(b.events.some((e) => e.type === 'alert_sent' && e.description === 'illegal_parameter')).toBe(true);
  });

  it('stripClientHelloExtension removes exactly that extension, keeping every length consistent', () => {
    const sent = find(t, 'record_sent', (e) => e.side === 'client' && e.messages.includes('client_hello'))!;
    const before = fromHex(sent.hex);
    const after = stripClientHelloExtension(before, 43)!;
    const hello = (rec: Uint8Array) => decodeHandshake(1, rec.subarray(9)) as unknown as ClientHello;
    expect(((after[3]! << 8) | after[4]!) + 5).toBe(after.length);
    const codes = (rec: Uint8Array) => hello(rec).extensions.map((e) => e.type);
    expect(codes(before)).toContain('supported_versions');
    expect(codes(after)).toEqual(codes(before).filter((c) => c !== 'supported_versions'));
    expect(stripClientHelloExtension(after, 43)).toBeUndefined();
    expect(stripClientHelloExtension(before.subarray(0, 40), 43)).toBeUndefined();
  });
});

describe('the ledger stays sound (knows never runs ahead of the truth)', () => {
  it.each(['tls12-client-auth', 'tls12-client-cert-rejected', 'tls12-client-cv-rejected', 'downgrade-detected'])('%s, seeds 1-3', (name) => {
    for (const seed of [1, 2, 3]) expect(ledgerViolations(trace(name, seed).events)).toEqual([]);
  });

  it("over every record-split schedule of tls12-client-cv-rejected, with one fault or none: the scenario's checks and the ledger hold", () => {
    const plain = explore({ scenario: 'tls12-client-cv-rejected', bounds: { splits: 'record', depth: 6 } });
    expect([plain.failure?.message, plain.truncated]).toEqual([undefined, 0n]);
    expect(plain.schedules).toBeGreaterThan(1n);
    const faulty = explore({
      scenario: 'tls12-client-cv-rejected',
      bounds: { splits: 'record', depth: 6 },
      faults: { allow: ['drop', 'duplicate', 'truncate', 'corrupt'] },
      property: (run) => ledgerViolations(run.sim.events).length === 0,
    });
    expect(faulty.failure?.message).toBeUndefined();
    expect(faulty.schedules).toBeGreaterThan(plain.schedules);
  }, 60_000);
});
