// The exploration as a test: every schedule within the bound, judged by the property; a
// failure would come back minimised, its report holding the timeline and the replay command.
import { expect, it } from 'vitest';
import { explore, formatExploration } from '@tls13sim/sim';
import { duplicatedFlights } from './exploration.js';

it('no ordering of flights and no duplicated flight makes the read report bad_record_mac', () => {
  const r = explore(duplicatedFlights);
  expect(r.failure, r.failure && formatExploration(r)).toBeUndefined();
  expect(r.schedules).toBe(55n); // as `tls13sim explore --exhaustive` counts them
});
