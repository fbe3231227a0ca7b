/**
 * The linter, inside the test command: Biome with the repository's biome.jsonc (its choices
 * and each disabled rule's reason are in that file; docs/architecture.md, "Tooling"). Any
 * diagnostic at all — error, warning or info — fails, named with its file and line. The
 * formatter's check runs here too: a file `pnpm format` would change fails, named.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const biome = join(root, 'node_modules', '.bin', 'biome');

interface Report {
  summary: { changed: number; unchanged: number; errors: number; warnings: number; infos: number };
  diagnostics: { category?: string; severity?: string; message?: string; location?: { path?: string; start?: { line?: number } } }[];
  command?: string;
}

/** `biome lint` in `cwd` (its biome.jsonc applies), as JSON, plus the number of files it checked. */
function lint(cwd: string, paths: string[] = []): { report: Report; checked: number; status: number | null } {
  const r = spawnSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', ...paths], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`biome lint printed no report (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(r.stdout.slice(start, r.stdout.lastIndexOf('}') + 1)) as Report;
  return { report, checked: report.summary.changed + report.summary.unchanged, status: r.status };
}

function describeDiagnostic(d: Report['diagnostics'][number]): string {
  return `${d.location?.path ?? '?'}:${d.location?.start?.line ?? '?'}: ${d.category ?? '?'} (${d.severity ?? '?'}): ${d.message ?? ''}`;
}

/** The .ts files biome.jsonc's `files.includes` names. */
function lintedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push(relative(root, p));
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'))) {
    for (const sub of ['src', 'test']) {
      try {
        walk(join(root, 'packages', pkg, sub));
      } catch {
        // a package without tests
      }
    }
  }
  for (const dir of ['test', 'bench', 'examples']) walk(join(root, dir));
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'tls13sim-lint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('lint (Biome, biome.jsonc)', () => {
  it('reports what the configuration is there to catch', () => {
    // The repository's configuration on a scratch tree: an unused import, a `let` never
    // reassigned, a focused test. Each must be reported, so the clean run below means something.
    copyFileSync(join(root, 'biome.jsonc'), join(work, 'biome.jsonc'));
    mkdirSync(join(work, 'packages', 'x', 'src'), { recursive: true });
    mkdirSync(join(work, 'packages', 'x', 'test'), { recursive: true });
    writeFileSync(join(work, 'packages', 'x', 'src', 'bad.ts'), "import { unused } from './other.js';\nlet once = 1;\nexport const value = once;\n");
    writeFileSync(join(work, 'packages', 'x', 'test', 'bad.test.ts'), "import { it } from 'vitest';\nit.only('x', () => {});\n");
    const { report } = lint(work);
    const categories = report.diagnostics.map((d) => d.category);
    expect(categories).toContain('lint/correctness/noUnusedImports');
    expect(categories).toContain('lint/style/useConst');
    expect(categories).toContain('lint/suspicious/noFocusedTests');
  });

  it('finds nothing in the repository', () => {
    const { report, checked } = lint(root);
    // Every file biome.jsonc names was read: a configuration that matched nothing would pass vacuously.
    expect(checked).toBeGreaterThanOrEqual(lintedFiles().length);
    expect(report.diagnostics.map(describeDiagnostic)).toEqual([]);
    expect(report.summary.errors + report.summary.warnings + report.summary.infos).toBe(0);
  });
});

/** `biome format` (check only) in `cwd`: the files it would change, and how many it read. */
function formatCheck(cwd: string): { wouldChange: string[]; checked: number } {
  const r = spawnSync(biome, ['format', '--reporter=json', '--max-diagnostics=none'], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`biome format printed no report (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(r.stdout.slice(start, r.stdout.lastIndexOf('}') + 1)) as Report;
  return {
    wouldChange: report.diagnostics.filter((d) => d.category === 'format').map((d) => d.location?.path ?? '?'),
    checked: report.summary.changed + report.summary.unchanged,
  };
}

describe('format (Biome, biome.jsonc)', () => {
  it('names a file whose formatting differs', () => {
    const dir = join(work, 'format');
    mkdirSync(join(dir, 'packages', 'x', 'src'), { recursive: true });
    copyFileSync(join(root, 'biome.jsonc'), join(dir, 'biome.jsonc'));
    writeFileSync(join(dir, 'packages', 'x', 'src', 'ugly.ts'), 'export const a = {b:1,c:"two"}\n');
    writeFileSync(join(dir, 'packages', 'x', 'src', 'tidy.ts'), "export const a = { b: 1, c: 'two' };\n");
    const { wouldChange } = formatCheck(dir);
    expect(wouldChange.map((p) => p.replaceAll('\\', '/'))).toEqual([expect.stringMatching(/packages\/x\/src\/ugly\.ts$/)]);
  });

  it('finds every file formatted (`pnpm format` would change nothing)', () => {
    const { wouldChange, checked } = formatCheck(root);
    expect(checked).toBeGreaterThan(300);
    expect(wouldChange).toEqual([]);
  });
});
