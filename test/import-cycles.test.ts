/**
 * No import cycles between the source files of any package (docs/architecture.md,
 * "Dependencies"): every file under packages/*\/src, its static imports and re-exports
 * (`import type` included), resolved — relative specifiers to files, `@tls13sim/…` to the
 * package entry points — and the graph's strongly connected components must all be single
 * files. A failure names one cycle as a chain of imports.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, describeCycle, importSpecifiers, resolveSpecifier, tsFiles } from './import-graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The workspace packages' entry points, as tsconfig.json maps them. */
function aliases(): Map<string, string> {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return new Map(Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [name, join(root, target!)]));
}

function sourceGraph(): Map<string, string[]> {
  const map = aliases();
  const graph = new Map<string, string[]>();
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    for (const file of tsFiles(join(root, 'packages', pkg, 'src'))) {
      const deps = importSpecifiers(readFileSync(file, 'utf8'))
        .map((s) => resolveSpecifier(s, file, map))
        .filter((d): d is string => d !== undefined);
      graph.set(file, [...new Set(deps)]);
    }
  }
  return graph;
}

describe('the import reader', () => {
  it('finds every form of import and re-export, and nothing in comments, strings or templates', () => {
    const src = [
      "import { a, type B } from './a.js';",
      "import type { C } from './c.js';",
      'import d, {',
      '  e, // a comment',
      '  f as g,',
      "} from './d.js';",
      "import * as ns from './ns.js';",
      "import './side-effect.js';",
      "export * from './star.js';",
      "export * as sub from './sub.js';",
      "export { h } from './h.js';",
      "export type { I } from './i.js';",
      'export { local };',
      'export const s = "import x from \'./not-1.js\'";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the source under test
      "const t = `import y from './not-2.js' ${ { z: 1 }.z } export * from './not-3.js'`;",
      "// import z from './not-4.js';",
      "/* export * from './not-5.js'; */",
      "const re = /from '.\\/not-6.js'/;",
      "const lazy = () => import('./lazy.js');",
      'export function f2() { return import.meta.url; }',
      "export default { from: './not-7.js' };",
    ].join('\n');
    expect(importSpecifiers(src)).toEqual([
      './a.js',
      './c.js',
      './d.js',
      './ns.js',
      './side-effect.js',
      './star.js',
      './sub.js',
      './h.js',
      './i.js',
      './lazy.js',
    ]);
  });

  it('finds a cycle, including one through a type-only import, and names its chain', () => {
    const g = new Map([
      ['/r/a.ts', ['/r/b.ts']],
      ['/r/b.ts', ['/r/c.ts']],
      ['/r/c.ts', ['/r/a.ts']],
      ['/r/d.ts', ['/r/a.ts']],
      ['/r/e.ts', ['/r/e.ts']],
    ]);
    const found = cycles(g);
    expect(found).toEqual([['/r/a.ts', '/r/b.ts', '/r/c.ts'], ['/r/e.ts']]);
    expect(describeCycle(g, found[0]!, '/r')).toBe('a.ts → b.ts → c.ts → a.ts');
    expect(
      cycles(
        new Map([
          ['/r/a.ts', ['/r/b.ts']],
          ['/r/b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('import cycles', () => {
  const graph = sourceGraph();

  it('reads the whole source tree', () => {
    // Every package's src, and the known spine of imports: a reader that found nothing would pass vacuously.
    expect(graph.size).toBeGreaterThan(100);
    const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
    expect(edges).toBeGreaterThan(graph.size);
    expect(graph.get(join(root, 'packages/sim/src/index.ts'))).toContain(join(root, 'packages/sim/src/simulation.ts'));
  });

  it('has none between the files of any package', () => {
    const found = cycles(graph).map((scc) => describeCycle(graph, scc, root));
    expect(found).toEqual([]);
  });

  /** Every file `from` reaches through its imports. */
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [join(root, from)];
    while (todo.length > 0) {
      const v = todo.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      todo.push(...(graph.get(v) ?? []));
    }
    return seen;
  };

  it('keeps the TCP adapter on the trace module, off the in-memory simulator', () => {
    const simulator = ['simulation.ts', 'duplex.ts', 'scheduler.ts'].map((f) => join(root, 'packages/sim/src', f));
    for (const f of ['connection.ts', 'server.ts', 'client.ts', 'index.ts']) {
      const deps = reach(`packages/sim/src/net/${f}`);
      expect(deps.has(join(root, 'packages/sim/src/trace-body.ts')) || f !== 'connection.ts').toBe(true);
      expect(simulator.filter((s) => deps.has(s)).map((s) => relative(root, s))).toEqual([]);
    }
  });

  it('keeps the packages layered: record below handshake below sim below web', () => {
    const layers = ['record', 'handshake', 'sim', 'web'];
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      const layer = layers.indexOf(relative(root, file).split('/')[1]!);
      for (const d of deps) if (layers.indexOf(relative(root, d).split('/')[1]!) > layer) upward.push(`${relative(root, file)} → ${relative(root, d)}`);
    }
    expect(upward).toEqual([]);
  });
});
