/**
 * Every scenario, through every lens: each side's calls (`tls13sim run <scenario> --lens
 * <lib>`) must equal what the library really returned in the scenario's twin case, as its
 * snapshot in observed/<lib>.json records it (each library's own test holds the snapshot
 * against the library on every run). A side no real run stands behind must say why, and
 * its trace must say so too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listScenarios, runScenario } from '../../packages/sim/src/index.js';
import { DIFF_CASES } from '../../packages/sim/src/lens/cases.js';
import { LENS_NAMES, type LensName } from '../../packages/sim/src/lens/lens.js';
import { SCENARIO_CHECKS, uncheckedWhy } from '../../packages/sim/src/lens/scenario-checks.js';
import type { Trace } from '../../packages/sim/src/trace.js';
import type { Outcome } from './harness.js';

const SIDES = ['client', 'server'] as const;

function observed(lens: LensName): Record<string, Outcome[]> {
  return JSON.parse(readFileSync(new URL(`./observed/${lens}.json`, import.meta.url), 'utf8')) as Record<string, Outcome[]>;
}

/** A side's calls in a scenario's trace, as a harness prints them. */
function callsOf(trace: Trace, side: 'client' | 'server'): Outcome[] {
  const out: Outcome[] = [];
  for (const e of trace.events) {
    if (e.type === 'app_call' && e.side === side) out.push({ call: e.call, api: e.api ?? '', outcome: e.outcome ?? '' });
  }
  return out;
}

/**
 * The scenario's calls are the real run's, up to the scenario's last; after it the real run
 * may only report events (Node's 'end' and 'close' as the harness's connection ends, where
 * the scenario's clock stops with the connection still open).
 */
function sameCalls(scenario: Outcome[], real: Outcome[]): boolean {
  if (real.length < scenario.length) return false;
  return JSON.stringify(real.slice(0, scenario.length)) === JSON.stringify(scenario) && real.slice(scenario.length).every((o) => o.call === 'event');
}

/** Each scenario × lens × side that has calls: what its twin says, or why none stands behind it. */
function scenarioDisagreements(lens: LensName, snapshot: Record<string, Outcome[]>, checks: typeof SCENARIO_CHECKS = SCENARIO_CHECKS): string[] {
  const bad: string[] = [];
  for (const { name } of listScenarios()) {
    const trace = runScenario(name, undefined, { lens });
    for (const side of SIDES) {
      const calls = callsOf(trace, side);
      if (calls.length === 0 || uncheckedWhy(name, side, lens, DIFF_CASES, checks) !== null) continue;
      const twin = checks[name]![side]!;
      const real = snapshot[twin];
      if (real === undefined) bad.push(`${name} (${side}): no real run of ${twin} in observed/${lens}.json`);
      else if (!sameCalls(calls, real))
        bad.push(`${name} (${side}): the scenario says ${JSON.stringify(calls)}, ${lens} said ${JSON.stringify(real)} in ${twin}`);
    }
  }
  return bad;
}

describe('every scenario through every lens, held against a real run', () => {
  it('every scenario has an entry', () => {
    expect(
      listScenarios()
        .map((s) => s.name)
        .filter((n) => SCENARIO_CHECKS[n] === undefined),
    ).toEqual([]);
  });

  it('every twin named is a differential case', () => {
    const names = new Set(DIFF_CASES.map((c) => c.name));
    const named = Object.values(SCENARIO_CHECKS).flatMap((c) => [c.client, c.server].filter((n): n is string => n !== undefined));
    expect(named.filter((n) => !names.has(n))).toEqual([]);
    for (const n of Object.values(SCENARIO_CHECKS)
      .map((c) => c.server)
      .filter((n) => n !== undefined))
      expect(DIFF_CASES.find((c) => c.name === n)?.side).toBe('server');
  });

  it.each(LENS_NAMES)("%s: each side's calls equal the library's own in the scenario's twin", (lens) => {
    expect(scenarioDisagreements(lens, observed(lens))).toEqual([]);
  });

  it.each(LENS_NAMES)('%s: a trace whose calls no real run stands behind says so, and why', (lens) => {
    for (const { name } of listScenarios()) {
      const trace = runScenario(name, undefined, { lens });
      const notes = trace.events.filter((e) => e.type === 'note').map((e) => (e.type === 'note' ? e.text : ''));
      for (const side of SIDES) {
        const why = callsOf(trace, side).length === 0 ? null : uncheckedWhy(name, side, lens, DIFF_CASES);
        const said = notes.some((t) => t.startsWith('Not run against the real library') && t.includes(`${side}'s calls`));
        expect({ name, side, said }).toEqual({ name, side, said: why !== null });
        if (why !== null) expect(notes.some((t) => t.includes(why))).toBe(true);
      }
    }
  });

  it('under a changed delivery no real run stands behind the calls, and the trace says so', () => {
    const trace = runScenario('client-cv-rejected', undefined, { policy: { unit: { kind: 'record' } } });
    const notes = trace.events.flatMap((e) => (e.type === 'note' ? [e.text] : []));
    expect(notes.filter((t) => t.startsWith("Not run against the real library: the client's calls")).join()).toContain('the delivery was changed');
    expect(runScenario('client-cv-rejected').events.some((e) => e.type === 'note' && e.text.startsWith('Not run against'))).toBe(false);
  });

  it('the comparison can fail: a scenario held against the wrong twin disagrees', () => {
    const wrong = { ...SCENARIO_CHECKS, 'client-cv-rejected': { client: 'scenario-client-cert-rejected' } };
    for (const lens of LENS_NAMES)
      expect(scenarioDisagreements(lens, observed(lens), wrong).some((d) => d.startsWith('client-cv-rejected (client): the scenario says'))).toBe(true);
  });
});
