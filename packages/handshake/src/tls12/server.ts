/**
 * The TLS 1.2 server (RFC 5246 §7.3): on the ClientHello it sends ServerHello, Certificate,
 * ServerKeyExchange, [CertificateRequest] and ServerHelloDone; it then reads the client's
 * [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec and Finished, and
 * only then sends its own ChangeCipherSpec and Finished. So the server judges the client's
 * certificate before the client's handshake can complete: a rejection reaches the client
 * while it is still waiting for the server's Finished.
 */
import { concatBytes } from '@tls13sim/record';
import { NamedGroup, SignatureScheme, TLS12, type NamedGroupName } from '../constants.js';
import { judgeClientCertificate } from '../endpoint/certificates.js';
import type { EcCurve, PrivateKey } from '../crypto/keys.js';
import type { CertifiedKey } from '../endpoint/config.js';
import { fail, unexpected } from '../endpoint/errors.js';
import { findExtension } from '../messages/extensions.js';
import type { ClientHello } from '../messages/types.js';
import { Transcript } from '../keyschedule/transcript.js';
import { checkFinished, deriveSecrets, finishedMessage, keyTypeOk } from './derive.js';
import {
  checkEmptyRenegotiationInfo,
  checkPointFormats,
  DOWNGRADE_TLS12,
  ecPointFormatsExtension,
  emsExtension,
  EXT_EC_POINT_FORMATS,
  EXT_EXTENDED_MASTER_SECRET,
  EXT_RENEGOTIATION_INFO,
  renegotiationInfoExtension,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
} from './hello.js';
import { encodeEcdhParams, encodeTls12, type Decoded12, type RawExtension } from './messages.js';
import { checkTls12Signature, chooseTls12Scheme, signTls12 } from './signature.js';
import type { Tls12ServerFlight, Tls12ServerState } from './state.js';
import type { Tls12SuiteParams } from './suites.js';
import { acceptedTicket, EXT_SESSION_TICKET, issueTicket, negotiatedOf, resumedServerFlight, wantsTicket } from './resume.js';
import { Out12, refuseRenegotiation, type Env12, type Step12 } from './step.js';

type SState<K extends Tls12ServerState['kind']> = Extract<Tls12ServerState, { kind: K }>;

function rawExtension(ch: ClientHello, code: number): Uint8Array | undefined {
  for (const e of ch.extensions) if (e.type === 'unknown' && e.code === code) return e.data;
  return undefined;
}

interface Choice {
  readonly suite: Tls12SuiteParams;
  readonly certificate: CertifiedKey;
  readonly scheme: ReturnType<typeof chooseTls12Scheme> & string;
}

/** The named group of each ECDSA curve. */
const ECDSA_CURVE: Readonly<Record<EcCurve, NamedGroupName>> = { p256: 'secp256r1', p384: 'secp384r1', p521: 'secp521r1' };

/**
 * RFC 8422 §5.1: a server "MUST NOT negotiate the use of an ECC cipher suite unless it can
 * complete the handshake while respecting the choice of curves" the client lists, which
 * binds the curve of an ECDSA certificate too (§2.1, §5.3). A client that lists no groups
 * takes any curve.
 */
function curveOffered(key: PrivateKey, ch: ClientHello): boolean {
  if (key.type !== 'ecdsa') return true;
  const offered = findExtension(ch.extensions, 'supported_groups')?.groups;
  return offered === undefined || offered.includes(NamedGroup[ECDSA_CURVE[key.curve]]);
}

/** Server preference (RFC 5246 §7.4.1.3: "a single cipher suite selected by the server from the list in ClientHello.cipher_suites"), with a certificate and scheme that fit. */
function chooseSuite(ch: ClientHello, schemes: readonly number[], env: Env12): Choice | null {
  for (const suite of env.suites12) {
    if (!ch.cipherSuites.includes(suite.code)) continue;
    for (const certificate of env.config.certificates) {
      if (!keyTypeOk(certificate.privateKey.type, suite) || !curveOffered(certificate.privateKey, ch)) continue;
      const scheme = chooseTls12Scheme(certificate.privateKey, schemes, env);
      if (scheme !== null) return { suite, certificate, scheme };
    }
  }
  return null;
}

/** RFC 8422 §5.1.1: the first of our groups the client lists (secp256r1 if it lists none, as RFC 4492 clients without the extension support it). */
function chooseGroup(ch: ClientHello, env: Env12): string | null {
  const offered = findExtension(ch.extensions, 'supported_groups')?.groups;
  if (offered === undefined) return env.groups12.includes('secp256r1') ? 'secp256r1' : null;
  return env.groups12.find((g) => offered.includes(NamedGroup[g as NamedGroupName])) ?? null;
}

/** Checks the ClientHello's TLS 1.2 requirements; returns the ServerHello extensions to answer with. */
function helloExtensions(ch: ClientHello, env: Env12): { extensions: RawExtension[]; alpn: string | null; ems: boolean } {
  // RFC 5246 §7.4.1.2: compression methods "MUST" include null (0).
  if (!ch.legacyCompressionMethods.includes(0)) fail('illegal_parameter', 'the ClientHello does not offer the null compression method');
  // RFC 7627 §5.3: "If the server receives a ClientHello without the extension, it SHOULD abort the handshake if it does not wish to interoperate with legacy clients." 'require' does; 'prefer' goes on without it.
  const ems = rawExtension(ch, EXT_EXTENDED_MASTER_SECRET) !== undefined;
  if (!ems && env.tls12Ems === 'require') fail('no_common_parameters', 'the client did not offer extended_master_secret (RFC 7627), which we require');
  const reneg = rawExtension(ch, EXT_RENEGOTIATION_INFO);
  if (reneg !== undefined) checkEmptyRenegotiationInfo(reneg);
  const points = rawExtension(ch, EXT_EC_POINT_FORMATS);
  if (points !== undefined) checkPointFormats(points);
  const extensions: RawExtension[] = [];
  // RFC 5746 §3.6: the server "MUST include an empty "renegotiation_info" extension in the ServerHello" when the client sent the extension or the SCSV.
  if (reneg !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) extensions.push(renegotiationInfoExtension);
  // RFC 7627 §5.2: the server echoes the extension only when the client offered it.
  if (ems) extensions.push(emsExtension);
  // RFC 8422 §5.2: a server that selects an ECC suite answering ec_point_formats sends its own.
  if (points !== undefined) extensions.push(ecPointFormatsExtension);
  let alpn: string | null = null;
  const offered = findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocols;
  if (offered !== undefined && env.config.alpn.length > 0) {
    alpn = env.config.alpn.find((p) => offered.includes(p)) ?? null;
    // RFC 7301 §3.2: no overlap is no_application_protocol.
    if (alpn === null) fail('no_application_protocol', `no ALPN protocol in common (client offers ${offered.join(', ')})`);
    const name = new TextEncoder().encode(alpn);
    extensions.push({ code: 16, data: concatBytes(new Uint8Array([0, name.length + 1, name.length]), name) });
  }
  return { extensions, alpn, ems };
}

/** START: the ClientHello and the server's whole first flight. */
export function onClientHello(ch: ClientHello & { raw: Uint8Array }, env: Env12): Step12 {
  const versions = findExtension(ch.extensions, 'supported_versions')?.versions;
  // RFC 5246 Appendix E.1 / RFC 8446 §4.2.1: TLS 1.2 must be offered (in supported_versions when present).
  if (versions !== undefined ? !versions.includes(TLS12) : ch.legacyVersion < TLS12) fail('protocol_version', 'the client does not offer TLS 1.2');
  const { extensions, alpn, ems } = helloExtensions(ch, env);
  // Tickets are issued for extended-master-secret sessions only, so RFC 7627 §5.3 ("If the original session used the extension but the new ClientHello does not contain it, the server MUST abort the abbreviated handshake") makes a client without it take a full handshake, and get no ticket.
  const ticketPromised = ems && wantsTicket(ch, env);
  // RFC 5077 §3.2: an empty SessionTicket extension in the ServerHello promises a NewSessionTicket.
  if (ticketPromised) extensions.push({ code: EXT_SESSION_TICKET, data: new Uint8Array(0) });
  const random = env.random.bytes(32);
  // RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 writes the sentinel in the last 8 bytes of ServerHello.random.
  if (env.tls13Capable) random.set(DOWNGRADE_TLS12, 24);
  const serverName = findExtension(ch.extensions, 'server_name')?.serverNames[0]?.hostName ?? null;
  const resumed = ems ? acceptedTicket(ch, env) : null;
  if (resumed !== null) {
    const hello = { clientRandom: ch.random, serverRandom: random, suite: resumed.suite, alpn, serverName, transcript: new Transcript([ch.raw]) };
    // RFC 5077 §3.4: accepting the ticket, the server "MUST respond with the same Session ID present in the ClientHello".
    const sh = encodeTls12({
      type: 'server_hello',
      version: TLS12,
      random,
      sessionId: ch.legacySessionId,
      cipherSuite: resumed.suite.code,
      compression: 0,
      extensions,
    });
    return resumedServerFlight(new Out12(), hello, sh, resumed.master, ticketPromised, env);
  }
  return fullServerFlight(ch, env, { extensions, alpn, random, serverName, ticketPromised, legacyMasterSecret: !ems });
}

/** The full handshake's first flight: ServerHello, Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone. */
function fullServerFlight(
  ch: ClientHello & { raw: Uint8Array },
  env: Env12,
  h: { extensions: RawExtension[]; alpn: string | null; random: Uint8Array; serverName: string | null; ticketPromised: boolean; legacyMasterSecret: boolean },
): Step12 {
  const { extensions, alpn, random, serverName, ticketPromised, legacyMasterSecret } = h;
  const schemes = findExtension(ch.extensions, 'signature_algorithms')?.schemes;
  if (schemes === undefined) fail('missing_extension', 'the ClientHello has no signature_algorithms (RFC 5246 §7.4.1.4.1: we do not fall back to SHA-1)');
  const choice = chooseSuite(ch, schemes, env);
  if (choice === null) fail('no_common_parameters', "no TLS 1.2 cipher suite in common that our certificates and the client's signature algorithms allow");
  const group = chooseGroup(ch, env);
  if (group === null) fail('no_common_parameters', 'no elliptic-curve group in common');
  const transcript = new Transcript([ch.raw]);
  const out = new Out12();
  const { suite, certificate, scheme } = choice!;
  out.send(
    'server_hello',
    encodeTls12({ type: 'server_hello', version: TLS12, random, sessionId: new Uint8Array(0), cipherSuite: suite.code, compression: 0, extensions }),
    transcript,
  );
  out.send('certificate', encodeTls12({ type: 'certificate', chain: certificate.chain }), transcript);
  const kex = env.crypto.keyExchange(group as NamedGroupName);
  if (kex === undefined) fail('internal', `no key exchange for ${group}`);
  const share = kex.generate(env.random);
  const params = encodeEcdhParams(NamedGroup[group as NamedGroupName], share.share);
  // RFC 8422 §5.4: signed_params = client_random + server_random + ServerECDHParams.
  const signature = signTls12(scheme, certificate.privateKey, concatBytes(ch.random, random, params), env);
  out.send(
    'server_key_exchange',
    encodeTls12({
      type: 'server_key_exchange',
      namedCurve: NamedGroup[group as NamedGroupName],
      publicKey: share.share,
      algorithm: SignatureScheme[scheme],
      signature,
    }),
    transcript,
  );
  const certRequested = env.config.clientAuth !== 'none';
  if (certRequested) {
    // RFC 5246 §7.4.4; rsa_sign(1) and ecdsa_sign(64) (RFC 8422 §5.5); no authorities named.
    out.send(
      'certificate_request',
      encodeTls12({ type: 'certificate_request', certificateTypes: new Uint8Array([1, 64]), schemes: env.config.schemeCodes, authorities: [] }),
      transcript,
    );
  }
  out.send('server_hello_done', encodeTls12({ type: 'server_hello_done' }), transcript);
  const flight: Tls12ServerFlight = {
    hello: { clientRandom: ch.random, serverRandom: random, suite, alpn, serverName, transcript, ...(legacyMasterSecret ? { legacyMasterSecret } : {}) },
    share,
    group,
    serverScheme: scheme,
    certRequested,
    ticketPromised,
  };
  const next = { flight, clientChain: [], clientKey: null, ignore: false };
  return out.done(certRequested ? { kind: 'WAIT_CERT', ...next } : { kind: 'WAIT_CKE', ...next });
}

/**
 * WAIT_CERT: the client's Certificate, judged as the 1.3 server judges it (config.clientAuth,
 * path validation, config.clientCertVerifier) — but here before the server's Finished. An
 * empty one when a certificate is required is handshake_failure (RFC 5246 §7.4.6: the server
 * "MAY respond with a fatal handshake_failure alert"; TLS 1.2 has no certificate_required).
 */
function onClientCertificate(st: SState<'WAIT_CERT'>, chain: readonly Uint8Array[], raw: Uint8Array, env: Env12): Step12 {
  // certificate_required becomes handshake_failure at the TLS 1.2 endpoint (errors.ts TLS12_ALERT_OF_KIND).
  const judged = judgeClientCertificate(
    chain.map((certData) => ({ certData })),
    env,
    ' (RFC 5246 §7.4.6)',
  );
  st.flight.hello.transcript.add(raw);
  if (judged.kind === 'none') return new Out12().done({ ...st, kind: 'WAIT_CKE' });
  return new Out12().done({ ...st, kind: 'WAIT_CKE', clientChain: judged.chain, clientKey: judged.key, ignore: judged.ignore });
}

function onClientKeyExchange(st: SState<'WAIT_CKE'>, publicKey: Uint8Array, raw: Uint8Array, env: Env12): Step12 {
  const kex = env.crypto.keyExchange(st.flight.group as NamedGroupName)!;
  const shared = kex.finish(st.flight.share!, publicKey);
  // RFC 8422 §5.10 / RFC 7748 §6: an invalid point or an all-zero X25519 result.
  if (shared === null) fail('illegal_parameter', `the client's ${st.flight.group} public value is invalid`);
  const t = st.flight.hello.transcript;
  t.add(raw);
  const secrets = deriveSecrets(env, st.flight.hello, shared!, t);
  // RFC 5246 §7.4.8: a client that sent a certificate with signing capability sends CertificateVerify.
  if (st.clientKey !== null)
    return new Out12().done({ kind: 'WAIT_CV', flight: st.flight, secrets, clientChain: st.clientChain, clientKey: st.clientKey, ignore: st.ignore });
  return new Out12().done({ kind: 'WAIT_CCS', flight: st.flight, secrets, clientChain: [], resumed: false });
}

function onCertificateVerify(st: SState<'WAIT_CV'>, algorithm: number, signature: Uint8Array, raw: Uint8Array, env: Env12): Step12 {
  const t = st.flight.hello.transcript;
  // RFC 5246 §7.4.8: over handshake_messages up to but not including this message; the algorithm must be one the CertificateRequest listed.
  checkTls12Signature(algorithm, st.clientKey, t.bytes(), signature, env, 'client CertificateVerify');
  t.add(raw);
  return new Out12().done({ kind: 'WAIT_CCS', flight: st.flight, secrets: st.secrets, clientChain: st.ignore ? [] : st.clientChain, resumed: false });
}

/** RFC 5246 §7.1: the client's ChangeCipherSpec makes its pending write state our current read state. */
export function serverOnCcs(st: Tls12ServerState): Step12 {
  if (st.kind !== 'WAIT_CCS') fail('unexpected_message', `ChangeCipherSpec is not expected in state ${st.kind}`);
  const out = new Out12();
  out.push({ kind: 'keys', direction: 'read', suite: st.flight.hello.suite, key: st.secrets.clientKey, iv: st.secrets.clientIv, master: st.secrets.master });
  return out.done({ ...st, kind: 'WAIT_FINISHED' });
}

/** WAIT_FINISHED: the client's Finished, then our ChangeCipherSpec and Finished (RFC 5246 §7.3). */
function onClientFinished(st: SState<'WAIT_FINISHED'>, verifyData: Uint8Array, raw: Uint8Array, env: Env12): Step12 {
  const { hello } = st.flight;
  checkFinished(env, hello.suite, st.secrets.master, 'client', hello.transcript, verifyData);
  hello.transcript.add(raw);
  const out = new Out12();
  out.event({ type: 'finished_verified', version: 'TLSv1.2' });
  const negotiated = negotiatedOf(hello, st.flight.group, st.flight.serverScheme, st.resumed);
  const app = { negotiated, secrets: st.secrets, peerCertificates: st.clientChain, clientRandom: hello.clientRandom, serverRandom: hello.serverRandom };
  if (st.resumed) {
    // RFC 5077 §3.1 figure 2: our Finished went first; the client's completes the handshake.
    out.event({ type: 'handshake_complete' });
    return out.done({ kind: 'CONNECTED', app });
  }
  // RFC 5077 §3.3: the NewSessionTicket goes after the client's Finished, before our ChangeCipherSpec.
  if (st.flight.ticketPromised) issueTicket(out, hello.suite, st.secrets.master, hello.alpn, hello.transcript, env);
  out.push({ kind: 'ccs' });
  out.push({ kind: 'keys', direction: 'write', suite: hello.suite, key: st.secrets.serverKey, iv: st.secrets.serverIv, master: st.secrets.master });
  out.event({ type: 'finished_built', version: 'TLSv1.2' });
  out.send('finished', finishedMessage(env, hello.suite, st.secrets.master, 'server', hello.transcript), hello.transcript);
  out.event({ type: 'handshake_complete' });
  return out.done({ kind: 'CONNECTED', app });
}

export function serverHandle12(st: Tls12ServerState, msg: Decoded12, env: Env12): Step12 {
  switch (st.kind) {
    case 'START':
      if (msg.type === 'client_hello') return onClientHello(msg, env);
      break;
    case 'WAIT_CERT':
      if (msg.type === 'certificate') return onClientCertificate(st, msg.chain, msg.raw, env);
      break;
    case 'WAIT_CKE':
      if (msg.type === 'client_key_exchange') return onClientKeyExchange(st, msg.publicKey, msg.raw, env);
      break;
    case 'WAIT_CV':
      if (msg.type === 'certificate_verify') return onCertificateVerify(st, msg.algorithm, msg.signature, msg.raw, env);
      break;
    case 'WAIT_FINISHED':
      if (msg.type === 'finished') return onClientFinished(st, msg.verifyData, msg.raw, env);
      break;
    case 'CONNECTED':
      // RFC 5246 §7.2.2 no_renegotiation: "sent ... by the server in response to a client hello after initial handshaking"; a warning, as OpenSSL with renegotiation disabled sends it.
      if (msg.type === 'client_hello') return refuseRenegotiation(st);
      break;
    default:
      break;
  }
  return unexpected(st.kind, msg as never);
}
