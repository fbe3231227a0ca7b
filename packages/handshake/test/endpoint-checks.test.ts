/**
 * Field checks of individual messages and records, each by injecting one altered message
 * into a real handshake stopped at the right state (RFC 8446 §4.1.2, §4.2.8, §4.3.2,
 * §4.4.2, §4.4.3, §4.6.3, §5.1, §5.4, §6, §7.4).
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType } from '@tls13sim/record';
import { encodeHandshake, ffdheParams, NamedGroup, SignatureScheme, type ClientHello, type EndpointConfig, type FfdheGroupName } from '@tls13sim/handshake';
import { expectFailed, testPki } from './endpoint-helpers.js';
import { type Link, linkPair } from './endpoint-inject.js';

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

const clientPki = testPki('ed25519', 'client.test');
const serverChain = testPki().leaf.chain;

describe('the client checks the server flight', () => {
  it('a server Certificate with a non-empty request context is illegal_parameter (§4.4.2)', () => {
    const l = clientAfter('encrypted_extensions');
    l.s2c.injectMessage({
      type: 'certificate',
      certificateRequestContext: new Uint8Array([1]),
      certificateList: serverChain.map((certData) => ({ certData, extensions: [] })),
    });
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
            extensions: sh.extensions.map((e) =>
              e.type === 'key_share' ? { ...e, serverShare: { group: NamedGroup.x25519, keyExchange: new Uint8Array(32) } } : e,
            ),
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
      edit((ch) => ({
        ...ch,
        extensions: ch.extensions.map((e) => (e.type === 'key_share' ? { ...e, clientShares: [...e.clientShares, ...e.clientShares] } : e)),
      })),
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
      edit((ch) => ({
        ...ch,
        extensions: ch.extensions.map((e) =>
          e.type === 'key_share' ? { ...e, clientShares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(32) }] } : e,
        ),
      })),
      'illegal_parameter',
    ],
    'a secp256r1 share that is not on the curve (§4.2.8.2)': [
      {
        groups: ['secp256r1'],
        hooks: {
          clientHello: (ch) => ({
            ...ch,
            extensions: ch.extensions.map((e) =>
              e.type === 'key_share'
                ? { ...e, clientShares: [{ group: NamedGroup.secp256r1, keyExchange: new Uint8Array([4, ...new Uint8Array(64).fill(1)]) }] }
                : e,
            ),
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
    l.c2s.injectMessage({
      type: 'certificate',
      certificateRequestContext: new Uint8Array([1]),
      certificateList: clientPki.leaf.chain.map((certData) => ({ certData, extensions: [] })),
    });
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

describe('ClientHello.legacy_version (Appendix D.5, §4.1.2, §4.2.1)', () => {
  const withVersion = (v: number): Partial<EndpointConfig> => ({ hooks: { clientHello: (ch) => ({ ...ch, legacyVersion: v }) } });
  // Appendix D.5: "Any endpoint receiving a Hello message with ClientHello.legacy_version ... set
  // to 0x0300 MUST abort the handshake with a "protocol_version" alert." §4.1.2: a TLS 1.3
  // ClientHello's legacy_version "MUST be set to 0x0303"; below it is a pre-TLS 1.2 hello.
  for (const v of [0x0002, 0x0200, 0x0300, 0x0301, 0x0302]) {
    it(`0x${v.toString(16).padStart(4, '0')} is protocol_version`, () => {
      const l = link(withVersion(v), {});
      l.client.start();
      l.run();
      expectFailed(l.server, 'protocol_version');
      expect(l.serverLog.of('alert_sent').map((a) => a.epoch)).toEqual(['plaintext']);
    });
  }
  // Appendix D.5 binds the client too: "ServerHello.legacy_version set to 0x0300" → protocol_version.
  for (const v of [0x0300, 0x0302]) {
    it(`a ServerHello with legacy_version 0x0${v.toString(16)} is protocol_version at the client`, () => {
      const l = link({}, { hooks: { serverHello: (sh) => ({ ...sh, legacyVersion: v }) } });
      l.client.start();
      l.run();
      expectFailed(l.client, 'protocol_version', 'protocol_version');
    });
  }
  it('a HelloRetryRequest with legacy_version 0x0300 is protocol_version at the client', () => {
    const l = link(
      { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] },
      { groups: ['secp256r1'], hooks: { helloRetryRequest: (hrr) => ({ ...hrr, legacyVersion: 0x0300 }) } },
    );
    l.client.start();
    l.run();
    expectFailed(l.client, 'protocol_version', 'protocol_version');
  });
  // §4.2.1: with supported_versions present, servers "MUST NOT use the ClientHello.legacy_version
  // value for version negotiation": a higher value does not stop TLS 1.3.
  it('0x0304 with supported_versions still negotiates TLS 1.3', () => {
    const l = link(withVersion(0x0304), {});
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });
});

/**
 * Every group's key share, wrong by length or by value, in both directions: the receiver
 * answers illegal_parameter (§4.2.8.1: "1 < Y < p-1"; §4.2.8.2: "peers MUST validate each
 * other's public key"; §7.4.2: an all-zero X25519/X448 result), never decode_error — the
 * KeyShareEntry itself decodes (key_exchange<1..2^16-1>).
 */
describe('key shares of every group (§4.2.8.1, §4.2.8.2, §7.4)', () => {
  type G = 'x25519' | 'x448' | 'secp256r1' | 'secp384r1' | 'secp521r1' | 'X25519MLKEM768' | 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'ffdhe6144' | 'ffdhe8192';
  const ffdheLen = { ffdhe2048: 256, ffdhe3072: 384, ffdhe4096: 512, ffdhe6144: 768, ffdhe8192: 1024 } as const;
  /** [client share length, server share length] */
  const LEN: Record<G, [number, number]> = {
    x25519: [32, 32],
    x448: [56, 56],
    secp256r1: [65, 65],
    secp384r1: [97, 97],
    secp521r1: [133, 133],
    X25519MLKEM768: [1216, 1120],
    ...(Object.fromEntries(Object.entries(ffdheLen).map(([g, n]) => [g, [n, n]])) as Record<keyof typeof ffdheLen, [number, number]>),
  };
  const ff = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
  const bigBytes = (x: bigint, n: number): Uint8Array =>
    Uint8Array.from(
      x
        .toString(16)
        .padStart(2 * n, '0')
        .match(/../g)!
        .map((h) => parseInt(h, 16)),
    );
  /** The wrong values of the right length for a group, by name. */
  function badValues(g: G, n: number): Record<string, Uint8Array> {
    if (g === 'x25519' || g === 'x448') return { 'all-zero (a zero shared secret, §7.4.2)': ff(n, 0) };
    if (g.startsWith('secp')) {
      return {
        'not on the curve': Uint8Array.from([4, ...ff(n - 1, 1)]),
        'all-zero (no 0x04 prefix)': ff(n, 0),
        'a compressed-point prefix': Uint8Array.from([2, ...ff(n - 1, 1)]),
      };
    }
    if (g === 'X25519MLKEM768') {
      // ML-KEM parts that decode; the X25519 part is zero, so its shared secret is zero (§7.4.2).
      const cases: Record<string, Uint8Array> = { 'an all-zero X25519 half': ff(n, 0) };
      // The client's encapsulation key fails FIPS 203 §7.2's modulus check (12-bit coefficients of 0xfff ≥ q), beside a good X25519 key (the base point, u = 9).
      if (n === 1216) cases['an ML-KEM key that fails the modulus check'] = Uint8Array.from([...ff(1184, 0xff), 9, ...ff(31, 0)]);
      return cases;
    }
    const { p } = ffdheParams(g as FfdheGroupName);
    return {
      'Y = 0': ff(n, 0),
      'Y = 1': bigBytes(1n, n),
      'Y = p - 1': bigBytes(p - 1n, n),
      'Y = p': bigBytes(p, n),
      'Y = 2^(8n) - 1': ff(n, 0xff),
    };
  }

  const groups = Object.keys(LEN) as G[];
  for (const g of groups) {
    const both = { groups: [g], keyShareGroups: [g] } as Partial<EndpointConfig>;
    const [cLen, sLen] = LEN[g];
    const clientCases: Record<string, Uint8Array> = { 'one byte short': ff(cLen - 1, 1), 'one byte long': ff(cLen + 1, 1), ...badValues(g, cLen) };
    for (const [what, share] of Object.entries(clientCases)) {
      it(`the server refuses a client ${g} share ${what}: illegal_parameter`, () => {
        const l = link(
          {
            ...both,
            hooks: {
              clientHello: (ch) => ({
                ...ch,
                extensions: ch.extensions.map((e) => (e.type === 'key_share' ? { ...e, clientShares: [{ group: NamedGroup[g], keyExchange: share }] } : e)),
              }),
            },
          },
          { groups: [g] },
        );
        l.client.start();
        l.run();
        expectFailed(l.server, 'illegal_parameter', 'illegal_parameter');
        expect(l.serverLog.of('alert_sent').map((a) => a.epoch)).toEqual(['plaintext']);
      });
    }
    const serverCases: Record<string, Uint8Array> = { 'one byte short': ff(sLen - 1, 1), 'one byte long': ff(sLen + 1, 1), ...badValues(g, sLen) };
    for (const [what, share] of Object.entries(serverCases)) {
      it(`the client refuses a server ${g} share ${what}: illegal_parameter`, () => {
        const l = link(both, {
          groups: [g],
          hooks: {
            serverHello: (sh) => ({
              ...sh,
              extensions: sh.extensions.map((e) => (e.type === 'key_share' ? { ...e, serverShare: { group: NamedGroup[g], keyExchange: share } } : e)),
            }),
          },
        });
        l.client.start();
        l.run();
        expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
      });
    }
  }

  // key_exchange<1..2^16-1>: an empty one is a field out of its specified range, and §6.2
  // decode_error says exactly that ("some field was out of the specified range"). Our own
  // encoder refuses to write one, so the ClientHello is patched by hand.
  it('an empty key_exchange does not decode: decode_error (the only key share that is not illegal_parameter)', () => {
    let captured: ClientHello | undefined;
    link({ hooks: { clientHello: (ch) => ((captured = ch), ch) } }, {}).client.start();
    const oneByte = encodeHandshake({
      ...captured!,
      extensions: captured!.extensions.map((e) =>
        e.type === 'key_share' ? { ...e, clientShares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array([0x42]) }] } : e,
      ),
    });
    // extension_type 51, length 7, client_shares length 5, group 0x001d, key_exchange length 1, 0x42.
    const entry = [0x00, 0x33, 0x00, 0x07, 0x00, 0x05, 0x00, 0x1d, 0x00, 0x01, 0x42];
    const at = oneByte.findIndex((_, i) => entry.every((b, k) => oneByte[i + k] === b));
    expect(at).toBeGreaterThan(0);
    const empty = Uint8Array.from([
      ...oneByte.subarray(0, at),
      0x00,
      0x33,
      0x00,
      0x06,
      0x00,
      0x04,
      0x00,
      0x1d,
      0x00,
      0x00,
      ...oneByte.subarray(at + entry.length),
    ]);
    // One byte less in the handshake length (bytes 1–3) and in the extensions block's length,
    // which sits right after legacy_compression_methods: 4 + 2 + 32 + (1 + sid) + (2 + suites) + (1 + methods).
    const bodyLen = (empty[1]! << 16) | (empty[2]! << 8) | empty[3]!;
    empty.set([(bodyLen - 1) >> 16, ((bodyLen - 1) >> 8) & 0xff, (bodyLen - 1) & 0xff], 1);
    let off = 4 + 2 + 32;
    off += 1 + empty[off]!;
    off += 2 + ((empty[off]! << 8) | empty[off + 1]!);
    off += 1 + empty[off]!;
    const extLen = (empty[off]! << 8) | empty[off + 1]!;
    empty.set([(extLen - 1) >> 8, (extLen - 1) & 0xff], off);
    const l = link();
    l.c2s.inject(ContentType.handshake, empty);
    expectFailed(l.server, 'decode_error');
    expect(l.server.error!.message).toMatch(/length 0/);
    // Control: the same ClientHello with its one-byte share, injected the same way, decodes and is illegal_parameter.
    const control = link();
    control.c2s.inject(ContentType.handshake, oneByte);
    expectFailed(control.server, 'illegal_parameter', 'illegal_parameter');
  });

  it('the client refuses a server share for a group it sent no share for (§4.2.8): illegal_parameter', () => {
    const l = link(
      { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] },
      {
        hooks: {
          serverHello: (sh) => ({
            ...sh,
            extensions: sh.extensions.map((e) => (e.type === 'key_share' ? { ...e, serverShare: { group: NamedGroup.secp256r1, keyExchange: ff(65, 4) } } : e)),
          }),
        },
      },
    );
    l.client.start();
    l.run();
    expectFailed(l.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('the server refuses a second share for a group missing from supported_groups, even beside a good one (§4.2.8): illegal_parameter', () => {
    const l = link(
      {
        groups: ['x25519', 'secp256r1'],
        keyShareGroups: ['x25519', 'secp256r1'],
        hooks: {
          clientHello: (ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'supported_groups' ? { ...e, groups: [NamedGroup.x25519] } : e)) }),
        },
      },
      {},
    );
    l.client.start();
    l.run();
    expectFailed(l.server, 'illegal_parameter', 'illegal_parameter');
  });
});
