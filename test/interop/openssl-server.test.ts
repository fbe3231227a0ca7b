/**
 * Our client (the sans-I/O endpoint over real TCP) against `openssl s_server`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CipherSuiteName, NamedGroupName, ResumptionSession } from '@tls13sim/handshake';
import {
  clientConfig,
  describeOpened,
  epochs,
  expectSameKeylog,
  makePki,
  opensslServer,
  openTapped,
  ourClient,
  readText,
  readUntil,
  wireTap,
  type LeafKind,
  type OpensslServer,
  type Pki,
} from './helpers.js';

let pki: Pki;
const servers: OpensslServer[] = [];

beforeAll(() => {
  pki = makePki();
});

afterAll(() => {
  for (const s of servers) s.kill();
});

async function server(args: readonly string[]): Promise<OpensslServer> {
  const s = await opensslServer(args);
  servers.push(s);
  return s;
}

/** s_server -www with the P-256 leaf unless told otherwise. */
function www(extra: readonly string[] = [], leaf: LeafKind = 'p256'): Promise<OpensslServer> {
  return server(['-www', '-cert', pki.server[leaf].certPath, '-key', pki.server[leaf].keyPath, ...extra]);
}

/** GET / against s_server -www: the status page, read to close_notify. */
async function getPage(port: number, extra: Parameters<typeof clientConfig>[1] = {}) {
  const conn = await ourClient(port, clientConfig(pki, extra));
  await conn.handshake();
  conn.write('GET / HTTP/1.0\r\n\r\n');
  const page = await readText(conn);
  await conn.close();
  return { conn, page };
}

describe.concurrent('our client against openssl s_server', () => {
  const suites: CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
  for (const suite of suites) {
    it(`completes a handshake and exchanges data with ${suite}`, async () => {
      const s = await www(['-ciphersuites', suite]);
      const { conn, page } = await getPage(s.port, { cipherSuites: [suite] });
      expect(conn.negotiated?.suite.name).toBe(suite);
      expect(page.end).toBe('eof');
      expect(page.text).toContain(`Cipher is ${suite}`);
    });
  }

  const groups: NamedGroupName[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];
  for (const group of groups) {
    it(`agrees on key exchange group ${group}`, async () => {
      const s = await www(['-groups', group]);
      const { conn, page } = await getPage(s.port, { groups: [group] });
      expect(conn.negotiated?.group).toBe(group);
      expect(conn.negotiated?.helloRetry).toBe(false);
      expect(page.end).toBe('eof');
    });
  }

  const leaves: [LeafKind, string][] = [
    ['ed25519', 'ed25519'],
    ['p256', 'ecdsa_secp256r1_sha256'],
    ['p384', 'ecdsa_secp384r1_sha384'],
    ['rsa', 'rsa_pss_rsae_sha256'],
  ];
  for (const [leaf, scheme] of leaves) {
    it(`verifies a ${leaf} server certificate chain and its CertificateVerify (${scheme})`, async () => {
      const s = await www([], leaf);
      const { conn, page } = await getPage(s.port);
      expect(conn.negotiated?.serverSignatureScheme).toBe(scheme);
      expect(page.end).toBe('eof');
      expect(conn.closed?.kind).toBe('clean');
    });
  }

  it('answers a HelloRetryRequest when the server wants a group it got no share for', async () => {
    const s = await www(['-groups', 'secp384r1']);
    const { conn, page } = await getPage(s.port, { groups: ['x25519', 'secp384r1'], keyShareGroups: ['x25519'] });
    expect(conn.negotiated?.helloRetry).toBe(true);
    expect(conn.negotiated?.group).toBe('secp384r1');
    expect(page.end).toBe('eof');
  });

  it('authenticates with a client certificate the server trusts', async () => {
    const s = await www(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const { page } = await getPage(s.port, { certificate: pki.client.certified });
    expect(page.end).toBe('eof');
    expect(page.text).toContain('interop client');
  });

  it('the SSL_connect question: connect succeeds, then the first read returns the alert OpenSSL sent for an untrusted client certificate', async () => {
    const s = await www(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const conn = await ourClient(s.port, clientConfig(pki, { certificate: pki.untrustedClient.certified }));
    await expect(conn.handshake()).resolves.toBeUndefined();
    expect(conn.connectedAt).toBeDefined();
    expect(conn.ledger.peerVerdict.verdict).toBe('unknown');
    conn.write('GET / HTTP/1.0\r\n\r\n');
    const err = await conn.read().then(
      () => undefined,
      (e: unknown) => e as Error & { alert?: string },
    );
    expect(err?.name).toBe('PeerAlertError');
    expect(err?.alert).toBe('unknown_ca');
    expect(conn.ledger.peerVerdict).toMatchObject({ verdict: 'rejected', alert: { description: 'unknown_ca' } });
    await s.waitFor(/verify error|certificate verify failed/);
  });

  it('client certificate missing, required: connect succeeds with an empty Certificate, then the first read returns certificate_required from OpenSSL', async () => {
    // -Verify 1 (capital V): a client certificate is mandatory; -verify_return_error aborts without one.
    const s = await www(['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath]);
    const conn = await ourClient(s.port, clientConfig(pki));
    await expect(conn.handshake()).resolves.toBeUndefined();
    expect(conn.connectedAt).toBeDefined();
    expect(conn.ledger.peerVerdict.verdict).toBe('unknown');
    // We answered the CertificateRequest with a Certificate and no CertificateVerify.
    expect(sentMessages(conn)).toContain('certificate');
    expect(sentMessages(conn)).not.toContain('certificate_verify');
    conn.write('GET / HTTP/1.0\r\n\r\n');
    const err = await conn.read().then(
      () => undefined,
      (e: unknown) => e as Error & { alert?: string },
    );
    expect(err?.name).toBe('PeerAlertError');
    expect(err?.alert).toBe('certificate_required');
    expect(conn.ledger.peerVerdict).toMatchObject({ verdict: 'rejected', alert: { description: 'certificate_required' } });
    // OpenSSL sends it after its own Finished, so under its application traffic keys.
    expect(
      conn.events.filter((e) => e.type === 'alert_received').map((e) => (e.type === 'alert_received' ? `${e.level} ${e.description} ${e.epoch}` : '')),
    ).toEqual(['fatal certificate_required application']);
    await s.waitFor(/peer did not return a certificate/);
  });

  it('answers a post-handshake CertificateRequest (c on s_server stdin) with a client certificate OpenSSL verifies', async () => {
    // No -verify: the handshake has no CertificateRequest, so the only client certificate
    // s_server ever sees is the one we send after `c`; -verify_return_error ends the
    // connection if it does not verify.
    const s = await server(['-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath, '-CAfile', pki.caPath, '-verify_return_error']);
    const conn = await ourClient(s.port, clientConfig(pki, { postHandshakeAuth: true, certificate: pki.client.certified }));
    await conn.handshake();
    conn.write('ping\n');
    await s.waitFor(/ping/);
    expect(s.output()).not.toContain('interop client');
    expect(sentMessages(conn)).not.toContain('certificate');
    s.send('c\n');
    // s_server runs SSL_verify_client_post_handshake then SSL_do_handshake (sends the request).
    await s.waitFor(/SSL_do_handshake -> 1/);
    s.send('after request\n');
    // Reading processes the CertificateRequest; our Certificate, CertificateVerify and Finished go out.
    await readUntil(conn, /after request/);
    await s.waitFor(/depth=0 CN = interop client, O = tls13sim\s+verify return:1/);
    expect(sentMessages(conn)).toEqual(expect.arrayContaining(['certificate', 'certificate_verify']));
    conn.write('pong\n');
    await s.waitFor(/pong/);
    s.send('still here\n');
    await readUntil(conn, /still here/);
    expect(s.output()).not.toMatch(/verify error|ERROR/);
    expect(conn.ledger.peerVerdict.verdict).toBe('accepted');
    await conn.close();
  });

  it('post-handshake SSL_connect question: a client certificate OpenSSL rejects after c comes back as unknown_ca on our next read', async () => {
    // The trusted CA did not issue untrustedClient's certificate.
    const s = await server(['-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath, '-CAfile', pki.caPath, '-verify_return_error']);
    const conn = await ourClient(s.port, clientConfig(pki, { postHandshakeAuth: true, certificate: pki.untrustedClient.certified }));
    await conn.handshake();
    conn.write('ping\n');
    await s.waitFor(/ping/);
    s.send('c\n');
    await s.waitFor(/SSL_do_handshake -> 1/);
    const err = await conn.read().then(
      () => undefined,
      (e: unknown) => e as Error & { alert?: string },
    );
    expect(err?.name).toBe('PeerAlertError');
    expect(err?.alert).toBe('unknown_ca');
    expect(sentMessages(conn)).toEqual(expect.arrayContaining(['certificate', 'certificate_verify']));
    expect(conn.ledger.peerVerdict).toMatchObject({ verdict: 'rejected', alert: { description: 'unknown_ca' } });
    // Our chain carries the untrusted CA too: OpenSSL stops at it (19, self-signed certificate in certificate chain).
    await s.waitFor(/depth=1 CN = untrusted CA\s+verify error:num=19/);
    await s.waitFor(/certificate verify failed/);
  });

  it('resumes a session from an OpenSSL ticket', async () => {
    const s = await www();
    const first = await ourClient(s.port, clientConfig(pki));
    const sessions: ResumptionSession[] = [];
    first.on('endpoint_event', (ev: { type: string; session?: ResumptionSession }) => {
      if (ev.type === 'new_session_ticket' && ev.session) sessions.push(ev.session);
    });
    await first.handshake();
    first.write('GET / HTTP/1.0\r\n\r\n');
    await readText(first);
    expect(sessions.length).toBeGreaterThan(0);
    const { conn, page } = await getPage(s.port, { session: sessions[0]! });
    expect(conn.negotiated?.resumed).toBe(true);
    expect(page.text).toContain('Reused, TLSv1.3');
  });

  it('sends 0-RTT data that OpenSSL accepts', async () => {
    // Not -www: with -early_data s_server prints the early data it read.
    const s = await server(['-early_data', '-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const session = await ticketFrom(s.port);
    expect(session.maxEarlyData).toBeGreaterThan(0);
    const conn = await ourClient(s.port, clientConfig(pki, { session, earlyData: new TextEncoder().encode('early hello\n') }));
    const accepted = earlyOutcome(conn);
    await conn.handshake();
    expect(await accepted).toBe(true);
    expect(conn.negotiated?.resumed).toBe(true);
    await s.waitFor(/early hello/);
    await conn.close();
  });

  it('falls back to a full handshake when OpenSSL cannot use the ticket, and its 0-RTT data is rejected', async () => {
    const issuing = await server(['-early_data', '-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const session = await ticketFrom(issuing.port);
    // A second s_server has other ticket keys: it cannot decrypt the ticket.
    const other = await server(['-early_data', '-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const conn = await ourClient(other.port, clientConfig(pki, { session, earlyData: new TextEncoder().encode('early hello\n') }));
    const accepted = earlyOutcome(conn);
    await conn.handshake();
    expect(await accepted).toBe(false);
    expect(conn.negotiated?.resumed).toBe(false);
    conn.write('after the handshake\n');
    await other.waitFor(/after the handshake/);
    expect(other.output()).not.toContain('early hello');
    await conn.close();
  });

  it('follows a KeyUpdate(update_requested) from OpenSSL (K on s_server stdin) and answers it', async () => {
    const s = await server(['-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const conn = await ourClient(s.port, clientConfig(pki));
    await conn.handshake();
    conn.write('ping\n');
    await s.waitFor(/ping/);
    s.send('K\n');
    // s_server runs SSL_key_update(REQUESTED) then SSL_do_handshake, and says so.
    await s.waitFor(/SSL_do_handshake -> 1/);
    s.send('after update\n');
    await readUntil(conn, /after update/);
    expect(epochs(conn, 'read')).toContain('application+1');
    expect(epochs(conn, 'write')).toContain('application+1');
    conn.write('pong\n');
    await s.waitFor(/pong/);
    await conn.close();
    // Our answer did not ask for one back (§4.6.3: update_not_requested): OpenSSL updated
    // its keys once, not a second time before 'after update'.
    expect(epochs(conn, 'read')).not.toContain('application+2');
  });

  it('sends a KeyUpdate(update_requested) that OpenSSL follows and answers', async () => {
    const s = await server(['-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const conn = await ourClient(s.port, clientConfig(pki));
    await conn.handshake();
    conn.keyUpdate(true);
    conn.write('under new keys\n');
    await s.waitFor(/under new keys/);
    s.send('reply\n');
    await readUntil(conn, /reply/);
    expect(epochs(conn, 'write')).toContain('application+1');
    expect(epochs(conn, 'read')).toContain('application+1');
    await conn.close();
  });

  it('negotiates ALPN', async () => {
    const s = await www(['-alpn', 'h2,http/1.1']);
    const { conn, page } = await getPage(s.port, { alpn: ['http/1.1'] });
    expect(conn.negotiated?.alpn).toBe('http/1.1');
    expect(page.end).toBe('eof');
  });

  it('sends SNI: OpenSSL picks its certificate for the name we asked for', async () => {
    const s = await www(['-servername', 'alt.test', '-cert2', pki.alt.certPath, '-key2', pki.alt.keyPath]);
    // Our client checks the certificate against alt.test: only the -cert2 certificate matches.
    const { conn, page } = await getPage(s.port, { serverName: 'alt.test' });
    expect(page.end).toBe('eof');
    expect(conn.negotiated?.serverName).toBe('alt.test');
  });

  it('answers the close_notify OpenSSL sends after its response: ours is on the wire, under the key s_server logged', async () => {
    const keylog = pki.path(`s_server-close-${Math.random()}.keylog`);
    const s = await www(['-keylogfile', keylog]);
    const tap = await wireTap(s.port);
    const { conn, page } = await getPage(tap.port);
    expect(page.end).toBe('eof');
    expect(conn.closed).toEqual({ kind: 'clean' });
    const sent = conn.events.filter((e) => e.type === 'alert_sent').map((e) => (e.type === 'alert_sent' ? e.description : ''));
    expect(sent).toEqual(['close_notify']);
    // Our trace is our word for it; the wire is what OpenSSL got.
    await tap.ended.c2s;
    await tap.close();
    const suite = conn.negotiated!.suite.name;
    const keylogText = readFileSync(keylog, 'utf8');
    const fromOpenssl = openTapped(tap, 's2c', suite, keylogText).map(describeOpened);
    expect(fromOpenssl.at(-1)).toBe('alert close_notify');
    const ours = openTapped(tap, 'c2s', suite, keylogText).map(describeOpened);
    expect(ours).toEqual(['application_data 18 bytes', 'alert close_notify']);
  });

  it('sends close_notify that OpenSSL answers', async () => {
    const s = await server(['-cert', pki.server.p256.certPath, '-key', pki.server.p256.keyPath]);
    const conn = await ourClient(s.port, clientConfig(pki));
    await conn.handshake();
    conn.write('bye\n');
    await s.waitFor(/bye/);
    const reason = await conn.close();
    expect(reason).toEqual({ kind: 'clean' });
    await s.waitFor(/DONE/);
    expect(conn.events.some((e) => e.type === 'alert_received' && e.description === 'close_notify')).toBe(true);
  });

  it('handshakes with an external PSK (s_server -psk, no certificate)', async () => {
    const key = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const s = await server(['-www', '-nocert', '-psk', key, '-psk_identity', 'interop']);
    const psk = { identity: new TextEncoder().encode('interop'), key: Uint8Array.from(Buffer.from(key, 'hex')), hash: 'sha256' as const };
    const { conn, page } = await getPage(s.port, { externalPsk: psk, trustAnchors: [] });
    expect(conn.negotiated?.resumed).toBe(true);
    expect(conn.peerCertificates).toHaveLength(0);
    expect(page.text).toContain('Reused, TLSv1.3');
  });

  it('writes a keylog OpenSSL agrees with', async () => {
    const keylog = pki.path('s_server-keylog.txt');
    writeFileSync(keylog, '');
    const s = await www(['-keylogfile', keylog]);
    const { conn } = await getPage(s.port);
    const { renderConnectionKeylog } = await import('../../packages/sim/src/net/index.js');
    const { readFileSync } = await import('node:fs');
    // The same lines for the same client random, EXPORTER_SECRET included.
    expectSameKeylog(renderConnectionKeylog(conn.toTrace()), readFileSync(keylog, 'utf8'));
  });
});

/** Handshake messages our endpoint sent, in order, from its trace. */
function sentMessages(conn: Awaited<ReturnType<typeof ourClient>>): string[] {
  return conn.events.flatMap((e) => (e.type === 'record_sent' ? [...e.messages] : []));
}

/** A session from a connection to `port` (waits for the server's tickets). */
async function ticketFrom(port: number): Promise<ResumptionSession> {
  const conn = await ourClient(port, clientConfig(pki));
  const session = new Promise<ResumptionSession>((resolve) => {
    conn.on('endpoint_event', (ev: { type: string; session?: ResumptionSession }) => {
      if (ev.type === 'new_session_ticket' && ev.session) resolve(ev.session);
    });
  });
  await conn.handshake();
  const s = await session;
  await conn.close();
  return s;
}

function earlyOutcome(conn: { on(e: 'endpoint_event', f: (ev: { type: string; accepted?: boolean }) => void): unknown }): Promise<boolean> {
  return new Promise((resolve) => {
    conn.on('endpoint_event', (ev) => {
      if (ev.type === 'early_data') resolve(ev.accepted === true);
    });
  });
}
