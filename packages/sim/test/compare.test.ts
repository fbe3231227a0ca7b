/**
 * `tls13sim compare`: a TLS 1.3 scenario and its TLS 1.2 twin, their key moments read off
 * the two traces (compare.ts). The contrast it exists to show: under TLS 1.2 connect()
 * returns the server's rejection; under TLS 1.3 connect() returns ok and a later read fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/scenarios/catalogue.js';
import { compareJson, connectVerdictSummary, keyMoments, renderComparison, traceVersion, type Moment } from '../src/compare.js';
import { runScenario, type Trace } from '../src/index.js';
import { runCli } from '../src/cli/main.js';
import { twinPair } from '../src/cli/compare.js';
import { ROOT, expectOneLineError, fakeIo } from './cli-helpers.js';

/** The trace event a moment names, checked to be of that type and side. */
function eventOf(t: Trace, m: Moment | undefined, type: string, side: string) {
  expect(m, `${type} moment`).toBeDefined();
  const e = t.events[m!.seq]!;
  expect([e.type, e.side, e.time]).toEqual([type, side, m!.time]);
  return e;
}

describe('keyMoments', () => {
  const v13 = runScenario('client-cv-rejected');
  const v12 = runScenario('tls12-client-cv-rejected');

  it("TLS 1.2: connect() returns the server's rejection itself; the client never completes", () => {
    const m = keyMoments(v12);
    expect(m.version).toBe('TLS 1.2');
    const connect = eventOf(v12, m.connectReturned, 'app_call', 'client');
    expect(connect.type === 'app_call' && [connect.call, connect.result, connect.alert]).toEqual(['connect', 'error', 'decrypt_error']);
    expect(m.firstErrorCall?.seq).toBe(m.connectReturned?.seq);
    expect(m.clientComplete).toBeUndefined();
    expect(m.serverFinishedSent).toBeUndefined();
    eventOf(v12, m.serverJudged, 'alert_sent', 'server');
    expect(m.serverJudged!.seq).toBeLessThan(m.connectReturned!.seq);
    expect(m.clientPresumes?.text).toBe('rejected (decrypt_error), presumed');
    expect(m.clientKnows).toBeUndefined();
    expect(connectVerdictSummary(m)).toMatch(/^TLS 1\.2: the server rejected the client before connect\(\) returned, and connect\(\) itself reported it/);
  });

  it('TLS 1.3: connect() returns ok before the server judges; a later read() reports the rejection', () => {
    const m = keyMoments(v13);
    expect(m.version).toBe('TLS 1.3');
    const connect = eventOf(v13, m.connectReturned, 'app_call', 'client');
    expect(connect.type === 'app_call' && [connect.call, connect.result]).toEqual(['connect', 'ok']);
    const read = eventOf(v13, m.firstErrorCall, 'app_call', 'client');
    expect(read.type === 'app_call' && [read.call, read.result, read.alert]).toEqual(['read', 'error', 'decrypt_error']);
    expect(m.connectReturned!.seq).toBeLessThan(m.serverJudged!.seq);
    expect(m.serverJudged!.seq).toBeLessThan(m.firstErrorCall!.seq);
    eventOf(v13, m.clientComplete, 'handshake_complete', 'client');
    expect(m.clientKnows?.text).toBe('rejected (decrypt_error), known');
    expect(connectVerdictSummary(m)).toMatch(
      /^TLS 1\.3: connect\(\) returned at 20 ms \(SSL_connect → 1\) before the server rejected the client; only a later call reported it, at 40 ms/,
    );
  });

  it("acceptance: TLS 1.2's client knows before connect() returns, TLS 1.3's does not", () => {
    const a12 = keyMoments(runScenario('tls12-client-auth'));
    const a13 = keyMoments(runScenario('client-auth'));
    expect(a12.clientKnows!.seq).toBeLessThan(a12.connectReturned!.seq);
    expect(a13.clientKnows).toBeUndefined();
    expect(connectVerdictSummary(a12)).toMatch(/the client already knowing it\.$/);
    expect(connectVerdictSummary(a13)).toMatch(/the client not yet knowing it\.$/);
  });

  it('reads the version from the records: a TLS 1.2 handshake that never reached its keys is still TLS 1.2', () => {
    expect(traceVersion(runScenario('downgrade-detected'))).toBe('TLS 1.2');
    expect(traceVersion(runScenario('full-handshake'))).toBe('TLS 1.3');
  });

  it('renders both columns and both conclusions; the JSON holds the same moments', () => {
    const text = renderComparison(v13, v12);
    expect(text.split('\n')[0]).toMatch(/TLS 1\.3 — client-cv-rejected \(seed 1\) +│ TLS 1\.2 — tls12-client-cv-rejected \(seed 1\)$/);
    expect(text).toContain('connect() returns                │  20 ms  SSL_connect → 1 ');
    expect(text).toMatch(/│ {2}40 ms {2}SSL_connect → -1 SSL_ERROR_SSL: tlsv1 alert decrypt error\n/);
    const json = compareJson(v13, v12);
    expect(json.runs).toEqual([keyMoments(v13), keyMoments(v12)]);
    expect(json.summary).toEqual([connectVerdictSummary(keyMoments(v13)), connectVerdictSummary(keyMoments(v12))]);
  });
});

describe('tls13sim compare', () => {
  it('either name of a pair gives the same comparison, TLS 1.3 first', async () => {
    expect(twinPair('client-cv-rejected')).toEqual(['client-cv-rejected', 'tls12-client-cv-rejected']);
    expect(twinPair('tls12-client-cert-rejected')).toEqual(['client-cert-rejected', 'tls12-client-cert-rejected']);
    expect(twinPair('full-handshake')).toBeUndefined();
    const a = fakeIo();
    const b = fakeIo();
    expect(await runCli(['compare', 'client-cv-rejected'], a)).toBe(0);
    expect(await runCli(['compare', 'tls12-client-cv-rejected'], b)).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).toBe(renderComparison(runScenario('client-cv-rejected'), runScenario('tls12-client-cv-rejected')));
  });

  it('--format json gives the moments; --lens applies to both runs; --seed to both', async () => {
    const io = fakeIo();
    expect(await runCli(['compare', 'client-cert-rejected', '--lens', 'go', '--format', 'json', '--seed', '3'], io)).toBe(0);
    const json = JSON.parse(io.out) as ReturnType<typeof compareJson>;
    expect(json.runs.map((r) => [r.scenario, r.version])).toEqual([
      ['client-cert-rejected', 'TLS 1.3'],
      ['tls12-client-cert-rejected', 'TLS 1.2'],
    ]);
    expect(json.runs[0]!.connectReturned?.text).toBe('Conn.Handshake → nil');
    expect(json.runs[1]!.connectReturned?.text).toBe('Conn.Handshake → remote error: tls: bad certificate');
    expect(json.runs[0]!.firstErrorCall?.text).toMatch(/^Conn\.Read → 0, remote error: tls: bad certificate/);
    const seeded = compareJson(runScenario('client-cert-rejected', 3, { lens: 'go' }), runScenario('tls12-client-cert-rejected', 3, { lens: 'go' }));
    expect(json).toEqual(JSON.parse(JSON.stringify(seeded)));
  });

  it.each([
    [['compare', 'full-handshake'], /^tls13sim: compare: 'full-handshake' has no TLS 1\.2 \/ TLS 1\.3 twin \(one of client-auth, tls12-client-auth/],
    [['compare'], /compare needs exactly one scenario name/],
    [['compare', 'client-auth', '--lens', 'nope'], /--lens must be one of/],
    [['compare', 'client-auth', '--format', 'svg'], /compare: unknown format 'svg' \(one of text, json\)/],
  ])('bad input %j is one line and exit 2', async (argv, message) => {
    const io = fakeIo();
    const code = await runCli(argv, io);
    expectOneLineError(code, io.err, message);
    expect([code, io.out]).toEqual([2, '']);
  });

  it('has its --help, and `tls13sim help` lists it', async () => {
    const io = fakeIo();
    expect(await runCli(['compare', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/^usage: tls13sim compare <scenario> \[--seed N\] \[--lens /);
    expect(io.out).toContain('client-cv-rejected     ↔ tls12-client-cv-rejected');
    const all = fakeIo();
    expect(await runCli(['help'], all)).toBe(0);
    expect(all.out).toContain('tls13sim compare <scenario>');
  });
});

describe('README "TLS 1.2: the contrast"', () => {
  it('shows the real output of `tls13sim compare client-cv-rejected`', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- compare:begin[^\n]*-->\n```text\n([\s\S]*?)```\n<!-- compare:end -->/.exec(readme);
    expect(block, 'the compare block').not.toBeNull();
    const io = fakeIo();
    expect(await runCli(['compare', 'client-cv-rejected'], io)).toBe(0);
    expect(block![1]).toBe(io.out);
  });
});
