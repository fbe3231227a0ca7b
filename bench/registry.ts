/** Every bench `pnpm bench` runs, in order. Add new ones here. */
import type { Bench } from './harness.js';
import { recordBench } from './record.js';

export const benches: readonly Bench[] = [recordBench];
