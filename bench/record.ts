/**
 * Record protection throughput: a 16 KiB application-data record protected by one
 * RecordLayer and opened by another (seal → pushBytes → nextRecord), next to the raw noble
 * AEAD sealing and opening the same 16 KiB under the same key. The difference is the cost
 * of the record layer itself: TLSInnerPlaintext, nonce, header, framing, copies.
 * Both providers: noble (pure JS) and node:crypto (OpenSSL).
 */
import { createNodeProvider } from '@tls13sim/handshake';
import { CipherSuiteAead, ContentType, nobleAead, RecordLayer, type Aead, type AeadName, type CipherSuiteName } from '@tls13sim/record';
import { interleavedOpsPerSecond, RATIO_NOTE, sampling, table, type Bench, type BenchOptions, type BenchRow } from './harness.js';

const RECORD_BYTES = 16 * 1024;
const MB = 1e6;

type AeadOf = (name: AeadName) => Aead;

function providers(): [string, AeadOf][] {
  const node = createNodeProvider();
  return [
    ['noble', nobleAead],
    ['node', (n) => node.aead(n)],
  ];
}

function recordOp(aeadOf: AeadOf, suite: CipherSuiteName): () => void {
  const aead = aeadOf(CipherSuiteAead[suite]);
  const key = new Uint8Array(aead.keyLength).fill(0x42);
  const iv = new Uint8Array(aead.nonceLength).fill(0x24);
  const writer = new RecordLayer();
  const reader = new RecordLayer();
  writer.installWriteKeys('application', aead, key, iv);
  reader.installReadKeys('application', aead, key, iv);
  const data = new Uint8Array(RECORD_BYTES).fill(0x61);
  return () => {
    // The sealed record is a fresh buffer nobody else holds: hand it over (as a socket chunk would be).
    for (const wire of writer.seal(ContentType.application_data, data)) reader.pushOwnedBytes(wire);
    const r = reader.nextRecord();
    if (r === null || r.data.length !== RECORD_BYTES) throw new Error('bench: record did not round-trip');
  };
}

function aeadOp(aeadOf: AeadOf, suite: CipherSuiteName): () => void {
  const aead = aeadOf(CipherSuiteAead[suite]);
  const key = new Uint8Array(aead.keyLength).fill(0x42);
  const nonce = new Uint8Array(aead.nonceLength).fill(0x24);
  const aad = Uint8Array.of(23, 3, 3, 0x40, 0x11);
  const data = new Uint8Array(RECORD_BYTES + 1).fill(0x61);
  return () => {
    const sealed = aead.seal(key, nonce, aad, data);
    if (aead.open(key, nonce, aad, sealed) === null) throw new Error('bench: AEAD did not round-trip');
  };
}

/**
 * Record layer and raw AEAD in MB/s, and record ÷ AEAD taken within each round (see
 * interleavedOpsPerSecond).
 */
function rates(aeadOf: AeadOf, suite: CipherSuiteName, opts: BenchOptions): { record: number; aead: number; ratio: number } {
  const m = interleavedOpsPerSecond([recordOp(aeadOf, suite), aeadOp(aeadOf, suite)], sampling(opts));
  const [record, aead] = m.rates as [number, number];
  return { record: (record * RECORD_BYTES) / MB, aead: (aead * RECORD_BYTES) / MB, ratio: 1 / m.ratios[1]! };
}

const suites = Object.keys(CipherSuiteAead) as CipherSuiteName[];

export const recordBench: Bench = {
  id: 'record',
  title: 'Record protect+unprotect throughput, 16 KiB records (MB/s = 10^6 payload bytes/s)',
  run(opts) {
    const rows: BenchRow[] = [];
    for (const [p, aeadOf] of providers()) {
      for (const suite of suites) {
        const r = rates(aeadOf, suite, opts);
        rows.push({ name: `record/${p}/${suite}`, value: round(r.record), unit: 'MB/s' });
        rows.push({ name: `aead/${p}/${suite}`, value: round(r.aead), unit: 'MB/s' });
        rows.push({ name: `record-ratio/${p}/${suite}`, value: round(r.ratio), unit: 'x' });
      }
    }
    return rows;
  },
  format(rows) {
    const get = (prefix: string, p: string, suite: string) => rows.find((r) => r.name === `${prefix}/${p}/${suite}`)?.value;
    const body = table(
      ['provider / suite', 'record MB/s', 'raw AEAD MB/s', 'record/AEAD'],
      ['noble', 'node'].flatMap((p) =>
        suites.map((s) => {
          const ratio = get('record-ratio', p, s);
          return [`${p} / ${s}`, fmt(get('record', p, s)), fmt(get('aead', p, s)), ratio === undefined ? '-' : `${Math.round(ratio * 100)}%`];
        }),
      ),
    );
    return `${body}\n\n${RATIO_NOTE}`;
  },
};

const round = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));
