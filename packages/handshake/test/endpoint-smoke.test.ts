import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import { drive, events, makePair } from './endpoint-helpers.js';

describe('full handshake', () => {
  it('connects a client and a server and carries data both ways', () => {
    const { client, server } = makePair();
    client.start();
    drive(client, server);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
    client.write(utf8('ping'));
    drive(client, server);
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('ping');
    server.write(utf8('pong'));
    drive(client, server);
    expect(new TextDecoder().decode(client.readApplicationData()!)).toBe('pong');
    expect(client.trafficSecrets!.write).toEqual(server.trafficSecrets!.read);
    const ev = events(client)
      .filter((e) => e!.type === 'state')
      .map((e) => (e as { to: string }).to);
    expect(ev).toEqual(['WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED']);
  });
});
