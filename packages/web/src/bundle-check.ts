/**
 * Bundles a module for the browser (Vite, as `pnpm web:build` does) and lists every Node
 * built-in it imports: `node:*` ids and bare built-in names (`fs`, `crypto`, …). Used by
 * test/browser-entry.test.ts; an empty list means the module is browser-safe.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rollup } from 'vite';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The workspace packages from source; `@tls13sim/sim` (and `/browser`) is its browser entry. Shared with vite.config.ts. */
export const WORKSPACE_ALIASES: { find: RegExp; replacement: string }[] = [
  { find: /^@tls13sim\/record$/, replacement: `${root}packages/record/src/index.ts` },
  { find: /^@tls13sim\/handshake$/, replacement: `${root}packages/handshake/src/index.ts` },
  { find: /^@tls13sim\/sim(\/browser)?$/, replacement: `${root}packages/sim/src/browser.ts` },
];

const BUILTINS = new Set(builtinModules);

export interface BundleReport {
  /** Node built-ins imported, each with the module that imported it. */
  readonly nodeImports: readonly string[];
  /** Bytes of JavaScript in the bundle. */
  readonly bytes: number;
}

export async function bundleForBrowser(entry: string): Promise<BundleReport> {
  const found: string[] = [];
  const spy: Plugin = {
    name: 'tls13sim-node-import-spy',
    enforce: 'pre',
    resolveId(source, importer) {
      const bare = source.startsWith('node:') ? source : BUILTINS.has(source.split('/')[0]!) ? source : undefined;
      // Type-only imports are erased before resolution, so anything seen here reaches the bundle.
      if (bare !== undefined) {
        found.push(`${bare} (from ${importer === undefined ? '?' : importer.replace(root, '')})`);
        return { id: bare, external: true };
      }
      return null;
    },
  };
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    resolve: { alias: WORKSPACE_ALIASES },
    plugins: [spy],
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      rollupOptions: { treeshake: false },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rollup.RollupOutput[];
  let bytes = 0;
  for (const o of outputs) for (const c of o.output) if (c.type === 'chunk') bytes += c.code.length;
  return { nodeImports: [...new Set(found)], bytes };
}
