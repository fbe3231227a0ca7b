/** Wire names shared by the renderers (RFC 8446 §5.1 ContentType, §4 HandshakeType, §6 alerts). */
import { alertName } from '@tls13sim/record';
import type { EpochName } from '@tls13sim/handshake';
export declare const CONTENT_TYPE: Readonly<Record<number, string>>;
export declare const HANDSHAKE_TYPE: Readonly<Record<number, string>>;
export declare function contentTypeName(n: number): string;
export declare function handshakeTypeName(n: number): string;
export { alertName };
/** `certificate_verify` → `CertificateVerify`, as in RFC 8446's diagrams. */
export declare function camel(name: string): string;
/**
 * RFC 8446 §2 notation: `{}` handshake keys, `[]` application keys; `()` marks 0-RTT
 * (early) keys; plaintext is bare. `application+N` keeps its N.
 */
export declare function bracket(epoch: EpochName, label: string): string;
