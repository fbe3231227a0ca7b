/**
 * The scenario server-handshake-timeout: the server gives up on the handshake once its flight
 * is out (the scenario op `cancel`, the endpoint's cancel(), then its FIN). What each lens
 * says of the client's read is what the real libraries said in the differential case
 * server-times-out (test/differential/); here it is pinned on the scenario's trace.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type LensName, type TraceEvent } from '../src/index.js';

describe('scenario server-handshake-timeout', () => {
  const t = runScenario('server-handshake-timeout');
  const find = (pred: (e: TraceEvent) => boolean): TraceEvent => {
    const e = t.events.find(pred);
    if (e === undefined) throw new Error('no such event');
    return e;
  };

  it('the server sends user_canceled then close_notify, both warnings, then closes TCP: after its close_notify, no truncation', () => {
    const sent = t.events.filter((e) => e.type === 'alert_sent' && e.side === 'server');
    expect(sent.map((e) => (e.type === 'alert_sent' ? `${e.level} ${e.description}` : ''))).toEqual(['warning user_canceled', 'warning close_notify']);
    const hangUp = find((e) => e.type === 'note' && e.fact === 'hang_up');
    expect(hangUp.seq).toBeGreaterThan(sent[1]!.seq);
    expect(hangUp).toMatchObject({ text: 'server closes TCP after its close_notify' });
    expect(find((e) => e.type === 'note' && e.fact === 'tcp_fin')).toMatchObject({
      side: 'client',
      text: "server's FIN arrives: the end of its byte stream, after its close_notify",
    });
  });

  it("the client's connect returns ok before any of it is read; the server never judges the client's certificate", () => {
    const connect = find((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'connect');
    expect(connect).toMatchObject({ result: 'ok' });
    const received = find((e) => e.type === 'alert_received' && e.side === 'client');
    expect(received.seq).toBeGreaterThan(connect.seq);
    expect(t.events.some((e) => e.side === 'server' && e.type === 'state' && e.to === 'CONNECTED')).toBe(false);
  });

  // Node has no read call: its socket's 'end' event tells (the differential case checks it).
  const reads: Partial<Record<LensName, string>> = {
    openssl: '0 SSL_ERROR_ZERO_RETURN',
    python: '0 bytes',
    rustls: 'Ok(0)',
    go: '0, remote error: tls: user canceled',
    gnutls: 'GNUTLS_E_FATAL_ALERT_RECEIVED: User canceled',
  };
  for (const [lens, outcome] of Object.entries(reads)) {
    it(`through ${lens}, the read says ${outcome}`, () => {
      const run = runScenario('server-handshake-timeout', undefined, { lens: lens as LensName });
      const read = run.events.find((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'read');
      expect(read).toMatchObject({ outcome });
    });
  }
});
