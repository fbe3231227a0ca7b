/**
 * Builds a scenario's Simulation over the real endpoints: both sides' randomness and the
 * certificates come from the scenario seed, so a seed replays the run byte for byte.
 */
import {
  createEndpoint,
  createTlsEndpoint,
  nobleProvider,
  seededRandom,
  type CryptoProvider,
  type EndpointApi,
  type EndpointConfig,
  type ResumptionSession,
} from '@tls13sim/handshake';
import { keepingSessions } from '../keeping-sessions.js';
import { Simulation } from '../simulation.js';
import type { DeliveryPolicy } from '../scheduler.js';
import { SERVER_NAME, VALIDATION_TIME, scenarioPki } from './pki.js';
import { scenarioPolicy } from './registry.js';

type Extra = Partial<Omit<EndpointConfig, 'role'>>;

export interface ScenarioSimOptions {
  readonly client?: Extra;
  readonly server?: Extra;
  readonly policy?: DeliveryPolicy;
  /** Distinguishes several connections of one scenario (their randomness differs). */
  readonly connection?: number;
  /** Receives every session the client keeps from a NewSessionTicket (§4.6.1). */
  readonly sessions?: ResumptionSession[];
  /** Virtual time at which the connection starts (ms). */
  readonly startAt?: number;
  /** Both endpoints' crypto provider (default noble; the explorer passes a memoising one). */
  readonly crypto?: CryptoProvider;
}

/**
 * The endpoint for a configuration: the TLS 1.3 `Endpoint` (createEndpoint) unless its
 * `versions` name TLS 1.2, then createTlsEndpoint's (TLS 1.2 alone, or both negotiated:
 * RFC 8446 §4.2.1, Appendix D).
 */
function endpointFor(config: EndpointConfig): EndpointApi {
  return config.versions?.includes('TLSv1.2') === true ? createTlsEndpoint(config) : createEndpoint(config);
}

export function scenarioSim(name: string, seed: number, opts: ScenarioSimOptions = {}): Simulation {
  const pki = scenarioPki(seed);
  const conn = opts.connection === undefined ? '' : `:${opts.connection}`;
  const endpoint = endpointFor({
    role: 'client',
    crypto: opts.crypto ?? nobleProvider,
    random: seededRandom(`${name}:client:${seed}${conn}`),
    serverName: SERVER_NAME,
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...opts.client,
  });
  const client = opts.sessions === undefined ? endpoint : keepingSessions(endpoint, opts.sessions);
  const server = endpointFor({
    role: 'server',
    crypto: opts.crypto ?? nobleProvider,
    random: seededRandom(`${name}:server:${seed}${conn}`),
    certificate: pki.server,
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...opts.server,
  });
  const sim = new Simulation({ client, server, scenario: name, seed, policy: scenarioPolicy(opts.policy ?? {}) });
  if (opts.startAt !== undefined) sim.advanceClock(opts.startAt);
  return sim;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
