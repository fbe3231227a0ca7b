/** HandshakeReassembler.pushOwned: handed-over bytes are kept as they are, with push's checks. */
import { describe, expect, it } from 'vitest';
import { HandshakeReassembler, TlsError } from '../src/index.js';

const finished = Uint8Array.of(20, 0, 0, 4, 1, 2, 3, 4);

describe('HandshakeReassembler.pushOwned', () => {
  it('keeps the bytes it is handed: messages are views of them, not copies', () => {
    const r = new HandshakeReassembler();
    const data = finished.slice();
    r.pushOwned(data, 'handshake');
    const m = r.next();
    expect(m?.type).toBe(20);
    expect(m?.raw.buffer).toBe(data.buffer);
    expect(m?.body).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('push copies instead, so later writes to the caller bytes change nothing', () => {
    const r = new HandshakeReassembler();
    const data = finished.slice();
    r.push(data, 'handshake');
    data.fill(0);
    expect(r.next()?.body).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('still refuses a message that spans a key change, and joins messages across owned chunks', () => {
    const r = new HandshakeReassembler();
    r.pushOwned(finished.slice(0, 3), 'handshake');
    expect(() => r.pushOwned(finished.slice(3), 'application')).toThrow(TlsError);
    const s = new HandshakeReassembler();
    s.pushOwned(finished.slice(0, 3), 'handshake');
    s.pushOwned(finished.slice(3), 'handshake');
    expect(s.next()?.raw).toEqual(finished);
  });
});
