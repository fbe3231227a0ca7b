import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, parseTrace, scheduleFromTrace, traceToJson, type DeliveryPolicy, type DeliveryUnit, type Interleave } from '../src/index.js';
import { CLIENT_AUTH, deliveredHex, ofType, pairSim, realPair, receivedHex, sentHex } from './helpers.js';

const UNITS: DeliveryUnit[] = [
  { kind: 'flight' },
  { kind: 'record' },
  { kind: 'bytes', n: 1 },
  { kind: 'bytes', n: 7 },
  { kind: 'split' },
  { kind: 'all' },
  { kind: 'random' },
];
const INTERLEAVES: Interleave[] = ['fifo', 'random', 'client_first', 'server_first', 'alternate'];

function runAndWrite(policy: DeliveryPolicy, seed: number): Simulation {
  const sim = pairSim({ ...CLIENT_AUTH, tickets: 2, greeting: 'hi' }, policy, seed);
  sim.run();
  sim.write('client', new TextEncoder().encode('ping'));
  sim.run();
  return sim;
}

describe('Simulation', () => {
  it('starts with the client emitting its ClientHello as flight 0', () => {
    const sim = pairSim();
    sim.start();
    expect(sim.client.state).toBe('WAIT_SH');
    // The ClientHello record: a 5-byte header and a 176-byte message (as in the README's demo).
    expect(sim.inFlight('client_to_server')).toBe(181);
    expect(sim.inFlight('server_to_client')).toBe(0);
    expect(ofType(sim.events, 'record_sent').map((e) => e.messages)).toEqual([['client_hello']]);
  });

  it('drives a client-auth handshake to quiescence with both sides CONNECTED', () => {
    const sim = pairSim(CLIENT_AUTH);
    const r = sim.run();
    expect(r).toEqual({ steps: 3, quiescent: true, livelock: false });
    expect(sim.client.state).toBe('CONNECTED');
    expect(sim.server.state).toBe('CONNECTED');
    expect(ofType(sim.events, 'handshake_complete').map((e) => e.side)).toEqual(['client', 'server']);
    expect(sim.step()).toBeNull();
  });

  it('numbers events 0,1,2… and never moves the virtual clock backwards', () => {
    const sim = runAndWrite({ unit: { kind: 'split' }, interleave: 'random' }, 5);
    for (const [i, e] of sim.events.entries()) expect(e.seq).toBe(i);
    for (let i = 1; i < sim.events.length; i++) expect(sim.events[i]!.time).toBeGreaterThanOrEqual(sim.events[i - 1]!.time);
  });

  for (const unit of UNITS) {
    for (const interleave of INTERLEAVES) {
      it(`delivers every byte exactly once and in order per direction (unit ${unit.kind}${unit.kind === 'bytes' ? ` ${unit.n}` : ''}, ${interleave})`, () => {
        const sim = runAndWrite({ unit, interleave }, 42);
        const t = sim.toTrace();
        expect(deliveredHex(t, 'client_to_server')).toBe(sentHex(t, 'client'));
        expect(deliveredHex(t, 'server_to_client')).toBe(sentHex(t, 'server'));
        // Every record arrives whole, in order, exactly once.
        expect(receivedHex(t, 'server').join('')).toBe(sentHex(t, 'client'));
        expect(receivedHex(t, 'client').join('')).toBe(sentHex(t, 'server'));
        expect(sim.client.state).toBe('CONNECTED');
        expect(sim.server.state).toBe('CONNECTED');
        expect(new TextDecoder().decode(sim.server.readApplicationData()!)).toBe('ping');
      });
    }
  }

  it('delivers everything exactly once under any seed and random policy (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...UNITS), fc.constantFrom(...INTERLEAVES), (seed, unit, interleave) => {
        const t = runAndWrite({ unit, interleave }, seed).toTrace();
        return deliveredHex(t, 'client_to_server') === sentHex(t, 'client') && deliveredHex(t, 'server_to_client') === sentHex(t, 'server');
      }),
      { numRuns: 60, seed: 8446 },
    );
  });

  it('splits records at single bytes when the unit is one byte', () => {
    const sim = pairSim(CLIENT_AUTH, { unit: { kind: 'bytes', n: 1 } });
    sim.run();
    const delivered = ofType(sim.events, 'delivered');
    expect(delivered.every((d) => d.bytes === 1)).toBe(true);
    expect(delivered.length).toBe(sentHex(sim.toTrace(), 'client').length / 2 + sentHex(sim.toTrace(), 'server').length / 2);
    expect(sim.client.state).toBe('CONNECTED');
    expect(sim.server.state).toBe('CONNECTED');
  });

  it('coalesces flights when the unit is everything ready', () => {
    const sim = pairSim({ ...CLIENT_AUTH, tickets: 1 }, { unit: { kind: 'all' } });
    sim.run();
    sim.write('client', new Uint8Array([1]));
    sim.write('client', new Uint8Array([2]));
    const step = sim.step()!;
    expect(step.choice.direction).toBe('client_to_server');
    expect(ofType(step.events, 'record_received')).toHaveLength(2);
  });

  it('delivers one record per step when the unit is a record', () => {
    const sim = pairSim(CLIENT_AUTH, { unit: { kind: 'record' } });
    sim.run();
    const perStep = ofType(sim.events, 'delivered').map((d) => d.bytes);
    const records = ofType(sim.events, 'record_sent').map((r) => r.hex.length / 2);
    expect(perStep).toEqual(records);
  });

  it('puts per-direction delays on the virtual clock', () => {
    const sim = pairSim(CLIENT_AUTH, { delay: { client_to_server: 30, server_to_client: 5 } });
    sim.run();
    expect(ofType(sim.events, 'delivered').map((d) => [d.direction, d.time])).toEqual([
      ['client_to_server', 30],
      ['server_to_client', 35],
      ['client_to_server', 65],
    ]);
    expect(sim.now).toBe(65);
  });

  it('lets the other direction go first when its data is ready earlier (interleaving by delay)', () => {
    const sim = pairSim({}, { delay: 10 });
    sim.run();
    sim.write('client', new Uint8Array([1])); // ready at now+10
    sim.advanceClock(5);
    sim.write('server', new Uint8Array([2])); // ready at now+10, i.e. 5 ms later
    const first = sim.step()!;
    const second = sim.step()!;
    expect(first.choice.direction).toBe('client_to_server');
    expect(second.choice.direction).toBe('server_to_client');
    expect(second.choice.at - first.choice.at).toBe(5);
  });

  it('gives byte-identical JSON for the same seed, twice', () => {
    const policy: DeliveryPolicy = { unit: { kind: 'random' }, interleave: 'random' };
    const a = traceToJson(runAndWrite(policy, 99).toTrace());
    const b = traceToJson(runAndWrite(policy, 99).toTrace());
    expect(a).toBe(b);
    const c = traceToJson(runAndWrite(policy, 100).toTrace());
    expect(c).not.toBe(a);
  });

  it('replays a recorded schedule to the same trace', () => {
    const policy: DeliveryPolicy = {
      unit: { kind: 'split' },
      interleave: 'random',
      faults: [{ kind: 'corrupt', at: { direction: 'server_to_client', index: 3 } }],
    };
    const original = pairSim({ ...CLIENT_AUTH, greeting: 'hello' }, policy, 7);
    original.run();
    const replay = new Simulation({
      ...realPair({ ...CLIENT_AUTH, greeting: 'hello' }, 7),
      scenario: 'pair',
      seed: 7,
      policy: { delay: policy.delay },
      replay: original.schedule,
    });
    replay.run();
    expect(traceToJson(replay.toTrace())).toBe(traceToJson(original.toTrace()));
    expect(replay.schedule).toEqual(original.schedule);
  });

  it('replays a trace read back from JSON, through the schedule rebuilt from its delivered events', () => {
    const policy: DeliveryPolicy = {
      unit: { kind: 'random' },
      interleave: 'random',
      faults: [
        { kind: 'duplicate', at: { index: 1 } },
        { kind: 'inject', at: { direction: 'client_to_server', index: 3 }, bytes: new Uint8Array([21, 3, 3, 0, 2, 1, 0]) },
      ],
    };
    const original = pairSim({ ...CLIENT_AUTH, tickets: 1 }, policy, 31);
    original.run();
    const saved = parseTrace(traceToJson(original.toTrace()));
    const schedule = scheduleFromTrace(saved.events);
    expect(schedule).toEqual(original.schedule);
    const replay = new Simulation({ ...realPair({ ...CLIENT_AUTH, tickets: 1 }, 31), scenario: 'pair', seed: 31, replay: schedule });
    replay.run();
    expect(traceToJson(replay.toTrace())).toBe(traceToJson(original.toTrace()));
  });

  it('refuses to replay a schedule that does not fit the queues', () => {
    const sim = new Simulation({ ...realPair(), replay: [{ at: 10, direction: 'client_to_server', take: 9999 }] });
    expect(() => sim.step()).toThrow(/replay diverged/);
  });

  it('forks into independent continuations that share the past', () => {
    const sim = pairSim(CLIENT_AUTH, { unit: { kind: 'record' } });
    sim.step();
    sim.step();
    const fork = sim.fork();
    expect(fork.events).toEqual(sim.events);
    expect(fork.now).toBe(sim.now);
    expect(fork.schedule).toEqual(sim.schedule);
    // Diverge: the fork runs to the end, the original does not move.
    const before = sim.events.length;
    const clientState = sim.client.state;
    fork.run();
    expect(fork.client.state).toBe('CONNECTED');
    expect(sim.events.length).toBe(before);
    expect(sim.client.state).toBe(clientState);
    expect(sim.inFlight()).toBeGreaterThan(0);
    // And the original, run on, reaches the same end as the fork (same rng state).
    sim.run();
    expect(traceToJson(sim.toTrace())).toBe(traceToJson(fork.toTrace()));
  });

  it('restores a snapshot as many times as asked, each restore independent', () => {
    const sim = pairSim(CLIENT_AUTH, { unit: { kind: 'split' }, interleave: 'random' }, 3);
    sim.step();
    const snap = sim.snapshot();
    const a = Simulation.restore(snap);
    const b = Simulation.restore(snap);
    a.run();
    expect(b.events.length).toBe(sim.events.length);
    b.run();
    expect(traceToJson(a.toTrace())).toBe(traceToJson(b.toTrace()));
  });

  it('copies the rng state into a fork, so forks with different futures diverge only by their own choices', () => {
    const sim = pairSim(CLIENT_AUTH, { unit: { kind: 'split' } }, 11);
    sim.start();
    const f1 = sim.fork();
    const f2 = sim.fork();
    f1.step();
    f2.step();
    expect(f1.schedule).toEqual(f2.schedule);
  });

  it('reports livelock from runBounded when two echoing peers ping-pong forever', () => {
    const sim = pairSim({ echo: true });
    sim.run();
    sim.write('client', new Uint8Array([7]));
    const r = sim.runBounded(50);
    expect(r).toEqual({ steps: 50, quiescent: false, livelock: true });
    expect(() => sim.run(100)).toThrow(/not quiescent after 100 steps/);
  });

  it('reports quiescence from runBounded when the run ends within the bound', () => {
    const sim = pairSim(CLIENT_AUTH);
    expect(sim.runBounded(50)).toEqual({ steps: 3, quiescent: true, livelock: false });
    expect(sim.isQuiescent).toBe(true);
  });

  it('says exactly what one step did', () => {
    const sim = pairSim();
    const s = sim.step()!;
    expect(s.to).toBe('server');
    expect(s.delivered).toBe(181);
    expect(s.choice).toEqual({ at: 10, direction: 'client_to_server', take: 181 });
    expect(s.events[0]).toMatchObject({ type: 'delivered', side: 'network', direction: 'client_to_server', bytes: 181, taken: 181, flight: 0 });
    expect(ofType(s.events, 'state').map((e) => e.to)).toEqual(['RECVD_CH', 'NEGOTIATED', 'WAIT_FLIGHT2', 'WAIT_FINISHED']);
  });
});
