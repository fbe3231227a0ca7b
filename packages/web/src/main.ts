/// <reference lib="dom" />
/**
 * The stepper page (README "In the browser: the stepper"): any catalogue scenario, seed and lens, one delivery
 * unit per step, forward and back, with both sides' Appendix A states (the current one
 * lit), each side's ledger (knows / presumes, and the peer's real verdict it cannot see),
 * the application's calls through the chosen lens, every record decoded, and the SVG
 * timeline so far. Plain DOM, no UI library: the page is a handful of lists and a table
 * redrawn on each step, which needs no diffing or components.
 *
 * The scenario runs in the page (noble provider) once per scenario/seed/lens; a step is a
 * prefix of its trace (model.ts). With "choose deliveries" (scenarios that have a
 * `setup`), the run is live and each step is a delivery the student picks: direction,
 * bytes, and a fault (live.ts). The URL hash is the permalink.
 */
import { EPOCH_COLOURS, LENS_NAMES, callText, camel, getScenario, renderSvg, type Side, type TraceEvent } from '@tls13sim/sim/browser';
import { decodeRecords, type DecodedRecord } from './decode.js';
import { DIRECTIONS, hasLive, type FaultKind, type LiveChoice } from './live.js';
import { $, SIDES, decodedView, epochNode, eventLine, fateText, h, recordBytes, verdictNode } from './views.js';
import { LiveSession, Run, STATES_TLS12, formatHash, parseHash, scenarioNames, type Permalink, type StepView } from './model.js';

const runs = new Map<string, Run>();
let link: Permalink = parseHash('').link;
let run: Run | undefined;
let session: LiveSession | undefined;

function sessionFor(p: Permalink): LiveSession {
  if (session === undefined || session.scenario !== p.scenario || session.seed !== p.seed || session.lens !== p.lens || session.encoded !== p.choices) {
    session = new LiveSession(p.scenario, p.seed, p.lens, p.choices ?? '');
    const problem = session.replayAll();
    if (problem !== undefined) showProblem(`permalink: ${problem}`);
  }
  return session;
}

function showProblem(text: string | undefined): void {
  const problems = $('problems');
  problems.hidden = text === undefined;
  problems.textContent = text ?? '';
}

const dirName = (d: string) => (d === 'client_to_server' ? 'client → server' : 'server → client');

/** The student picked the custom form's direction at this step: leave it; otherwise it follows what is queued. */
let dirPicked = -1;

function renderQueues(s: LiveSession, k: number): void {
  const live = s.at(k);
  const dir = $('dir') as HTMLSelectElement;
  if (dirPicked !== k) {
    const queued = DIRECTIONS.filter((d) => live.queue(d).bytes > 0);
    const first = live.defaultChoice()?.direction;
    if (first !== undefined && !queued.includes(dir.value as LiveChoice['direction'])) dir.value = first;
    ($('take') as HTMLInputElement).value = '';
  }
  const rows = DIRECTIONS.map((d) => {
    const q = live.queue(d);
    if (q.bytes === 0) return h('p', { class: 'queue', 'data-dir': d }, `${dirName(d)}: nothing queued`);
    const one = q.recordEnds[0]!;
    const pick = (take: number, kind: string, label: string) => {
      const b = h('button', { type: 'button', 'data-dir': d, 'data-kind': kind }, label);
      b.addEventListener('click', () => choose({ direction: d, take }));
      return b;
    };
    return h(
      'p',
      { class: 'queue', 'data-dir': d },
      `${dirName(d)}: ${q.bytes} B queued in ${q.recordEnds.length} record${q.recordEnds.length === 1 ? '' : 's'}`,
      pick(q.flight, 'flight', `deliver the front flight (${q.flight} B)`),
      q.recordEnds.length > 1 ? pick(one, 'record', `one record (${one} B)`) : null,
      pick(q.bytes, 'all', `everything (${q.bytes} B)`),
    );
  });
  $('queues').replaceChildren(...rows, live.quiescent ? h('p', { class: 'queue' }, 'Nothing in flight: the run is over.') : '');
  const take = $('take') as HTMLInputElement;
  const queued = live.queue(dir.value as LiveChoice['direction']).bytes;
  take.max = String(Math.max(1, queued));
  if (take.value === '' || Number(take.value) > queued) take.value = String(Math.max(1, queued));
}

function choose(c: LiveChoice): void {
  if (session === undefined) return;
  try {
    const k = session.choose(link.step, c);
    showProblem(undefined);
    link = { ...link, step: k, choices: session.encoded };
    render();
  } catch (e) {
    showProblem(e instanceof Error ? e.message : String(e));
  }
}

function runFor(p: Permalink): Run {
  const key = `${p.scenario}|${p.seed}|${p.lens}`;
  let r = runs.get(key);
  if (r === undefined) {
    r = Run.of(p.scenario, p.seed, p.lens);
    runs.set(key, r);
  }
  return r;
}

function renderSide(side: Side, v: StepView): HTMLElement {
  const s = v.sides[side];
  const l = s.ledger;
  const tls12 = v.states === STATES_TLS12;
  const states = h('ol', { class: 'states', 'aria-label': `${side} states (${tls12 ? 'TLS 1.2, RFC 5246 §7.3' : 'RFC 8446 Appendix A'})` });
  for (const name of v.states[side]) {
    const cls = [name === s.state ? 'current' : '', s.visited.includes(name) ? 'visited' : '', name === 'CLOSED' ? 'closed' : ''].filter(Boolean).join(' ');
    states.append(h('li', { class: cls, ...(name === s.state ? { 'aria-current': 'step' } : {}) }, name));
  }
  const newSeqs = new Set(v.current.map((e) => e.seq));
  const calls = h('ol', { class: 'calls' });
  for (const c of s.calls)
    calls.append(h('li', { class: `${newSeqs.has(c.seq) ? 'new ' : ''}${c.result === 'error' ? 'error' : ''}` }, `${c.time} ms ${callText(c)}`));
  const keys = (dir: 'read' | 'write') => {
    const list = l.keys[dir];
    return list.length === 0 ? h('span', {}, 'none') : epochNode(list[list.length - 1]!.epoch);
  };
  const presumes = l.presumes.verdict === 'unknown' ? 'nothing' : verdictNode(l.presumes, 'presumes');
  const lensName = v.prefix.events.find((e) => e.type === 'app_call' && e.lens !== undefined);
  return h(
    'div',
    { class: 'side', id: `side-${side}`, 'data-side': side, 'data-state': s.state, 'data-verdict': l.peerVerdict.verdict, 'data-knows': l.knows.verdict },
    h('h2', {}, `${side} — ${s.state}`),
    states,
    h('h3', {}, `${side}'s ledger: what it knows of the ${side === 'client' ? 'server' : 'client'}'s verdict on it`),
    h(
      'dl',
      { class: 'ledger' },
      h('dt', {}, 'knows'),
      h('dd', { class: 'knows' }, verdictNode(l.knows, l.knows.verdict === 'unknown' ? undefined : 'knows')),
      h('dt', {}, 'presumes'),
      h('dd', { class: 'presumes' }, presumes),
      h('dt', {}, 'truth'),
      h('dd', { class: 'truth', title: 'what the peer really decided: not visible to this side' }, verdictNode(l.truth), ' (hidden from it)'),
      h('dt', {}, 'handshake'),
      h('dd', {}, l.handshakeComplete === undefined ? 'not complete' : `★ complete at ${l.handshakeComplete.time} ms`),
      h('dt', {}, 'keys'),
      h('dd', {}, 'read ', keys('read'), ' · write ', keys('write')),
      h('dt', {}, 'socket'),
      h('dd', {}, s.unread > 0 ? `${s.unread} B arrived, not yet read by its library` : 'nothing unread'),
    ),
    h('h3', {}, `application calls${lensName?.type === 'app_call' ? ` through the ${lensName.lens} lens` : ''}`),
    s.calls.length === 0 ? h('p', {}, 'none yet') : calls,
  );
}

function renderRecords(v: StepView, decoded: ReadonlyMap<number, DecodedRecord>): HTMLElement {
  if (v.records.length === 0) return h('p', {}, 'none yet');
  const newSeqs = new Set(v.current.map((e) => e.seq));
  const table = h('table', { class: 'records' });
  table.append(h('tr', {}, ...['#', 'from → to', 'outer type', 'inner type', 'epoch', 'contents', 'size', 'so far'].map((t) => h('th', { scope: 'col' }, t))));
  v.records.forEach((f, i) => {
    const e = f.sent;
    const contents =
      e.alert !== undefined
        ? `Alert(${e.alert.level}, ${e.alert.description})`
        : e.messages.length > 0
          ? e.messages.map(camel).join(', ')
          : `${e.innerType} ${e.length} B`;
    const details = h('details', {}, h('summary', { title: 'bytes, decrypted' }, contents), recordBytes(f));
    // Built when first opened: a table redrawn on every step need not draw every byte.
    details.addEventListener('toggle', () => {
      if (details.open && details.querySelector('.decoded, .decoded-error') === null) details.append(decodedView(decoded.get(e.seq)));
    });
    table.append(
      h(
        'tr',
        { class: newSeqs.has(e.seq) ? 'new' : '', 'data-outer': e.outerType, 'data-inner': e.innerType, 'data-epoch': e.epoch },
        h('td', {}, String(i + 1)),
        h('td', {}, `${f.from} → ${f.to}`),
        h('td', {}, e.outerType),
        h('td', {}, e.innerType),
        h('td', {}, epochNode(e.epoch)),
        h('td', {}, details),
        h('td', {}, `${f.size} B`),
        h('td', {}, fateText(f)),
      ),
    );
  });
  return table;
}

/** Decoded records of a replayed run's whole trace (computed once per run), or of a live run's trace so far. */
const decodedRuns = new WeakMap<object, Map<number, DecodedRecord>>();
function decodedFor(whole: readonly TraceEvent[] | undefined, v: StepView): ReadonlyMap<number, DecodedRecord> {
  const events = whole ?? v.prefix.events;
  let d = decodedRuns.get(events);
  if (d === undefined) {
    d = decodeRecords(events);
    decodedRuns.set(events, d);
  }
  return d;
}

function render(): void {
  let v: StepView;
  let atEnd: boolean;
  try {
    if (link.choices !== undefined) {
      const s = sessionFor(link);
      v = s.view(link.step);
      atEnd = v.step === v.last && s.at(v.step).quiescent;
      link = { ...link, choices: s.encoded };
      renderQueues(s, v.step);
    } else {
      run = runFor(link);
      v = run.view(link.step);
      atEnd = v.step === v.last;
    }
  } catch (err) {
    showProblem(`could not run ${link.scenario} (seed ${link.seed}): ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  link = { ...link, step: v.step };
  $('next').hidden = link.choices === undefined;
  const chooseBox = $('choose') as HTMLInputElement;
  chooseBox.checked = link.choices !== undefined;
  chooseBox.disabled = !hasLive(link.scenario);
  (document.getElementById('scenario') as HTMLSelectElement).value = link.scenario;
  (document.getElementById('seed') as HTMLInputElement).value = String(link.seed);
  (document.getElementById('lens') as HTMLSelectElement).value = link.lens;
  $('description').textContent = getScenario(link.scenario)?.description ?? '';
  $('stepno').textContent = link.choices === undefined ? `step ${v.step} of ${v.last}` : `delivery ${v.step} of ${v.last} chosen`;
  const hash = formatHash(link);
  ($('permalink') as HTMLAnchorElement).href = hash;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  ($('back') as HTMLButtonElement).disabled = ($('first') as HTMLButtonElement).disabled = v.step === 0;
  ($('forward') as HTMLButtonElement).disabled = ($('end') as HTMLButtonElement).disabled = atEnd;

  $('sides').replaceChildren(...SIDES.map((s) => renderSide(s, v)));
  $('current').replaceChildren(...v.current.map(eventLine));
  $('records').replaceChildren(renderRecords(v, decodedFor(link.choices === undefined ? run?.trace.events : undefined, v)));
  $('timeline').innerHTML = renderSvg(v.prefix, { embedded: true });
  document.body.dataset.step = String(v.step);
  document.body.dataset.last = String(v.last);
  document.body.dataset.scenario = link.scenario;
}

function go(step: number): void {
  link = { ...link, step };
  render();
}

/** Forward one step: in "choose deliveries" mode past the last choice, the default delivery. */
function forward(): void {
  if (link.choices !== undefined && session !== undefined) {
    try {
      const k = session.forward(link.step);
      link = { ...link, step: k, choices: session.encoded };
    } catch (e) {
      showProblem(e instanceof Error ? e.message : String(e));
    }
    render();
    return;
  }
  go(link.step + 1);
}

/** To the end: the last step, or in "choose deliveries" mode the default deliveries until nothing is in flight (bounded). */
function toEnd(): void {
  if (link.choices !== undefined && session !== undefined) {
    for (let i = 0; i < 500; i++) {
      const before = link.step;
      const k = session.forward(link.step);
      link = { ...link, step: k, choices: session.encoded };
      if (k === before) break;
    }
    render();
    return;
  }
  go(run?.last ?? 0);
}

function fromHash(): void {
  const parsed = parseHash(location.hash);
  // Our own replaceState never fires hashchange; a link followed in this page does.
  if (formatHash(parsed.link) === formatHash(link) && session !== undefined) return;
  link = parsed.link;
  showProblem(parsed.problems.length === 0 ? undefined : `permalink: ${parsed.problems.join('; ')}`);
  render();
}

function init(): void {
  const scenario = $('scenario') as HTMLSelectElement;
  for (const name of scenarioNames()) scenario.append(h('option', { value: name }, name));
  const lens = $('lens') as HTMLSelectElement;
  for (const name of LENS_NAMES) lens.append(h('option', { value: name }, name));
  const seed = $('seed') as HTMLInputElement;

  scenario.addEventListener('change', () => {
    const live = link.choices !== undefined && hasLive(scenario.value);
    link = { scenario: scenario.value, seed: getScenario(scenario.value)?.defaultSeed ?? 1, lens: link.lens, step: 0, ...(live ? { choices: '' } : {}) };
    render();
  });
  const chooseBox = $('choose') as HTMLInputElement;
  chooseBox.addEventListener('change', () => {
    const { choices: _drop, ...rest } = link;
    link = chooseBox.checked ? { ...rest, step: 0, choices: '' } : { ...rest, step: 0 };
    render();
  });
  const fault = $('fault') as HTMLSelectElement;
  const faultArg = $('fault-arg') as HTMLInputElement;
  fault.addEventListener('change', () => {
    faultArg.hidden = fault.value !== 'truncate' && fault.value !== 'corrupt';
    if (faultArg.value === '') faultArg.value = '0';
  });
  $('dir').addEventListener('change', () => {
    dirPicked = link.step;
    ($('take') as HTMLInputElement).value = '';
    render();
  });
  $('custom').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const direction = ($('dir') as HTMLSelectElement).value as LiveChoice['direction'];
    const take = Number(($('take') as HTMLInputElement).value);
    const kind = fault.value as FaultKind | '';
    const arg = Number(faultArg.value);
    const f =
      kind === ''
        ? undefined
        : kind === 'drop'
          ? { kind }
          : kind === 'duplicate'
            ? { kind }
            : kind === 'truncate'
              ? { kind, keep: arg }
              : { kind, offset: arg, xor: 1 };
    choose(f === undefined ? { direction, take } : { direction, take, fault: f });
  });
  lens.addEventListener('change', () => {
    link = { ...link, lens: lens.value as Permalink['lens'], ...(link.choices !== undefined ? { step: 0, choices: '' } : {}) };
    render();
  });
  seed.addEventListener('change', () => {
    const n = Number(seed.value);
    if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32 - 1) {
      $('problems').hidden = false;
      $('problems').textContent = `bad seed '${seed.value}' (a whole number 0…${2 ** 32 - 1})`;
      seed.value = String(link.seed);
      return;
    }
    link = { ...link, seed: n, step: 0, ...(link.choices !== undefined ? { choices: '' } : {}) };
    render();
  });
  $('first').addEventListener('click', () => go(0));
  $('back').addEventListener('click', () => go(link.step - 1));
  $('forward').addEventListener('click', forward);
  $('end').addEventListener('click', toEnd);
  document.addEventListener('keydown', (ev) => {
    const t = ev.target as HTMLElement | null;
    if (t !== null && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const act =
      ev.key === 'ArrowRight' || ev.key === 'n'
        ? forward
        : ev.key === 'ArrowLeft' || ev.key === 'p'
          ? () => go(link.step - 1)
          : ev.key === 'Home'
            ? () => go(0)
            : ev.key === 'End'
              ? toEnd
              : undefined;
    if (act === undefined) return;
    ev.preventDefault();
    act();
  });
  window.addEventListener('hashchange', fromHash);
  for (const [name, colour] of Object.entries(EPOCH_COLOURS)) document.documentElement.style.setProperty(`--${name}`, colour);
  fromHash();
  document.body.dataset.ready = 'true';
}

init();
