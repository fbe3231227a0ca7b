/**
 * `tls13sim step <scenario> --choose`: steps a scenario live, the user
 * deciding every delivery — which direction goes next, how many bytes (a split anywhere), a
 * dropped flight — and going back a step (each step forks the simulation first). The
 * applications make their calls as soon as they can answer, as in the exhaustive explorer
 * (explore/branch.ts); so only scenarios with an explorer setup can be stepped this way.
 */
import { nobleProvider } from '@tls13sim/handshake';
import { Branch, defaultChoice, setupOf } from '../explore/branch.js';
import { renderTimeline } from '../render/timeline.js';
import { getScenario, listScenarios } from '../scenarios/registry.js';
import type { Choice } from '../scheduler.js';
import type { NetDirection, Trace, TraceEvent } from '../trace.js';
import { UsageError, type CliIo } from './command.js';
import { StepView } from './step-view.js';

export const LIVE_HELP =
  'Enter/n: next flight (first sent, first delivered) · c, s: next flight client→server, server→client · c N, s N: its first N bytes · drop c, drop s: lose that flight · b: back one step · q: quit';

const DIR: Record<'c' | 's', NetDirection> = { c: 'client_to_server', s: 'server_to_client' };

/** The scenarios `--choose` can step (those with an explorer setup). */
export function choosableScenarios(): string[] {
  return listScenarios()
    .filter((d) => d.setup !== undefined)
    .map((d) => d.name);
}

/** The front flight of `d` (or its first `bytes`), at the time its last byte is ready. */
function frontOf(b: Branch, d: NetDirection, bytes?: number): Choice | string {
  const segs = b.sim.queued(d);
  if (segs.length === 0) return `nothing in flight ${d === 'client_to_server' ? 'client → server' : 'server → client'}`;
  const ready = segs.reduce((n, s) => n + s.bytes.length, 0);
  if (bytes !== undefined && (bytes < 1 || bytes > ready)) return `${bytes} B: only 1 to ${ready} B are in flight that way`;
  let take = 0;
  let at = b.sim.now;
  for (const s of segs) {
    if (bytes === undefined ? s.flight !== segs[0]!.flight : take >= bytes) break;
    take += s.bytes.length;
    at = Math.max(at, s.readyAt);
  }
  return { at, direction: d, take: bytes ?? take };
}

/** The choice a command asks for, a message when it cannot be made, or null for an unknown command. */
export function parseLiveCommand(b: Branch, cmd: string): Choice | string | null {
  const words = cmd.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0 || (words.length === 1 && (words[0] === 'n' || words[0] === 'next'))) {
    return b.quiescent ? 'nothing in flight' : defaultChoice(b.sim);
  }
  const [w0, w1, ...rest] = words;
  if ((w0 === 'c' || w0 === 's') && rest.length === 0) {
    if (w1 === undefined) return frontOf(b, DIR[w0]);
    if (!/^\d+$/.test(w1)) return `'${w1}' is not a byte count`;
    return frontOf(b, DIR[w0], Number(w1));
  }
  if (w0 === 'drop' && (w1 === 'c' || w1 === 's') && rest.length === 0) {
    const c = frontOf(b, DIR[w1]);
    return typeof c === 'string' ? c : { ...c, fault: { kind: 'drop' } };
  }
  return null;
}

export async function liveStep(name: string, seed: number | undefined, io: CliIo, input: AsyncIterable<string>): Promise<number> {
  const def = getScenario(name);
  if (def?.setup === undefined) throw new UsageError(`step --choose: scenario '${name}' cannot be stepped live (one of ${choosableScenarios().join(', ')})`);
  const s = seed ?? def.defaultSeed ?? 1;
  const traceOf = (events: readonly TraceEvent[]): Trace => ({ version: 1, scenario: name, seed: s, events });
  const rows = (events: readonly TraceEvent[]): string => renderTimeline(traceOf(events)).split('\n').slice(5).join('\n');
  const history: Branch[] = [];
  let b = Branch.start(setupOf(name, s, nobleProvider));

  const show = (from: number, title: string): void => {
    const view = new StepView();
    for (const e of b.sim.events) view.observe(e);
    io.stdout(`\n── ${title} ──\n`);
    const body = rows(b.sim.events.slice(from));
    if (body.trim() !== '') io.stdout(`${body.trimEnd()}\n`);
    io.stdout(`   ${view.describeSide('client')}\n   ${view.describeSide('server')}\n`);
    io.stdout(`   in flight: ${view.describeInFlight('client_to_server')}\n`);
    io.stdout(`              ${view.describeInFlight('server_to_client')}\n`);
  };
  const prompt = (): void => io.stdout(b.quiescent ? `\nnothing in flight: b goes back, q quits.\n[b · q] ` : `[${LIVE_HELP}] `);

  io.stdout(`${renderTimeline(traceOf([])).trimEnd()}\n`);
  show(0, `start · step ${name} live: you choose every delivery`);
  prompt();
  for await (const raw of input) {
    const cmd = raw.trim().toLowerCase();
    if (cmd === 'q' || cmd === 'quit') {
      io.stdout('\nquit.\n');
      return 0;
    }
    if (cmd === 'b' || cmd === 'back') {
      const prev = history.pop();
      if (prev === undefined) io.stdout('\nalready at the start.\n');
      else {
        b = prev;
        show(b.sim.events.length, `back to step ${history.length} · ${b.sim.now} ms`);
      }
      prompt();
      continue;
    }
    const choice = parseLiveCommand(b, cmd);
    if (choice === null || typeof choice === 'string') {
      io.stdout(`\n${choice === null ? `unknown command '${raw.trim()}'` : `cannot: ${choice}`}.\n`);
      prompt();
      continue;
    }
    history.push(b.fork());
    const from = b.sim.events.length;
    b.deliver(choice);
    const dir = choice.direction === 'client_to_server' ? 'client → server' : 'server → client';
    show(from, `step ${history.length} · ${choice.at} ms · ${dir} · ${choice.take} B${choice.fault !== undefined ? ` (${choice.fault.kind})` : ''}`);
    prompt();
  }
  io.stdout('\n');
  return 0;
}
