/** The TLS 1.3 key schedule (RFC 8446 §7) and transcript hash (§4.4.1). */
export { CIPHER_SUITE_PARAMS, cipherSuiteParams } from './suites.js';
export type { CipherSuiteParams } from './suites.js';
export { deriveSecret, emptyHash, hkdfExpandLabel, hkdfLabel } from './hkdf-label.js';
export { EarlySecret, HandshakeSecret, MasterSecret } from './stages.js';
export type { BinderKind } from './stages.js';
export {
  exportKeyingMaterial,
  finishedKey,
  finishedVerifyData,
  nextTrafficSecret,
  pskBinder,
  resumptionPsk,
  trafficKeys,
  verifyFinished,
} from './derive.js';
export type { TrafficKeys } from './derive.js';
export { Transcript, messageHash } from './transcript.js';
