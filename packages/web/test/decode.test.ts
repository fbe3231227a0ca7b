/** Every record decoded from the trace alone (packages/web/src/decode.ts): decryption, inner type, fields and their bytes. */
import { describe, expect, it } from 'vitest';
import { listScenarios, runScenario, type Trace, type TraceEvent, type TraceEventOf } from '@tls13sim/sim/browser';
import { fromHex, toHex } from '@tls13sim/record';
import { RFC8448_MESSAGES } from '../../../test/vectors/rfc8448-messages.js';
import { decodeRecords, flatFields, type DecodedRecord, type Field } from '../src/decode.js';

function sent(trace: Trace): TraceEventOf<'record_sent'>[] {
  return trace.events.filter((e): e is TraceEventOf<'record_sent'> => e.type === 'record_sent');
}

function field(d: DecodedRecord, path: string): Field {
  const f = flatFields(d.fields).find((x) => x.path === path);
  if (f === undefined)
    throw new Error(
      `no field ${path} in ${flatFields(d.fields)
        .map((x) => x.path)
        .join('; ')}`,
    );
  return f.field;
}

const bytesOf = (d: DecodedRecord, f: Field) => toHex(d.plaintext!.subarray(f.start, f.end));

describe('decodeRecords: client-cv-rejected', () => {
  const trace = runScenario('client-cv-rejected', 1);
  const decoded = decodeRecords(trace.events);
  const records = sent(trace);

  it("decrypts the client's {Certificate}{CertificateVerify}{Finished} flight under its handshake key, sequence 0", () => {
    const flight = records.find((e) => e.side === 'client' && e.epoch === 'handshake')!;
    const d = decoded.get(flight.seq)!;
    expect(d.error).toBeUndefined();
    expect(d.key).toEqual({ label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', suite: 'TLS_AES_128_GCM_SHA256', sequence: 0, epoch: 'handshake' });
    expect(d.innerType).toBe('handshake');
    expect(d.fields.map((f) => f.name)).toEqual(['Certificate', 'CertificateVerify', 'Finished']);
    // The messages tile the plaintext (§5.1: several messages in one record), each framed by its own header.
    expect(d.fields[0]!.start).toBe(0);
    expect(d.fields[1]!.start).toBe(d.fields[0]!.end);
    expect(d.fields[2]!.end).toBe(d.plaintext!.length);
    expect(field(d, 'Certificate').value).toBe('CN=client');
    expect(field(d, 'CertificateVerify › algorithm').value).toBe('ed25519');
    expect(bytesOf(d, field(d, 'CertificateVerify › algorithm'))).toBe('0807'); // §4.2.3 ed25519(0x0807)
    const vd = field(d, 'Finished › verify_data');
    expect(vd.end - vd.start).toBe(32); // Hash.length of SHA-256 (§4.4.4)
    expect(bytesOf(d, vd)).toBe(vd.value);
  });

  it("decrypts the server's late alert: decrypt_error under application keys, not the handshake keys", () => {
    const alert = records.find((e) => e.side === 'server' && e.innerType === 'alert')!;
    expect(alert.outerType).toBe('application_data'); // what the wire shows
    const d = decoded.get(alert.seq)!;
    expect(d.key?.label).toBe('SERVER_TRAFFIC_SECRET_0');
    expect(d.key?.epoch).toBe('application');
    expect(d.innerType).toBe('alert'); // what it is (§5.2 inner type)
    expect(d.padding).toBe(0);
    expect(toHex(d.plaintext!)).toBe('0233'); // fatal(2), decrypt_error(51) (§6)
    expect(field(d, 'Alert').value).toBe('fatal, decrypt_error');
    expect(field(d, 'Alert › description')).toMatchObject({ value: 'decrypt_error (51)', start: 1, end: 2 });
  });

  it('says in one line when a record does not open (a flipped tag bit)', () => {
    const bad: TraceEvent[] = trace.events.map((e) =>
      e.type === 'record_sent' && e.side === 'server' && e.innerType === 'alert' ? { ...e, hex: e.hex.slice(0, -2) + (e.hex.endsWith('00') ? '01' : '00') } : e,
    );
    const broken = decodeRecords(bad).get(records.find((e) => e.side === 'server' && e.innerType === 'alert')!.seq)!;
    expect(broken.error).toBe('does not open with SERVER_TRAFFIC_SECRET_0 at sequence number 0 (bad_record_mac, §5.2)');
    expect(broken.error).not.toContain('\n');
  });
});

describe('decodeRecords: rfc8448-simple against RFC 8448 §3', () => {
  const trace = runScenario('rfc8448-simple', 1);
  const decoded = decodeRecords(trace.events);
  const records = sent(trace);
  const rfc = (sender: string, name: string) =>
    RFC8448_MESSAGES.find((m) => m.trace === 'simple_1rtt' && m.sender === sender && m.name === name)!.hex.replace(/\s+/g, '');

  it("decrypts the server's Finished: verify_data is the RFC's", () => {
    const flight = decoded.get(records.find((e) => e.side === 'server' && e.epoch === 'handshake')!.seq)!;
    expect(flight.key?.label).toBe('SERVER_HANDSHAKE_TRAFFIC_SECRET');
    const finished = rfc('server', 'finished');
    expect(field(flight, 'Finished › verify_data').value).toBe(finished.slice(8));
    expect(bytesOf(flight, field(flight, 'Finished'))).toBe(finished);
    expect(bytesOf(flight, field(flight, 'EncryptedExtensions'))).toBe(rfc('server', 'encrypted_extensions'));
  });

  it("frames the plaintext ClientHello's fields at their bytes in the RFC's message", () => {
    const ch = decoded.get(records[0]!.seq)!;
    const msg = rfc('client', 'client_hello');
    expect(bytesOf(ch, field(ch, 'ClientHello'))).toBe(msg);
    expect(field(ch, 'ClientHello › random').value).toBe(msg.slice(12, 76));
    expect(field(ch, 'ClientHello › cipher_suites').value).toBe('TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_256_GCM_SHA384');
    expect(bytesOf(ch, field(ch, 'ClientHello › cipher_suites'))).toBe('0006130113031302');
    expect(field(ch, 'ClientHello › extensions › server_name').value).toBe('server');
    expect(field(ch, 'ClientHello › extensions › key_share').value).toBe('x25519');
  });

  it('frames a message split across two records (§5.1): the first says it continues, the second holds it, starting before its bytes', () => {
    const ch = records[0]!;
    const body = ch.hex.slice(10);
    const cut = 100; // bytes of the message in the first record
    const rec = (frag: string) => `160301${(frag.length / 2).toString(16).padStart(4, '0')}${frag}`;
    const events = trace.events.flatMap((e): TraceEvent[] =>
      e === ch
        ? [
            { ...ch, hex: rec(body.slice(0, cut * 2)) },
            { ...ch, seq: -1, hex: rec(body.slice(cut * 2)) },
          ]
        : [e],
    );
    const d = decodeRecords(events);
    const first = d.get(ch.seq)!;
    const second = d.get(-1)!;
    const total = body.length / 2;
    expect(first.fields).toEqual([{ name: 'ClientHello', value: `first ${cut} of ${total} B: continues in the sender's next record`, start: 0, end: cut }]);
    expect(second.fields[0]).toMatchObject({ name: 'ClientHello', start: -cut, end: total - cut });
    expect(field(second, 'ClientHello › extensions › server_name').value).toBe('server');
    // Its fields keep their place in the whole message: the random lies in the first record.
    expect(field(second, 'ClientHello › random').end).toBeLessThan(0);
  });

  it('counts sequence numbers per key: the NewSessionTicket is record 0 and the close_notify record 2 under SERVER_TRAFFIC_SECRET_0', () => {
    const app = records.filter((e) => e.side === 'server' && e.epoch === 'application').map((e) => decoded.get(e.seq)!);
    expect(app.map((d) => [d.key?.sequence, d.fields[0]!.name])).toEqual([
      [0, 'NewSessionTicket'],
      [1, 'application_data'],
      [2, 'Alert'],
    ]);
    expect(field(app[0]!, 'NewSessionTicket').value).toMatch(/^lifetime \d+ s$/);
  });
});

describe('decodeRecords: every catalogue scenario', () => {
  it('opens every record each side sent with a keylog secret', () => {
    for (const s of listScenarios()) {
      const trace = runScenario(s.name, s.defaultSeed);
      for (const [seq, d] of decodeRecords(trace.events)) {
        const e = trace.events.find((x) => x.seq === seq) as TraceEventOf<'record_sent'>;
        expect(d.error, `${s.name} record ${seq}`).toBeUndefined();
        expect(d.innerType, `${s.name} record ${seq}`).toBe(e.innerType === 'change_cipher_spec' ? 'change_cipher_spec' : e.innerType);
        if (e.alert !== undefined) expect(d.fields[0]!.value, `${s.name} record ${seq}`).toBe(`${e.alert.level}, ${e.alert.description}`);
        expect(fromHex(e.hex).length).toBe(d.wire.length);
      }
    }
  });
});
