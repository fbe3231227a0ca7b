/** Every bench `pnpm bench` runs, in order. Add new ones here. */
import type { Bench } from './harness.js';
import { cliStartupBench } from './cli-startup.js';
import { exploreBench } from './explore.js';
import { floodBench } from './flood.js';
import { handshakeBench } from './handshake.js';
import { loadBench } from './load.js';
import { memoryBench } from './memory.js';
import { recordBench } from './record.js';

export const benches: readonly Bench[] = [handshakeBench, recordBench, exploreBench, memoryBench, floodBench, loadBench, cliStartupBench];
