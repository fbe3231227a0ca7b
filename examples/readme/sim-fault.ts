// Faults: the network flips a byte of the server's first encrypted record.
import { clientServerPair, openSslLens, renderTimeline } from '@tls13sim/sim';

const sim = clientServerPair({ policy: { unit: { kind: 'record' }, faults: [{ kind: 'corrupt', at: { direction: 'server_to_client', index: 1 } }] } });
const ssl = openSslLens(sim, 'client', { blocking: true });
export const connect = ssl.connect(); // the record does not decrypt: bad_record_mac (RFC 8446 §5.2)
export const sent = sim.toTrace().events.flatMap((e) => (e.type === 'alert_sent' ? [`${e.side}: ${e.description}`] : []));
export const timeline = renderTimeline(sim.toTrace());
