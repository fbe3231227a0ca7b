/**
 * The TLS 1.3 endpoint as a thin driver (docs/architecture.md "The sans-I/O endpoint"): the
 * transitions it used to make itself — received change_cipher_spec, alerts and application
 * data (record-steps.ts), the application's commands (commands.ts) — are pure functions
 * returning a Step or an error, checked here without a record layer; the connection's
 * facts live in one immutable record (conn.ts) that a clone shares and never sees change.
 */
import { AlertDescription, AlertLevel, encodeAlert, TlsError, utf8 } from '@tls13sim/record';
import { describe, expect, it } from 'vitest';
import { alertRekey, cancelStep, closeStep, keyUpdateStep, requestClientAuthStep, UsageError, writeStep } from '../src/endpoint/commands.js';
import { type Conn, INITIAL_CONN } from '../src/endpoint/conn.js';
import { HandshakeError, PeerAlertError } from '../src/endpoint/errors.js';
import { acceptAlert, acceptApplicationData, acceptChangeCipherSpec, type ReceivedRecord } from '../src/endpoint/record-steps.js';
import { negotiatedOf, type ReceivedBase } from '../src/endpoint/records.js';
import type { AnyState, Negotiated, ServerKeys } from '../src/endpoint/state.js';
import type { Action, Env, Step } from '../src/endpoint/step.js';
import type { Endpoint } from '../src/index.js';
import { drive, makePair, testPki } from './endpoint-helpers.js';

/** Test-only view of the driver's private fields (see handshake-shapes.test.ts for the same seam). */
interface Internals {
  st: AnyState;
  conn: Conn;
  envAt(): Env;
  apply(step: Step, rest?: number): void;
}
const inner = (ep: Endpoint) => ep as unknown as Internals;

function connected(seed = 21): { client: Endpoint; server: Endpoint } {
  const { client, server } = makePair({}, {}, seed);
  client.start(0);
  drive(client, server);
  return { client, server };
}

const record = (epoch: string, data: Uint8Array, interleaved: TlsError | null = null): ReceivedRecord => ({ epoch, data, interleaved });
const alertRecord = (epoch: string, description: number, level: number = AlertLevel.fatal) => record(epoch, encodeAlert({ level, description }));
const BASE: ReceivedBase = { outerType: 'alert', innerType: 'alert', epoch: 'plaintext', length: 2, wire: new Uint8Array(7) };
const CONNECTED_CONN: Conn = { ...INITIAL_CONN, started: true, firstHelloSeen: true, peerHasKeys: true, complete: true };

function kindOf(r: Step | TlsError | UsageError | null): string {
  if (r instanceof HandshakeError) return `kind:${r.kind}`;
  if (r instanceof TlsError) return `alert:${r.alert}`;
  if (r instanceof UsageError) return `usage:${r.message}`;
  return r === null ? 'null' : 'step';
}

function asStep(r: Step | TlsError | UsageError | null): Step {
  if (r === null || r instanceof Error) throw new Error(`expected a step, got ${kindOf(r)}`);
  return r;
}

describe('acceptChangeCipherSpec (§5, §D.4)', () => {
  const start: AnyState = { kind: 'START', retry: null };
  const seen: Conn = { ...INITIAL_CONN, firstHelloSeen: true };
  const ccs = record('plaintext', new Uint8Array([1]));

  it('drops one 0x01 record between the first ClientHello and the peer Finished, noting it in the connection record', () => {
    const step = asStep(acceptChangeCipherSpec(start, seen, ccs, false));
    expect(step.state).toBe(start);
    expect(step.actions).toEqual([{ kind: 'conn', set: { ccsReceived: true } }]);
  });

  it('refuses a bad body, one before any ClientHello, one after the peer Finished, and a second one', () => {
    expect(kindOf(acceptChangeCipherSpec(start, seen, record('plaintext', new Uint8Array([2])), false))).toBe('kind:bad_change_cipher_spec');
    expect(kindOf(acceptChangeCipherSpec(start, seen, record('plaintext', new Uint8Array([1, 1])), false))).toBe('kind:bad_change_cipher_spec');
    expect(kindOf(acceptChangeCipherSpec(start, INITIAL_CONN, ccs, false))).toBe('kind:unexpected_message');
    expect(kindOf(acceptChangeCipherSpec(start, { ...seen, peerFinishedVerified: true }, ccs, false))).toBe('kind:unexpected_message');
    expect(kindOf(acceptChangeCipherSpec(start, { ...seen, ccsReceived: true }, ccs, false))).toBe('kind:unexpected_message');
  });

  it('lets a stateless-HRR server take one before it has seen a ClientHello', () => {
    expect(kindOf(acceptChangeCipherSpec(start, INITIAL_CONN, ccs, true))).toBe('step');
  });

  it('returns the interleaving error (§5.1) rather than dropping the record', () => {
    const interleaved = new TlsError('unexpected_message', '3 handshake bytes pending');
    expect(acceptChangeCipherSpec(start, seen, record('plaintext', new Uint8Array([1]), interleaved), false)).toBe(interleaved);
  });
});

describe('acceptAlert (§6)', () => {
  const st: AnyState = { kind: 'CONNECTED', app: {} as never };

  it('refuses a plaintext alert once the peer has protected a record', () => {
    expect(kindOf(acceptAlert(st, CONNECTED_CONN, alertRecord('plaintext', AlertDescription.close_notify, AlertLevel.warning), BASE))).toBe(
      'kind:unexpected_message',
    );
  });

  it('returns a malformed alert as a decode error, not a throw', () => {
    expect(kindOf(acceptAlert(st, INITIAL_CONN, record('plaintext', new Uint8Array([1])), BASE))).toBe('alert:decode_error');
  });

  it('close_notify closes the read side only, and the connection once ours was sent too', () => {
    const open = asStep(acceptAlert(st, CONNECTED_CONN, alertRecord('application', AlertDescription.close_notify, AlertLevel.warning), BASE));
    expect(open.state).toBe(st);
    expect(open.actions.slice(2)).toEqual([
      { kind: 'conn', set: { receivedCloseNotify: true } },
      { kind: 'event', event: { type: 'peer_closed', writeOpen: true } },
    ]);
    const both = asStep(acceptAlert(st, { ...CONNECTED_CONN, sentCloseNotify: true }, alertRecord('application', AlertDescription.close_notify), BASE));
    expect(both.state).toEqual({ kind: 'CLOSED' });
    expect(both.actions.at(-1)).toEqual({ kind: 'event', event: { type: 'peer_closed', writeOpen: false } });
  });

  it('user_canceled changes nothing; any other alert, whatever its level, is the fatal PeerAlertError', () => {
    const canceled = asStep(acceptAlert(st, CONNECTED_CONN, alertRecord('application', AlertDescription.user_canceled, AlertLevel.warning), BASE));
    expect(canceled.state).toBe(st);
    expect(canceled.actions.map((a) => a.kind)).toEqual(['event', 'event']);
    for (const level of [AlertLevel.warning, AlertLevel.fatal]) {
      const fatal = asStep(acceptAlert(st, CONNECTED_CONN, alertRecord('application', AlertDescription.handshake_failure, level), BASE));
      expect(fatal.state).toEqual({ kind: 'CLOSED' });
      const set = fatal.actions.find((a): a is Extract<Action, { kind: 'conn' }> => a.kind === 'conn')?.set;
      expect(set?.fatal).toBeInstanceOf(PeerAlertError);
      expect(set?.fatal?.alert).toBe('handshake_failure');
    }
  });
});

describe('acceptApplicationData (§2, §4.2.10)', () => {
  it('refuses application data under handshake keys', () => {
    expect(kindOf(acceptApplicationData({ kind: 'START', retry: null }, record('handshake', utf8('x'))))).toBe('kind:unexpected_message');
  });

  it('counts 0-RTT data against max_early_data_size (§4.6.1)', () => {
    const eoed: AnyState = { kind: 'WAIT_EOED', keys: {} as ServerKeys, budget: 5 };
    const step = asStep(acceptApplicationData(eoed, record('early', utf8('abc'))));
    expect(step.state).toMatchObject({ kind: 'WAIT_EOED', budget: 2 });
    expect(step.actions).toEqual([
      { kind: 'deliver', data: utf8('abc') },
      { kind: 'event', event: { type: 'application_data', length: 3 } },
    ]);
    expect(kindOf(acceptApplicationData(eoed, record('early', utf8('abcdef'))))).toBe('kind:unexpected_message');
  });

  it('ends a run of KeyUpdates with data, not with an empty record', () => {
    const { server } = connected();
    const st = inner(server).st;
    if (st.kind !== 'CONNECTED') throw new Error('not connected');
    const run: AnyState = { kind: 'CONNECTED', app: { ...st.app, keyUpdatesInARow: 4 } };
    expect(asStep(acceptApplicationData(run, record('application+1', utf8('x')))).state).toMatchObject({ app: { keyUpdatesInARow: 0 } });
    const empty = asStep(acceptApplicationData(run, record('application', new Uint8Array(0))));
    expect(empty.state).toBe(run);
    expect(empty.actions).toEqual([{ kind: 'event', event: { type: 'application_data', length: 0 } }]);
  });
});

describe('commands', () => {
  it('keyUpdate and requestClientAuth refuse misuse as UsageError values, before anything is sent', () => {
    const { client, server } = connected();
    const env = inner(server).envAt();
    const start: AnyState = { kind: 'START', retry: null };
    expect(kindOf(keyUpdateStep('client', start, INITIAL_CONN, false, env))).toBe('usage:Endpoint.keyUpdate: the handshake is not complete');
    expect(kindOf(keyUpdateStep('server', inner(server).st, { ...CONNECTED_CONN, sentCloseNotify: true }, false, env))).toBe(
      'usage:Endpoint.keyUpdate: close_notify was already sent',
    );
    expect(kindOf(requestClientAuthStep('client', inner(client).st, env))).toBe(
      'usage:Endpoint.requestClientAuth: only a server asks for a client certificate',
    );
    expect(kindOf(requestClientAuthStep('server', start, env))).toBe('usage:Endpoint.requestClientAuth: the handshake is not complete');
    expect(kindOf(requestClientAuthStep('server', inner(server).st, env))).toBe(
      'usage:Endpoint.requestClientAuth: the client did not offer post_handshake_auth (§4.2.6)',
    );
  });

  it('keyUpdate sends key_update under the old keys, then moves the write side a generation on (§4.6.3)', () => {
    const { server } = connected();
    const step = asStep(keyUpdateStep('server', inner(server).st, CONNECTED_CONN, true, inner(server).envAt()));
    expect(step.actions.map((a) => (a.kind === 'keys' ? `keys:${a.direction}:${a.epoch}` : a.kind === 'send' ? `send:${a.name}` : a.kind))).toEqual([
      'send:key_update',
      'keys:write:application+1',
      'event',
    ]);
    expect(step.state).toMatchObject({ kind: 'CONNECTED', app: { writeGeneration: 1 } });
  });

  it('write puts an automatic KeyUpdate before the data at the key limit (§5.5), unless our side is closed', () => {
    const { client } = connected();
    const st = inner(client).st;
    const env = inner(client).envAt();
    const data = utf8('data');
    expect(asStep(writeStep('client', st, CONNECTED_CONN, data, false, env)).actions).toEqual([{ kind: 'app_data', data }]);
    const due = asStep(writeStep('client', st, CONNECTED_CONN, data, true, env));
    expect(due.actions.map((a) => a.kind)).toEqual(['event', 'send', 'keys', 'event', 'app_data']);
    expect(due.state).toMatchObject({ app: { writeGeneration: 1 } });
    const closed = asStep(writeStep('client', st, { ...CONNECTED_CONN, sentCloseNotify: true }, data, true, env));
    expect(closed.actions).toEqual([{ kind: 'app_data', data }]);
  });

  it('close sends close_notify once (§6.1) and reaches CLOSED only when both sides have closed', () => {
    const st: AnyState = { kind: 'START' };
    expect(asStep(closeStep(st, INITIAL_CONN))).toEqual({
      state: st,
      actions: [
        { kind: 'alert', alert: 'close_notify' },
        { kind: 'conn', set: { sentCloseNotify: true } },
        { kind: 'event', event: { type: 'closed_for_writing', readOpen: true } },
      ],
    });
    expect(asStep(closeStep(st, { ...INITIAL_CONN, receivedCloseNotify: true })).state).toEqual({ kind: 'CLOSED' });
    expect(closeStep(st, { ...INITIAL_CONN, sentCloseNotify: true })).toBeNull();
    expect(asStep(cancelStep(st, INITIAL_CONN)).actions).toEqual([{ kind: 'alert', alert: 'user_canceled' }]);
    expect(cancelStep(st, { ...INITIAL_CONN, sentCloseNotify: true })).toBeNull();
  });

  it('a client rekeys to its handshake keys before a fatal alert when it has them (Appendix A.1 note)', () => {
    const { client } = connected();
    const st = inner(client).st;
    if (st.kind !== 'CONNECTED') throw new Error('not connected');
    const suite = st.app.negotiated.suite;
    const secret = new Uint8Array(32).fill(7);
    const waitCv = { kind: 'WAIT_CV', keys: { negotiated: { suite }, clientHandshakeSecret: secret, serverHandshakeSecret: secret } } as unknown as AnyState;
    for (const epoch of ['plaintext', 'early']) {
      expect(alertRekey('client', waitCv, epoch)).toEqual([
        { kind: 'keys', direction: 'write', epoch: 'handshake', suite, secret, keylog: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' },
      ]);
    }
    // Without handshake keys: in the clear, leaving 0-RTT keys the server may be skipping (§4.2.10).
    expect(alertRekey('client', { kind: 'START' }, 'plaintext')).toEqual([]);
    expect(alertRekey('client', { kind: 'START' }, 'early')).toEqual([{ kind: 'plaintext_write' }]);
    expect(alertRekey('client', waitCv, 'handshake')).toEqual([]);
    expect(alertRekey('client', st, 'application')).toEqual([]);
    expect(alertRekey('server', { kind: 'START', retry: null }, 'plaintext')).toEqual([]);
  });
});

describe('negotiatedOf', () => {
  const n = { alpn: 'x' } as unknown as Negotiated;

  it('reads what was negotiated from every state that knows it, without casting the union', () => {
    const withKeys = ['WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'WAIT_EOED'];
    for (const kind of withKeys) expect(negotiatedOf({ kind, keys: { negotiated: n } } as unknown as AnyState)).toBe(n);
    expect(negotiatedOf({ kind: 'CONNECTED', app: { negotiated: n } } as unknown as AnyState)).toBe(n);
    for (const st of [{ kind: 'START' }, { kind: 'CLOSED' }, { kind: 'WAIT_SH' }] as AnyState[]) expect(negotiatedOf(st)).toBeNull();
  });

  it('a server knows it from its flight on, as the endpoint reports', () => {
    const { client, server } = makePair({}, {}, 23);
    client.start(0);
    for (let r = client.pollTransmit(); r !== null; r = client.pollTransmit()) server.handleBytes(r, 0);
    expect(server.state).toBe('WAIT_FINISHED');
    expect(server.negotiated?.suite.name).toBe('TLS_AES_128_GCM_SHA256');
  });
});

describe('the driver', () => {
  it('keeps the connection facts in one immutable record that a clone shares and never sees change', () => {
    const { client, server } = makePair({}, {}, 24);
    expect(inner(client).conn).toBe(INITIAL_CONN);
    client.start(0);
    const started = inner(client).conn;
    expect(started).toMatchObject({ started: true, firstHelloSeen: true, initialHelloSent: true, complete: false });
    const fork = client.clone();
    expect(inner(fork).conn).toBe(started);
    drive(client, server);
    expect(inner(client).conn).toMatchObject({ complete: true, peerFinishedVerified: true, peerHasKeys: true });
    expect(started.complete).toBe(false);
    expect(inner(fork).conn).toBe(started);
    expect(INITIAL_CONN.started).toBe(false);
  });

  it('applies queued writes and their automatic KeyUpdates one step at a time, never by re-entering apply', () => {
    const limit = { maxRecords: 10n, updateAt: 3n };
    const { client, server } = makePair({ keyLimits: { aes128gcm: limit } }, { keyLimits: { aes128gcm: limit } }, 25);
    const target = inner(client);
    const apply = target.apply.bind(target);
    let depth = 0;
    let deepest = 0;
    target.apply = (step, rest) => {
      deepest = Math.max(deepest, ++depth);
      try {
        apply(step, rest);
      } finally {
        depth--;
      }
    };
    for (let i = 0; i < 8; i++) client.write(utf8(`m${i}`));
    client.start(0);
    drive(client, server);
    expect(client.error).toBeUndefined();
    expect(client.writeEpoch).not.toBe('application');
    expect(new TextDecoder().decode(server.readApplicationData()!)).toBe('m0m1m2m3m4m5m6m7');
    expect(deepest).toBe(1);
  });
});

describe('what an established connection keeps', () => {
  const appOf = (ep: Endpoint) => {
    const st = inner(ep).st;
    if (st.kind !== 'CONNECTED') throw new Error(`not connected: ${st.kind}`);
    return st.app;
  };

  it('keeps the handshake transcript only when post-handshake authentication can follow (§4.2.6, §4.6.2)', () => {
    const plain = connected();
    expect(appOf(plain.client).transcript).toBeNull();
    expect(appOf(plain.server).transcript).toBeNull();
    // §7.1: "Once all the values which are to be derived from a given secret have been
    // computed, that secret SHOULD be erased": the master secret's are, at the end of the handshake.
    expect('master' in appOf(plain.client)).toBe(false);
    expect('master' in appOf(plain.server)).toBe(false);
    // The client keeps resumption_master_secret for tickets to come; a server sends its own by the end of the handshake.
    expect(appOf(plain.client).resumptionSecret).toHaveLength(32);
    expect(appOf(plain.server).resumptionSecret).toBeNull();

    const { client, server } = makePair({ postHandshakeAuth: true, certificate: testPki('ed25519', 'client.test').leaf }, {}, 23);
    client.start(0);
    drive(client, server);
    // Both sides keep it through the client's Finished: CH, SH, EE, Certificate, CertificateVerify, Finished, Finished.
    expect(appOf(client).transcript?.length).toBe(7);
    expect(appOf(server).transcript?.length).toBe(7);
    server.requestClientAuth();
    drive(client, server);
    expect(server.error).toBeUndefined();
    expect(server.peerCertificates).toHaveLength(1);
  });
});
