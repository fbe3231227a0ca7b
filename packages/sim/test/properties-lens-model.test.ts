/** Issue 8 property `lens-model` (long runs: `pnpm explore --property lens-model --runs N --seed S`). */
import { describe, it } from 'vitest';
import { expectPropertyHolds } from './properties-helpers.js';

describe('property: lens-model', () => {
  it('random connect/read/peek/write/shutdown/keyUpdate/deliver sequences on the OpenSSL lens agree with the model', () => {
    expectPropertyHolds('lens-model');
  }, 120_000);
});
