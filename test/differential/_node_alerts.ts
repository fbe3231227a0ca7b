import { AlertDescription, type AlertName } from '../../packages/record/src/alert.js';
import { diffCase, type DiffCase } from '../../packages/sim/src/lens/cases.js';
import { makeDiffPki, startDiffServer } from './server.js';
import { runHarnessProcess } from './harness.js';
const pki = makeDiffPki();
const base = diffCase('cert-rejected');
const t = Date.now();
const names = Object.keys(AlertDescription) as AlertName[];
async function one(a: AlertName) {
  const c: DiffCase = { ...base, name: `alert-${a}`, server: { ...base.server, reject: a }, script: [{ op: 'connect' }, { op: 'read', n: 1024 }] };
  const srv = await startDiffServer(c, pki);
  try {
    const out = await runHarnessProcess('node', ['test/differential/node/harness.mjs'], { host: '127.0.0.1', port: srv.port, cert: pki.client.certPath, key: pki.client.keyPath, pha: false, waitMs: 100, blockMs: 1000, script: c.script });
    return `${a} (${AlertDescription[a]}): ${out.map((o) => `${o.call}:${o.api}:${o.outcome}`).join(' | ')}`;
  } finally { await srv.close(); }
}
const res: string[] = [];
for (let i = 0; i < names.length; i += 4) res.push(...(await Promise.all(names.slice(i, i + 4).map(one))));
console.log(res.join('\n'));
console.log(`${Date.now() - t} ms`);
