export * from './api.js';
export * from './config.js';
export * from './errors.js';
export type { Negotiated, ClientState, ServerState, AppSecrets, ServerPassThroughState, AppendixServerState, AppendixClientState } from './state.js';
export * from './shapes.js';
export { Endpoint, createEndpoint } from './endpoint.js';
export * from './psk.js';
