/** Test helpers for TLS 1.2 endpoints: a pair, a driver, event logs, and the record keys a side wrote with. */
import { ContentType, protectRecord12, type Tls12Keys } from '@tls13sim/record';
import {
  createNodeProvider,
  createTlsEndpoint,
  nobleProvider,
  seededRandom,
  tls12KeyBlock,
  TLS12_SUITE_PARAMS,
  type EndpointConfig,
  type EndpointEvent,
  type KeyType,
  type Tls12CipherSuiteName,
  type TlsEndpoint,
} from '@tls13sim/handshake';
import { testPki, VALIDATION_TIME } from './endpoint-helpers.js';

export const nodeCrypto = createNodeProvider();
export const clientPki = testPki('p256', 'client.test');

/** A 1.2 client and server (the server's certificate of `serverKey`), defaults overridable. */
export function pair12(client: Partial<EndpointConfig> = {}, server: Partial<EndpointConfig> = {}, serverKey: KeyType = 'p256', seed = 1) {
  const pki = testPki(serverKey, 'server.test');
  const crypto = client.crypto ?? server.crypto ?? nobleProvider;
  const c = createTlsEndpoint({
    role: 'client',
    versions: ['TLSv1.2'],
    crypto,
    random: seededRandom(`c12:${seed}`),
    serverName: 'server.test',
    trustAnchors: [pki.ca],
    validationTime: VALIDATION_TIME,
    ...client,
  });
  const s = createTlsEndpoint({
    role: 'server',
    versions: ['TLSv1.2'],
    crypto,
    random: seededRandom(`s12:${seed}`),
    certificate: pki.leaf,
    validationTime: VALIDATION_TIME,
    trustAnchors: [clientPki.ca],
    ...server,
  });
  return { client: c, server: s, ca: pki.ca };
}

/** Moves every queued record across until neither side sends; returns how many moved. */
export function drive(a: TlsEndpoint, b: TlsEndpoint, maxRounds = 50): number {
  let n = 0;
  for (let i = 0; i < maxRounds; i++) {
    const moved = flush(a, b) + flush(b, a);
    n += moved;
    if (moved === 0) return n;
  }
  throw new Error('drive: no quiescence');
}

export function flush(from: TlsEndpoint, to: TlsEndpoint): number {
  let n = 0;
  for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) {
    to.handleBytes(r);
    n++;
  }
  return n;
}

export function takeRecords(from: TlsEndpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) out.push(r);
  return out;
}

/** Keeps every event (pollEvent drains). */
export class Log12 {
  readonly all: EndpointEvent[] = [];
  constructor(readonly ep: TlsEndpoint) {}
  pump(): this {
    for (let e = this.ep.pollEvent(); e !== null; e = this.ep.pollEvent()) this.all.push(e);
    return this;
  }
  /** A compact line per event: `state A>B`, `sent [msgs]`, `recv [msgs]`, `alert_sent x`, … */
  lines(): string[] {
    this.pump();
    return this.all.map((e) => {
      switch (e.type) {
        case 'state':
          return `state ${e.from}>${e.to}`;
        case 'record_sent':
        case 'record_received':
          return `${e.type === 'record_sent' ? 'sent' : 'recv'} ${e.record.epoch} ${e.record.alert ? `alert ${e.record.alert.description}` : e.record.messages.join(',') || e.record.innerType}`;
        case 'keys_installed':
          return `keys ${e.direction} ${e.epoch} ${e.keylog?.label}`;
        case 'alert_sent':
        case 'alert_received':
          return `${e.type} ${e.level} ${e.description}`;
        default:
          return e.type;
      }
    });
  }
}

/** The record keys `side` writes with, from the master secret of its keylog event and the hellos' randoms. */
export function writeKeys12(
  log: Log12,
  side: 'client' | 'server',
  suiteName: Tls12CipherSuiteName,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto = nobleProvider,
): Tls12Keys {
  const k = log.pump().all.find((e) => e.type === 'keys_installed' && e.keylog !== undefined);
  if (k === undefined || k.type !== 'keys_installed') throw new Error('no keys installed yet');
  const suite = TLS12_SUITE_PARAMS[suiteName];
  const kb = tls12KeyBlock(crypto, suite.hash, k.keylog!.secret, clientRandom, serverRandom, suite.keyLength, suite.fixedIvLength);
  return { aead: crypto.aead(suite.aead), ...(side === 'client' ? kb.client : kb.server) };
}

/** The randoms of a run: bytes 11..43 of the first record each side sent (ClientHello / ServerHello). */
export function randomsOf(clientLog: Log12, serverLog: Log12): { clientRandom: Uint8Array; serverRandom: Uint8Array } {
  const first = (l: Log12): Uint8Array => {
    const e = l.pump().all.find((x) => x.type === 'record_sent');
    if (e === undefined || e.type !== 'record_sent') throw new Error('nothing sent');
    return e.record.wire.slice(11, 43);
  };
  return { clientRandom: first(clientLog), serverRandom: first(serverLog) };
}

export function sealHandshake12(keys: Tls12Keys, seq: bigint, message: Uint8Array): Uint8Array {
  return protectRecord12(keys, seq, ContentType.handshake, message);
}
