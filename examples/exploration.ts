// An exploration of our own, in a module of its own (so `tls13sim replay` can load it):
// every way the network can order the catalogue's client-cv-rejected connection, a flight
// at a time, and every place it can duplicate one flight. The property: "my read never
// reports bad_record_mac" (RFC 8446 §5.2), which our client would take for tampering.
import { defineExploration, type ExploredRun } from '@tls13sim/sim';

export const noBadRecordMac = (run: ExploredRun): boolean => !run.calls.client.includes('read:error(bad_record_mac)');

export const duplicatedFlights = defineExploration({
  name: 'duplicated-flights',
  module: import.meta.url,
  scenario: 'client-cv-rejected',
  bounds: { splits: 'flight' }, // a delivery is one flight or more, in either order
  faults: { allow: ['duplicate'], max: 1 }, // the --fault vocabulary; no position: at any delivery
  property: noBadRecordMac,
});
