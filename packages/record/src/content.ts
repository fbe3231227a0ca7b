/**
 * RFC 8446 §5.1: the record content types.
 *
 *   enum {
 *       invalid(0),
 *       change_cipher_spec(20),
 *       alert(21),
 *       handshake(22),
 *       application_data(23),
 *       (255)
 *   } ContentType;
 *
 * Wire enums are open numbers with a name table (docs/architecture.md "Conventions" 5): an unknown value is kept as a
 * number so that the record layer can reject it with the alert §5 requires.
 */
export const ContentType = {
  invalid: 0,
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentTypeName = keyof typeof ContentType;

const contentTypeNameByCode = new Map<number, ContentTypeName>(Object.entries(ContentType).map(([k, v]) => [v, k as ContentTypeName]));

/** The RFC name of a content type, or `unknown_<n>` (for traces of bad input). */
export function contentTypeName(code: number): string {
  return contentTypeNameByCode.get(code) ?? `unknown_${code}`;
}

/**
 * True for the four types a record may carry. `invalid(0)` is in the enum only so that an
 * all-zero TLSInnerPlaintext has no valid type (§5.4); it never appears on the wire.
 */
export function isRecordContentType(code: number): boolean {
  return code === ContentType.change_cipher_spec || code === ContentType.alert || code === ContentType.handshake || code === ContentType.application_data;
}
