/**
 * What test/rfc8448-endpoint.test.ts and test/rfc8448-resumed.test.ts share: the RFC's
 * values read from the project's vectors (test/vectors, packages/handshake/test/vectors),
 * to feed the endpoint configurations of packages/sim/src/scenarios/rfc8448/endpoints.ts,
 * and a connection run in memory that records every record each side sends.
 */
import { fromHex, toHex } from '@tls13sim/record';
import { createEndpoint, decodeHandshake, type Endpoint, type EndpointEvent, type HandshakeMessage, type PrivateKey } from '@tls13sim/handshake';
import { rsaPrivateKey, type Rfc8448Configs, type SimpleInputs } from '../packages/sim/src/scenarios/rfc8448/endpoints.js';
import { RFC8448_MESSAGES, type Rfc8448Trace } from './vectors/rfc8448-messages.js';
import { RFC8448_SERVER_RSA_KEY } from './vectors/rfc8448-pki.js';
import { RFC8448_SIMPLE, type Rfc8448Trace as SecretsTrace } from '../packages/handshake/test/vectors/rfc8448-secrets.js';

// --- RFC values --------------------------------------------------------------------------

/** The `nth` message `name` sent by `sender` in `trace`, decoded (RFC 8448 prints whole messages). */
export function rfcMessage<T extends HandshakeMessage['type']>(
  trace: Rfc8448Trace,
  sender: 'client' | 'server',
  name: string,
  type: T,
  nth = 0,
): Extract<HandshakeMessage, { type: T }> {
  const found = RFC8448_MESSAGES.filter((m) => m.trace === trace && m.sender === sender && m.name === name)[nth];
  if (found === undefined) throw new Error(`no ${sender} ${name} #${nth} in ${trace}`);
  const bytes = fromHex(found.hex);
  const msg = decodeHandshake(bytes[0]!, bytes.subarray(4), { hashLength: 32 });
  if (msg.type !== type) throw new Error(`${trace} ${name} decodes as ${msg.type}, not ${type}`);
  return msg as Extract<HandshakeMessage, { type: T }>;
}

/** A field of the `nth` step of `trace` whose action is `action` (RFC 8448 step text). */
export function rfcField(trace: SecretsTrace, side: 'client' | 'server', action: string, field: string, nth = 0): Uint8Array {
  const step = trace.steps.filter((s) => s.side === side && s.action === action)[nth];
  const value = step?.fields[field];
  if (value === undefined) throw new Error(`§${trace.section}: no {${side}} "${action}" ${field}`);
  return fromHex(value);
}

export const clientRandom = (trace: Rfc8448Trace): Uint8Array => rfcMessage(trace, 'client', 'client_hello', 'client_hello').random;
export const serverRandom = (trace: Rfc8448Trace, nth = 0): Uint8Array => rfcMessage(trace, 'server', 'server_hello', 'server_hello', nth).random;
export const certificateChain = (trace: Rfc8448Trace, sender: 'client' | 'server'): Uint8Array[] =>
  rfcMessage(trace, sender, 'certificate', 'certificate').certificateList.map((e) => e.certData);

export const x25519Key = (trace: SecretsTrace, side: 'client' | 'server'): Uint8Array =>
  rfcField(trace, side, 'create an ephemeral x25519 key pair:', 'private key');
export const p256Key = (trace: SecretsTrace, side: 'client' | 'server'): Uint8Array =>
  rfcField(trace, side, 'create an ephemeral P-256 key pair:', 'private key');

/** RFC 8448 §2: the server's RSA key (it signs in §3, §5 and §7). */
export const SERVER_RSA_KEY: PrivateKey = rsaPrivateKey(RFC8448_SERVER_RSA_KEY);

/** The §3 connection's inputs: its key shares and randoms, the server's certificate, its NewSessionTicket. */
export function simpleInputs(): SimpleInputs {
  const nst = rfcMessage('simple_1rtt', 'server', 'new_session_ticket', 'new_session_ticket');
  return {
    clientX25519: x25519Key(RFC8448_SIMPLE, 'client'),
    clientRandom: clientRandom('simple_1rtt'),
    serverX25519: x25519Key(RFC8448_SIMPLE, 'server'),
    serverRandom: serverRandom('simple_1rtt'),
    serverCertificate: { chain: certificateChain('simple_1rtt', 'server'), privateKey: SERVER_RSA_KEY },
    ticketAgeAdd: nst.ticketAgeAdd,
    ticketLifetime: nst.ticketLifetime,
  };
}

// --- Running a connection ----------------------------------------------------------------

export interface Sent {
  readonly sender: 'client' | 'server';
  readonly wire: Uint8Array;
}

export interface Run {
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** The virtual time both endpoints run at (their own clock when absent). */
  readonly now?: number;
  readonly sent: Sent[];
  readonly events: { client: EndpointEvent[]; server: EndpointEvent[] };
}

export function startRun({ client, server }: Rfc8448Configs, now?: number): Run {
  const run: Run = { client: createEndpoint(client), server: createEndpoint(server), now, sent: [], events: { client: [], server: [] } };
  run.client.start(now);
  run.server.start(now);
  pump(run);
  return run;
}

/** Delivers every queued record, client first, until neither side has anything to send. */
export function pump(run: Run): void {
  for (let round = 0; round < 50; round++) {
    let moved = false;
    for (const [from, to, sender] of [
      [run.client, run.server, 'client'],
      [run.server, run.client, 'server'],
    ] as const) {
      for (let wire = from.pollTransmit(); wire !== null; wire = from.pollTransmit()) {
        run.sent.push({ sender, wire });
        to.handleBytes(wire, run.now);
        moved = true;
      }
    }
    for (let e = run.client.pollEvent(); e !== null; e = run.client.pollEvent()) run.events.client.push(e);
    for (let e = run.server.pollEvent(); e !== null; e = run.server.pollEvent()) run.events.server.push(e);
    if (!moved) return;
  }
  throw new Error('pump: no quiescence');
}

/** The records `sender` (both sides when absent) sent, in order, as hex. */
export const recordsOf = (run: Run, sender?: 'client' | 'server'): string[] =>
  run.sent.filter((s) => sender === undefined || s.sender === sender).map((s) => toHex(s.wire));

/** Keylog label and secret of every `secret` event (EXPORTER_SECRET), in order. */
export function loggedSecrets(events: readonly EndpointEvent[]): Array<[string, string]> {
  return events.flatMap((e) => (e.type === 'secret' ? [[e.label, toHex(e.secret)] as [string, string]] : []));
}

/** Keylog label → secret of every traffic key the endpoint installed. */
export function installedSecrets(events: readonly EndpointEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) if (e.type === 'keys_installed' && e.keylog) out[e.keylog.label] = toHex(e.keylog.secret);
  return out;
}
