/**
 * The Node lens's building blocks (node.ts): the events it emits, and how one of its lines
 * (a step's call or an event) is recorded in the trace and returned as a LensResult.
 */
import type { EndpointApi } from '@tls13sim/handshake';
import type { Simulation } from '../simulation.js';
import type { AppResult, Side } from '../trace.js';
import type { Fact, LensResult } from './fact.js';

export interface NodeEvent {
  readonly api: string;
  readonly outcome: string;
  readonly alert?: string;
  /** An 'error' event that no alert caused (a write error). */
  readonly failed?: boolean;
  /** A 'data' event's bytes. */
  readonly data?: Uint8Array;
}

/** Received alerts that are no 'error' event. */
export const NOT_ERRORS: ReadonlySet<string> = new Set(['close_notify', 'user_canceled']);

/**
 * A received alert Node reports as an 'error' event: any but close_notify and user_canceled,
 * and a fatal TLS 1.2 user_canceled too (it failed our endpoint — `endpointError` — as it
 * fails libssl; TLS 1.3's is ignored by both). Unlike SSL_connect, Node takes even a fatal
 * close_notify during a TLS 1.2 handshake as a close: 'end', then the FIN's ECONNRESET
 * (tls12-alert-close_notify).
 */
export function isNodeErrorAlert(description: string, endpointError: string | undefined): boolean {
  if (!NOT_ERRORS.has(description)) return true;
  return description === 'user_canceled' && endpointError === 'user_canceled';
}

export type NodeCall = 'connect' | 'accept' | 'read' | 'peek' | 'write' | 'shutdown';

/** Records a step's line as an app_call of the Node lens; its generic fact follows the result. */
export function recordNodeCall(
  sim: Simulation,
  side: Side,
  l: {
    readonly call: NodeCall;
    readonly api: string;
    readonly outcome: string;
    readonly result: AppResult;
    readonly bytes?: Uint8Array;
    readonly alert?: string;
  },
): LensResult {
  const { call, api, outcome, result, bytes, alert } = l;
  sim.recordAppCall(side, call, result, {
    lens: 'node',
    api,
    outcome,
    ...(bytes !== undefined ? { bytes: bytes.length } : {}),
    ...(alert !== undefined ? { alert } : {}),
  });
  const fact: Fact =
    result === 'blocked'
      ? { kind: 'blocked' }
      : result === 'error' && alert !== undefined
        ? { kind: 'alert', alert, received: true, first: true }
        : { kind: 'done' };
  return { result, api, outcome, fact, ...(bytes !== undefined ? { bytes } : {}), ...(alert !== undefined ? { alert } : {}) };
}

/** The next record's data the endpoint holds for the application (Node emits one 'data' event each); null when none, or failed. */
export function nextRecordData(ep: EndpointApi): Uint8Array | null {
  try {
    return ep.readApplicationRecord?.() ?? ep.readApplicationData();
  } catch {
    return null;
  }
}
