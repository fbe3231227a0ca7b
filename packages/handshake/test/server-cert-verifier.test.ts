/**
 * EndpointConfig.serverCertVerifier: the client application's own decision on the server's
 * chain, after path validation (or with `insecure`, instead of it). A rejection aborts the
 * handshake with the alert the verdict names (error kind `verifier_rejected`), in TLS 1.3
 * and in TLS 1.2; the server receives that alert.
 */
import { describe, expect, it } from 'vitest';
import type { AlertName } from '@tls13sim/record';
import type { ServerCertVerdict } from '@tls13sim/handshake';
import { HandshakeError } from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';
import { drive, pair12 } from './tls12-helpers.js';

describe('serverCertVerifier', () => {
  it('TLS 1.3: sees the chain the server sent, after path validation; accept completes', () => {
    const seen: number[] = [];
    const { client, server } = makePair({
      serverCertVerifier: (chain): ServerCertVerdict => {
        seen.push(chain.length);
        return { action: 'accept' };
      },
    });
    client.start();
    drive(client, server);
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    expect(seen).toEqual([1]);
  });

  it.each<AlertName>(['bad_certificate', 'access_denied', 'user_canceled'])(
    'TLS 1.3: a rejection aborts with its alert (%s), which the server receives',
    (alert) => {
      const { client, server } = makePair({ serverCertVerifier: () => ({ action: 'reject', alert }) });
      client.start();
      drive(client, server);
      expect(client.handshakeComplete).toBe(false);
      expect(client.error).toBeInstanceOf(HandshakeError);
      expect((client.error as HandshakeError).kind).toBe('verifier_rejected');
      expect(client.error?.alert).toBe(alert);
      // user_canceled is a closure alert a TLS 1.3 endpoint ignores (RFC 8446 §6.1); the others fail the server.
      if (alert !== 'user_canceled') expect(server.error?.alert).toBe(alert);
    },
  );

  it('runs after path validation: an untrusted chain fails as unknown_ca before the verifier is asked', () => {
    let asked = false;
    const { client, server } = makePair({
      // A CA of another name (as endpoint-client-auth.test.ts's foreignCa): no issuer is found.
      trustAnchors: [testPki('ed25519', 'server.test', 'ed448').ca],
      serverCertVerifier: () => {
        asked = true;
        return { action: 'accept' };
      },
    });
    client.start();
    drive(client, server);
    expect(asked).toBe(false);
    expect(client.error?.alert).toBe('unknown_ca');
  });

  it('TLS 1.2: a rejection aborts with its alert, which the server receives', () => {
    const { client, server } = pair12({ insecure: true, serverCertVerifier: () => ({ action: 'reject', alert: 'access_denied' }) });
    client.start();
    drive(client, server);
    expect(client.handshakeComplete).toBe(false);
    expect((client.error as HandshakeError).kind).toBe('verifier_rejected');
    expect(server.error?.alert).toBe('access_denied');
  });
});
