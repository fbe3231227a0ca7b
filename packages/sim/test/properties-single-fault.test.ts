/** Issue 8 property `single-fault` (long runs: `pnpm explore --property single-fault --runs N --seed S`). */
import { describe, it } from 'vitest';
import { expectPropertyHolds } from './properties-helpers.js';

describe('property: single-fault', () => {
  it('under any single fault nothing escapes an endpoint, each ends CONNECTED, CLOSED with an allowed alert or stuck where possible, and nothing unauthentic is accepted', () => {
    expectPropertyHolds('single-fault');
  }, 120_000);
});
