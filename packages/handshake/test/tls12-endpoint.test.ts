/**
 * The TLS 1.2 endpoint in memory, both roles: every suite with every certificate type and
 * group, client authentication accepted and rejected (the contrast with TLS 1.3: the verdict
 * reaches the client before its handshake can complete), the RFC 7627 / RFC 5746
 * requirements, Finished and CertificateVerify checks, renegotiation refused, close_notify.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import {
  createEndpoint,
  createTlsEndpoint,
  encodeHandshake,
  generateKeyPair,
  seededRandom,
  TLS12_SUITE_PARAMS,
  type ClientHello,
  type EndpointConfig,
  type KeyType,
  type Tls12CipherSuiteName,
} from '@tls13sim/handshake';
import { VALIDATION_TIME, testPki } from './endpoint-helpers.js';
import { clientPki, drive, flush, Log12, nodeCrypto, pair12, randomsOf, sealHandshake12, writeKeys12 } from './tls12-helpers.js';

const SUITES = Object.keys(TLS12_SUITE_PARAMS) as Tls12CipherSuiteName[];
const clientCert = { certificate: clientPki.leaf };

describe('TLS 1.2 full handshakes: every suite x certificate type x group', () => {
  const cases: [Tls12CipherSuiteName, KeyType, string][] = [];
  for (const suite of SUITES) {
    const keys: KeyType[] = TLS12_SUITE_PARAMS[suite].auth === 'rsa' ? ['rsa'] : ['p256', 'p384'];
    for (const key of keys) for (const group of ['x25519', 'secp256r1', 'secp384r1']) cases.push([suite, key, group]);
  }
  it.each(cases)('%s with a %s certificate over %s: both CONNECTED, data both ways, exporters agree', (suite, key, group) => {
    // The client lists the group under test and, for an ECDSA certificate, the certificate's
    // curve (RFC 8422 §5.1: the server may use only curves the client lists); the server
    // offers only the group under test, so that is the key exchange.
    const curve = { p256: 'secp256r1', p384: 'secp384r1' }[key as 'p256'] as 'secp256r1' | undefined;
    const groups = [...new Set([group, ...(curve !== undefined ? [curve] : [])])] as 'x25519'[];
    const { client, server } = pair12({ crypto: nodeCrypto, tls12CipherSuites: [suite], groups }, { crypto: nodeCrypto, groups: [group as 'x25519'] }, key);
    client.start();
    drive(client, server);
    expect([client.state, server.state, client.error?.message, server.error?.message]).toEqual(['CONNECTED', 'CONNECTED', undefined, undefined]);
    for (const ep of [client, server]) {
      expect(ep.version).toBe('TLSv1.2');
      expect(ep.negotiated?.suite.name).toBe(suite);
      expect(ep.negotiated?.group).toBe(group);
      expect([ep.readEpoch, ep.writeEpoch]).toEqual(['tls12', 'tls12']);
    }
    client.write(utf8('ping'));
    server.write(utf8('pong'));
    drive(client, server);
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('ping');
    expect(new TextDecoder().decode(client.readApplicationData()!)).toBe('pong');
    const ctx = utf8('ctx');
    expect(client.exportKeyingMaterial('EXPORTER-test', ctx, 32)).toEqual(server.exportKeyingMaterial('EXPORTER-test', ctx, 32));
    expect(client.peerCertificates.length).toBe(1);
  });
});

describe('client authentication: the verdict arrives inside connect()', () => {
  it('accepted: the client completes only on the server Finished, after the server judged its certificate', () => {
    const { client, server } = pair12(clientCert, { clientAuth: 'require' });
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    drive(client, server);
    expect(cl.lines()).toEqual([
      'sent plaintext client_hello',
      'state START>WAIT_SH',
      'recv plaintext server_hello,certificate,server_key_exchange,certificate_request,server_hello_done',
      'state WAIT_SH>WAIT_CERT',
      'state WAIT_CERT>WAIT_SKE',
      'state WAIT_SKE>WAIT_CR_OR_SHD',
      'state WAIT_CR_OR_SHD>WAIT_SHD',
      'sent plaintext certificate,client_key_exchange,certificate_verify',
      'sent plaintext change_cipher_spec',
      'keys write tls12 CLIENT_RANDOM',
      'finished_built',
      'sent tls12 finished',
      'state WAIT_SHD>WAIT_CCS',
      'recv plaintext change_cipher_spec',
      'keys read tls12 CLIENT_RANDOM',
      'state WAIT_CCS>WAIT_FINISHED',
      'recv tls12 finished',
      'finished_verified',
      'handshake_complete',
      'state WAIT_FINISHED>CONNECTED',
    ]);
    expect(sl.lines()).toEqual([
      'recv plaintext client_hello',
      'sent plaintext server_hello,certificate,server_key_exchange,certificate_request,server_hello_done',
      'state START>WAIT_CERT',
      'recv plaintext certificate,client_key_exchange,certificate_verify',
      'state WAIT_CERT>WAIT_CKE',
      'state WAIT_CKE>WAIT_CV',
      'state WAIT_CV>WAIT_CCS',
      'recv plaintext change_cipher_spec',
      'keys read tls12 CLIENT_RANDOM',
      'state WAIT_CCS>WAIT_FINISHED',
      'recv tls12 finished',
      'finished_verified',
      'sent plaintext change_cipher_spec',
      'keys write tls12 CLIENT_RANDOM',
      'finished_built',
      'sent tls12 finished',
      'handshake_complete',
      'state WAIT_FINISHED>CONNECTED',
    ]);
    expect(server.peerCertificates).toEqual(clientPki.leaf.chain);
  });

  it('rejected by the verifier: the client gets the alert while waiting for the server Finished and never completes', () => {
    const { client, server } = pair12(clientCert, { clientAuth: 'require', clientCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) });
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    drive(client, server);
    expect(sl.lines().slice(3)).toEqual([
      'recv plaintext certificate,client_key_exchange,certificate_verify',
      'sent plaintext alert access_denied',
      'alert_sent fatal access_denied',
      'state WAIT_CERT>CLOSED',
    ]);
    expect(cl.lines().slice(-4)).toEqual([
      'state WAIT_SHD>WAIT_CCS',
      'recv plaintext alert access_denied',
      'alert_received fatal access_denied',
      'state WAIT_CCS>CLOSED',
    ]);
    expect(client.handshakeComplete).toBe(false);
    expect(client.error?.alert).toBe('access_denied');
    expect(cl.all.some((e) => e.type === 'handshake_complete')).toBe(false);
    expect(() => client.write(utf8('x'))).toThrow(/access_denied/);
  });

  it('a chain from a CA the server does not trust is unknown_ca; no certificate when required is handshake_failure (RFC 5246 §7.4.6)', () => {
    const other = testPki('p256', 'client.test', 'p384');
    let { client, server } = pair12({ certificate: other.leaf }, { clientAuth: 'require' });
    client.start();
    drive(client, server);
    expect([server.error?.alert, client.error?.alert, client.state]).toEqual(['unknown_ca', 'unknown_ca', 'CLOSED']);
    ({ client, server } = pair12({}, { clientAuth: 'require' }));
    client.start();
    drive(client, server);
    expect([server.error?.alert, client.error?.alert]).toEqual(['handshake_failure', 'handshake_failure']);
  });

  it("'request' without a client certificate completes unauthenticated; 'ignore' completes without keeping the chain", () => {
    let { client, server } = pair12({}, { clientAuth: 'request' });
    client.start();
    drive(client, server);
    expect([client.state, server.state, server.peerCertificates.length]).toEqual(['CONNECTED', 'CONNECTED', 0]);
    ({ client, server } = pair12(clientCert, { clientAuth: 'request', clientCertVerifier: () => ({ action: 'ignore' }) }));
    client.start();
    drive(client, server);
    expect([client.state, server.state, server.peerCertificates.length]).toEqual(['CONNECTED', 'CONNECTED', 0]);
  });

  it('a CertificateVerify signed with a key that does not match the certificate is decrypt_error (RFC 5246 §7.2.2)', () => {
    const wrong = generateKeyPair('p256', seededRandom('wrong key'));
    const { client, server } = pair12({ certificate: { chain: clientPki.leaf.chain, privateKey: wrong.privateKey } }, { clientAuth: 'require' });
    client.start();
    drive(client, server);
    expect([server.error?.alert, client.error?.alert, client.handshakeComplete]).toEqual(['decrypt_error', 'decrypt_error', false]);
  });
});

describe('RFC 7627 and RFC 5746 are required', () => {
  const stripFromHello = (codes: number[]): EndpointConfig['hooks'] => ({
    clientHello: (ch: ClientHello) => ({ ...ch, extensions: ch.extensions.filter((e) => !(e.type === 'unknown' && codes.includes(e.code))) }),
  });

  it('a ClientHello without extended_master_secret gets handshake_failure from the server', () => {
    const { client, server } = pair12({ hooks: stripFromHello([23]) });
    client.start();
    drive(client, server);
    expect([server.error?.alert, client.error?.alert]).toEqual(['handshake_failure', 'handshake_failure']);
  });

  it('a ServerHello without extended_master_secret or renegotiation_info gets handshake_failure from the client', () => {
    for (const code of [23, 0xff01]) {
      const { client, server } = pair12();
      client.start();
      flush(client, server);
      const [flight] = [server.pollTransmit()!];
      // Rebuild the ServerHello without the extension (RFC 5246 §7.4.1.3 layout: version, random, session id, suite, compression, extensions).
      const sh = serverHelloWithout(flight, code);
      client.handleBytes(sh);
      expect(client.error?.alert, `without ${code}`).toBe('handshake_failure');
      expect(client.error?.message).toMatch(code === 23 ? /extended_master_secret/ : /renegotiation/);
    }
  });

  it('a non-empty renegotiation_info in a first handshake is handshake_failure (RFC 5746 §3.6)', () => {
    const { client, server } = pair12({
      hooks: {
        clientHello: (ch) => ({
          ...ch,
          extensions: ch.extensions.map((e) => (e.type === 'unknown' && e.code === 0xff01 ? { ...e, data: new Uint8Array([1, 7]) } : e)),
        }),
      },
    });
    client.start();
    drive(client, server);
    expect(server.error?.alert).toBe('handshake_failure');
  });
});

/** The first message of a plaintext handshake record (the ServerHello) re-encoded without extension `code`, as a record of its own. */
function serverHelloWithout(record: Uint8Array, code: number): Uint8Array {
  const body = record.subarray(5);
  const len = (body[1]! << 16) | (body[2]! << 8) | body[3]!;
  const sh = body.subarray(4, 4 + len);
  const sidLen = sh[34]!;
  const extStart = 35 + sidLen + 3;
  const exts: Uint8Array[] = [];
  for (let p = extStart + 2; p < sh.length; ) {
    const c = (sh[p]! << 8) | sh[p + 1]!;
    const l = (sh[p + 2]! << 8) | sh[p + 3]!;
    if (c !== code) exts.push(sh.subarray(p, p + 4 + l));
    p += 4 + l;
  }
  const extBytes = exts.reduce((n, e) => n + e.length, 0);
  const newBody = new Uint8Array(extStart + 2 + extBytes);
  newBody.set(sh.subarray(0, extStart));
  newBody[extStart] = extBytes >> 8;
  newBody[extStart + 1] = extBytes & 0xff;
  let o = extStart + 2;
  for (const e of exts) {
    newBody.set(e, o);
    o += e.length;
  }
  const msg = new Uint8Array([2, 0, newBody.length >> 8, newBody.length & 0xff, ...newBody]);
  return new Uint8Array([22, 3, 3, msg.length >> 8, msg.length & 0xff, ...msg]);
}

describe('Finished (RFC 5246 §7.4.9)', () => {
  it('a wrong client verify_data, correctly protected, is decrypt_error at the server', () => {
    const { client, server } = pair12();
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    flush(client, server);
    flush(server, client);
    const [cke, ccs] = [client.pollTransmit()!, client.pollTransmit()!];
    client.pollTransmit(); // the real Finished, dropped
    server.handleBytes(cke);
    server.handleBytes(ccs);
    const { clientRandom, serverRandom } = randomsOf(cl, sl);
    const keys = writeKeys12(cl, 'client', client.negotiated!.suite.name as Tls12CipherSuiteName, clientRandom, serverRandom);
    server.handleBytes(sealHandshake12(keys, 0n, new Uint8Array([20, 0, 0, 12, ...new Uint8Array(12).fill(0xab)])));
    expect(server.error?.alert).toBe('decrypt_error');
    expect(server.error?.message).toMatch(/client Finished verify_data does not match/);
  });

  it('a wrong server verify_data is decrypt_error at the client, which never completes', () => {
    const { client, server } = pair12();
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    flush(client, server);
    flush(server, client);
    flush(client, server);
    const [ccs] = [server.pollTransmit()!, server.pollTransmit()!];
    client.handleBytes(ccs);
    const { clientRandom, serverRandom } = randomsOf(cl, sl);
    const keys = writeKeys12(sl, 'server', server.negotiated!.suite.name as Tls12CipherSuiteName, clientRandom, serverRandom);
    client.handleBytes(sealHandshake12(keys, 0n, new Uint8Array([20, 0, 0, 12, ...new Uint8Array(12)])));
    expect([client.error?.alert, client.handshakeComplete]).toEqual(['decrypt_error', false]);
  });
});

describe('after the handshake', () => {
  it('renegotiation is refused with a warning no_renegotiation both ways, and the connection goes on (OpenSSL with renegotiation disabled)', () => {
    const setup = () => {
      const { client, server } = pair12();
      const cl = new Log12(client);
      const sl = new Log12(server);
      client.start();
      drive(client, server);
      const { clientRandom, serverRandom } = randomsOf(cl, sl);
      const suite = client.negotiated!.suite.name as Tls12CipherSuiteName;
      return { client, server, cl, sl, keysOf: (l: Log12, side: 'client' | 'server') => writeKeys12(l, side, suite, clientRandom, serverRandom) };
    };
    // A HelloRequest (RFC 5246 §7.4.1.1: msg_type 0, empty body) as the server's record seq 1 (its Finished was seq 0).
    const a = setup();
    a.client.handleBytes(sealHandshake12(a.keysOf(a.sl, 'server'), 1n, new Uint8Array([0, 0, 0, 0])));
    expect(a.cl.lines().slice(-2)).toEqual(['sent tls12 alert no_renegotiation', 'alert_sent warning no_renegotiation']);
    a.client.write(utf8('still here'));
    flush(a.client, a.server);
    expect(a.sl.lines().slice(-2)).toEqual(['recv tls12 application_data', 'application_data']);
    expect([a.client.state, a.server.state, a.client.error, a.server.error]).toEqual(['CONNECTED', 'CONNECTED', undefined, undefined]);
    expect(new TextDecoder().decode(a.server.readApplicationData()!)).toBe('still here');
    // A renegotiating ClientHello as the client's record seq 1.
    const b = setup();
    const ch = encodeHandshake({
      type: 'client_hello',
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      legacySessionId: new Uint8Array(0),
      cipherSuites: [0xc02b],
      legacyCompressionMethods: new Uint8Array([0]),
      extensions: [
        { type: 'unknown', code: 23, data: new Uint8Array(0) },
        { type: 'unknown', code: 0xff01, data: new Uint8Array([0]) },
      ],
    });
    b.server.handleBytes(sealHandshake12(b.keysOf(b.cl, 'client'), 1n, ch));
    expect(b.sl.lines().slice(-2)).toEqual(['sent tls12 alert no_renegotiation', 'alert_sent warning no_renegotiation']);
    b.server.write(utf8('still here'));
    flush(b.server, b.client);
    expect(b.cl.lines().slice(-4)).toEqual([
      'recv tls12 alert no_renegotiation',
      'alert_received warning no_renegotiation',
      'recv tls12 application_data',
      'application_data',
    ]);
    expect([b.client.state, b.server.state, b.client.error, b.server.error]).toEqual(['CONNECTED', 'CONNECTED', undefined, undefined]);
  });

  it('a HelloRequest in the middle of the handshake is ignored and kept out of the transcript (RFC 5246 §7.4.1.1)', () => {
    const { client, server } = pair12();
    client.start();
    flush(client, server);
    client.handleBytes(new Uint8Array([22, 3, 3, 0, 4, 0, 0, 0, 0]));
    expect([client.state, client.error]).toEqual(['WAIT_SH', undefined]);
    drive(client, server);
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
  });

  it('close_notify closes each direction (half-close), then CLOSED; keyUpdate and requestClientAuth are refused as 1.3-only', () => {
    const { client, server } = pair12();
    client.start();
    drive(client, server);
    client.write(utf8('bye'));
    client.close();
    drive(client, server);
    expect([server.peerClosed, server.closedForWriting, client.closedForWriting]).toEqual([true, false, true]);
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('bye');
    server.close();
    drive(client, server);
    expect([client.state, server.state]).toEqual(['CLOSED', 'CLOSED']);
    expect(() => client.keyUpdate(false)).toThrow(/KeyUpdate/);
    expect(() => server.requestClientAuth()).toThrow(/renegotiation/);
  });

  it('data written before the handshake completes is sent once CONNECTED, never before the Finished', () => {
    const { client, server } = pair12();
    const cl = new Log12(client);
    client.write(utf8('early'));
    client.start();
    drive(client, server);
    const lines = cl.lines();
    expect(lines.indexOf('sent tls12 application_data')).toBeGreaterThan(lines.indexOf('state WAIT_FINISHED>CONNECTED'));
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('early');
  });
});

describe('versions', () => {
  it('a TLS 1.2-only client and a TLS 1.3-only server fail with protocol_version, both ways', () => {
    const pki = testPki('p256', 'server.test');
    const base = { crypto: nodeCrypto, validationTime: VALIDATION_TIME, trustAnchors: [pki.ca], serverName: 'server.test' };
    let c = createTlsEndpoint({ ...base, role: 'client', versions: ['TLSv1.2'], random: seededRandom('a') });
    let s = createTlsEndpoint({ ...base, role: 'server', random: seededRandom('b'), certificate: pki.leaf });
    c.start();
    drive(c, s);
    expect([s.error?.alert, c.error?.alert]).toEqual(['protocol_version', 'protocol_version']);
    c = createTlsEndpoint({ ...base, role: 'client', random: seededRandom('a') });
    s = createTlsEndpoint({ ...base, role: 'server', versions: ['TLSv1.2'], random: seededRandom('b'), certificate: pki.leaf });
    c.start();
    drive(c, s);
    expect([s.error?.alert, c.error?.alert]).toEqual(['protocol_version', 'protocol_version']);
  });

  it('createEndpoint (TLS 1.3) refuses a configuration offering TLS 1.2, pointing to createTlsEndpoint; bad version lists are refused', () => {
    expect(() => createEndpoint({ role: 'client', crypto: nodeCrypto, random: seededRandom('x'), versions: ['TLSv1.2'] })).toThrow(/createTlsEndpoint/);
    expect(() => createTlsEndpoint({ role: 'client', crypto: nodeCrypto, random: seededRandom('x'), versions: [] })).toThrow(/versions/);
  });

  it("a server's ECDSA certificate must be on a curve the client lists (RFC 8422 §5.1): P-384 offered only x25519 and P-256 fails, with P-384 listed it completes", () => {
    const refused = pair12({ groups: ['x25519', 'secp256r1'] }, {}, 'p384');
    refused.client.start();
    drive(refused.client, refused.server);
    expect([refused.server.error?.alert, refused.client.error?.alert]).toEqual(['handshake_failure', 'handshake_failure']);
    const ok = pair12({ groups: ['x25519', 'secp384r1'] }, {}, 'p384');
    ok.client.start();
    drive(ok.client, ok.server);
    expect([ok.client.handshakeComplete, ok.server.handshakeComplete]).toEqual([true, true]);
  });

  it('a server whose certificate fits no offered suite fails with handshake_failure', () => {
    const { client, server } = pair12({ tls12CipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }, {}, 'p256');
    client.start();
    drive(client, server);
    expect([server.error?.alert, client.error?.alert]).toEqual(['handshake_failure', 'handshake_failure']);
  });
});
