/** "Choose deliveries" mode (packages/web/src/live.ts, LiveSession in model.ts), in Node. */
import { describe, expect, it } from 'vitest';
import { formatChoices, hasLive, parseChoices, type LiveChoice } from '../src/live.js';
import { LiveSession, parseHash } from '../src/model.js';

describe('choices in permalinks', () => {
  it('round-trip every kind of delivery', () => {
    const cs: LiveChoice[] = [
      { direction: 'client_to_server', take: 181 },
      { direction: 'server_to_client', take: 95, fault: { kind: 'drop' } },
      { direction: 'server_to_client', take: 95, fault: { kind: 'duplicate' } },
      { direction: 'client_to_server', take: 40, fault: { kind: 'truncate', keep: 12 } },
      { direction: 'server_to_client', take: 24, fault: { kind: 'corrupt', offset: 3, xor: 1 } },
      { direction: 'server_to_client', take: 24, fault: { kind: 'corrupt', offset: 3, xor: 128 } },
    ];
    expect(formatChoices(cs)).toBe('c181.s95d.s95u.c40t12.s24x3.s24x3^128');
    expect(parseChoices(formatChoices(cs))).toEqual(cs);
    expect(parseChoices('')).toEqual([]);
  });

  it('reject a bad item in one line', () => {
    expect(() => parseChoices('c181.q5')).toThrow("choice 2 'q5' is not c|s<bytes>[d|u|t<keep>|x<offset>[^<mask>]]");
    expect(parseHash('#scenario=client-cv-rejected&choices=c1.zz').problems).toEqual(["choice 2 'zz' is not c|s<bytes>[d|u|t<keep>|x<offset>[^<mask>]]"]);
    expect(parseHash('#scenario=key-update&choices=c1').problems).toEqual(['key-update can only be replayed, not stepped with chosen deliveries']);
  });
});

describe('LiveSession', () => {
  it('is offered for the scenarios that can be set up unrun', () => {
    expect(hasLive('client-cv-rejected')).toBe(true);
    expect(hasLive('key-update')).toBe(false);
  });

  it('the default deliveries reproduce client-cv-rejected: the late alert, then the client knows', () => {
    const s = new LiveSession('client-cv-rejected', 1, 'openssl', '');
    let k = 0;
    for (let next = s.forward(k); next !== k; next = s.forward(k)) k = next;
    expect(s.at(k).quiescent).toBe(true);
    const v = s.view(k);
    expect(v.sides.client.ledger.knows).toMatchObject({ verdict: 'rejected', basis: 'knows', alert: { description: 'decrypt_error' } });
    expect(v.sides.client.calls.map((c) => `${c.api} → ${c.outcome}`)).toEqual([
      'SSL_connect → 1',
      'SSL_write → 18',
      'SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error',
    ]);
    expect(s.encoded).toMatch(/^c\d+(\.[cs]\d+)+$/);
    // Back is exact: the view after the first choice is the same as before.
    const one = s.view(1);
    expect(one.sides.server.state).toBe('WAIT_CERT');
    expect(one.sides.client.state).toBe('WAIT_SH');
  });

  it('a chosen split and a fault: the server flight one record at a time, then a flipped byte is a bad_record_mac', () => {
    const s = new LiveSession('client-cv-rejected', 1, 'openssl', '');
    let k = s.forward(0); // ClientHello
    const q = s.at(k).queue('server_to_client');
    expect(q.recordEnds.length).toBeGreaterThan(1);
    k = s.choose(k, { direction: 'server_to_client', take: q.recordEnds[0]! }); // ServerHello alone
    expect(s.view(k).sides.client.state).toBe('WAIT_EE');
    const rest = s.at(k).queue('server_to_client').bytes;
    k = s.choose(k, { direction: 'server_to_client', take: rest, fault: { kind: 'corrupt', offset: 10, xor: 1 } });
    const v = s.view(k);
    expect(v.current.some((e) => e.type === 'alert_sent' && e.side === 'client' && e.description === 'bad_record_mac')).toBe(true);
    expect(v.sides.client.state).toBe('CLOSED');
    expect(s.encoded).toBe(`c${s.choices[0]!.take}.s${q.recordEnds[0]}.s${rest}x10`);
    // Choosing again at an earlier step drops the later choices.
    expect(s.choose(1, { direction: 'server_to_client', take: q.bytes })).toBe(2);
    expect(s.choices.length).toBe(2);
  });

  it('a choice that cannot be made is refused in one line; a bad link keeps the choices that work', () => {
    const s = new LiveSession('client-cv-rejected', 1, 'openssl', '');
    expect(() => s.choose(0, { direction: 'server_to_client', take: 1 })).toThrow('nothing is queued server → client');
    expect(() => s.choose(0, { direction: 'client_to_server', take: 99_999 })).toThrow(/^client → server holds \d+ B: take 1…\d+, not 99999$/);
    const bad = new LiveSession('client-cv-rejected', 1, 'openssl', 'c1.s5');
    expect(bad.replayAll()).toBe('choice 2 cannot be made: nothing is queued server → client');
    expect(bad.encoded).toBe('c1');
  });
});
