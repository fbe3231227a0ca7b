/**
 * Application data keeps its record boundaries: readApplicationRecord returns one record's
 * unread bytes (what a library that hands data on record by record, such as Node's 'data'
 * events, gives the application), and a partial readApplicationData leaves the rest of a
 * record as a record of its own. TLS 1.3 and TLS 1.2 alike.
 */
import { describe, expect, it } from 'vitest';
import type { TlsEndpoint } from '@tls13sim/handshake';
import { concatBytes } from '@tls13sim/record';
import { takeChunks } from '../src/endpoint/app-data.js';
import { makePair } from './endpoint-helpers.js';
import { drive, pair12 } from './tls12-helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null | undefined) => (b === null || b === undefined ? null : new TextDecoder().decode(b));

/** Two records from the server, both delivered before the client reads anything. */
function twoRecords(client: TlsEndpoint, server: TlsEndpoint): void {
  client.start();
  drive(client, server);
  server.write(enc('first'));
  server.write(enc('second'));
  drive(client, server);
}

describe('application data by record', () => {
  it.each([
    ['TLS 1.3', () => makePair()],
    ['TLS 1.2', () => pair12()],
  ] as const)('%s: one record per readApplicationRecord, boundaries kept across a partial read', (_v, make) => {
    const { client, server } = make() as { client: TlsEndpoint; server: TlsEndpoint };
    twoRecords(client, server);
    expect(dec(client.readApplicationData(2))).toBe('fi');
    expect(dec(client.readApplicationRecord?.())).toBe('rst');
    expect(dec(client.readApplicationRecord?.())).toBe('second');
    expect(client.readApplicationRecord?.()).toBeNull();
  });

  it('readApplicationData still returns everything that has arrived, across records', () => {
    const { client, server } = makePair();
    twoRecords(client, server);
    expect(dec(client.peekApplicationData())).toBe('firstsecond');
    expect(dec(client.readApplicationData())).toBe('firstsecond');
  });

  it('takeChunks: copies, splits inside a chunk without merging the rest', () => {
    const a = enc('abc');
    const b = enc('de');
    const r = takeChunks([a, b], 4)!;
    expect(dec(r.data)).toBe('abcd');
    expect(r.rest.map(dec)).toEqual(['e']);
    const whole = takeChunks([a, b], 2)!;
    expect(whole.rest.map(dec)).toEqual(['c', 'de']);
    const all = takeChunks([a], 10)!;
    all.data[0] = 0;
    expect(dec(a)).toBe('abc');
    expect(dec(concatBytes(...takeChunks([a, b], 0)!.rest))).toBe('abcde');
    expect(takeChunks([], 5)).toBeNull();
  });
});
