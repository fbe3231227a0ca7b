/**
 * The `--fault` vocabulary as text (`KIND:DIR:I[:…]`), parsed into the scheduler's
 * `FaultSpec`: `tls13sim run/step --fault` (cli/policy-options.ts) and the library's
 * `explore({ faults })` read the same words. Node-free; a bad text is one
 * `FaultSyntaxError` naming what is wrong.
 */
import { fromHex } from '@tls13sim/record';
import type { FaultPoint, FaultSpec } from '../scheduler.js';
import type { NetDirection } from '../trace.js';

/** A fault text that does not parse (the CLI turns it into a usage error). */
export class FaultSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSyntaxError';
  }
}

/** The fault kinds the vocabulary names. */
export const FAULT_KINDS = ['drop', 'duplicate', 'truncate', 'corrupt', 'inject'] as const;

export function faultCount(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new FaultSyntaxError(`${what} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got '${text}'`);
  }
  return Number(text);
}

function direction(text: string, fault: string): NetDirection | undefined {
  if (text === 'c2s') return 'client_to_server';
  if (text === 's2c') return 'server_to_client';
  if (text === 'any') return undefined;
  throw new FaultSyntaxError(`--fault ${fault}: the direction must be c2s, s2c or any, got '${text}'`);
}

/** `KIND:DIR:INDEX[:…]` (e.g. `drop:c2s:2`, `corrupt:s2c:0:5:255`, `inject:c2s:1:1503`). */
export function parseFaultText(text: string): FaultSpec {
  const [kind, dir, index, ...rest] = text.split(':');
  if (kind === undefined || dir === undefined || index === undefined)
    throw new FaultSyntaxError(`--fault must look like KIND:DIR:INDEX (e.g. drop:c2s:2), got '${text}'`);
  const d = direction(dir, text);
  const at: FaultPoint = { ...(d !== undefined ? { direction: d } : {}), index: faultCount(index, `--fault ${text}: the index`, 0) };
  const none = (): void => {
    if (rest.length > 0) throw new FaultSyntaxError(`--fault ${text}: ${kind} takes no more fields`);
  };
  switch (kind) {
    case 'drop':
    case 'duplicate':
      none();
      return { kind, at };
    case 'truncate':
      if (rest.length > 1) throw new FaultSyntaxError(`--fault ${text}: truncate takes at most KEEP`);
      return { kind, at, ...(rest[0] !== undefined ? { keep: faultCount(rest[0], `--fault ${text}: KEEP`, 0) } : {}) };
    case 'corrupt':
      if (rest.length > 2) throw new FaultSyntaxError(`--fault ${text}: corrupt takes at most OFFSET and XOR`);
      return {
        kind,
        at,
        ...(rest[0] !== undefined ? { offset: faultCount(rest[0], `--fault ${text}: OFFSET`, 0) } : {}),
        ...(rest[1] !== undefined ? { xor: faultCount(rest[1], `--fault ${text}: XOR`, 1, 255) } : {}),
      };
    case 'inject': {
      if (d === undefined) throw new FaultSyntaxError(`--fault ${text}: inject needs a direction, c2s or s2c`);
      if (rest.length !== 1 || !/^([0-9a-fA-F]{2})+$/.test(rest[0]!))
        throw new FaultSyntaxError(`--fault ${text}: inject needs the bytes in hex, inject:DIR:INDEX:HEX`);
      return { kind, at: { direction: d, index: at.index }, bytes: fromHex(rest[0]!) };
    }
    default:
      throw new FaultSyntaxError(`--fault ${text}: unknown kind '${kind}' (drop, duplicate, truncate, corrupt or inject)`);
  }
}
