/**
 * 0-RTT calls (RFC 8446 §2.3): the client's early data written before its handshake call,
 * and the server's early-data read before its own. A lens whose library has such calls, and
 * models them, implements `EarlyDataCalls` (OpenSSL's SSL_write_early_data and
 * SSL_read_early_data, held against libssl by the early-data twins). For the other lenses
 * the application makes no such call: the client's early data (its config's) leaves with
 * its ClientHello and nothing is recorded, and the server reads it as any data; the
 * early-data scenarios say, in a first note, that those calls are not the library's.
 */
import type { Lens, LensResult } from './lens.js';

export interface EarlyDataCalls {
  writeEarly(data: Uint8Array): LensResult;
  readEarly(n: number): LensResult;
}

function modelsEarlyData(lens: Lens): lens is Lens & EarlyDataCalls {
  return typeof (lens as Partial<EarlyDataCalls>).writeEarly === 'function';
}

/** The client's early data; null where the lens records no call for it. */
export function writeEarly(lens: Lens, data: Uint8Array): LensResult | null {
  if (modelsEarlyData(lens)) return lens.writeEarly(data);
  if (lens.side !== 'client') throw new Error(`${lens.name} lens: writeEarly() is for the client side`);
  lens.sim.start();
  return null;
}

/** The server's early-data read (an ordinary read where the lens models no such call). */
export function readEarly(lens: Lens, n: number): LensResult {
  if (modelsEarlyData(lens)) return lens.readEarly(n);
  if (lens.side !== 'server') throw new Error(`${lens.name} lens: readEarly() is for the server side`);
  return lens.read(n);
}
