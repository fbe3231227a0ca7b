/**
 * `tls13sim step <scenario> [--seed N]`: walks through a scenario one
 * delivery unit at a time. Enter or `n` delivers the next unit, `q` quits. After each unit
 * it prints what happened (as timeline rows), both endpoints' states, and what is still in
 * flight in each direction.
 *
 * It replays the scenario's recorded trace: a scenario interleaves deliveries with
 * application calls and notes, and the trace holds all of them in order, so each unit is
 * one `delivered` event and everything the run did until the next one. States and bytes
 * in flight are derived from the trace alone (`record_sent` bytes minus bytes taken).
 */
import { createInterface } from 'node:readline';
import { renderTimeline } from '../render/timeline.js';
import type { Trace, TraceEvent } from '../trace.js';
import { UsageError, registerCommand, type CliIo } from './command.js';
import { flagOption, parseOptions, scenarioArg, seedOption } from './options.js';
import { LIVE_HELP, choosableScenarios, liveStep } from './step-live.js';
import { POLICY_FLAGS, POLICY_HELP, POLICY_USAGE, policyOptions, runWithDelivery } from './policy-options.js';
import { StepView } from './step-view.js';

export { StepView } from './step-view.js';

/** One step: the delivery that starts it (none for the first) and the events up to the next. */
export interface StepUnit {
  readonly delivery?: Extract<TraceEvent, { type: 'delivered' }>;
  readonly events: readonly TraceEvent[];
}

export function stepUnits(trace: Trace): StepUnit[] {
  const units: StepUnit[] = [];
  let current: { delivery?: Extract<TraceEvent, { type: 'delivered' }>; events: TraceEvent[] } = { events: [] };
  for (const e of trace.events) {
    if (e.type === 'delivered') {
      units.push(current);
      current = { delivery: e, events: [e] };
    } else {
      current.events.push(e);
    }
  }
  units.push(current);
  return units;
}

/** The timeline rows of some events (the timeline's header lines dropped). */
function rows(trace: Trace, events: readonly TraceEvent[]): string {
  const lines = renderTimeline({ ...trace, events }).split('\n');
  return lines.slice(5).join('\n');
}

function header(trace: Trace): string {
  return renderTimeline({ ...trace, events: [] }).trimEnd();
}

function describeDelivery(d: Extract<TraceEvent, { type: 'delivered' }>): string {
  const dir = d.direction === 'client_to_server' ? 'client → server' : 'server → client';
  const fault = d.fault === undefined ? '' : ` (${d.fault.kind})`;
  return `${d.time} ms · ${dir} · ${d.bytes} B delivered${fault}`;
}

const HELP = 'Enter or n: deliver the next unit · q: quit';

/**
 * Runs the interactive loop over `input` (one string per line). Returns the exit code:
 * 0 at the end of the scenario, on `q`, or when the input ends.
 */
export async function stepCommand(args: readonly string[], io: CliIo, input: AsyncIterable<string>): Promise<number> {
  const { positional, options } = parseOptions(args, ['seed', ...POLICY_FLAGS], ['choose']);
  if (positional.length !== 1) throw new UsageError('step needs exactly one scenario name');
  const name = scenarioArg(positional[0]!);
  const seed = seedOption(options);
  if (flagOption(options, 'choose')) {
    if (POLICY_FLAGS.some((f) => options.has(f)))
      throw new UsageError('step --choose takes no --unit, --interleave, --delay or --fault: you choose each delivery');
    return liveStep(name, seed, io, input);
  }
  const delivery = policyOptions(options);
  const trace = runWithDelivery(name, seed, {}, delivery);
  const units = stepUnits(trace);
  const view = new StepView();
  const total = units.length - 1;

  const show = (i: number): void => {
    const unit = units[i]!;
    for (const e of unit.events) view.observe(e);
    const title = unit.delivery === undefined ? `start · ${total} deliveries to come` : `step ${i}/${total} · ${describeDelivery(unit.delivery)}`;
    io.stdout(`\n── ${title} ──\n`);
    const body = rows(trace, unit.events);
    if (body.trim() !== '') io.stdout(`${body.trimEnd()}\n`);
    io.stdout(`   ${view.describeSide('client')}\n   ${view.describeSide('server')}\n`);
    io.stdout(`   in flight: ${view.describeInFlight('client_to_server')}\n`);
    io.stdout(`              ${view.describeInFlight('server_to_client')}\n`);
  };

  io.stdout(`${header(trace)}\n`);
  show(0);
  let next = 1;
  if (next > total) {
    io.stdout('\nend of scenario: nothing was delivered.\n');
    return 0;
  }
  io.stdout(`[${HELP}] `);
  for await (const raw of input) {
    const cmd = raw.trim().toLowerCase();
    if (cmd === 'q' || cmd === 'quit') {
      io.stdout('\nquit.\n');
      return 0;
    }
    if (cmd !== '' && cmd !== 'n' && cmd !== 'next') {
      io.stdout(`\nunknown command '${raw.trim()}'. ${HELP}\n[${HELP}] `);
      continue;
    }
    show(next++);
    if (next > total) {
      io.stdout(`\nend of scenario: nothing left in flight, nothing scheduled (${total} deliveries).\n`);
      return 0;
    }
    io.stdout(`[${HELP}] `);
  }
  io.stdout('\n');
  return 0;
}

async function* stdinLines(): AsyncIterable<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}

registerCommand(
  'step',
  (args, io) => stepCommand(args, io, stdinLines()),
  `tls13sim step <scenario> [--seed N] [--choose] ${POLICY_USAGE}   interactive: Enter or n delivers the next unit, q quits`,
  () => `${POLICY_HELP}  --choose       step live: you choose every delivery (${choosableScenarios().join(', ')})\n                 ${LIVE_HELP}\n`,
);
