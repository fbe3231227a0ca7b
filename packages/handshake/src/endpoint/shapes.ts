/**
 * The handshake shapes as data: for each, the sequence each side goes through — the states
 * it enters and the handshake messages it sends and receives, in order — and the state
 * machines of RFC 8446 Appendix A as edge lists. packages/handshake/test/handshake-shapes.test.ts
 * drives real endpoints through every shape and checks what they do against this data;
 * docs can draw the diagrams from it.
 *
 * A sequence reads as a trace does: `→ S` the endpoint enters state S (the pass-through
 * states RECVD_CH, NEGOTIATED and WAIT_FLIGHT2 included), `> m` it sends handshake message
 * m, `< m` it receives m (before the moves that m causes). A message belongs to the state
 * last entered before it. Names are the trace's (snake_case); TLS 1.2's change_cipher_spec
 * counts as a message, TLS 1.3's compatibility one (Appendix D.4) does not.
 */
import type { StateName } from './api.js';

export type ShapeStep = `→ ${StateName}` | `> ${string}` | `< ${string}`;

export interface HandshakeShape {
  readonly name: string;
  readonly version: 'TLSv1.3' | 'TLSv1.2';
  /** Where the RFCs draw this message flow. */
  readonly rfc: string;
  readonly client: readonly ShapeStep[];
  readonly server: readonly ShapeStep[];
}

// --- TLS 1.3 (RFC 8446 §2, Appendix A) -------------------------------------------------------

const CLIENT_HELLO: readonly ShapeStep[] = ['> client_hello', '→ WAIT_SH'];
const SERVER_HELLO_RECEIVED: readonly ShapeStep[] = ['< server_hello', '→ WAIT_EE', '< encrypted_extensions'];
const SERVER_AUTH_RECEIVED: readonly ShapeStep[] = ['→ WAIT_CERT_CR', '< certificate', '→ WAIT_CV', '< certificate_verify', '→ WAIT_FINISHED', '< finished'];
const CLIENT_FINISHED: readonly ShapeStep[] = ['> finished', '→ CONNECTED'];
/** The server's ClientHello steps up to the flight (Appendix A.2: RECVD_CH, "Select parameters"). */
const CLIENT_HELLO_RECEIVED: readonly ShapeStep[] = ['< client_hello', '→ RECVD_CH', '→ NEGOTIATED', '> server_hello', '> encrypted_extensions'];
const SERVER_AUTH_SENT: readonly ShapeStep[] = ['> certificate', '> certificate_verify', '> finished'];
const CLIENT_FINISHED_RECEIVED: readonly ShapeStep[] = ['→ WAIT_FINISHED', '< finished', '→ CONNECTED'];

const TLS13_SHAPES: readonly HandshakeShape[] = [
  {
    name: 'full',
    version: 'TLSv1.3',
    rfc: 'RFC 8446 §2 Figure 1',
    client: [...CLIENT_HELLO, ...SERVER_HELLO_RECEIVED, ...SERVER_AUTH_RECEIVED, ...CLIENT_FINISHED],
    server: [...CLIENT_HELLO_RECEIVED, ...SERVER_AUTH_SENT, '→ WAIT_FLIGHT2', ...CLIENT_FINISHED_RECEIVED],
  },
  {
    name: 'hello-retry',
    version: 'TLSv1.3',
    rfc: 'RFC 8446 §2.1 Figure 2',
    client: [...CLIENT_HELLO, '< hello_retry_request', '→ START', ...CLIENT_HELLO, ...SERVER_HELLO_RECEIVED, ...SERVER_AUTH_RECEIVED, ...CLIENT_FINISHED],
    server: [
      '< client_hello',
      '→ RECVD_CH',
      '> hello_retry_request',
      '→ START',
      ...CLIENT_HELLO_RECEIVED,
      ...SERVER_AUTH_SENT,
      '→ WAIT_FLIGHT2',
      ...CLIENT_FINISHED_RECEIVED,
    ],
  },
  {
    name: 'psk',
    version: 'TLSv1.3',
    rfc: 'RFC 8446 §2.2 Figure 3 (second handshake), with one NewSessionTicket (§4.6.1)',
    client: [...CLIENT_HELLO, ...SERVER_HELLO_RECEIVED, '→ WAIT_FINISHED', '< finished', ...CLIENT_FINISHED, '< new_session_ticket'],
    server: [...CLIENT_HELLO_RECEIVED, '> finished', '→ WAIT_FLIGHT2', '→ WAIT_FINISHED', '< finished', '> new_session_ticket', '→ CONNECTED'],
  },
  {
    name: 'psk-0rtt',
    version: 'TLSv1.3',
    rfc: 'RFC 8446 §2.3 Figure 4, with one NewSessionTicket (§4.6.1)',
    client: [...CLIENT_HELLO, ...SERVER_HELLO_RECEIVED, '→ WAIT_FINISHED', '< finished', '> end_of_early_data', ...CLIENT_FINISHED, '< new_session_ticket'],
    server: [
      ...CLIENT_HELLO_RECEIVED,
      '> finished',
      '→ WAIT_EOED',
      '< end_of_early_data',
      '→ WAIT_FLIGHT2',
      ...CLIENT_FINISHED_RECEIVED.slice(0, 2),
      '> new_session_ticket',
      '→ CONNECTED',
    ],
  },
  {
    name: 'client-auth',
    version: 'TLSv1.3',
    rfc: 'RFC 8446 §2 Figure 1 with CertificateRequest (§4.3.2) and the client Certificate, CertificateVerify (§4.4.2, §4.4.3)',
    client: [
      ...CLIENT_HELLO,
      ...SERVER_HELLO_RECEIVED,
      '→ WAIT_CERT_CR',
      '< certificate_request',
      '→ WAIT_CERT',
      '< certificate',
      '→ WAIT_CV',
      '< certificate_verify',
      '→ WAIT_FINISHED',
      '< finished',
      '> certificate',
      '> certificate_verify',
      ...CLIENT_FINISHED,
    ],
    server: [
      ...CLIENT_HELLO_RECEIVED,
      '> certificate_request',
      ...SERVER_AUTH_SENT,
      '→ WAIT_FLIGHT2',
      '→ WAIT_CERT',
      '< certificate',
      '→ WAIT_CV',
      '< certificate_verify',
      ...CLIENT_FINISHED_RECEIVED,
    ],
  },
];

// --- TLS 1.2 (RFC 5246 §7.3, RFC 5077 §3.1) --------------------------------------------------

const HELLO12: readonly ShapeStep[] = [
  '> client_hello',
  '→ WAIT_SH',
  '< server_hello',
  '→ WAIT_CERT',
  '< certificate',
  '→ WAIT_SKE',
  '< server_key_exchange',
  '→ WAIT_CR_OR_SHD',
];
const SERVER_FLIGHT12: readonly ShapeStep[] = ['< client_hello', '> server_hello', '> certificate', '> server_key_exchange'];
const SERVER_FINISHED_RECEIVED12: readonly ShapeStep[] = ['→ WAIT_CCS', '< change_cipher_spec', '→ WAIT_FINISHED', '< finished', '→ CONNECTED'];
const CLIENT_FINISHED_RECEIVED12: readonly ShapeStep[] = [
  '→ WAIT_CCS',
  '< change_cipher_spec',
  '→ WAIT_FINISHED',
  '< finished',
  '> change_cipher_spec',
  '> finished',
  '→ CONNECTED',
];

const TLS12_SHAPES: readonly HandshakeShape[] = [
  {
    name: 'tls12-full',
    version: 'TLSv1.2',
    rfc: 'RFC 5246 §7.3 Figure 1 (ECDHE, RFC 8422 §2)',
    client: [...HELLO12, '< server_hello_done', '> client_key_exchange', '> change_cipher_spec', '> finished', ...SERVER_FINISHED_RECEIVED12],
    server: [...SERVER_FLIGHT12, '> server_hello_done', '→ WAIT_CKE', '< client_key_exchange', ...CLIENT_FINISHED_RECEIVED12],
  },
  {
    name: 'tls12-client-auth',
    version: 'TLSv1.2',
    rfc: 'RFC 5246 §7.3 Figure 1 with CertificateRequest, the client Certificate and CertificateVerify (§7.4.4, §7.4.6, §7.4.8)',
    client: [
      ...HELLO12,
      '< certificate_request',
      '→ WAIT_SHD',
      '< server_hello_done',
      '> certificate',
      '> client_key_exchange',
      '> certificate_verify',
      '> change_cipher_spec',
      '> finished',
      ...SERVER_FINISHED_RECEIVED12,
    ],
    server: [
      ...SERVER_FLIGHT12,
      '> certificate_request',
      '> server_hello_done',
      '→ WAIT_CERT',
      '< certificate',
      '→ WAIT_CKE',
      '< client_key_exchange',
      '→ WAIT_CV',
      '< certificate_verify',
      ...CLIENT_FINISHED_RECEIVED12,
    ],
  },
  {
    name: 'tls12-resumed-ticket',
    version: 'TLSv1.2',
    rfc: 'RFC 5077 §3.1 Figure 2 (abbreviated handshake with a new ticket)',
    client: [
      '> client_hello',
      '→ WAIT_SH',
      '< server_hello',
      '→ WAIT_CCS',
      '< new_session_ticket',
      '< change_cipher_spec',
      '→ WAIT_FINISHED',
      '< finished',
      '> change_cipher_spec',
      '> finished',
      '→ CONNECTED',
    ],
    server: [
      '< client_hello',
      '> server_hello',
      '> new_session_ticket',
      '> change_cipher_spec',
      '> finished',
      '→ WAIT_CCS',
      '< change_cipher_spec',
      '→ WAIT_FINISHED',
      '< finished',
      '→ CONNECTED',
    ],
  },
];

export const HANDSHAKE_SHAPES: readonly HandshakeShape[] = [...TLS13_SHAPES, ...TLS12_SHAPES];

/** An edge of an Appendix A state machine, with the event that RFC 8446 writes on it. */
export type AppendixEdge = readonly [from: StateName, to: StateName, label: string];

/** RFC 8446 Appendix A.1: the client. */
export const APPENDIX_A1_CLIENT: readonly AppendixEdge[] = [
  ['START', 'WAIT_SH', 'Send ClientHello'],
  ['WAIT_SH', 'START', 'Recv HelloRetryRequest'],
  ['WAIT_SH', 'WAIT_EE', 'Recv ServerHello'],
  ['WAIT_EE', 'WAIT_FINISHED', 'Using PSK: Recv EncryptedExtensions'],
  ['WAIT_EE', 'WAIT_CERT_CR', 'Using certificate: Recv EncryptedExtensions'],
  ['WAIT_CERT_CR', 'WAIT_CERT', 'Recv CertificateRequest'],
  ['WAIT_CERT_CR', 'WAIT_CV', 'Recv Certificate'],
  ['WAIT_CERT', 'WAIT_CV', 'Recv Certificate'],
  ['WAIT_CV', 'WAIT_FINISHED', 'Recv CertificateVerify'],
  ['WAIT_FINISHED', 'CONNECTED', 'Recv Finished; [Send EndOfEarlyData]; [Send Certificate [+ CertificateVerify]]; Send Finished'],
];

/** RFC 8446 Appendix A.2: the server. */
export const APPENDIX_A2_SERVER: readonly AppendixEdge[] = [
  ['START', 'RECVD_CH', 'Recv ClientHello'],
  ['RECVD_CH', 'START', 'Send HelloRetryRequest'],
  ['RECVD_CH', 'NEGOTIATED', 'Select parameters'],
  ['NEGOTIATED', 'WAIT_EOED', 'Send ServerHello … Finished; 0-RTT accepted'],
  ['NEGOTIATED', 'WAIT_FLIGHT2', 'Send ServerHello … Finished; no 0-RTT'],
  ['WAIT_EOED', 'WAIT_FLIGHT2', 'Recv EndOfEarlyData'],
  ['WAIT_FLIGHT2', 'WAIT_CERT', 'Client auth'],
  ['WAIT_FLIGHT2', 'WAIT_FINISHED', 'No auth'],
  ['WAIT_CERT', 'WAIT_CV', 'Recv Certificate (non-empty)'],
  ['WAIT_CERT', 'WAIT_FINISHED', 'Recv empty Certificate'],
  ['WAIT_CV', 'WAIT_FINISHED', 'Recv CertificateVerify'],
  ['WAIT_FINISHED', 'CONNECTED', 'Recv Finished'],
];

/** The (state, direction, message) triples of a sequence: each message with the state last entered before it. */
export function stateMessagePairs(steps: readonly ShapeStep[]): [state: StateName, direction: 'send' | 'recv', message: string][] {
  let state: StateName = 'START';
  const out: [StateName, 'send' | 'recv', string][] = [];
  for (const s of steps) {
    const body = s.slice(2);
    if (s.startsWith('→')) state = body as StateName;
    else out.push([state, s.startsWith('>') ? 'send' : 'recv', body]);
  }
  return out;
}
