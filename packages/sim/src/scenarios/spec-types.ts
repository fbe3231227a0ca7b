/**
 * The shape of a catalogue scenario as plain data (`ScenarioSpec`), apart from what runs it
 * (spec.ts): the registry names the type without depending on the builders.
 */
import type { AlertName } from '@tls13sim/record';
import type { ClientAuthPolicy, NamedGroupName, TlsVersion } from '@tls13sim/handshake';
import type { LensName } from '../lens/lens.js';
import type { PullMode } from '../simulation.js';
import type { NetDirection, Side, TraceEventType, TraceSide } from '../trace.js';
import type { RewriteName } from './attacks.js';

/** A certificate from the scenario PKI, by role; `client-stray-key`: the client's, signed for with a key that does not match it. */
export type CertificateName = 'client' | 'server' | 'client-stray-key';

/** One endpoint's settings over the scenario defaults (trust in the scenario CA, `server.test`, the server's certificate). */
export interface EndpointSpec {
  readonly certificate?: CertificateName;
  readonly clientAuth?: ClientAuthPolicy;
  /** What the server's certificate verifier decides about the client's chain (default: accept). */
  readonly verdict?: 'ignore' | { readonly reject: AlertName };
  readonly groups?: readonly NamedGroupName[];
  readonly keyShareGroups?: readonly NamedGroupName[];
  /** The client offers post_handshake_auth (§4.2.6). */
  readonly postHandshakeAuth?: boolean;
  /** NewSessionTickets the server sends (§4.6.1), with max_early_data_size; the issuer's keys come from the seed. */
  readonly tickets?: { readonly count: number; readonly maxEarlyData: number };
  /** The server takes 0-RTT data (default true, §4.2.10). */
  readonly acceptEarlyData?: boolean;
  /** The client's 0-RTT data (UTF-8), sent behind its ClientHello when it resumes (§2.3). */
  readonly earlyData?: string;
  /**
   * Protocol versions (RFC 8446 §4.2.1; default TLS 1.3 alone). With TLSv1.2 the endpoint is
   * createTlsEndpoint's: TLS 1.2 alone, or both, negotiated (the tls12-* scenarios,
   * downgrade-detected).
   */
  readonly versions?: readonly TlsVersion[];
}

/** One step of the scenario's program: an application call through the side's lens, or the network and the endpoints moved. */
export type ProgramOp =
  /** The side's lens (the library its application calls; OpenSSL's unless `runScenario` says otherwise). */
  | { readonly op: 'lens'; readonly side: Side; readonly blocking?: boolean }
  | { readonly op: 'blocking'; readonly side: Side; readonly value: boolean }
  | { readonly op: 'connect' | 'accept'; readonly side: Side }
  | { readonly op: 'write'; readonly side: Side; readonly data: string }
  | { readonly op: 'read'; readonly side: Side; readonly max: number }
  /**
   * 0-RTT (§2.3): the client writes its early data (its `earlyData`) before its handshake
   * call, and the server reads it before its own. Lenses that model the library's own calls
   * record them (OpenSSL's SSL_write_early_data, SSL_read_early_data); elsewhere the early
   * data leaves with the ClientHello unrecorded, and the server's read is an ordinary read.
   */
  | { readonly op: 'writeEarly'; readonly side: Side; readonly data: string }
  | { readonly op: 'readEarly'; readonly side: Side; readonly max: number }
  /** One delivery; or every delivery until nothing is in flight. */
  | { readonly op: 'step' }
  | { readonly op: 'run' }
  | { readonly op: 'keyUpdate'; readonly side: Side; readonly request: boolean }
  /**
   * The server asks for a client certificate on the established connection (§4.6.2): through
   * its lens where its library's calls are modelled (OpenSSL's SSL_verify_client_post_handshake
   * and SSL_do_handshake are recorded), else by the simulation with no call.
   */
  | { readonly op: 'requestClientAuth' }
  /** Whether the side's application can see its peer's certificate now (lens/peer-cert.ts); reads nothing. */
  | { readonly op: 'peerCert'; readonly side: Side }
  | { readonly op: 'pull'; readonly side: Side; readonly mode: PullMode }
  /** The application hands data to its endpoint directly (no lens call: e.g. 0.5-RTT data, §2.3). */
  | { readonly op: 'send'; readonly side: Side; readonly data: string }
  /** Sends `data` the first time the side's endpoint enters `state` (a server writing as soon as its flight is out). */
  | { readonly op: 'sendOnState'; readonly side: Side; readonly state: string; readonly data: string }
  /**
   * The side closes TCP without close_notify (`Simulation.hangUp`): at once, or the first time
   * its endpoint enters `state` (a server that drops a client it has judged, sending no alert).
   */
  | { readonly op: 'hangUp'; readonly side: Side; readonly state?: string }
  /**
   * The side's application abandons the handshake (the endpoint's cancel(): user_canceled,
   * then close_notify, RFC 8446 §6.1) and closes TCP: at once, or the first time its endpoint
   * enters `state` (a server whose handshake timer fires).
   */
  | { readonly op: 'cancel'; readonly side: Side; readonly state?: string }
  /**
   * An attacker on the path rewrites the `nth` delivery (0-based) in `direction`:
   * `strip_supported_versions` removes that extension from a ClientHello (RFC 8446 §4.2.1).
   */
  | { readonly op: 'rewrite'; readonly direction: NetDirection; readonly nth: number; readonly rewrite: RewriteName };

/**
 * The first trace event (`nth`, 0-based, among those that match) with these fields: a
 * record that carries `message`, a state entered (`to`), an application call (`call`), a
 * fact noted (`fact`), … — `later`: only events after that virtual time.
 */
export interface AnchorSpec {
  readonly event: TraceEventType;
  readonly side?: TraceSide;
  readonly message?: string;
  readonly innerType?: string;
  readonly epoch?: string;
  readonly to?: string;
  readonly verdict?: string;
  readonly call?: string;
  readonly fact?: string;
  readonly later?: number;
  readonly nth?: number;
}

/**
 * Per library: the note's text through that lens, or `null` to leave the note out there (what
 * it explains does not happen with that library). A library not listed shows `text`.
 */
export type NoteLenses = Readonly<Partial<Record<Exclude<LensName, 'openssl'>, string | null>>>;

export interface NoteSpec {
  /** `start`, or the event the note follows. */
  readonly after: 'start' | AnchorSpec;
  readonly text: string;
  readonly side?: TraceSide;
  /** What the note says through another library's lens, where `text` would not hold for it. */
  readonly lenses?: NoteLenses;
}

export interface ScenarioSpec {
  /** The scenario (and trace) name; with the seed it labels all randomness. */
  readonly name: string;
  readonly client: EndpointSpec;
  readonly server: EndpointSpec;
  /**
   * An earlier full handshake (connection 1, not in the trace) whose first ticket the client
   * resumes with (§2.2), `laterMs` after it ended; the server's `tickets` serve both.
   */
  readonly resume?: { readonly laterMs: number };
  readonly program: readonly ProgramOp[];
  readonly notes: readonly NoteSpec[];
}
