/**
 * Finite-field Diffie-Hellman over the RFC 7919 groups (ffdhe2048 … ffdhe8192, NamedGroup
 * 0x0100–0x0104, RFC 8446 §4.2.7), in pure JavaScript: bigint modular exponentiation.
 *
 * - Each prime is RFC 7919 Appendix A's: p = 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1,
 *   a safe prime (q = (p-1)/2 is prime), with generator g = 2. The hex below is the RFC's;
 *   test/crypto-ffdhe.test.ts rebuilds each p from that formula (e to enough bits) and checks
 *   that p and q pass Miller-Rabin to base 2.
 * - Shares (§4.2.8.1): "the Diffie-Hellman public value (Y = g^X mod p) ... encoded as a
 *   big-endian integer and padded to the left with zeros to the size of p in bytes", and
 *   "Peers MUST validate each other's public key Y by ensuring that 1 < Y < p-1". A share of
 *   any other length, or out of that range, is refused (null → illegal_parameter).
 * - Shared secret (§7.4.1): "The negotiated key (Z) is converted to a byte string by encoding
 *   in big-endian form and left-padded with zeros up to the size of the prime."
 * - Private keys: RFC 7919 §5.2 allows a short exponent of at least twice the group's
 *   security level (Appendix A: 225, 275, 325, 375 and 400 bits). We draw 32, 40, 48, 56 or
 *   64 bytes from the injected `RandomSource` and set the top bit (so X ≥ 2 and the exponent
 *   has a fixed length): 255–511 bits of entropy, above each minimum. The node provider draws
 *   the same bytes, so a seed gives the same shares with either provider.
 *
 * Not constant-time: JavaScript bigint arithmetic takes data-dependent time. That fits a
 * simulator; the node provider computes the same values in OpenSSL.
 */
import type { KeyExchange, KeyShareSecret } from './provider.js';
import type { RandomSource } from './random.js';

export type FfdheGroupName = 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'ffdhe6144' | 'ffdhe8192';

export const FFDHE_GROUPS: readonly FfdheGroupName[] = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'];

/** RFC 7919 Appendix A.1–A.5: p, in hexadecimal, 64 digits a line. */
const PRIME_HEX: Record<FfdheGroupName, readonly string[]> = {
  ffdhe2048: [
    'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695',
    'A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A',
    'D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935',
    '984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A',
    'BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4',
    'AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61',
    '9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005',
    'C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF',
  ],
  ffdhe3072: [
    'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695',
    'A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A',
    'D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935',
    '984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A',
    'BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4',
    'AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61',
    '9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005',
    'C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B',
    'BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C',
    'AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF',
    '5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E',
    '0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF',
  ],
  ffdhe4096: [
    'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695',
    'A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A',
    'D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935',
    '984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A',
    'BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4',
    'AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61',
    '9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005',
    'C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B',
    'BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C',
    'AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF',
    '5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E',
    '0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB',
    '7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A',
    '7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038',
    '092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF',
    '8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF',
  ],
  ffdhe6144: [
    'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695',
    'A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A',
    'D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935',
    '984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A',
    'BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4',
    'AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61',
    '9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005',
    'C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B',
    'BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C',
    'AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF',
    '5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E',
    '0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB',
    '7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A',
    '7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038',
    '092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF',
    '8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A',
    '4E677D2C38532A3A23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4C',
    'B38E8C334C701C3ACDAD0657FCCFEC719B1F5C3E4E46041F388147FB4CFDB477',
    'A52471F7A9A96910B855322EDB6340D8A00EF092350511E30ABEC1FFF9E3A26E',
    '7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992',
    'EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538C',
    'D72B03746AE77F5E62292C311562A846505DC82DB854338AE49F5235C95B9117',
    '8CCF2DD5CACEF403EC9D1810C6272B045B3B71F9DC6B80D63FDD4A8E9ADB1E69',
    '62A69526D43161C1A41D570D7938DAD4A40E329CD0E40E65FFFFFFFFFFFFFFFF',
  ],
  ffdhe8192: [
    'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695',
    'A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A',
    'D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935',
    '984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A',
    'BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4',
    'AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61',
    '9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005',
    'C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B',
    'BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C',
    'AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF',
    '5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E',
    '0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB',
    '7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A',
    '7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038',
    '092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF',
    '8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A',
    '4E677D2C38532A3A23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4C',
    'B38E8C334C701C3ACDAD0657FCCFEC719B1F5C3E4E46041F388147FB4CFDB477',
    'A52471F7A9A96910B855322EDB6340D8A00EF092350511E30ABEC1FFF9E3A26E',
    '7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992',
    'EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538C',
    'D72B03746AE77F5E62292C311562A846505DC82DB854338AE49F5235C95B9117',
    '8CCF2DD5CACEF403EC9D1810C6272B045B3B71F9DC6B80D63FDD4A8E9ADB1E69',
    '62A69526D43161C1A41D570D7938DAD4A40E329CCFF46AAA36AD004CF600C838',
    '1E425A31D951AE64FDB23FCEC9509D43687FEB69EDD1CC5E0B8CC3BDF64B10EF',
    '86B63142A3AB8829555B2F747C932665CB2C0F1CC01BD70229388839D2AF05E4',
    '54504AC78B7582822846C0BA35C35F5C59160CC046FD8251541FC68C9C86B022',
    'BB7099876A460E7451A8A93109703FEE1C217E6C3826E52C51AA691E0E423CFC',
    '99E9E31650C1217B624816CDAD9A95F9D5B8019488D9C0A0A1FE3075A577E231',
    '83F81D4A3F2FA4571EFC8CE0BA8A4FE8B6855DFE72B0A66EDED2FBABFBE58A30',
    'FAFABE1C5D71A87E2F741EF8C1FE86FEA6BBFDE530677F0D97D11D49F7A8443D',
    '0822E506A9F4614E011E2A94838FF88CD68C8BB7C5C6424CFFFFFFFFFFFFFFFF',
  ],
};

/** Bytes of the private exponent drawn per group (see the file comment; RFC 7919 §5.2). */
const EXPONENT_BYTES: Record<FfdheGroupName, number> = { ffdhe2048: 32, ffdhe3072: 40, ffdhe4096: 48, ffdhe6144: 56, ffdhe8192: 64 };

export interface FfdheParams {
  readonly group: FfdheGroupName;
  /** The prime's size in bits (2048 … 8192). */
  readonly bits: number;
  readonly p: bigint;
  readonly g: bigint;
  /** The prime, big-endian, `byteLength` bytes. */
  readonly pBytes: Uint8Array;
  /** The size of p in bytes: the length of every share and of the shared secret. */
  readonly byteLength: number;
  readonly exponentBytes: number;
}

const PARAMS = new Map<FfdheGroupName, FfdheParams>();

export function isFfdheGroup(group: string): group is FfdheGroupName {
  return (FFDHE_GROUPS as readonly string[]).includes(group);
}

export function ffdheParams(group: FfdheGroupName): FfdheParams {
  let params = PARAMS.get(group);
  if (params === undefined) {
    const hex = PRIME_HEX[group].join('');
    const p = BigInt(`0x${hex}`);
    const byteLength = hex.length / 2;
    params = { group, bits: byteLength * 8, p, g: 2n, pBytes: bigintToBytes(p, byteLength), byteLength, exponentBytes: EXPONENT_BYTES[group] };
    PARAMS.set(group, params);
  }
  return params;
}

/** The private exponent: `exponentBytes` bytes from `rand`, top bit set. */
export function ffdhePrivateKey(params: FfdheParams, rand: RandomSource): Uint8Array {
  const x = rand.bytes(params.exponentBytes);
  x[0] = x[0]! | 0x80;
  return x;
}

/** §4.2.8.1: the peer's Y as a number when its share is exactly the size of p and 1 < Y < p-1, else null. */
export function ffdhePeerValue(params: FfdheParams, share: Uint8Array): bigint | null {
  if (share.length !== params.byteLength) return null;
  const y = bytesToBigint(share);
  return y > 1n && y < params.p - 1n ? y : null;
}

export function bytesToBigint(b: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += b[i]!.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** `x` big-endian, left-padded with zeros to `length` bytes (§4.2.8.1, §7.4.1). */
export function bigintToBytes(x: bigint, length: number): Uint8Array {
  const hex = x.toString(16);
  if (hex.length > 2 * length) throw new RangeError(`bigintToBytes: ${hex.length * 4}-bit value does not fit ${length} bytes`);
  const padded = hex.padStart(2 * length, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** 2^e mod p: square, and double (a shift) for each set bit. */
function powerOfTwo(e: bigint, p: bigint): bigint {
  const bits = e.toString(2);
  let r = 1n;
  for (let i = 0; i < bits.length; i++) {
    r = (r * r) % p;
    if (bits[i] === '1') {
      r <<= 1n;
      if (r >= p) r -= p;
    }
  }
  return r;
}

/** base^e mod m, left to right over 4-bit windows. */
export function modPow(base: bigint, e: bigint, m: bigint): bigint {
  const table: bigint[] = [1n, base % m];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * table[1]!) % m);
  const hex = e.toString(16);
  let r = 1n;
  for (let i = 0; i < hex.length; i++) {
    if (i > 0) for (let k = 0; k < 4; k++) r = (r * r) % m;
    const d = parseInt(hex[i]!, 16);
    if (d !== 0) r = (r * table[d]!) % m;
  }
  return r;
}

/** Y = g^x mod p, the share (§4.2.8.1). */
export function ffdhePublicValue(params: FfdheParams, privateKey: Uint8Array): Uint8Array {
  return bigintToBytes(powerOfTwo(bytesToBigint(privateKey), params.p), params.byteLength);
}

/** Z = Y^x mod p, left-padded to the size of p (§7.4.1); null for a share §4.2.8.1 refuses. */
export function ffdheSharedSecret(params: FfdheParams, privateKey: Uint8Array, peerShare: Uint8Array): Uint8Array | null {
  const y = ffdhePeerValue(params, peerShare);
  if (y === null) return null;
  return bigintToBytes(modPow(y, bytesToBigint(privateKey), params.p), params.byteLength);
}

/** The noble provider's exchange for one group (the node provider has its own, on OpenSSL). */
export function ffdheExchange(group: FfdheGroupName): KeyExchange {
  const params = (): FfdheParams => ffdheParams(group);
  return {
    group,
    generate(rand: RandomSource): KeyShareSecret {
      const privateKey = ffdhePrivateKey(params(), rand);
      return { group, privateKey, share: ffdhePublicValue(params(), privateKey) };
    },
    respond(peerShare: Uint8Array, rand: RandomSource) {
      // Checked before drawing, as the (EC)DHE exchanges refuse a wrong length before drawing.
      if (peerShare.length !== params().byteLength) return null;
      const privateKey = ffdhePrivateKey(params(), rand);
      const sharedSecret = ffdheSharedSecret(params(), privateKey, peerShare);
      if (sharedSecret === null) return null;
      return { share: ffdhePublicValue(params(), privateKey), sharedSecret };
    },
    finish(own: KeyShareSecret, peerShare: Uint8Array): Uint8Array | null {
      if (own.group !== group) throw new TypeError(`finish: a ${own.group} key share given to ${group}`);
      return ffdheSharedSecret(params(), own.privateKey, peerShare);
    },
  };
}

export const ffdheExchanges: readonly KeyExchange[] = FFDHE_GROUPS.map(ffdheExchange);
