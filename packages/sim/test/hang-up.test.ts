/**
 * A side that closes TCP without close_notify (`Simulation.hangUp`): its FIN follows the
 * bytes it sent, the peer's library meets it only once it has read them all, and every lens
 * words the truncation as its library does (the real runs: test/differential, hangup-*).
 */
import { describe, expect, it } from 'vitest';
import { createLens, diffCase, genericResult, runCaseThroughLens, runScenario, type LensName, type TraceEvent } from '../src/index.js';
import { ofType, pairSim } from './helpers.js';

const enc = new TextEncoder();

function notes(sim: ReturnType<typeof pairSim>, fact: string) {
  return ofType(sim.events, 'note').filter((e) => e.fact === fact);
}

describe('Simulation.hangUp', () => {
  it('sends the FIN after the bytes in flight: it arrives with the last of them', () => {
    const sim = pairSim();
    sim.run();
    sim.write('server', enc.encode('bye'));
    sim.hangUp('server');
    expect(notes(sim, 'hang_up').map((e) => e.text)).toEqual(['server closes TCP without close_notify (a truncation, RFC 8446 §6.1)']);
    // The record is still in flight: no FIN at the client yet.
    expect(sim.inFlightTo('client')).toBeGreaterThan(0);
    expect(notes(sim, 'tcp_fin')).toEqual([]);
    expect(sim.transportEnded('client')).toBe(false);
    sim.run();
    expect(notes(sim, 'tcp_fin').map((e) => e.side)).toEqual(['client']);
    expect(sim.transportEnded('client')).toBe(true);
    expect(sim.client.readApplicationData()).toEqual(enc.encode('bye'));
    // Nothing ends the other direction: the server's FIN is not the client's.
    expect(sim.transportEnded('server')).toBe(false);
  });

  it('keeps the end of the stream behind bytes the library has not read yet (arrived is not processed)', () => {
    const sim = pairSim();
    sim.run();
    sim.setPullMode('client', 'on_call');
    sim.write('server', enc.encode('bye'));
    sim.hangUp('server');
    sim.run();
    expect(notes(sim, 'tcp_fin')).toHaveLength(1);
    expect(sim.buffered('client')).toBeGreaterThan(0);
    expect(sim.transportEnded('client')).toBe(false);
    sim.pull('client');
    expect(sim.transportEnded('client')).toBe(true);
  });

  it('discards what reaches a side that hung up, and refuses to send from it', () => {
    const sim = pairSim();
    sim.run();
    sim.hangUp('server');
    sim.write('client', enc.encode('late'));
    sim.run();
    expect(notes(sim, 'discarded').map((e) => e.text)).toEqual([expect.stringMatching(/^server is closed: \d+ bytes discarded$/)]);
    expect(ofType(sim.events, 'record_received').filter((e) => e.side === 'server' && e.innerType === 'application_data')).toEqual([]);
    expect(() => sim.write('server', enc.encode('x'))).toThrow('server has closed TCP (hangUp): it sends nothing more');
    // Idempotent: one hang-up, one FIN.
    sim.hangUp('server');
    expect(notes(sim, 'hang_up')).toHaveLength(1);
    expect(notes(sim, 'tcp_fin')).toHaveLength(1);
  });

  it('before the start: the server closes TCP once the ClientHello is on its way, and never answers it', () => {
    const sim = pairSim();
    sim.hangUp('server');
    expect(sim.events).toEqual([]);
    sim.run();
    const kinds = sim.events.map((e) => (e.type === 'note' ? `note:${e.fact}` : e.type === 'record_sent' ? `sent:${e.side}` : e.type));
    expect(kinds.indexOf('sent:client')).toBeLessThan(kinds.indexOf('note:hang_up'));
    expect(kinds.indexOf('note:hang_up')).toBeLessThan(kinds.indexOf('note:tcp_fin'));
    expect(ofType(sim.events, 'record_sent').filter((e) => e.side === 'server')).toEqual([]);
    expect(sim.client.state).toBe('WAIT_SH');
    expect(sim.transportEnded('client')).toBe(true);
  });

  it('is copied by fork(): the copy has the same FIN, and its own', () => {
    const sim = pairSim();
    sim.run();
    sim.write('server', enc.encode('bye'));
    sim.hangUp('server');
    const copy = sim.fork();
    copy.run();
    expect(copy.transportEnded('client')).toBe(true);
    expect(sim.transportEnded('client')).toBe(false);
  });
});

describe('a lens meets the FIN', () => {
  it('a blocking read returns the truncation, not `blocked`, once the data before it is read', () => {
    const sim = pairSim();
    const lens = createLens('openssl', sim, 'client', { blocking: true });
    expect(lens.connect().outcome).toBe('1');
    sim.run();
    sim.write('server', enc.encode('bye'));
    sim.hangUp('server');
    expect(lens.read(1024).outcome).toBe('3');
    const first = lens.read(1024);
    expect(first.fact).toEqual({ kind: 'truncated', first: true });
    expect(first.outcome).toBe('0 SSL_ERROR_SSL: unexpected eof while reading');
    expect(lens.read(1024).outcome).toBe('-1 SSL_ERROR_SYSCALL');
    expect(genericResult(first.fact)).toEqual({ result: 'error' });
    expect(ofType(sim.events, 'app_call').at(-1)).toMatchObject({ call: 'read', result: 'error', api: 'SSL_read' });
  });

  // What each library says at the FIN after the server's echo: the differential tests hold
  // these against the real libraries; here they pin the lens, which every surface uses.
  const secondRead: Record<Exclude<LensName, 'node'>, string> = {
    openssl: '0 SSL_ERROR_SSL: unexpected eof while reading',
    go: '0, EOF',
    python: '0 bytes',
    gnutls: 'GNUTLS_E_PREMATURE_TERMINATION',
    // rustls::Stream::read does not tell a FIN from close_notify (Reader::read would: UnexpectedEof).
    rustls: 'Ok(0)',
  };
  for (const [lens, outcome] of Object.entries(secondRead)) {
    it(`${lens}: the read after the echo meets the FIN: ${outcome}`, () => {
      const run = runCaseThroughLens(diffCase('hangup-after-echo'), lens as LensName);
      expect(run.outcomes.filter((o) => o.call === 'read').map((o) => o.outcome)[1]).toBe(outcome);
    });
  }
});

describe('scenario client-cert-dropped', () => {
  const t = runScenario('client-cert-dropped');
  const at = (pred: (e: TraceEvent) => boolean): TraceEvent => {
    const e = t.events.find(pred);
    if (e === undefined) throw new Error('no such event');
    return e;
  };

  it('connect() is ok; the server completes, then closes TCP with no alert and no close_notify', () => {
    expect(at((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'connect')).toMatchObject({ result: 'ok' });
    const complete = at((e) => e.type === 'handshake_complete' && e.side === 'server');
    const hangUp = at((e) => e.type === 'note' && e.fact === 'hang_up');
    expect(hangUp.seq).toBeGreaterThan(complete.seq);
    expect(t.events.filter((e) => e.type === 'alert_sent' || e.type === 'alert_received')).toEqual([]);
  });

  it("the FIN takes the network's one-way delay to reach the client, and the read meets it: an error without an alert", () => {
    const hangUp = at((e) => e.type === 'note' && e.fact === 'hang_up');
    const fin = at((e) => e.type === 'note' && e.fact === 'tcp_fin');
    expect(fin.side).toBe('client');
    // The scenarios' network delays every direction by 10 ms.
    expect(fin.time - hangUp.time).toBe(10);
    const read = at((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'read');
    expect(read.seq).toBeGreaterThan(fin.seq);
    expect(read).toMatchObject({ result: 'error', outcome: '0 SSL_ERROR_SSL: unexpected eof while reading' });
    expect(read).not.toHaveProperty('alert');
  });

  it('through the Python lens the same read looks like a clean close: b""', () => {
    const py = runScenario('client-cert-dropped', undefined, { lens: 'python' });
    const read = py.events.find((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'read');
    expect(read).toMatchObject({ api: 'SSLSocket.recv', outcome: '0 bytes' });
  });
});
