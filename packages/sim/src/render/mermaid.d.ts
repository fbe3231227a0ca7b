/** A Mermaid `sequenceDiagram` of the trace: records as arrows, states and calls as notes. */
import type { Trace } from '../trace.js';
export declare function renderMermaid(trace: Trace): string;
