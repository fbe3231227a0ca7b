import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/scenarios/catalogue.js';
import { scenarioSim } from '../src/scenarios/build.js';
import {
  EPOCH_COLOURS,
  listScenarios,
  openSslLens,
  parseTrace,
  recordFlights,
  renderHtml,
  renderSvg,
  runScenario,
  teachingNotes,
  traceToJson,
  type DeliveryPolicy,
  type Trace,
  type TraceEvent,
} from '../src/index.js';

// ——— a small strict XML checker ——————————————————————————————————————————————————

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
// XML 1.0 Char: tab, LF, CR and U+0020 up, minus U+FFFE/U+FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 forbids are what this test looks for
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Checks text between tags or inside an attribute value: no `<`, no `&` that does not start an entity. */
function checkText(s: string, where: string, errors: string[]): void {
  if (BAD_CHAR.test(s)) errors.push(`${where}: a character XML does not allow`);
  if (s.includes('<')) errors.push(`${where}: raw <`);
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    if (!ENTITY.test(s.slice(i))) errors.push(`${where}: raw & at ${JSON.stringify(s.slice(i, i + 12))}`);
  }
}

/**
 * Well-formedness, strictly: one root element, every tag closed and nested, names valid,
 * every attribute quoted and unique, no raw `&` or `<` in text or values, and (stricter
 * than XML) no raw `>` in text either — the renderer escapes it.
 */
function xmlErrors(doc: string): string[] {
  const errors: string[] = [];
  let s = doc;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(s);
  if (decl) s = s.slice(decl[0].length);
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const textPart = s.slice(i, lt < 0 ? s.length : lt);
    if (textPart.length > 0) {
      if (stack.length === 0 && textPart.trim().length > 0) errors.push(`text outside the root: ${JSON.stringify(textPart.slice(0, 20))}`);
      checkText(textPart, 'text', errors);
      if (textPart.includes('>')) errors.push(`text: raw > in ${JSON.stringify(textPart.slice(0, 40))}`);
    }
    if (lt < 0) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt);
      if (end < 0) return [...errors, 'unterminated comment'];
      i = end + 3;
      continue;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) return [...errors, 'unterminated tag'];
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) errors.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s/>]+)/.exec(body);
    if (m === null || !NAME.test(m[1]!)) {
      errors.push(`bad tag name in <${tag.slice(0, 20)}>`);
      continue;
    }
    const name = m[1]!;
    let rest = body.slice(name.length);
    const seen = new Set<string>();
    while (rest.trim().length > 0) {
      const a = /^\s+([^\s=]+)="([^"]*)"/.exec(rest) ?? /^\s+([^\s=]+)='([^']*)'/.exec(rest);
      if (a === null) {
        errors.push(`<${name}>: unquoted or malformed attribute near ${JSON.stringify(rest.slice(0, 30))}`);
        break;
      }
      if (!NAME.test(a[1]!)) errors.push(`<${name}>: bad attribute name ${a[1]}`);
      if (seen.has(a[1]!)) errors.push(`<${name}>: duplicate attribute ${a[1]}`);
      seen.add(a[1]!);
      checkText(a[2]!, `<${name} ${a[1]}>`, errors);
      rest = rest.slice(a[0].length);
    }
    if (stack.length === 0) roots++;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) errors.push(`${roots} root elements`);
  return errors;
}

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** `xmllint --noout` on each document; their errors, empty when all parse. */
function xmllint(docs: ReadonlyArray<[string, string]>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tls13sim-svg-'));
  const files = docs.map(([name, doc]) => {
    const file = join(dir, `${name}.svg`);
    writeFileSync(file, doc);
    return file;
  });
  const r = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8' });
  return r.status === 0 ? [] : [r.stderr || `xmllint exited ${r.status}`];
}

// ——— reading the SVG back ——————————————————————————————————————————————————————————

type Attrs = Record<string, string>;

function attrsOf(tag: string): Attrs {
  const out: Attrs = {};
  for (const m of tag.matchAll(/([-A-Za-z0-9:]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The `<g>` groups whose class is `cls` (possibly followed by more classes), with their attributes and inner markup. */
function groups(svg: string, cls: string): Array<{ attrs: Attrs; inner: string }> {
  const out: Array<{ attrs: Attrs; inner: string }> = [];
  const re = new RegExp(`<g class="${cls}(?: [^"]*)?"[^>]*>`, 'g');
  for (const m of svg.matchAll(re)) {
    // These groups hold no nested <g>.
    const end = svg.indexOf('</g>', m.index + m[0].length);
    out.push({ attrs: attrsOf(m[0]), inner: svg.slice(m.index + m[0].length, end) });
  }
  return out;
}

const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The visible text of some markup: its `<text>` elements, one per line. */
function texts(markup: string): string[] {
  return [...markup.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescapeXml(m[1]!));
}

function firstLine(markup: string): Attrs {
  const m = /<line[^>]*\/>/.exec(markup);
  if (m === null) throw new Error('no <line>');
  return attrsOf(m[0]);
}

// ——— runs ——————————————————————————————————————————————————————————————————————————

function policyRun(name: string, policy: DeliveryPolicy): Trace {
  const sim = scenarioSim(name, 3, { policy });
  const c = openSslLens(sim, 'client', { blocking: true });
  try {
    c.connect();
    c.write(new TextEncoder().encode('hi'));
    c.read(100);
  } catch {
    // A fault may leave a blocking call with nothing to wait for; the trace is what matters.
  }
  sim.run();
  return sim.toTrace();
}

const cv = runScenario('client-cv-rejected');

describe('the strict XML checker (what the SVG tests rely on)', () => {
  it('accepts a well-formed document and rejects each kind of malformation', () => {
    expect(xmlErrors('<?xml version="1.0"?>\n<a x="1"><b y=\'2\'/>t &amp; &#39; &#x3c;</a>\n')).toEqual([]);
    expect(xmlErrors('<a><b></a>')).not.toEqual([]);
    expect(xmlErrors('<a x=1></a>')).not.toEqual([]);
    expect(xmlErrors('<a>fish & chips</a>')).not.toEqual([]);
    expect(xmlErrors('<a>1 < 2</a>')).not.toEqual([]);
    expect(xmlErrors('<a x="<"></a>')).not.toEqual([]);
    expect(xmlErrors('<a x="1" x="2"></a>')).not.toEqual([]);
    expect(xmlErrors('<a></a><b></b>')).not.toEqual([]);
    expect(xmlErrors('<a>\u0001</a>')).not.toEqual([]);
    expect(xmlErrors('<a>')).not.toEqual([]);
  });
});

describe('renderSvg', () => {
  it('client-cv-rejected: the SVG is well-formed, with xmlns, role="img", an aria-label, <title> and <desc>', () => {
    const svg = renderSvg(cv);
    expect(xmlErrors(svg)).toEqual([]);
    const root = attrsOf(/<svg[^>]*>/.exec(svg)![0]);
    expect(root.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.role).toBe('img');
    expect(root['aria-label']).toContain('client-cv-rejected');
    expect(root.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(svg).toMatch(/<svg[^>]*>\n<title>[^<]+<\/title>\n<desc>[^<]+<\/desc>/);
    // Real text a screen reader or a search can reach.
    expect(texts(svg)).toContain('» SSL_connect → 1');
  });

  it.skipIf(!hasXmllint)('client-cv-rejected: xmllint parses it', () => {
    expect(xmllint([['client-cv-rejected', renderSvg(cv)]])).toEqual([]);
  });

  it("client-cv-rejected: the client's Certificate/CertificateVerify/Finished arrow arrives after SSL_connect returned, crossing that moment", () => {
    const svg = renderSvg(cv);
    const connect = groups(svg, 'ev app_call').find((g) => g.attrs['data-side'] === 'client' && g.attrs['data-call'] === 'connect')!;
    expect(texts(connect.inner)).toEqual(['» SSL_connect → 1']);
    const flight = groups(svg, 'record').find((g) => g.attrs['data-from'] === 'client' && texts(g.inner).join(' ').includes('{CertificateVerify}'))!;
    expect(texts(flight.inner).join(' ')).toBe('{Certificate} {CertificateVerify} {Finished}');
    expect(flight.attrs['data-epoch']).toBe('handshake');
    expect(Number(flight.attrs['data-sent-time'])).toBe(20);
    expect(Number(flight.attrs['data-arrived-time'])).toBe(30);
    expect(Number(flight.attrs['data-arrived-seq'])).toBeGreaterThan(Number(connect.attrs['data-seq']));
    // Drawn: the arrow starts above the dashed "has returned" line and ends below it.
    const moment = groups(svg, 'app-return').find((g) => g.attrs['data-side'] === 'client' && g.attrs['data-call'] === 'connect')!;
    const y = Number(firstLine(moment.inner).y1);
    const arrow = firstLine(flight.inner);
    expect(Number(arrow.y1)).toBeLessThan(y);
    expect(Number(arrow.y2)).toBeGreaterThan(y);
    expect(arrow.stroke).toBe(EPOCH_COLOURS.handshake);
  });

  it('client-cv-rejected: the late alert is drawn as an application_data record that is an alert under application keys', () => {
    const svg = renderSvg(cv);
    const alerts = groups(svg, 'record').filter((g) => g.attrs['data-inner-type'] === 'alert');
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert!.attrs).toMatchObject({
      'data-from': 'server',
      'data-outer-type': 'application_data',
      'data-epoch': 'application',
      'data-arrived-time': '40',
    });
    const label = texts(alert!.inner).join(' ');
    expect(label).toContain('[Alert(fatal, decrypt_error)]');
    expect(label).toContain('application_data');
    expect(label).toContain('under application keys');
    expect(firstLine(alert!.inner).stroke).toBe(EPOCH_COLOURS.application);
  });

  it("client-cv-rejected: the server's flight arrives buffered and a dashed segment runs to when the client's library reads each record", () => {
    const svg = renderSvg(cv);
    const processed = cv.events.filter((e) => e.type === 'processed' && e.side === 'client').map((e) => String(e.seq));
    const fromServer = groups(svg, 'record').filter((g) => g.attrs['data-from'] === 'server');
    expect(fromServer.map((g) => g.attrs['data-processed-seq'])).toEqual(processed);
    for (const g of fromServer) expect(g.inner).toContain('stroke-dasharray="4 3"');
  });

  it("draws each side's lanes: states, key epochs, ★, verdicts with their basis, API calls, alerts and numbered notes", () => {
    const svg = renderSvg(cv);
    // Each event's text, its wrapped lines joined.
    const all = groups(svg, 'ev').map((g) => texts(g.inner).join(' '));
    all.push(...texts(svg));
    for (const t of [
      'WAIT_FINISHED → CONNECTED',
      'WAIT_CV → CLOSED',
      'keys: write application',
      '★ handshake complete',
      '✗ verdict: rejected (knows)',
      '✗ alert received: decrypt_error (fatal)',
      '» SSL_read → 0 SSL_ERROR_SSL: tlsv1',
      'API calls (openssl)',
    ]) {
      expect(
        all.some((x) => x.startsWith(t)),
        t,
      ).toBe(true);
    }
    // Epoch bars in the epoch colours: both sides go plaintext → handshake → application.
    const bars = [...svg.matchAll(/<rect[^>]*data-epoch="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(bars)).toEqual(new Set(['plaintext', 'handshake', 'application']));
    const notes = teachingNotes(cv);
    expect(notes.length).toBeGreaterThan(5);
    expect(groups(svg, 'note-marker')).toHaveLength(notes.length);
    const column = groups(svg, 'note');
    expect(column.map((g) => g.attrs['data-number'])).toEqual(notes.map((x) => String(x.number)));
    expect(texts(column[0]!.inner).slice(1).join(' ')).toBe(notes[0]!.text);
  });

  it('every catalogue scenario renders a well-formed SVG and HTML page, seen through OpenSSL and through Node (whose callbacks are events)', () => {
    const docs: Array<[string, string]> = [];
    for (const lens of ['openssl', 'node'] as const) {
      for (const def of listScenarios()) {
        const trace = runScenario(def.name, undefined, { lens });
        const svg = renderSvg(trace);
        expect(xmlErrors(svg), def.name).toEqual([]);
        expect(groups(svg, 'record')).toHaveLength(trace.events.filter((e) => e.type === 'record_sent').length);
        const html = renderHtml(trace);
        expect(xmlErrors(html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6)), def.name).toEqual([]);
        docs.push([`${lens}-${def.name}`, svg]);
      }
    }
    expect(docs.length).toBeGreaterThan(40);
    if (hasXmllint) expect(xmllint(docs)).toEqual([]);
  });

  it('escapes & < > " in every text, the scenario name and notes included', () => {
    const nasty = 'a <b> & "c" \'d\' \u0001';
    const events: TraceEvent[] = [
      ...cv.events,
      { seq: cv.events.length, time: 40, side: 'client', type: 'note', text: `note ${nasty}` },
      { seq: cv.events.length + 1, time: 40, side: 'server', type: 'note', text: `fact ${nasty}`, fact: 'x<y' },
      { seq: cv.events.length + 2, time: 40, side: 'client', type: 'app_call', call: 'read', result: 'error', api: 'SSL_read<>', outcome: '-1 "&"' },
    ];
    const trace: Trace = { ...cv, scenario: `s<&>"`, events };
    const svg = renderSvg(trace);
    expect(xmlErrors(svg)).toEqual([]);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; \uFFFD');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('s&lt;&amp;&gt;&quot;');
    expect(texts(svg)).toContain('» SSL_read<> → -1 "&"');
    const html = renderHtml(trace);
    expect(html).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(html).not.toContain('<b>');
    if (hasXmllint) expect(xmllint([['nasty', svg]])).toEqual([]);
  });

  it('an empty trace still gives a well-formed SVG and page', () => {
    const empty: Trace = { version: 1, scenario: 'empty', seed: 0, events: [] };
    expect(xmlErrors(renderSvg(empty))).toEqual([]);
    expect(renderHtml(empty)).toContain('This scenario has no notes.');
  });

  it('is deterministic: the same trace gives the same string, also after a JSON round trip or a re-run', () => {
    const svg = renderSvg(cv);
    expect(renderSvg(cv)).toBe(svg);
    expect(renderSvg(parseTrace(traceToJson(cv)))).toBe(svg);
    expect(renderSvg(runScenario('client-cv-rejected'))).toBe(svg);
    expect(renderHtml(cv)).toBe(renderHtml(parseTrace(traceToJson(cv))));
  });

  it('renders faulty and fragmented runs: dropped and cut records stop short, injected bytes come from the network', () => {
    const runs: Array<[string, DeliveryPolicy]> = [
      ['split', { unit: { kind: 'split' } }],
      ['drop', { faults: [{ kind: 'drop', at: { direction: 'server_to_client', index: 0 } }] }],
      ['duplicate', { faults: [{ kind: 'duplicate', at: { direction: 'client_to_server', index: 1 } }] }],
      ['truncate', { faults: [{ kind: 'truncate', at: { direction: 'server_to_client', index: 0 }, keep: 300 }] }],
      ['corrupt', { faults: [{ kind: 'corrupt', at: { direction: 'server_to_client', index: 0 }, offset: 200, xor: 1 }] }],
      ['inject', { faults: [{ kind: 'inject', at: { direction: 'client_to_server', index: 1 }, bytes: new Uint8Array([21, 3, 3, 0, 2, 2, 40]) }] }],
    ];
    const docs: Array<[string, string]> = [];
    for (const [name, policy] of runs) {
      const svg = renderSvg(policyRun(name, policy));
      expect(xmlErrors(svg), name).toEqual([]);
      docs.push([name, svg]);
    }
    const fates = (svg: string): string[] => groups(svg, 'record').map((g) => g.attrs['data-fate']!);
    const doc = new Map(docs);
    expect(fates(doc.get('drop')!)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates(doc.get('truncate')!)).toContain('truncated');
    expect(fates(doc.get('corrupt')!)).toContain('corrupted');
    expect(groups(doc.get('inject')!, 'injected')).toHaveLength(1);
    if (hasXmllint) expect(xmllint(docs)).toEqual([]);
  });
});

describe('recordFlights', () => {
  it('matches records to deliveries by byte offset: a record split over several deliveries arrives at the last one', () => {
    const trace = policyRun('split', { unit: { kind: 'split' } });
    const delivered = trace.events.filter((e) => e.type === 'delivered');
    expect(delivered.length).toBeGreaterThan(trace.events.filter((e) => e.type === 'record_sent').length);
    for (const f of recordFlights(trace).records) {
      expect(f.fate).toBe('delivered');
      const d = f.arrived!;
      // The delivery that arrives it is the one whose cumulative bytes in that direction first cover the record's end.
      const before = delivered.filter((e) => e.direction === f.direction && e.seq < d.seq).reduce((n, e) => n + e.taken, 0);
      expect(before).toBeLessThan(f.offset + f.size);
      expect(before + d.taken).toBeGreaterThanOrEqual(f.offset + f.size);
      // The receiver decoded it after it arrived, and (when buffered) at the read that pulled it.
      const received = trace.events.find((e) => e.type === 'record_received' && e.side === f.to && e.hex === f.sent.hex)!;
      expect(received.seq).toBeGreaterThan(d.seq);
      if (f.processed !== undefined) expect(received.seq).toBe(f.processed.seq + 1);
    }
  });

  it('a duplicated unit: the record arrives at its first copy and is marked duplicated', () => {
    const trace = policyRun('duplicate', { faults: [{ kind: 'duplicate', at: { direction: 'client_to_server', index: 1 } }] });
    const dup = trace.events.find((e) => e.type === 'delivered' && e.fault?.kind === 'duplicate')!;
    const f = recordFlights(trace).records.find((r) => r.duplicated)!;
    expect(f.arrived?.seq).toBe(dup.seq);
    expect(f.fate).toBe('delivered');
  });

  it('a record whose receiver is closed is discarded', () => {
    const f = recordFlights(cv).records.find((r) => r.from === 'client' && r.sent.innerType === 'application_data')!;
    expect(f.discarded).toBe(true);
    expect(f.arrived?.time).toBe(30);
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: no http(s) reference, no script, the SVG inline and well-formed', () => {
    const html = renderHtml(cv);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\((?!#)/i);
    const start = html.indexOf('<svg');
    const end = html.indexOf('</svg>') + '</svg>'.length;
    expect(start).toBeGreaterThan(0);
    const svg = html.slice(start, end);
    expect(xmlErrors(svg)).toEqual([]);
    expect(attrsOf(/<svg[^>]*>/.exec(svg)![0]).role).toBe('img');
    expect(svg).toBe(renderSvg(cv, { embedded: true }).trimEnd());
  });

  it('has a title, the epoch colour legend and the notes as an ordered list numbered as the markers', () => {
    const html = renderHtml(cv);
    expect(html).toContain('<title>tls13sim — client-cv-rejected (seed 1)</title>');
    for (const [epoch, colour] of Object.entries(EPOCH_COLOURS)) {
      expect(html, epoch).toMatch(
        new RegExp(`<span class="swatch" style="background:${colour}"></span><strong[^>]*>[^<]*${epoch === 'plaintext' ? 'plaintext' : epoch}`),
      );
    }
    const items = [...html.matchAll(/<li value="(\d+)">.*?— (.*)<\/li>/g)];
    const notes = teachingNotes(cv);
    expect(items.map((m) => Number(m[1]))).toEqual(notes.map((x) => x.number));
    expect(items.map((m) => unescapeXml(m[2]!))).toEqual(notes.map((x) => x.text));
  });
});
