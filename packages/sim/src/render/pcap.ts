/**
 * A classic libpcap capture (LINKTYPE_ETHERNET) of the run: synthetic Ethernet + IPv4 + TCP
 * around every delivered chunk, client 10.0.0.1:49152, server 10.0.0.2:443 (so Wireshark's
 * TLS dissector decodes it), a three-way handshake first, correct sequence and
 * acknowledgment numbers, timestamps from the virtual clock. The stream is what each
 * receiver saw: a dropped unit is absent, a duplicated one appears twice.
 */
import { fromHex } from '@tls13sim/record';
import type { Trace } from '../trace.js';

export const PCAP_MAGIC = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const CLIENT_ADDR = { ip: [10, 0, 0, 1], port: 49152, mac: [2, 0, 0, 0, 0, 1] } as const;
export const SERVER_ADDR = { ip: [10, 0, 0, 2], port: 443, mac: [2, 0, 0, 0, 0, 2] } as const;
export const CLIENT_ISN = 0x1000;
export const SERVER_ISN = 0x5000;
const MAX_SEGMENT = 60_000;

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

type Endpoint = typeof CLIENT_ADDR | typeof SERVER_ADDR;

function checksum16(parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) sum += (p[i]! << 8) | (p[i + 1] ?? 0);
  }
  // Parts other than the last are of even length here, so pairing per part is exact.
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface Packet {
  readonly timeMs: number;
  readonly frame: Uint8Array;
}

function segment(ipId: number, from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const tcp = new Uint8Array(20 + payload.length);
  const tv = new DataView(tcp.buffer);
  tv.setUint16(0, from.port);
  tv.setUint16(2, to.port);
  tv.setUint32(4, seq >>> 0);
  tv.setUint32(8, ack >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tv.setUint16(14, 65535);
  tcp.set(payload, 20);
  const pseudo = new Uint8Array(12);
  pseudo.set(from.ip, 0);
  pseudo.set(to.ip, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, tcp.length);
  tv.setUint16(16, checksum16([pseudo, tcp]));

  const ip = new Uint8Array(20);
  const iv = new DataView(ip.buffer);
  ip[0] = 0x45;
  iv.setUint16(2, 20 + tcp.length);
  iv.setUint16(4, ipId & 0xffff);
  iv.setUint16(6, 0x4000);
  ip[8] = 64;
  ip[9] = 6;
  ip.set(from.ip, 12);
  ip.set(to.ip, 16);
  iv.setUint16(10, checksum16([ip]));

  const frame = new Uint8Array(14 + 20 + tcp.length);
  frame.set(to.mac, 0);
  frame.set(from.mac, 6);
  frame[12] = 0x08;
  frame[13] = 0x00;
  frame.set(ip, 14);
  frame.set(tcp, 34);
  return frame;
}

export function renderPcap(trace: Trace): Uint8Array {
  const packets: Packet[] = [];
  let ipId = 0;
  const push = (timeMs: number, from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array): void => {
    packets.push({ timeMs, frame: segment(ipId++, from, to, seq, ack, flags, payload) });
  };
  const next = { client: CLIENT_ISN + 1, server: SERVER_ISN + 1 };
  push(0, CLIENT_ADDR, SERVER_ADDR, CLIENT_ISN, 0, TCP_SYN, new Uint8Array(0));
  push(0, SERVER_ADDR, CLIENT_ADDR, SERVER_ISN, next.client, TCP_SYN | TCP_ACK, new Uint8Array(0));
  push(0, CLIENT_ADDR, SERVER_ADDR, next.client, next.server, TCP_ACK, new Uint8Array(0));
  let end = 0;
  for (const ev of trace.events) {
    end = Math.max(end, ev.time);
    if (ev.type !== 'delivered' || ev.bytes === 0) continue;
    const fromClient = ev.direction === 'client_to_server';
    const [src, dst] = fromClient ? [CLIENT_ADDR, SERVER_ADDR] : [SERVER_ADDR, CLIENT_ADDR];
    const sender = fromClient ? 'client' : 'server';
    const receiver = fromClient ? 'server' : 'client';
    const data = fromHex(ev.hex);
    for (let o = 0; o < data.length; o += MAX_SEGMENT) {
      const chunk = data.subarray(o, Math.min(data.length, o + MAX_SEGMENT));
      push(ev.time, src, dst, next[sender], next[receiver], TCP_PSH | TCP_ACK, chunk);
      next[sender] += chunk.length;
    }
  }
  push(end, CLIENT_ADDR, SERVER_ADDR, next.client, next.server, TCP_FIN | TCP_ACK, new Uint8Array(0));
  return writePcap(packets);
}

function writePcap(packets: readonly Packet[]): Uint8Array {
  const size = 24 + packets.reduce((n, p) => n + 16 + p.frame.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  // Global header, little-endian (the magic tells readers the byte order).
  v.setUint32(0, PCAP_MAGIC, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, 262_144, true);
  v.setUint32(20, LINKTYPE_ETHERNET, true);
  let o = 24;
  for (const p of packets) {
    const ms = Math.floor(p.timeMs);
    v.setUint32(o, Math.floor(ms / 1000), true);
    v.setUint32(o + 4, (ms % 1000) * 1000, true);
    v.setUint32(o + 8, p.frame.length, true);
    v.setUint32(o + 12, p.frame.length, true);
    out.set(p.frame, o + 16);
    o += 16 + p.frame.length;
  }
  return out;
}
