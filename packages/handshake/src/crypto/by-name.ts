/**
 * Providers by name, for configuration files and the CLI (`--crypto noble|node`).
 * The node provider is created on first use, so naming only `noble` never touches
 * `node:crypto` (browsers).
 *
 * This module is also how crypto/index.ts exports the node provider and the memoising
 * wrapper (index.ts has one line for the three of them).
 */
import { createNodeProvider } from './node.js';
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

export { createNodeProvider } from './node.js';
export { memoizeProvider, type MemoOptions, type MemoStats, type MemoizedProvider } from './memo.js';

export const PROVIDER_NAMES = ['noble', 'node'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

let node: CryptoProvider | undefined;

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** The shared provider called `name`; throws (API misuse) for an unknown name. */
export function providerByName(name: string): CryptoProvider {
  switch (name) {
    case 'noble':
      return nobleProvider;
    case 'node':
      node ??= createNodeProvider();
      return node;
    default:
      throw new Error(`unknown crypto provider "${name}" (expected one of: ${PROVIDER_NAMES.join(', ')})`);
  }
}
