/**
 * The text timeline, in the style of RFC 8446's diagrams: client column left, server
 * right, an arrow per record labelled with its handshake messages in the key epoch's
 * brackets, state changes in each column, ★ where each side considers the handshake
 * complete, application calls with their results, and teaching notes.
 */
import type { Trace } from '../trace.js';
export declare function renderTimeline(trace: Trace): string;
