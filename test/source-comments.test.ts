/**
 * Source comments cite RFC sections or documents in this repository
 * (docs/architecture.md), never a document that is not in it (the design and style notes
 * the code was first written against), a path outside it, or an issue number of a tracker:
 * a reader of the repository must be able to follow every reference. Every comment of every
 * file under packages/*\/src is read (with the lexer of test/import-graph.ts, so strings and
 * code do not count); a `docs/….md` it names must exist, and so must a section it names
 * (`docs/architecture.md "Conventions"`).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tokenize, tsFiles } from './import-graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What a comment may not cite, each with what it is. */
const FORBIDDEN: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a design or style note that is not in the repository', pattern: /\b(?:DESIGN|STYLE)(?:\.md)?\b/ },
  { what: "a tracker's issue number", pattern: /\bissues?\s+#?\d+|(?:^|[\s(])#\d+\b/i },
  { what: 'a path outside the repository', pattern: /\/work\/|\bshared\/(?:docs|ref)\//i },
];

/** Backticked code (`STYLE`, a constant) is named, not cited. */
const withoutCode = (text: string): string => text.replace(/`[^`\n]*`/g, '``');

/** The headings of a document in the repository, without their `#`s. */
function headings(doc: string): string[] {
  return [...readFileSync(join(root, doc), 'utf8').matchAll(/^#+\s+(.*)$/gm)].map((m) => m[1]!.trim());
}

/** Each offending comment line as `file:line: what — text`, and each cited docs/ file that does not exist. */
function commentProblems(file: string, src: string): string[] {
  const out: string[] = [];
  tokenize(src, (text, offset) => {
    const first = src.slice(0, offset).split('\n').length;
    text.split('\n').forEach((line, k) => {
      const where = `${relative(root, file)}:${first + k}`;
      const plain = withoutCode(line);
      for (const f of FORBIDDEN) if (f.pattern.test(plain)) out.push(`${where}: ${f.what} — ${line.trim()}`);
      for (const m of line.matchAll(/\bdocs\/[\w./-]*\.md\b/g)) if (!existsSync(join(root, m[0]))) out.push(`${where}: ${m[0]} does not exist`);
      for (const m of line.matchAll(/\b(docs\/[\w./-]*\.md) "([^"]+)"/g)) {
        if (existsSync(join(root, m[1]!)) && !headings(m[1]!).some((h) => h.startsWith(m[2]!))) out.push(`${where}: ${m[1]} has no section "${m[2]}"`);
      }
    });
  });
  return out;
}

function sourceFiles(): string[] {
  return readdirSync(join(root, 'packages'))
    .sort()
    .flatMap((pkg) => tsFiles(join(root, 'packages', pkg, 'src')));
}

describe('source comments', () => {
  it('are told apart from code and strings, and each kind of bad citation is found', () => {
    const src = [
      '/**',
      ' * The core (DESIGN.md "The core"), decoded values own their bytes (STYLE 11).',
      ' * Added for issue 17 item 3; see also #42 and docs/no-such-page.md.',
      ' * Ref: /work/shared/ref/rfc8446.txt. Fine: RFC 8446 §4.4.4, docs/architecture.md "Conventions", the `STYLE` sheet.',
      ' * Not there: docs/architecture.md "No such section".',
      ' */',
      "const STYLE = 'DESIGN.md issue 3'; // STYLE rule 2",
      "const entity = '&#39;';",
    ].join('\n');
    const found = commentProblems(join(root, 'x.ts'), src);
    expect(found).toEqual([
      expect.stringMatching(/^x\.ts:2: a design or style note/),
      expect.stringMatching(/^x\.ts:3: a tracker's issue number/),
      'x.ts:3: docs/no-such-page.md does not exist',
      expect.stringMatching(/^x\.ts:4: a path outside the repository/),
      'x.ts:5: docs/architecture.md has no section "No such section"',
      expect.stringMatching(/^x\.ts:7: a design or style note/),
    ]);
  });

  it('cite only RFC sections and documents in the repository', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => commentProblems(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});
