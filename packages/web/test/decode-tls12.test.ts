/**
 * The stepper on TLS 1.2 runs (packages/web/src/decode12.ts, model.ts): every `tls12` record
 * decrypted with the key block of the keylog's CLIENT_RANDOM master secret (RFC 5246 §6.3),
 * the TLS 1.2 messages read in their own shapes, the ChangeCipherSpec as the key switch, and
 * the TLS 1.2 state lists.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type TraceEventOf } from '@tls13sim/sim/browser';
import { decodeRecords, flatFields } from '../src/decode.js';
import { LiveSession, Run, STATES, STATES_TLS12 } from '../src/model.js';

describe('decodeRecords: tls12-client-auth', () => {
  const trace = runScenario('tls12-client-auth', 1);
  const decoded = decodeRecords(trace.events);
  const sent = trace.events.filter((e): e is TraceEventOf<'record_sent'> => e.type === 'record_sent');
  const tls12 = sent.filter((e) => e.epoch === 'tls12');

  it('opens every tls12 record: both Finished at sequence 0, the data after them at 1', () => {
    expect(tls12.length).toBe(4);
    for (const e of tls12) expect(decoded.get(e.seq)!.error, `record ${e.seq}`).toBeUndefined();
    const keys = tls12.map((e) => decoded.get(e.seq)!.key);
    expect(keys.map((k) => [k?.label, k?.epoch, k?.sequence])).toEqual([
      ['CLIENT_RANDOM', 'tls12', 0],
      ['CLIENT_RANDOM', 'tls12', 0],
      ['CLIENT_RANDOM', 'tls12', 1],
      ['CLIENT_RANDOM', 'tls12', 1],
    ]);
    expect(keys[0]?.suite).toMatch(/^TLS_ECDHE_/);
    const fin = decoded.get(tls12[0]!.seq)!;
    expect(fin.fields.map((f) => f.name)).toEqual(['Finished']);
    const vd = flatFields(fin.fields).find((x) => x.path === 'Finished › verify_data')!.field;
    expect(vd.end - vd.start).toBe(12); // RFC 5246 §7.4.9 verify_data_length 12
    const data = decoded.get(tls12[2]!.seq)!;
    expect(new TextDecoder().decode(data.plaintext)).toBe('GET / HTTP/1.0\r\n\r\n');
  });

  it('reads the TLS 1.2 handshake messages: ServerKeyExchange, ServerHelloDone, ClientKeyExchange, a TLS 1.2 Certificate', () => {
    const names = sent.filter((e) => e.epoch === 'plaintext').flatMap((e) => decoded.get(e.seq)!.fields.map((f) => `${f.name}: ${f.value}`));
    expect(names).toContain('ServerHelloDone: 4 B');
    expect(names.some((n) => /^ServerKeyExchange: x25519, signed with /.test(n))).toBe(true);
    expect(names.some((n) => /^ClientKeyExchange: ECDH public key, 32 B$/.test(n))).toBe(true);
    expect(names).toContain('Certificate: CN=client');
    expect(names.some((n) => /^ClientHello: .*/.test(n))).toBe(true);
    expect(names.some((n) => n.includes('does not decode'))).toBe(false);
  });

  it('explains the ChangeCipherSpec as the switch to the tls12 keys', () => {
    const ccs = sent.find((e) => e.outerType === 'change_cipher_spec')!;
    expect(decoded.get(ccs.seq)!.fields[0]!.value).toBe("1 B: the sender's next record is under its new tls12 keys (RFC 5246 §7.1)");
  });

  it('a wrong master secret does not open the records (the key block depends on it)', () => {
    const events = trace.events.map((e) =>
      e.type === 'keys_installed' && e.keylog !== undefined ? { ...e, keylog: { ...e.keylog, secret: '00'.repeat(48) } } : e,
    );
    const bad = decodeRecords(events).get(tls12[0]!.seq)!;
    expect(bad.error).toMatch(/^does not open with the key block of CLIENT_RANDOM at sequence number 0/);
  });
});

describe('downgrade-detected in the stepper', () => {
  it("shows the server's DOWNGRD\\x01 in the decoded ServerHello random", () => {
    const trace = runScenario('downgrade-detected', 1);
    const decoded = decodeRecords(trace.events);
    const sh = trace.events.find((e): e is TraceEventOf<'record_sent'> => e.type === 'record_sent' && e.messages.includes('server_hello'))!;
    const random = flatFields(decoded.get(sh.seq)!.fields).find((x) => x.path === 'ServerHello › random')!.field;
    expect(random.value).toMatch(/444f574e47524401 — ends with DOWNGRD\\x01 \(RFC 8446 §4\.1\.3\)$/);
  });
});

describe('state lists', () => {
  it('a TLS 1.2 run lists the TLS 1.2 states, a TLS 1.3 run those of RFC 8446 Appendix A', () => {
    const v12 = new Run(runScenario('tls12-client-cv-rejected', 1)).view(0);
    expect(v12.states).toBe(STATES_TLS12);
    const last = new Run(runScenario('tls12-client-cv-rejected', 1));
    const end = last.view(last.last);
    for (const side of ['client', 'server'] as const) for (const s of end.sides[side].visited) expect(STATES_TLS12[side]).toContain(s);
    expect(new Run(runScenario('client-cv-rejected', 1)).view(0).states).toBe(STATES);
  });
});

describe('choose deliveries on a TLS 1.2 run', () => {
  it('tls12-client-cv-rejected by the default deliveries: connect() itself reports decrypt_error, the client presumes the rejection', () => {
    const s = new LiveSession('tls12-client-cv-rejected', 1, 'openssl', '');
    let k = 0;
    for (let next = s.forward(k); next !== k; next = s.forward(k)) k = next;
    const v = s.view(k);
    expect(v.states).toBe(STATES_TLS12);
    expect(v.sides.client.calls.map((c) => `${c.api} → ${c.outcome}`)).toEqual(['SSL_connect → -1 SSL_ERROR_SSL: tlsv1 alert decrypt error']);
    expect(v.sides.client.ledger.presumes).toMatchObject({ verdict: 'rejected', basis: 'presumes', alert: { description: 'decrypt_error' } });
    expect([v.sides.client.state, v.sides.server.state]).toEqual(['CLOSED', 'CLOSED']);
  });
});
