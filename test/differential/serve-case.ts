/**
 * For developing a harness by hand: `npx tsx test/differential/serve-case.ts <case>` starts
 * the case's server on an ephemeral loopback port and prints one JSON line with the port
 * and the PEM paths a client harness needs; it runs until killed.
 */
import { diffCase } from '../../packages/sim/src/lens/cases.js';
import { startMitm } from './mitm.js';
import { makeDiffPki, startDiffServer } from './server.js';

const name = process.argv[2];
if (name === undefined) {
  console.error('usage: serve-case.ts <case>');
  process.exit(2);
}
const c = diffCase(name);
const pki = makeDiffPki();
const srv = await startDiffServer(c, pki);
// A downgrade case: the client connects through the attacker (mitm.ts), as runOnServer does.
const mitm = c.server.downgrade === true ? await startMitm('127.0.0.1', srv.port) : undefined;
console.log(
  JSON.stringify({
    case: c.name,
    host: '127.0.0.1',
    port: mitm?.port ?? srv.port,
    ca: pki.caPath,
    otherCa: pki.otherCaPath,
    clientCert: pki.client.certPath,
    clientKey: pki.client.keyPath,
    untrustedCert: pki.untrustedClient.certPath,
    untrustedKey: pki.untrustedClient.keyPath,
  }),
);
process.on('SIGTERM', () => void Promise.all([mitm?.close(), srv.close()]).then(() => process.exit(0)));
setInterval(() => {
  for (const l of srv.log.splice(0)) console.error(`[server] ${l}`);
}, 200);
