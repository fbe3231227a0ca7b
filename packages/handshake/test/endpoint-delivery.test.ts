/**
 * The handshake does not depend on how bytes arrive (§5.1: handshake messages "MAY be
 * coalesced into a single TLSPlaintext record or fragmented across several records"; a
 * record may arrive in any number of reads), and application data written early is sent
 * as soon as the application keys allow (client: after its Finished; server: 0.5-RTT after
 * its Finished).
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '@tls13sim/record';
import type { Endpoint, EndpointConfig } from '@tls13sim/handshake';
import { drive, makePair, testPki } from './endpoint-helpers.js';
import { Link } from './endpoint-inject.js';

const clientPki = testPki('ed25519', 'client.test');
const AUTH: [Partial<EndpointConfig>, Partial<EndpointConfig>] = [
  { certificate: clientPki.leaf, middleboxCompat: true },
  { clientAuth: 'require', trustAnchors: [clientPki.ca] },
];

function take(ep: Endpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = ep.pollTransmit(); r !== null; r = ep.pollTransmit()) out.push(r);
  return out;
}

/** Like drive(), but hands over each batch with `deliver`. */
function driveWith(a: Endpoint, b: Endpoint, deliver: (records: Uint8Array[], to: Endpoint) => void): void {
  for (let i = 0; i < 50; i++) {
    const ab = take(a);
    if (ab.length > 0) deliver(ab, b);
    const ba = take(b);
    if (ba.length > 0) deliver(ba, a);
    if (ab.length === 0 && ba.length === 0) return;
  }
  throw new Error('no quiescence');
}

function expectConnected(client: Endpoint, server: Endpoint): void {
  expect(client.error).toBeUndefined();
  expect(server.error).toBeUndefined();
  expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  expect(client.trafficSecrets!.write).toEqual(server.trafficSecrets!.read);
  expect(client.trafficSecrets!.read).toEqual(server.trafficSecrets!.write);
}

describe('delivery granularity does not matter', () => {
  it('completes with every byte delivered in its own handleBytes call (client auth, compatibility mode)', () => {
    const { client, server } = makePair(...AUTH, 51);
    client.start();
    driveWith(client, server, (records, to) => {
      for (const b of concatBytes(...records)) to.handleBytes(new Uint8Array([b]));
    });
    expectConnected(client, server);
  });

  it('completes with each flight coalesced into one handleBytes call', () => {
    const { client, server } = makePair(...AUTH, 52);
    client.start();
    driveWith(client, server, (records, to) => to.handleBytes(concatBytes(...records)));
    expectConnected(client, server);
  });

  it('completes with every handshake message fragmented into 1-byte protected records', () => {
    const { client, server } = makePair(...AUTH, 53);
    const l = new Link(client, server);
    l.c2s.maxContent = 1;
    l.s2c.maxContent = 1;
    client.start();
    l.run();
    expectConnected(client, server);
    // The server's Certificate alone took hundreds of records.
    expect(l.clientLog.of('record_received').length).toBeGreaterThan(300);
  });

  it('completes with one record per handshake message', () => {
    const { client, server } = makePair(...AUTH, 54);
    const l = new Link(client, server);
    client.start();
    l.run();
    expectConnected(client, server);
    const serverFlight = l.clientLog.of('record_received').map((e) => e.record.messages);
    expect(serverFlight.filter((m) => m.length > 0)).toEqual([
      ['server_hello'],
      ['encrypted_extensions'],
      ['certificate_request'],
      ['certificate'],
      ['certificate_verify'],
      ['finished'],
    ]);
  });
});

describe('application data written early', () => {
  it('the client queues data written before its Finished and sends it right after, under its application keys', () => {
    const { client, server } = makePair({}, {}, 55);
    client.start();
    client.write(utf8('queued'));
    drive(client, server);
    expect(server.readApplicationData()).toEqual(utf8('queued'));
  });

  it('the server may send 0.5-RTT data after its Finished; the client reads it once connected', () => {
    const { client, server } = makePair({}, {}, 56);
    client.start();
    for (const r of take(client)) server.handleBytes(r);
    expect(server.state).toBe('WAIT_FINISHED');
    expect(server.writeEpoch).toBe('application');
    server.write(utf8('half round trip'));
    for (const r of take(server)) client.handleBytes(r);
    expect(client.state).toBe('CONNECTED');
    expect(client.readApplicationData()).toEqual(utf8('half round trip'));
  });
});
