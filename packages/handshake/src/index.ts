export * from './constants.js';
export * from './crypto/keys.js';
export * from './crypto/random.js';
export * from './crypto/provider.js';
