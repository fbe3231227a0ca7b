// Two sans-I/O endpoints: bytes in (handleBytes), records out (pollTransmit). You move them.
import { createEndpoint, nobleProvider, seededRandom, type Endpoint } from '@tls13sim/handshake';
import { caDer, serverCertificate } from './handshake-pki.js';

const validationTime = Date.UTC(2026, 0, 1); // certificates are checked at this time (no clock)
const client = createEndpoint({ role: 'client', crypto: nobleProvider, random: seededRandom('client'), serverName: 'server.example', trustAnchors: [caDer], validationTime });
const server = createEndpoint({ role: 'server', crypto: nobleProvider, random: seededRandom('server'), certificate: serverCertificate, validationTime });
function pump(from: Endpoint, to: Endpoint): boolean {
  let moved = false;
  for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) {
    to.handleBytes(r);
    moved = true;
  }
  return moved;
}
client.start();
while (pump(client, server) || pump(server, client)); // until both are quiet
client.write(new TextEncoder().encode('ping'));
pump(client, server);
export const result = { client: client.state, server: server.state, received: new TextDecoder().decode(server.readApplicationData()!) };
