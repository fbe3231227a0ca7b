/**
 * docs/api/ is generated from the TSDoc comments (test/api-docs.ts, `pnpm docs:api`) and
 * kept current as docs/lenses.md is: this test fails when a page differs from what the
 * sources generate now.
 */
import { describe, expect, it } from 'vitest';
import { ENTRIES, generateApiDocs, stalePages } from './api-docs.js';

describe('docs/api', () => {
  const pages = generateApiDocs();

  it('is current: every page is what `pnpm docs:api` writes from the sources', () => {
    expect(stalePages(pages), 'run `npx --yes pnpm@12.4.2 docs:api` and commit docs/api').toEqual([]);
  });

  it('has a page per entry point, each export with its declaration and its comment', () => {
    expect([...pages.keys()].sort()).toEqual(['README.md', ...ENTRIES.map((e) => e.page)].sort());
    const sim = pages.get('sim.md')!;
    expect(sim).toContain(
      '## explore\n\n*function* — `packages/sim/src/explore/api.ts`\n\n```ts\nfunction explore(def: Exploration, opts?: ExploreRunOptions): ExplorationResult\n```',
    );
    expect(sim).toContain('Explores every schedule of `def` within its bounds and judges each.');
    expect(sim).toContain('## runSpec\n');
    expect(sim).toContain('## testPki\n');
    expect(pages.get('sim-vitest.md')).toContain('## tlsProperty\n');
    expect(pages.get('handshake.md')).toContain('## createEndpoint\n');
    // Private members are not API.
    expect(sim).not.toMatch(/^ {2}s: SimState;$/m);
  });

  it('names a page whose text differs', () => {
    const changed = new Map(pages);
    changed.set('record.md', `${pages.get('record.md')}\nextra\n`);
    expect(stalePages(changed)).toEqual(['docs/api/record.md']);
  });
});
