/**
 * The sessions a client endpoint's NewSessionTickets carry, kept for a later connection
 * (a resumed scenario's, or a resumed differential case's).
 */
import type { EndpointApi, ResumptionSession } from '@tls13sim/handshake';

/**
 * The client endpoint, with the sessions of the NewSessionTickets it receives copied into
 * `sink` as its events are drained (the trace records the ticket records, not the
 * sessions, which hold secrets).
 */
export function keepingSessions(ep: EndpointApi, sink: ResumptionSession[]): EndpointApi {
  return new Proxy(ep, {
    get(target, prop) {
      if (prop === 'pollEvent') {
        return () => {
          const ev = target.pollEvent();
          if (ev?.type === 'new_session_ticket' && ev.session !== undefined) sink.push(ev.session);
          return ev;
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
