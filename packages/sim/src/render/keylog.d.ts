/**
 * NSS key log (SSLKEYLOGFILE) lines: `<LABEL> <client_random hex> <secret hex>`. The
 * client random is bytes 11..43 of the first record the client sent: 5 (record header)
 * + 4 (handshake header) + 2 (legacy_version) (RFC 8446 §4.1.2).
 */
import type { Trace } from '../trace.js';
export declare function clientRandomOf(trace: Trace): string | undefined;
export declare function renderKeylog(trace: Trace): string;
