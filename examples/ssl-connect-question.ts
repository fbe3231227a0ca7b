// The SSL_connect question as a unit test would ask it: connect() succeeds, write()
// succeeds, and only read() learns that the server rejected the client's certificate.
import { buildCertificate, createEndpoint, generateKeyPair, nobleProvider, seededRandom } from '@tls13sim/handshake';
import { Simulation, openSslLens, renderTimeline } from '@tls13sim/sim';

const rand = seededRandom('example-pki');
const caKey = generateKeyPair('ed25519', rand);
const ca = buildCertificate({ subject: 'CN=Example CA', publicKey: caKey.publicKey, notBefore: 0, notAfter: 4e12, isCA: true }, caKey.privateKey, rand);
const issue = (name: string) => {
  const key = generateKeyPair('ed25519', rand);
  const cert = buildCertificate({ subject: `CN=${name}`, issuer: ca, publicKey: key.publicKey, notBefore: 0, notAfter: 4e12, dnsNames: [name] }, caKey.privateKey, rand);
  return { chain: [cert.der], privateKey: key.privateKey };
};

const client = createEndpoint({
  role: 'client',
  crypto: nobleProvider,
  random: seededRandom('client'),
  serverName: 'server.example',
  trustAnchors: [ca.der],
  validationTime: Date.UTC(2026, 0, 1),
  certificate: issue('client.example'),
});
const server = createEndpoint({
  role: 'server',
  crypto: nobleProvider,
  random: seededRandom('server'),
  certificate: issue('server.example'),
  clientAuth: 'require',
  // The server's policy refuses this client, whatever its chain says.
  clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }),
});

const sim = new Simulation({ client, server, scenario: 'example', seed: 1 });
const ssl = openSslLens(sim, 'client', { blocking: true });

export const results = {
  connect: ssl.connect(), // { result: 'ok', api: 'SSL_connect', outcome: '1' }: the client's handshake is complete
  write: ssl.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), // { result: 'ok', ... }
  read: ssl.read(100), // { result: 'error', alert: 'access_denied', outcome: '0 SSL_ERROR_SSL: tlsv1 alert access denied' }
  verdict: sim.ledger('client').peerVerdict, // rejected, with the alert as evidence
};

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderTimeline(sim.toTrace()));
  console.log(results);
}
