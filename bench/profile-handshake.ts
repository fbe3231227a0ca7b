/**
 * A profiling driver (not a bench row): runs N in-memory handshakes with one provider so
 * that `node --cpu-prof` sees nothing else, e.g.
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/profile-handshake.ts node ed25519 3000 [tickets]
 *
 * then `tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile` prints self time per function.
 */
import { createNodeProvider, nobleProvider } from '@tls13sim/handshake';
import { CERT_KINDS, freshHandshake, type CertKind } from './fixtures.js';

const [providerName = 'node', kindArg = 'ed25519', countArg = '2000', ticketsArg] = process.argv.slice(2);
const kind = kindArg as CertKind;
if (!CERT_KINDS.includes(kind)) throw new Error(`profile: certificate kind is one of ${CERT_KINDS.join(', ')}`);
const provider = providerName === 'noble' ? nobleProvider : createNodeProvider();
const count = Number(countArg);
const tickets = ticketsArg === 'tickets';
// Warm up first so the profile is of optimised code.
for (let i = 0; i < Math.min(200, count); i++) freshHandshake(provider, kind, tickets);
const start = performance.now();
for (let i = 0; i < count; i++) freshHandshake(provider, kind, tickets);
const ms = performance.now() - start;
console.log(`${count} handshakes (${providerName}, ${kind}${tickets ? ', tickets' : ''}): ${(ms / count).toFixed(3)} ms each`);
