/**
 * Node's own `tls` (OpenSSL) doing full TLS 1.3 handshakes in this process over an
 * in-memory `stream.duplexPair`: same certificate (self-signed, trusted directly), same
 * group (`ecdhCurve: 'X25519'`) and cipher suite (TLS_AES_128_GCM_SHA256), both secure
 * contexts made once and reused.
 *
 * Node's server always sends two NewSessionTickets after the client's Finished (OpenSSL's
 * default; Node's API has no switch for it). A handshake here ends only when the client has
 * taken both in (its two 'session' events), as our client does in the bench's ticketed
 * handshakes: ended at 'secureConnect' and 'secure', the client had taken in none (200 of
 * 200 handshakes), so one side's tickets were work the other did not do.
 */
import { duplexPair } from 'node:stream';
import * as tls from 'node:tls';
import { certificateToPem, privateKeyToPem } from '@tls13sim/handshake';
import { BENCH_SUITE, benchCert, SERVER_NAME, type CertKind } from './fixtures.js';

export interface NodeTlsContexts {
  readonly server: tls.SecureContext;
  readonly client: tls.SecureContext;
}

export function nodeTlsContexts(kind: CertKind): NodeTlsContexts {
  const cert = benchCert(kind);
  const certPem = certificateToPem(cert.der);
  // The suite ours negotiates (BENCH_SUITE): left alone, OpenSSL picks TLS_AES_256_GCM_SHA384.
  // Node takes TLS 1.3 suites in `ciphers` (it has no `ciphersuites` option).
  const common = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ecdhCurve: 'X25519', ciphers: BENCH_SUITE } as const;
  return {
    server: tls.createSecureContext({ ...common, cert: certPem, key: privateKeyToPem(cert.certified.privateKey) }),
    client: tls.createSecureContext({ ...common, ca: certPem }),
  };
}

/** The NewSessionTickets Node's server sends, and its client takes in, per handshake. */
export const NODE_TLS_TICKETS = 2;

/**
 * One handshake: resolves once the client has verified the server, the server is done,
 * and the client has taken in the server's tickets (NODE_TLS_TICKETS 'session' events).
 */
export function nodeTlsHandshake(ctx: NodeTlsContexts): Promise<void> {
  const [a, b] = duplexPair();
  return new Promise<void>((resolve, reject) => {
    let done = 0;
    const server = new tls.TLSSocket(b, { isServer: true, secureContext: ctx.server });
    const client = tls.connect({ socket: a, secureContext: ctx.client, servername: SERVER_NAME });
    const fail = (e: Error) => {
      client.destroy();
      server.destroy();
      reject(e);
    };
    const finished = () => {
      if (++done < 2 + NODE_TLS_TICKETS) return;
      client.destroy();
      server.destroy();
      resolve();
    };
    server.once('secure', finished);
    client.on('session', finished);
    client.once('secureConnect', () => (client.authorized ? finished() : fail(new Error(`node tls: ${String(client.authorizationError)}`))));
    server.once('error', fail);
    client.once('error', fail);
  });
}
