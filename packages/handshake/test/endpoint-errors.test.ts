/**
 * Every error kind of ERROR_ALERTS, produced by a real run, answered with its RFC 8446 §6.2
 * alert, and received as that alert by the peer. A first table pins the mapping itself to
 * the RFC text, so a change to it is a visible decision.
 */
import { describe, expect, it } from 'vitest';
import { ContentType, TlsError, type AlertName } from '@tls13sim/record';
import { ERROR_ALERTS, HandshakeError, PeerAlertError, type EndpointConfig, type HandshakeErrorKind, type Role } from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';
import { Link, sampleWireMessages } from './endpoint-inject.js';

/** The §6.2 (and RFC 7301, RFC 8449) alert each kind must get, with the rule that says so. */
const RFC_ALERT: Record<HandshakeErrorKind, [AlertName, string]> = {
  unexpected_message: ['unexpected_message', '§4: "a handshake message in an unexpected order MUST abort ... unexpected_message"'],
  unaligned_key_change: ['unexpected_message', '§5.1: messages preceding a key change must align with a record boundary "if not ... unexpected_message"'],
  bad_change_cipher_spec: ['unexpected_message', '§5: any other change_cipher_spec value, or a protected one, "MUST abort ... unexpected_message"'],
  decode: ['decode_error', '§6.2 decode_error: "A message could not be decoded"; §4.4.2.4 empty server Certificate'],
  illegal_parameter: ['illegal_parameter', '§6.2 illegal_parameter: "A field in the handshake was incorrect or inconsistent"'],
  downgrade_detected: ['illegal_parameter', '§4.1.3: sentinel found → "MUST abort the handshake with an "illegal_parameter" alert"'],
  bad_finished: ['decrypt_error', '§4.4.4: incorrect Finished → "decrypt_error"'],
  bad_signature: ['decrypt_error', '§4.4.3: CertificateVerify verification fails → "decrypt_error"'],
  bad_binder: ['decrypt_error', '§4.2.11: binder does not validate → "decrypt_error"'],
  no_common_parameters: ['handshake_failure', '§4.1.1: no acceptable parameters → "handshake_failure"'],
  protocol_version: ['protocol_version', '§4.2.1 / §6.2 protocol_version'],
  missing_extension: ['missing_extension', '§9.2: a mandatory extension is absent → "missing_extension"'],
  unsupported_extension: ['unsupported_extension', '§4.2: an unsolicited extension response → "unsupported_extension"'],
  certificate_required: ['certificate_required', '§4.4.2.4: the server MAY abort with "certificate_required"'],
  bad_certificate: ['bad_certificate', '§6.2 bad_certificate (a verifier may choose another §6.2 alert)'],
  no_application_protocol: ['no_application_protocol', 'RFC 7301 §3.2: no overlap → "no_application_protocol"'],
  message_too_large: ['illegal_parameter', 'no §6.2 alert names it; OpenSSL/BoringSSL send illegal_parameter'],
  internal: ['internal_error', '§6.2 internal_error: "An internal error unrelated to the peer"'],
};

describe('the error → alert table', () => {
  it('maps every kind to the alert the RFC prescribes, and has no other kinds', () => {
    expect(Object.keys(ERROR_ALERTS).sort()).toEqual(Object.keys(RFC_ALERT).sort());
    for (const [kind, [alert]] of Object.entries(RFC_ALERT)) expect([kind, ERROR_ALERTS[kind as HandshakeErrorKind]]).toEqual([kind, alert]);
  });
});

interface Scenario {
  /** Which endpoint detects the error. */
  readonly who: Role;
  /** Where the error value comes from: the state machine (a HandshakeError of this kind), the record layer's reassembler, or the endpoint's catch-all for our own bugs. */
  readonly origin?: 'record' | 'catch-all';
  readonly run: () => Link;
}

function full(clientCfg: Partial<EndpointConfig>, serverCfg: Partial<EndpointConfig>): Link {
  const { client, server } = makePair(clientCfg, serverCfg, 31);
  const l = new Link(client, server);
  client.start();
  l.run();
  return l;
}

/** Client started, ClientHello delivered, the server's flight delivered through `last`; `then` injects. */
function clientAt(last: string, then: (l: Link) => void): Link {
  const { client, server } = makePair({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }, {}, 32);
  const l = new Link(client, server);
  client.start();
  l.c2s.deliverAll();
  l.s2c.pull();
  while (l.s2c.deliverOne().name !== last);
  then(l);
  l.s2c.queue.length = 0;
  l.run();
  return l;
}

const SAMPLES = sampleWireMessages();
const clientPki = testPki('ed25519', 'client.test');
const otherPki = testPki('ed25519', 'other.test');
const psk = { identity: new Uint8Array([1, 2, 3]), key: new Uint8Array(32).fill(7), hash: 'sha256' as const };

const SCENARIOS: Record<HandshakeErrorKind, Scenario> = {
  unexpected_message: { who: 'client', run: () => clientAt('server_hello', (l) => l.s2c.inject(ContentType.handshake, SAMPLES.finished!)) },
  unaligned_key_change: {
    who: 'client',
    run: () => {
      const { client, server } = makePair({}, {}, 33);
      const l = new Link(client, server);
      client.start();
      l.c2s.deliverAll();
      const [sh] = l.s2c.pull();
      l.s2c.queue.length = 0;
      l.s2c.inject(ContentType.handshake, new Uint8Array([...sh!.content, ...SAMPLES.encrypted_extensions!]), 'plaintext');
      l.run();
      return l;
    },
  },
  bad_change_cipher_spec: { who: 'client', run: () => clientAt('server_hello', (l) => l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([2]), 'plaintext')) },
  decode: {
    who: 'client',
    run: () => clientAt('encrypted_extensions', (l) => l.s2c.inject(ContentType.handshake, new Uint8Array([11, 0, 0, 4, 0, 0, 0, 0]))),
  },
  illegal_parameter: { who: 'client', run: () => full({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }, { hooks: { serverHello: (sh) => ({ ...sh, cipherSuite: 0x1303 }) } }) },
  downgrade_detected: {
    who: 'client',
    run: () =>
      full(
        {},
        {
          hooks: {
            serverHello: (sh) => ({
              ...sh,
              random: new Uint8Array([...sh.random.slice(0, 24), 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]),
              extensions: sh.extensions.filter((e) => e.type !== 'supported_versions'),
            }),
          },
        },
      ),
  },
  bad_finished: {
    who: 'client',
    run: () =>
      clientAt('certificate_verify', (l) => {
        const fin = l.s2c.queue.shift()!.content.slice();
        fin[10]! ^= 4;
        l.s2c.inject(ContentType.handshake, fin);
      }),
  },
  bad_signature: {
    who: 'server',
    run: () => full({ certificate: { chain: clientPki.leaf.chain, privateKey: otherPki.leaf.privateKey } }, { clientAuth: 'require', trustAnchors: [clientPki.ca] }),
  },
  bad_binder: { who: 'server', run: () => full({ externalPsk: { ...psk, key: new Uint8Array(32).fill(8) } }, { externalPsks: [psk] }) },
  no_common_parameters: { who: 'server', run: () => full({ cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] }, { cipherSuites: ['TLS_AES_128_GCM_SHA256'] }) },
  protocol_version: {
    who: 'server',
    run: () => full({ hooks: { clientHello: (ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'supported_versions') }) } }, {}),
  },
  missing_extension: {
    who: 'server',
    run: () => full({ hooks: { clientHello: (ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'signature_algorithms') }) } }, {}),
  },
  unsupported_extension: {
    who: 'client',
    run: () => full({}, { hooks: { encryptedExtensions: (ee) => ({ ...ee, extensions: [...ee.extensions, { type: 'application_layer_protocol_negotiation', protocols: ['h2'] }] }) } }),
  },
  certificate_required: { who: 'server', run: () => full({}, { clientAuth: 'require' }) },
  bad_certificate: { who: 'client', run: () => full({ serverName: 'not-the-server.test' }, {}) },
  no_application_protocol: { who: 'server', run: () => full({ alpn: ['h2'] }, { alpn: ['http/1.1'] }) },
  message_too_large: { who: 'server', origin: 'record', run: () => full({}, { maxHandshakeMessageSize: 100 }) },
  internal: {
    who: 'server',
    origin: 'catch-all',
    run: () =>
      full({}, {
        hooks: {
          encryptedExtensions: () => {
            throw new Error('a bug of ours');
          },
        },
      }),
  },
};

describe('every error kind, produced by a real run, gets its alert and the peer receives it', () => {
  for (const kind of Object.keys(ERROR_ALERTS) as HandshakeErrorKind[]) {
    const sc = SCENARIOS[kind];
    it(`${kind} → ${ERROR_ALERTS[kind]} (${sc.who} detects it)`, () => {
      const l = sc.run();
      const ep = l.endpoint(sc.who);
      const peerRole: Role = sc.who === 'client' ? 'server' : 'client';
      const err = ep.error;
      expect(err).toBeInstanceOf(TlsError);
      expect(err!.alert).toBe(ERROR_ALERTS[kind]);
      if (sc.origin === undefined) {
        expect(err).toBeInstanceOf(HandshakeError);
        expect((err as HandshakeError).kind).toBe(kind);
      } else {
        // Raised outside the state machine's transitions: the alert is right, no kind is attached.
        expect(err).not.toBeInstanceOf(HandshakeError);
        if (sc.origin === 'catch-all') expect((err as { cause?: unknown }).cause).toBeInstanceOf(Error);
      }
      expect(ep.state).toBe('CLOSED');
      expect(l.log(sc.who).of('alert_sent').map((a) => [a.level, a.description])).toEqual([['fatal', ERROR_ALERTS[kind]]]);
      const peer = l.endpoint(peerRole);
      expect(l.log(peerRole).of('alert_received').map((a) => [a.level, a.description])).toEqual([['fatal', ERROR_ALERTS[kind]]]);
      expect(peer.error).toBeInstanceOf(PeerAlertError);
      expect(peer.error!.alert).toBe(ERROR_ALERTS[kind]);
      expect(l.log(peerRole).of('alert_sent')).toEqual([]);
    });
  }
});
