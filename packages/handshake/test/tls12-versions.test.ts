/**
 * Version negotiation (RFC 8446 §4.2.1, Appendix D) between endpoints configured for TLS 1.2,
 * TLS 1.3 or both, and the §4.1.3 downgrade sentinel: written by a 1.2+1.3 server that
 * negotiates TLS 1.2, fatal (illegal_parameter) to a 1.2+1.3 client, ignored by a TLS
 * 1.2-only client (it cannot have been downgraded from a version it does not speak).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '@tls13sim/record';
import {
  createEndpoint,
  createTlsEndpoint,
  decodeHandshakeMessage,
  encodeHandshake,
  nobleProvider,
  seededRandom,
  type CryptoProvider,
  type ClientHello,
  type EndpointConfig,
  type TlsEndpoint,
  type TlsVersion,
} from '@tls13sim/handshake';
import { VALIDATION_TIME, testPki } from './endpoint-helpers.js';
import { drive, Log12, nodeCrypto, takeRecords } from './tls12-helpers.js';

const pki = testPki('p256', 'server.test');
const DOWNGRD = '444f574e47524401';

function endpoints(
  cv: readonly TlsVersion[] | undefined,
  sv: readonly TlsVersion[] | undefined,
  extra: Partial<EndpointConfig> = {},
  crypto: CryptoProvider = nodeCrypto,
) {
  const base = { crypto, validationTime: VALIDATION_TIME };
  const client = createTlsEndpoint({
    ...base,
    role: 'client',
    random: seededRandom('vc'),
    serverName: 'server.test',
    trustAnchors: [pki.ca],
    ...(cv ? { versions: cv } : {}),
    ...extra,
  });
  const server = createTlsEndpoint({ ...base, role: 'server', random: seededRandom('vs'), certificate: pki.leaf, ...(sv ? { versions: sv } : {}) });
  return { client, server };
}

/** The ServerHello.random of the server's first record. */
function serverRandomOf(log: Log12): string {
  const e = log.pump().all.find((x) => x.type === 'record_sent');
  if (e?.type !== 'record_sent') throw new Error('server sent nothing');
  return toHex(e.record.wire.subarray(11, 43));
}

describe('who speaks which version', () => {
  const cases: [readonly TlsVersion[] | undefined, readonly TlsVersion[] | undefined, string, boolean][] = [
    [['TLSv1.2', 'TLSv1.3'], ['TLSv1.2', 'TLSv1.3'], 'TLSv1.3', false],
    [['TLSv1.2', 'TLSv1.3'], undefined, 'TLSv1.3', false],
    [['TLSv1.2', 'TLSv1.3'], ['TLSv1.2'], 'TLSv1.2', false],
    [undefined, ['TLSv1.2', 'TLSv1.3'], 'TLSv1.3', false],
    [['TLSv1.2'], ['TLSv1.2', 'TLSv1.3'], 'TLSv1.2', true],
  ];
  it.each(cases)('client %j, server %j: %s (downgrade sentinel written: %s)', (cv, sv, version, sentinel) => {
    const { client, server } = endpoints(cv, sv);
    const sl = new Log12(server);
    client.start();
    drive(client, server);
    expect([client.state, server.state, client.error?.message, server.error?.message]).toEqual(['CONNECTED', 'CONNECTED', undefined, undefined]);
    expect([client.version, server.version]).toEqual([version, version]);
    expect(serverRandomOf(sl).endsWith(DOWNGRD)).toBe(sentinel);
    client.write(new Uint8Array([7]));
    drive(client, server);
    expect(server.readApplicationData()).toEqual(new Uint8Array([7]));
  });

  it('the default (no versions) is the TLS 1.3 Endpoint with a byte-identical ClientHello', () => {
    const mk = (f: (c: EndpointConfig) => TlsEndpoint) => {
      const ep = f({ role: 'client', crypto: nodeCrypto, random: seededRandom('same'), serverName: 'server.test', trustAnchors: [pki.ca] });
      ep.start(0);
      return toHex(ep.pollTransmit()!);
    };
    expect(mk(createTlsEndpoint)).toBe(mk(createEndpoint));
    expect(mk((c) => createTlsEndpoint({ ...c, versions: ['TLSv1.3'] }))).toBe(mk(createEndpoint));
  });

  it('a 1.2+1.3 ClientHello offers supported_versions [1.3, 1.2], the 1.2 suites after the 1.3 ones, EMS, renegotiation_info and ec_point_formats (Appendix D.1)', () => {
    const { client } = endpoints(['TLSv1.2', 'TLSv1.3'], undefined);
    client.start();
    const ch = decodeHandshakeMessage(client.pollTransmit()!.subarray(5)) as ClientHello;
    expect(ch.cipherSuites).toEqual([0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8]);
    expect(ch.extensions.find((e) => e.type === 'supported_versions')).toEqual({ type: 'supported_versions', versions: [0x0304, 0x0303] });
    const unknown = ch.extensions.filter((e) => e.type === 'unknown').map((e) => (e as { code: number }).code);
    expect(unknown).toEqual([11, 23, 0xff01]);
  });
});

describe('downgrade protection (RFC 8446 §4.1.3)', () => {
  /** A network attacker removes supported_versions from the ClientHello on its way to the server. */
  function strip(record: Uint8Array): Uint8Array {
    const ch = decodeHandshakeMessage(record.subarray(5)) as ClientHello;
    const raw = encodeHandshake({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 'supported_versions') });
    return new Uint8Array([22, 3, 1, raw.length >> 8, raw.length & 0xff, ...raw]);
  }

  it('a 1.2+1.3 server that is made to negotiate TLS 1.2 marks its random, and the 1.2+1.3 client aborts with illegal_parameter', () => {
    const { client, server } = endpoints(['TLSv1.2', 'TLSv1.3'], ['TLSv1.2', 'TLSv1.3']);
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    server.handleBytes(strip(client.pollTransmit()!));
    expect(server.version).toBe('TLSv1.2');
    for (const r of takeRecords(server)) client.handleBytes(r);
    expect(serverRandomOf(sl).endsWith(DOWNGRD)).toBe(true);
    expect(client.error?.alert).toBe('illegal_parameter');
    expect(client.error?.message).toMatch(/downgrade sentinel/);
    expect(cl.lines().slice(-3)).toEqual(['sent plaintext alert illegal_parameter', 'alert_sent fatal illegal_parameter', 'state WAIT_SH>CLOSED']);
    expect(client.handshakeComplete).toBe(false);
  });

  it('the same attack on a TLS 1.3-only client is caught by the 1.3 client (protocol_version is not enough: the sentinel makes it illegal_parameter)', () => {
    const { client, server } = endpoints(undefined, ['TLSv1.2', 'TLSv1.3']);
    client.start();
    const ch = decodeHandshakeMessage(client.pollTransmit()!.subarray(5)) as ClientHello;
    // The 1.3-only ClientHello has no EMS nor renegotiation_info: the attacker adds what the 1.2 server requires.
    const extra = [
      { type: 'unknown' as const, code: 23, data: new Uint8Array(0) },
      { type: 'unknown' as const, code: 0xff01, data: new Uint8Array([0]) },
    ];
    const raw = encodeHandshake({
      ...ch,
      cipherSuites: [...ch.cipherSuites, 0xc02b],
      extensions: [...ch.extensions.filter((e) => e.type !== 'supported_versions'), ...extra],
    });
    server.handleBytes(new Uint8Array([22, 3, 1, raw.length >> 8, raw.length & 0xff, ...raw]));
    for (const r of takeRecords(server)) client.handleBytes(r);
    expect(client.error?.alert).toBe('illegal_parameter');
  });

  it('a 1.2-only server writes no sentinel, so the 1.2+1.3 client continues in TLS 1.2 after the same attack', () => {
    const { client, server } = endpoints(['TLSv1.2', 'TLSv1.3'], ['TLSv1.2']);
    client.start();
    server.handleBytes(strip(client.pollTransmit()!));
    drive(client, server);
    // The attacker changed the ClientHello: the session hashes differ, so do the extended master secrets (RFC 7627 §4)
    // and the keys: the server cannot open the client's Finished record.
    expect([server.error?.alert, client.handshakeComplete, server.handshakeComplete]).toEqual(['bad_record_mac', false, false]);
  });
});

describe('the 1.2+1.3 endpoint', () => {
  it('forks with clone() before and after the version is decided, each fork finishing on its own', () => {
    // noble signs deterministically (RFC 6979), so a fork replays the same transcript and keys.
    const { client, server } = endpoints(['TLSv1.2', 'TLSv1.3'], ['TLSv1.2'], {}, nobleProvider);
    client.start();
    const before = [client.clone(), server.clone()] as const;
    drive(client, server);
    drive(before[0], before[1]);
    expect([client.state, before[0].state, before[0].version]).toEqual(['CONNECTED', 'CONNECTED', 'TLSv1.2']);
    expect(toHex(before[0].exportKeyingMaterial('x', new Uint8Array(0), 16))).toBe(toHex(client.exportKeyingMaterial('x', new Uint8Array(0), 16)));
  });

  it('continues as TLS 1.2 from a ClientHello that spans several records (the transcript holds all of it)', () => {
    const pad = { type: 'padding' as const, data: new Uint8Array(20_000) };
    const { client, server } = endpoints(['TLSv1.2', 'TLSv1.3'], ['TLSv1.2'], {
      hooks: { clientHello: (ch) => ({ ...ch, extensions: [pad, ...ch.extensions] }) },
    });
    client.start();
    drive(client, server);
    expect([client.state, server.state, client.version]).toEqual(['CONNECTED', 'CONNECTED', 'TLSv1.2']);
  });

  it('a server that has not yet seen a ClientHello refuses writes with a clear error', () => {
    const { server } = endpoints(undefined, ['TLSv1.2', 'TLSv1.3']);
    server.start();
    expect(() => server.write(new Uint8Array(1))).toThrow(/ClientHello/);
    expect([server.state, server.version]).toEqual(['START', null]);
  });
});
