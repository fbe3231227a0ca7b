import { describe, expect, it } from 'vitest';
import { ledgersFromTrace, openSslLens } from '../src/index.js';
import { CLIENT_AUTH, pairSim, ofType } from './helpers.js';

describe('ledger', () => {
  it('records keys installed per direction with their seq and time', () => {
    const sim = pairSim(CLIENT_AUTH);
    sim.run();
    const l = sim.ledger('client');
    expect(l.keys.read.map((k) => k.epoch)).toEqual(['handshake', 'application']);
    expect(l.keys.write.map((k) => k.epoch)).toEqual(['handshake', 'application']);
    for (const k of [...l.keys.read, ...l.keys.write]) {
      expect(sim.events[k.seq]).toMatchObject({ type: 'keys_installed', side: 'client', epoch: k.epoch, time: k.time });
    }
  });

  it("orders the client's Finished: built, flushed, complete, then received by the server one delay later", () => {
    const sim = pairSim(CLIENT_AUTH);
    sim.run();
    const c = sim.ledger('client');
    expect(c.finishedBuilt!.seq).toBeLessThan(c.finishedFlushed!.seq);
    expect(c.finishedFlushed!.seq).toBeLessThan(c.handshakeComplete!.seq);
    expect(c.finishedReceivedByPeer!.seq).toBeGreaterThan(c.handshakeComplete!.seq);
    expect(c.finishedReceivedByPeer!.time - c.finishedFlushed!.time).toBe(10);
    // The client's second flight is one record (RFC 8446 §4.4): Certificate, CertificateVerify, Finished.
    expect(sim.events[c.finishedReceivedByPeer!.seq]).toMatchObject({
      side: 'server',
      type: 'record_received',
      messages: ['certificate', 'certificate_verify', 'finished'],
    });
  });

  it('shows the client complete before the server, and the server complete only on the client Finished', () => {
    const sim = pairSim(CLIENT_AUTH);
    sim.run();
    expect(sim.ledger('client').handshakeComplete!.time).toBe(20);
    expect(sim.ledger('server').handshakeComplete!.time).toBe(30);
  });

  it('keeps the verdict unknown when the server accepted silently', () => {
    const sim = pairSim(CLIENT_AUTH);
    sim.run();
    expect(sim.ledger('client').peerVerdict).toEqual({ verdict: 'unknown' });
    expect(ofType(sim.events, 'peer_verdict')).toHaveLength(0);
  });

  it('turns the verdict to accepted on a NewSessionTicket received after our Finished', () => {
    const sim = pairSim({ ...CLIENT_AUTH, tickets: 2 });
    sim.run();
    const v = sim.ledger('client').peerVerdict;
    expect(v).toMatchObject({ verdict: 'accepted', evidence: 'new_session_ticket' });
    const events = ofType(sim.events, 'peer_verdict');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ side: 'client', verdict: 'accepted', evidence: 'new_session_ticket received after our Finished' });
  });

  it('turns the verdict to accepted on application data received after our Finished', () => {
    const sim = pairSim({ ...CLIENT_AUTH, greeting: 'hello' });
    sim.run();
    expect(sim.ledger('client').peerVerdict).toMatchObject({ verdict: 'accepted', evidence: 'application_data' });
  });

  it("gives the server an accepted verdict when the client's data arrives after the server's Finished", () => {
    const sim = pairSim(CLIENT_AUTH);
    sim.run();
    sim.write('client', new Uint8Array([1, 2, 3]));
    sim.run();
    expect(sim.ledger('server').peerVerdict).toMatchObject({ verdict: 'accepted', evidence: 'application_data' });
  });

  it('turns the verdict to rejected(alert) when the alert arrives — after connect returned ok', () => {
    const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true });
    const c = openSslLens(sim, 'client', { blocking: true });
    c.connect();
    expect(sim.ledger('client').peerVerdict.verdict).toBe('unknown');
    sim.run();
    // Arrived is not processed: the alert waits in the client's socket buffer until a read.
    expect(sim.ledger('client').peerVerdict.verdict).toBe('unknown');
    expect(c.read(10).result).toBe('error');
    const v = sim.ledger('client').peerVerdict;
    expect(v).toMatchObject({ verdict: 'rejected', alert: { level: 'fatal', description: 'decrypt_error' }, basis: 'knows' });
    const [ev] = ofType(sim.events, 'peer_verdict');
    expect(ev).toMatchObject({ side: 'client', verdict: 'rejected', alert: { description: 'decrypt_error' } });
    const connectOk = ofType(sim.events, 'app_call').find((e) => e.call === 'connect' && e.result === 'ok')!;
    expect(connectOk.seq).toBeLessThan(ev!.seq);
    // The server never completes: the record carrying the client's Finished arrives, but the
    // server fails on the CertificateVerify before it (§4.4.3) and never verifies the Finished.
    expect(sim.ledger('server').handshakeComplete).toBeUndefined();
    const arrived = sim.ledger('client').finishedReceivedByPeer!;
    expect(sim.events[arrived.seq]).toMatchObject({ side: 'server', type: 'record_received', messages: ['certificate', 'certificate_verify', 'finished'] });
    const verified = ofType(sim.events, 'note').filter((e) => e.fact === 'finished_verified');
    expect(verified.map((e) => e.side)).toEqual(['client']);
    expect(ofType(sim.events, 'alert_sent')).toEqual([expect.objectContaining({ side: 'server', description: 'decrypt_error' })]);
  });

  it('rebuilds the same ledgers from the trace alone', () => {
    const sim = pairSim({ ...CLIENT_AUTH, tickets: 1 });
    sim.run();
    const l = ledgersFromTrace(sim.events);
    expect(l.of('client')).toEqual(sim.ledger('client'));
    expect(l.of('server')).toEqual(sim.ledger('server'));
  });
});
