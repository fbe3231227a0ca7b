/**
 * Where each extension may appear: the table of RFC 8446 §4.2, plus record_size_limit
 * (RFC 8449 §4: "ClientHello and EncryptedExtensions").
 *
 * §4.2: "If an implementation receives an extension which it recognizes and which is not
 * specified for the message in which it appears, it MUST abort the handshake with an
 * "illegal_parameter" alert."
 * §4.2: "Implementations MUST NOT send extension responses if the remote endpoint did not
 * send the corresponding extension requests, with the exception of the "cookie" extension in
 * the HelloRetryRequest. Upon receiving such an extension, an endpoint MUST abort the
 * handshake with an "unsupported_extension" alert."
 * §4.1.2 (servers) "MUST ignore unrecognized extensions"; §4.3.2 and §4.6.1 (clients, for
 * CertificateRequest and NewSessionTicket): "Clients MUST ignore unrecognized extensions."
 */
import { ExtensionType } from '../constants.js';
import type { ExtensionContext } from './types.js';

const CH: ExtensionContext = 'client_hello';
const SH: ExtensionContext = 'server_hello';
const HRR: ExtensionContext = 'hello_retry_request';
const EE: ExtensionContext = 'encrypted_extensions';
const CR: ExtensionContext = 'certificate_request';
const CT: ExtensionContext = 'certificate';
const NST: ExtensionContext = 'new_session_ticket';

/** §4.2 table: extension code → messages it may appear in. */
export const EXTENSION_ALLOWED_IN: ReadonlyMap<number, readonly ExtensionContext[]> = new Map<number, readonly ExtensionContext[]>([
  [ExtensionType.server_name, [CH, EE]],
  [ExtensionType.max_fragment_length, [CH, EE]],
  [ExtensionType.status_request, [CH, CR, CT]],
  [ExtensionType.supported_groups, [CH, EE]],
  [ExtensionType.signature_algorithms, [CH, CR]],
  [ExtensionType.use_srtp, [CH, EE]],
  [ExtensionType.heartbeat, [CH, EE]],
  [ExtensionType.application_layer_protocol_negotiation, [CH, EE]],
  [ExtensionType.signed_certificate_timestamp, [CH, CR, CT]],
  [ExtensionType.client_certificate_type, [CH, EE]],
  [ExtensionType.server_certificate_type, [CH, EE]],
  [ExtensionType.padding, [CH]],
  [ExtensionType.record_size_limit, [CH, EE]],
  [ExtensionType.key_share, [CH, SH, HRR]],
  [ExtensionType.pre_shared_key, [CH, SH]],
  [ExtensionType.psk_key_exchange_modes, [CH]],
  [ExtensionType.early_data, [CH, EE, NST]],
  [ExtensionType.cookie, [CH, HRR]],
  [ExtensionType.supported_versions, [CH, SH, HRR]],
  [ExtensionType.certificate_authorities, [CH, CR]],
  [ExtensionType.oid_filters, [CR]],
  [ExtensionType.post_handshake_auth, [CH]],
  [ExtensionType.signature_algorithms_cert, [CH, CR]],
]);

/**
 * Messages that answer a ClientHello (or, for a client's Certificate, a CertificateRequest):
 * an extension we cannot have requested (unrecognised here, or recognised but never sent by
 * this implementation) is an unsolicited response → unsupported_extension.
 */
export function isResponseContext(ctx: ExtensionContext): boolean {
  return ctx === SH || ctx === HRR || ctx === EE || ctx === CT;
}

export function isAllowedIn(code: number, ctx: ExtensionContext): boolean | undefined {
  const where = EXTENSION_ALLOWED_IN.get(code);
  return where === undefined ? undefined : where.includes(ctx);
}
