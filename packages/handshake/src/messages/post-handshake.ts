/** NewSessionTicket, EndOfEarlyData, KeyUpdate (RFC 8446 §4.5, §4.6) and message_hash (§4.4.1). */
import { type Reader, type Writer, bounds } from '@tls13sim/record';
import { KeyUpdateRequest } from '../constants.js';
import { readExtensionList, writeExtensions } from './extensions.js';
import type { EndOfEarlyData, KeyUpdate, MessageHash, NewSessionTicket, NewSessionTicketExtension } from './types.js';
import { fail } from '../endpoint/errors.js';

// §4.6.1
const NONCE = bounds(0, 255); //             opaque ticket_nonce<0..255>;
const TICKET = bounds(1, 0xffff); //         opaque ticket<1..2^16-1>;
const NST_EXTENSIONS = bounds(0, 0xfffe); // Extension extensions<0..2^16-2>;

export function writeNewSessionTicket(w: Writer, m: NewSessionTicket): void {
  w.u32(m.ticketLifetime).u32(m.ticketAgeAdd).opaque8(m.ticketNonce, NONCE).opaque16(m.ticket, TICKET);
  writeExtensions(w, m.extensions, NST_EXTENSIONS);
}

export function readNewSessionTicket(r: Reader): NewSessionTicket {
  const ticketLifetime = r.u32();
  const ticketAgeAdd = r.u32();
  const ticketNonce = r.opaque8(NONCE);
  const ticket = r.opaque16(TICKET);
  const extensions = readExtensionList('new_session_ticket', r.vec16(NST_EXTENSIONS)) as NewSessionTicketExtension[];
  r.end('NewSessionTicket');
  return { type: 'new_session_ticket', ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions };
}

/** §4.5 `struct {} EndOfEarlyData;` */
export function readEndOfEarlyData(r: Reader): EndOfEarlyData {
  r.end('EndOfEarlyData');
  return { type: 'end_of_early_data' };
}

export function writeKeyUpdate(w: Writer, m: KeyUpdate): void {
  w.u8(m.requestUpdate);
}

/** §4.6.3: "If an implementation receives any other value, it MUST terminate the connection with an "illegal_parameter" alert." */
export function readKeyUpdate(r: Reader): KeyUpdate {
  const requestUpdate = r.u8();
  r.end('KeyUpdate');
  if (requestUpdate !== KeyUpdateRequest.update_not_requested && requestUpdate !== KeyUpdateRequest.update_requested) {
    fail('illegal_parameter', `KeyUpdate request_update ${requestUpdate}`);
  }
  return { type: 'key_update', requestUpdate };
}

/** §4.4.1: the body of the synthetic message_hash is Hash(ClientHello1). */
export function writeMessageHash(w: Writer, m: MessageHash): void {
  w.bytes(m.hash);
}

export function readMessageHash(r: Reader): MessageHash {
  return { type: 'message_hash', hash: r.rest() };
}
