/**
 * The static import graph of the workspace's sources, for test/import-cycles.test.ts.
 *
 * `importSpecifiers` reads a TypeScript file with a small lexer (comments, strings,
 * template literals with `${…}` nesting, regular-expression literals) and returns the
 * specifier of every top-level `import … from '…'`, `import '…'`, `export … from '…'`
 * (`import type` and `export type` included: a type-only cycle is still two files that
 * cannot be understood one without the other) and every `import('…')` with a literal
 * argument. Text in comments, strings and templates is never taken for an import.
 */
import { readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** A token with its brace depth and its offset in the source. */
export type Token = { kind: 'word' | 'string' | 'punct'; text: string; depth: number; offset: number };

const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

/** Skips a quoted string starting at `i` (the quote); returns the index after it and its value. */
function readQuoted(src: string, i: number): [number, string] {
  const quote = src[i]!;
  let j = i + 1;
  let value = '';
  while (j < src.length && src[j] !== quote) {
    if (src[j] === '\\') j++;
    else if (src[j] === '\n') throw new Error(`unterminated string at offset ${i}`);
    else value += src[j];
    j++;
  }
  return [j + 1, value];
}

/** Skips a regular-expression literal starting at `i` (the slash); returns the index after its flags. */
function skipRegex(src: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    else if (c === '\n') throw new Error(`unterminated regular expression at offset ${i}`);
    j++;
  }
  j++;
  while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
  return j;
}

/** Whether a `/` after `prev` starts a regular expression (rather than dividing). */
function regexCanStart(prev: Token | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.kind === 'word') return REGEX_AFTER_WORDS.has(prev.text);
  if (prev.kind === 'string') return false;
  return ![')', ']', '}'].includes(prev.text);
}

/**
 * The tokens of a TypeScript source, each with its brace depth (0: top level). Template
 * literals are skipped whole, but their `${…}` parts are lexed as code (at a depth > 0).
 * Comments are skipped too, each passed to `onComment` with its offset when given.
 */
export function tokenize(src: string, onComment?: (text: string, offset: number) => void): Token[] {
  const tokens: Token[] = [];
  // One entry per open `{`: true when it opened a template's `${`.
  const braces: boolean[] = [];
  let i = 0;
  const template = (start: number): number => {
    // `start` is just after a backtick or a `}` that closes a `${`.
    let j = start;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '\\') j += 2;
      else if (c === '`') return j + 1;
      else if (c === '$' && src[j + 1] === '{') {
        braces.push(true);
        return j + 2;
      } else j++;
    }
    throw new Error(`unterminated template literal at offset ${start}`);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
      onComment?.(src.slice(i, end), i);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`unterminated comment at offset ${i}`);
      onComment?.(src.slice(i, end + 2), i);
      i = end + 2;
    } else if (c === '"' || c === "'") {
      const [next, value] = readQuoted(src, i);
      tokens.push({ kind: 'string', text: value, depth: braces.length, offset: i });
      i = next;
    } else if (c === '`') {
      tokens.push({ kind: 'string', text: '`', depth: braces.length, offset: i });
      i = template(i + 1);
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z0-9_$]+/.exec(src.slice(i, i + 200))!;
      tokens.push({ kind: 'word', text: m[0], depth: braces.length, offset: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9A-Za-z_.]+/.exec(src.slice(i, i + 200))!;
      tokens.push({ kind: 'word', text: m[0], depth: braces.length, offset: i });
      i += m[0].length;
    } else if (c === '/' && regexCanStart(tokens[tokens.length - 1])) {
      tokens.push({ kind: 'string', text: '/regex/', depth: braces.length, offset: i });
      i = skipRegex(src, i);
    } else if (c === '{') {
      tokens.push({ kind: 'punct', text: c, depth: braces.length, offset: i });
      braces.push(false);
      i++;
    } else if (c === '}') {
      if (braces.pop() === true) i = template(i + 1);
      else {
        tokens.push({ kind: 'punct', text: c, depth: braces.length, offset: i });
        i++;
      }
    } else {
      tokens.push({ kind: 'punct', text: c, depth: braces.length, offset: i });
      i++;
    }
  }
  return tokens;
}

/** Reads an import/export clause from `k`: the `from '…'` specifier, if the statement has one. */
function fromSpecifier(tokens: readonly Token[], k: number): string | undefined {
  for (let j = k; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'word' && t.text === 'from' && tokens[j + 1]?.kind === 'string') return tokens[j + 1]!.text;
    // Only names, braces, commas, `*`, `as` and `type` belong in an import or re-export clause.
    if (t.kind === 'string' || (t.kind === 'punct' && !['{', '}', ',', '*'].includes(t.text))) return undefined;
    if (t.kind === 'punct' && t.text === '}' && t.depth === tokens[k]!.depth && !(tokens[j + 1]?.kind === 'word' && tokens[j + 1]!.text === 'from'))
      return undefined;
  }
  return undefined;
}

/** The module specifiers a TypeScript source imports or re-exports (see the file comment). */
export function importSpecifiers(src: string): string[] {
  const tokens = tokenize(src);
  const out: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'word' || (t.text !== 'import' && t.text !== 'export')) continue;
    if (tokens[k - 1]?.kind === 'punct' && tokens[k - 1]!.text === '.') continue; // import.meta's owner, x.import
    const next = tokens[k + 1];
    if (t.text === 'import' && next?.kind === 'punct' && next.text === '(') {
      // import('…'): a dependency too, when its argument is a plain string.
      const arg = tokens[k + 2];
      if (arg?.kind === 'string' && arg.text !== '`' && arg.text !== '/regex/' && tokens[k + 3]?.text === ')') out.push(arg.text);
      continue;
    }
    if (t.depth !== 0) continue;
    if (t.text === 'import' && next?.kind === 'string') out.push(next.text);
    else {
      const spec = fromSpecifier(tokens, k + 1);
      if (spec !== undefined) out.push(spec);
    }
  }
  return out;
}

/** Every `.ts` file under `dir`, recursively (absolute paths, sorted). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * The file a specifier names: a relative one against `from`'s directory (`./x.js` is
 * `./x.ts`), a workspace package through `aliases`. Undefined for anything else (node:,
 * npm packages); throws for a relative or workspace specifier that names no file, so
 * that a misread import cannot silently drop an edge.
 */
export function resolveSpecifier(spec: string, from: string, aliases: ReadonlyMap<string, string>): string | undefined {
  const aliased = aliases.get(spec);
  if (aliased !== undefined) return aliased;
  if (!spec.startsWith('.')) {
    if (spec.startsWith('@tls13sim/')) throw new Error(`${from}: unknown workspace import '${spec}'`);
    return undefined;
  }
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (found === undefined) throw new Error(`${from}: cannot resolve '${spec}'`);
  return found;
}

/** Strongly connected components of more than one file, or of one file importing itself (Tarjan). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest path of imports from `a` back to `a`, as `a → b → … → a` (relative to `root`). */
export function describeCycle(graph: ReadonlyMap<string, readonly string[]>, scc: readonly string[], root: string): string {
  const members = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start].map((p) => relative(root, p)).join(' → ');
      }
      if (!prev.has(w) && w !== start) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.map((p) => relative(root, p)).join(', ');
}
