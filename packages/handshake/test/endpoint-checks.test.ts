/**
 * Field checks of individual messages and records, each by injecting one altered message
 * into a real handshake stopped at the right state (RFC 8446 §4.1.2, §4.2.8, §4.3.2,
 * §4.4.2, §4.4.3, §4.6.3, §5.1, §5.4, §6, §7.4).
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType } from '@tls13sim/record';
import {
  encodeHandshake,
  NamedGroup,
  SignatureScheme,
  type ClientHello,
  type EndpointConfig,
  type HandshakeMessage,
} from '@tls13sim/handshake';
import { expectFailed, testPki } from './endpoint-helpers.js';
import { Link, linkPair } from './endpoint-inject.js';

function link(clientCfg: Partial<EndpointConfig> = {}, serverCfg: Partial<EndpointConfig> = {}, seed = 41): Link {
  return linkPair(clientCfg, serverCfg, seed);
}

/** Client started, ClientHello delivered, the server's flight delivered through `last`, the rest dropped. */
function clientAfter(last: string, l = link()): Link {
  l.client.start();
  l.c2s.deliverAll();
  l.s2c.pull();
  while (l.s2c.deliverOne().name !== last);
  l.s2c.queue.length = 0;
  return l;
}

/** The server waits for the client's second flight (dropped, so the test can inject instead). */
function serverWaiting(clientCfg: Partial<EndpointConfig>, serverCfg: Partial<EndpointConfig>): Link {
  const l = link(clientCfg, serverCfg);
  l.client.start();
  l.c2s.deliverAll();
  l.s2c.deliverAll();
  l.c2s.pull();
  l.c2s.queue.length = 0;
  return l;
}

const hs = (m: HandshakeMessage): Uint8Array => encodeHandshake(m);
const clientPki = testPki('ed25519', 'client.test');
const serverChain = testPki().leaf.chain;

describe('the client checks the server flight', () => {
  it('a server Certificate with a non-empty request context is illegal_parameter (§4.4.2)', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.injectMessage({ type: 'certificate', certificateRequestContext: new Uint8Array([1]), certificateList: serverChain.map((certData) => ({ certData, extensions: [] })) });
    expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('an empty server Certificate is decode_error (§4.4.2.4)', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.injectMessage({ type: 'certificate', certificateRequestContext: new Uint8Array(0), certificateList: [] });
    expectFailed(l.client, 'decode_error', 'decode');
  });

  it('an in-handshake CertificateRequest with a non-empty context is illegal_parameter (§4.3.2)', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.injectMessage({
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array([7]),
      extensions: [{ type: 'signature_algorithms', schemes: [SignatureScheme.ed25519] }],
    });
    expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a CertificateRequest without signature_algorithms is missing_extension (§4.3.2)', () => {
    const l = clientAfter('encrypted_extensions');
    // extensions<2..2^16-1>: the list cannot be empty, so it carries signature_algorithms_cert only.
    l.s2c.injectMessage({
      type: 'certificate_request',
      certificateRequestContext: new Uint8Array(0),
      extensions: [{ type: 'signature_algorithms_cert', schemes: [SignatureScheme.ed25519] }],
    });
    // The message codec already refuses it (before the state machine sees it): no kind, the same alert.
    expectFailed(l.client, 'missing_extension');
  });

  it('a CertificateVerify with a scheme that does not fit the certificate key is illegal_parameter', () => {
    const l = clientAfter('certificate');
    l.s2c.injectMessage({ type: 'certificate_verify', algorithm: SignatureScheme.ecdsa_secp256r1_sha256, signature: new Uint8Array(70) });
    expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a CertificateVerify with rsa_pkcs1 (certificates only in TLS 1.3, §4.2.3) is illegal_parameter', () => {
    const rsa = testPki('rsa', 'server.test');
    const l = clientAfter('certificate', link({ trustAnchors: [rsa.ca] }, { certificate: rsa.leaf }));
    l.s2c.injectMessage({ type: 'certificate_verify', algorithm: SignatureScheme.rsa_pkcs1_sha256, signature: new Uint8Array(256) });
    expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a CertificateVerify whose signature does not verify is decrypt_error (§4.4.3)', () => {
    const l = clientAfter('certificate');
    l.s2c.injectMessage({ type: 'certificate_verify', algorithm: SignatureScheme.ed25519, signature: new Uint8Array(64).fill(1) });
    expectFailed(l.client, 'decrypt_error', 'bad_signature');
  });

  it('an all-zero x25519 share from the server is illegal_parameter (§7.4.2)', () => {
    const l = link(
      {},
      {
        hooks: {
          serverHello: (sh) => ({
            ...sh,
            extensions: sh.extensions.map((e) => (e.type === 'key_share' ? { ...e, serverShare: { group: NamedGroup.x25519, keyExchange: new Uint8Array(32) } } : e)),
          }),
        },
      },
    );
    l.client.start();
    l.run();
    expectFailed(l.client, 'illegal_parameter');
  });

  it('application data under the handshake keys is unexpected_message', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.inject(ContentType.application_data, new Uint8Array([1, 2, 3]));
    expectFailed(l.client, 'unexpected_message');
  });

  it('an alert between two fragments of a handshake message is unexpected_message (§5.1)', () => {
    const l = clientAfter('server_hello');
    l.s2c.inject(ContentType.handshake, new Uint8Array([8, 0]));
    l.s2c.inject(ContentType.alert, new Uint8Array([1, AlertDescription.user_canceled]));
    expectFailed(l.client, 'unexpected_message');
  });

  it('a protected handshake record with empty content is unexpected_message (§5.4)', () => {
    const l = clientAfter('server_hello');
    l.s2c.inject(ContentType.handshake, new Uint8Array(0));
    expectFailed(l.client, 'unexpected_message');
  });
});

describe('the server checks the ClientHello', () => {
  const edit = (f: (ch: ClientHello) => ClientHello) => ({ hooks: { clientHello: f } });
  const CASES: Record<string, [Partial<EndpointConfig>, string]> = {
    'legacy_compression_methods other than [0] (§4.1.2)': [edit((ch) => ({ ...ch, legacyCompressionMethods: new Uint8Array([1, 0]) })), 'illegal_parameter'],
    'two key shares for one group (§4.2.8)': [
      edit((ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'key_share' ? { ...e, clientShares: [...e.clientShares, ...e.clientShares] } : e)) })),
      'illegal_parameter',
    ],
    'a key share for a group not in supported_groups (§4.2.8)': [
      edit((ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'supported_groups' ? { ...e, groups: [NamedGroup.secp256r1] } : e)) })),
      'illegal_parameter',
    ],
    'no key_share (§9.2)': [edit((ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'key_share') })), 'missing_extension'],
    'no supported_groups (§9.2)': [edit((ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'supported_groups') })), 'missing_extension'],
    // Issue 16: with a PSK the server cannot use it falls back to certificates, and crashed
    // (internal_error) on the absent signature_algorithms instead of answering missing_extension.
    'a pre_shared_key the server cannot use and no signature_algorithms (§9.2)': [
      {
        externalPsk: { identity: new TextEncoder().encode('nobody knows me'), key: new Uint8Array(32).fill(3), hash: 'sha256' },
        ...edit((ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'signature_algorithms') })),
      },
      'missing_extension',
    ],
    'an all-zero x25519 share (§7.4.2)': [
      edit((ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'key_share' ? { ...e, clientShares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(32) }] } : e)) })),
      'illegal_parameter',
    ],
    'a secp256r1 share that is not on the curve (§4.2.8.2)': [
      {
        groups: ['secp256r1'],
        hooks: {
          clientHello: (ch) => ({
            ...ch,
            extensions: ch.extensions.map((e) => (e.type === 'key_share' ? { ...e, clientShares: [{ group: NamedGroup.secp256r1, keyExchange: new Uint8Array([4, ...new Uint8Array(64).fill(1)]) }] } : e)),
          }),
        },
      },
      'illegal_parameter',
    ],
  };
  for (const [what, [cfg, alert]] of Object.entries(CASES)) {
    it(`rejects a ClientHello with ${what}: ${alert}`, () => {
      const l = link(cfg, {});
      l.client.start();
      l.run();
      expectFailed(l.server, alert);
      expect(l.serverLog.of('alert_sent').map((a) => a.epoch)).toEqual(['plaintext']);
    });
  }
});

describe('the server checks the client flight', () => {
  it('a client Certificate whose context differs from the CertificateRequest is illegal_parameter (§4.4.2)', () => {
    const l = serverWaiting({ certificate: clientPki.leaf }, { clientAuth: 'request', trustAnchors: [clientPki.ca] });
    l.c2s.injectMessage({ type: 'certificate', certificateRequestContext: new Uint8Array([1]), certificateList: clientPki.leaf.chain.map((certData) => ({ certData, extensions: [] })) });
    expectFailed(l.server, 'illegal_parameter', 'illegal_parameter');
  });

  it('a client whose key fits no scheme the server accepts answers with an empty Certificate, and request lets it in', () => {
    const ed448 = testPki('ed448', 'client.test');
    const l = link({ certificate: ed448.leaf }, { clientAuth: 'request', signatureSchemes: ['ed25519'] });
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(l.c2s.produced.filter((u) => u.name.startsWith('certificate')).map((u) => [u.name, u.content.length])).toEqual([['certificate', 8]]);
    expect(l.server.peerCertificates).toEqual([]);
  });

  it('a KeyUpdate with request_update 2 is illegal_parameter (§4.6.3)', () => {
    const l = link();
    l.client.start();
    l.run();
    l.c2s.inject(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 2]));
    expectFailed(l.server, 'illegal_parameter');
  });

  it('an empty application data record is accepted (§5.1: zero-length application data MAY be sent)', () => {
    const l = link();
    l.client.start();
    l.run();
    l.c2s.inject(ContentType.application_data, new Uint8Array(0));
    expect(l.server.error).toBeUndefined();
    expect(l.server.readApplicationData()).toBeNull();
  });
});

describe('alerts received (§6)', () => {
  function connected(): Link {
    const l = link();
    l.client.start();
    l.run();
    return l;
  }
  it('an error alert at warning level is still fatal ("regardless of the AlertLevel")', () => {
    const l = connected();
    l.s2c.inject(ContentType.alert, new Uint8Array([1, AlertDescription.handshake_failure]));
    expect(l.client.error?.alert).toBe('handshake_failure');
    expect(l.client.state).toBe('CLOSED');
  });
  it('an unknown alert is treated as an error alert', () => {
    const l = connected();
    l.s2c.inject(ContentType.alert, new Uint8Array([2, 199]));
    expect(l.client.error).toBeDefined();
    expect(l.client.state).toBe('CLOSED');
    expect(l.clientLog.of('alert_sent')).toEqual([]);
  });
  it('user_canceled after the handshake is not an error', () => {
    const l = connected();
    l.s2c.inject(ContentType.alert, new Uint8Array([1, AlertDescription.user_canceled]));
    expect(l.client.error).toBeUndefined();
    expect(l.client.state).toBe('CONNECTED');
  });
});
