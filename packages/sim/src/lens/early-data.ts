/**
 * 0-RTT calls (RFC 8446 §2.3): the client's early data written before its handshake call,
 * and the server's early-data read before its own. A lens whose library has such a call, and
 * models it, implements `EarlyWriteCall` or `EarlyReadCall`: OpenSSL's SSL_write_early_data
 * and SSL_read_early_data, GnuTLS's gnutls_record_send_early_data, rustls's
 * ClientConnection::early_data() and its write, held against the libraries by the 0-RTT
 * twins. Elsewhere the application makes no such call: the client's early
 * data (its config's) leaves with its ClientHello and nothing is recorded, and the server
 * reads it as any data; the early-data scenarios say, in a first note, that those calls are
 * not the library's.
 */
import type { Lens, LensResult } from './lens.js';

export interface EarlyWriteCall {
  writeEarly(data: Uint8Array): LensResult;
}

export interface EarlyReadCall {
  readEarly(n: number): LensResult;
}

/** Both (OpenSSL). */
export type EarlyDataCalls = EarlyWriteCall & EarlyReadCall;

/**
 * A server state in which the client's early data can still arrive: its ClientHello is not
 * yet processed, or early data was accepted and EndOfEarlyData has not come (RFC 8446
 * Appendix A.2: WAIT_EOED). An early-data read waits for more only here.
 */
export function earlyDataMayCome(state: string): boolean {
  return state === 'START' || state === 'RECVD_CH' || state === 'NEGOTIATED' || state === 'WAIT_EOED';
}

function modelsEarlyWrite(lens: Lens): lens is Lens & EarlyWriteCall {
  return typeof (lens as Partial<EarlyWriteCall>).writeEarly === 'function';
}

function modelsEarlyRead(lens: Lens): lens is Lens & EarlyReadCall {
  return typeof (lens as Partial<EarlyReadCall>).readEarly === 'function';
}

/**
 * The client's early-data call, for a lens that models it: the early data left with the
 * ClientHello when the client started (its config's); the call returns without waiting.
 */
export function earlyWriteCall(lens: Lens, api: string, data: Uint8Array): LensResult {
  if (lens.side !== 'client') throw new Error(`${lens.name} lens: writeEarly() is for the client side`);
  return lens.callRecorded('write_early', { data }, () => {
    const sent = lens.sim.events.some((e) => e.type === 'record_sent' && e.side === lens.side && e.epoch === 'early' && e.innerType === 'application_data');
    if (!sent) throw new Error(`${api}: this client sends no early data (its session allows none, or its config has none)`);
    return { kind: 'written', bytes: data };
  });
}

/** The client's early data; null where the lens records no call for it. */
export function writeEarly(lens: Lens, data: Uint8Array): LensResult | null {
  if (modelsEarlyWrite(lens)) return lens.writeEarly(data);
  if (lens.side !== 'client') throw new Error(`${lens.name} lens: writeEarly() is for the client side`);
  lens.sim.start();
  return null;
}

/** The server's early-data read (an ordinary read where the lens models no such call). */
export function readEarly(lens: Lens, n: number): LensResult {
  if (modelsEarlyRead(lens)) return lens.readEarly(n);
  if (lens.side !== 'server') throw new Error(`${lens.name} lens: readEarly() is for the server side`);
  return lens.read(n);
}
