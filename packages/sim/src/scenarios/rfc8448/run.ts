/**
 * How the rfc8448-* scenarios run a configured connection (endpoints.ts): a Simulation that
 * delivers flight by flight, driven through the OpenSSL lens in the order of the RFC's traces.
 */
import { createEndpoint } from '@tls13sim/handshake';
import { readEarly, writeEarly } from '../../lens/early-data.js';
import { scenarioLens, scenarioPolicy } from '../registry.js';
import { Simulation } from '../../simulation.js';
import type { Rfc8448Configs } from './endpoints.js';

export function rfc8448Simulation(name: string, seed: number, { client, server }: Rfc8448Configs): Simulation {
  return new Simulation({
    client: createEndpoint(client),
    server: createEndpoint(server),
    scenario: name,
    seed,
    policy: scenarioPolicy({ unit: { kind: 'flight' } }),
  });
}

/**
 * [The client writes `early` as 0-RTT data and the server reads it,] handshake, optionally
 * `data` both ways, then close_notify from the client, then the server (as in the RFC).
 */
export function drive(sim: Simulation, data: Uint8Array | null, early?: Uint8Array): void {
  const c = scenarioLens(sim, 'client', { blocking: true });
  const s = scenarioLens(sim, 'server', { blocking: true });
  if (early !== undefined) {
    writeEarly(c, early);
    readEarly(s, early.length);
  }
  c.connect();
  s.accept();
  if (data !== null) {
    c.write(data);
    s.read(data.length);
    s.write(data);
    c.read(data.length);
  }
  c.blocking = false;
  c.shutdown();
  // The server's application waits until the client's close_notify has come (a library that
  // reports events, as Node's does, reports what came meanwhile), then shuts down.
  s.wait();
  s.shutdown();
  sim.run();
  c.shutdown();
}
