/**
 * TraceRecorder's limit (issue 16 item 6): a long or hostile connection keeps the first
 * events of its trace, then one `trace_truncated` note; events past the limit are returned
 * (for live listeners) but not kept.
 */
import { describe, expect, it } from 'vitest';
import { TraceRecorder, type TraceEventBody } from '../src/trace.js';

const note = (i: number): TraceEventBody => ({ type: 'note', text: `n${i}` });
const bytes = (n: number): TraceEventBody => ({ type: 'delivered', direction: 'client_to_server', bytes: n, taken: n, hex: 'ab'.repeat(n) });

describe('TraceRecorder limit', () => {
  it('keeps everything without a limit (the default)', () => {
    const r = new TraceRecorder();
    for (let i = 0; i < 10_000; i++) r.emit('client', i, note(i));
    expect(r.length).toBe(10_000);
    expect(r.dropped).toBe(0);
  });

  it('keeps the first events, then a trace_truncated note: the limit counts the note', () => {
    const r = new TraceRecorder();
    r.setLimit({ events: 5, hexChars: 1000 });
    const returned = Array.from({ length: 8 }, (_, i) => r.emit('server', i, note(i)));
    expect(r.events.map((e) => (e.type === 'note' ? e.text : e.type))).toEqual(['n0', 'n1', 'n2', 'n3', expect.stringMatching(/^trace limit reached/)]);
    const last = r.events.at(-1)!;
    expect(last).toMatchObject({ seq: 4, time: 4, side: 'network', type: 'note', fact: 'trace_truncated' });
    expect(r.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    // Every event is still returned, with the next seq after the note's.
    expect(returned.map((e) => e.seq)).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(returned[5]).toMatchObject({ type: 'note', text: 'n5' });
    expect(r.dropped).toBe(4);
  });

  it('bounds the hex it keeps: an event that would pass the budget is the first one dropped', () => {
    const r = new TraceRecorder();
    r.setLimit({ events: 100, hexChars: 250 });
    r.emit('network', 0, bytes(100));
    r.emit('network', 1, bytes(20));
    r.emit('network', 2, bytes(10));
    r.emit('network', 3, note(3));
    expect(r.events.map((e) => e.type)).toEqual(['delivered', 'delivered', 'note']);
    expect(r.events.at(-1)).toMatchObject({ fact: 'trace_truncated' });
    expect(r.dropped).toBe(2);
  });

  it('a clone keeps the limit and what was counted', () => {
    const r = new TraceRecorder();
    r.setLimit({ events: 3, hexChars: 1000 });
    r.emit('client', 0, note(0));
    const c = r.clone();
    c.emit('client', 1, note(1));
    c.emit('client', 2, note(2));
    expect(c.events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(c.dropped).toBe(1);
    expect(r.length).toBe(1);
  });

  it('refuses a limit that keeps nothing', () => {
    expect(() => new TraceRecorder().setLimit({ events: 0, hexChars: 10 })).toThrow(RangeError);
  });
});
