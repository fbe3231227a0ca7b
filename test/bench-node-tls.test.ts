/**
 * The handshake bench compares our handshakes with Node's own `tls` (bench/node-tls.ts).
 * Like with like: Node's must negotiate what ours does, x25519 and TLS_AES_128_GCM_SHA256
 * (left alone, OpenSSL picks TLS_AES_256_GCM_SHA384), over TLS 1.3 with the same
 * certificate, verified; and its client takes in the server's tickets, as ours does in the
 * ticketed rows.
 */
import { duplexPair } from 'node:stream';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createNodeProvider } from '@tls13sim/handshake';
import { BENCH_SUITE, CERT_KINDS, freshHandshake, SERVER_NAME } from '../bench/fixtures.js';
import { NODE_TLS_TICKETS, nodeTlsContexts, nodeTlsHandshake } from '../bench/node-tls.js';

describe("the bench's Node tls handshakes", () => {
  for (const kind of CERT_KINDS) {
    it(`${kind}: TLS 1.3, x25519, TLS_AES_128_GCM_SHA256, the server verified`, async () => {
      const ctx = nodeTlsContexts(kind);
      const [a, b] = duplexPair();
      const server = new tls.TLSSocket(b, { isServer: true, secureContext: ctx.server });
      const client = tls.connect({ socket: a, secureContext: ctx.client, servername: SERVER_NAME });
      try {
        await new Promise<void>((resolve, reject) => {
          client.once('secureConnect', resolve);
          client.once('error', reject);
          server.once('error', reject);
        });
        expect([client.getProtocol(), client.getCipher().name, client.getEphemeralKeyInfo()]).toEqual([
          'TLSv1.3',
          BENCH_SUITE,
          { type: 'ECDH', name: 'X25519', size: 253 },
        ]);
        expect(client.authorized).toBe(true);
        // And ours negotiates the same suite.
        const ours = freshHandshake(createNodeProvider(), kind);
        expect(ours.client.negotiated?.suite.name).toBe(BENCH_SUITE);
      } finally {
        client.destroy();
        server.destroy();
      }
    });
  }

  it(`Node's server sends ${NODE_TLS_TICKETS} tickets and its client takes in each, as the bench's handshake waits for`, async () => {
    const ctx = nodeTlsContexts('ed25519');
    const [a, b] = duplexPair();
    const server = new tls.TLSSocket(b, { isServer: true, secureContext: ctx.server });
    const client = tls.connect({ socket: a, secureContext: ctx.client, servername: SERVER_NAME });
    const sessions: Buffer[] = [];
    client.on('session', (s: Buffer) => sessions.push(s));
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('secureConnect', resolve);
        client.once('error', reject);
        server.once('error', reject);
      });
      // The tickets follow the client's Finished; give them time to arrive, and any more.
      await new Promise((r) => setTimeout(r, 300));
      expect(sessions.length).toBe(NODE_TLS_TICKETS);
      // Each is a resumable TLS 1.3 session, not a placeholder.
      for (const s of sessions) expect(s.length).toBeGreaterThan(100);
    } finally {
      client.destroy();
      server.destroy();
    }
    // And the bench's handshake, which waits for those sessions, completes.
    await expect(nodeTlsHandshake(ctx)).resolves.toBeUndefined();
  });
});
