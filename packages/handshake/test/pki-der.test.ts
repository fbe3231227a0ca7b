import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  DerError,
  DerReader,
  PemError,
  derBitString,
  derGeneralizedTime,
  derInteger,
  derNamedBits,
  derOid,
  derSet,
  derTime,
  derUtcTime,
  derUtf8,
  formatIp,
  parseCertificate,
  parseCertificatesPem,
  parseIp,
  parsePem,
  parsePrivateKeyPem,
  toPem,
  dnsNameMatches,
  encodeName,
  buildCertificate,
  generateKeyPair,
} from '../src/pki/index.js';
import { seededRandom } from '../src/crypto/random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/pki/${name}`, import.meta.url), 'utf8');

describe('DER writer and reader', () => {
  it('encodes INTEGERs minimally, two’s complement, and reads them back', () => {
    const cases: Array<[bigint, string]> = [
      [0n, '020100'],
      [127n, '02017f'],
      [128n, '02020080'],
      [256n, '02020100'],
      [-1n, '0201ff'],
      [-128n, '020180'],
      [-129n, '0202ff7f'],
      [65537n, '0203010001'],
    ];
    for (const [v, enc] of cases) {
      expect(hex(derInteger(v)), String(v)).toBe(enc);
      expect(new DerReader(unhex(enc)).integer(), enc).toBe(v);
    }
    const big = (1n << 2047n) + 12345n;
    expect(new DerReader(derInteger(big)).integer()).toBe(big);
  });

  it('encodes OIDs as X.690 §8.19 says, including large arcs', () => {
    expect(hex(derOid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(hex(derOid('2.5.29.37.0'))).toBe('0604551d2500');
    for (const oid of ['1.3.101.112', '2.999.3', '1.2.840.10045.3.1.7', '0.9.2342.19200300.100.1.25', '2.25.329800735698586629295641978511506172918']) {
      expect(new DerReader(derOid(oid)).oid()).toBe(oid);
    }
  });

  it('uses long-form lengths only when needed', () => {
    expect(hex(derUtf8('a'.repeat(127))).slice(0, 4)).toBe('0c7f');
    expect(hex(derUtf8('a'.repeat(128))).slice(0, 6)).toBe('0c8180');
    expect(hex(derUtf8('a'.repeat(256))).slice(0, 8)).toBe('0c820100');
    expect(new DerReader(derUtf8('é'.repeat(300))).string()).toBe('é'.repeat(300));
  });

  it('sorts SET OF members and trims named-bit BIT STRINGs (X.690 §11.6, §11.2.2)', () => {
    expect(hex(derSet(derInteger(5), derInteger(1)))).toBe('3106020101020105');
    // digitalSignature(0) + keyCertSign(5) + cRLSign(6) = 1000 0110, one unused bit
    expect(hex(derNamedBits([0, 5, 6]))).toBe('03020186');
    expect(hex(derNamedBits([0]))).toBe('03020780');
    expect(hex(derNamedBits([8]))).toBe('0303070080');
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    expect(
      Buffer.from(derTime(new Date('2049-12-31T23:59:59Z')))
        .subarray(2)
        .toString(),
    ).toBe('491231235959Z');
    expect(
      Buffer.from(derTime(new Date('2050-01-01T00:00:00Z')))
        .subarray(2)
        .toString(),
    ).toBe('20500101000000Z');
    expect(new DerReader(derUtcTime(new Date('1950-01-01T00:00:00Z'))).time().toISOString()).toBe('1950-01-01T00:00:00.000Z');
    expect(new DerReader(derGeneralizedTime(new Date('2125-06-07T08:09:10Z'))).time().toISOString()).toBe('2125-06-07T08:09:10.000Z');
  });

  const rejects: Array<[string, string, (r: DerReader) => unknown, RegExp]> = [
    ['a non-minimal INTEGER', '02020001', (r) => r.integer(), /non-minimal INTEGER/],
    ['a non-minimal negative INTEGER', '0202ff80', (r) => r.integer(), /non-minimal INTEGER/],
    ['an empty INTEGER', '0200', (r) => r.integer(), /empty/],
    ['a non-minimal long-form length', `048105${'00'.repeat(5)}`, (r) => r.octetString(), /non-minimal length/],
    ['a length with a leading zero octet', `0482000500${'00'.repeat(4)}`, (r) => r.octetString(), /non-minimal length/],
    ['an indefinite length', '30800000', (r) => r.sequence(), /indefinite/],
    ['a value overrunning its input', '0405aabb', (r) => r.octetString(), /overruns/],
    ['a truncated header', '30', (r) => r.sequence(), /truncated/],
    ['a high tag number', '1f2200', (r) => r.next(), /high tag/],
    ['a BOOLEAN that is not 00 or FF', '010101', (r) => r.boolean(), /00 or FF/],
    ['BIT STRING padding bits that are not zero', '03020101', (r) => r.bitString(), /padding/],
    ['a BIT STRING with 8 unused bits', '03020800', (r) => r.bitString(), /unused bits/],
    ['NULL with content', '050100', (r) => r.null(), /content/],
    ['a UTCTime without seconds', `170b${Buffer.from('9901010000Z').toString('hex')}`, (r) => r.time(), /not YYMMDDHHMMSSZ/],
    ['a GeneralizedTime with fractional seconds', `1811${Buffer.from('20500101000000.5Z').toString('hex')}`, (r) => r.time(), /not YYYYMMDDHHMMSSZ/],
    ['an impossible date', `170d${Buffer.from('250230000000Z').toString('hex')}`, (r) => r.time(), /not a valid date/],
    ['a PrintableString with "@"', '1301' + '40', (r) => r.string(), /PrintableString/],
    ['the wrong tag', '020100', (r) => r.octetString(), /expected OCTET STRING/],
    ['an OID with a non-minimal arc', '0603808001', (r) => r.oid(), /non-minimal arc/],
  ];
  for (const [what, input, read, msg] of rejects) {
    it(`rejects ${what}`, () => {
      expect(() => read(new DerReader(unhex(input)))).toThrow(DerError);
      expect(() => read(new DerReader(unhex(input)))).toThrow(msg);
    });
  }

  it('rejects trailing bytes after a complete value', () => {
    const r = new DerReader(unhex('0201050000'));
    expect(r.integer()).toBe(5n);
    expect(() => r.end()).toThrow(/2 trailing bytes/);
  });
});

describe('certificate parsing is strict', () => {
  const der = parseCertificatesPem(fixture('p256.cert.pem'))[0]!;

  it('rejects every strict prefix of a certificate with a DerError', () => {
    for (let n = 0; n < der.length; n++) {
      expect(() => parseCertificate(der.subarray(0, n)), `prefix ${n}`).toThrow(DerError);
    }
  });

  it('rejects a certificate followed by trailing bytes', () => {
    expect(() => parseCertificate(new Uint8Array([...der, 0]))).toThrow(/trailing/);
  });

  it('either parses or throws a DerError when any single byte is corrupted, never anything else', () => {
    const rand = seededRandom('der-fuzz');
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const [posBytes, val] = [rand.bytes(2), rand.bytes(1)[0]!];
      const pos = ((posBytes[0]! << 8) | posBytes[1]!) % der.length;
      const bad = der.slice();
      bad[pos] = val;
      try {
        parseCertificate(bad);
        parsed++;
      } catch (e) {
        expect(e).toBeInstanceOf(DerError);
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(2000);
    expect(rejected).toBeGreaterThan(100);
  });

  it('rejects a certificate whose inner and outer signature algorithms differ (RFC 5280 §4.1.1.2)', () => {
    // ecdsa-with-SHA256 (…04 03 02) → ecdsa-with-SHA384 (…04 03 03) in the outer AlgorithmIdentifier only.
    const h = hex(der);
    const alg = '06082a8648ce3d040302';
    const outer = h.lastIndexOf(alg);
    expect(outer).toBeGreaterThan(h.indexOf(alg));
    const swapped = unhex(`${h.slice(0, outer)}06082a8648ce3d040303${h.slice(outer + alg.length)}`);
    expect(() => parseCertificate(swapped)).toThrow(/differs/);
  });
});

describe('PEM', () => {
  it('round-trips DER through 64-column PEM, and finds every block among other text', () => {
    const der = new Uint8Array(100).map((_, i) => i * 7);
    const pem = toPem('CERTIFICATE', der);
    expect(
      pem
        .split('\n')
        .slice(1, -2)
        .every((l) => l.length <= 64),
    ).toBe(true);
    const blocks = parsePem(`junk before\n${pem}between\n${toPem('PRIVATE KEY', der.subarray(0, 31))}`);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(hex(blocks[0]!.der)).toBe(hex(der));
    expect(hex(blocks[1]!.der)).toBe(hex(der.subarray(0, 31)));
    expect(Buffer.from(blocks[0]!.der).equals(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64'))).toBe(true);
  });

  it('refuses encrypted keys, mismatched labels, bad base64 and files without a key', () => {
    expect(() => parsePrivateKeyPem('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n')).toThrow(PemError);
    expect(() => parsePem('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----')).toThrow(/encrypted/);
    expect(() => parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(/closed by/);
    expect(() => parsePem('-----BEGIN CERTIFICATE-----\nA*AA\n-----END CERTIFICATE-----')).toThrow(/base64/);
    expect(() => parsePrivateKeyPem(fixture('p256.cert.pem'))).toThrow(/no PRIVATE KEY/);
    expect(() => parseCertificatesPem(fixture('p256.key.pem'))).toThrow(/no CERTIFICATE/);
  });
});

describe('names and addresses', () => {
  it('prints names in DER order with RFC 4514 escaping, and the builder reads that form back', () => {
    const pairs = [
      ['C', 'US'],
      ['O', 'Acme, Inc'],
      ['CN', 'a+b=c'],
    ] as const;
    const key = generateKeyPair('ed25519', seededRandom(3));
    const cert = buildCertificate({ subject: pairs, publicKey: key.publicKey, notBefore: 0, notAfter: 1e12 }, key.privateKey, seededRandom(3));
    expect(cert.subject.text).toBe('C=US, O=Acme\\, Inc, CN=a\\+b\\=c');
    expect(hex(encodeName(cert.subject.text))).toBe(hex(cert.subject.der));
    expect(hex(encodeName('/C=US/O=Acme, Inc/CN=a+b=c'))).toBe(hex(cert.subject.der));
    expect(cert.subject.rdns.map((r) => r.map((a) => [a.type, a.value]))).toEqual(pairs.map((p) => [[...p]]));
    expect(parseCertificate(parseCertificatesPem(fixture('leaf.cert.pem'))[0]!).issuer.text).toBe('O=tls13sim fixtures, CN=Fixture Root CA');
  });

  it('formats IPv6 addresses per RFC 5952 and parses them back', () => {
    for (const s of ['2001:db8::1', '::1', '::', 'fe80::1:2:3:4', '2001:db8:0:1:1:1:1:1', '1::', '2001:db8::ffff:0:0']) {
      expect(formatIp(parseIp(s)!), s).toBe(s);
    }
    expect(formatIp(parseIp('::ffff:192.0.2.1')!)).toBe('::ffff:c000:201');
    expect(parseIp('1:2:3')).toBeUndefined();
    expect(parseIp('256.1.1.1')).toBeUndefined();
    expect(parseIp('example.com')).toBeUndefined();
  });

  it('matches a wildcard only as the whole left-most label over exactly one label', () => {
    expect(dnsNameMatches('*.example.com', 'www.example.com')).toBe(true);
    expect(dnsNameMatches('*.example.com', 'example.com')).toBe(false);
    expect(dnsNameMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(dnsNameMatches('*.com', 'example.com')).toBe(false);
    expect(dnsNameMatches('w*.example.com', 'www.example.com')).toBe(false);
    expect(dnsNameMatches('www.*.com', 'www.example.com')).toBe(false);
  });

  it('keeps BIT STRING bytes exact', () => {
    expect(hex(derBitString(unhex('abcd')))).toBe('030300abcd');
  });
});
