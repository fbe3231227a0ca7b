import { SealedTicketIssuer, createEndpoint, createNodeProvider, seededRandom, type EndpointApi, type EndpointEvent } from '@tls13sim/handshake';
import { Simulation, testPki, type DeliveryPolicy, type NetDirection, type Trace, type TraceEvent } from '../src/index.js';

/** How the tests' real endpoint pairs are set up (`pairSim`). */
export interface PairConfig {
  /** The server requires a client certificate (RFC 8446 §4.3.2); the client has one. */
  readonly clientAuth?: boolean;
  /** The client signs its CertificateVerify with a key that does not match its certificate (§4.4.3). */
  readonly rejectClientCv?: boolean;
  /** NewSessionTickets the server sends after the client's Finished (§4.6.1). */
  readonly tickets?: number;
  /** The server's application writes this as soon as its handshake completes. */
  readonly greeting?: string;
  /** Both applications write every byte they read back (two echoing peers ping-pong forever). */
  readonly echo?: boolean;
}

export const CLIENT_AUTH: PairConfig = { clientAuth: true };

const pki = testPki();
const crypto = createNodeProvider();

/**
 * A real endpoint with a small application on top: `greeting` is written when the
 * handshake completes, and with `echo` every byte read is written back. The protocol is
 * the endpoint's own; only the application's calls are scripted.
 */
class WithApp implements EndpointApi {
  constructor(
    private readonly inner: EndpointApi,
    private readonly app: { readonly greeting?: string; readonly echo?: boolean },
  ) {}
  get role(): EndpointApi['role'] {
    return this.inner.role;
  }
  get state(): EndpointApi['state'] {
    return this.inner.state;
  }
  get error(): EndpointApi['error'] {
    return this.inner.error;
  }
  get handshakeComplete(): boolean {
    return this.inner.handshakeComplete;
  }
  get peerClosed(): boolean {
    return this.inner.peerClosed;
  }
  get closedForWriting(): boolean {
    return this.inner.closedForWriting;
  }
  start(now?: number): void {
    this.inner.start(now);
  }
  handleBytes(bytes: Uint8Array, now?: number): void {
    const before = this.inner.handshakeComplete;
    this.inner.handleBytes(bytes, now);
    if (this.inner.error !== undefined) return;
    if (!before && this.inner.handshakeComplete && this.app.greeting !== undefined) this.inner.write(new TextEncoder().encode(this.app.greeting));
    // After its own close_notify an endpoint sends no more data (RFC 8446 §6.1): no echo then.
    const echo = this.app.echo && !this.inner.closedForWriting ? this.inner.readApplicationData() : null;
    if (echo !== null) this.inner.write(echo);
  }
  handleTimeout(now: number): void {
    this.inner.handleTimeout(now);
  }
  write(data: Uint8Array): void {
    this.inner.write(data);
  }
  keyUpdate(requestPeer: boolean): void {
    this.inner.keyUpdate(requestPeer);
  }
  requestClientAuth(): void {
    this.inner.requestClientAuth();
  }
  close(): void {
    this.inner.close();
  }
  pollTransmit(): Uint8Array | null {
    return this.inner.pollTransmit();
  }
  pollEvent(): EndpointEvent | null {
    return this.inner.pollEvent();
  }
  readApplicationData(max?: number): Uint8Array | null {
    return this.inner.readApplicationData(max);
  }
  peekApplicationData(max?: number): Uint8Array | null {
    return this.inner.peekApplicationData(max);
  }
  clone(): EndpointApi {
    return new WithApp(this.inner.clone(), this.app);
  }
}

/** A real client and server (testPki, node:crypto), seeded: the same config and seed give the same bytes. */
export function realPair(config: PairConfig = {}, seed = 1): { client: EndpointApi; server: EndpointApi } {
  const certificate = config.rejectClientCv ? pki.bad.client.wrongKey : pki.client;
  const client = createEndpoint({
    role: 'client',
    crypto,
    random: seededRandom(`pair:client:${seed}`),
    ...pki.clientSettings,
    ...(config.clientAuth ? { certificate } : {}),
  });
  const tickets = config.tickets ? { tickets: { count: config.tickets, issuer: new SealedTicketIssuer(seededRandom(`pair:tickets:${seed}`)) } } : {};
  const server = createEndpoint({
    role: 'server',
    crypto,
    random: seededRandom(`pair:server:${seed}`),
    ...pki.serverSettings,
    clientAuth: config.clientAuth ? 'require' : 'none',
    ...tickets,
  });
  const echo = config.echo === true;
  return {
    client: echo ? new WithApp(client, { echo }) : client,
    server: new WithApp(server, { echo, ...(config.greeting !== undefined ? { greeting: config.greeting } : {}) }),
  };
}

/** A Simulation of `realPair(config, seed)` under `policy`, named `pair`. */
export function pairSim(config: PairConfig = {}, policy: DeliveryPolicy = {}, seed = 1): Simulation {
  return new Simulation({ ...realPair(config, seed), scenario: 'pair', seed, policy });
}

export function sentHex(trace: Trace | readonly TraceEvent[], side: 'client' | 'server'): string {
  const events = 'events' in trace ? trace.events : trace;
  return events
    .filter((e) => e.type === 'record_sent' && e.side === side)
    .map((e) => (e.type === 'record_sent' ? e.hex : ''))
    .join('');
}

export function receivedHex(trace: Trace | readonly TraceEvent[], side: 'client' | 'server'): string[] {
  const events = 'events' in trace ? trace.events : trace;
  return events.flatMap((e) => (e.type === 'record_received' && e.side === side ? [e.hex] : []));
}

export function deliveredHex(trace: Trace | readonly TraceEvent[], direction: NetDirection): string {
  const events = 'events' in trace ? trace.events : trace;
  return events
    .filter((e) => e.type === 'delivered' && e.direction === direction)
    .map((e) => (e.type === 'delivered' ? e.hex : ''))
    .join('');
}

export function ofType<T extends TraceEvent['type']>(trace: Trace | readonly TraceEvent[], type: T): Array<Extract<TraceEvent, { type: T }>> {
  const events = 'events' in trace ? trace.events : trace;
  return events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}
