/** EncryptedExtensions and CertificateRequest bodies (RFC 8446 §4.3). */
import { type Reader, type Writer, bounds } from '@tls13sim/record';
import { findExtension, readExtensionList, writeExtensions } from './extensions.js';
import type { CertificateRequest, CertificateRequestExtension, EncryptedExtensions, EncryptedExtensionsExtension } from './types.js';
import { fail } from '../endpoint/errors.js';

// §4.3.1 struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
const EE_EXTENSIONS = bounds(0, 0xffff);
// §4.3.2 opaque certificate_request_context<0..2^8-1>; Extension extensions<2..2^16-1>;
const CR_CONTEXT = bounds(0, 255);
const CR_EXTENSIONS = bounds(2, 0xffff);

export function writeEncryptedExtensions(w: Writer, m: EncryptedExtensions): void {
  writeExtensions(w, m.extensions, EE_EXTENSIONS);
}

export function readEncryptedExtensions(r: Reader): EncryptedExtensions {
  const extensions = readExtensionList('encrypted_extensions', r.vec16(EE_EXTENSIONS)) as EncryptedExtensionsExtension[];
  r.end('EncryptedExtensions');
  return { type: 'encrypted_extensions', extensions };
}

export function writeCertificateRequest(w: Writer, m: CertificateRequest): void {
  w.opaque8(m.certificateRequestContext, CR_CONTEXT);
  writeExtensions(w, m.extensions, CR_EXTENSIONS);
}

export function readCertificateRequest(r: Reader): CertificateRequest {
  const certificateRequestContext = r.opaque8(CR_CONTEXT);
  const extensions = readExtensionList('certificate_request', r.vec16(CR_EXTENSIONS)) as CertificateRequestExtension[];
  r.end('CertificateRequest');
  // §4.3.2: "The "signature_algorithms" extension MUST be specified"; §6.2
  // missing_extension: "a handshake message not containing an extension that is mandatory
  // to send for the offered TLS version or other negotiated parameters".
  if (findExtension(extensions, 'signature_algorithms') === undefined) {
    fail('missing_extension', 'CertificateRequest without signature_algorithms');
  }
  return { type: 'certificate_request', certificateRequestContext, extensions };
}
