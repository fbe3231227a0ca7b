/**
 * The DER identifiers (X.680 §8.4, X.690 §8.1.2) and the PrintableString alphabet (X.680
 * §41.4) that the reader (der.ts) and the writer (der-write.ts) share.
 */

/** The class of a tag (X.690 §8.1.2.2): bits 8–7 of the identifier octet. */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

/** Universal tag numbers (X.680 §8.4). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

export function contextTag(n: number, constructed = true): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** The PrintableString characters (X.680 §41.4). */
export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
