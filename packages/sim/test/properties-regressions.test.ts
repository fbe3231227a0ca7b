/**
 * The shrunk counterexamples the issue 8 properties found, kept as fixed cases (each was a
 * bug in the endpoint, fixed in the commit named in its test).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT, DEFAULT_SPEC, runCase, type Case } from '../src/arbitraries.js';
import { checkFaultFree, checkSingleFault } from '../src/explore/checks.js';

const ZERO_DELAY = { client_to_server: 0, server_to_client: 0 };

describe('property counterexamples, fixed', () => {
  it("accepts the client's padded 0-RTT records over the server's record_size_limit (RFC 8449 §4: the limit binds keys made after it)", () => {
    const c: Case = {
      config: { ...DEFAULT_SPEC, psk: 'ticket', earlyData: 37, recordSizeLimit: 64, padding: { kind: 'random', max: 28 }, middleboxCompat: true },
      script: DEFAULT_SCRIPT,
      actions: [],
    };
    checkFaultFree(c);
  });

  it('a client that cannot parse a HelloRetryRequest while writing 0-RTT alerts in the clear, so the server hears it', () => {
    const c: Case = {
      config: { ...DEFAULT_SPEC, psk: 'ticket', earlyData: 1, firstShare: 'x448', padding: { kind: 'block', size: 1 } },
      script: {
        steps: [
          { dir: 'client_to_server', unit: { kind: 'record' } },
          { dir: 'client_to_server', unit: { kind: 'split', at: 0 } },
          { dir: 'client_to_server', unit: { kind: 'flight' } },
          { dir: 'fifo', unit: { kind: 'split', at: 0 } },
        ],
        delays: ZERO_DELAY,
        fault: { kind: 'truncate', index: 3, keep: 0 },
      },
      actions: [],
    };
    checkSingleFault(c);
    const o = runCase(c);
    expect(o.server.error?.alert).toBe('unexpected_message');
  });

  it('after a HelloRetryRequest and the second ClientHello, the server stops skipping undecryptable records (§4.2.10)', () => {
    const c: Case = {
      config: {
        ...DEFAULT_SPEC,
        suite: 'TLS_AES_256_GCM_SHA384',
        group: 'x448',
        psk: 'ticket',
        earlyData: 412,
        padding: { kind: 'random', max: 52 },
        postHandshakeAuth: true,
        clientCert: 'ed448',
        verdict: 'ignore',
      },
      script: {
        steps: [
          { dir: 'client_to_server', unit: { kind: 'record' } },
          { dir: 'fifo', unit: { kind: 'all' } },
        ],
        delays: { client_to_server: 10, server_to_client: 10 },
        fault: { kind: 'corrupt', index: 4, offset: 0.30712890625, xor: 2 },
      },
      actions: [
        { op: 'write', at: 5, side: 'server', size: 1762 },
        { op: 'keyUpdate', at: 12, side: 'client', request: true },
      ],
    };
    checkSingleFault(c);
  });

  it('a connected server refuses a forged plaintext alert (§5), instead of closing on it', () => {
    const c: Case = {
      config: { ...DEFAULT_SPEC, recordSizeLimit: 64 },
      script: { steps: [], delays: ZERO_DELAY, fault: { kind: 'inject', index: 3, direction: 'client_to_server', hex: '15030300020150' } },
      actions: [],
    };
    checkSingleFault(c);
    const o = runCase(c);
    expect(o.server.error?.alert).toBe('unexpected_message');
    expect(o.sim.events.some((e) => e.type === 'alert_received' && e.side === 'server' && e.description === 'internal_error')).toBe(false);
  });
});
