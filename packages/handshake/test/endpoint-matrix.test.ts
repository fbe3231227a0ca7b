/**
 * The issue-4 matrix: every cipher suite × every group with one signature scheme, and every
 * signature scheme (server and client authentication) with one suite and group. Each run
 * completes the handshake, carries data both ways, and checks that both ends agree on
 * every traffic secret (through the keylog of their keys_installed events) and on §7.5
 * exporter values.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@tls13sim/record';
import type { CipherSuiteName, Endpoint, KeyType, NamedGroupName, SignatureSchemeName } from '@tls13sim/handshake';
import { drive, makePair, testPki } from './endpoint-helpers.js';
import { Log } from './endpoint-inject.js';

const SUITES: readonly CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: readonly NamedGroupName[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1', 'X25519MLKEM768'];
const SCHEMES: readonly [SignatureSchemeName, KeyType][] = [
  ['ed25519', 'ed25519'],
  ['ed448', 'ed448'],
  ['ecdsa_secp256r1_sha256', 'p256'],
  ['ecdsa_secp384r1_sha384', 'p384'],
  ['ecdsa_secp521r1_sha512', 'p521'],
  ['rsa_pss_rsae_sha256', 'rsa'],
  ['rsa_pss_rsae_sha384', 'rsa'],
  ['rsa_pss_rsae_sha512', 'rsa'],
  ['rsa_pss_pss_sha256', 'rsa-pss'],
  ['rsa_pss_pss_sha384', 'rsa-pss'],
  ['rsa_pss_pss_sha512', 'rsa-pss'],
];

/** The keylog of one endpoint: label → secret. */
function keylog(log: Log): Map<string, string> {
  return new Map(log.of('keys_installed').flatMap((e) => (e.keylog ? [[e.keylog.label, Buffer.from(e.keylog.secret).toString('hex')] as const] : [])));
}

function exchange(client: Endpoint, server: Endpoint): void {
  client.write(utf8('ping from the client'));
  server.write(utf8('pong from the server'));
  drive(client, server);
  expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('ping from the client');
  expect(new TextDecoder().decode(client.readApplicationData()!)).toBe('pong from the server');
}

function expectAgreement(client: Endpoint, server: Endpoint, clientLog: Log, serverLog: Log): void {
  expect(client.trafficSecrets!.write).toEqual(server.trafficSecrets!.read);
  expect(client.trafficSecrets!.read).toEqual(server.trafficSecrets!.write);
  const c = keylog(clientLog);
  const s = keylog(serverLog);
  expect([...c.keys()].sort()).toEqual(
    ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'].sort(),
  );
  expect(c).toEqual(s);
  const ctx = utf8('context');
  expect(client.exportKeyingMaterial('EXPORTER-matrix', ctx, 32)).toEqual(server.exportKeyingMaterial('EXPORTER-matrix', ctx, 32));
  expect(client.exportKeyingMaterial('EXPORTER-matrix', new Uint8Array(0), 17)).toEqual(server.exportKeyingMaterial('EXPORTER-matrix', new Uint8Array(0), 17));
  expect(client.exportKeyingMaterial('EXPORTER-a', ctx, 32)).not.toEqual(client.exportKeyingMaterial('EXPORTER-b', ctx, 32));
}

describe('every suite × every group (ed25519 certificates)', () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      it(`completes a handshake with ${suite} over ${group} and carries data both ways`, () => {
        const { client, server } = makePair({ cipherSuites: [suite], groups: [group] }, { groups: [group] }, 7);
        const clientLog = new Log(client);
        const serverLog = new Log(server);
        client.start();
        drive(client, server);
        expect(client.error).toBeUndefined();
        expect(server.error).toBeUndefined();
        expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
        expect(client.negotiated!.suite.name).toBe(suite);
        expect(server.negotiated!.suite.name).toBe(suite);
        expect(client.negotiated!.group).toBe(group);
        expect(server.negotiated!.group).toBe(group);
        expect(client.negotiated!.helloRetry).toBe(false);
        exchange(client, server);
        expectAgreement(client, server, clientLog, serverLog);
      });
    }
  }
});

describe('every signature scheme, for the server and for the client (AES-128-GCM, x25519)', () => {
  for (const [scheme, keyType] of SCHEMES) {
    it(`authenticates both ends with ${scheme} and carries data both ways`, () => {
      const serverPki = testPki(keyType, 'server.test');
      const clientPki = testPki(keyType, 'client.test');
      const { client, server } = makePair(
        { signatureSchemes: [scheme], trustAnchors: [serverPki.ca], certificate: clientPki.leaf },
        { signatureSchemes: [scheme], certificate: serverPki.leaf, clientAuth: 'require', trustAnchors: [clientPki.ca] },
        11,
      );
      const clientLog = new Log(client);
      const serverLog = new Log(server);
      client.start();
      drive(client, server);
      expect(client.error).toBeUndefined();
      expect(server.error).toBeUndefined();
      expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
      expect(client.negotiated!.serverSignatureScheme).toBe(scheme);
      expect(server.peerCertificates).toEqual(clientPki.leaf.chain);
      expect(client.peerCertificates).toEqual(serverPki.leaf.chain);
      // The client's CertificateVerify used the scheme too: it is the only one the server accepts.
      const sent = clientLog.of('record_sent').flatMap((e) => e.record.messages);
      expect(sent).toContain('certificate_verify');
      exchange(client, server);
      expectAgreement(client, server, clientLog, serverLog);
    });
  }
});
