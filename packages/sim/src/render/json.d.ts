/** The trace as JSON (format version 1, stable key order). */
export { traceToJson as renderJson } from '../trace.js';
