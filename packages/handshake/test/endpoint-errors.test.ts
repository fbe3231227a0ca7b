/**
 * Every error kind, produced by a real run, answered with the alert `alertFor` gives it
 * (RFC 8446 §6.2; RFC 5246 §7.2 for TLS 1.2), and received as that alert by the peer. A
 * first table pins the mapping itself to the RFC text that names each alert, so a change to
 * it is a visible decision.
 */
import { describe, expect, it } from 'vitest';
import { ContentType, DecodeError, TlsError, type AlertName } from '@tls13sim/record';
import {
  HANDSHAKE_ERROR_KINDS,
  HandshakeError,
  PeerAlertError,
  alertFor,
  alertForKind,
  ERROR_ALERTS,
  buildCertificate,
  generateKeyPair,
  seededRandom,
  type EndpointConfig,
  type HandshakeErrorKind,
  type Role,
} from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';
import { Link, sampleWireMessages } from './endpoint-inject.js';
import { clientPki as clientPki12, drive, pair12 } from './tls12-helpers.js';

/**
 * The alert each kind must get under TLS 1.3 and under TLS 1.2, with the rule that names it
 * (§ alone: RFC 8446).
 */
const RFC_ALERT: Record<HandshakeErrorKind, { tls13: AlertName; tls12: AlertName; rule: string }> = {
  unexpected_message: {
    tls13: 'unexpected_message',
    tls12: 'unexpected_message',
    rule: '§4: "a handshake message in an unexpected order MUST abort ... unexpected_message"; RFC 5246 §7.2.2',
  },
  unaligned_key_change: {
    tls13: 'unexpected_message',
    tls12: 'unexpected_message',
    rule: '§5.1: messages preceding a key change must align with a record boundary "if not ... unexpected_message"',
  },
  bad_change_cipher_spec: {
    tls13: 'unexpected_message',
    tls12: 'unexpected_message',
    rule: '§5: any other change_cipher_spec value, or a protected one, "MUST abort ... unexpected_message"',
  },
  decode: {
    tls13: 'decode_error',
    tls12: 'decode_error',
    rule: '§6.2 decode_error: "A message could not be decoded"; §4.4.2.4 empty server Certificate; RFC 5246 §7.2.2',
  },
  illegal_parameter: {
    tls13: 'illegal_parameter',
    tls12: 'illegal_parameter',
    rule: '§6.2 illegal_parameter: "A field in the handshake was incorrect or inconsistent"; RFC 5246 §7.2.2',
  },
  downgrade_detected: {
    tls13: 'illegal_parameter',
    tls12: 'illegal_parameter',
    rule: '§4.1.3: sentinel found → "MUST abort the handshake with an "illegal_parameter" alert"',
  },
  bad_finished: { tls13: 'decrypt_error', tls12: 'decrypt_error', rule: '§4.4.4: incorrect Finished → "decrypt_error"; RFC 5246 §7.2.2 decrypt_error' },
  bad_signature: { tls13: 'decrypt_error', tls12: 'decrypt_error', rule: '§4.4.3: CertificateVerify verification fails → "decrypt_error"; RFC 5246 §7.2.2' },
  bad_binder: { tls13: 'decrypt_error', tls12: 'decrypt_error', rule: '§4.2.11: binder does not validate → "decrypt_error"' },
  no_common_parameters: {
    tls13: 'handshake_failure',
    tls12: 'handshake_failure',
    rule: '§4.1.1: no acceptable parameters → "handshake_failure"; RFC 5246 §7.4.1.3',
  },
  protocol_version: { tls13: 'protocol_version', tls12: 'protocol_version', rule: '§4.2.1 / §6.2 protocol_version; RFC 5246 §7.2.2' },
  missing_extension: {
    tls13: 'missing_extension',
    tls12: 'handshake_failure',
    rule: '§9.2: a mandatory extension is absent → "missing_extension"; RFC 5246 has no missing_extension: handshake_failure (§7.2.2)',
  },
  unsupported_extension: {
    tls13: 'unsupported_extension',
    tls12: 'unsupported_extension',
    rule: '§4.2: an unsolicited extension response → "unsupported_extension"; RFC 5246 §7.2.2',
  },
  certificate_required: {
    tls13: 'certificate_required',
    tls12: 'handshake_failure',
    rule: '§4.4.2.4: the server MAY abort with "certificate_required"; RFC 5246 §7.4.6: "MAY ... respond with a fatal handshake_failure alert"',
  },
  bad_certificate: {
    tls13: 'bad_certificate',
    tls12: 'bad_certificate',
    rule: '§6.2 / RFC 5246 §7.2.2 bad_certificate: "A certificate was corrupt, contained signatures that did not verify correctly, etc."',
  },
  unsupported_certificate: {
    tls13: 'unsupported_certificate',
    tls12: 'unsupported_certificate',
    rule: '§6.2 / RFC 5246 §7.2.2 unsupported_certificate: "A certificate was of an unsupported type"',
  },
  certificate_expired: {
    tls13: 'certificate_expired',
    tls12: 'certificate_expired',
    rule: '§6.2 / RFC 5246 §7.2.2 certificate_expired: "A certificate has expired or is not currently valid"',
  },
  unknown_ca: {
    tls13: 'unknown_ca',
    tls12: 'unknown_ca',
    rule: '§6.2 / RFC 5246 §7.2.2 unknown_ca: "the CA certificate could not be located or could not be matched with a known trust anchor"',
  },
  verifier_rejected: {
    tls13: 'bad_certificate',
    tls12: 'bad_certificate',
    rule: "the application verifier's verdict names the alert (§6.2 lets it choose, e.g. access_denied); bad_certificate only without one",
  },
  no_application_protocol: {
    tls13: 'no_application_protocol',
    tls12: 'no_application_protocol',
    rule: 'RFC 7301 §3.2: no overlap → "no_application_protocol"',
  },
  internal: { tls13: 'internal_error', tls12: 'internal_error', rule: '§6.2 / RFC 5246 §7.2.2 internal_error: "An internal error unrelated to the peer"' },
};

describe('alertFor: the one error kind → alert map', () => {
  it('maps every kind to the alert the RFC prescribes, per version, and has no other kinds', () => {
    expect([...HANDSHAKE_ERROR_KINDS].sort()).toEqual(Object.keys(RFC_ALERT).sort());
    for (const [kind, want] of Object.entries(RFC_ALERT) as [HandshakeErrorKind, (typeof RFC_ALERT)[HandshakeErrorKind]][]) {
      expect([kind, alertForKind(kind, 'TLSv1.3'), alertForKind(kind, 'TLSv1.2')]).toEqual([kind, want.tls13, want.tls12]);
      expect(alertFor(new HandshakeError(kind, 'x'))).toBe(want.tls13);
      expect(alertFor(new HandshakeError(kind, 'x'), 'TLSv1.2')).toBe(want.tls12);
    }
  });

  it('still exports the TLS 1.3 table as ERROR_ALERTS, equal to what alertForKind gives under TLS 1.3', () => {
    expect(Object.keys(ERROR_ALERTS)).toEqual([...HANDSHAKE_ERROR_KINDS]);
    for (const kind of HANDSHAKE_ERROR_KINDS) expect(ERROR_ALERTS[kind]).toBe(alertForKind(kind, 'TLSv1.3'));
  });

  it("gives a verifier's rejection the alert its verdict names, under either version", () => {
    const err = new HandshakeError('verifier_rejected', 'no', { verdictAlert: 'access_denied' });
    expect([err.alert, alertFor(err), alertFor(err, 'TLSv1.2'), err.atVersion('TLSv1.2').alert]).toEqual([
      'access_denied',
      'access_denied',
      'access_denied',
      'access_denied',
    ]);
  });

  it('re-reports an error at TLS 1.2 with its 1.2 alert, the same kind and detail', () => {
    const err = new HandshakeError('certificate_required', 'the client sent no certificate');
    const at12 = err.atVersion('TLSv1.2');
    expect([err.alert, at12.alert, at12.kind, at12.detail, at12.message]).toEqual([
      'certificate_required',
      'handshake_failure',
      'certificate_required',
      'the client sent no certificate',
      'handshake_failure: the client sent no certificate',
    ]);
    expect(err.atVersion('TLSv1.3')).toBe(err);
  });

  it("leaves a record-layer or decoder error's alert to its layer (RFC 8446 §5.2, §6.2)", () => {
    expect(alertFor(new TlsError('bad_record_mac', 'x'))).toBe('bad_record_mac');
    expect(alertFor(new TlsError('record_overflow', 'x'), 'TLSv1.2')).toBe('record_overflow');
    expect(alertFor(new DecodeError('x'))).toBe('decode_error');
  });
});

/** A CA, and a leaf for `name` it signs whose extKeyUsage allows only `eku` (RFC 5280 §4.2.1.12). */
function pkiWithUsage(name: string, eku: 'serverAuth' | 'clientAuth') {
  const rand = seededRandom(`eku:${name}:${eku}`);
  const caKey = generateKeyPair('ed25519', rand);
  const window = { notBefore: Date.UTC(2020, 0, 1), notAfter: Date.UTC(2099, 0, 1) };
  const ca = buildCertificate(
    { subject: `CN=EKU CA ${eku}`, publicKey: caKey.publicKey, ...window, isCA: true, keyUsage: ['keyCertSign', 'digitalSignature'] },
    caKey.privateKey,
    rand,
  );
  const leafKey = generateKeyPair('ed25519', rand);
  const leaf = buildCertificate(
    { subject: `CN=${name}`, issuer: ca, publicKey: leafKey.publicKey, ...window, dnsNames: [name], extKeyUsage: [eku] },
    caKey.privateKey,
    rand,
  );
  return { ca: ca.der, leaf: { chain: [leaf.der], privateKey: leafKey.privateKey } };
}

interface Scenario {
  /** Which endpoint detects the error. */
  readonly who: Role;
  /** Where the error value comes from: the state machine (a HandshakeError of this kind), the record layer's reassembler, or the endpoint's catch-all for our own bugs. */
  readonly origin?: 'catch-all';
  /** The alert, when not the table's (a verifier's verdict). */
  readonly alert?: AlertName;
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
const serverOnlyClient = pkiWithUsage('client.test', 'serverAuth');
const strangerCa = testPki('p256', 'stranger.test', 'p256');
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
  bad_change_cipher_spec: {
    who: 'client',
    run: () => clientAt('server_hello', (l) => l.s2c.inject(ContentType.change_cipher_spec, new Uint8Array([2]), 'plaintext')),
  },
  decode: {
    who: 'client',
    run: () => clientAt('encrypted_extensions', (l) => l.s2c.inject(ContentType.handshake, new Uint8Array([11, 0, 0, 4, 0, 0, 0, 0]))),
  },
  illegal_parameter: {
    who: 'client',
    run: () => full({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }, { hooks: { serverHello: (sh) => ({ ...sh, cipherSuite: 0x1303 }) } }),
  },
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
    run: () =>
      full({ certificate: { chain: clientPki.leaf.chain, privateKey: otherPki.leaf.privateKey } }, { clientAuth: 'require', trustAnchors: [clientPki.ca] }),
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
    run: () =>
      full(
        {},
        {
          hooks: {
            encryptedExtensions: (ee) => ({ ...ee, extensions: [...ee.extensions, { type: 'application_layer_protocol_negotiation', protocols: ['h2'] }] }),
          },
        },
      ),
  },
  certificate_required: { who: 'server', run: () => full({}, { clientAuth: 'require' }) },
  bad_certificate: { who: 'client', run: () => full({ serverName: 'not-the-server.test' }, {}) },
  unsupported_certificate: {
    who: 'server',
    run: () => full({ certificate: serverOnlyClient.leaf }, { clientAuth: 'require', trustAnchors: [serverOnlyClient.ca] }),
  },
  certificate_expired: { who: 'client', run: () => full({ validationTime: Date.UTC(2100, 0, 1) }, {}) },
  unknown_ca: { who: 'client', run: () => full({ trustAnchors: [strangerCa.ca] }, {}) },
  verifier_rejected: {
    who: 'server',
    alert: 'access_denied',
    run: () =>
      full(
        { certificate: clientPki.leaf },
        { clientAuth: 'require', trustAnchors: [clientPki.ca], clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) },
      ),
  },
  no_application_protocol: { who: 'server', run: () => full({ alpn: ['h2'] }, { alpn: ['http/1.1'] }) },
  internal: {
    who: 'server',
    origin: 'catch-all',
    run: () =>
      full(
        {},
        {
          hooks: {
            encryptedExtensions: () => {
              throw new Error('a bug of ours');
            },
          },
        },
      ),
  },
};

describe('every error kind, produced by a real run, gets its alert and the peer receives it', () => {
  for (const kind of HANDSHAKE_ERROR_KINDS) {
    const sc = SCENARIOS[kind];
    const alert = sc.alert ?? RFC_ALERT[kind].tls13;
    it(`${kind} → ${alert} (${sc.who} detects it)`, () => {
      const l = sc.run();
      const ep = l.endpoint(sc.who);
      const peerRole: Role = sc.who === 'client' ? 'server' : 'client';
      const err = ep.error;
      expect(err).toBeInstanceOf(HandshakeError);
      expect((err as HandshakeError).kind).toBe(kind);
      expect(err!.alert).toBe(alert);
      // Our own bug, caught by the endpoint's catch-all: kind internal, the bug as its cause.
      if (sc.origin === 'catch-all') expect((err as { cause?: unknown }).cause).toBeInstanceOf(Error);
      expect(ep.state).toBe('CLOSED');
      expect(
        l
          .log(sc.who)
          .of('alert_sent')
          .map((a) => [a.level, a.description]),
      ).toEqual([['fatal', alert]]);
      const peer = l.endpoint(peerRole);
      expect(
        l
          .log(peerRole)
          .of('alert_received')
          .map((a) => [a.level, a.description]),
      ).toEqual([['fatal', alert]]);
      expect(peer.error).toBeInstanceOf(PeerAlertError);
      expect(peer.error!.alert).toBe(alert);
      expect(l.log(peerRole).of('alert_sent')).toEqual([]);
    });
  }

  it("a record-layer error is no kind of ours: the reassembler's limit keeps the alert it names", () => {
    const l = full({}, { maxHandshakeMessageSize: 100 });
    const err = l.endpoint('server').error;
    expect(err).toBeInstanceOf(TlsError);
    expect(err).not.toBeInstanceOf(HandshakeError);
    expect(err!.alert).toBe('illegal_parameter');
    expect(
      l
        .log('client')
        .of('alert_received')
        .map((a) => a.description),
    ).toEqual(['illegal_parameter']);
  });
});

describe('a TLS 1.2 endpoint sends the TLS 1.2 alert of a kind (RFC 5246 §7.2)', () => {
  it('certificate_required → handshake_failure (RFC 5246 §7.4.6)', () => {
    const { client, server } = pair12({}, { clientAuth: 'require' });
    client.start();
    drive(client, server);
    expect(server.error).toBeInstanceOf(HandshakeError);
    expect([(server.error as HandshakeError).kind, server.error!.alert, client.error?.alert]).toEqual([
      'certificate_required',
      'handshake_failure',
      'handshake_failure',
    ]);
    expect(server.error!.message).toBe('handshake_failure: the client sent no certificate (RFC 5246 §7.4.6)');
  });

  it('missing_extension (no signature_algorithms) → handshake_failure', () => {
    const noSigAlgs = (ch: Parameters<NonNullable<NonNullable<EndpointConfig['hooks']>['clientHello']>>[0]) => ({
      ...ch,
      extensions: ch.extensions.filter((e) => e.type !== 'signature_algorithms'),
    });
    const { client, server } = pair12({ hooks: { clientHello: noSigAlgs } }, {});
    client.start();
    drive(client, server);
    expect(server.error).toBeInstanceOf(HandshakeError);
    expect([(server.error as HandshakeError).kind, server.error!.alert, client.error?.alert]).toEqual([
      'missing_extension',
      'handshake_failure',
      'handshake_failure',
    ]);
  });

  it("a verifier's verdict keeps its alert under TLS 1.2", () => {
    const { client, server } = pair12(
      { certificate: clientPki12.leaf },
      { clientAuth: 'require', clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) },
    );
    client.start();
    drive(client, server);
    expect([(server.error as HandshakeError).kind, server.error!.alert, client.error?.alert]).toEqual(['verifier_rejected', 'access_denied', 'access_denied']);
  });
});
