/**
 * A session for our client to offer a library it never came from: a ticket that allows 0-RTT,
 * from a server of our own with a ticket key of its own. The library serving cannot open the
 * ticket, so it must ignore the PSK (RFC 8446 §4.2.11) and decline the early data that comes
 * with it (§4.2.10). This is what a client meets when the servers behind one name change.
 */
import { SealedTicketIssuer, createEndpoint, type CryptoProvider, type RandomSource, type ResumptionSession } from '@tls13sim/handshake';
import { keepingSessions } from '../keeping-sessions.js';
import { Simulation } from '../simulation.js';
import { casePki } from './case-pki.js';

/** The early data the foreign ticket allows (its max_early_data_size). */
const MAX_EARLY_DATA = 16384;

/** Runs a handshake with a server of our own (in memory) and returns the client's first session. */
export function foreignEarlyDataSession(crypto: CryptoProvider, random: RandomSource): ResumptionSession {
  const sessions: ResumptionSession[] = [];
  const client = createEndpoint({ role: 'client', crypto, random, insecure: true });
  const server = createEndpoint({
    role: 'server',
    crypto,
    random,
    certificate: casePki(1).server,
    tickets: { count: 1, maxEarlyData: MAX_EARLY_DATA, issuer: new SealedTicketIssuer(random) },
  });
  new Simulation({ client: keepingSessions(client, sessions), server, scenario: 'diff:foreign-session', seed: 1 }).run();
  const session = sessions[0];
  if (session === undefined) throw new Error('foreignEarlyDataSession: our own server issued no ticket');
  return session;
}
