import { describe, expect, it } from 'vitest';
import { fromHex } from '@tls13sim/record';
import { traceToJson } from '../src/index.js';
import { CLIENT_AUTH, deliveredHex, pairSim, ofType, sentHex } from './helpers.js';

const alertRecord = (level: number, code: number): Uint8Array => new Uint8Array([21, 3, 3, 0, 2, level, code]);

describe('faults', () => {
  it('drop: removes the unit from the stream, so the server never sees the ClientHello', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'drop', at: { index: 0 } }] });
    const r = sim.run();
    expect(r.quiescent).toBe(true);
    const [d] = ofType(sim.events, 'delivered');
    expect(d).toMatchObject({ bytes: 0, taken: 181, fault: { kind: 'drop' }, hex: '' });
    expect(sim.server.state).toBe('START');
    expect(sim.client.state).toBe('WAIT_SH');
    expect(ofType(sim.events, 'record_received')).toHaveLength(0);
  });

  it('duplicate: delivers the unit again as the next unit, and a repeated ClientHello is an unexpected_message', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'duplicate', at: { direction: 'client_to_server', index: 0 } }] });
    sim.run();
    const toServer = ofType(sim.events, 'delivered').filter((d) => d.direction === 'client_to_server');
    expect(toServer[0]!.fault).toEqual({ kind: 'duplicate' });
    expect(toServer[1]!.hex).toBe(toServer[0]!.hex);
    expect(ofType(sim.events, 'alert_sent')).toContainEqual(expect.objectContaining({ side: 'server', description: 'unexpected_message' }));
    expect(sim.server.state).toBe('CLOSED');
  });

  it('truncate: hands over only the first `keep` bytes and loses the rest, leaving the receiver waiting', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'truncate', at: { index: 0 }, keep: 40 }] });
    sim.run();
    const [d] = ofType(sim.events, 'delivered');
    expect(d).toMatchObject({ bytes: 40, taken: 181, fault: { kind: 'truncate', keep: 40 } });
    expect(d!.hex).toBe(sentHex(sim.toTrace(), 'client').slice(0, 80));
    expect(sim.server.state).toBe('START');
    expect(sim.isQuiescent).toBe(true);
  });

  it('truncate with a seeded length records the length it chose', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'truncate', at: { index: 1 } }] }, 17);
    sim.run();
    const d = ofType(sim.events, 'delivered')[1]!;
    expect(d.fault?.kind).toBe('truncate');
    if (d.fault?.kind !== 'truncate') throw new Error('unreachable');
    expect(d.bytes).toBe(d.fault.keep);
    expect(d.fault.keep).toBeLessThan(d.taken);
  });

  it('corrupt: flips one byte of the unit, and a tampered protected record is a bad_record_mac', () => {
    // Server flight: ServerHello (95 B) + protected records; corrupt inside the first protected one.
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'corrupt', at: { direction: 'server_to_client', index: 0 }, offset: 100, xor: 0x40 }] });
    sim.run();
    const serverHello = ofType(sim.events, 'record_sent').find((r) => r.side === 'server')!;
    expect(serverHello.messages).toEqual(['server_hello']);
    expect(serverHello.hex.length / 2).toBe(95);
    const d = ofType(sim.events, 'delivered').find((e) => e.direction === 'server_to_client')!;
    const sent = fromHex(sentHex(sim.toTrace(), 'server').slice(0, d.taken * 2));
    const got = fromHex(d.hex);
    expect(got[100]).toBe(sent[100]! ^ 0x40);
    got[100] = sent[100]!;
    expect(got).toEqual(sent);
    expect(ofType(sim.events, 'alert_sent')).toContainEqual(expect.objectContaining({ side: 'client', description: 'bad_record_mac' }));
    expect(sim.client.state).toBe('CLOSED');
    expect(sim.client.error?.alert).toBe('bad_record_mac');
  });

  it('inject: delivers a forged record before the chosen delivery, without consuming the queue', () => {
    const forged = alertRecord(2, 40);
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'inject', at: { direction: 'server_to_client', index: 0 }, bytes: forged }] });
    sim.run();
    const toClient = ofType(sim.events, 'delivered').filter((d) => d.direction === 'server_to_client');
    expect(toClient[0]).toMatchObject({ taken: 0, bytes: 7, hex: '15030300020228', fault: { kind: 'inject', hex: '15030300020228' } });
    // RFC 8446 §6: alert 40 is handshake_failure; a fatal alert closes the connection (§6.2).
    expect(ofType(sim.events, 'alert_received')[0]).toMatchObject({ side: 'client', level: 'fatal', description: 'handshake_failure' });
    expect(sim.client.state).toBe('CLOSED');
    // The server's real flight still crossed the network afterwards (and was discarded by the closed client).
    expect(
      toClient
        .slice(1)
        .map((d) => d.hex)
        .join(''),
    ).toBe(sentHex(sim.toTrace(), 'server'));
  });

  it('inject fires even when the network is otherwise idle', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'inject', at: { direction: 'client_to_server', index: 2 }, bytes: alertRecord(1, 0) }] });
    sim.run();
    const toServer = ofType(sim.events, 'delivered').filter((d) => d.direction === 'client_to_server');
    expect(toServer).toHaveLength(3);
    expect(toServer[2]!.fault?.kind).toBe('inject');
  });

  it('applies each fault once, at its point, and records it so the run replays', () => {
    const policy = {
      faults: [
        { kind: 'corrupt' as const, at: { index: 2 } },
        { kind: 'drop' as const, at: { index: 5 } },
      ],
    };
    const a = pairSim(CLIENT_AUTH, policy, 23);
    a.run();
    const faults = ofType(a.events, 'delivered').flatMap((d, i) => (d.fault ? [[i, d.fault.kind]] : []));
    expect(faults).toEqual([[2, 'corrupt']]);
    const b = pairSim(CLIENT_AUTH, policy, 23);
    b.run();
    expect(traceToJson(b.toTrace())).toBe(traceToJson(a.toTrace()));
  });

  it('leaves the fault-free direction untouched', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'corrupt', at: { direction: 'client_to_server', index: 1 }, offset: 10 }] });
    sim.run();
    expect(deliveredHex(sim.toTrace(), 'server_to_client')).toBe(sentHex(sim.toTrace(), 'server'));
  });
});
