import { Simulation, type DeliveryPolicy, type NetDirection, type Trace, type TraceEvent } from '../src/index.js';
import { fakePair, type FakeConfig } from './fake-endpoint.js';

export function fakeSim(config: FakeConfig = {}, policy: DeliveryPolicy = {}, seed = 1): Simulation {
  return new Simulation({ ...fakePair(config), scenario: 'fake', seed, policy });
}

export const CLIENT_AUTH: FakeConfig = { clientAuth: true };

export function sentHex(trace: Trace | readonly TraceEvent[], side: 'client' | 'server'): string {
  const events = 'events' in trace ? trace.events : trace;
  return events
    .filter((e) => e.type === 'record_sent' && e.side === side)
    .map((e) => (e.type === 'record_sent' ? e.hex : ''))
    .join('');
}

export function receivedHex(trace: Trace | readonly TraceEvent[], side: 'client' | 'server'): string[] {
  const events = 'events' in trace ? trace.events : trace;
  return events.flatMap((e) => (e.type === 'record_received' && e.side === side ? [e.hex] : []));
}

export function deliveredHex(trace: Trace | readonly TraceEvent[], direction: NetDirection): string {
  const events = 'events' in trace ? trace.events : trace;
  return events
    .filter((e) => e.type === 'delivered' && e.direction === direction)
    .map((e) => (e.type === 'delivered' ? e.hex : ''))
    .join('');
}

export function ofType<T extends TraceEvent['type']>(trace: Trace | readonly TraceEvent[], type: T): Array<Extract<TraceEvent, { type: T }>> {
  const events = 'events' in trace ? trace.events : trace;
  return events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}
