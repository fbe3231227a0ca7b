/**
 * Real TCP for the sans-I/O endpoint (node only: not re-exported by the package index,
 * which stays usable in browsers). Import `@tls13sim/sim/src/net` paths directly.
 */
export * from './connection.js';
export * from './client.js';
export * from './server.js';
export * from './capture.js';
