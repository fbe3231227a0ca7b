/**
 * The explorer's properties as plain checks over one run: each throws a `PropertyViolation`
 * that says what broke. fast-check (tests, `pnpm explore`) and `tls13sim replay` call them.
 */
import { peerOf } from '../trace.js';
import type { Endpoint } from '@tls13sim/handshake';
import { toHex } from '@tls13sim/record';
import type { Side, TraceEvent } from '../trace.js';
import { baselineOf, runCase, type Case, type Outcome } from './case.js';
import { faultImpact } from './impact.js';
import { ledgerViolations } from '../ledger.js';

export class PropertyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyViolation';
  }
}

function fail(message: string): never {
  throw new PropertyViolation(message);
}

const SIDES: readonly Side[] = ['client', 'server'];

export function statesOf(events: readonly TraceEvent[], side: Side): string[] {
  return events.flatMap((e) => (e.type === 'state' && e.side === side ? [e.to] : []));
}

function facts(events: readonly TraceEvent[], side: Side, fact: string): number {
  return events.filter((e) => e.side === side && e.type === 'note' && e.fact === fact).length;
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isPrefix(a: Uint8Array, of: Uint8Array): boolean {
  return a.length <= of.length && a.every((x, i) => x === of[i]);
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The application stream `side` should receive: the peer's accepted 0-RTT data, then its writes. */
export function expectedStream(o: Outcome, side: Side): Uint8Array {
  const peer = peerOf(side);
  if (peer === 'server') return o.written.server;
  const accepted = facts(o.sim.events, 'server', 'early_data_accepted') > 0;
  const early = accepted ? o.early : new Uint8Array(0);
  const out = new Uint8Array(early.length + o.written.client.length);
  out.set(early);
  out.set(o.written.client, early.length);
  return out;
}

export function checkNoThrow(o: Outcome): void {
  if (o.thrown.length > 0) fail(`an exception escaped an endpoint: ${o.thrown[0]}`);
  if (o.livelock) fail('the simulation did not reach quiescence (livelock)');
  for (const e of o.sim.events) {
    // Sent, not received: a forged internal_error alert is judged like any other alert.
    if (e.type === 'alert_sent' && e.description === 'internal_error') {
      fail(`${e.side} sent internal_error (seq ${e.seq}): our own bug, never a network effect`);
    }
  }
}

/**
 * The ledger never claims more than a side can know (docs/fidelity.md): each time a
 * side's `knows` changes, the peer's own events already say the same.
 */
export function checkLedgerSound(o: Pick<Outcome, 'sim'>): void {
  const broken = ledgerViolations(o.sim.events);
  if (broken.length > 0) fail(`the ledger runs ahead of the truth: ${broken[0]}`);
}

/**
 * Nothing unauthentic is accepted: per epoch, the protected records each side received are
 * byte for byte a prefix of those its peer sent; a side that completed the handshake read
 * exactly the plaintext handshake bytes its peer sent; the application data each side got is
 * a prefix of what the peer's application sent (no byte that was not sent, none reordered).
 */
export function checkAuthentic(o: Outcome): void {
  const ev = o.sim.events;
  for (const side of SIDES) {
    const peer = peerOf(side);
    const byEpoch = (type: 'record_sent' | 'record_received', who: Side): Map<string, string[]> => {
      const m = new Map<string, string[]>();
      for (const e of ev) {
        if (e.type !== type || e.side !== who || e.epoch === 'plaintext') continue;
        m.set(e.epoch, [...(m.get(e.epoch) ?? []), e.hex]);
      }
      return m;
    };
    const sent = byEpoch('record_sent', peer);
    for (const [epoch, got] of byEpoch('record_received', side)) {
      const want = sent.get(epoch) ?? [];
      got.forEach((h, i) => {
        if (want[i] !== h) fail(`${side} accepted protected record #${i} of epoch ${epoch} that ${peer} never sent there: ${h.slice(0, 64)}…`);
      });
    }
    const complete = ev.find((e) => e.type === 'handshake_complete' && e.side === side);
    if (complete !== undefined) {
      const hello = (type: 'record_sent' | 'record_received', who: Side, before: number): string =>
        ev
          .filter((e) => e.seq < before && e.side === who && e.type === type && e.epoch === 'plaintext' && e.innerType === 'handshake')
          .map((e) => (e.type === 'record_sent' || e.type === 'record_received' ? e.hex.slice(10) : ''))
          .join('');
      const got = hello('record_received', side, complete.seq);
      const want = hello('record_sent', peer, Infinity);
      if (got !== want)
        fail(
          `${side} completed the handshake over plaintext handshake bytes ${peer} did not send (differ at hex ${firstDiff(Buffer.from(got), Buffer.from(want))})`,
        );
    }
    const want = expectedStream(o, side);
    const got = o.received[side];
    if (!isPrefix(got, want)) {
      const at = firstDiff(got, want);
      fail(
        `${side} received application data that ${peer} did not send: ${got.length} bytes, first difference at byte ${at} (got ${toHex(got.subarray(at, at + 8))}, sent ${toHex(want.subarray(at, at + 8))})`,
      );
    }
  }
}

/**
 * Property 1 (and the base of property 4): under a fault-free schedule both endpoints
 * connect with equal traffic secrets and exporters, every byte arrives intact and in order,
 * every action was possible and handled, and each endpoint went through the same states as
 * under the default schedule.
 */
export function checkFaultFree(c: Case, o: Outcome = runCase(c), base: Outcome = runCase(baselineOf(c))): void {
  checkNoThrow(o);
  checkAuthentic(o);
  checkLedgerSound(o);
  for (const side of SIDES) {
    const ep = side === 'client' ? o.client : o.server;
    if (ep.state !== 'CONNECTED' || ep.error !== undefined) {
      fail(`${side} ended ${ep.state}${ep.error ? ` with ${ep.error.alert} (${ep.error.message})` : ''}, not CONNECTED`);
    }
    const want = statesOf(base.sim.events, side);
    const got = statesOf(o.sim.events, side);
    if (got.join(' ') !== want.join(' ')) fail(`${side} went through ${got.join(' → ')}; under the default schedule ${want.join(' → ')}`);
  }
  const cs = o.client.trafficSecrets!;
  const ss = o.server.trafficSecrets!;
  if (!eq(cs.write, ss.read) || !eq(cs.read, ss.write)) fail('client and server hold different application traffic secrets');
  if (o.client.writeEpoch !== o.server.readEpoch || o.client.readEpoch !== o.server.writeEpoch) {
    fail(
      `key epochs disagree: client write ${o.client.writeEpoch} / server read ${o.server.readEpoch}, server write ${o.server.writeEpoch} / client read ${o.client.readEpoch}`,
    );
  }
  const ctx = new TextEncoder().encode('tls13sim');
  if (!eq(o.client.exportKeyingMaterial('EXPORTER-tls13sim-explore', ctx, 32), o.server.exportKeyingMaterial('EXPORTER-tls13sim-explore', ctx, 32))) {
    fail('client and server exporters differ (RFC 8446 §7.5)');
  }
  for (const side of SIDES) {
    const want = expectedStream(o, side);
    if (!eq(o.received[side], want)) fail(`${side} received ${o.received[side].length} of the ${want.length} application bytes sent to it`);
  }
  if (o.skipped.length > 0) fail(`actions never became possible: ${JSON.stringify(o.skipped)}`);
  checkPostHandshakeHandled(c, o);
}

/** Property 4's extra: tickets all arrived, each post-handshake authentication finished. */
function checkPostHandshakeHandled(c: Case, o: Outcome): void {
  const ev = o.sim.events;
  const tickets = ev
    .filter((e) => e.side === 'client' && e.type === 'record_received')
    .flatMap((e) => (e.type === 'record_received' ? e.messages : []))
    .filter((m) => m === 'new_session_ticket').length;
  if (tickets !== c.config.tickets) fail(`the client received ${tickets} NewSessionTickets, the server was to send ${c.config.tickets}`);
  const requested = o.actionsDone.filter((a) => a.op === 'requestClientAuth').length;
  const finished = facts(ev, 'server', 'post_handshake_auth_authenticated') + facts(ev, 'server', 'post_handshake_auth_unauthenticated');
  if (finished !== requested) fail(`${requested} post-handshake authentications requested, ${finished} finished`);
  const withCert = c.config.clientCert !== null && c.config.verdict === 'accept';
  if (requested > 0 && facts(ev, 'server', withCert ? 'post_handshake_auth_authenticated' : 'post_handshake_auth_unauthenticated') !== requested) {
    fail(
      `post-handshake authentication ended ${withCert ? 'unauthenticated' : 'authenticated'} for a client ${withCert ? 'with an accepted' : 'without an accepted'} certificate`,
    );
  }
  const kus = o.actionsDone.filter((a) => a.op === 'keyUpdate');
  for (const side of SIDES) {
    const own = kus.filter((a) => a.op === 'keyUpdate' && a.side === side).length;
    const ep: Endpoint = side === 'client' ? o.client : o.server;
    const n = ep.writeEpoch === 'application' ? 0 : Number(ep.writeEpoch.split('+')[1]);
    if (n < own) fail(`${side} called keyUpdate ${own} times but writes under ${ep.writeEpoch}`);
  }
}

/**
 * Property 2: one fault. Nothing escapes an endpoint; each ends CONNECTED, CLOSED with an
 * alert allowed for that fault (impact.ts explains the sets), or stuck where that is
 * possible; nothing unauthentic is accepted.
 */
export function checkSingleFault(c: Case, o: Outcome = runCase(c)): void {
  checkNoThrow(o);
  checkAuthentic(o);
  checkLedgerSound(o);
  const impact = faultImpact(o.sim);
  const endpoints: Record<Side, Endpoint> = { client: o.client, server: o.server };
  for (const side of SIDES) {
    const ep = endpoints[side];
    if (ep.error !== undefined) {
      if (impact === null) fail(`${side} failed with ${ep.error.alert} although no fault fired`);
      if (!impact.allowedAlerts.has(ep.error.alert)) {
        fail(`${side} ended with ${ep.error.alert}, not allowed after ${impact.describe} (allowed: ${[...impact.allowedAlerts].join(', ')})`);
      }
      continue;
    }
    if (ep.state === 'CONNECTED') continue;
    // Stuck: not connected, no alert, and nothing more will happen.
    if (!o.sim.isQuiescent) fail(`${side} ended ${ep.state} with the simulation not quiescent`);
    if (impact === null) fail(`${side} is stuck in ${ep.state} although no fault fired`);
    const receiverStuckOk = impact.receiverMayStick;
    const receiverSentAlert = o.sim.events.some((e) => e.type === 'alert_sent' && e.side === impact.receiver);
    const ok = side === impact.receiver ? receiverStuckOk : !receiverSentAlert;
    if (!ok) fail(`${side} is stuck in ${ep.state} (no alert, quiescent), impossible after ${impact.describe}`);
  }
  if (impact?.detectable) {
    const r = endpoints[impact.receiver];
    const closedBefore = o.sim.events.some((e) => e.seq < impact.seq && e.side === impact.receiver && (e.type === 'alert_received' || e.type === 'alert_sent'));
    if (!closedBefore && r.error === undefined) fail(`${impact.receiver} silently accepted a tampered protected record: ${impact.describe}`);
  }
}
