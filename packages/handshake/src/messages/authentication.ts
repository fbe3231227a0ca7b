/** Certificate, CertificateVerify and Finished bodies (RFC 8446 §4.4.2–§4.4.4). */
import { type Reader, type Writer, bounds, DecodeError } from '@tls13sim/record';
import { readExtensionList, writeExtensions } from './extensions.js';
import type { Certificate, CertificateEntry, CertificateEntryExtension, CertificateVerify, Finished } from './types.js';

// §4.4.2
const CONTEXT = bounds(0, 255); //             opaque certificate_request_context<0..2^8-1>;
const CERT_LIST = bounds(0, 0xffffff); //      CertificateEntry certificate_list<0..2^24-1>;
const CERT_DATA = bounds(1, 0xffffff); //      opaque cert_data<1..2^24-1>;
const ENTRY_EXTENSIONS = bounds(0, 0xffff); // Extension extensions<0..2^16-1>;
// §4.4.3
const SIGNATURE = bounds(0, 0xffff); //        opaque signature<0..2^16-1>;

export function writeCertificate(w: Writer, m: Certificate): void {
  w.opaque8(m.certificateRequestContext, CONTEXT);
  w.vec24((l) => {
    for (const e of m.certificateList) {
      l.opaque24(e.certData, CERT_DATA);
      writeExtensions(l, e.extensions, ENTRY_EXTENSIONS);
    }
  }, CERT_LIST);
}

export function readCertificate(r: Reader): Certificate {
  const certificateRequestContext = r.opaque8(CONTEXT);
  const certificateList = r.vec24(CERT_LIST).list(readEntry);
  r.end('Certificate');
  return { type: 'certificate', certificateRequestContext, certificateList };
}

function readEntry(r: Reader): CertificateEntry {
  const certData = r.opaque24(CERT_DATA);
  const extensions = readExtensionList('certificate', r.vec16(ENTRY_EXTENSIONS)) as CertificateEntryExtension[];
  return { certData, extensions };
}

export function writeCertificateVerify(w: Writer, m: CertificateVerify): void {
  w.u16(m.algorithm).opaque16(m.signature, SIGNATURE);
}

export function readCertificateVerify(r: Reader): CertificateVerify {
  const algorithm = r.u16();
  const signature = r.opaque16(SIGNATURE);
  r.end('CertificateVerify');
  return { type: 'certificate_verify', algorithm, signature };
}

/** §4.4.4 `struct { opaque verify_data[Hash.length]; } Finished;` */
export function writeFinished(w: Writer, m: Finished): void {
  w.bytes(m.verifyData);
}

/** Without `hashLength` the whole body is verify_data; with it, any other length is a decode_error. */
export function readFinished(r: Reader, hashLength?: number): Finished {
  if (hashLength !== undefined && r.remaining !== hashLength) {
    throw new DecodeError(`Finished of ${r.remaining} bytes, expected Hash.length ${hashLength}`);
  }
  return { type: 'finished', verifyData: r.rest() };
}
