/**
 * The shape of a differential case (cases.ts holds the cases): the client script's steps,
 * the server program, and, for a case where the real library serves, our client's program.
 */
import type { NamedGroupName } from '@tls13sim/handshake';
import type { AlertName } from '@tls13sim/record';

export type ScriptStep =
  | { readonly op: 'connect' }
  /** The server's handshake call (a case whose `side` is 'server'). */
  | { readonly op: 'accept' }
  | { readonly op: 'write'; readonly data: string }
  /**
   * 0-RTT data, written before the handshake call (the session must allow early data):
   * OpenSSL's SSL_write_early_data, which sends the ClientHello and the data behind it.
   */
  | { readonly op: 'write_early'; readonly data: string }
  /**
   * The server's early-data read, before its handshake call: OpenSSL's SSL_read_early_data,
   * which answers the ClientHello with the server's flight and returns the early data, then
   * SSL_READ_EARLY_DATA_FINISH once the client's EndOfEarlyData has come (or at once, when it
   * did not take early data); rustls's ServerConnection::early_data() and a read from it, once
   * rustls has processed the early data (`None` when it did not take any).
   */
  | { readonly op: 'read_early'; readonly n: number }
  | { readonly op: 'read'; readonly n: number }
  | { readonly op: 'peek'; readonly n: number }
  /** Everything the server will send arrives; nothing is read. */
  | { readonly op: 'wait' }
  /** The socket (and the library) become non-blocking from here on. */
  | { readonly op: 'nonblocking' }
  /** Blocking again (after `nonblocking`). */
  | { readonly op: 'blocking' }
  /**
   * A KeyUpdate that asks the peer to update too (RFC 8446 §4.6.3): OpenSSL's
   * SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED), sent with the next write; GnuTLS's
   * gnutls_session_key_update(session, GNUTLS_KU_PEER), sent at once. No outcome line.
   */
  | { readonly op: 'key_update' }
  | { readonly op: 'shutdown' }
  /**
   * The server asks for a client certificate on the established connection (RFC 8446
   * §4.6.2), its library's way: OpenSSL's SSL_verify_client_post_handshake, then
   * SSL_do_handshake, which sends the CertificateRequest (two output lines); Python's
   * verify_client_post_handshake(), then do_handshake(); GnuTLS's gnutls_reauth, which takes
   * the answer too. Elsewhere the client's answer is processed by a later read. The library
   * serves with `postHandshakeAuth` (HarnessInput). `send: false`: only the call that marks
   * the request (OpenSSL, Python); the library sends it with its next I/O call.
   */
  | { readonly op: 'request_auth'; readonly send?: boolean }
  /**
   * Whether the application can see the peer's certificate now, its library's way
   * (lens/peer-cert.ts): OpenSSL's SSL_get0_peer_certificate (`X509` / `NULL`), Python's
   * getpeercert() (`dict` / `None`), Go's ConnectionState().PeerCertificates (`non-empty` /
   * `empty`), Node's getPeerCertificate() (`object` / `{}`), GnuTLS's
   * gnutls_certificate_get_peers (`non-NULL` / `NULL`), rustls's peer_certificates() (`Some` /
   * `None`). No call that reads.
   */
  | { readonly op: 'peer_cert' }
  /** OpenSSL only: SSL_clear_mode(ssl, SSL_MODE_AUTO_RETRY). */
  | { readonly op: 'auto_retry_off' }
  /** OpenSSL only: SSL_pending, the processed application bytes waiting to be read. */
  | { readonly op: 'pending' }
  /**
   * What the application can tell of the NewSessionTickets its library has processed so
   * far, the library's own way: OpenSSL's new-session callback, GnuTLS's NewSessionTicket
   * handshake hook, Go's ClientSessionCache.Put (each a count), Python's
   * `SSLSocket.session.has_ticket`, Node's 'session' events (a count). Reads nothing.
   */
  | { readonly op: 'tickets' };

/** What the server does, on TCP and in the simulation alike. */
export interface ServerProgram {
  /**
   * The server speaks only this version (default: TLS 1.3 only). With TLS 1.2 the client
   * (which offers 1.2 and 1.3) negotiates 1.2, and the server judges the client's
   * certificate before its own Finished (RFC 5246 §7.3): the verdict reaches the client
   * inside its handshake call.
   */
  readonly version?: 'TLSv1.2';
  /**
   * The server speaks TLS 1.2 and 1.3, and an attacker on the path strips supported_versions
   * from the client's ClientHello (RFC 8446 §4.2.1): the server sees a TLS 1.2 client and
   * answers TLS 1.2 with the downgrade sentinel DOWNGRD\x01 in ServerHello.random (§4.1.3).
   * A client that offered TLS 1.3 "MUST abort the handshake with an "illegal_parameter"
   * alert" (§4.1.3): the alert is the client's own, sent by its handshake call.
   */
  readonly downgrade?: boolean;
  readonly clientAuth: 'none' | 'request' | 'require';
  /**
   * The only groups the server takes (default: all it supports). Every library client here
   * sends an x25519 key share first; a server that takes only secp384r1 answers it with a
   * HelloRetryRequest (RFC 8446 §4.1.4).
   */
  readonly groups?: readonly NamedGroupName[];
  /** The verifier's decision on a client certificate that passed path validation (default accept). */
  readonly reject?: AlertName;
  /** Our server signs its CertificateVerify with a key that does not match its certificate (RFC 8446 §4.4.3). */
  readonly strayKey?: boolean;
  /** Written as 0.5-RTT data right after the server's first flight, before the client's Finished. */
  readonly halfRtt?: string;
  /** Echo every byte read. */
  readonly echo?: boolean;
  /**
   * The client's 0-RTT data (its script's write_early steps) is read and not echoed: the
   * server answers only what comes after it (RFC 8448 §4's server, which takes "ABCDEF" and
   * answers the 50 bytes that follow the client's Finished).
   */
  readonly earlyUnanswered?: boolean;
  /** Answer every read with this text instead of an echo (closeAfterEcho and the rest apply as to an echo). */
  readonly reply?: string;
  /**
   * Answer the first read with these texts, one record each, in one TCP write (the
   * simulation: one flight): the client's next read finds them all arrived.
   */
  readonly replyRecords?: readonly string[];
  /**
   * On TCP the server answers as if across a real network, where its answer cannot overtake
   * the client's next call: it reads the ClientHello 100 ms after the connection opens,
   * writes its `greet` 100 ms after it completes, and answers a close_notify 100 ms after it
   * came. On loopback a scheduler that runs the server first could otherwise have the answer
   * waiting. Seen: GnuTLS's and rustls's non-blocking connect; Python's non-blocking
   * unwrap(), whose second SSL_shutdown found the server's close_notify; Python's
   * non-blocking recv right after its connect, which found the greeting. The simulation
   * needs nothing: it delivers only when the script waits.
   */
  readonly distant?: boolean;
  /** Written once the server's handshake is complete (after its verdict), before it reads anything. */
  readonly greet?: string;
  /**
   * After the first echo, close (close_notify). On TCP the close_notify follows 100 ms later,
   * so it never reaches the client in the same read as the echo (the simulation sends the two
   * as separate flights).
   */
  readonly closeAfterEcho?: boolean;
  /**
   * The close_notify goes with the first echo, in the same TCP write (the simulation: in the
   * same flight), so the client receives both records in one read.
   */
  readonly closeWithEcho?: boolean;
  /** Once complete, request post-handshake client authentication (§4.6.2); `reject` applies to its certificate. */
  readonly postHandshakeAuth?: boolean;
  /** Written once the post-handshake authentication has succeeded (the protected resource). */
  readonly afterAuth?: string;
  /** NewSessionTickets to send (§4.6.1); none when absent. */
  readonly tickets?: number;
  /**
   * 0-RTT (RFC 8446 §2.3, §4.2.10): the server's tickets allow this much early data, and it
   * takes early data offered under them. When the library serves: OpenSSL's
   * SSL_CTX_set_max_early_data, rustls's ServerConfig::max_early_data_size.
   */
  readonly earlyData?: number;
  /**
   * With `earlyData`: the tickets allow early data, but this connection declines it (§4.2.10:
   * the server skips it, and EncryptedExtensions carries no early_data). When the library
   * serves, its script declines by not reading early data (OpenSSL: no SSL_read_early_data;
   * the rustls harness then calls reject_early_data() before the script's first call).
   */
  readonly declineEarlyData?: boolean;
  /**
   * The server closes TCP (a FIN) without a close_notify, a truncation (§6.1), and sends
   * nothing more: 'before-server-hello' once the ClientHello has arrived, without answering
   * it; 'at-verdict' when it has judged the client's certificate, instead of any alert;
   * 'after-echo' after its first echo; 'on-close-notify' when the client's close_notify
   * arrives, instead of answering it with its own.
   */
  readonly hangUp?: 'before-server-hello' | 'at-verdict' | 'after-echo' | 'on-close-notify';
  /**
   * The server abandons the handshake as our endpoint's cancel() does: user_canceled then
   * close_notify, both warning-level (RFC 8446 §6.1), then a FIN. 'before-server-hello': once
   * the ClientHello has arrived, without answering it (in the clear). 'at-flight2': once its
   * own flight is out, without reading the client's — as `serve` does when its handshake
   * timer fires while the client's second flight is late (under application keys: the
   * client has completed and its connect has returned).
   */
  readonly cancel?: 'before-server-hello' | 'at-flight2';
}

/**
 * What our client does in a case whose `side` is 'server' (the real library is the server):
 * it completes its handshake (or aborts it, when it verifies the server against a CA that
 * did not issue its certificate), writes `write`, reads the answer, then ends (`end`).
 */
export interface ClientProgram {
  /** Absent: the client writes nothing and ends as soon as its handshake is complete (or `awaitGreeting`). */
  readonly write?: string;
  /** Without `write`: the client reads what the server writes first (its greeting), then ends. */
  readonly awaitGreeting?: boolean;
  /**
   * On TCP our client reads nothing until a `wait` step and 100 ms more have passed since it
   * connected: a non-blocking server that waits for the ClientHello, then makes its handshake
   * call, finds no answer to its flight yet, as across a network (on loopback GnuTLS's
   * sometimes found our Finished already there). The simulation needs nothing.
   */
  readonly distant?: boolean;
  /**
   * After `write`, our client sends a KeyUpdate that asks the server to update too (RFC 8446
   * §4.6.3), then writes this, then reads the answer. On TCP it waits 100 ms first, so the
   * server has read the first write (the simulation sends them as two flights).
   */
  readonly rekeyThen?: string;
  /** After `write`, our client writes this too, at once (a second record), then reads the answer. */
  readonly alsoWrite?: string;
  /**
   * 'close': close_notify, then FIN at once (TlsConnection.close()); 'closeNotify':
   * close_notify alone, TCP left open until the library's side has closed it
   * (`close({ fin: false })`), as in the simulation, where a close_notify brings no FIN;
   * 'hangUp': a FIN without close_notify.
   */
  readonly end: 'close' | 'closeNotify' | 'hangUp';
  /**
   * Our client's first ClientHello carries a key share for this group only (its groups: this,
   * then x25519). With X25519MLKEM768, which none of the libraries here take, the library
   * answers with a HelloRetryRequest for x25519 (RFC 8446 §4.1.4); the TCP client checks
   * that it did.
   */
  readonly keyShare?: NamedGroupName;
  /**
   * Our client offers this as 0-RTT data (RFC 8446 §2.3) under a ticket from another server,
   * one of our own that allowed early data (lens/foreign-session.ts). The library cannot open
   * the ticket: it must ignore the PSK (§4.2.11) and skip the early data (§4.2.10), and our
   * client writes `write` again once complete. Our TCP client fails the run if the library resumed.
   */
  readonly earlyData?: string;
  /** Our client rejects the server's certificate with this alert (its serverCertVerifier): the handshake ends there. */
  readonly reject?: AlertName;
}

export interface DiffCase {
  readonly name: string;
  readonly title: string;
  /**
   * Which side the real library plays (default 'client': our server runs `server`, the
   * library's client the script). With 'server' the library's server runs the script, our
   * client runs `client`, and `server` gives only the library server's settings
   * (`clientAuth`: it requires a client certificate, verified against the test CA).
   */
  readonly side?: 'server';
  /** Our client's program when the library serves (default: write "ping", read, close). */
  readonly client?: ClientProgram;
  readonly server: ServerProgram;
  /**
   * The client's certificate: from the CA the server trusts, from another CA, or none;
   * `stray-key`: the trusted one, with its CertificateVerify signed by the other's key (our
   * client only: a library will not load a key that does not match its certificate).
   */
  readonly clientCert: 'trusted' | 'untrusted' | 'none' | 'stray-key';
  /** The client offers post-handshake authentication (§4.2.6). */
  readonly clientPha?: boolean;
  /**
   * The client verifies the server's certificate, for the name `localhost`, against the CA
   * that issued it ('trusted') or against another CA ('untrusted'). Absent: the client
   * verifies nothing (the test PKI is throwaway), as in every other case.
   */
  readonly verifyServer?: 'trusted' | 'untrusted';
  readonly script: readonly ScriptStep[];
  /**
   * The script runs on a second connection that resumes the first's session (RFC 8446 §2.2).
   * On the first, the client completes its handshake and reads until the server's close_notify:
   * the server sends its NewSessionTickets, then closes. The client then connects again,
   * offering the session it got, and the server must resume it (our side checks, and the run
   * fails otherwise). Only the second connection's calls are reported.
   */
  readonly resume?: boolean;
  /** Libraries that cannot run this case at all, and why (shown in docs/lenses.md). */
  readonly unsupported?: Readonly<Record<string, string>>;
}
