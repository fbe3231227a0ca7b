/**
 * An attacker on the path, over loopback TCP: a proxy in front of a differential case's
 * server that rewrites the client's first record — the ClientHello — and relays every other
 * byte unchanged, both ways. It is the TCP twin of the simulation's `rewrite` fault
 * (packages/sim/src/scenarios/attacks.ts), and uses the same byte-level rewrite.
 *
 * `strip_supported_versions`: the ClientHello loses supported_versions (RFC 8446 §4.2.1), so
 * a server speaking TLS 1.2 and 1.3 sees a TLS 1.2 client and answers TLS 1.2 with the
 * downgrade sentinel in ServerHello.random (§4.1.3) — which a client that offered TLS 1.3
 * must detect. Our TLS 1.2 server requires extended_master_secret (RFC 7627), which Go 1.19's
 * client does not offer: the attacker adds it, empty, to a hello without it, so that every
 * client gets the server's TLS 1.2 answer (the other clients offer it already: a no-op).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { stripClientHelloExtension } from '../../packages/sim/src/scenarios/attacks.js';

/** RFC 8446 §4.2: supported_versions is extension 43. */
const SUPPORTED_VERSIONS = 43;
/** RFC 7627 §5.1: extended_master_secret is extension 23, with empty extension_data. */
const EXTENDED_MASTER_SECRET = 23;
/** A TLS record header: type, legacy_record_version, length (RFC 8446 §5.1). */
const HEADER = 5;

export interface Mitm {
  readonly port: number;
  /** How many ClientHellos were rewritten (a case checks the attack took place). */
  readonly rewritten: () => number;
  close(): Promise<void>;
}

/** Starts the proxy on an ephemeral port of `host`, relaying to `upstreamPort`. */
export async function startMitm(host: string, upstreamPort: number): Promise<Mitm> {
  let rewritten = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host, port: upstreamPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    let head: Buffer | null = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      if (head === null) return void upstream.write(d);
      head = Buffer.concat([head, d]);
      if (head.length < HEADER || head.length < HEADER + head.readUInt16BE(3)) return;
      const end = HEADER + head.readUInt16BE(3);
      const first = new Uint8Array(head.subarray(0, end));
      const stripped = stripClientHelloExtension(first, SUPPORTED_VERSIONS);
      if (stripped !== undefined) rewritten++;
      upstream.write(stripped === undefined ? first : withEmptyExtension(stripped, EXTENDED_MASTER_SECRET));
      if (head.length > end) upstream.write(head.subarray(end));
      head = null;
    });
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('mitm: no TCP address');
  return {
    port: addr.port,
    rewritten: () => rewritten,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/**
 * A one-record ClientHello (as stripClientHelloExtension leaves it: lengths consistent) with
 * an empty extension `code` appended when it has none: record, handshake and extensions
 * lengths grow by 4 (RFC 8446 §4.1.2 layout).
 */
export function withEmptyExtension(bytes: Uint8Array, code: number): Uint8Array {
  let p = HEADER + 4 + 2 + 32;
  p += 1 + bytes[p]!; // legacy_session_id
  p += 2 + u16(bytes, p); // cipher_suites
  p += 1 + bytes[p]!; // legacy_compression_methods
  const extStart = p;
  const extEnd = extStart + 2 + u16(bytes, extStart);
  for (let e = extStart + 2; e + 4 <= extEnd; e += 4 + u16(bytes, e + 2)) if (u16(bytes, e) === code) return bytes;
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes);
  out.set([code >> 8, code & 0xff, 0, 0], bytes.length);
  const put16 = (at: number, v: number): void => {
    out[at] = v >> 8;
    out[at + 1] = v & 0xff;
  };
  put16(3, u16(bytes, 3) + 4);
  const body = ((bytes[6]! << 16) | u16(bytes, 7)) + 4;
  out[6] = body >> 16;
  put16(7, body & 0xffff);
  put16(extStart, u16(bytes, extStart) + 4);
  return out;
}
