/**
 * Our TLS server over TCP: one sans-I/O endpoint per accepted socket. Connections are
 * independent: an error in one (a TLS alert, a socket reset, a throwing handler) is
 * reported and ends that connection only.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createTlsEndpoint, type EndpointConfig } from '@tls13sim/handshake';
import { TlsConnection, type ConnectionOptions } from './connection.js';

export interface TlsServerOptions extends ConnectionOptions {
  /** A fresh server configuration per connection (`role` is forced to `server`). */
  readonly config: (socket: Socket) => Omit<EndpointConfig, 'role'>;
  /** Runs the connection; a rejection is reported through `onError` and ends that connection. */
  readonly onConnection: (conn: TlsConnection) => void | Promise<void>;
  /** Reports a connection's failure (never thrown). Default: ignore. */
  readonly onError?: (error: unknown, conn: TlsConnection | undefined) => void;
}

/** Emits `connection` (TlsConnection) for each accepted socket, before its handler runs. */
export class TlsServer extends EventEmitter {
  private readonly server: Server;
  private readonly live = new Set<TlsConnection>();
  private accepted = 0;

  constructor(private readonly opts: TlsServerOptions) {
    super();
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Connections accepted so far, and those still open. */
  get stats(): { accepted: number; open: number } {
    return { accepted: this.accepted, open: this.live.size };
  }

  get connections(): ReadonlySet<TlsConnection> {
    return this.live;
  }

  /** Stops listening; open connections get close_notify. Resolves when all are gone. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.live].map((c) => c.close()));
    await closed;
  }

  private accept(socket: Socket): void {
    this.accepted++;
    let conn: TlsConnection | undefined;
    try {
      conn = new TlsConnection(socket, createTlsEndpoint({ ...this.opts.config(socket), role: 'server' }), this.opts);
    } catch (e) {
      socket.on('error', () => {});
      socket.destroy();
      this.report(e, undefined);
      return;
    }
    const c = conn;
    this.live.add(c);
    c.once('close', () => this.live.delete(c));
    this.emit('connection', c);
    Promise.resolve()
      .then(() => this.opts.onConnection(c))
      .catch((e: unknown) => {
        this.report(e, c);
        if (c.closed === undefined) c.close().catch(() => {});
      });
  }

  private report(e: unknown, conn: TlsConnection | undefined): void {
    try {
      this.opts.onError?.(e, conn);
    } catch {
      // A reporter that throws must not take the server down.
    }
  }
}
