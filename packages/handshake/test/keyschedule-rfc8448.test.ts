/**
 * Known-answer tests: the five RFC 8448 traces, replayed through our key schedule from the
 * RFC's inputs only (the ephemeral private keys, the PSK, the raw handshake messages).
 * Every secret, key, IV, finished key and verify_data the RFC prints must come out equal.
 */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '@tls13sim/record';
import type { NamedGroupName } from '../src/constants.js';
import { nobleProvider } from '../src/crypto/noble.js';
import { scriptedRandom } from '../src/crypto/random.js';
import {
  EarlySecret,
  cipherSuiteParams,
  finishedKey,
  finishedVerifyData,
  hkdfLabel,
  messageHash,
  pskBinder,
  resumptionPsk,
  trafficKeys,
  verifyFinished,
} from '../src/keyschedule/index.js';
import type { HandshakeSecret, MasterSecret } from '../src/keyschedule/index.js';
import { Transcript } from '../src/keyschedule/transcript.js';
import {
  RFC8448_HELLO_RETRY as HRR_TRACE,
  RFC8448_RESUMED_0RTT as RESUMED_TRACE,
  RFC8448_SIMPLE as SIMPLE_TRACE,
  RFC8448_TRACES as ALL_TRACES,
  type Rfc8448Side,
  type Rfc8448Step,
  type Rfc8448Trace,
} from './vectors/rfc8448-secrets.js';

const P = nobleProvider;

/** The vectors keep the RFC's line breaks; compare hex without them. */
function normalized(trace: Rfc8448Trace): Rfc8448Trace {
  return {
    ...trace,
    steps: trace.steps.map((s) => ({
      ...s,
      fields: Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, v.replace(/\s+/g, '')])),
    })),
  };
}
const RFC8448_SIMPLE = normalized(SIMPLE_TRACE);
const RFC8448_RESUMED_0RTT = normalized(RESUMED_TRACE);
const RFC8448_HELLO_RETRY = normalized(HRR_TRACE);
const RFC8448_TRACES = ALL_TRACES.map(normalized);

// --- reading the trace -------------------------------------------------------------------

function steps(trace: Rfc8448Trace, side: Rfc8448Side, action: string): Rfc8448Step[] {
  return trace.steps.filter((s) => s.side === side && s.action === action);
}

function step(trace: Rfc8448Trace, side: Rfc8448Side, action: string, occurrence = 0): Rfc8448Step {
  const found = steps(trace, side, action)[occurrence];
  if (found === undefined) throw new Error(`§${trace.section}: no {${side}} "${action}" #${occurrence}`);
  return found;
}

function field(s: Rfc8448Step, name: string): Uint8Array {
  const hex = s.fields[name];
  if (hex === undefined) throw new Error(`step "${s.action}" has no field "${name}"`);
  return fromHex(hex);
}

const hex = (b: Uint8Array): string => toHex(b);

/** The step that prints the derivation of `label` (either side prints it once). */
function deriveStep(trace: Rfc8448Trace, label: string, side?: Rfc8448Side): Rfc8448Step {
  const action = `derive secret "tls13 ${label}":`;
  const s = trace.steps.find((x) => x.action === action && (side === undefined || x.side === side));
  if (s === undefined) throw new Error(`§${trace.section}: no "${action}"`);
  return s;
}

/** §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"). */
const HRR_RANDOM = P.hash('sha256', new TextEncoder().encode('HelloRetryRequest'));

interface Message {
  readonly side: Rfc8448Side;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** The length a handshake message's header declares, plus the header (§4). */
function declaredLength(msg: Uint8Array): number {
  return 4 + ((msg[1]! << 16) | (msg[2]! << 8) | msg[3]!);
}

/**
 * The handshake messages in transcript order (NewSessionTicket is post-handshake, §4.4.1).
 * §4 prints its ClientHello before the binder is appended (shorter than its header says);
 * the whole message is the payload of the client's first record.
 */
function handshakeMessages(trace: Rfc8448Trace): Message[] {
  const out: Message[] = [];
  for (const s of trace.steps) {
    const m = /^construct an? (\w+) handshake message:$/.exec(s.action);
    if (m === null) continue;
    const type = m[1]!;
    if (type === 'NewSessionTicket') continue;
    let bytes = field(s, type);
    if (declaredLength(bytes) !== bytes.length) {
      const sent = field(step(trace, s.side, 'send handshake record:'), 'payload');
      expect(hex(sent.subarray(0, bytes.length))).toBe(hex(bytes));
      bytes = sent;
    }
    expect(declaredLength(bytes)).toBe(bytes.length);
    const isHrr = type === 'ServerHello' && hex(bytes.subarray(6, 38)) === hex(HRR_RANDOM);
    out.push({ side: s.side, type: isHrr ? 'HelloRetryRequest' : type, bytes });
  }
  return out;
}

/**
 * A transcript holding messages[0..=last], with the §4.4.1 HelloRetryRequest rewrite applied
 * the way an endpoint does it: ClientHello1 becomes message_hash when the HRR arrives.
 */
function transcriptThrough(messages: readonly Message[], last: number): Transcript {
  const t = new Transcript();
  for (let i = 0; i <= last; i++) {
    const m = messages[i]!;
    if (m.type === 'HelloRetryRequest') t.replaceWithMessageHash(P, 'sha256');
    t.add(m.bytes);
  }
  return t;
}

function indexOf(messages: readonly Message[], side: Rfc8448Side, type: string): number {
  const i = messages.findIndex((m) => m.side === side && m.type === type);
  if (i < 0) throw new Error(`no ${side} ${type}`);
  return i;
}

// --- replaying one trace -----------------------------------------------------------------

interface Replay {
  readonly trace: Rfc8448Trace;
  readonly group: NamedGroupName;
  readonly messages: readonly Message[];
  readonly hashes: {
    readonly clientHello: Uint8Array;
    readonly hello: Uint8Array;
    readonly serverFinishedInput: Uint8Array;
    readonly serverFinished: Uint8Array;
    readonly clientFinishedInput: Uint8Array;
    readonly clientFinished: Uint8Array;
  };
  readonly sharedSecret: { readonly client: Uint8Array | null; readonly server: Uint8Array | null };
  readonly shares: { readonly client: Uint8Array; readonly server: Uint8Array | undefined };
  readonly early: EarlySecret;
  readonly handshake: HandshakeSecret;
  readonly master: MasterSecret;
  readonly secrets: {
    readonly cHs: Uint8Array;
    readonly sHs: Uint8Array;
    readonly cAp: Uint8Array;
    readonly sAp: Uint8Array;
    readonly expMaster: Uint8Array;
    readonly resMaster: Uint8Array;
  };
}

function keyPairAction(trace: Rfc8448Trace, side: Rfc8448Side): { action: string; group: NamedGroupName } {
  const x = `create an ephemeral x25519 key pair:`;
  const p = `create an ephemeral P-256 key pair:`;
  // §5: the client's second key share (after the HRR) is P-256; the last one counts.
  const all = trace.steps.filter((s) => s.side === side && (s.action === x || s.action === p));
  const lastStep = all[all.length - 1]!;
  return { action: lastStep.action, group: lastStep.action === p ? 'secp256r1' : 'x25519' };
}

function replay(trace: Rfc8448Trace): Replay {
  const suite = cipherSuiteParams(trace.suite);
  const messages = handshakeMessages(trace);

  // (EC)DHE from the printed private keys, through the provider's KeyExchange.
  const ck = keyPairAction(trace, 'client');
  const sk = keyPairAction(trace, 'server');
  const clientKeyStep = steps(trace, 'client', ck.action).at(-1)!;
  const serverKeyStep = steps(trace, 'server', sk.action).at(-1)!;
  const kex = P.keyExchange(ck.group)!;
  const own = kex.generate(scriptedRandom([field(clientKeyStep, 'private key')]));
  const response = kex.respond(own.share, scriptedRandom([field(serverKeyStep, 'private key')]));
  const clientShared = response === null ? null : kex.finish(own, response.share);

  const psk = trace.section === 4 ? field(step(trace, 'client', 'extract secret "early":'), 'IKM') : undefined;

  const chIndex = messages.findIndex((m) => m.type === 'ClientHello');
  const shIndex = indexOf(messages, 'server', 'ServerHello');
  const sFinIndex = indexOf(messages, 'server', 'Finished');
  const cFinIndex = indexOf(messages, 'client', 'Finished');
  const h = (last: number) => transcriptThrough(messages, last).hash(P, suite.hash);
  const hashes = {
    clientHello: h(chIndex),
    hello: h(shIndex),
    serverFinishedInput: h(sFinIndex - 1),
    serverFinished: h(sFinIndex),
    clientFinishedInput: h(cFinIndex - 1),
    clientFinished: h(cFinIndex),
  };

  const early = psk === undefined ? EarlySecret.withoutPsk(P, suite.hash) : EarlySecret.fromPsk(P, suite.hash, psk);
  const handshake = early.handshakeSecret(response?.sharedSecret ?? null);
  const master = handshake.masterSecret();
  return {
    trace,
    group: ck.group,
    messages,
    hashes,
    sharedSecret: { client: clientShared, server: response?.sharedSecret ?? null },
    shares: { client: own.share, server: response?.share },
    early,
    handshake,
    master,
    secrets: {
      cHs: handshake.clientHandshakeTrafficSecret(hashes.hello),
      sHs: handshake.serverHandshakeTrafficSecret(hashes.hello),
      cAp: master.clientApplicationTrafficSecret(hashes.serverFinished),
      sAp: master.serverApplicationTrafficSecret(hashes.serverFinished),
      expMaster: master.exporterMasterSecret(hashes.serverFinished),
      resMaster: master.resumptionMasterSecret(hashes.clientFinished),
    },
  };
}

// --- the tests, once per trace -----------------------------------------------------------

describe.each(RFC8448_TRACES.map((t) => [`RFC 8448 §${t.section} (${t.title})`, t] as const))('%s', (_name, trace) => {
  const r = replay(trace);
  const suite = cipherSuiteParams(trace.suite);

  test('the printed private keys give the printed public keys and both sides agree on the (EC)DHE secret', () => {
    const ck = keyPairAction(trace, 'client');
    const sk = keyPairAction(trace, 'server');
    expect(hex(r.shares.client)).toBe(hex(field(steps(trace, 'client', ck.action).at(-1)!, 'public key')));
    expect(hex(r.shares.server!)).toBe(hex(field(steps(trace, 'server', sk.action).at(-1)!, 'public key')));
    const ikm = field(steps(trace, 'server', 'extract secret "handshake":')[0]!, 'IKM');
    expect(hex(r.sharedSecret.server!)).toBe(hex(ikm));
    expect(hex(r.sharedSecret.client!)).toBe(hex(ikm));
  });

  test('the transcript hashes over the printed messages are the hashes the trace feeds to Derive-Secret', () => {
    expect(hex(r.hashes.hello)).toBe(trace.steps.find((s) => s.action === 'derive secret "tls13 c hs traffic":')!.fields.hash);
    expect(hex(r.hashes.hello)).toBe(deriveStep(trace, 's hs traffic').fields.hash);
    expect(hex(r.hashes.serverFinished)).toBe(deriveStep(trace, 'c ap traffic').fields.hash);
    expect(hex(r.hashes.serverFinished)).toBe(deriveStep(trace, 's ap traffic').fields.hash);
    expect(hex(r.hashes.serverFinished)).toBe(deriveStep(trace, 'exp master').fields.hash);
    expect(hex(r.hashes.clientFinished)).toBe(deriveStep(trace, 'res master').fields.hash);
  });

  test('the early, handshake and master secrets and both "derived" salts match', () => {
    const earlyStep = trace.steps.find((s) => s.action === 'extract secret "early":')!;
    expect(hex(r.early.secret)).toBe(earlyStep.fields.secret);
    const derivedHs = trace.steps.find((s) => s.action === 'derive secret for handshake "tls13 derived":')!;
    expect(hex(r.early.derivedSecret())).toBe(derivedHs.fields.expanded);
    const hsStep = trace.steps.find((s) => s.action === 'extract secret "handshake":')!;
    expect(hex(r.handshake.secret)).toBe(hsStep.fields.secret);
    const derivedMs = trace.steps.find((s) => s.action === 'derive secret for master "tls13 derived":')!;
    expect(hex(r.handshake.derivedSecret())).toBe(derivedMs.fields.expanded);
    const msStep = trace.steps.find((s) => s.action === 'extract secret "master":')!;
    expect(hex(r.master.secret)).toBe(msStep.fields.secret);
  });

  test('every traffic secret, the exporter and the resumption master secret match', () => {
    expect(hex(r.secrets.cHs)).toBe(deriveStep(trace, 'c hs traffic').fields.expanded);
    expect(hex(r.secrets.sHs)).toBe(deriveStep(trace, 's hs traffic').fields.expanded);
    expect(hex(r.secrets.cAp)).toBe(deriveStep(trace, 'c ap traffic').fields.expanded);
    expect(hex(r.secrets.sAp)).toBe(deriveStep(trace, 's ap traffic').fields.expanded);
    expect(hex(r.secrets.expMaster)).toBe(deriveStep(trace, 'exp master').fields.expanded);
    expect(hex(r.secrets.resMaster)).toBe(deriveStep(trace, 'res master').fields.expanded);
  });

  test('every derivation step used the HkdfLabel the trace prints as info', () => {
    let checked = 0;
    for (const s of trace.steps) {
      const m = /^derive secret(?: for (?:handshake|master))? "tls13 ([^"]+)":$/.exec(s.action);
      if (m === null) continue;
      expect(hex(hkdfLabel(m[1]!, field(s, 'hash'), suite.hashLength)), s.action).toBe(s.fields.info);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  test('every HKDF-Extract takes the salt and IKM the RFC prints', () => {
    const early = step(trace, trace.section === 4 ? 'client' : 'server', 'extract secret "early":');
    expect(early.fields.salt).toBe(''); // "0 (all zero octets)"
    const expectedIkm = trace.section === 4 ? early.fields.IKM : '00'.repeat(32);
    expect(early.fields.IKM).toBe(expectedIkm);
    const hs = step(trace, 'server', 'extract secret "handshake":');
    expect(hs.fields.salt).toBe(hex(r.early.derivedSecret()));
    const ms = step(trace, 'server', 'extract secret "master":');
    expect(ms.fields.salt).toBe(hex(r.handshake.derivedSecret()));
    expect(ms.fields.IKM).toBe('00'.repeat(32));
  });

  test('the finished keys use the HkdfLabel "tls13 finished" with an empty context', () => {
    for (const s of trace.steps.filter((x) => x.action === 'calculate finished "tls13 finished":' || x.action === 'calculate PSK binder:')) {
      expect(s.fields.hash).toBe('');
      expect(s.fields.info).toBe(hex(hkdfLabel('finished', new Uint8Array(0), suite.hashLength)));
    }
  });

  test('every step the trace prints is one of the kinds these tests check', () => {
    const checked = [
      /^create an ephemeral (x25519|P-256) key pair:$/,
      /^construct an? \w+ handshake message:$/,
      /^send handshake record:$/, // §4 only: the ClientHello with its binder
      /^extract secret "(early|handshake|master)":$/,
      /^derive secret(?: for (?:handshake|master))? "tls13 (derived|c e traffic|e exp master|c hs traffic|s hs traffic|c ap traffic|s ap traffic|exp master|res master)":$/,
      /^derive (write|read) traffic keys for (handshake data|application data|early application data):$/,
      /^calculate finished "tls13 finished":$/,
      /^calculate PSK binder:$/,
      /^generate resumption secret "tls13 resumption":$/,
    ];
    for (const s of trace.steps)
      expect(
        checked.some((re) => re.test(s.action)),
        s.action,
      ).toBe(true);
  });

  test('every traffic key and IV printed comes from the secret of its epoch and direction', () => {
    const bySecret: Record<string, Record<Rfc8448Side, Uint8Array | undefined>> = {
      'handshake data': { client: r.secrets.cHs, server: r.secrets.sHs },
      'application data': { client: r.secrets.cAp, server: r.secrets.sAp },
      'early application data': {
        client: trace.section === 4 ? r.early.clientEarlyTrafficSecret(r.hashes.clientHello) : undefined,
        server: undefined,
      },
    };
    let checked = 0;
    for (const s of trace.steps) {
      const m = /^derive (write|read) traffic keys for (.+):$/.exec(s.action);
      if (m === null) continue;
      // A reader uses the keys its peer writes with.
      const sender: Rfc8448Side = m[1] === 'write' ? s.side : s.side === 'client' ? 'server' : 'client';
      const secret = bySecret[m[2]!]?.[sender];
      expect(secret, s.action).toBeDefined();
      expect(hex(secret!), `${s.side} ${s.action} PRK`).toBe(s.fields.PRK);
      const keys = trafficKeys(P, suite, secret!);
      expect(hex(keys.key), `${s.side} ${s.action} key`).toBe(s.fields['key expanded']);
      expect(hex(keys.iv), `${s.side} ${s.action} iv`).toBe(s.fields['iv expanded']);
      expect(hex(hkdfLabel('key', new Uint8Array(0), suite.keyLength))).toBe(s.fields['key info']);
      expect(hex(hkdfLabel('iv', new Uint8Array(0), suite.ivLength))).toBe(s.fields['iv info']);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  test("both finished keys and verify_data match, and equal the Finished messages' bodies", () => {
    const serverStep = step(trace, 'server', 'calculate finished "tls13 finished":');
    expect(hex(r.secrets.sHs)).toBe(serverStep.fields.PRK);
    expect(hex(finishedKey(P, suite.hash, r.secrets.sHs))).toBe(serverStep.fields.expanded);
    const sVerify = finishedVerifyData(P, suite.hash, r.secrets.sHs, r.hashes.serverFinishedInput);
    expect(hex(sVerify)).toBe(serverStep.fields.finished);

    const clientStep = step(trace, 'client', 'calculate finished "tls13 finished":');
    expect(hex(r.secrets.cHs)).toBe(clientStep.fields.PRK);
    expect(hex(finishedKey(P, suite.hash, r.secrets.cHs))).toBe(clientStep.fields.expanded);
    const cVerify = finishedVerifyData(P, suite.hash, r.secrets.cHs, r.hashes.clientFinishedInput);
    expect(hex(cVerify)).toBe(clientStep.fields.finished);

    const sFin = r.messages.find((m) => m.side === 'server' && m.type === 'Finished')!.bytes;
    const cFin = r.messages.find((m) => m.side === 'client' && m.type === 'Finished')!.bytes;
    expect(hex(sFin.subarray(4))).toBe(hex(sVerify));
    expect(hex(cFin.subarray(4))).toBe(hex(cVerify));
    expect(verifyFinished(P, suite.hash, r.secrets.sHs, r.hashes.serverFinishedInput, sFin.subarray(4))).toBe(true);
    expect(verifyFinished(P, suite.hash, r.secrets.cHs, r.hashes.clientFinishedInput, cFin.subarray(4))).toBe(true);
  });

  test('a Finished computed over a different transcript or with the other side key does not verify', () => {
    const sFin = r.messages.find((m) => m.side === 'server' && m.type === 'Finished')!.bytes.subarray(4);
    expect(verifyFinished(P, suite.hash, r.secrets.cHs, r.hashes.serverFinishedInput, sFin)).toBe(false);
    expect(verifyFinished(P, suite.hash, r.secrets.sHs, r.hashes.hello, sFin)).toBe(false);
    expect(verifyFinished(P, suite.hash, r.secrets.sHs, r.hashes.serverFinishedInput, sFin.subarray(1))).toBe(false);
  });
});

// --- trace-specific values -----------------------------------------------------------------

describe('RFC 8448 §3 session ticket', () => {
  test('the resumption PSK from the ticket nonce matches §3 and is the PSK §4 resumes with', () => {
    const r = replay(RFC8448_SIMPLE);
    const nst = field(step(RFC8448_SIMPLE, 'server', 'construct a NewSessionTicket handshake message:'), 'NewSessionTicket');
    // §4.6.1: ticket_lifetime (4) ticket_age_add (4) opaque ticket_nonce<0..255>
    const nonceLength = nst[4 + 8]!;
    const nonce = nst.subarray(4 + 9, 4 + 9 + nonceLength);
    const gen = step(RFC8448_SIMPLE, 'server', 'generate resumption secret "tls13 resumption":');
    expect(hex(nonce)).toBe(gen.fields.hash);
    expect(hex(r.secrets.resMaster)).toBe(gen.fields.PRK);
    const psk = resumptionPsk(P, 'sha256', r.secrets.resMaster, nonce);
    expect(hex(psk)).toBe(gen.fields.expanded);
    expect(hex(hkdfLabel('resumption', nonce, 32))).toBe(gen.fields.info);
    expect(hex(psk)).toBe(step(RFC8448_RESUMED_0RTT, 'client', 'extract secret "early":').fields.IKM);
  });
});

describe('RFC 8448 §4 PSK binder and early data', () => {
  const trace = RFC8448_RESUMED_0RTT;
  const r = replay(trace);
  const binderStep = step(trace, 'client', 'calculate PSK binder:');
  const clientHello = r.messages[0]!.bytes;

  test('the printed ClientHello prefix is the ClientHello truncated before its binders list', () => {
    // §4.2.11.2: one 32-byte binder: uint16 list length, uint8 binder length, 32 bytes.
    const truncated = clientHello.subarray(0, clientHello.length - (2 + 1 + 32));
    expect(hex(truncated)).toBe(binderStep.fields['ClientHello prefix']);
  });

  test('the binder key is Derive-Secret(early secret, "res binder", "")', () => {
    expect(hex(r.early.binderKey('resumption'))).toBe(binderStep.fields.PRK);
  });

  test('the binder hash, binder finished key and binder match, and the binder ends the ClientHello', () => {
    const truncated = fromHex(binderStep.fields['ClientHello prefix']!);
    const binderHash = new Transcript().hashWith(P, 'sha256', truncated);
    expect(hex(binderHash)).toBe(binderStep.fields['binder hash']);
    const binderKey = r.early.binderKey('resumption');
    expect(hex(finishedKey(P, 'sha256', binderKey))).toBe(binderStep.fields.expanded);
    const binder = pskBinder(P, 'sha256', binderKey, binderHash);
    expect(hex(binder)).toBe(binderStep.fields.finished);
    expect(hex(clientHello.subarray(clientHello.length - 32))).toBe(hex(binder));
  });

  test('an external PSK binder key differs from the resumption one ("ext binder" vs "res binder")', () => {
    expect(hex(r.early.binderKey('external'))).not.toBe(hex(r.early.binderKey('resumption')));
  });

  test('client_early_traffic_secret and early_exporter_master_secret match over the full ClientHello', () => {
    const ce = deriveStep(trace, 'c e traffic', 'client');
    const ee = deriveStep(trace, 'e exp master', 'client');
    expect(hex(r.hashes.clientHello)).toBe(ce.fields.hash);
    expect(hex(r.early.secret)).toBe(ce.fields.PRK);
    expect(hex(r.early.clientEarlyTrafficSecret(r.hashes.clientHello))).toBe(ce.fields.expanded);
    expect(hex(r.early.earlyExporterMasterSecret(r.hashes.clientHello))).toBe(ee.fields.expanded);
  });

  test('the client Finished covers EndOfEarlyData', () => {
    const types = r.messages.map((m) => `${m.side}:${m.type}`);
    expect(types).toEqual([
      'client:ClientHello',
      'server:ServerHello',
      'server:EncryptedExtensions',
      'server:Finished',
      'client:EndOfEarlyData',
      'client:Finished',
    ]);
  });
});

describe('RFC 8448 §5 HelloRetryRequest transcript', () => {
  const trace = RFC8448_HELLO_RETRY;
  const r = replay(trace);
  const ch1 = r.messages[0]!;

  test('the trace is ClientHello1, HelloRetryRequest, ClientHello2, ServerHello, ... and negotiates P-256', () => {
    expect(r.messages.slice(0, 4).map((m) => m.type)).toEqual(['ClientHello', 'HelloRetryRequest', 'ClientHello', 'ServerHello']);
    expect(r.group).toBe('secp256r1');
  });

  test('ClientHello1 is replaced by message_hash = fe 00 00 20 || SHA-256(ClientHello1)', () => {
    const t = transcriptThrough(r.messages, 1);
    const expected = `fe000020${hex(P.hash('sha256', ch1.bytes))}`;
    expect(hex(t.messages[0]!)).toBe(expected);
    expect(hex(messageHash(P, 'sha256', ch1.bytes))).toBe(expected);
    expect(t.messages.length).toBe(2);
  });

  test('the handshake traffic secrets hash message_hash, HRR, ClientHello2 and ServerHello', () => {
    const t = new Transcript([messageHash(P, 'sha256', ch1.bytes), r.messages[1]!.bytes, r.messages[2]!.bytes, r.messages[3]!.bytes]);
    expect(hex(t.hash(P, 'sha256'))).toBe(deriveStep(trace, 'c hs traffic').fields.hash);
  });

  test('without the rewrite the transcript hash is different (and wrong)', () => {
    const t = new Transcript(r.messages.slice(0, 4).map((m) => m.bytes));
    expect(hex(t.hash(P, 'sha256'))).not.toBe(deriveStep(trace, 'c hs traffic').fields.hash);
  });
});
