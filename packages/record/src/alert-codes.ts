/**
 * RFC 8446 §6: the alert levels and descriptions by name. No imports: errors.ts names its
 * alerts from here, and alert.ts (which encodes alerts with codec.ts, which throws errors.ts's
 * DecodeError) re-exports them, so there is no import loop.
 */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevelName = keyof typeof AlertLevel;

/** Every AlertDescription of RFC 8446 §6, by its RFC name. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertName = keyof typeof AlertDescription;

const alertNameByCode = new Map<number, AlertName>(Object.entries(AlertDescription).map(([k, v]) => [v, k as AlertName]));

/** The RFC name of an alert code, or `unknown_<code>` for values outside §6 (kept, not rejected). */
export function alertName(code: number): string {
  return alertNameByCode.get(code) ?? `unknown_${code}`;
}
