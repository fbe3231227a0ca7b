/**
 * One explored run: a configuration, a delivery script (with at most one fault) and the
 * application's actions, each pinned to a delivery count. `runCase` builds the endpoints,
 * drives the Simulation to quiescence and reports what happened, never throwing for what an
 * endpoint does (that is what the properties judge).
 */
import type { Endpoint } from '@tls13sim/handshake';
import { concatBytes } from '@tls13sim/record';
import { ReplayScheduler, type Schedule } from '../scheduler.js';
import { Simulation } from '../simulation.js';
import type { Side } from '../trace.js';
import { buildPair, earlyDataBytes, type ConfigSpec } from './config.js';
import { DEFAULT_SCRIPT, ScriptedScheduler, type ScheduleScript } from './schedule.js';

/** What the application does, once `at` deliveries have happened (and it is possible). */
export type AppAction =
  | { readonly at: number; readonly op: 'write'; readonly side: Side; readonly size: number }
  | { readonly at: number; readonly op: 'keyUpdate'; readonly side: Side; readonly request: boolean }
  | { readonly at: number; readonly op: 'requestClientAuth' };

export interface Case {
  readonly config: ConfigSpec;
  readonly script: ScheduleScript;
  readonly actions: readonly AppAction[];
}

/** Bytes of the application stream `side` writes, at stream positions `from`..`from+n`: never periodic in one write. */
export function streamBytes(side: Side, from: number, n: number): Uint8Array {
  const base = side === 'client' ? 0x11 : 0x77;
  return Uint8Array.from({ length: n }, (_, i) => (base + (from + i) * 13 + ((from + i) >> 8)) & 0xff);
}

export interface Outcome {
  readonly sim: Simulation;
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** What each side's application wrote (including the client's 0-RTT data first). */
  readonly written: Readonly<Record<Side, Uint8Array>>;
  readonly early: Uint8Array;
  /** What each side's application could read at the end. */
  readonly received: Readonly<Record<Side, Uint8Array>>;
  /** Exceptions that escaped an endpoint or the simulation (each one is a bug). */
  readonly thrown: readonly string[];
  readonly livelock: boolean;
  /** Actions never possible (e.g. KeyUpdate on an endpoint that failed). */
  readonly skipped: readonly AppAction[];
  readonly actionsDone: readonly AppAction[];
}

const MAX_STEPS = 5_000;

function possible(a: AppAction, sim: Simulation, c: Case, authInProgress: boolean): boolean {
  const side: Side = a.op === 'requestClientAuth' ? 'server' : a.side;
  const ep = sim.endpoint(side) as Endpoint;
  if (ep.error !== undefined || ep.state === 'CLOSED' || ep.closedForWriting) return false;
  switch (a.op) {
    case 'write':
      return true;
    case 'keyUpdate':
      return ep.state === 'CONNECTED';
    case 'requestClientAuth':
      return ep.state === 'CONNECTED' && c.config.postHandshakeAuth && !authInProgress;
  }
}

function authInProgress(sim: Simulation): boolean {
  let open = 0;
  for (const e of sim.events) {
    if (e.side !== 'server' || e.type !== 'note' || e.fact === undefined) continue;
    if (e.fact === 'post_handshake_auth_requested') open++;
    if (e.fact === 'post_handshake_auth_authenticated' || e.fact === 'post_handshake_auth_unauthenticated') open--;
  }
  return open > 0;
}

/** Runs a case: by its script, or replaying a recorded schedule exactly. */
export function runCase(c: Case, opts: { replay?: Schedule; scenario?: string } = {}): Outcome {
  const { client, server } = buildPair(c.config);
  const scheduler = opts.replay !== undefined ? new ReplayScheduler(opts.replay) : new ScriptedScheduler(c.script);
  const sim = new Simulation({
    client,
    server,
    scenario: opts.scenario ?? 'explore',
    seed: 0,
    policy: { delay: c.script.delays },
    scheduler,
  });
  const early = c.config.psk === 'ticket' && c.config.earlyData > 0 ? earlyDataBytes(c.config.earlyData) : new Uint8Array(0);
  const written: Record<Side, Uint8Array[]> = { client: [], server: [] };
  const lengths: Record<Side, number> = { client: 0, server: 0 };
  const thrown: string[] = [];
  const done: AppAction[] = [];
  let pending = [...c.actions].sort((a, b) => a.at - b.at);
  let livelock = false;

  const guarded = (what: string, f: () => void): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      thrown.push(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return false;
    }
  };

  /** Runs every due, possible action; true if any ran. */
  const act = (deliveries: number): boolean => {
    let ran = false;
    const still: AppAction[] = [];
    for (const a of pending) {
      if (a.at > deliveries || !possible(a, sim, c, authInProgress(sim))) {
        still.push(a);
        continue;
      }
      ran = true;
      done.push(a);
      switch (a.op) {
        case 'write': {
          const data = streamBytes(a.side, lengths[a.side], a.size);
          if (guarded(`${a.side}.write`, () => sim.write(a.side, data))) {
            written[a.side].push(data);
            lengths[a.side] += data.length;
          }
          break;
        }
        case 'keyUpdate':
          guarded(`${a.side}.keyUpdate`, () => sim.keyUpdate(a.side, a.request));
          break;
        case 'requestClientAuth':
          guarded('server.requestClientAuth', () => sim.requestClientAuth());
          break;
      }
    }
    pending = still;
    return ran;
  };

  guarded('start', () => sim.start());
  let deliveries = 0;
  for (;;) {
    act(deliveries);
    let stepped = false;
    if (!guarded('step', () => (stepped = sim.step() !== null))) break;
    if (stepped) {
      deliveries++;
      if (deliveries >= MAX_STEPS) {
        livelock = true;
        break;
      }
      continue;
    }
    // Quiescent: actions pinned past the last delivery run now; stop when none can.
    if (!act(Number.POSITIVE_INFINITY)) break;
  }

  for (const n of sim.events) {
    if (n.type === 'note' && n.fact === 'handle_error') thrown.push(`${n.side}: ${n.text}`);
  }
  const received: Record<Side, Uint8Array> = { client: drain(client, thrown), server: drain(server, thrown) };
  return {
    sim,
    client,
    server,
    written: { client: concatBytes(...written.client), server: concatBytes(...written.server) },
    early,
    received,
    thrown,
    livelock,
    skipped: pending,
    actionsDone: done,
  };
}

/** Everything the application can still read; a failed endpoint throws its error once drained. */
function drain(ep: Endpoint, thrown: string[]): Uint8Array {
  const parts: Uint8Array[] = [];
  try {
    for (let d = ep.readApplicationData(); d !== null && d.length > 0; d = ep.readApplicationData()) parts.push(d);
  } catch (e) {
    if (ep.error === undefined || e !== ep.error) thrown.push(`${ep.role}.read: ${String(e)}`);
  }
  return concatBytes(...parts);
}

/** The same case with the default schedule and no actions: the reference run. */
export function baselineOf(c: Case): Case {
  return { config: c.config, script: DEFAULT_SCRIPT, actions: [] };
}
