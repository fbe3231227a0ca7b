import type { Trace } from '../trace.js';
export declare function renderHexDump(trace: Trace): string;
