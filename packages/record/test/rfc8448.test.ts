import { describe, expect, it } from 'vitest';
import { ContentType, fromHex, nobleAead, protectRecord, RecordLayer, toHex, unprotectRecord, type TrafficKeys } from '@tls13sim/record';
import { RFC8448_KEYS, RFC8448_RECORDS, type RecordVector } from '../../../test/vectors/rfc8448-records.js';

const aes128 = nobleAead('aes128gcm');
const keysOf = (name: keyof typeof RFC8448_KEYS): TrafficKeys => ({
  aead: aes128,
  key: fromHex(RFC8448_KEYS[name].key),
  iv: fromHex(RFC8448_KEYS[name].iv),
});
const hex = (s: string) => toHex(fromHex(s));
const protectedVectors = RFC8448_RECORDS.filter((v): v is RecordVector & { keys: keyof typeof RFC8448_KEYS } => v.keys !== null);

describe('RFC 8448 §3 record protection', () => {
  it('covers all seven protected records of the trace', () => {
    expect(protectedVectors.map((v) => v.name)).toEqual([
      'server_encrypted_flight',
      'client_finished',
      'server_new_session_ticket',
      'client_application_data',
      'server_application_data',
      'client_close_notify',
      'server_close_notify',
    ]);
  });

  for (const v of protectedVectors) {
    it(`protects the ${v.name} record byte for byte`, () => {
      const wire = protectRecord(keysOf(v.keys), BigInt(v.seq), v.contentType, fromHex(v.payload));
      expect(toHex(wire)).toBe(hex(v.record));
    });

    it(`opens the ${v.name} record to its payload and content type`, () => {
      const opened = unprotectRecord(keysOf(v.keys), BigInt(v.seq), fromHex(v.record));
      expect(opened.contentType).toBe(v.contentType);
      expect(toHex(opened.content)).toBe(hex(v.payload));
      expect(opened.padding).toBe(0);
    });

    it(`refuses the ${v.name} record under the wrong sequence number`, () => {
      expect(() => unprotectRecord(keysOf(v.keys), BigInt(v.seq + 1), fromHex(v.record))).toThrow(/bad_record_mac/);
    });
  }

  it('frames the two plaintext hellos byte for byte', () => {
    const [ch, sh] = RFC8448_RECORDS;
    const client = new RecordLayer();
    expect(client.seal(ContentType.handshake, fromHex(ch!.payload), { legacyVersion: 0x0301 }).map(toHex)).toEqual([hex(ch!.record)]);
    const server = new RecordLayer();
    expect(server.seal(ContentType.handshake, fromHex(sh!.payload)).map(toHex)).toEqual([hex(sh!.record)]);
  });

  /** Plays both record layers of §3 through the RecordLayer API, with key installs in RFC order. */
  it('replays the whole §3 conversation through two RecordLayers, in both directions', () => {
    const byName = new Map(RFC8448_RECORDS.map((v) => [v.name, v]));
    const rec = (n: string) => byName.get(n)!;
    const k = (n: keyof typeof RFC8448_KEYS) => [aes128, fromHex(RFC8448_KEYS[n].key), fromHex(RFC8448_KEYS[n].iv)] as const;
    const client = new RecordLayer();
    const server = new RecordLayer();

    const send = (from: RecordLayer, to: RecordLayer, v: RecordVector, legacyVersion?: number) => {
      const wire = from.seal(v.contentType, fromHex(v.payload), legacyVersion ? { legacyVersion } : {});
      expect(wire.map(toHex)).toEqual([hex(v.record)]);
      to.pushBytes(wire[0]!);
      const got = to.nextRecord();
      expect(got).not.toBeNull();
      expect(got!.contentType).toBe(v.contentType);
      expect(toHex(got!.data)).toBe(hex(v.payload));
      expect(toHex(got!.wire)).toBe(hex(v.record));
      expect(to.nextRecord()).toBeNull();
      return got!;
    };

    send(client, server, rec('client_hello'), 0x0301);
    send(server, client, rec('server_hello'));
    server.installWriteKeys('handshake', ...k('serverHandshake'));
    server.installReadKeys('handshake', ...k('clientHandshake'));
    client.installReadKeys('handshake', ...k('serverHandshake'));
    client.installWriteKeys('handshake', ...k('clientHandshake'));
    expect(send(server, client, rec('server_encrypted_flight')).epoch).toBe('handshake');
    server.installWriteKeys('application', ...k('serverApplication'));
    client.installReadKeys('application', ...k('serverApplication'));
    send(client, server, rec('client_finished'));
    client.installWriteKeys('application', ...k('clientApplication'));
    server.installReadKeys('application', ...k('clientApplication'));
    const nst = send(server, client, rec('server_new_session_ticket'));
    expect([nst.epoch, nst.seq, nst.outerType]).toEqual(['application', 0n, ContentType.application_data]);
    send(client, server, rec('client_application_data'));
    send(server, client, rec('server_application_data'));
    send(client, server, rec('client_close_notify'));
    const last = send(server, client, rec('server_close_notify'));
    expect(last.seq).toBe(2n);
    expect([client.writeSeq, client.readSeq, server.writeSeq, server.readSeq]).toEqual([2n, 3n, 3n, 2n]);
  });
});
