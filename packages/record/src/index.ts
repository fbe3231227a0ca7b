export * from './bytes.js';
export * from './codec.js';
export * from './errors.js';
export * from './alert.js';
export * from './aead-types.js';
