/**
 * The rfc8448-resumed-0rtt scenario: RFC 8448 §4 in the simulator, every record the RFC's,
 * in the RFC's order, with the 0-RTT timing facts visible in its trace.
 */
import { describe, expect, it } from 'vitest';
import '../src/scenarios/rfc8448-resumed.js';
import { parseTrace, runScenario, traceToJson, type Trace, type TraceEvent } from '../src/index.js';
import { RFC8448_RESUMED_RECORDS } from '../../../test/vectors/rfc8448-records-resumed.js';

type Of<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;
const NAME = 'rfc8448-resumed-0rtt';
const trace: Trace = parseTrace(traceToJson(runScenario(NAME)));

const ofType = <T extends TraceEvent['type']>(t: Trace, type: T, side?: string): Array<Of<T>> =>
  t.events.filter((e): e is Of<T> => e.type === type && (side === undefined || e.side === side));
const seqOf = (t: Trace, pred: (e: TraceEvent) => boolean): number => {
  const e = t.events.find(pred);
  if (e === undefined) throw new Error('no such event in the trace');
  return e.seq;
};
const hex = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

describe('rfc8448-resumed-0rtt', () => {
  it("emits the records of RFC 8448 §4, byte for byte, in the RFC's order", () => {
    const sentRecords = ofType(trace, 'record_sent').map((r) => `${r.side}:${r.hex}`);
    expect(sentRecords).toEqual(RFC8448_RESUMED_RECORDS.map((r) => `${r.sender}:${hex(r.record)}`));
  });

  it('emits the same records whatever the seed', () => {
    const other = runScenario(NAME, 7);
    expect(ofType(other, 'record_sent').map((r) => r.hex)).toEqual(ofType(trace, 'record_sent').map((r) => r.hex));
  });

  it('sends the 0-RTT data and EndOfEarlyData under the early keys, and the server reads the early data before either side completes', () => {
    const early = ofType(trace, 'record_sent', 'client').filter((r) => r.epoch === 'early');
    expect(early.map((r) => r.innerType)).toEqual(['application_data', 'handshake']);
    expect(early[1]!.messages).toEqual(['end_of_early_data']);
    // The server's early read is OpenSSL's SSL_read_early_data (the default lens), then SSL_read.
    const firstRead = seqOf(trace, (e) => e.type === 'app_call' && e.side === 'server' && e.call === 'read_early');
    expect(firstRead).toBeLessThan(seqOf(trace, (e) => e.type === 'handshake_complete' && e.side === 'client'));
    expect(
      ofType(trace, 'app_call', 'server')
        .filter((c) => c.call === 'read_early' || c.call === 'read')
        .map((c) => `${c.call} ${c.bytes}`),
    ).toEqual(['read_early 6', 'read 50']);
  });

  it('has the server wait in WAIT_EOED until EndOfEarlyData, and closes with close_notify both ways', () => {
    const states = ofType(trace, 'state', 'server').map((s) => s.to);
    expect(states).toContain('WAIT_EOED');
    expect(ofType(trace, 'alert_sent').map((a) => `${a.side}:${a.description}`)).toEqual(['client:close_notify', 'server:close_notify']);
  });
});
