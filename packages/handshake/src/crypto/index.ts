/** Crypto providers (keys.ts, random.ts, provider.ts and signature.ts are re-exported by ../index.ts). */
export { createNobleProvider, nobleProvider } from './noble.js';
export { HASH_LENGTHS } from './hash.js';
export { MLKEM768_SIZES } from './kex-mlkem.js';
export * from './by-name.js';
export { FFDHE_GROUPS, ffdheParams, isFfdheGroup, type FfdheGroupName, type FfdheParams } from './kex-ffdhe.js';
