// Seal application data into a TLSCiphertext record (RFC 8446 §5.2) and open it again.
import { AlertDescription, AlertLevel, ContentType, RecordLayer, alertName, decodeAlert, encodeAlert, nobleAead, toHex, utf8 } from '@tls13sim/record';

const key = new Uint8Array(16).fill(1); // AES-128-GCM key and IV (traffic keys, §7.3)
const iv = new Uint8Array(12).fill(2);
const writer = new RecordLayer();
writer.installWriteKeys('application', nobleAead('aes128gcm'), key, iv);
const [wire] = writer.seal(ContentType.application_data, utf8('hello'));

const reader = new RecordLayer();
reader.installReadKeys('application', nobleAead('aes128gcm'), key, iv);
reader.pushBytes(wire!);
const record = reader.nextRecord()!;
export const opened = { header: toHex(wire!.subarray(0, 5)), type: record.contentType, text: new TextDecoder().decode(record.data) };
// Alerts (§6): two bytes, level and description.
const alertBytes = encodeAlert({ level: AlertLevel.fatal, description: AlertDescription.decrypt_error });
export const alert = { hex: toHex(alertBytes), name: alertName(decodeAlert(alertBytes).description) };
