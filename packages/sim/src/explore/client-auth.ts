/**
 * Property 3, the SSL_connect question under every schedule: with client authentication,
 * the client considers the handshake complete before the server has received the client's
 * Finished, and a server rejection reaches the client only through read, peek or a later
 * call — never through connect.
 *
 * The application polls `connect()` after every delivery (a non-blocking client in its
 * event loop) or calls it once in blocking mode; then makes the calls in `calls`, one per
 * delivery, and finally reads once everything has arrived.
 */
import type { Schedule } from '../scheduler.js';
import { Simulation } from '../simulation.js';
import { OpenSslLens, type LensResult } from '../lens/openssl.js';
import { ReplayScheduler } from '../scheduler.js';
import { buildPair, type ConfigSpec } from './config.js';
import { ScriptedScheduler, type ScheduleScript } from './schedule.js';
import { PropertyViolation, checkLedgerSound } from './checks.js';

export type LensCall = 'read' | 'peek' | 'write' | 'read0';

export interface ClientAuthCase {
  readonly config: ConfigSpec;
  readonly script: ScheduleScript;
  readonly blocking: boolean;
  readonly calls: readonly LensCall[];
}

function fail(message: string): never {
  throw new PropertyViolation(message);
}

/** The alert the server rejects the client with, or null if it accepts. */
export function expectedRejection(config: ConfigSpec): string | null {
  if (config.clientAuth === 'none') return null;
  if (config.clientCert === null) return config.clientAuth === 'require' ? 'certificate_required' : null;
  if (typeof config.verdict === 'object') return config.verdict.reject;
  // The verifier judges the Certificate; the CertificateVerify comes after it (§4.4.3).
  return config.clientKey === 'mismatched' ? 'decrypt_error' : null;
}

export function runClientAuthCase(c: ClientAuthCase, opts: { replay?: Schedule } = {}): Simulation {
  const { client, server } = buildPair(c.config);
  const scheduler = opts.replay !== undefined ? new ReplayScheduler(opts.replay) : new ScriptedScheduler(c.script);
  return new Simulation({ client, server, scenario: 'explore:client-auth', seed: 0, policy: { delay: c.script.delays }, scheduler });
}

export function checkClientAuth(c: ClientAuthCase, sim: Simulation = runClientAuthCase(c)): void {
  const rejection = expectedRejection(c.config);
  const lens = new OpenSslLens(sim, 'client', { blocking: c.blocking, pulls: 'on_arrival' });
  const results: Array<{ call: string; r: LensResult }> = [];
  const call = (name: string, f: () => LensResult): LensResult => {
    let r: LensResult;
    try {
      r = f();
    } catch (e) {
      fail(`lens ${name}() threw: ${e instanceof Error ? e.message : String(e)}`);
    }
    results.push({ call: name, r });
    return r;
  };

  // connect(): polled after every delivery until it answers.
  for (let i = 0; ; i++) {
    const r = call('connect', () => lens.connect());
    if (r.result === 'error') fail(`connect() reported error(${r.alert}) after ${i} deliveries: a server verdict must never surface through connect`);
    if (r.result === 'ok') break;
    if (r.result === 'blocked' || sim.step() === null) fail(`connect() never succeeded (${r.result}; client ${sim.client.state})`);
  }
  const done = sim.ledger('client');
  if (done.handshakeComplete === undefined) fail('connect() returned ok but the client never considered the handshake complete');
  const serverGotFinished = done.finishedReceivedByPeer;
  if (serverGotFinished !== undefined && serverGotFinished.seq < done.handshakeComplete.seq) {
    fail(
      `the server received the client's Finished (seq ${serverGotFinished.seq}) before the client considered the handshake complete (seq ${done.handshakeComplete.seq})`,
    );
  }

  // Later calls, one delivery between each.
  for (const name of c.calls) {
    const r = call(name, () =>
      name === 'read' ? lens.read(64) : name === 'peek' ? lens.peek(64) : name === 'read0' ? lens.read(0) : lens.write(new TextEncoder().encode('ping')),
    );
    if (r.result === 'error' && r.alert !== rejection)
      fail(`${name}() reported error(${r.alert}); the only error possible is the server's rejection (${rejection ?? 'none'})`);
    if (r.result === 'ok' && (name === 'read' || name === 'peek') && (r.bytes?.length ?? 0) > 0) fail(`${name}() returned data the server never sent`);
    if (!c.blocking) sim.step();
  }

  // Everything delivered: the verdict is now known, and read says it.
  sim.run();
  const final = call('read', () => lens.read(64));
  if (rejection !== null) {
    if (final.result !== 'error' || final.alert !== rejection)
      fail(`after the server rejected the client (${rejection}), read() gave ${JSON.stringify(final)}`);
    if (sim.ledger('client').peerVerdict.verdict !== 'rejected') fail('the client ledger does not show the rejection');
  } else {
    if (final.result === 'error') fail(`the server accepted the client, but read() gave error(${final.alert})`);
    if (sim.server.state !== 'CONNECTED') fail(`the server accepted the client but ended ${sim.server.state}`);
  }
  if (results.some((x) => x.call === 'connect' && x.r.result === 'error')) fail('connect() reported an error');
  checkLedgerSound({ sim });
}
