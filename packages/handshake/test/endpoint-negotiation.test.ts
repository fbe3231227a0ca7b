/**
 * Negotiation (RFC 8446 §4.1, §4.2) and the checks each side makes of the other's hello:
 * HelloRetryRequest (stateful and stateless), the second ClientHello, ServerHello fields,
 * the downgrade sentinel, supported_versions, ALPN, SNI and record_size_limit.
 */
import { describe, expect, it } from 'vitest';
import { ContentType, utf8 } from '@tls13sim/record';
import {
  createEndpoint,
  decodeHandshakeMessage,
  encodeHandshake,
  findExtension,
  nobleProvider,
  seededRandom,
  type ClientHello,
  type ClientHelloExtension,
  type Endpoint,
  type EndpointConfig,
  type ServerHello,
} from '@tls13sim/handshake';
import { drive, expectFailed, makePair, testPki, VALIDATION_TIME } from './endpoint-helpers.js';
import { Link, Log } from './endpoint-inject.js';

function flush(from: Endpoint, to: Endpoint): number {
  let n = 0;
  for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) {
    to.handleBytes(r);
    n++;
  }
  return n;
}

function handshake(clientCfg: Partial<EndpointConfig>, serverCfg: Partial<EndpointConfig>, seed = 3) {
  const { client, server } = makePair(clientCfg, serverCfg, seed);
  const clientLog = new Log(client);
  const serverLog = new Log(server);
  client.start();
  drive(client, server);
  return { client, server, clientLog, serverLog };
}

const sentMessages = (log: Log): string[] => log.of('record_sent').flatMap((e) => e.record.messages);

// --- HelloRetryRequest -------------------------------------------------------------------

const HRR_CLIENT: Partial<EndpointConfig> = { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] };
const HRR_SERVER: Partial<EndpointConfig> = { groups: ['secp256r1'] };

describe('HelloRetryRequest (§4.1.4)', () => {
  it('is sent when the client has no share for an acceptable group, and the second ClientHello completes the handshake', () => {
    const r = handshake(HRR_CLIENT, HRR_SERVER);
    expect(r.client.error).toBeUndefined();
    expect(r.server.error).toBeUndefined();
    expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(r.client.negotiated!.helloRetry).toBe(true);
    expect(r.client.negotiated!.group).toBe('secp256r1');
    expect(r.server.negotiated!.helloRetry).toBe(true);
    expect(sentMessages(r.serverLog).slice(0, 2)).toEqual(['hello_retry_request', 'server_hello']);
    expect(sentMessages(r.clientLog).slice(0, 2)).toEqual(['client_hello', 'client_hello']);
    // Appendix A.1: WAIT_SH → START (HRR) → WAIT_SH.
    expect(r.clientLog.states().slice(0, 4)).toEqual(['WAIT_SH', 'START', 'WAIT_SH', 'WAIT_EE']);
    // Appendix A.2: the server went back to START after its HelloRetryRequest.
    expect(r.serverLog.states().slice(0, 3)).toEqual(['RECVD_CH', 'START', 'RECVD_CH']);
    expect(r.client.trafficSecrets!.write).toEqual(r.server.trafficSecrets!.read);
  });

  it('carries a cookie that the second ClientHello echoes, with exactly one share for the selected group', () => {
    const { client, server } = makePair(HRR_CLIENT, HRR_SERVER, 4);
    const l = new Link(client, server);
    client.start();
    l.c2s.deliverAll();
    const [hrrUnit] = l.s2c.pull();
    const hrr = decodeHandshakeMessage(hrrUnit!.content);
    expect(hrr.type).toBe('hello_retry_request');
    if (hrr.type !== 'hello_retry_request') return;
    const cookie = findExtension(hrr.extensions, 'cookie')!.cookie;
    expect(cookie.length).toBeGreaterThan(0);
    l.s2c.deliverAll();
    const [ch2Unit] = l.c2s.pull();
    const ch2 = decodeHandshakeMessage(ch2Unit!.content) as ClientHello;
    expect(findExtension(ch2.extensions, 'cookie')!.cookie).toEqual(cookie);
    expect(findExtension(ch2.extensions, 'key_share')!.clientShares.map((s) => s.group)).toEqual([0x0017]);
  });

  it('works without a cookie too (hrrCookie: false): the stateful server remembers the first ClientHello', () => {
    const r = handshake(HRR_CLIENT, { ...HRR_SERVER, hrrCookie: false });
    expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(r.client.negotiated!.helloRetry).toBe(true);
  });

  it('with shares for two groups, the server takes the one it prefers without a retry', () => {
    const r = handshake({ groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519', 'secp256r1'] }, { groups: ['secp256r1', 'x25519'] });
    expect(r.client.negotiated!.group).toBe('secp256r1');
    expect(r.client.negotiated!.helloRetry).toBe(false);
  });

  it('a second HelloRetryRequest is unexpected_message (§4.1.4; the issue text says illegal_parameter, the RFC wins)', () => {
    const { client, server } = makePair(HRR_CLIENT, HRR_SERVER, 5);
    const l = new Link(client, server);
    client.start();
    l.c2s.deliverAll();
    l.s2c.pull();
    const hrr = l.s2c.queue[0]!;
    l.s2c.deliverAll();
    expect(client.state).toBe('WAIT_SH');
    l.s2c.inject(ContentType.handshake, hrr.content, 'plaintext');
    expectFailed(client, 'unexpected_message', 'unexpected_message');
  });

  it('a HelloRetryRequest that would not change the ClientHello is illegal_parameter', () => {
    const r = handshake(HRR_CLIENT, {
      ...HRR_SERVER,
      hrrCookie: false,
      hooks: { helloRetryRequest: (h) => ({ ...h, extensions: h.extensions.filter((e) => e.type !== 'key_share') }) },
    });
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a HelloRetryRequest selecting the group the client already sent a share for is illegal_parameter', () => {
    const r = handshake(HRR_CLIENT, {
      ...HRR_SERVER,
      hooks: { helloRetryRequest: (h) => ({ ...h, extensions: h.extensions.map((e) => (e.type === 'key_share' ? { ...e, selectedGroup: 0x001d } : e)) }) },
    });
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a HelloRetryRequest choosing a cipher suite that was not offered is illegal_parameter', () => {
    const r = handshake(
      { ...HRR_CLIENT, cipherSuites: ['TLS_AES_128_GCM_SHA256'] },
      { ...HRR_SERVER, hooks: { helloRetryRequest: (h) => ({ ...h, cipherSuite: 0x1303 }) } },
    );
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a HelloRetryRequest selecting a group the client did not offer is illegal_parameter', () => {
    const r = handshake(HRR_CLIENT, {
      ...HRR_SERVER,
      hooks: { helloRetryRequest: (h) => ({ ...h, extensions: h.extensions.map((e) => (e.type === 'key_share' ? { ...e, selectedGroup: 0x0019 } : e)) }) },
    });
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('a ServerHello whose suite differs from the HelloRetryRequest is illegal_parameter', () => {
    const r = handshake(
      { ...HRR_CLIENT, cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] },
      { ...HRR_SERVER, hooks: { serverHello: (sh) => ({ ...sh, cipherSuite: 0x1302 }) } },
    );
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });

  it('with middlebox compatibility, each side still sends exactly one change_cipher_spec, around the HelloRetryRequest', () => {
    const r = handshake({ ...HRR_CLIENT, middleboxCompat: true }, HRR_SERVER);
    expect(r.client.state).toBe('CONNECTED');
    const order = (log: Log) =>
      log.of('record_sent').map((e) => (e.record.outerType === 'change_cipher_spec' ? 'ccs' : e.record.messages.join('+') || e.record.innerType));
    // §D.4: the server's CCS right after its first handshake message (the HRR); the client's before its second flight (ClientHello2).
    expect(order(r.serverLog).slice(0, 3)).toEqual(['hello_retry_request', 'ccs', 'server_hello']);
    expect(order(r.clientLog).slice(0, 3)).toEqual(['client_hello', 'ccs', 'client_hello']);
    expect(order(r.serverLog).filter((x) => x === 'ccs')).toHaveLength(1);
    expect(order(r.clientLog).filter((x) => x === 'ccs')).toHaveLength(1);
  });
});

describe('stateless HelloRetryRequest (the cookie carries the state, §4.2.2)', () => {
  const cookieKey = new Uint8Array(32).fill(7);
  const server = (seed: string, key = cookieKey): Endpoint =>
    createEndpoint({
      role: 'server',
      crypto: nobleProvider,
      random: seededRandom(seed),
      certificate: testPki().leaf,
      validationTime: VALIDATION_TIME,
      groups: ['secp256r1'],
      statelessHrr: true,
      cookieKey: key,
    });

  function toSecondClientHello(): { client: Endpoint; ch2: Uint8Array[] } {
    const { client } = makePair(HRR_CLIENT, {}, 8);
    const first = server('stateless-1');
    client.start();
    flush(client, first);
    expect(first.state).toBe('START');
    flush(first, client);
    const ch2: Uint8Array[] = [];
    for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit()) ch2.push(r);
    return { client, ch2 };
  }

  it('a fresh server instance with the same cookie key completes the handshake from the second ClientHello', () => {
    const { client, ch2 } = toSecondClientHello();
    const fresh = server('stateless-2');
    for (const r of ch2) fresh.handleBytes(r);
    drive(client, fresh);
    expect(client.error).toBeUndefined();
    expect(fresh.error).toBeUndefined();
    expect([client.state, fresh.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(fresh.negotiated!.helloRetry).toBe(true);
    expect(client.trafficSecrets!.write).toEqual(fresh.trafficSecrets!.read);
    client.write(utf8('hi'));
    drive(client, fresh);
    expect(fresh.readApplicationData()).toEqual(utf8('hi'));
  });

  it('in compatibility mode too: the fresh server accepts the client CCS that precedes the second ClientHello and sends none of its own', () => {
    const { client } = makePair({ ...HRR_CLIENT, middleboxCompat: true }, {}, 10);
    const first = server('stateless-5');
    const firstLog = new Log(first);
    client.start();
    flush(client, first);
    flush(first, client);
    expect(firstLog.of('record_sent').map((e) => e.record.outerType)).toEqual(['handshake', 'change_cipher_spec']);
    const fresh = server('stateless-6');
    const freshLog = new Log(fresh);
    flush(client, fresh);
    expect(fresh.error).toBeUndefined();
    drive(client, fresh);
    expect(client.error).toBeUndefined();
    expect([client.state, fresh.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(freshLog.of('record_sent').filter((e) => e.record.outerType === 'change_cipher_spec')).toEqual([]);
  });

  it('a server with another cookie key rejects the second ClientHello with illegal_parameter', () => {
    const { ch2 } = toSecondClientHello();
    const other = server('stateless-3', new Uint8Array(32).fill(8));
    for (const r of ch2) other.handleBytes(r);
    expectFailed(other, 'illegal_parameter', 'illegal_parameter');
  });

  it('a tampered cookie is illegal_parameter', () => {
    const { ch2 } = toSecondClientHello();
    const ch = decodeHandshakeMessage(ch2[0]!.slice(5)) as ClientHello;
    const ext = ch.extensions.map((e) => (e.type === 'cookie' ? { ...e, cookie: e.cookie.map((b, i) => (i === 3 ? b ^ 1 : b)) } : e));
    const fresh = server('stateless-4');
    fresh.handleBytes(plainHandshake(encodeHandshake({ ...ch, extensions: ext })));
    expectFailed(fresh, 'illegal_parameter', 'illegal_parameter');
  });
});

function plainHandshake(msg: Uint8Array): Uint8Array {
  return new Uint8Array([ContentType.handshake, 3, 3, msg.length >> 8, msg.length & 0xff, ...msg]);
}

describe('the second ClientHello is checked against the first (§4.1.2)', () => {
  type Edit = (ch: ClientHello) => ClientHello;
  const mapExt =
    (f: (e: ClientHelloExtension) => ClientHelloExtension | null): Edit =>
    (ch) => ({
      ...ch,
      extensions: ch.extensions.flatMap((e) => {
        const x = f(e);
        return x === null ? [] : [x];
      }),
    });
  const EDITS: Record<string, Edit> = {
    'a different random': (ch) => ({ ...ch, random: ch.random.map((b) => b ^ 0xff) }),
    'a different legacy_session_id': (ch) => ({ ...ch, legacySessionId: new Uint8Array(32).fill(1) }),
    'a different cipher suite list': (ch) => ({ ...ch, cipherSuites: [...ch.cipherSuites].reverse() }),
    'a changed signature_algorithms': mapExt((e) => (e.type === 'signature_algorithms' ? { ...e, schemes: e.schemes.slice(1) } : e)),
    'a dropped extension (supported_versions kept)': mapExt((e) => (e.type === 'psk_key_exchange_modes' ? null : e)),
    'no cookie': mapExt((e) => (e.type === 'cookie' ? null : e)),
    'a different cookie': mapExt((e) => (e.type === 'cookie' ? { ...e, cookie: new Uint8Array(16) } : e)),
    'a share for another group than the one selected': mapExt((e) =>
      e.type === 'key_share' ? { ...e, clientShares: [{ group: 0x001d, keyExchange: new Uint8Array(32).fill(9) }] } : e,
    ),
  };
  for (const [what, edit] of Object.entries(EDITS)) {
    it(`${what} is illegal_parameter`, () => {
      const { client, server } = makePair({ ...HRR_CLIENT, cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] }, HRR_SERVER, 9);
      const l = new Link(client, server);
      client.start();
      l.c2s.deliverAll();
      l.s2c.deliverAll();
      const [ch2] = l.c2s.pull();
      const edited = encodeHandshake(edit(decodeHandshakeMessage(ch2!.content) as ClientHello));
      expect(edited).not.toEqual(ch2!.content);
      l.c2s.inject(ContentType.handshake, edited, 'plaintext');
      expectFailed(server, 'illegal_parameter');
      // The server has no keys yet: its alert is in the clear.
      expect(l.serverLog.of('alert_sent').map((a) => [a.description, a.epoch])).toEqual([['illegal_parameter', 'plaintext']]);
    });
  }

  it('the unmodified second ClientHello passes the same relay (control)', () => {
    const { client, server } = makePair(HRR_CLIENT, HRR_SERVER, 9);
    const l = new Link(client, server);
    client.start();
    l.run();
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });
});

// --- ServerHello checks (§4.1.3) ----------------------------------------------------------

describe('the client checks the ServerHello', () => {
  const SH_EDITS: Record<string, (sh: ServerHello) => ServerHello> = {
    'a cipher suite that was not offered': (sh) => ({ ...sh, cipherSuite: 0x1302 }),
    'a legacy_session_id_echo that does not match': (sh) => ({ ...sh, legacySessionIdEcho: new Uint8Array(32).fill(5) }),
    'a legacy_compression_method other than 0': (sh) => ({ ...sh, legacyCompressionMethod: 1 }),
    'a legacy_version other than 0x0303': (sh) => ({ ...sh, legacyVersion: 0x0304 }),
    'a selected_version other than TLS 1.3': (sh) => ({
      ...sh,
      extensions: sh.extensions.map((e) => (e.type === 'supported_versions' ? { ...e, selectedVersion: 0x0305 } : e)),
    }),
    'a key share for a group the client sent no share for': (sh) => ({
      ...sh,
      extensions: sh.extensions.map((e) => (e.type === 'key_share' ? { ...e, serverShare: { group: 0x0017, keyExchange: e.serverShare.keyExchange } } : e)),
    }),
  };
  for (const [what, edit] of Object.entries(SH_EDITS)) {
    it(`rejects a ServerHello with ${what}: illegal_parameter`, () => {
      const r = handshake({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }, { hooks: { serverHello: edit } });
      expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
      expect(r.server.error?.alert).toBe('illegal_parameter');
    });
  }

  const DOWNGRD = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];
  const downgraded =
    (last: number) =>
    (sh: ServerHello): ServerHello => ({
      ...sh,
      random: new Uint8Array([...sh.random.slice(0, 24), ...DOWNGRD, last]),
      extensions: sh.extensions.filter((e) => e.type !== 'supported_versions'),
    });
  it('detects the TLS 1.2 downgrade sentinel (§4.1.3): illegal_parameter', () => {
    const r = handshake({}, { hooks: { serverHello: downgraded(1) } });
    expectFailed(r.client, 'illegal_parameter', 'downgrade_detected');
  });
  it('detects the TLS 1.1 downgrade sentinel (§4.1.3): illegal_parameter', () => {
    const r = handshake({}, { hooks: { serverHello: downgraded(0) } });
    expectFailed(r.client, 'illegal_parameter', 'downgrade_detected');
  });
  it('a ServerHello without supported_versions and no sentinel is protocol_version', () => {
    const r = handshake({}, { hooks: { serverHello: (sh) => ({ ...sh, extensions: sh.extensions.filter((e) => e.type !== 'supported_versions') }) } });
    expectFailed(r.client, 'protocol_version', 'protocol_version');
  });
});

describe('the server requires TLS 1.3 in supported_versions (§4.2.1)', () => {
  it('a TLS 1.2-only ClientHello (no supported_versions) gets protocol_version, in the clear', () => {
    const r = handshake({ hooks: { clientHello: (ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'supported_versions') }) } }, {});
    expectFailed(r.server, 'protocol_version', 'protocol_version');
    expect(r.serverLog.of('alert_sent').map((a) => a.epoch)).toEqual(['plaintext']);
    expect(r.client.error?.alert).toBe('protocol_version');
  });
  it('supported_versions offering only TLS 1.2 gets protocol_version', () => {
    const r = handshake(
      {
        hooks: { clientHello: (ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'supported_versions' ? { ...e, versions: [0x0303] } : e)) }) },
      },
      {},
    );
    expectFailed(r.server, 'protocol_version', 'protocol_version');
  });
  it('no common cipher suite is handshake_failure', () => {
    const r = handshake({ cipherSuites: ['TLS_AES_256_GCM_SHA384'] }, { cipherSuites: ['TLS_AES_128_GCM_SHA256'] });
    expectFailed(r.server, 'handshake_failure', 'no_common_parameters');
  });
  it('no common group is handshake_failure', () => {
    const r = handshake({ groups: ['x25519'] }, { groups: ['secp384r1'] });
    expectFailed(r.server, 'handshake_failure', 'no_common_parameters');
  });
});

// --- FFDHE (RFC 7919 groups, §4.2.7, §4.2.8.1, §7.4.1) ---------------------------------------

describe('finite-field groups (ffdhe2048 … ffdhe8192)', () => {
  const FFDHE = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'] as const;

  // Issue 16: a client offering only FFDHE groups got handshake_failure.
  for (const g of FFDHE) {
    it(`a client offering only ${g} is served by a server with default groups`, () => {
      const r = handshake({ groups: [g], keyShareGroups: [g] }, {});
      expect(r.server.error).toBeUndefined();
      expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
      expect([r.client.negotiated!.group, r.server.negotiated!.group]).toEqual([g, g]);
      expect(r.client.negotiated!.helloRetry).toBe(false);
      expect(r.client.trafficSecrets!.write).toEqual(r.server.trafficSecrets!.read);
    });
  }

  it('a client that lists ffdhe2048 without a share for it gets a HelloRetryRequest for it', () => {
    const r = handshake({ groups: ['x448', 'ffdhe2048'], keyShareGroups: ['x448'] }, { groups: ['ffdhe2048'] });
    expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(r.client.negotiated!.helloRetry).toBe(true);
    expect(r.client.negotiated!.group).toBe('ffdhe2048');
  });

  it('the server prefers an elliptic-curve share when the client sends both', () => {
    const r = handshake({ groups: ['ffdhe2048', 'x25519'], keyShareGroups: ['ffdhe2048', 'x25519'] }, {});
    expect(r.server.negotiated!.group).toBe('x25519');
  });

  it('the default client neither lists nor sends an FFDHE group', () => {
    let seen: ClientHello | undefined;
    const r = handshake({ hooks: { clientHello: (ch) => ((seen = ch), ch) } }, {});
    expect(r.client.state).toBe('CONNECTED');
    expect(findExtension(seen!.extensions, 'supported_groups')!.groups.filter((x) => x >= 0x0100 && x <= 0x01ff)).toEqual([]);
    expect(findExtension(seen!.extensions, 'key_share')!.clientShares.map((e) => e.group)).toEqual([0x001d]);
  });
});

// --- ALPN, SNI, record_size_limit ----------------------------------------------------------

describe('ALPN (RFC 7301)', () => {
  it('selects the server-preferred protocol the client offers, and both sides agree', () => {
    const r = handshake({ alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1', 'h2'] });
    expect(r.server.negotiated!.alpn).toBe('http/1.1');
    expect(r.client.negotiated!.alpn).toBe('http/1.1');
  });
  it('no protocol in common is no_application_protocol', () => {
    const r = handshake({ alpn: ['h2'] }, { alpn: ['imap'] });
    expectFailed(r.server, 'no_application_protocol', 'no_application_protocol');
    expect(r.client.error?.alert).toBe('no_application_protocol');
  });
  it('either side without ALPN: none is negotiated', () => {
    expect(handshake({ alpn: ['h2'] }, {}).client.negotiated!.alpn).toBeNull();
    expect(handshake({}, { alpn: ['h2'] }).client.negotiated!.alpn).toBeNull();
  });
  it('the client rejects a protocol it did not offer: illegal_parameter', () => {
    const r = handshake(
      { alpn: ['h2'] },
      {
        alpn: ['h2'],
        hooks: {
          encryptedExtensions: (ee) => ({
            ...ee,
            extensions: ee.extensions.map((e) => (e.type === 'application_layer_protocol_negotiation' ? { ...e, protocols: ['spdy/3'] } : e)),
          }),
        },
      },
    );
    expectFailed(r.client, 'illegal_parameter', 'illegal_parameter');
  });
  it('the client rejects ALPN in EncryptedExtensions when it offered none: unsupported_extension', () => {
    const r = handshake(
      {},
      {
        hooks: {
          encryptedExtensions: (ee) => ({ ...ee, extensions: [...ee.extensions, { type: 'application_layer_protocol_negotiation', protocols: ['h2'] }] }),
        },
      },
    );
    expectFailed(r.client, 'unsupported_extension', 'unsupported_extension');
  });
});

describe('SNI (RFC 6066)', () => {
  it('the server sees the name and acknowledges it; the client checks the certificate against it', () => {
    const r = handshake({ serverName: 'server.test' }, {});
    expect(r.server.negotiated!.serverName).toBe('server.test');
    expect(r.client.negotiated!.serverName).toBe('server.test');
    expect(r.client.state).toBe('CONNECTED');
  });
  it('a certificate for another name is bad_certificate', () => {
    const r = handshake({ serverName: 'elsewhere.test' }, {});
    expectFailed(r.client, 'bad_certificate');
    expect(r.server.negotiated).toBeNull();
    expect(r.server.error?.alert).toBe('bad_certificate');
  });
  it('an IP literal is not sent as a host name', () => {
    // The certificate names no IP address: the chain is not checked here (insecure).
    const r = handshake({ serverName: '192.0.2.1', trustAnchors: undefined, insecure: true }, {});
    expect(r.client.state).toBe('CONNECTED');
    expect(r.server.negotiated!.serverName).toBeNull();
    expect(r.client.negotiated!.serverName).toBeNull();
  });
});

describe('verification is the default (issue 16 item 5)', () => {
  it('a client with no trust anchors fails with unknown_ca and says why, instead of talking to anyone', () => {
    const r = handshake({ serverName: 'wrong.test', trustAnchors: undefined }, {});
    expect(r.client.state).toBe('CLOSED');
    expect(r.client.error?.alert).toBe('unknown_ca');
    expect(r.client.error?.message).toContain('no trust anchors');
  });

  it('a client with trust anchors refuses a certificate for another name', () => {
    const r = handshake({ serverName: 'wrong.test' }, {});
    expect(r.client.state).toBe('CLOSED');
    expect(r.client.error?.alert).toBe('bad_certificate');
  });

  it('insecure: true skips the chain and the name, not the CertificateVerify', () => {
    const r = handshake({ serverName: 'wrong.test', trustAnchors: undefined, insecure: true }, {});
    expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });
});

describe('record_size_limit (RFC 8449)', () => {
  it('each side sends protected records no larger than the limit the other advertised', () => {
    const r = handshake({ recordSizeLimit: 64 }, { recordSizeLimit: 100 });
    expect([r.client.state, r.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    r.client.write(big);
    r.server.write(big);
    drive(r.client, r.server);
    expect(r.server.readApplicationData()).toEqual(big);
    expect(r.client.readApplicationData()).toEqual(big);
    const tag = 16;
    const protectedSizes = (log: Log) =>
      log
        .of('record_sent')
        .filter((e) => e.record.epoch !== 'plaintext')
        .map((e) => e.record.length - tag);
    // The server knew the client's limit from the ClientHello: every protected record, EncryptedExtensions on, respects it.
    expect(Math.max(...protectedSizes(r.serverLog))).toBeLessThanOrEqual(64);
    expect(Math.max(...protectedSizes(r.clientLog))).toBeLessThanOrEqual(100);
    expect(Math.max(...protectedSizes(r.clientLog))).toBe(100);
    expect(protectedSizes(r.serverLog).length).toBeGreaterThan(1000 / 63);
  });
  it('without the client extension the server does not send one and records are full size', () => {
    const r = handshake({}, { recordSizeLimit: 100 });
    r.server.write(new Uint8Array(1000));
    drive(r.client, r.server);
    const sizes = r.serverLog
      .of('record_sent')
      .filter((e) => e.record.innerType === 'application_data')
      .map((e) => e.record.length);
    expect(sizes).toEqual([1000 + 1 + 16]);
  });
  it('a record_size_limit in EncryptedExtensions that the client never offered is unsupported_extension (§4.2)', () => {
    const r = handshake(
      {},
      { hooks: { encryptedExtensions: (ee) => ({ ...ee, extensions: [...ee.extensions, { type: 'record_size_limit', limit: 1000 }] }) } },
    );
    expectFailed(r.client, 'unsupported_extension', 'unsupported_extension');
  });

  it('a record larger than the limit we advertised is record_overflow (RFC 8449 §4)', () => {
    const { client, server } = makePair({ recordSizeLimit: 64 }, { recordSizeLimit: 100 }, 12);
    const l = new Link(client, server);
    l.s2c.maxContent = 63;
    client.start();
    l.run();
    expect(client.state).toBe('CONNECTED');
    // 63 content bytes fit in the limit (control)...
    l.s2c.inject(ContentType.application_data, new Uint8Array(63));
    expect(client.readApplicationData()).toEqual(new Uint8Array(63));
    // ... 100 of application data in one record: TLSInnerPlaintext of 101 > 64.
    l.s2c.inject(ContentType.application_data, new Uint8Array(100));
    expectFailed(client, 'record_overflow');
  });
});
