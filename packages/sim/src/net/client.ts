/** Our TLS client over TCP: `net.connect`, then the endpoint's handshake over the socket. */
import { connect as netConnect, type Socket } from 'node:net';
import { createTlsEndpoint, type EndpointConfig } from '@tls13sim/handshake';
import { TlsConnection, type ConnectionOptions } from './connection.js';

export interface ConnectTlsOptions extends ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** The client endpoint's configuration (`role` is forced to `client`). */
  readonly config: Omit<EndpointConfig, 'role'>;
  /** Milliseconds for the TCP connection to open. Default 10 000. */
  readonly connectTimeoutMs?: number;
}

/**
 * Opens TCP, then starts the handshake (the ClientHello goes out at once). Resolves with
 * the connection as soon as TCP is up: `await conn.handshake()` is SSL_connect.
 */
export async function connectTls(opts: ConnectTlsOptions): Promise<TlsConnection> {
  const socket = await openSocket(opts.host, opts.port, opts.connectTimeoutMs ?? 10_000);
  const endpoint = createTlsEndpoint({ ...opts.config, role: 'client' });
  return new TlsConnection(socket, endpoint, opts);
}

export function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
