/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) by self time per function:
 * `tsx bench/profile-summary.ts FILE [TOP]`. Prints the top functions with their share of
 * all samples, and the share per source file.
 */
import { readFileSync } from 'node:fs';
import { countArg, noMoreArgs, quietOnClosedStdout, usageExit } from './args.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const SCRIPT = 'profile-summary';
const USAGE = 'profile-summary.ts FILE [TOP] [PROVIDER PATTERN]';
const argv = process.argv.slice(2);
noMoreArgs(SCRIPT, argv, 3, USAGE);
const [file, topArg = '40', providerPattern = 'crypto/node.ts|node:internal/crypto'] = argv;
if (file === undefined) usageExit(SCRIPT, `no profile given (usage: ${USAGE})`);
const top = countArg(SCRIPT, 'TOP', topArg);
const providerRe = ((): RegExp => {
  try {
    return new RegExp(providerPattern);
  } catch {
    return usageExit(SCRIPT, `the provider pattern ${JSON.stringify(providerPattern)} is not a regular expression`);
  }
})();
quietOnClosedStdout();

/** The profile in FILE, or a one-line error when it cannot be read or is not a .cpuprofile. */
function readProfile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return usageExit(SCRIPT, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let p: Partial<Profile>;
  try {
    p = JSON.parse(text) as Partial<Profile>;
  } catch {
    return usageExit(SCRIPT, `${path} is not JSON (a .cpuprofile from node --cpu-prof is)`);
  }
  if (!Array.isArray(p.nodes) || !Array.isArray(p.samples) || !Array.isArray(p.timeDeltas)) {
    return usageExit(SCRIPT, `${path} has no nodes, samples and timeDeltas: not a .cpuprofile`);
  }
  return p as Profile;
}

const profile = readProfile(file);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
if (profile.samples.some((id) => !byId.has(id))) usageExit(SCRIPT, `${file} has samples of nodes it does not list: not a whole .cpuprofile`);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (u: string) => u.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\/(\.pnpm\/)?/, 'nm:');
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const fileKey = shortUrl(f.url) || f.functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
// Inclusive split: a sample is "provider" when any frame on its stack is the provider's
// (PATTERN, a regular expression on the frame's URL), else protocol code (GC and idle apart).
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const underProvider = (id: number): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (providerRe.test(byId.get(at)!.callFrame.url)) return true;
  return false;
};
const outside = new Map<string, number>();
let providerUs = 0;
for (const [id, us] of selfUs) {
  if (underProvider(id)) {
    providerUs += us;
    continue;
  }
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}`;
  outside.set(key, (outside.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:`);
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\nself time by file:');
for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log(`\nunder the provider (${providerPattern}): ${pct(providerUs)}; the rest by self time:`);
for (const [k, us] of [...outside].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);

// Protocol time by function, inclusive of its callees but not of the provider's work under it.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (underProvider(id)) continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const f = byId.get(at)!.callFrame;
    if (f.url === '' || f.url.startsWith('node:')) continue;
    const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log('\nprotocol time by function, inclusive (provider work excluded):');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);

// Protocol self time by file (provider work excluded).
const outsideByFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (underProvider(id)) continue;
  const f = byId.get(id)!.callFrame;
  const k = shortUrl(f.url) || f.functionName;
  outsideByFile.set(k, (outsideByFile.get(k) ?? 0) + us);
}
console.log('\nprotocol self time by file (provider work excluded):');
for (const [k, us] of [...outsideByFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
