/**
 * API reference from the TSDoc comments: `pnpm docs:api` writes docs/api/*.md, one page per
 * package entry point, and test/api-docs.test.ts fails when they are stale.
 *
 * TypeDoc (0.28) needs the TypeScript 5/6 JavaScript API, which TypeScript 7's native
 * compiler no longer ships (`ts.SyntaxKind` is undefined: TypeDoc stops at start-up). This
 * generator asks TypeScript 7 itself, through its `typescript/unstable/sync` API (the
 * checker over IPC to the native compiler): each entry's exports, each one's kind, its
 * declaration or type, and its documentation comment and tags. Unstable means its shape
 * may change with a TypeScript release; the test then fails loudly, not with stale docs.
 *
 * `tsx test/api-docs.ts` writes the pages; `--check` exits 1 and names the stale pages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API, type Checker, type Symbol as TsSymbol, SymbolFlags, type Project } from 'typescript/unstable/sync';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The documented entry points: the import path a user writes, and its source. */
export const ENTRIES: readonly { readonly specifier: string; readonly file: string; readonly page: string }[] = [
  { specifier: '@tls13sim/sim', file: 'packages/sim/src/index.ts', page: 'sim.md' },
  { specifier: '@tls13sim/sim/vitest', file: 'packages/sim/src/vitest.ts', page: 'sim-vitest.md' },
  { specifier: '@tls13sim/handshake', file: 'packages/handshake/src/index.ts', page: 'handshake.md' },
  { specifier: '@tls13sim/record', file: 'packages/record/src/index.ts', page: 'record.md' },
];

interface Entry {
  readonly name: string;
  readonly kind: string;
  readonly file: string;
  readonly code: string;
  readonly doc: string;
}

const KINDS: readonly [number, string][] = [
  [SymbolFlags.Class, 'class'],
  [SymbolFlags.Interface, 'interface'],
  [SymbolFlags.TypeAlias, 'type'],
  [SymbolFlags.Function, 'function'],
  [SymbolFlags.Enum, 'enum'],
  [SymbolFlags.Variable, 'const'],
];

function kindOf(s: TsSymbol): string {
  return KINDS.find(([flag]) => (s.flags & flag) !== 0)?.[1] ?? 'export';
}

/** The declaration's text from its source, without its leading comment (interfaces, type aliases, enums). */
function declarationText(project: Project, s: TsSymbol): { file: string; text: string } | undefined {
  const handle = s.declarations[0];
  const node = handle?.resolve(project);
  if (handle === undefined || node === undefined) return undefined;
  const file = String(handle.path);
  const source = readFileSync(file, 'utf8');
  let text = source.slice(node.pos, node.end);
  const at = text.search(/\b(export\s+)?(declare\s+)?(interface|type|enum|const enum)\s/);
  if (at > 0) text = text.slice(at);
  return { file, text: text.trim() };
}

/** A class: its public members with their types (the bodies are code, not API). */
function classText(project: Project, checker: Checker, s: TsSymbol): string {
  const type = checker.getDeclaredTypeOfSymbol(s);
  const lines = [`class ${s.name} {`];
  for (const m of checker.getPropertiesOfType(type)) {
    if (m.name.startsWith('#') || m.name.startsWith('__') || isPrivate(project, m)) continue;
    const mt = checker.getTypeOfSymbol(m);
    const doc = checker.getDocumentationCommentOfSymbol(m).replace(/\s*\n\s*/g, ' ');
    if (doc) lines.push(`  /** ${doc} */`);
    lines.push(`  ${asSignature(m.name, mt === undefined ? 'unknown' : checker.typeToString(mt))};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** A private or protected class member (by its declaration's modifiers): not API. */
function isPrivate(project: Project, m: TsSymbol): boolean {
  const handle = m.declarations[0];
  const node = handle?.resolve(project);
  if (handle === undefined || node === undefined) return false;
  const text = readFileSync(String(handle.path), 'utf8').slice(node.pos, node.end);
  return /^\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*(?:private|protected)\b/.test(text);
}

/** `name: (a: A) => R` as `name(a: A): R`, when the type is one arrow (overloads stay as they are). */
function asSignature(name: string, type: string): string {
  if (!type.startsWith('(')) return `${name}: ${type}`;
  let depth = 0;
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if (ch === '(' || ch === '{' || ch === '[' || ch === '<') depth++;
    else if (ch === ')' || ch === '}' || ch === ']' || (ch === '>' && type[i - 1] !== '=')) depth--;
    if (depth === 0) return type.startsWith(' => ', i + 1) ? `${name}${type.slice(0, i + 1)}: ${type.slice(i + 5)}` : `${name}: ${type}`;
  }
  return `${name}: ${type}`;
}

function tagsOf(checker: Checker, s: TsSymbol): string {
  return checker
    .getJsDocTagsOfSymbol(s)
    .map((t) => `@${t.name}${t.text ? ` ${t.text}` : ''}`)
    .join('\n');
}

function entryOf(project: Project, checker: Checker, exported: TsSymbol): Entry {
  const s = (exported.flags & SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(exported) : exported;
  const kind = kindOf(s);
  const decl = declarationText(project, s);
  let code: string;
  if (kind === 'class') code = classText(project, checker, s);
  else if (kind === 'interface' || kind === 'type' || kind === 'enum') code = decl?.text ?? exported.name;
  else {
    const type = checker.getTypeOfSymbol(s);
    const text = type === undefined ? 'unknown' : checker.typeToString(type);
    code = kind === 'function' ? `function ${asSignature(exported.name, text)}` : `const ${exported.name}: ${text}`;
  }
  const doc = [checker.getDocumentationCommentOfSymbol(s), tagsOf(checker, s)].filter((x) => x !== '').join('\n\n');
  return { name: exported.name, kind, file: decl === undefined ? '' : relative(ROOT, decl.file), code, doc };
}

function page(specifier: string, file: string, entries: readonly Entry[]): string {
  const out = [
    `# \`${specifier}\``,
    '',
    `<!-- Generated by \`pnpm docs:api\` (test/api-docs.ts) from the TSDoc comments of ${file} and the modules it re-exports; test/api-docs.test.ts fails when it is stale. Do not edit by hand. -->`,
    '',
    `${entries.length} exports, by name.`,
    '',
  ];
  for (const e of entries) {
    out.push(`## ${e.name}`, '', `*${e.kind}*${e.file ? ` — \`${e.file}\`` : ''}`, '', '```ts', e.code, '```', '');
    if (e.doc !== '') out.push(e.doc, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function index(): string {
  const lines = [
    '# API reference',
    '',
    '<!-- Generated by `pnpm docs:api` (test/api-docs.ts); test/api-docs.test.ts fails when it is stale. -->',
    '',
    'Generated from the TSDoc comments of each package entry point (every export, its declaration or type, its documentation). Guides: [docs/testing.md](../testing.md), [docs/lenses.md](../lenses.md).',
    '',
    ...ENTRIES.map((e) => `- [\`${e.specifier}\`](${e.page}) — \`${e.file}\``),
  ];
  return `${lines.join('\n')}\n`;
}

/** Every page, by file name under docs/api. */
export function generateApiDocs(): Map<string, string> {
  const api = new API({ cwd: ROOT });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(ROOT, 'tsconfig.json')] });
    const project = snapshot.getProjects()[0];
    if (project === undefined) throw new Error('api-docs: TypeScript opened no project for tsconfig.json');
    const pages = new Map<string, string>([['README.md', index()]]);
    for (const e of ENTRIES) {
      const sf = project.program.getSourceFile(join(ROOT, e.file));
      const mod = sf === undefined ? undefined : project.checker.getSymbolAtLocation(sf);
      if (mod === undefined) throw new Error(`api-docs: no module symbol for ${e.file}`);
      const entries = project.checker
        .getExportsOfModule(mod)
        .map((s) => entryOf(project, project.checker, s))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      pages.set(e.page, page(e.specifier, e.file, entries));
    }
    return pages;
  } finally {
    api.close();
  }
}

/** The pages whose committed text differs from what the sources generate. */
export function stalePages(pages: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, text] of pages) {
    let now: string | undefined;
    try {
      now = readFileSync(join(ROOT, 'docs/api', name), 'utf8');
    } catch {
      now = undefined;
    }
    if (now !== text) stale.push(`docs/api/${name}`);
  }
  return stale;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pages = generateApiDocs();
  if (process.argv.includes('--check')) {
    const stale = stalePages(pages);
    process.stdout.write(stale.length === 0 ? 'docs/api is current\n' : `stale: ${stale.join(', ')} (run pnpm docs:api)\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else {
    for (const [name, text] of pages) writeFileSync(join(ROOT, 'docs/api', name), text);
    process.stdout.write(`wrote ${[...pages.keys()].map((n) => `docs/api/${n}`).join(', ')}\n`);
  }
}
