// A client and a server over a network you choose, seen through OpenSSL's API.
import { checkCompleteBefore, clientServerPair, openSslLens } from '@tls13sim/sim';

const sim = clientServerPair({
  seed: 7, // the same seed, the same bytes and the same schedule
  policy: { unit: { kind: 'bytes', n: 3 }, interleave: 'random' },
});
const client = openSslLens(sim, 'client', { blocking: true });
const server = openSslLens(sim, 'server', { blocking: true });
export const connect = client.connect(); // SSL_connect drives the handshake to completion
export const write = client.write(new TextEncoder().encode('hello'));
export const read = server.read(100);
export const clientFirst = checkCompleteBefore(sim.toTrace(), 'client', 'server').pass; // §4.4.4: the client's Finished comes last
