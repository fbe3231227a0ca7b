/** Issue 8 property `fault-free` (long runs: `pnpm explore --property fault-free --runs N --seed S`). */
import { describe, it } from 'vitest';
import { expectPropertyHolds } from './properties-helpers.js';

describe('property: fault-free', () => {
  it('under any fault-free schedule both endpoints connect with equal secrets and exporters, data intact and in order, and the same states as under the default schedule', () => {
    expectPropertyHolds('fault-free');
  }, 120_000);
});
