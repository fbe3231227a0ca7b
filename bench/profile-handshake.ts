/**
 * A profiling driver (not a bench row): runs N in-memory handshakes with one provider so
 * that `node --cpu-prof` sees nothing else, e.g.
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/profile-handshake.ts node ed25519 3000 [tickets]
 *
 * then `tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile` prints self time per function.
 */
import { createNodeProvider, nobleProvider } from '@tls13sim/handshake';
import { certKindArg, choiceArg, countArg, noMoreArgs } from './args.js';
import { freshHandshake } from './fixtures.js';

const SCRIPT = 'profile-handshake';
const argv = process.argv.slice(2);
noMoreArgs(SCRIPT, argv, 4, 'profile-handshake.ts [noble|node] [CERT KIND] [COUNT] [tickets]');
const providerName = choiceArg(SCRIPT, 'the provider', argv[0] ?? 'node', ['noble', 'node']);
const kind = certKindArg(SCRIPT, argv[1] ?? 'ed25519');
const count = countArg(SCRIPT, 'the handshake count', argv[2] ?? '2000');
const tickets = argv[3] !== undefined && choiceArg(SCRIPT, 'the fourth argument', argv[3], ['tickets']) === 'tickets';
const provider = providerName === 'noble' ? nobleProvider : createNodeProvider();
// Warm up first so the profile is of optimised code.
for (let i = 0; i < Math.min(200, count); i++) freshHandshake(provider, kind, tickets);
const start = performance.now();
for (let i = 0; i < count; i++) freshHandshake(provider, kind, tickets);
const ms = performance.now() - start;
console.log(`${count} handshakes (${providerName}, ${kind}${tickets ? ', tickets' : ''}): ${(ms / count).toFixed(3)} ms each`);
