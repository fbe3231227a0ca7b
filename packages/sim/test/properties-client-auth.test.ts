/** Issue 8 property `client-auth` (long runs: `pnpm explore --property client-auth --runs N --seed S`). */
import { describe, it } from 'vitest';
import { expectPropertyHolds } from './properties-helpers.js';

describe('property: client-auth', () => {
  it('with client authentication the client completes before the server reads its Finished, and a rejection surfaces through read/peek/write, never connect', () => {
    expectPropertyHolds('client-auth');
  }, 120_000);
});
