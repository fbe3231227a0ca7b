import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ISN,
  LINKTYPE_ETHERNET,
  PCAP_MAGIC,
  SERVER_ISN,
  clientRandomOf,
  openSslLens,
  parseTrace,
  renderHexDump,
  renderJson,
  renderKeylog,
  renderMermaid,
  renderPcap,
  renderTimeline,
  type Trace,
} from '../src/index.js';
import { CLIENT_AUTH, pairSim, ofType, sentHex } from './helpers.js';

function rejectedRun(): Trace {
  const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true });
  const c = openSslLens(sim, 'client', { blocking: true });
  c.connect();
  c.write(new TextEncoder().encode('hello'));
  c.read(100);
  return sim.toTrace();
}

interface PcapPacket {
  tsSec: number;
  tsUsec: number;
  frame: Uint8Array;
}

function parsePcap(b: Uint8Array): { magic: number; linktype: number; packets: PcapPacket[] } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = v.getUint32(0, true);
  const linktype = v.getUint32(20, true);
  const packets: PcapPacket[] = [];
  let o = 24;
  while (o < b.length) {
    const caplen = v.getUint32(o + 8, true);
    const len = v.getUint32(o + 12, true);
    expect(caplen).toBe(len);
    packets.push({ tsSec: v.getUint32(o, true), tsUsec: v.getUint32(o + 4, true), frame: b.slice(o + 16, o + 16 + caplen) });
    o += 16 + caplen;
  }
  expect(o).toBe(b.length);
  return { magic, linktype, packets };
}

function tcpOf(frame: Uint8Array): { srcPort: number; dstPort: number; seq: number; ack: number; flags: number; payload: Uint8Array } {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  expect(v.getUint16(12)).toBe(0x0800);
  expect(frame[14]).toBe(0x45);
  expect(v.getUint16(16)).toBe(frame.length - 14);
  const t = 34;
  return {
    srcPort: v.getUint16(t),
    dstPort: v.getUint16(t + 2),
    seq: v.getUint32(t + 4),
    ack: v.getUint32(t + 8),
    flags: frame[t + 13]!,
    payload: frame.slice(t + 20),
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('renderers', () => {
  it('text timeline puts client sends left with → arrows, server sends right with ← arrows, ★ and app calls', () => {
    const text = renderTimeline(rejectedRun());
    const lines = text.split('\n');
    const ch = lines.find((l) => l.includes('ClientHello'))!;
    expect(ch).toMatch(/│ ClientHello\s+─+▶/);
    const sh = lines.find((l) => l.includes('ServerHello'))!;
    expect(sh).toMatch(/◀─+ ServerHello$/);
    expect(text).toContain('{EncryptedExtensions}');
    expect(text).toContain('{CertificateVerify}');
    expect(text).toContain('[Alert(fatal, decrypt_error)]');
    expect(text).toContain('★ client handshake complete');
    expect(text).not.toContain('★ server handshake complete');
    expect(text).toContain('» SSL_connect → 1');
    expect(text).toContain('» SSL_read → 0 SSL_ERROR_SSL: tlsv1 alert decrypt error');
    expect(text).toContain('⤓ library reads');
    expect(text).toContain('WAIT_CV → CLOSED');
    expect(text.indexOf('» SSL_connect → 1')).toBeLessThan(text.indexOf('[Alert(fatal, decrypt_error)]'));
  });

  it('mermaid diagram is a sequenceDiagram with one arrow per record sent', () => {
    const trace = rejectedRun();
    const m = renderMermaid(trace);
    expect(m.startsWith('sequenceDiagram\n')).toBe(true);
    const arrows = m.split('\n').filter((l) => /^\s+(C->>S|S->>C):/.test(l));
    expect(arrows).toHaveLength(ofType(trace, 'record_sent').length);
    expect(m).toContain('C->>S: ClientHello');
    expect(m).toContain('S->>C: [Alert(fatal, decrypt_error)]');
    expect(m).not.toMatch(/[#;]/);
  });

  it('hex dump names record header fields with their RFC 8446 sections and covers every byte', () => {
    const trace = rejectedRun();
    const dump = renderHexDump(trace);
    expect(dump).toMatch(/^ {2}16 {2,}ContentType type = handshake \(22\)\s+§5\.1$/m);
    expect(dump).toMatch(/^ {2}03 01 {2,}legacy_record_version = 0x0301\s+§5\.1$/m);
    expect(dump).toMatch(/^ {2}01 {2,}msg_type = client_hello \(1\)\s+§4$/m);
    expect(dump).toMatch(/^ {2}17 {2,}opaque_type = application_data \(23\)\s+§5\.2$/m);
    expect(dump).toContain('encrypted_record');
    // Every byte of every record appears in the dump, in order.
    const blocks = dump.trim().split('\n\n');
    const records = ofType(trace, 'record_sent');
    expect(blocks).toHaveLength(records.length);
    blocks.forEach((block, i) => {
      const bytes = block
        .split('\n')
        .slice(1)
        .map((l) => l.slice(2, 2 + 49).replace(/\s+/g, ''))
        .join('');
      expect(bytes).toBe(records[i]!.hex);
    });
  });

  it('NSS keylog pairs every secret with the ClientHello random (bytes 11..43 of the first record)', () => {
    const trace = rejectedRun();
    const random = clientRandomOf(trace)!;
    expect(random).toBe(sentHex(trace, 'client').slice(22, 86));
    const lines = renderKeylog(trace).trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
      'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
    ]);
    for (const l of lines) expect(l).toMatch(new RegExp(`^[A-Z_0-9]+ ${random} [0-9a-f]{64}$`));
  });

  it('JSON round-trips through parseTrace and keeps the public key order', () => {
    const trace = rejectedRun();
    const json = renderJson(trace);
    expect(parseTrace(json)).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(json.startsWith('{"version":1,"scenario":"pair","seed":1,"events":[')).toBe(true);
    expect(json).toContain('{"seq":1,"time":0,"side":"client","type":"state","from":"START","to":"WAIT_SH"}');
    expect(json).toMatch(/"type":"alert_sent","level":"fatal","description":"decrypt_error","epoch":"application"/);
  });

  it('pcap has the libpcap magic, consistent record lengths, and continuous TCP sequence numbers both ways', () => {
    const trace = rejectedRun();
    const { magic, linktype, packets } = parsePcap(renderPcap(trace));
    expect(magic).toBe(PCAP_MAGIC);
    expect(linktype).toBe(LINKTYPE_ETHERNET);
    const tcp = packets.map((p) => tcpOf(p.frame));
    expect(tcp[0]).toMatchObject({ srcPort: 49152, dstPort: 443, seq: CLIENT_ISN, flags: 0x02 });
    expect(tcp[1]).toMatchObject({ srcPort: 443, dstPort: 49152, seq: SERVER_ISN, ack: CLIENT_ISN + 1, flags: 0x12 });
    const next = { 443: SERVER_ISN + 1, 49152: CLIENT_ISN + 1 } as Record<number, number>;
    const stream = { 443: '', 49152: '' } as Record<number, string>;
    for (const t of tcp.slice(2)) {
      expect(t.seq).toBe(next[t.srcPort]);
      expect(t.ack).toBe(next[t.dstPort]);
      next[t.srcPort]! += t.payload.length;
      stream[t.srcPort] += hex(t.payload);
    }
    expect(stream[49152]).toBe(sentHex(trace, 'client'));
    // The client discarded nothing the server sent; the server's stream is what the client received.
    expect(stream[443]).toBe(sentHex(trace, 'server'));
    // One data segment per delivered chunk, stamped with the virtual clock.
    const delivered = ofType(trace, 'delivered').filter((d) => d.bytes > 0);
    const data = packets.filter((_, i) => tcp[i]!.payload.length > 0);
    expect(data.map((p) => p.tsSec * 1000 + p.tsUsec / 1000)).toEqual(delivered.map((d) => d.time));
  });

  // Outside CI a machine without tshark skips this; in CI (.ci/run sets CI=1 and installs tshark) it must run.
  const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0 || process.env.CI !== undefined;
  it.skipIf(!hasTshark)('tshark reads the pcap and dissects every TLS record in order', () => {
    const trace = rejectedRun();
    const dir = mkdtempSync(join(tmpdir(), 'tls13sim-pcap-'));
    const file = join(dir, 'run.pcap');
    writeFileSync(file, renderPcap(trace));
    const out = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        'tcp.check_checksum:TRUE',
        '-T',
        'fields',
        '-e',
        'tcp.srcport',
        '-e',
        'tls.record.content_type',
        '-e',
        'tls.record.opaque_type',
        '-e',
        'tls.record.length',
        '-e',
        'tcp.checksum.status',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    // A TLS 1.3 protected record's outer type is `opaque_type` to tshark (RFC 8446 §5.2); in
    // one segment the plaintext records (ServerHello) come before the protected ones.
    const seen = rows.flatMap(([port, plain, opaque, lengths]) =>
      [plain, opaque]
        .filter((t) => t)
        .flatMap((t) => t!.split(','))
        .map((t, i) => `${port === '443' ? 'server' : 'client'}:${t}:${lengths!.split(',')[i]}`),
    );
    // Every record of this run was delivered whole, so tshark sees each one, in order per direction.
    const expected = ofType(trace, 'record_sent').map((r) => `${r.side}:${parseInt(r.hex.slice(0, 2), 16)}:${r.length}`);
    const bySide = (xs: string[], side: string): string[] => xs.filter((x) => x.startsWith(side));
    expect(bySide(seen, 'client')).toEqual(bySide(expected, 'client'));
    expect(bySide(seen, 'server')).toEqual(bySide(expected, 'server'));
    expect(seen).toHaveLength(6);
    // Checksums verify (status 1 = good).
    for (const r of rows) expect(r[4]).toBe('1');
  });
});
