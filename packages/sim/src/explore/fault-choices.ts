/**
 * Faults as the explorer's choices: the `--fault` words (explore/fault-text.ts) with the
 * position optional, and at each delivery the fault variants of every split choice that
 * they fit, while the schedule's fault budget lasts.
 */
import { toHex } from '@tls13sim/record';
import type { Choice, FaultSpec } from '../scheduler.js';
import type { AppliedFault, NetDirection } from '../trace.js';
import type { Branch } from './branch.js';
import { parseFaultText } from './fault-text.js';

/** An explored fault: a spec, and whether its delivery index is any (`*` or left out). */
export interface Candidate {
  readonly spec: FaultSpec;
  readonly anyIndex: boolean;
}

/** `drop` → `drop:any:*`, `corrupt:s2c` → `corrupt:s2c:*`; `*` as the index: any delivery. */
export function parseExploreFault(f: string | FaultSpec): Candidate {
  if (typeof f !== 'string') return { spec: f, anyIndex: false };
  const parts = f.split(':');
  if (parts.length === 1) parts.push('any');
  if (parts.length === 2) parts.push('*');
  const anyIndex = parts[2] === '*';
  if (anyIndex) parts[2] = '0';
  return { spec: parseFaultText(parts.join(':')), anyIndex };
}

function appliedFor(spec: FaultSpec, take: number): AppliedFault | undefined {
  switch (spec.kind) {
    case 'drop':
    case 'duplicate':
      return { kind: spec.kind };
    case 'truncate':
      return { kind: 'truncate', keep: Math.min(spec.keep ?? Math.floor(take / 2), take) };
    case 'corrupt':
      return { kind: 'corrupt', offset: Math.min(spec.offset ?? take - 1, take - 1), xor: (spec.xor ?? 1) & 0xff || 1 };
    case 'inject':
      return undefined;
  }
}

function fits(c: Candidate, d: NetDirection, b: Branch): boolean {
  const { direction, index } = c.spec.at;
  if (direction !== undefined && direction !== d) return false;
  if (c.anyIndex) return true;
  const schedule = b.sim.schedule;
  return (direction === undefined ? schedule.length : schedule.filter((x) => x.direction === d).length) === index;
}

/** The explorer's choices from `b`: the split choices, then each with every fault that fits, then injections. */
export function faultChoices(base: readonly Choice[], b: Branch, candidates: readonly Candidate[], max: number): Choice[] {
  if (b.faultLog.length >= max || base.length === 0) return [...base];
  const out = [...base];
  const seen = new Set<string>();
  for (const c of base) {
    for (const cand of candidates) {
      const fault = appliedFor(cand.spec, c.take);
      if (fault === undefined || !fits(cand, c.direction, b)) continue;
      const id = `${c.direction}:${c.take}:${JSON.stringify(fault)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ ...c, fault });
    }
  }
  for (const cand of candidates) {
    const s = cand.spec;
    if (s.kind !== 'inject' || !fits(cand, s.at.direction, b)) continue;
    out.push({ at: b.sim.now, direction: s.at.direction, take: 0, fault: { kind: 'inject', hex: toHex(s.bytes) } });
  }
  return out;
}
