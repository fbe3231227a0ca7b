import { DIFF_CASES } from '../../packages/sim/src/lens/cases.js';
import { makeDiffPki, startDiffServer } from './server.js';
import { runHarnessProcess, WAIT_MS, BLOCK_MS } from './harness.js';
const pki = makeDiffPki();
const names = process.argv.slice(3);
const reps = Number(process.argv[2]);
for (const c of DIFF_CASES) {
  if (names.length && !names.includes(c.name)) continue;
  if (c.unsupported?.node || c.script.some((s) => s.op === 'peek' || s.op === 'nonblocking' || (s.op === 'read' && s.n === 0))) continue;
  const srv = await startDiffServer(c, pki);
  const seen = new Set<string>();
  for (let i = 0; i < reps; i++) {
    const id = c.clientCert === 'trusted' ? pki.client : c.clientCert === 'untrusted' ? pki.untrustedClient : undefined;
    const t = Date.now();
    const out = await runHarnessProcess('node', ['test/differential/node/harness.mjs'], { host: '127.0.0.1', port: srv.port, ...(id ? { cert: id.certPath, key: id.keyPath } : {}), pha: !!c.clientPha, waitMs: WAIT_MS, blockMs: BLOCK_MS, script: c.script });
    const s = out.map((o) => `  ${o.call} ${o.api} ${o.outcome}`).join('\n');
    if (!seen.has(s)) { seen.add(s); console.log(`== ${c.name} (run ${i}, ${Date.now() - t} ms)\n${s}`); }
  }
  if (seen.size > 1) console.log(`!! ${c.name}: ${seen.size} variants`);
  console.log(`   server log: ${JSON.stringify(srv.log)}`);
  await srv.close();
}
