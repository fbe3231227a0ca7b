/**
 * The HTML timeline: one self-contained page (no external resources, no script) with a
 * title, how to read it, the epoch colour legend, the SVG timeline inline, the teaching
 * notes as an ordered list (numbered as the SVG's markers) and the text timeline for
 * readers who do not see the drawing.
 */
import type { Trace } from '../trace.js';
import { epochColour } from './epoch-colours.js';
import { bracket, isTls12Trace } from './names.js';
import { epochsOf, escapeXml, renderSvg, teachingNotes } from './svg.js';
import { renderTimeline } from './timeline.js';

const CSS = [
  'body{margin:0;padding:16px 20px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#ffffff}',
  'h1{font-size:20px;margin:0 0 6px}',
  'h2{font-size:16px;margin:18px 0 6px}',
  'p{margin:4px 0;max-width:72em}',
  'ul.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 18px}',
  'ul.legend li{display:flex;align-items:center;gap:6px}',
  '.swatch{display:inline-block;width:18px;height:12px;border-radius:2px}',
  'figure{margin:12px 0}',
  '.scroll{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px}',
  '.scroll svg{display:block}',
  'ol.notes{max-width:72em;padding-left:2em}',
  'ol.notes li{margin:4px 0}',
  '.when{color:#57606a;font-size:12px}',
  'pre{font:12px/1.35 ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;overflow-x:auto;background:#f6f8fa;padding:10px;border-radius:6px}',
  'summary{cursor:pointer;font-weight:600}',
  'footer{margin-top:18px;color:#57606a;font-size:12px}',
].join('\n');

const EPOCH_MEANING: Readonly<Record<string, string>> = {
  plaintext: 'no keys: ClientHello, ServerHello, HelloRetryRequest (bare)',
  early: '0-RTT keys from a resumed session (RFC 8446 §2.3)',
  handshake: 'handshake keys: the rest of the handshake (RFC 8446 §7.1)',
  application: 'application traffic keys (RFC 8446 §7.1)',
  tls12:
    "TLS 1.2 keys from the master secret's key block (RFC 5246 §6.3): each side switches to them with its ChangeCipherSpec (RFC 5246 §7.1), and protects its Finished and everything after under them",
};

export function renderHtml(trace: Trace): string {
  const title = `tls13sim — ${trace.scenario} (seed ${trace.seed})`;
  const notes = teachingNotes(trace);
  const legend = epochsOf(trace).map((epoch) => {
    const name = bracket(epoch, epoch === 'plaintext' ? 'plaintext' : epoch.replace(/\+\d+$/, ''));
    const meaning = EPOCH_MEANING[epoch] ?? `application keys after ${epoch.slice('application+'.length)} KeyUpdate(s) (RFC 8446 §4.6.3)`;
    return `<li><span class="swatch" style="background:${epochColour(epoch)}"></span><strong style="color:${epochColour(epoch)}">${escapeXml(name)}</strong> — ${escapeXml(meaning)}</li>`;
  });
  const noteItems = notes.map(
    (note) => `<li value="${note.number}"><span class="when">${escapeXml(`${note.time} ms · ${note.side}`)}</span> — ${escapeXml(note.text)}</li>`,
  );
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeXml(title)}</h1>`,
    '<p>Time runs down, in virtual milliseconds; the client is on the left, the server on the right. Each solid arrow is one record, from the moment it was sent to the moment its bytes arrived in the peer’s socket; a dashed segment continues down the receiver’s side while the bytes wait there, until its library reads them. A dashed line across the network marks the moment <code>connect()</code> (or <code>accept()</code>) returns: an arrow crossing it was still in the air.</p>',
    isTls12Trace(trace)
      ? '<p>Each side has lanes for its API calls (as its library reports them), its ledger (★ handshake complete, RFC 5246 §7.4.9; its verdict on the peer, which it <em>knows</em> or only <em>presumes</em>; alerts), its TLS 1.2 states (the messages of RFC 5246 §7.3 it waits for) and key changes, and two bars with the keys it reads (r) and writes (w) with.</p>'
      : '<p>Each side has lanes for its API calls (as its library reports them), its ledger (★ handshake complete, RFC 8446 §4.4.4; its verdict on the peer, which it <em>knows</em> or only <em>presumes</em>; alerts), its RFC 8446 Appendix A states and key changes, and two bars with the keys it reads (r) and writes (w) with.</p>',
    '</header>',
    '<section aria-labelledby="legend-h">',
    '<h2 id="legend-h">Key epochs</h2>',
    `<ul class="legend">\n${legend.join('\n')}\n</ul>`,
    isTls12Trace(trace)
      ? '<p>TLS 1.2: a record under keys keeps its real outer type (RFC 5246 §6.2); <code>‹›</code> and colour mark it. A ChangeCipherSpec is the key switch itself: the sender’s next record is the first under its new keys (RFC 5246 §7.1).</p>'
      : '<p>Records under keys travel as outer type <code>application_data</code> (RFC 8446 §5.2): the brackets and colour say what they carry.</p>',
    '</section>',
    '<figure>',
    `<div class="scroll">\n${renderSvg(trace, { embedded: true }).trimEnd()}\n</div>`,
    `<figcaption>The timeline of ${escapeXml(trace.scenario)}: hover an arrow or a numbered marker for its details.</figcaption>`,
    '</figure>',
    '<section aria-labelledby="notes-h">',
    '<h2 id="notes-h">Notes</h2>',
    notes.length > 0 ? `<ol class="notes">\n${noteItems.join('\n')}\n</ol>` : '<p>This scenario has no notes.</p>',
    '</section>',
    '<details>',
    '<summary>The same run as a text timeline</summary>',
    `<pre>${escapeXml(renderTimeline(trace))}</pre>`,
    '</details>',
    `<footer>Generated by tls13sim from its trace (format version ${trace.version}), scenario ${escapeXml(trace.scenario)}, seed ${trace.seed}.</footer>`,
    '</body>',
    '</html>',
  ];
  return `${html.join('\n')}\n`;
}
