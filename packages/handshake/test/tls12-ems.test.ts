/**
 * RFC 7627 at our TLS 1.2 server: a ClientHello without extended_master_secret. With
 * tls12ExtendedMasterSecret 'prefer' the server goes on without echoing it and uses the
 * RFC 5246 §8.1 master secret; with 'require' (the default) it refuses with
 * handshake_failure. The client side here is written by hand from the RFCs (its PRF over
 * node:crypto HMAC), so the master secret is checked against an independent computation.
 * Our own client aborts when a server does not echo the extension (RFC 7627 §5.3), unless
 * it too is told 'prefer' (test/interop/tls12-ems.test.ts runs that against OpenSSL); it
 * aborts in any case when a server resumes an extended-master-secret session without it.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentType, protectRecord12, unprotectRecord12, type Tls12Keys } from '@tls13sim/record';
import { encodeTls12, nobleProvider, SealedTicketIssuer, seededRandom, TLS12_SUITE_PARAMS, type EndpointConfig, type TlsEndpoint } from '@tls13sim/handshake';
import { drive, Log12, pair12, takeRecords } from './tls12-helpers.js';

const SUITE = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256';
const EMS = 0x0017;
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** RFC 5246 §5 P_SHA256 and PRF, over node:crypto (independent of the code under test). */
function prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const s = cat(Buffer.from(label, 'ascii'), seed);
  const out: Buffer[] = [];
  let a: Uint8Array = s;
  for (let n = 0; n < length; n += 32) {
    a = createHmac('sha256', secret).update(a).digest();
    out.push(createHmac('sha256', secret).update(cat(a, s)).digest());
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

/** A hello body whose extensions block starts at `p`, with the extension `code` left out. */
function bodyWithout(body: Uint8Array, p: number, code: number): Uint8Array {
  const kept: Uint8Array[] = [];
  for (let q = p + 2; q < body.length; ) {
    const len = (body[q + 2]! << 8) | body[q + 3]!;
    if (((body[q]! << 8) | body[q + 1]!) !== code) kept.push(body.subarray(q, q + 4 + len));
    q += 4 + len;
  }
  const exts = cat(...kept);
  return cat(body.subarray(0, p), new Uint8Array([exts.length >> 8, exts.length & 0xff]), exts);
}

/** The ClientHello handshake message of the client's first record, with the extension `code` removed (RFC 5246 §7.4.1.2 layout). */
function withoutExtension(record: Uint8Array, code: number): Uint8Array {
  const body = record.subarray(9);
  let p = 34;
  p += 1 + body[p]!; // session_id
  p += 2 + ((body[p]! << 8) | body[p + 1]!); // cipher_suites
  p += 1 + body[p]!; // compression_methods
  const newBody = bodyWithout(body, p, code);
  return cat(new Uint8Array([1, 0, newBody.length >> 8, newBody.length & 0xff]), newBody);
}

/** The extension codes of a ServerHello message (RFC 5246 §7.4.1.3 layout). */
function serverHelloExtensions(sh: Uint8Array): number[] {
  const body = sh.subarray(4);
  const codes: number[] = [];
  for (let q = 34 + 1 + body[34]! + 3 + 2; q < body.length; q += 4 + ((body[q + 2]! << 8) | body[q + 3]!)) codes.push((body[q]! << 8) | body[q + 1]!);
  return codes;
}

const plainRecord = (type: number, content: Uint8Array): Uint8Array => cat(new Uint8Array([type, 3, 3, content.length >> 8, content.length & 0xff]), content);

/** The handshake messages of plaintext records, split on their 4-byte headers. */
function messages(records: readonly Uint8Array[]): Uint8Array[] {
  const all = cat(...records.filter((r) => r[0] === ContentType.handshake).map((r) => r.subarray(5)));
  const out: Uint8Array[] = [];
  for (let p = 0; p < all.length; ) {
    const len = (all[p + 1]! << 16) | (all[p + 2]! << 8) | all[p + 3]!;
    out.push(all.subarray(p, p + 4 + len));
    p += 4 + len;
  }
  return out;
}

function server(extra: Partial<EndpointConfig>): TlsEndpoint {
  return pair12({}, { groups: ['x25519'], tls12CipherSuites: [SUITE], ...extra }).server;
}

/** Our client's ClientHello without extended_master_secret, sent to `s`. */
function sendLegacyHello(s: TlsEndpoint): Uint8Array {
  const { client } = pair12({ groups: ['x25519', 'secp256r1'], tls12CipherSuites: [SUITE] });
  client.start();
  const ch = withoutExtension(takeRecords(client)[0]!, EMS);
  s.handleBytes(plainRecord(ContentType.handshake, ch));
  return ch;
}

/** A hand-made client without extended_master_secret, through its Finished; returns what it saw and derived. */
function legacyHandshake(s: TlsEndpoint) {
  const ch = sendLegacyHello(s);
  const flight = messages(takeRecords(s));
  const [sh, , ske] = flight;
  const serverRandom = sh!.subarray(6, 38);
  // ServerKeyExchange (RFC 8422 §5.4): curve_type(1) named_curve(2) opaque8 point.
  const serverPoint = ske!.subarray(8, 8 + ske![7]!);
  const kex = nobleProvider.keyExchange('x25519')!;
  const share = kex.generate(seededRandom('legacy client'));
  const preMaster = kex.finish(share, serverPoint)!;
  const clientRandom = ch.subarray(6, 38);
  // RFC 5246 §8.1 and §6.3.
  const master = prf(preMaster, 'master secret', cat(clientRandom, serverRandom), 48);
  const kb = prf(master, 'key expansion', cat(serverRandom, clientRandom), 40);
  const aead = nobleProvider.aead(TLS12_SUITE_PARAMS[SUITE].aead);
  const clientKeys: Tls12Keys = { aead, key: kb.subarray(0, 16), iv: kb.subarray(32, 36) };
  const serverKeys: Tls12Keys = { aead, key: kb.subarray(16, 32), iv: kb.subarray(36, 40) };
  const cke = encodeTls12({ type: 'client_key_exchange', publicKey: share.share });
  const transcript = [ch, ...flight, cke];
  const hash = (ms: Uint8Array[]) =>
    new Uint8Array(
      createHash('sha256')
        .update(cat(...ms))
        .digest(),
    );
  const fin = cat(new Uint8Array([20, 0, 0, 12]), prf(master, 'client finished', hash(transcript), 12));
  s.handleBytes(plainRecord(ContentType.handshake, cke));
  s.handleBytes(plainRecord(ContentType.change_cipher_spec, new Uint8Array([1])));
  s.handleBytes(protectRecord12(clientKeys, 0n, ContentType.handshake, fin));
  const reply = takeRecords(s);
  const serverFin = cat(new Uint8Array([20, 0, 0, 12]), prf(master, 'server finished', hash([...transcript, fin]), 12));
  return { flight, master, reply, serverKeys, serverFin };
}

describe('RFC 7627: a ClientHello without extended_master_secret', () => {
  it("'prefer': the server completes with the RFC 5246 §8.1 master secret and does not echo the extension", () => {
    const s = server({ tls12ExtendedMasterSecret: 'prefer' });
    const log = new Log12(s);
    const { flight, master, reply, serverKeys, serverFin } = legacyHandshake(s);
    // RFC 7627 §5.2: no extended_master_secret in the ServerHello; the hand-made PRF above gives the master.
    expect(serverHelloExtensions(flight[0]!)).not.toContain(EMS);
    expect(serverHelloExtensions(flight[0]!).length).toBeGreaterThan(0);
    expect(log.lines()).toContain('handshake_complete');
    const keys = log.all.filter((e) => e.type === 'keys_installed' && e.keylog !== undefined);
    expect(keys.map((e) => e.type === 'keys_installed' && hex(e.keylog!.secret))).toEqual([hex(master), hex(master)]);
    expect(keys[0]!.type === 'keys_installed' && keys[0]!.keylog?.label).toBe('CLIENT_RANDOM');
    // The server's ChangeCipherSpec then its Finished, sealed with the §6.3 keys of that master secret.
    expect(reply.map((r) => r[0])).toEqual([ContentType.change_cipher_spec, ContentType.handshake]);
    expect(hex(unprotectRecord12(serverKeys, 0n, reply[1]!).content)).toBe(hex(serverFin));
    expect(s.handshakeComplete).toBe(true);
    // It says which master secret it has, and exports nothing from it (RFC 7627 §5.4).
    const n = s.negotiated;
    expect(n !== null && 'extendedMasterSecret' in n && n.extendedMasterSecret).toBe(false);
    expect(() => s.exportKeyingMaterial('EXPORTER-test', new Uint8Array(0), 32)).toThrow(/RFC 7627 §5.4/);
  });

  it("'require' (the default): handshake_failure on the ClientHello", () => {
    for (const extra of [{}, { tls12ExtendedMasterSecret: 'require' as const }]) {
      const s = server(extra);
      const log = new Log12(s);
      sendLegacyHello(s);
      // RFC 5246 §7.2: a plaintext fatal(2) handshake_failure(40) alert record.
      expect(takeRecords(s).map(hex)).toEqual(['15030300020228']);
      expect(log.lines()).toContain('alert_sent fatal handshake_failure');
      expect(s.handshakeComplete).toBe(false);
    }
  });

  it("'prefer' changes nothing for a client that offers it: the same bytes both ways", () => {
    const run = (ems: 'prefer' | 'require') => {
      const { client, server: s } = pair12({}, { tls12ExtendedMasterSecret: ems });
      client.start();
      const wire: string[] = [];
      for (let i = 0; i < 20; i++) {
        const a = takeRecords(client);
        for (const r of a) s.handleBytes(r);
        const b = takeRecords(s);
        for (const r of b) client.handleBytes(r);
        wire.push(...a.map(hex), ...b.map(hex));
        if (a.length + b.length === 0) break;
      }
      expect(client.handshakeComplete && s.handshakeComplete).toBe(true);
      return wire;
    };
    const prefer = run('prefer');
    expect(serverHelloExtensions(messages([Buffer.from(prefer[1]!, 'hex')])[0]!)).toContain(EMS);
    expect(prefer).toEqual(run('require'));
  });

  it('our client (default: require) aborts with handshake_failure when the server does not echo it (RFC 7627 §5.3)', () => {
    const { client, server: s } = pair12({}, { tls12ExtendedMasterSecret: 'prefer' });
    client.start();
    const ch = withoutExtension(takeRecords(client)[0]!, EMS);
    s.handleBytes(plainRecord(ContentType.handshake, ch));
    const log = new Log12(client);
    for (const r of takeRecords(s)) client.handleBytes(r);
    expect(log.lines()).toContain('alert_sent fatal handshake_failure');
    expect(client.handshakeComplete).toBe(false);
    expect(() => drive(client, s)).not.toThrow();
  });
});

/** A plaintext handshake record whose first message is a ServerHello, with the extension `code` removed from it (RFC 5246 §7.4.1.3 layout). */
function serverHelloWithout(record: Uint8Array, code: number): Uint8Array {
  const msgs = record.subarray(5);
  const end = 4 + ((msgs[1]! << 16) | (msgs[2]! << 8) | msgs[3]!);
  const body = msgs.subarray(4, end);
  const p = 34 + 1 + body[34]! + 3; // version, random, session_id, cipher_suite, compression_method
  const newBody = bodyWithout(body, p, code);
  const sh = cat(new Uint8Array([2, 0, newBody.length >> 8, newBody.length & 0xff]), newBody);
  return plainRecord(ContentType.handshake, cat(sh, msgs.subarray(end)));
}

describe('RFC 7627 §5.3 at our client: resuming a session', () => {
  it("a server that resumes an extended-master-secret session without the extension: the client aborts, even with 'prefer'", () => {
    const issuer = new SealedTicketIssuer(seededRandom('ems tickets'));
    const first = pair12({ tls12RequestTicket: true }, { tls12Tickets: { issuer } });
    const firstLog = new Log12(first.client);
    first.client.start();
    drive(first.client, first.server);
    const nst = firstLog.pump().all.find((e) => e.type === 'new_session_ticket');
    const session = nst?.type === 'new_session_ticket' ? nst.tls12Session : undefined;
    expect(session).toBeDefined();
    const { client, server: s } = pair12({ tls12Session: session!, tls12ExtendedMasterSecret: 'prefer' }, { tls12Tickets: { issuer } }, 'p256', 2);
    client.start();
    for (const r of takeRecords(client)) s.handleBytes(r);
    const reply = takeRecords(s);
    // The server did resume (its ServerHello echoes the extension); without it the client must abort.
    expect(serverHelloExtensions(messages([reply[0]!])[0]!)).toContain(EMS);
    const log = new Log12(client);
    client.handleBytes(serverHelloWithout(reply[0]!, EMS));
    expect(log.lines()).toContain('alert_sent fatal handshake_failure');
    expect(client.handshakeComplete).toBe(false);
    expect(client.error?.message).toMatch(/without the extension \(RFC 7627 §5\.3\)/);
  });
});
