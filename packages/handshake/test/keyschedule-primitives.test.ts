/**
 * The §7 primitives on their own: HKDF-Expand-Label against a from-scratch HMAC
 * construction, the suite table, the typed stages' invariants, KeyUpdate, resumption PSK,
 * and the §7.5 exporter against Node's TLS stack (a real TLS 1.3 connection's
 * EXPORTER_SECRET and exportKeyingMaterial) for both SHA-256 and SHA-384 suites.
 */
import * as nodeCrypto from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '@tls13sim/record';
import { nobleProvider } from '../src/crypto/noble.js';
import type { HashName } from '../src/crypto/provider.js';
import { seededRandom } from '../src/crypto/random.js';
import {
  CIPHER_SUITE_PARAMS,
  EarlySecret,
  HandshakeSecret,
  MasterSecret,
  cipherSuiteParams,
  deriveSecret,
  emptyHash,
  exportKeyingMaterial,
  finishedKey,
  hkdfExpandLabel,
  hkdfLabel,
  nextTrafficSecret,
  resumptionPsk,
  trafficKeys,
} from '../src/keyschedule/index.js';

const P = nobleProvider;
const hex = toHex;
const ascii = (s: string) => new TextEncoder().encode(s);

/** RFC 5869 §2.3 HKDF-Expand written out over node's HMAC, independent of the provider. */
function nodeHkdfExpand(alg: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out: number[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = nodeCrypto
      .createHmac(alg, prk)
      .update(Buffer.concat([t, info, Buffer.from([i])]))
      .digest();
    out.push(...t);
  }
  return new Uint8Array(out.slice(0, length));
}

/** §7.1's HkdfLabel, byte by byte. */
function manualHkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const full = ascii(`tls13 ${label}`);
  return new Uint8Array([length >> 8, length & 0xff, full.length, ...full, context.length, ...context]);
}

describe('HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1)', () => {
  test.each(['sha256', 'sha384'] as const)('HKDF-Expand-Label with %s equals HKDF-Expand over the hand-built HkdfLabel', (alg) => {
    const r = seededRandom(`label-${alg}`);
    const secret = r.bytes(P.hashLength(alg));
    for (const [label, ctxLen, length] of [
      ['key', 0, 16],
      ['iv', 0, 12],
      ['c hs traffic', 48, P.hashLength(alg)],
      ['derived', 32, P.hashLength(alg)],
      ['x', 255, 300],
    ] as const) {
      const context = r.bytes(ctxLen);
      expect(hex(hkdfLabel(label, context, length))).toBe(hex(manualHkdfLabel(label, context, length)));
      expect(hex(hkdfExpandLabel(P, alg, secret, label, context, length))).toBe(
        hex(nodeHkdfExpand(alg, secret, manualHkdfLabel(label, context, length), length)),
      );
    }
  });

  test('labels longer than 249 bytes or contexts longer than 255 bytes cannot be encoded', () => {
    expect(() => hkdfLabel('a'.repeat(249), new Uint8Array(0), 32)).not.toThrow();
    expect(() => hkdfLabel('a'.repeat(250), new Uint8Array(0), 32)).toThrow(RangeError);
    expect(() => hkdfLabel('key', new Uint8Array(256), 32)).toThrow(RangeError);
  });

  test('Derive-Secret refuses a transcript hash of the wrong length for the hash function', () => {
    const secret = new Uint8Array(48);
    expect(() => deriveSecret(P, 'sha384', secret, 'c hs traffic', new Uint8Array(32))).toThrow(RangeError);
    expect(deriveSecret(P, 'sha384', secret, 'c hs traffic', new Uint8Array(48)).length).toBe(48);
  });

  test('Derive-Secret(Secret, Label, "") uses Hash("") as its context', () => {
    const secret = seededRandom('ds').bytes(32);
    expect(hex(emptyHash(P, 'sha256'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(deriveSecret(P, 'sha256', secret, 'derived', emptyHash(P, 'sha256')))).toBe(
      hex(nodeHkdfExpand('sha256', secret, manualHkdfLabel('derived', emptyHash(P, 'sha256'), 32), 32)),
    );
  });
});

describe('cipher suites (RFC 8446 §B.4)', () => {
  test('each TLS 1.3 suite names its hash, AEAD, key length and a 12-byte IV', () => {
    expect(CIPHER_SUITE_PARAMS).toEqual({
      TLS_AES_128_GCM_SHA256: { name: 'TLS_AES_128_GCM_SHA256', hash: 'sha256', aead: 'aes128gcm', keyLength: 16, ivLength: 12, hashLength: 32 },
      TLS_AES_256_GCM_SHA384: { name: 'TLS_AES_256_GCM_SHA384', hash: 'sha384', aead: 'aes256gcm', keyLength: 32, ivLength: 12, hashLength: 48 },
      TLS_CHACHA20_POLY1305_SHA256: {
        name: 'TLS_CHACHA20_POLY1305_SHA256',
        hash: 'sha256',
        aead: 'chacha20poly1305',
        keyLength: 32,
        ivLength: 12,
        hashLength: 32,
      },
    });
    for (const s of Object.values(CIPHER_SUITE_PARAMS)) {
      expect(P.aead(s.aead).keyLength).toBe(s.keyLength);
      expect(P.hashLength(s.hash)).toBe(s.hashLength);
    }
  });

  test('an unknown suite name is a programming error', () => {
    expect(() => cipherSuiteParams('TLS_AES_128_CCM_SHA256' as never)).toThrow(TypeError);
  });

  test('traffic keys have the suite key length and a 12-byte IV, from "key" and "iv" (§7.3)', () => {
    const secret = seededRandom('tk').bytes(48);
    const s = cipherSuiteParams('TLS_AES_256_GCM_SHA384');
    const k = trafficKeys(P, s, secret);
    expect(k.key.length).toBe(32);
    expect(k.iv.length).toBe(12);
    expect(hex(k.key)).toBe(hex(nodeHkdfExpand('sha384', secret, manualHkdfLabel('key', new Uint8Array(0), 32), 32)));
    expect(hex(k.iv)).toBe(hex(nodeHkdfExpand('sha384', secret, manualHkdfLabel('iv', new Uint8Array(0), 12), 12)));
  });
});

describe('the typed stages (RFC 8446 §7.1)', () => {
  test.each(['sha256', 'sha384'] as const)('with %s, "no PSK" is a PSK of Hash.length zeros and every secret is Hash.length bytes', (alg) => {
    const n = P.hashLength(alg);
    const a = EarlySecret.withoutPsk(P, alg);
    const b = EarlySecret.fromPsk(P, alg, new Uint8Array(n));
    expect(hex(a.secret)).toBe(hex(b.secret));
    expect(a.secret.length).toBe(n);
    const h = P.hash(alg, ascii('transcript'));
    const hs = a.handshakeSecret(seededRandom('dhe').bytes(32));
    const ms = hs.masterSecret();
    for (const v of [
      a.binderKey('external'),
      a.clientEarlyTrafficSecret(h),
      a.earlyExporterMasterSecret(h),
      hs.clientHandshakeTrafficSecret(h),
      hs.serverHandshakeTrafficSecret(h),
      ms.clientApplicationTrafficSecret(h),
      ms.serverApplicationTrafficSecret(h),
      ms.exporterMasterSecret(h),
      ms.resumptionMasterSecret(h),
    ]) {
      expect(v.length).toBe(n);
    }
  });

  test('psk_ke (no (EC)DHE) uses Hash.length zeros as the handshake IKM', () => {
    const es = EarlySecret.fromPsk(P, 'sha256', seededRandom('psk').bytes(32));
    expect(hex(es.handshakeSecret(null).secret)).toBe(hex(es.handshakeSecret(new Uint8Array(32)).secret));
  });

  test('the stages are the documented HKDF-Extract chain', () => {
    const psk = seededRandom('chain-psk').bytes(32);
    const dhe = seededRandom('chain-dhe').bytes(32);
    const es = EarlySecret.fromPsk(P, 'sha256', psk);
    const zeros = new Uint8Array(32);
    const extract = (salt: Uint8Array, ikm: Uint8Array) => new Uint8Array(nodeCrypto.createHmac('sha256', salt).update(ikm).digest());
    expect(hex(es.secret)).toBe(hex(extract(zeros, psk)));
    const derived1 = nodeHkdfExpand('sha256', es.secret, manualHkdfLabel('derived', emptyHash(P, 'sha256'), 32), 32);
    const hs = es.handshakeSecret(dhe);
    expect(hex(hs.secret)).toBe(hex(extract(derived1, dhe)));
    const derived2 = nodeHkdfExpand('sha256', hs.secret, manualHkdfLabel('derived', emptyHash(P, 'sha256'), 32), 32);
    expect(hex(hs.masterSecret().secret)).toBe(hex(extract(derived2, zeros)));
  });

  test('each traffic secret uses its own §7.1 label', () => {
    const h = P.hash('sha256', ascii('t'));
    const es = EarlySecret.fromPsk(P, 'sha256', seededRandom('l').bytes(32));
    const hs = es.handshakeSecret(seededRandom('d').bytes(32));
    const ms = hs.masterSecret();
    const expectLabel = (secret: Uint8Array, value: Uint8Array, label: string, ctx: Uint8Array) =>
      expect(hex(value), label).toBe(hex(nodeHkdfExpand('sha256', secret, manualHkdfLabel(label, ctx, 32), 32)));
    const empty = emptyHash(P, 'sha256');
    expectLabel(es.secret, es.binderKey('external'), 'ext binder', empty);
    expectLabel(es.secret, es.binderKey('resumption'), 'res binder', empty);
    expectLabel(es.secret, es.clientEarlyTrafficSecret(h), 'c e traffic', h);
    expectLabel(es.secret, es.earlyExporterMasterSecret(h), 'e exp master', h);
    expectLabel(hs.secret, hs.clientHandshakeTrafficSecret(h), 'c hs traffic', h);
    expectLabel(hs.secret, hs.serverHandshakeTrafficSecret(h), 's hs traffic', h);
    expectLabel(ms.secret, ms.clientApplicationTrafficSecret(h), 'c ap traffic', h);
    expectLabel(ms.secret, ms.serverApplicationTrafficSecret(h), 's ap traffic', h);
    expectLabel(ms.secret, ms.exporterMasterSecret(h), 'exp master', h);
    expectLabel(ms.secret, ms.resumptionMasterSecret(h), 'res master', h);
  });

  test('raw secrets of the wrong length are refused', () => {
    expect(() => HandshakeSecret.fromRaw(P, 'sha384', new Uint8Array(32))).toThrow(RangeError);
    expect(() => MasterSecret.fromRaw(P, 'sha256', new Uint8Array(48))).toThrow(RangeError);
  });
});

describe('KeyUpdate, Finished and resumption derivations', () => {
  test('the next application traffic secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length) (§7.2)', () => {
    for (const alg of ['sha256', 'sha384'] as const) {
      const n = P.hashLength(alg);
      const s0 = seededRandom(`upd-${alg}`).bytes(n);
      const s1 = nextTrafficSecret(P, alg, s0);
      expect(hex(s1)).toBe(hex(nodeHkdfExpand(alg, s0, manualHkdfLabel('traffic upd', new Uint8Array(0), n), n)));
      const s2 = nextTrafficSecret(P, alg, s1);
      expect(new Set([hex(s0), hex(s1), hex(s2)]).size).toBe(3);
    }
  });

  test('the finished key is HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (§4.4.4)', () => {
    const base = seededRandom('fk').bytes(48);
    expect(hex(finishedKey(P, 'sha384', base))).toBe(hex(nodeHkdfExpand('sha384', base, manualHkdfLabel('finished', new Uint8Array(0), 48), 48)));
  });

  test('the ticket PSK depends on the nonce: "resumption" with the nonce as context (§4.6.1)', () => {
    const rms = seededRandom('rms').bytes(32);
    const a = resumptionPsk(P, 'sha256', rms, fromHex('0000'));
    const b = resumptionPsk(P, 'sha256', rms, fromHex('0001'));
    expect(hex(a)).not.toBe(hex(b));
    expect(hex(a)).toBe(hex(nodeHkdfExpand('sha256', rms, manualHkdfLabel('resumption', fromHex('0000'), 32), 32)));
    expect(resumptionPsk(P, 'sha256', rms, new Uint8Array(0)).length).toBe(32);
  });
});

// --- §7.5 exporter against a real TLS 1.3 connection -------------------------------------

// A throwaway self-signed P-256 certificate for the in-process Node TLS server (test only).
const KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmQLyRBz2ad3tZavI
H3fY4t8Dr9T7vKzHN8MzWLRobfuhRANCAAR/44XH4eaex9qVlb3CPe9uNyVyZh9Z
ykkjysdJ1OqfidsHRTR1hcFlVDolwU9umD/MrK1dTli+TB8ymIdsWDoX
-----END PRIVATE KEY-----
`;
const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBgDCCASWgAwIBAgIUApCy7sOxr+2Ei9KDnmvADbQRo40wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyODA1NDMxMVoYDzIxMjYxMTA0
MDU0MzExWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAR/44XH4eaex9qVlb3CPe9uNyVyZh9ZykkjysdJ1OqfidsHRTR1hcFl
VDolwU9umD/MrK1dTli+TB8ymIdsWDoXo1MwUTAdBgNVHQ4EFgQUHjmw/OZP0qDf
609gPatmmIULOHgwHwYDVR0jBBgwFoAUHjmw/OZP0qDf609gPatmmIULOHgwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAj6ap3dvHrpdyKPuOaZuG
ct/sSdcoRSP7fyPX2uAhZHQCIQCahBWQpqbr/lGOxB9BjxVpIbEAatiV7+3/oBmM
YsBbkg==
-----END CERTIFICATE-----
`;

/** Runs one Node TLS 1.3 handshake over a duplex pair; returns the client socket and its keylog. */
async function nodeTls13(suite: string): Promise<{ socket: tls.TLSSocket; keylog: Map<string, Uint8Array>; close: () => void }> {
  const { duplexPair } = await import('node:stream');
  const [a, b] = duplexPair();
  const server = new tls.TLSSocket(a, {
    isServer: true,
    secureContext: tls.createSecureContext({ key: KEY_PEM, cert: CERT_PEM, minVersion: 'TLSv1.3', ciphers: suite }),
  });
  const client = tls.connect({ socket: b, rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: suite });
  const keylog = new Map<string, Uint8Array>();
  client.on('keylog', (line: Buffer) => {
    const [label, , secret] = line.toString().trim().split(' ');
    if (label !== undefined && secret !== undefined) keylog.set(label, fromHex(secret));
  });
  await once(client, 'secureConnect');
  return {
    socket: client,
    keylog,
    close: () => {
      client.destroy();
      server.destroy();
    },
  };
}

describe('TLS-Exporter (RFC 8446 §7.5) agrees with Node TLS 1.3', () => {
  test.each([
    ['TLS_AES_128_GCM_SHA256', 'sha256'],
    ['TLS_AES_256_GCM_SHA384', 'sha384'],
  ] as const)('%s: exportKeyingMaterial from the keylog EXPORTER_SECRET matches the socket', async (suite, alg) => {
    const conn = await nodeTls13(suite);
    try {
      expect(conn.socket.getCipher().standardName).toBe(suite);
      const exporterSecret = conn.keylog.get('EXPORTER_SECRET');
      expect(exporterSecret?.length).toBe(P.hashLength(alg));
      for (const [label, context, length] of [
        ['EXPERIMENTAL-tls13sim', ascii('context'), 32],
        ['EXPORTER-Channel-Binding', new Uint8Array(0), 32],
        ['x', seededRandom('ctx').bytes(100), 77],
      ] as const) {
        const ours = exportKeyingMaterial(P, alg, exporterSecret!, label, context, length);
        const theirs = conn.socket.exportKeyingMaterial(length, label, Buffer.from(context));
        expect(hex(ours), label).toBe(hex(new Uint8Array(theirs)));
      }
    } finally {
      conn.close();
    }
  });

  test('an absent context and an empty context are the same exporter input', () => {
    const secret = seededRandom('exp').bytes(32);
    const a = exportKeyingMaterial(P, 'sha256', secret, 'label', new Uint8Array(0), 16);
    const manual = nodeHkdfExpand(
      'sha256',
      nodeHkdfExpand('sha256', secret, manualHkdfLabel('label', emptyHash(P, 'sha256'), 32), 32),
      manualHkdfLabel('exporter', emptyHash(P, 'sha256'), 16),
      16,
    );
    expect(hex(a)).toBe(hex(manual));
  });
});

describe('hkdfExpandLabel lends its info buffer', () => {
  test('passes the provider the §7.1 HkdfLabel, in a buffer reused for the next label of the same length', async () => {
    const { hkdfExpandLabel: expand, hkdfLabel: label } = await import('../src/keyschedule/hkdf-label.js');
    const seen: { info: Uint8Array; copy: string }[] = [];
    const provider = {
      ...nobleProvider,
      hkdfExpand(alg: 'sha256', prk: Uint8Array, info: Uint8Array, length: number) {
        seen.push({ info, copy: Buffer.from(info).toString('hex') });
        return nobleProvider.hkdfExpand(alg, prk, info, length);
      },
    };
    const secret = new Uint8Array(32).fill(7);
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    const first = expand(provider, 'sha256', secret, 'c hs traffic', a, 32);
    const second = expand(provider, 'sha256', secret, 's hs traffic', b, 32);
    // What each call saw is the label it asked for, and the output is HKDF-Expand of it.
    expect(seen[0]!.copy).toBe(Buffer.from(label('c hs traffic', a, 32)).toString('hex'));
    expect(seen[1]!.copy).toBe(Buffer.from(label('s hs traffic', b, 32)).toString('hex'));
    expect(first).toEqual(nobleProvider.hkdfExpand('sha256', secret, label('c hs traffic', a, 32), 32));
    expect(second).toEqual(nobleProvider.hkdfExpand('sha256', secret, label('s hs traffic', b, 32), 32));
    // Same length, same buffer: a provider that kept `info` would see it change.
    expect(seen[1]!.info).toBe(seen[0]!.info);
  });
});
