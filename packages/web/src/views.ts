/// <reference lib="dom" />
/**
 * The stepper page's views (main.ts): plain-DOM builders for verdicts, epochs, trace event
 * lines, a record's bytes and its decoded fields. Stateless: each returns a new element.
 */
import {
  bracket,
  callText,
  camel,
  epochColour,
  handshakeTypeName,
  type PeerVerdict,
  type RecordFlight,
  type Side,
  type TraceEvent,
  type TrueVerdict,
} from '@tls13sim/sim/browser';
import type { EpochName } from '@tls13sim/handshake';
import type { DecodedRecord, Field } from './decode.js';

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`stepper: #${id} missing from index.html`);
  return el;
}

export const SIDES: readonly Side[] = ['client', 'server'];

// ——— describing things ———————————————————————————————————————————————————————————

export function verdictNode(v: PeerVerdict | TrueVerdict, basis?: string): HTMLElement {
  const span = h('span', { class: `v-${v.verdict}`, 'data-verdict': v.verdict });
  span.append(v.verdict === 'rejected' ? `rejected (${v.alert.description})` : v.verdict);
  if ('at' in v) span.append(` at ${v.at.time} ms`);
  if (basis !== undefined) span.append(h('span', { class: 'basis', 'data-basis': basis }, basis));
  return span;
}

export function epochNode(epoch: EpochName): HTMLElement {
  return h('span', { class: 'epoch', style: `color:${epochColour(epoch)}` }, epoch);
}

function recordWhat(ev: TraceEvent & { type: 'record_sent' }): string {
  if (ev.alert !== undefined) return bracket(ev.epoch, `Alert(${ev.alert.level}, ${ev.alert.description})`);
  if (ev.messages.length > 0) return bracket(ev.epoch, ev.messages.map(camel).join(', '));
  if (ev.innerType === 'application_data') return bracket(ev.epoch, `Application Data (${ev.length} B)`);
  // TLS 1.2: the sender's key switch (RFC 5246 §7.1), told by the keys installed right after it (eventLine).
  if (ev.innerType === 'change_cipher_spec') return 'ChangeCipherSpec';
  return bracket(ev.epoch, ev.innerType);
}

export function eventLine(e: TraceEvent): HTMLElement {
  const who = e.side === 'network' ? 'network' : e.side;
  let text: string;
  let cls = `ev-${e.type}`;
  switch (e.type) {
    case 'state':
      text = `${e.from} → ${e.to}`;
      break;
    case 'record_sent':
      text = `sends ${recordWhat(e)} · on the wire: ${e.outerType} record, ${e.hex.length / 2} B`;
      if (e.alert !== undefined) cls = 'ev-alert';
      break;
    case 'record_received':
      text = `receives ${recordWhat(e as unknown as TraceEvent & { type: 'record_sent' })}`;
      break;
    case 'delivered': {
      const dir = e.direction === 'client_to_server' ? 'client → server' : 'server → client';
      const fault = e.fault === undefined ? '' : ` (${e.fault.kind})`;
      text = `${dir}: ${e.bytes} B delivered${fault}${e.buffered === true ? ', waiting in the socket until the library reads' : ''}`;
      break;
    }
    case 'processed':
      text = `library reads ${e.bytes} B from the socket`;
      break;
    case 'keys_installed':
      text =
        e.epoch === 'tls12' && e.direction === 'write'
          ? 'installs write keys: tls12 — its ChangeCipherSpec was the switch (RFC 5246 §7.1)'
          : `installs ${e.direction} keys: ${e.epoch}`;
      break;
    case 'secret':
      text = `derives ${e.label}`;
      break;
    case 'handshake_complete':
      text = '★ handshake complete (§4.4.4)';
      break;
    case 'peer_verdict':
      text = `verdict: ${e.verdict}${e.alert !== undefined ? ` (${e.alert.description})` : ''}${e.basis !== undefined ? ` — ${e.basis}` : ''} · ${e.evidence}`;
      if (e.verdict === 'rejected') cls = 'ev-rejected';
      break;
    case 'alert_sent':
      text = `sends alert ${e.level} ${e.description} under ${e.epoch} keys`;
      cls = 'ev-alert';
      break;
    case 'alert_received':
      text = `receives alert ${e.level} ${e.description} (${e.epoch} keys)`;
      cls = 'ev-alert';
      break;
    case 'app_call':
      text = `» ${callText(e)}`;
      break;
    case 'note':
      text = e.fact === 'finished_built' ? 'Finished built' : e.fact === 'finished_verified' ? "peer's Finished verified" : `※ ${e.text}`;
      break;
  }
  return h('li', { class: cls, 'data-type': e.type, 'data-side': who }, h('b', {}, `${e.time} ms ${who}: `), text);
}

// ——— record bytes ————————————————————————————————————————————————————————————————

function hexSpan(hex: string, cls: string, title: string): HTMLElement {
  return h('span', { class: cls, title }, hex.replace(/(..)(?!$)/g, '$1 '), ' ');
}

/** The record's bytes: header fields (§5.1), then handshake messages (plaintext) or the encrypted body and its tag (§5.2). */
export function recordBytes(f: RecordFlight): HTMLElement {
  const hex = f.sent.hex;
  const box = h('div', { class: 'hex' });
  if (hex.length < 10) {
    box.append(hex);
    return box;
  }
  box.append(
    hexSpan(hex.slice(0, 2), 'h-type', `ContentType ${f.sent.outerType}`),
    hexSpan(hex.slice(2, 6), 'h-ver', 'legacy_record_version'),
    hexSpan(hex.slice(6, 10), 'h-len', `length ${parseInt(hex.slice(6, 10), 16)}`),
  );
  const body = hex.slice(10);
  if (f.sent.epoch === 'plaintext' && f.sent.outerType === 'handshake') {
    let i = 0;
    while (i + 8 <= body.length) {
      const type = parseInt(body.slice(i, i + 2), 16);
      const len = parseInt(body.slice(i + 2, i + 8), 16);
      const end = Math.min(body.length, i + 8 + len * 2);
      box.append(
        hexSpan(body.slice(i, i + 8), 'h-msg', `${camel(handshakeTypeName(type))}, ${len} B`),
        hexSpan(body.slice(i + 8, end), '', `${camel(handshakeTypeName(type))} body`),
      );
      i = end;
    }
    if (i < body.length) box.append(hexSpan(body.slice(i), '', 'rest of a message split across records'));
  } else if (f.sent.epoch === 'tls12' && body.length > 32) {
    // RFC 5246 §6.2.3.3 GenericAEADCipher: the explicit nonce (8 B for AES-GCM, RFC 5288 §3; none for ChaCha20, RFC 7905 §2), the ciphertext, the tag.
    box.append(
      hexSpan(
        body.slice(0, -32),
        '',
        `encrypted under the tls12 keys: explicit nonce (AES-GCM) + ${f.sent.innerType} content (the outer type is the real one, RFC 5246 §6.2.3.3)`,
      ),
      hexSpan(body.slice(-32), 'h-tag', 'AEAD tag (16 B)'),
    );
  } else if (f.sent.outerType === 'application_data' && f.sent.epoch !== 'plaintext' && body.length > 32) {
    box.append(
      hexSpan(body.slice(0, -32), '', `encrypted: ${f.sent.innerType} content + its type byte + padding (TLSInnerPlaintext, §5.2)`),
      hexSpan(body.slice(-32), 'h-tag', 'AEAD tag (16 B)'),
    );
  } else {
    box.append(hexSpan(body, '', f.sent.outerType));
  }
  return box;
}

// ——— decoded records ——————————————————————————————————————————————————————————————

/** Bytes of plaintext drawn one span each (enough for every handshake flight); the rest summarised. */
const MAX_BYTE_SPANS = 8192;

/**
 * The record decrypted (decode.ts): the key it opened with, the TLSInnerPlaintext's parts,
 * each message's fields as a tree, and the plaintext's bytes. Hovering or focusing a field
 * highlights its bytes; clicking one keeps them highlighted.
 */
export function decodedView(d: DecodedRecord | undefined): HTMLElement {
  const box = h('div', { class: 'decoded' });
  if (d === undefined) return h('p', { class: 'decoded-error' }, 'not decoded: no record_sent event for it');
  if (d.error !== undefined) {
    box.append(h('p', { class: 'decoded-error' }, `not decoded: ${d.error}`));
    return box;
  }
  const pt = d.plaintext ?? new Uint8Array(0);
  box.append(
    h(
      'p',
      { class: 'decoded-key' },
      d.key === undefined
        ? `plaintext record (no key): ${d.innerType ?? '?'}, ${pt.length} B`
        : d.key.epoch === 'tls12'
          ? `decrypted with the key block of the ${d.key.label} master secret (RFC 5246 §6.3; tls12 keys, ${d.key.suite}), sequence number ${d.key.sequence}: ${d.innerType ?? '?'} content ${pt.length} B (TLS 1.2 keeps the real content type outside, RFC 5246 §6.2.3.3)`
          : `decrypted with ${d.key.label} (${d.key.epoch} keys, ${d.key.suite}), sequence number ${d.key.sequence}: ${d.innerType ?? '?'} content ${pt.length} B + inner type byte + ${d.padding ?? 0} B padding (TLSInnerPlaintext, §5.2)`,
    ),
  );
  const fieldList = (fields: readonly Field[], path: string): HTMLElement => {
    const ul = h('ul', { class: 'fields' });
    for (const f of fields) {
      const p = path === '' ? f.name : `${path} › ${f.name}`;
      const from = Math.max(0, f.start);
      const to = Math.min(pt.length, f.end);
      const where = f.start < 0 ? ' (begins in an earlier record)' : '';
      ul.append(
        h(
          'li',
          {
            class: 'field',
            tabindex: '0',
            'data-field': f.name,
            'data-path': p,
            'data-start': String(from),
            'data-end': String(Math.max(from, to)),
            title: `bytes ${f.start}…${f.end - 1} of the plaintext${where}`,
          },
          h('span', { class: 'fname' }, f.name),
          f.value === '' ? '' : ': ',
          h('span', { class: 'fval' }, f.value),
          f.children !== undefined && f.children.length > 0 ? fieldList(f.children, p) : null,
        ),
      );
    }
    return ul;
  };
  const tree = fieldList(d.fields, '');
  const bytes = h('div', { class: 'hex pt', 'aria-label': 'plaintext bytes' });
  const shown = Math.min(pt.length, MAX_BYTE_SPANS);
  for (let i = 0; i < shown; i++) bytes.append(h('span', { class: 'b' }, pt[i]!.toString(16).padStart(2, '0')));
  if (shown < pt.length) bytes.append(` … ${pt.length - shown} B more`);
  let selected: HTMLElement | undefined;
  const mark = (li: HTMLElement | undefined) => {
    for (const el of bytes.querySelectorAll('.hl')) el.classList.remove('hl');
    if (li === undefined) return;
    const spans = bytes.children;
    const end = Math.min(Number(li.dataset.end), shown);
    for (let i = Number(li.dataset.start); i < end; i++) spans[i]!.classList.add('hl');
  };
  const fieldOf = (ev: Event) => ((ev.target as HTMLElement).closest('li.field') as HTMLElement | null) ?? undefined;
  tree.addEventListener('mouseover', (ev) => mark(fieldOf(ev)));
  tree.addEventListener('focusin', (ev) => mark(fieldOf(ev)));
  tree.addEventListener('mouseleave', () => mark(selected));
  tree.addEventListener('click', (ev) => {
    const li = fieldOf(ev);
    if (li === undefined) return;
    ev.stopPropagation();
    selected?.classList.remove('selected');
    selected = selected === li ? undefined : li;
    selected?.classList.add('selected');
    mark(selected);
  });
  box.append(tree, bytes);
  return box;
}

export function fateText(f: RecordFlight): string {
  const parts: string[] = [];
  if (f.arrived !== undefined) parts.push(`arrived ${f.arrived.time} ms`);
  if (f.processed !== undefined) parts.push(`read ${f.processed.time} ms`);
  else if (f.arrived?.buffered === true) parts.push('unread');
  if (f.fate !== 'delivered') parts.push(f.fate.replace('_', ' '));
  if (f.discarded) parts.push('discarded (receiver closed)');
  return parts.join(', ');
}

// ——— the page ————————————————————————————————————————————————————————————————————
