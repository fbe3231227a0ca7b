/** TLS 1.3 handshake message and extension codecs (RFC 8446 §4). */
export type * from './types.js';
export { encodeHandshake, encodeHandshakeBody, writeHandshake, decodeHandshake, decodeHandshakeMessage, readHandshakeFrame, wireType } from './handshake.js';
export { HRR_RANDOM } from './hello.js';
export { findExtension, extensionCode, encodeExtension, decodeExtensions } from './extensions.js';
export { EXTENSION_ALLOWED_IN } from './extension-rules.js';
export { truncatedClientHello, withBinders, bindersListLength } from './binders.js';
