/**
 * TLS 1.2 endpoints against damaged and re-split input, as the 1.3 endpoint tests do: every
 * strict prefix of the server's first flight leaves the client waiting; every single bit
 * flip of it (and of the client's second flight at the server) ends in an alert on some side
 * and never in two completed handshakes or an internal error; how the byte stream is split
 * changes nothing; clone() forks independent endpoints that replay identically.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '@tls13sim/record';
import type { TlsEndpoint } from '@tls13sim/handshake';
import { clientPki, drive, flush, Log12, nodeCrypto, pair12, takeRecords } from './tls12-helpers.js';

const authCfg = [
  { crypto: nodeCrypto, certificate: clientPki.leaf },
  { crypto: nodeCrypto, clientAuth: 'require' as const },
] as const;

/** A client that sent its ClientHello, a server that answered; the server's flight not yet delivered. */
function atServerFlight() {
  const { client, server } = pair12(authCfg[0], authCfg[1]);
  client.start();
  flush(client, server);
  return { client, server, flight: concatBytes(...takeRecords(server)) };
}

/** Outcome after driving a pair to quiescence. */
function outcome(client: TlsEndpoint, server: TlsEndpoint): { both: boolean; alerts: string[]; internal: boolean } {
  drive(client, server);
  const alerts = [client.error?.alert, server.error?.alert].filter((a): a is NonNullable<typeof a> => a !== undefined);
  return { both: client.handshakeComplete && server.handshakeComplete, alerts, internal: alerts.includes('internal_error') };
}

describe('the server flight, damaged', () => {
  it('every strict prefix leaves the client waiting in WAIT_SH, sending nothing and failing nothing', () => {
    const { client, flight } = atServerFlight();
    for (let n = 0; n < flight.length; n++) {
      const c = client.clone();
      c.handleBytes(flight.subarray(0, n));
      expect([c.state, c.error, c.pollTransmit()], `prefix ${n}`).toEqual(['WAIT_SH', undefined, null]);
    }
    const c = client.clone();
    c.handleBytes(flight);
    expect(c.state).toBe('WAIT_CCS');
  });

  it('every single bit flip (one per byte, all 8 positions rotating) ends in an alert, never in a completed handshake or an internal error', () => {
    const { client, server, flight } = atServerFlight();
    // The length fields: the record's (bytes 3-4) and each handshake message's uint24 (RFC 5246 §7.4).
    const lengths = new Set([3, 4]);
    for (let p = 5; p < flight.length; p += 4 + ((flight[p + 1]! << 16) | (flight[p + 2]! << 8) | flight[p + 3]!)) [1, 2, 3].forEach((k) => lengths.add(p + k));
    let stalls = 0;
    for (let i = 0; i < flight.length; i++) {
      // Byte 2 is the record's minor version, which no check covers in a plaintext record
      // (RFC 8446 §5.1: legacy_record_version "MUST be ignored"; OpenSSL too accepts any 0x03xx before the version is agreed).
      if (i === 2) continue;
      const bad = flight.slice();
      bad[i]! ^= 1 << (i % 8);
      const c = client.clone();
      const s = server.clone();
      c.handleBytes(bad);
      const o = outcome(c, s);
      expect(o.both, `byte ${i}`).toBe(false);
      expect(o.internal, `byte ${i}: ${o.alerts}`).toBe(false);
      // A flipped length field can only make the client wait for bytes that never come.
      if (o.alerts.length === 0) {
        expect([...lengths], `byte ${i} stalled`).toContain(i);
        expect(['CONNECTED', 'CLOSED']).not.toContain(c.state);
        stalls++;
      }
    }
    expect(stalls).toBeLessThanOrEqual(lengths.size);
  });

  it('random multi-byte damage anywhere in the flight never completes both sides nor crashes', () => {
    const { client, server, flight } = atServerFlight();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 3, max: flight.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bad = flight.slice();
          for (const [i, x] of edits) if (i !== 2) bad[i]! ^= x;
          const c = client.clone();
          const s = server.clone();
          c.handleBytes(bad);
          const o = outcome(c, s);
          expect(o.both).toBe(false);
          expect(o.internal).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the client's second flight, damaged", () => {
  it('every single bit flip of Certificate..Finished ends in an alert at the server or the client, never in two completed handshakes', () => {
    const { client, server, flight } = atServerFlight();
    client.handleBytes(flight);
    const second = concatBytes(...takeRecords(client));
    for (let i = 0; i < second.length; i += 3) {
      const bad = second.slice();
      bad[i]! ^= 1 << (i % 8);
      const c = client.clone();
      const s = server.clone();
      s.handleBytes(bad);
      const o = outcome(c, s);
      expect(o.both, `byte ${i}`).toBe(false);
      expect(o.internal, `byte ${i}: ${o.alerts}`).toBe(false);
    }
  });
});

describe('record versions after the hellos', () => {
  // RFC 5246 §6.2.1 / Appendix E.1: once negotiated, every record carries version {3, 3}.
  // (Found by the bit-flip test above: a flipped version byte went unnoticed and both sides completed.)
  it("a record of the client's second flight with a version other than 3.3 ends in protocol_version at the server", () => {
    const { client, server, flight } = atServerFlight();
    client.handleBytes(flight);
    const records = takeRecords(client);
    expect(records.length).toBeGreaterThan(1);
    for (let r = 0; r < records.length; r++) {
      for (const minor of [1, 2, 4]) {
        const bad = records.map((x) => x.slice());
        bad[r]![2] = minor;
        const c = client.clone();
        const s = server.clone();
        s.handleBytes(concatBytes(...bad));
        const o = outcome(c, s);
        expect(o.both, `record ${r}, version 3.${minor}`).toBe(false);
        // A protected record's version is in its AEAD additional data (RFC 5246 §6.2.3.3):
        // decryption fails first. A plaintext one is refused for its version.
        const expected = records[r]![0] === 22 && r === records.length - 1 ? 'bad_record_mac' : 'protocol_version';
        expect(s.error?.alert, `record ${r}, version 3.${minor}`).toBe(expected);
      }
    }
  });

  it("the server's ChangeCipherSpec with another version ends in protocol_version at the client", () => {
    const { client, server, flight } = atServerFlight();
    client.handleBytes(flight);
    server.handleBytes(concatBytes(...takeRecords(client)));
    const records = takeRecords(server);
    expect(records[0]![0]).toBe(20); // change_cipher_spec
    const bad = records.map((x) => x.slice());
    bad[0]![2] = 2;
    client.handleBytes(concatBytes(...bad));
    expect(client.error?.alert).toBe('protocol_version');
    expect(client.handshakeComplete).toBe(false);
  });
});

describe('split independence and clone', () => {
  /** Runs a whole handshake delivering each side's output split at `cuts`, returns each side's event log lines. */
  function runSplit(cuts: readonly number[]): { c: string[]; s: string[] } {
    const { client, server } = pair12(authCfg[0], authCfg[1]);
    const cl = new Log12(client);
    const sl = new Log12(server);
    client.start();
    for (let round = 0; round < 10; round++) {
      let moved = 0;
      for (const [from, to] of [
        [client, server],
        [server, client],
      ] as const) {
        const bytes = concatBytes(...takeRecords(from));
        if (bytes.length === 0) continue;
        moved++;
        const points = [...new Set(cuts.map((x) => x % bytes.length))].sort((a, b) => a - b);
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          to.handleBytes(bytes.subarray(prev, p));
          prev = p;
        }
      }
      if (moved === 0) break;
    }
    const strip = (l: Log12) => l.lines().filter((x) => !x.startsWith('recv'));
    return { c: [client.state, ...strip(cl)], s: [server.state, ...strip(sl)] };
  }

  it('however the byte streams are split, both sides reach CONNECTED through the same states, keys and messages', () => {
    const whole = runSplit([]);
    expect([whole.c[0], whole.s[0]]).toEqual(['CONNECTED', 'CONNECTED']);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }), (cuts) => {
        expect(runSplit(cuts)).toEqual(whole);
      }),
      { numRuns: 25 },
    );
    // Byte by byte.
    expect(runSplit(Array.from({ length: 1500 }, (_, i) => i + 1))).toEqual(whole);
  });

  it('clone() at every step forks an endpoint that finishes byte-identically and independently of the original', () => {
    const { client, server } = pair12({ ...authCfg[0] }, { ...authCfg[1] });
    client.start();
    const wires: string[][] = [];
    const forks: [TlsEndpoint, TlsEndpoint][] = [];
    for (let round = 0; round < 6; round++) {
      forks.push([client.clone(), server.clone()]);
      if (flush(client, server) + flush(server, client) === 0) break;
    }
    for (const [c, s] of forks) {
      const seen: string[] = [];
      for (let i = 0; i < 10; i++) {
        const a = takeRecords(c);
        a.forEach((r) => s.handleBytes(r));
        const b = takeRecords(s);
        b.forEach((r) => c.handleBytes(r));
        seen.push(...a.map(toHex), ...b.map(toHex));
        if (a.length + b.length === 0) break;
      }
      expect([c.state, s.state]).toEqual(['CONNECTED', 'CONNECTED']);
      wires.push(seen);
    }
    expect([client.state, server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    // The first fork (before anything moved) replays the whole handshake; every fork's transcript and keys stayed its own.
    expect(wires[0]!.length).toBeGreaterThan(4);
    const c2 = forks[0]![0];
    c2.write(new Uint8Array([1, 2, 3]));
    forks[0]![1].handleBytes(c2.pollTransmit()!);
    expect(forks[0]![1].readApplicationData()).toEqual(new Uint8Array([1, 2, 3]));
    expect(server.readApplicationData()).toBeNull();
  });
});
