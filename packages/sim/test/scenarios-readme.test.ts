/** The README shows what the code does: the demo's real output and the real catalogue. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/scenarios/catalogue.js';
import { listScenarios, renderTimeline, runScenario } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('starts with a quick start that installs and runs the demo', () => {
    expect(readme).toContain('npx --yes pnpm@12.4.2 install && npx --yes pnpm@12.4.2 demo');
    expect(pkg.scripts.demo).toBe('tsx packages/sim/src/cli/main.ts run client-cv-rejected');
  });

  it('shows the exact timeline `pnpm demo` prints', () => {
    const block = /<!-- demo:begin[^>]*-->\n```text\n([\s\S]*?)```\n<!-- demo:end -->/.exec(readme);
    expect(block, 'demo block markers').not.toBeNull();
    expect(block![1]).toBe(renderTimeline(runScenario('client-cv-rejected')));
  });

  it('lists every scenario of the catalogue with its description', () => {
    for (const s of listScenarios()) expect(readme).toContain(`| \`${s.name}\` | ${s.description} |`);
  });
});
