/**
 * The scenarios' notes were written for OpenSSL's calls. Through another library's lens the
 * same run shows that library's calls, and a note that is not true of them would teach a
 * falsehood next to the very lines that contradict it. So every note that another lens would
 * show word for word is checked against that lens's run:
 *
 * - a note that follows an application call must follow the same answers as in OpenSSL's run:
 *   the same generic results (and, for `peer_cert`, a certificate present or absent) for that
 *   side's calls up to and including that one;
 * - a note must not speak of OpenSSL's own calls (`SSL_…`, libssl).
 *
 * A note that fails either needs a `lenses` entry for that library: its own text, or null to
 * leave it out. A library's own text, in turn, must not name another library's calls.
 */
import { describe, expect, it } from 'vitest';
import '../src/scenarios/catalogue.js';
import { LENS_NAMES, listScenarios, runScenario, type LensName, type TraceEvent } from '../src/index.js';

/** Each library's call names, as its lens records them (`api`). */
const CALL_WORDS: Readonly<Record<LensName, RegExp>> = {
  openssl: /\bSSL_[A-Za-z0-9_]+/,
  go: /\bConn\.[A-Z]\w*/,
  python: /\bSSLSocket\.|\brecv\(|\bunwrap\(|\bdo_handshake\(/,
  gnutls: /\bgnutls_\w+/,
  rustls: /\bStream::|\bcomplete_io\b|\bsend_close_notify\b|\bStoresClientSessions::/,
  node: /'secureConnect'|'secureConnection'|\bsocket\.\w+|\btls\.connect\b/,
};

/** OpenSSL's own words, its calls and its tools: another lens's note in OpenSSL's wording must not use them. */
const OPENSSL_WORDS = new RegExp(`${CALL_WORDS.openssl.source}|\\blibssl\\b|\\bs_server\\b|\\bs_client\\b`);

/** Every scenario's notes through every lens, run once for both checks. */
const SHOWN = new Map<string, ShownNote[]>();
function shown(name: string, lens: LensName): ShownNote[] {
  const key = `${name}|${lens}`;
  let notes = SHOWN.get(key);
  if (notes === undefined) {
    notes = teachingNotes(name, lens);
    SHOWN.set(key, notes);
  }
  return notes;
}

/** A call as the comparison sees it: what it did, not how the library words it. */
function callFact(e: TraceEvent): string {
  if (e.type !== 'app_call') return e.type;
  const cert = e.call === 'peer_cert' ? (e.certs === undefined ? ` ${e.outcome}` : e.certs > 0 ? ' some' : ' none') : '';
  return `${e.call} ${e.result} ${e.bytes ?? ''} ${e.alert ?? ''}${cert}`;
}

interface ShownNote {
  readonly text: string;
  /** That side's calls up to the note's anchor, when the anchor is an application call. */
  readonly calls: readonly string[] | null;
}

/** The scenario's own notes as shown through `lens` (the engine's notes and the run's first notes left out). */
function teachingNotes(name: string, lens: LensName): ShownNote[] {
  // With a delivery of the user's (here: the scenario's own, restated) narrate adds no note.
  const engine = new Map<string, number>();
  for (const e of runScenario(name, undefined, { lens, policy: {} }).events) if (e.type === 'note') engine.set(e.text, (engine.get(e.text) ?? 0) + 1);
  const notes: ShownNote[] = [];
  const calls: TraceEvent[] = [];
  let last: TraceEvent | null = null;
  for (const e of runScenario(name, undefined, { lens }).events) {
    if (e.type === 'app_call' && e.call !== 'event') calls.push(e);
    if (e.type !== 'note') {
      last = e;
      continue;
    }
    const left = engine.get(e.text) ?? 0;
    if (left > 0) {
      engine.set(e.text, left - 1);
      last = e;
      continue;
    }
    // runScenario's own first notes: which lens, and whether a real run checked it.
    if (e.text.startsWith('Seen through the ') || e.text.startsWith('Not run against the real library')) continue;
    const anchor = last;
    notes.push({
      text: e.text,
      calls: anchor?.type === 'app_call' ? calls.filter((c) => c.side === anchor.side).map(callFact) : null,
    });
  }
  return notes;
}

describe('notes through every lens', () => {
  it('no lens shows a note, in OpenSSL’s words, that its own calls contradict', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { name } of listScenarios()) {
      const own = new Map(shown(name, 'openssl').map((n) => [n.text, n]));
      for (const lens of LENS_NAMES) {
        if (lens === 'openssl') continue;
        for (const n of shown(name, lens)) {
          const base = own.get(n.text);
          if (base === undefined) continue; // the note's own text for this lens
          checked++;
          if (OPENSSL_WORDS.test(n.text)) problems.push(`${name} through ${lens}: speaks of OpenSSL's calls: "${n.text}"`);
          else if (n.calls !== null && base.calls !== null && n.calls.join('; ') !== base.calls.join('; '))
            problems.push(`${name} through ${lens}: follows other answers (${n.calls.join('; ')}) than OpenSSL's (${base.calls.join('; ')}): "${n.text}"`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it("a library's own text names that library's calls, no other's", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { name } of listScenarios()) {
      const own = new Set(shown(name, 'openssl').map((n) => n.text));
      for (const lens of LENS_NAMES) {
        if (lens === 'openssl') continue;
        for (const n of shown(name, lens)) {
          if (own.has(n.text)) continue;
          checked++;
          const others = LENS_NAMES.filter((l) => l !== lens && CALL_WORDS[l].test(n.text));
          if (others.length > 0) problems.push(`${name} through ${lens}: names ${others.join(', ')} calls: "${n.text}"`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });
});
