/**
 * `pnpm web` serves the stepper; `pnpm web:build` writes packages/web/dist: one
 * index.html with the script and styles inlined as a classic script, so it opens from a
 * file (file:// refuses module scripts) as well as from any static host.
 */
import { defineConfig, type Plugin } from 'vite';
import { WORKSPACE_ALIASES } from './src/bundle-check.js';

/** Inlines the one JS chunk and the CSS into index.html and drops the emitted files. */
function singleFile(): Plugin {
  return {
    name: 'tls13sim-single-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((a) => a.type === 'asset' && a.fileName === 'index.html');
      if (html === undefined || html.type !== 'asset') return;
      let page = String(html.source);
      for (const [name, item] of Object.entries(bundle)) {
        if (item.type === 'chunk') {
          // A classic script: `</script` inside the code would end the element early.
          const code = item.code.replace(/<\/(script)/gi, '<\\/$1');
          page = page.replace(new RegExp(`<script[^>]*src="[^"]*${escapeRe(item.fileName)}"[^>]*></script>`), () => '');
          page = page.replace('</body>', () => `<script>${code}</script>\n</body>`);
          delete bundle[name];
        } else if (item.type === 'asset' && item.fileName.endsWith('.css')) {
          page = page.replace(new RegExp(`<link[^>]*href="[^"]*${escapeRe(item.fileName)}"[^>]*>`), () => `<style>${String(item.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = page;
    },
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { alias: WORKSPACE_ALIASES },
  plugins: [singleFile()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    rollupOptions: { output: { format: 'iife' } },
  },
});
