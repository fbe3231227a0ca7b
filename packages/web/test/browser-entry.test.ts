/**
 * Issue 18 item 3: the browser entry of @tls13sim/sim (src/browser.ts) and the stepper page
 * bundle with no Node built-in in them. Tree-shaking is off, so every module reached by an
 * import counts, used or not.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../src/bundle-check.js';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('browser-safe entry (bundled with Vite)', () => {
  it('the check sees node: imports (the explorer runner imports node:fs, node:os, node:path, node:crypto)', async () => {
    const r = await bundleForBrowser(at('../../sim/src/explore/runner.ts'));
    const ids = r.nodeImports.map((s) => s.split(' ')[0]);
    expect(ids).toEqual(expect.arrayContaining(['node:fs', 'node:os', 'node:path', 'node:crypto']));
  }, 60_000);

  it('packages/sim/src/browser.ts pulls in no Node built-in', async () => {
    const r = await bundleForBrowser(at('../../sim/src/browser.ts'));
    expect(r.nodeImports).toEqual([]);
    expect(r.bytes).toBeGreaterThan(100_000);
  }, 60_000);

  it('the stepper page (packages/web/src/main.ts) pulls in no Node built-in', async () => {
    const r = await bundleForBrowser(at('../src/main.ts'));
    expect(r.nodeImports).toEqual([]);
  }, 60_000);
});
