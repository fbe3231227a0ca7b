/**
 * RFC 8446 §6: Alert protocol.
 *
 *   enum { warning(1), fatal(2), (255) } AlertLevel;
 *   struct { AlertLevel level; AlertDescription description; } Alert;
 */
import { Reader, Writer } from './codec.js';

export { AlertLevel, AlertDescription, alertName, type AlertLevelName, type AlertName } from './alert-codes.js';

export interface Alert {
  readonly level: number;
  readonly description: number;
}

export function encodeAlert(alert: Alert): Uint8Array {
  return new Writer().u8(alert.level).u8(alert.description).finish();
}

/** Decodes an Alert record body; exactly two bytes (§6), else decode_error. */
export function decodeAlert(body: Uint8Array): Alert {
  const r = new Reader(body);
  const level = r.u8();
  const description = r.u8();
  r.end();
  return { level, description };
}
