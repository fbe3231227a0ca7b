/** updateConn (endpoint/conn.ts) is `{ ...conn, ...update }`, written field by field. */
import { describe, expect, it } from 'vitest';
import { TlsError } from '@tls13sim/record';
import { type Conn, type ConnUpdate, INITIAL_CONN, updateConn } from '../src/endpoint/conn.js';

describe('updateConn', () => {
  it('gives what a spread gives, for each field set alone and for null and undefined values', () => {
    const busy: Conn = { ...INITIAL_CONN, started: true, pendingReadLimit: 512, fatal: new TlsError('decode_error', 'x') };
    const updates: ConnUpdate[] = [
      {},
      ...(Object.keys(INITIAL_CONN) as (keyof Conn)[]).filter((k) => typeof INITIAL_CONN[k] === 'boolean').flatMap((k) => [{ [k]: true }, { [k]: false }]),
      { pendingReadLimit: 1024 },
      { pendingReadLimit: null },
      { fatal: new TlsError('bad_record_mac', 'y') },
      { fatal: undefined },
      { complete: true, sentCloseNotify: true, pendingReadLimit: null },
    ];
    for (const base of [INITIAL_CONN, busy]) {
      for (const u of updates) {
        const next = updateConn(base, u);
        expect(next, JSON.stringify(u)).toEqual({ ...base, ...u });
        expect(Object.keys(next)).toEqual(Object.keys(INITIAL_CONN));
      }
    }
  });
});
