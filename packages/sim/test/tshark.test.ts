/**
 * An independent decoder reads our captures: `tls13sim run <scenario> --pcap F --keylog K`
 * for `full-handshake` and `client-cv-rejected`, then tshark (Wireshark's dissector) with
 * the NSS keylog decrypts every TLS record and shows the handshake messages and the alert
 * in the order the scenario sent them.
 *
 * tshark is installed by .ci/run. Without it the tests fail under CI (CI set) and are
 * skipped, with the reason in their name, elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertName } from '@tls13sim/record';
import { runScenario, type Trace, type TraceEvent } from '../src/index.js';
import { runCli } from '../src/cli/main.js';
import { HANDSHAKE_TYPE } from '../src/render/names.js';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' }).status === 0;
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const run = hasTshark || inCi;
const reason = run ? '' : ' (skipped: tshark is not installed and CI is not set)';

const CONTENT_TYPE_NAME: Record<string, string> = { '20': 'change_cipher_spec', '21': 'alert', '22': 'handshake', '23': 'application_data' };

/** One captured TCP segment with TLS in it, as tshark decoded it. */
interface Row {
  readonly from: 'client' | 'server';
  /** Records whose end is in this segment (tls.record.length), decrypted or not. */
  readonly records: number;
  /** Content types tshark knows (inner types of decrypted records). */
  readonly contentTypes: string[];
  readonly handshake: string[];
  readonly alerts: string[];
}

function exportCapture(name: string): Promise<{ pcap: string; keylog: string }> {
  const dir = mkdtempSync(join(tmpdir(), `tls13sim-tshark-${name}-`));
  const pcap = join(dir, `${name}.pcap`);
  const keylog = join(dir, `${name}.keylog`);
  return runCli(['run', name, '--format', 'json', '--pcap', pcap, '--keylog', keylog], {
    stdout: () => {},
    stderr: (t) => {
      throw new Error(t);
    },
    writeFile: (p, d) => writeFileSync(p, d),
  }).then((code) => {
    if (code !== 0) throw new Error(`run ${name} exited ${code}`);
    return { pcap, keylog };
  });
}

function tshark(pcap: string, keylog: string): Row[] {
  if (!hasTshark) throw new Error('tshark is not installed: .ci/run installs it (apt-get install tshark)');
  const fields = ['tcp.srcport', 'tls.record.length', 'tls.record.content_type', 'tls.handshake.type', 'tls.alert_message.desc'];
  const out = execFileSync('tshark', ['-r', pcap, '-o', `tls.keylog_file:${keylog}`, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const list = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(','));
  return out
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((cols) => list(cols[1]).length > 0)
    .map(([port, lengths, types, hs, alerts]) => ({
      from: port === '443' ? 'server' : 'client',
      records: list(lengths).length,
      contentTypes: list(types).map((t) => CONTENT_TYPE_NAME[t] ?? t),
      handshake: list(hs).map((t) => HANDSHAKE_TYPE[Number(t)] ?? t),
      alerts: list(alerts).map((a) => alertName(Number(a))),
    }));
}

/** What the trace says each delivered segment carried: the records that end in it, in order. */
function expectedRows(trace: Trace): Row[] {
  const sent = { client: [] as Array<Extract<TraceEvent, { type: 'record_sent' }>>, server: [] as Array<Extract<TraceEvent, { type: 'record_sent' }>> };
  for (const e of trace.events) if (e.type === 'record_sent' && e.side !== 'network') sent[e.side].push(e);
  const taken = { client: 0, server: 0 };
  const ends = { client: 0, server: 0 };
  const next = { client: 0, server: 0 };
  const rows: Row[] = [];
  for (const e of trace.events) {
    if (e.type !== 'delivered') continue;
    const from = e.direction === 'client_to_server' ? 'client' : 'server';
    taken[from] += e.taken;
    const records = [];
    while (next[from] < sent[from].length && ends[from] + sent[from][next[from]]!.hex.length / 2 <= taken[from]) {
      const r = sent[from][next[from]++]!;
      ends[from] += r.hex.length / 2;
      records.push(r);
    }
    if (records.length === 0) continue;
    rows.push({
      from,
      records: records.length,
      contentTypes: records.map((r) => r.innerType),
      handshake: records.flatMap((r) => r.messages.map((m) => (m === 'hello_retry_request' ? 'server_hello' : m))),
      alerts: records.flatMap((r) => (r.alert === undefined ? [] : [r.alert.description])),
    });
  }
  return rows;
}

const summary = (rows: readonly Row[]): string[] =>
  rows.map((r) => `${r.from}: ${[...r.handshake, ...r.alerts.map((a) => `alert ${a}`), ...r.contentTypes.filter((t) => t === 'application_data')].join(' ')}`);

describe(`tshark decrypts the captures of the scenarios${reason}`, () => {
  it.skipIf(!run)('is installed where CI runs the tests', () => {
    expect(hasTshark, 'tshark is not installed: .ci/run installs it from Debian').toBe(true);
  });

  it.skipIf(!run)('full-handshake: decrypts every record and shows ClientHello … Finished, then the data, in order', async () => {
    const { pcap, keylog } = await exportCapture('full-handshake');
    const rows = tshark(pcap, keylog);
    for (const r of rows) expect(r.contentTypes, 'every record decrypted').toHaveLength(r.records);
    expect(rows).toEqual(expectedRows(runScenario('full-handshake')));
    expect(summary(rows)).toEqual([
      'client: client_hello',
      'server: server_hello encrypted_extensions certificate certificate_verify finished',
      'client: finished',
      'client: application_data',
      'server: application_data',
    ]);
  });

  it.skipIf(!run)(
    "client-cv-rejected: decrypts every record and shows the client's Certificate, CertificateVerify, Finished, then the server's decrypt_error",
    async () => {
      const { pcap, keylog } = await exportCapture('client-cv-rejected');
      const rows = tshark(pcap, keylog);
      for (const r of rows) expect(r.contentTypes, 'every record decrypted').toHaveLength(r.records);
      expect(rows).toEqual(expectedRows(runScenario('client-cv-rejected')));
      expect(summary(rows)).toEqual([
        'client: client_hello',
        'server: server_hello encrypted_extensions certificate_request certificate certificate_verify finished',
        'client: certificate certificate_verify finished',
        'client: application_data',
        'server: alert decrypt_error',
      ]);
    },
  );
});
