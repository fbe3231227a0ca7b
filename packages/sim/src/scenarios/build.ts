/**
 * Builds a scenario's Simulation over the real endpoints: both sides' randomness and the
 * certificates come from the scenario seed, so a seed replays the run byte for byte.
 */
import { createEndpoint, nobleProvider, seededRandom, type EndpointConfig } from '@tls13sim/handshake';
import { Simulation } from '../simulation.js';
import type { DeliveryPolicy } from '../scheduler.js';
import type { TraceEvent } from '../trace.js';
import { SERVER_NAME, VALIDATION_TIME, scenarioPki } from './pki.js';

type Extra = Partial<Omit<EndpointConfig, 'role'>>;

export interface ScenarioSimOptions {
  readonly client?: Extra;
  readonly server?: Extra;
  readonly policy?: DeliveryPolicy;
}

export function scenarioSim(name: string, seed: number, opts: ScenarioSimOptions = {}): Simulation {
  const pki = scenarioPki(seed);
  const client = createEndpoint({
    role: 'client',
    crypto: nobleProvider,
    random: seededRandom(`${name}:client:${seed}`),
    serverName: SERVER_NAME,
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...opts.client,
  });
  const server = createEndpoint({
    role: 'server',
    crypto: nobleProvider,
    random: seededRandom(`${name}:server:${seed}`),
    certificate: pki.server,
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...opts.server,
  });
  return new Simulation({ client, server, scenario: name, seed, policy: opts.policy ?? {} });
}

/** The first event matching `pred`, or an error naming what the scenario expected. */
export function expectEvent(sim: Simulation, what: string, pred: (e: TraceEvent) => boolean): TraceEvent {
  const e = sim.events.find(pred);
  if (e === undefined) throw new Error(`scenario ${sim.scenario}: expected ${what}, not in the trace`);
  return e;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
