/**
 * Two runs of one situation, side by side: the moments that answer "when does connect()
 * return, and when does each side learn the server's verdict on the client?" — read from
 * the traces alone, so the comparison says nothing the traces do not show.
 *
 * The usual pair is a TLS 1.2 run and a TLS 1.3 run: in TLS 1.2 (RFC 5246 §7.3) the
 * client's Certificate, CertificateVerify and Finished reach the server before the
 * server's Finished, so a rejection arrives while connect() is still running; in TLS 1.3
 * (RFC 8446 §2, §4.4.4) the client has the server's Finished before it sends its own, and
 * a rejection can only surface on a later call.
 */
import { isTls12Trace } from './render/names.js';
import type { Side, Trace, TraceEvent } from './trace.js';

/** One moment of a run: when, and what the trace said then. */
export interface Moment {
  readonly seq: number;
  readonly time: number;
  readonly text: string;
}

/** The moments of one run; a moment that never happened is undefined. */
export interface KeyMoments {
  readonly scenario: string;
  /** The version the run spoke, from its records (`tls12` records or TLS 1.2-only messages mean TLS 1.2). */
  readonly version: 'TLS 1.2' | 'TLS 1.3';
  readonly clientFinishedSent?: Moment;
  readonly serverFinishedSent?: Moment;
  readonly clientComplete?: Moment;
  readonly serverComplete?: Moment;
  /** The server's verdict on the client: its fatal alert, or its handshake completing. */
  readonly serverJudged?: Moment;
  /** The client's connect() returning (its outcome in the lens's words). */
  readonly connectReturned?: Moment;
  /** The first client call that reported the server's rejection, if any. */
  readonly firstErrorCall?: Moment;
  /** When the client's ledger first held a verdict, known or presumed (docs/fidelity.md "The ledger"). */
  readonly clientLearns?: Moment;
  /** When the client first knew (not presumed) the server's verdict. */
  readonly clientKnows?: Moment;
  /** When the client first presumed a verdict without knowing it. */
  readonly clientPresumes?: Moment;
}

type MomentKey = keyof Omit<KeyMoments, 'scenario' | 'version'>;

const ROWS: ReadonlyArray<readonly [MomentKey, string]> = [
  ['clientFinishedSent', 'client sends its Finished'],
  ['serverFinishedSent', 'server sends its Finished'],
  ['serverJudged', 'server judges the client'],
  ['clientComplete', 'client handshake complete'],
  ['serverComplete', 'server handshake complete'],
  ['clientLearns', 'client learns the verdict'],
  ['connectReturned', 'connect() returns'],
  ['firstErrorCall', 'first call to report a rejection'],
];

function at(ev: TraceEvent, text: string): Moment {
  return { seq: ev.seq, time: ev.time, text };
}

function first(trace: Trace, side: Side, pick: (ev: TraceEvent) => string | undefined): Moment | undefined {
  for (const ev of trace.events) {
    if (ev.side !== side) continue;
    const text = pick(ev);
    if (text !== undefined) return at(ev, text);
  }
  return undefined;
}

function callText(ev: TraceEvent): string {
  if (ev.type !== 'app_call') return '';
  if (ev.api !== undefined && ev.outcome !== undefined) return `${ev.api} → ${ev.outcome}`;
  return `${ev.call}() → ${ev.alert !== undefined ? `${ev.result}(${ev.alert})` : ev.result}`;
}

/** The version a trace spoke: TLS 1.2 if any record was under `tls12` keys or carried a TLS 1.2-only message. */
export function traceVersion(trace: Trace): 'TLS 1.2' | 'TLS 1.3' {
  return isTls12Trace(trace) ? 'TLS 1.2' : 'TLS 1.3';
}

function verdictText(e: TraceEvent): string | undefined {
  if (e.type !== 'peer_verdict') return undefined;
  return `${e.verdict}${e.alert ? ` (${e.alert.description})` : ''}, ${e.basis === 'presumes' ? 'presumed' : 'known'}`;
}

/** The server's verdict on the client: whichever came first, its handshake completing or its fatal alert. */
function serverJudged(trace: Trace, serverComplete: Moment | undefined): Moment | undefined {
  const alert = first(trace, 'server', (e) =>
    e.type === 'alert_sent' && e.description !== 'close_notify' && e.description !== 'user_canceled'
      ? `rejected: alert ${e.description} (${e.epoch})`
      : undefined,
  );
  const accepted = serverComplete && { ...serverComplete, text: 'accepted (its handshake complete)' };
  return [accepted, alert].filter((m): m is Moment => m !== undefined).sort((a, b) => a.seq - b.seq)[0];
}

/** Reads the key moments off one trace. */
export function keyMoments(trace: Trace): KeyMoments {
  const finished = (side: Side): Moment | undefined =>
    first(trace, side, (e) => (e.type === 'record_sent' && e.messages.includes('finished') ? `Finished sent (${e.epoch})` : undefined));
  const complete = (side: Side): Moment | undefined => first(trace, side, (e) => (e.type === 'handshake_complete' ? 'handshake complete' : undefined));
  const serverComplete = complete('server');
  const verdict = (basis: 'knows' | 'presumes'): Moment | undefined =>
    first(trace, 'client', (e) => (e.type === 'peer_verdict' && (e.basis ?? 'knows') === basis ? verdictText(e) : undefined));
  return {
    scenario: trace.scenario,
    version: traceVersion(trace),
    clientFinishedSent: finished('client'),
    serverFinishedSent: finished('server'),
    clientComplete: complete('client'),
    serverComplete,
    serverJudged: serverJudged(trace, serverComplete),
    connectReturned: first(trace, 'client', (e) =>
      e.type === 'app_call' && e.call === 'connect' && e.result !== 'blocked' && e.result !== 'want_read' ? callText(e) : undefined,
    ),
    firstErrorCall: first(trace, 'client', (e) => (e.type === 'app_call' && e.call !== 'event' && e.result === 'error' ? callText(e) : undefined)),
    clientLearns: first(trace, 'client', verdictText),
    clientKnows: verdict('knows'),
    clientPresumes: verdict('presumes'),
  };
}

function cell(m: Moment | undefined): string {
  return m === undefined ? '—' : `${String(m.time).padStart(3)} ms  ${m.text}`;
}

function fit(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s + ' '.repeat(width - chars.length) : `${chars.slice(0, width - 1).join('')}…`;
}

/** The conclusion in one sentence, from the moments alone. */
export function connectVerdictSummary(m: KeyMoments): string {
  const connect = m.connectReturned;
  const rejected = m.serverJudged?.text.startsWith('rejected') === true;
  if (connect === undefined) return `${m.version}: connect() never returned.`;
  if (!rejected) {
    const knew = m.clientKnows !== undefined && m.clientKnows.seq < connect.seq;
    return `${m.version}: the server accepted; connect() returned at ${connect.time} ms (${connect.text}), ${knew ? 'the client already knowing it' : 'the client not yet knowing it'}.`;
  }
  const judgedFirst = m.serverJudged !== undefined && m.serverJudged.seq < connect.seq;
  const connectFailed = m.firstErrorCall !== undefined && m.firstErrorCall.seq === connect.seq;
  if (connectFailed) return `${m.version}: the server rejected the client before connect() returned, and connect() itself reported it (${connect.text}).`;
  const later =
    m.firstErrorCall === undefined ? 'no later call reported it' : `only a later call reported it, at ${m.firstErrorCall.time} ms (${m.firstErrorCall.text})`;
  return `${m.version}: connect() returned at ${connect.time} ms (${connect.text}) ${judgedFirst ? 'after' : 'before'} the server rejected the client; ${later}.`;
}

/** Both runs' moments and conclusions, as `tls13sim compare --format json` prints them. */
export function compareJson(left: Trace, right: Trace): { readonly runs: readonly KeyMoments[]; readonly summary: readonly string[] } {
  const runs = [keyMoments(left), keyMoments(right)];
  return { runs, summary: runs.map(connectVerdictSummary) };
}

/**
 * The two runs' key moments in two columns (the left one as wide as its longest cell, up to
 * `maxWidth`), then one sentence per run.
 */
export function renderComparison(left: Trace, right: Trace, maxWidth = 64): string {
  const a = keyMoments(left);
  const b = keyMoments(right);
  const label = Math.max(...ROWS.map(([, n]) => n.length));
  const titleA = `${a.version} — ${a.scenario} (seed ${left.seed})`;
  const width = Math.min(maxWidth, Math.max(titleA.length, ...ROWS.map(([k]) => [...cell(a[k])].length)));
  const out: string[] = [];
  out.push(`${fit('', label)} │ ${fit(titleA, width)} │ ${b.version} — ${b.scenario} (seed ${right.seed})`);
  out.push(`${'─'.repeat(label)}─┼─${'─'.repeat(width)}─┼─${'─'.repeat(width)}`);
  for (const [key, name] of ROWS) out.push(`${fit(name, label)} │ ${fit(cell(a[key]), width)} │ ${cell(b[key])}`);
  for (const m of [a, b]) out.push('', ...wrap(connectVerdictSummary(m), 100));
  return `${out.join('\n')}\n`;
}

/** A sentence in lines of at most `width` characters (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
