/**
 * Record-level rules the state machine enforces: Finished verification (§4.4.4), key changes
 * at record boundaries (§5.1), handshake message size, middlebox compatibility and the
 * change_cipher_spec rules of §5, GREASE (RFC 8701), closure alerts (§6.1), and the
 * behaviour after a fatal alert.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType, utf8 } from '@tls13sim/record';
import { encodeHandshake, findExtension, KeyUpdateRequest, decodeHandshakeMessage, type ClientHello, type EndpointConfig } from '@tls13sim/handshake';
import { drive, expectFailed, makePair } from './endpoint-helpers.js';
import { type Link, type Log, linkPair } from './endpoint-inject.js';

function link(clientCfg: Partial<EndpointConfig> = {}, serverCfg: Partial<EndpointConfig> = {}, seed = 21): Link {
  return linkPair(clientCfg, serverCfg, seed);
}

/** Client started, ClientHello delivered, the server flight delivered through the message named `last`. */
function clientAfter(last: string, l = link()): Link {
  l.client.start();
  l.c2s.deliverAll();
  l.s2c.pull();
  for (;;) if (l.s2c.deliverOne().name === last) return l;
}

const keyUpdate = encodeHandshake({ type: 'key_update', requestUpdate: KeyUpdateRequest.update_not_requested });
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));

describe('Finished (§4.4.4)', () => {
  it('the client rejects a server Finished with wrong verify_data: decrypt_error under its handshake keys', () => {
    const l = clientAfter('certificate_verify');
    const fin = l.s2c.queue.shift()!;
    expect(fin.name).toBe('finished');
    const bad = fin.content.slice();
    bad[bad.length - 1]! ^= 1;
    l.s2c.inject(ContentType.handshake, bad);
    expectFailed(l.client, 'decrypt_error', 'bad_finished');
    expect(l.clientLog.of('alert_sent').map((a) => a.epoch)).toEqual(['handshake']);
  });

  it('the server rejects a client Finished with wrong verify_data: decrypt_error under its application keys', () => {
    const l = clientAfter('finished');
    const [fin] = l.c2s.pull();
    expect(fin!.name).toBe('finished');
    l.c2s.queue.length = 0;
    const bad = fin!.content.slice();
    bad[4]! ^= 0x80;
    l.c2s.inject(ContentType.handshake, bad);
    expectFailed(l.server, 'decrypt_error', 'bad_finished');
    expect(l.serverLog.of('alert_sent').map((a) => a.epoch)).toEqual(['application']);
    expect(l.server.handshakeComplete).toBe(false);
  });
});

describe('a message that changes keys must end its record (§5.1)', () => {
  it('ServerHello followed by EncryptedExtensions in the same plaintext record: unexpected_message', () => {
    const l = link();
    l.client.start();
    l.c2s.deliverAll();
    const [sh] = l.s2c.pull();
    l.s2c.inject(ContentType.handshake, cat(sh!.content, encodeHandshake({ type: 'encrypted_extensions', extensions: [] })), 'plaintext');
    expectFailed(l.client, 'unexpected_message', 'unaligned_key_change');
  });

  it('ServerHello followed by the first bytes of another message: unexpected_message', () => {
    const l = link();
    l.client.start();
    l.c2s.deliverAll();
    const [sh] = l.s2c.pull();
    l.s2c.inject(ContentType.handshake, cat(sh!.content, new Uint8Array([8, 0])), 'plaintext');
    expectFailed(l.client, 'unexpected_message', 'unaligned_key_change');
  });

  it('a valid server Finished followed by a KeyUpdate in the same record: unexpected_message', () => {
    const l = clientAfter('certificate_verify');
    const fin = l.s2c.queue.shift()!;
    l.s2c.inject(ContentType.handshake, cat(fin.content, keyUpdate));
    expectFailed(l.client, 'unexpected_message', 'unaligned_key_change');
  });

  it('a valid client Finished followed by a KeyUpdate in the same record: unexpected_message', () => {
    const l = clientAfter('finished');
    const [fin] = l.c2s.pull();
    l.c2s.queue.length = 0;
    l.c2s.inject(ContentType.handshake, cat(fin!.content, keyUpdate));
    expectFailed(l.server, 'unexpected_message', 'unaligned_key_change');
  });

  it('a ClientHello followed by more handshake bytes in its record: unexpected_message', () => {
    const l = link();
    l.client.start();
    const [ch] = l.c2s.pull();
    l.c2s.inject(ContentType.handshake, cat(ch!.content, keyUpdate), 'plaintext');
    expectFailed(l.server, 'unexpected_message', 'unaligned_key_change');
  });

  it('a KeyUpdate followed by application data in the same record is refused (control: alone it is accepted)', () => {
    const l = clientAfter('finished');
    l.run();
    l.s2c.inject(ContentType.handshake, keyUpdate);
    expect(l.client.error).toBeUndefined();
    expect(l.client.readEpoch).toBe('application+1');
    const l2 = clientAfter('finished');
    l2.run();
    l2.s2c.inject(ContentType.handshake, cat(keyUpdate, keyUpdate));
    expectFailed(l2.client, 'unexpected_message', 'unaligned_key_change');
  });
});

describe('handshake message size limit', () => {
  it('a ClientHello over the server maximum is refused with illegal_parameter', () => {
    const l = link({}, { maxHandshakeMessageSize: 64 });
    l.client.start();
    l.c2s.deliverAll();
    expect(l.server.error?.alert).toBe('illegal_parameter');
    expect(l.server.state).toBe('CLOSED');
  });

  it('is refused as soon as the header announces it, before the body arrives', () => {
    const l = link();
    // A handshake header announcing 100000 bytes (default maximum 65536), and 16 bytes of it.
    const head = new Uint8Array([1, 0x01, 0x86, 0xa0, ...new Uint8Array(16)]);
    l.c2s.inject(ContentType.handshake, head, 'plaintext');
    expect(l.server.error?.alert).toBe('illegal_parameter');
  });

  it('a server Certificate over the client maximum is refused with illegal_parameter, under the client handshake keys', () => {
    const l = link({ maxHandshakeMessageSize: 200 });
    l.client.start();
    l.run();
    expect(l.client.error?.alert).toBe('illegal_parameter');
    expect(l.clientLog.of('record_received').flatMap((e) => e.record.messages)).not.toContain('certificate');
    expect(l.clientLog.of('alert_sent').map((a) => a.epoch)).toEqual(['handshake']);
    expect(l.server.error?.alert).toBe('illegal_parameter');
  });

  it('messages up to the maximum are accepted', () => {
    const { client, server } = makePair({ maxHandshakeMessageSize: 2000 }, { maxHandshakeMessageSize: 2000 });
    client.start();
    drive(client, server);
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });
});

describe('middlebox compatibility mode (§D.4) and change_cipher_spec (§5)', () => {
  const ccs = (log: Log) => log.of('record_sent').filter((e) => e.record.outerType === 'change_cipher_spec');

  it('the client sends a 32-byte session id, the server echoes it, and each side sends exactly one CCS', () => {
    const l = link({ middleboxCompat: true });
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    const ch = decodeHandshakeMessage(l.c2s.produced[0]!.content) as ClientHello;
    expect(ch.legacySessionId.length).toBe(32);
    const sh = decodeHandshakeMessage(l.s2c.produced[0]!.content);
    expect(sh.type === 'server_hello' && sh.legacySessionIdEcho).toEqual(ch.legacySessionId);
    expect(ccs(l.clientLog)).toHaveLength(1);
    expect(ccs(l.serverLog)).toHaveLength(1);
    expect([...ccs(l.clientLog)[0]!.record.wire]).toEqual([20, 3, 3, 0, 1, 1]);
    // Server: right after ServerHello; client: before its second flight.
    expect(l.s2c.produced.slice(0, 2).map((u) => u.name)).toEqual(['server_hello', 'change_cipher_spec']);
    expect(l.c2s.produced.slice(0, 2).map((u) => u.name)).toEqual(['client_hello', 'change_cipher_spec']);
  });

  it('without compatibility mode nobody sends a CCS, and a CCS received during the handshake is dropped', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expect(l.client.error).toBeUndefined();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(ccs(l.clientLog)).toHaveLength(0);
    expect(ccs(l.serverLog)).toHaveLength(0);
  });

  it('a protected CCS is unexpected_message', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1]));
    expectFailed(l.client, 'unexpected_message');
  });

  it('a CCS whose value is not 1 is unexpected_message', () => {
    const l = clientAfter('server_hello');
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([2]), 'plaintext');
    expectFailed(l.client, 'unexpected_message', 'bad_change_cipher_spec');
  });

  it('a CCS of two bytes is unexpected_message', () => {
    const l = clientAfter('server_hello');
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1, 1]), 'plaintext');
    expectFailed(l.client, 'unexpected_message', 'bad_change_cipher_spec');
  });

  it('a second CCS is unexpected_message', () => {
    const l = link({ middleboxCompat: true });
    l.client.start();
    l.c2s.deliverAll();
    l.s2c.pull();
    l.s2c.deliverOne(); // ServerHello
    expect(l.s2c.deliverOne().name).toBe('change_cipher_spec');
    expect(l.client.error).toBeUndefined();
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expectFailed(l.client, 'unexpected_message');
  });

  it('a CCS after the peer Finished was received is unexpected_message (client and server)', () => {
    const l = link();
    l.client.start();
    l.run();
    const l2 = l.fork();
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expectFailed(l.client, 'unexpected_message');
    l2.c2s.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expectFailed(l2.server, 'unexpected_message');
  });

  it('a CCS before any ClientHello is unexpected_message', () => {
    const l = link();
    l.c2s.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expectFailed(l.server, 'unexpected_message');
  });

  it('a CCS between two fragments of a handshake message is unexpected_message (§5.1: no interleaving)', () => {
    const l = clientAfter('server_hello');
    const ee = l.s2c.queue.shift()!;
    l.s2c.inject(ContentType.handshake, ee.content.subarray(0, 2));
    l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([1]), 'plaintext');
    expectFailed(l.client, 'unexpected_message');
  });
});

describe('GREASE (RFC 8701) is tolerated', () => {
  const G = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a];
  /** Idempotent: the hook also sees the second ClientHello, which is built from the (greased) first. */
  const greasy = (ch: ClientHello): ClientHello =>
    ch.cipherSuites[0] === G[0]
      ? ch
      : {
          ...ch,
          cipherSuites: [G[0]!, ...ch.cipherSuites],
          extensions: [
            { type: 'unknown', code: G[1]!, data: new Uint8Array(0) },
            ...ch.extensions.map((e) => {
              switch (e.type) {
                case 'supported_groups':
                  return { ...e, groups: [G[2]!, ...e.groups] };
                case 'key_share':
                  return { ...e, clientShares: [{ group: G[2]!, keyExchange: new Uint8Array([0]) }, ...e.clientShares] };
                case 'supported_versions':
                  return { ...e, versions: [G[3]!, ...e.versions] };
                case 'signature_algorithms':
                  return { ...e, schemes: [G[4]!, ...e.schemes] };
                case 'psk_key_exchange_modes':
                  return { ...e, modes: [0x0b, ...e.modes] };
                case 'application_layer_protocol_negotiation':
                  return { ...e, protocols: ['\x0a\x0a', ...e.protocols] };
                default:
                  return e;
              }
            }),
            { type: 'unknown', code: G[5]!, data: new Uint8Array([0]) },
          ],
        };

  it('in the ClientHello: suites, groups, key shares, extensions, versions, signature algorithms, PSK modes, ALPN', () => {
    const l = link({ alpn: ['h2'], hooks: { clientHello: greasy } }, { alpn: ['h2'] });
    l.client.start();
    l.run();
    expect(l.server.error).toBeUndefined();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    const ch = decodeHandshakeMessage(l.c2s.produced[0]!.content) as ClientHello;
    expect(ch.cipherSuites[0]).toBe(G[0]);
    expect(findExtension(ch.extensions, 'supported_versions')!.versions).toContain(G[3]);
    // Nothing GREASE was selected or echoed.
    expect(l.server.negotiated!.suite.name).toBe('TLS_AES_128_GCM_SHA256');
    expect(l.server.negotiated!.group).toBe('x25519');
    expect(l.server.negotiated!.alpn).toBe('h2');
  });

  it('in the ClientHello through a HelloRetryRequest (the GREASE share is not the selected group)', () => {
    const l = link({ groups: ['x25519', 'secp256r1'], hooks: { clientHello: greasy } }, { groups: ['secp256r1'] });
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(l.server.negotiated!.helloRetry).toBe(true);
  });

  it('in the server CertificateRequest: extensions and signature algorithms', () => {
    const l = link(
      {},
      {
        clientAuth: 'request',
        hooks: {
          certificateRequest: (cr) => ({
            ...cr,
            extensions: [
              { type: 'unknown', code: 0x7a7a, data: new Uint8Array(0) },
              ...cr.extensions.map((e) => (e.type === 'signature_algorithms' ? { ...e, schemes: [0x8a8a, ...e.schemes] } : e)),
            ],
          }),
        },
      },
    );
    l.client.start();
    l.run();
    expect(l.client.error).toBeUndefined();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });

  it('but a GREASE extension echoed in EncryptedExtensions is unsupported_extension (§4.2)', () => {
    const l = link(
      {},
      { hooks: { encryptedExtensions: (ee) => ({ ...ee, extensions: [...ee.extensions, { type: 'unknown', code: 0x2a2a, data: new Uint8Array(0) }] }) } },
    );
    l.client.start();
    l.run();
    expect(l.client.error?.alert).toBe('unsupported_extension');
  });
});

describe('closure (§6.1)', () => {
  function connected(): Link {
    const l = link();
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    return l;
  }

  for (const first of ['client', 'server'] as const) {
    const second = first === 'client' ? 'server' : 'client';
    it(`${first} close_notify half-closes: the ${second} still writes and the ${first} still reads, until the ${second} closes too`, () => {
      const l = connected();
      const a = l.endpoint(first);
      const b = l.endpoint(second);
      a.close();
      l.run();
      expect(b.peerClosed).toBe(true);
      expect(b.error).toBeUndefined();
      expect(a.peerClosed).toBe(false);
      expect(
        l
          .log(second)
          .of('alert_received')
          .map((x) => [x.level, x.description]),
      ).toEqual([['warning', 'close_notify']]);
      expect(() => a.write(utf8('x'))).toThrow();
      b.write(utf8('still talking'));
      l.run();
      expect(a.readApplicationData()).toEqual(utf8('still talking'));
      expect(a.state).toBe('CONNECTED');
      b.close();
      l.run();
      expect(a.peerClosed).toBe(true);
      expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
      expect(a.error).toBeUndefined();
      expect(b.error).toBeUndefined();
      // Data the peer buffered before closing is still readable; then nothing (not an error).
      expect(a.readApplicationData()).toBeNull();
    });
  }

  for (const first of ['client', 'server'] as const) {
    const second = first === 'client' ? 'server' : 'client';
    it(`after the ${first}'s close_notify the ${second} is half-closed: 256 KiB, a KeyUpdate and more data still reach the ${first}, then the ${second} closes (events say which direction closed)`, () => {
      const l = connected();
      const a = l.endpoint(first);
      const b = l.endpoint(second);
      a.close();
      l.run();
      // §6.1: the close_notify closed the first side's direction only.
      expect([a.closedForWriting, a.peerClosed]).toEqual([true, false]);
      expect([b.closedForWriting, b.peerClosed]).toEqual([false, true]);
      expect(l.log(first).of('closed_for_writing')).toEqual([{ type: 'closed_for_writing', readOpen: true }]);
      expect(l.log(second).of('peer_closed')).toEqual([{ type: 'peer_closed', writeOpen: true }]);
      expect(b.readApplicationData()).toBeNull(); // EOF (peerClosed), not an error
      const big = new Uint8Array(256 * 1024).map((_, i) => (i * 31) & 0xff);
      b.write(big);
      b.keyUpdate(true);
      b.write(utf8('after the KeyUpdate'));
      l.run();
      expect(b.error).toBeUndefined();
      expect(a.error).toBeUndefined();
      expect(
        l
          .log(first)
          .of('key_update')
          .filter((k) => k.direction === 'read'),
      ).toEqual([{ type: 'key_update', direction: 'read', requested: true }]);
      const got = a.readApplicationData();
      expect(got?.length).toBe(big.length + 'after the KeyUpdate'.length);
      expect(got!.subarray(0, big.length)).toEqual(big);
      expect(got!.subarray(big.length)).toEqual(utf8('after the KeyUpdate'));
      expect([a.state, b.state]).toEqual(['CONNECTED', 'CONNECTED']);
      b.close();
      l.run();
      expect(l.log(second).of('closed_for_writing')).toEqual([{ type: 'closed_for_writing', readOpen: false }]);
      expect(l.log(first).of('peer_closed')).toEqual([{ type: 'peer_closed', writeOpen: false }]);
      expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
      expect([a.closedForWriting, a.peerClosed, b.closedForWriting, b.peerClosed]).toEqual([true, true, true, true]);
      expect(
        l
          .log(second)
          .of('alert_sent')
          .map((x) => x.description),
      ).toEqual(['close_notify']);
    });
  }

  it('data after a received close_notify is ignored', () => {
    const l = connected();
    l.server.close();
    l.run();
    l.s2c.inject(ContentType.application_data, utf8('late'));
    expect(l.client.readApplicationData()).toBeNull();
    expect(l.client.error).toBeUndefined();
  });

  it('user_canceled during the handshake is a warning followed by close_notify, and not an error for the peer', () => {
    const l = clientAfter('server_hello');
    expect(l.client.state).toBe('WAIT_EE');
    l.client.cancel();
    const alerts = l.clientLog.of('alert_sent').map((a) => [a.level, a.description]);
    expect(alerts).toEqual([
      ['warning', 'user_canceled'],
      ['warning', 'close_notify'],
    ]);
    expect(() => l.client.write(utf8('x'))).toThrow();
    l.c2s.deliverAll();
    expect(l.server.error).toBeUndefined();
    expect(l.server.peerClosed).toBe(true);
    expect(l.serverLog.of('alert_received').map((a) => a.description)).toEqual(['user_canceled', 'close_notify']);
  });
});

describe('after a fatal alert every call reports the same error', () => {
  function failed(): Link {
    const l = clientAfter('certificate_verify');
    const fin = l.s2c.queue.shift()!;
    const bad = fin.content.slice();
    bad[5]! ^= 1;
    l.s2c.inject(ContentType.handshake, bad);
    return l;
  }

  it('on the side that sent it', () => {
    const l = failed();
    const c = l.client;
    const err = c.error!;
    expect(err.alert).toBe('decrypt_error');
    expect(() => c.write(utf8('x'))).toThrow(err);
    expect(() => c.readApplicationData()).toThrow(err);
    expect(() => c.peekApplicationData()).toThrow(err);
    expect(() => c.close()).toThrow(err);
    expect(() => c.keyUpdate(false)).toThrow(err);
    const sentBefore = l.clientLog.of('alert_sent').length;
    c.handleBytes(new Uint8Array([23, 3, 3, 0, 1, 0]));
    expect(c.error).toBe(err);
    expect(l.clientLog.of('alert_sent').length).toBe(sentBefore);
    expect(sentBefore).toBe(1);
    expect(c.state).toBe('CLOSED');
  });

  it('on the side that received it', () => {
    const l = failed();
    l.c2s.deliverAll();
    const s = l.server;
    const err = s.error!;
    expect(err.alert).toBe('decrypt_error');
    expect(l.serverLog.of('alert_received').map((a) => [a.level, a.description])).toEqual([['fatal', 'decrypt_error']]);
    expect(() => s.write(utf8('x'))).toThrow(err);
    expect(() => s.readApplicationData()).toThrow(err);
    expect(() => s.close()).toThrow(err);
    s.handleBytes(new Uint8Array([21, 3, 3, 0, 2, 2, AlertDescription.internal_error]));
    expect(s.error).toBe(err);
    expect(l.serverLog.of('alert_sent')).toEqual([]);
  });

  it('buffered application data is still readable before the error surfaces (then the error)', () => {
    const l = link();
    l.client.start();
    l.run();
    l.server.write(utf8('verdict pending'));
    l.s2c.pull();
    l.s2c.deliverOne();
    l.s2c.inject(ContentType.alert, new Uint8Array([2, AlertDescription.bad_certificate]));
    expect(l.client.error?.alert).toBe('bad_certificate');
    expect(l.client.readApplicationData()).toEqual(utf8('verdict pending'));
    expect(() => l.client.readApplicationData()).toThrow(l.client.error!);
  });
});
