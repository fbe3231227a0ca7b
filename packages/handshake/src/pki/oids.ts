/** Object identifiers used by the PKI code, with the RFC that assigns each. */
import type { EcCurve } from '../crypto/keys.js';

export const OID = {
  // RFC 8017 Appendix C / RFC 4055: RSA
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  // NIST hash algorithms (RFC 5754 §2)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RFC 5480 / RFC 5758: ECDSA
  ecPublicKey: '1.2.840.10045.2.1',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  // RFC 8410: EdDSA
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  // RFC 5280 §4.2.1: certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  // RFC 5280 §4.2.1.12: key purposes
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export const CURVE_OID: Record<EcCurve, string> = {
  p256: OID.secp256r1,
  p384: OID.secp384r1,
  p521: OID.secp521r1,
};

export function curveForOid(oid: string): EcCurve | undefined {
  return (Object.keys(CURVE_OID) as EcCurve[]).find((c) => CURVE_OID[c] === oid);
}

/** Attribute types of distinguished names (RFC 5280 §4.1.2.4, X.520), short names as OpenSSL prints them. */
export const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export function attributeOid(shortName: string): string | undefined {
  return Object.entries(NAME_ATTRIBUTES).find(([, n]) => n.toLowerCase() === shortName.toLowerCase())?.[0];
}
