/*
 * OpenSSL 3.0 libssl differential harness (test/differential/harness.ts is the contract).
 *
 * Input: one JSON object on stdin (HarnessInput: host, port, cert?, key?, pha, waitMs,
 * blockMs, script, resume?), parsed by the small JSON reader below. `harness --version` prints
 * OpenSSL_version(OPENSSL_VERSION) of the libssl it runs against and exits.
 *
 * Client set-up: TLS_client_method offering TLS 1.2 and 1.3 (the server picks: a TLS 1.2
 * differential case's server speaks only 1.2), SSL_VERIFY_NONE (the test PKI is
 * throwaway) — unless `verifyCa` is given: then SSL_VERIFY_PEER against that CA file, and
 * `verifyName` is sent as SNI and checked (SSL_set1_host), the client certificate chain and key when given, post-handshake
 * authentication offered with SSL_set_post_handshake_auth(ssl, 1) when `pha`. The modes
 * are the library's defaults: SSL_MODE_AUTO_RETRY is on (the 3.0 default), so a blocking
 * SSL_read that processes a non-application record (NewSessionTicket, post-handshake
 * CertificateRequest) goes on reading instead of returning SSL_ERROR_WANT_READ. SIGPIPE is
 * ignored (a write after the peer closed reports EPIPE instead of killing us).
 *
 * Server set-up (`"role": "server"`): listens on host:port (port 0: one the kernel picks),
 * writes `listening <port>` and a newline to stderr, accepts one TCP connection, and serves it with TLS_server_method (TLS 1.2 and 1.3), the certificate chain
 * and key given, no session tickets (SSL_CTX_set_num_tickets 0, as the simulated server of
 * these cases; not with resume, below), TLS 1.2 alone with `"version": "TLSv1.2"`, and with `"clientAuth": "require"` SSL_VERIFY_PEER |
 * SSL_VERIFY_FAIL_IF_NO_PEER_CERT against the CA file `verifyCa` (`"request"`: SSL_VERIFY_PEER
 * alone, a client without a certificate is served too). With `"postHandshakeAuth": true`,
 * SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE against `verifyCa`: no CertificateRequest in
 * the handshake, one when the script asks. The step accept → SSL_accept; request_auth →
 * SSL_verify_client_post_handshake, printed {"call": "request_auth", "api":
 * "SSL_verify_client_post_handshake", "outcome": <ret, or as below when not 1>}, then
 * SSL_do_handshake (which sends the CertificateRequest), printed as a call with the same
 * "call" (with `"send": false`, SSL_verify_client_post_handshake alone); the other steps as below.
 * With `"refuseCert": true` the verify callback refuses every client certificate, as an
 * application's access control would: X509_STORE_CTX_set_error(X509_V_ERR_APPLICATION_VERIFICATION), 0.
 *
 * Resume (`"resume": true`): the script runs on a second connection that resumes the
 * first's TLS 1.3 session; the first prints nothing and must succeed (else exit 2). A client
 * makes the first connection with the same SSL_CTX: SSL_connect, SSL_read until it returns
 * <= 0 (the server's NewSessionTickets are processed, then its close_notify ends it),
 * SSL_shutdown; it keeps SSL_get1_session (the session of the last ticket processed) and
 * gives it to the second SSL with SSL_set_session. The new-session count starts again at 0
 * for the second connection. A server leaves session tickets at libssl's default (no
 * SSL_CTX_set_num_tickets 0: stateless tickets, sent by SSL_accept) and serves a first
 * connection: SSL_accept, SSL_read until <= 0 (the client's close_notify), SSL_shutdown,
 * close; then it accepts the second. The first connection's socket waits at most 5 s per recv.
 *
 * Steps: connect → SSL_connect; write → SSL_write of the UTF-8 data, once; read n /
 * peek n → SSL_read / SSL_peek with num = n exactly (also 0); wait → usleep(waitMs), no
 * call; nonblocking → O_NONBLOCK on the socket (the socket BIO follows the fd), no output
 * line; blocking → O_NONBLOCK off again, no output line; key_update →
 * SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED) (sent with the next write), no output
 * line; shutdown → SSL_shutdown; tickets → how many times libssl has called the client's
 * new-session callback (SSL_CTX_sess_set_new_cb, with SSL_SESS_CACHE_CLIENT and no internal
 * store): in TLS 1.3 once per NewSessionTicket it has processed, printed as
 * {"call": "tickets", "api": "new_session_cb", "outcome": "<count>"}, no library call made.
 * peer_cert → SSL_get0_peer_certificate, printed `X509` or `NULL` (it reads nothing).
 * write_early → SSL_write_early_data(ssl, data, len, &written) before SSL_connect (the
 * ClientHello and the early data leave; the session must allow early data), printed
 * `1, <written> written`; read_early n → SSL_read_early_data(ssl, buf, n, &readbytes) before
 * SSL_accept, printed `SSL_READ_EARLY_DATA_SUCCESS, <readbytes> bytes` or
 * `SSL_READ_EARLY_DATA_FINISH, 0 bytes`, or on SSL_READ_EARLY_DATA_ERROR `0 <SSL_get_error
 * name>` as below. A server with `"maxEarlyData": n` calls SSL_CTX_set_max_early_data(ctx, n)
 * (its tickets allow n bytes of early data) and keeps libssl's default server session
 * cache, which its anti-replay check needs; it declines early data by not calling
 * SSL_read_early_data (SSL_accept then skips it).
 * After the last step the process exits without sending anything (no SSL_shutdown unless
 * scripted; SSL_free sends nothing).
 *
 * Output: one JSON line per call, {"call": <op>, "api": "SSL_connect" | "SSL_write" |
 * "SSL_read" | "SSL_peek" | "SSL_shutdown" | …, "outcome": <string>}. The one callback
 * registered (new-session) only counts, so there are no "event" lines. Outcome:
 *   - `<ret>` when the call succeeded: ret > 0 (SSL_connect 1; SSL_read/SSL_peek/SSL_write
 *     the byte count), and for SSL_shutdown also ret = 0 ("close_notify sent, the peer's
 *     not yet received"; its manual says not to call SSL_get_error on 0);
 *   - otherwise `<ret> <SSL_get_error name>`, e.g. `-1 SSL_ERROR_WANT_READ`,
 *     `0 SSL_ERROR_ZERO_RETURN`; then
 *       for SSL_ERROR_SSL: `: <ERR_reason_error_string of the first (oldest) error queue
 *         entry>`, e.g. `-1 SSL_ERROR_SSL: tlsv1 alert decrypt error`
 *         (`reason(<n>)` if the library has no string for it);
 *       for SSL_ERROR_SYSCALL: ` <errno name>` if errno was set by the call, e.g.
 *         `-1 SSL_ERROR_SYSCALL EPIPE`, and `: <reason>` if the queue has an entry;
 *   - `blocked` for a blocking call that did not return within blockMs. How it is told
 *     apart: in blocking mode the socket has SO_RCVTIMEO = blockMs; when recv() times out
 *     it fails with EAGAIN/EWOULDBLOCK, the socket BIO marks it retryable, and the call
 *     returns SSL_ERROR_WANT_READ — which a blocking socket never produces otherwise. So
 *     "blocking mode + SSL_ERROR_WANT_READ + errno EAGAIN/EWOULDBLOCK" is the timeout.
 * Note SSL_read/SSL_peek with num = 0 that succeed return 0 (SSL_read's int return cannot
 * tell "0 bytes read" from failure) and are reported as what SSL_get_error says about it.
 * The error queue is cleared (ERR_clear_error) and errno zeroed before each call.
 *
 * Exit 0 after the script; on bad input or a failed TCP connect: a line on stderr, exit 2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HARNESS_NAME "openssl"
#include "../c/json.h"

static const char *ssl_error_name(int e) {
  switch (e) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP: return "SSL_ERROR_WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT: return "SSL_ERROR_WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT: return "SSL_ERROR_WANT_ACCEPT";
    case SSL_ERROR_WANT_ASYNC: return "SSL_ERROR_WANT_ASYNC";
    case SSL_ERROR_WANT_ASYNC_JOB: return "SSL_ERROR_WANT_ASYNC_JOB";
    case SSL_ERROR_WANT_CLIENT_HELLO_CB: return "SSL_ERROR_WANT_CLIENT_HELLO_CB";
    case SSL_ERROR_WANT_RETRY_VERIFY: return "SSL_ERROR_WANT_RETRY_VERIFY";
    default: return "SSL_ERROR_?";
  }
}

static const char *errno_name(int e) {
  switch (e) {
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EAGAIN: return "EAGAIN"; /* == EWOULDBLOCK on Linux */
    case EINTR: return "EINTR";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ENOTCONN: return "ENOTCONN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    default: return NULL;
  }
}

/* ── the script ── */

static int blocking = 1;

enum call_kind { K_CONNECT, K_ACCEPT, K_WRITE, K_READ, K_PEEK, K_SHUTDOWN, K_WRITE_EARLY, K_READ_EARLY, K_VERIFY_PHA, K_DO_HANDSHAKE };

static const char *const EARLY_READ_RESULT[] = {"SSL_READ_EARLY_DATA_ERROR", "SSL_READ_EARLY_DATA_SUCCESS", "SSL_READ_EARLY_DATA_FINISH"};

/* Makes one library call and prints its outcome line. */
static void do_call(SSL *ssl, const char *call, enum call_kind kind, const char *data, size_t len) {
  static char buf[65536];
  const char *api = "";
  ERR_clear_error();
  errno = 0;
  int ret = 0;
  size_t moved = 0; /* the early-data calls' byte count (written, or read) */
  switch (kind) {
    case K_CONNECT: api = "SSL_connect"; ret = SSL_connect(ssl); break;
    case K_ACCEPT: api = "SSL_accept"; ret = SSL_accept(ssl); break;
    case K_WRITE: api = "SSL_write"; ret = SSL_write(ssl, data, (int)len); break;
    case K_READ: api = "SSL_read"; ret = SSL_read(ssl, buf, (int)len); break;
    case K_PEEK: api = "SSL_peek"; ret = SSL_peek(ssl, buf, (int)len); break;
    case K_SHUTDOWN: api = "SSL_shutdown"; ret = SSL_shutdown(ssl); break;
    case K_WRITE_EARLY: api = "SSL_write_early_data"; ret = SSL_write_early_data(ssl, data, len, &moved); break;
    case K_READ_EARLY: api = "SSL_read_early_data"; ret = SSL_read_early_data(ssl, buf, len, &moved); break;
    case K_VERIFY_PHA: api = "SSL_verify_client_post_handshake"; ret = SSL_verify_client_post_handshake(ssl); break;
    case K_DO_HANDSHAKE: api = "SSL_do_handshake"; ret = SSL_do_handshake(ssl); break;
  }
  int saved_errno = errno;
  char out[512];
  if (kind == K_WRITE_EARLY && ret == 1) {
    snprintf(out, sizeof out, "1, %zu written", moved);
  } else if (kind == K_READ_EARLY && ret != SSL_READ_EARLY_DATA_ERROR) {
    snprintf(out, sizeof out, "%s, %zu bytes", EARLY_READ_RESULT[ret], moved);
  } else if (ret > 0 || (kind == K_SHUTDOWN && ret == 0)) {
    snprintf(out, sizeof out, "%d", ret);
  } else {
    int err = SSL_get_error(ssl, ret);
    if (blocking && err == SSL_ERROR_WANT_READ && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
      snprintf(out, sizeof out, "blocked");
    } else {
      int n = snprintf(out, sizeof out, "%d %s", ret, ssl_error_name(err));
      if (err == SSL_ERROR_SYSCALL && saved_errno != 0) {
        const char *en = errno_name(saved_errno);
        if (en) n += snprintf(out + n, sizeof out - (size_t)n, " %s", en);
        else n += snprintf(out + n, sizeof out - (size_t)n, " errno %d", saved_errno);
      }
      if (err == SSL_ERROR_SSL || err == SSL_ERROR_SYSCALL) {
        unsigned long e = ERR_peek_error();
        if (e != 0) {
          const char *r = ERR_reason_error_string(e);
          if (r) snprintf(out + n, sizeof out - (size_t)n, ": %s", r);
          else snprintf(out + n, sizeof out - (size_t)n, ": reason(%d)", ERR_GET_REASON(e));
        }
      }
    }
  }
  ERR_clear_error();
  emit(call, api, out);
}

/*
 * Timing between back-to-back calls. Loopback TCP delivers a write at once and wakes the
 * server, and on a busy machine the woken server may take this process's CPU until it has
 * answered: then e.g. zero-read-nonblocking's first SSL_read(0), made microseconds after
 * SSL_connect sent the client's Finished, found the server's rejection already arrived (11
 * runs of 30 at load 2.6 on 2 cores; 0 of 60 with this). So the harness asks for SCHED_FIFO
 * (needs CAP_SYS_NICE or an RLIMIT_RTPRIO): a real-time process is not preempted by
 * ordinary ones and runs its script steps back to back; it sleeps whenever it waits for the
 * network, so it takes nothing from the server. Without the privilege it runs as it is and
 * says so on stderr.
 */
static void keep_cpu(void) {
  struct sched_param sp = {.sched_priority = 1};
  if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
    fprintf(stderr, "openssl harness: SCHED_FIFO unavailable (%s); back-to-back calls may be overtaken by the server's answer\n", strerror(errno));
}

/* `refuseCert`: the application refuses every client certificate (X509_V_ERR_APPLICATION_VERIFICATION). */
static int refuse_cert(int preverify_ok, X509_STORE_CTX *x) {
  (void)preverify_ok;
  X509_STORE_CTX_set_error(x, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

/* NewSessionTickets libssl has processed: its new-session callback's calls (we keep no session). */
static int tickets_processed = 0;
static int on_new_session(SSL *ssl, SSL_SESSION *session) {
  (void)ssl;
  (void)session;
  tickets_processed++;
  return 0; /* not kept: libssl frees it */
}

static void set_rcvtimeo(int fd, long ms) {
  struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) die("SO_RCVTIMEO: %s", strerror(errno));
}

/* The next TCP connection: accepted on `listener` (server), or made to sa (client, listener < 0). */
static int tcp_connection(int listener, const struct sockaddr_in *sa, const char *host, int port) {
  if (listener >= 0) {
    int conn = accept(listener, NULL, NULL);
    if (conn < 0) die("accept: %s", strerror(errno));
    return conn;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) != 0) die("connect %s:%d: %s", host, port, strerror(errno));
  return fd;
}

/* An SSL for one connection on fd, set up as every connection of the run is. */
static SSL *new_ssl(SSL_CTX *ctx, int fd, int pha, const char *verify_name) {
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL) die("SSL_new failed");
  if (pha) SSL_set_post_handshake_auth(ssl, 1);
  if (verify_name != NULL && (SSL_set_tlsext_host_name(ssl, verify_name) != 1 || SSL_set1_host(ssl, verify_name) != 1)) die("cannot set host name %s", verify_name);
  if (SSL_set_fd(ssl, fd) != 1) die("SSL_set_fd failed");
  return ssl;
}

/*
 * A resumed run's first connection: the handshake, SSL_read until the peer's close_notify
 * (a client processes the server's tickets meanwhile), SSL_shutdown. Nothing is printed.
 * A client gets the session to offer next (its own reference); a server gets NULL.
 */
static SSL_SESSION *first_connection(SSL *ssl, int serving) {
  static char buf[16384];
  ERR_clear_error();
  int ret = serving ? SSL_accept(ssl) : SSL_connect(ssl);
  if (ret != 1) {
    unsigned long e = ERR_peek_error();
    die("first connection: handshake failed (%d %s%s%s)", ret, ssl_error_name(SSL_get_error(ssl, ret)), e != 0 ? ": " : "", e != 0 && ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "");
  }
  while (SSL_read(ssl, buf, (int)sizeof buf) > 0) {
  }
  ERR_clear_error();
  (void)SSL_shutdown(ssl);
  ERR_clear_error();
  if (serving) return NULL;
  SSL_SESSION *session = SSL_get1_session(ssl);
  if (session == NULL || !SSL_SESSION_is_resumable(session)) die("first connection: no resumable session (the server sent no ticket?)");
  return session;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
    return 0;
  }
  signal(SIGPIPE, SIG_IGN);
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

  const struct jval *in = jparse(read_all_stdin());
  if (in->type != J_OBJ) die("input is not a JSON object");

  const char *host = jstr(in, "host");
  if (host == NULL) die("input: 'host' missing");
  int port = (int)jnum(in, "port", -1);
  if (port < 0) die("input: 'port' missing");
  const char *cert = jstr(in, "cert");
  const char *key = jstr(in, "key");
  const char *verify_ca = jstr(in, "verifyCa");
  const char *verify_name = jstr(in, "verifyName");
  int pha = jnum(in, "pha", 0) != 0;
  long wait_ms = (long)jnum(in, "waitMs", 300);
  long block_ms = (long)jnum(in, "blockMs", 1000);
  const struct jval *script = jget(in, "script");
  if (script == NULL || script->type != J_ARR) die("input: 'script' missing or not an array");
  const char *role = jstr(in, "role");
  int serving = role != NULL && strcmp(role, "server") == 0;
  const char *client_auth = jstr(in, "clientAuth");
  int resume = jnum(in, "resume", 0) != 0;

  keep_cpu();

  /* TLS context (every connection of the run uses it) */
  SSL_CTX *ctx = SSL_CTX_new(serving ? TLS_server_method() : TLS_client_method());
  if (ctx == NULL) die("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  if (serving) {
    if (!resume) SSL_CTX_set_num_tickets(ctx, 0);
    /* 0-RTT: the tickets allow this much early data, and the server takes it. */
    double max_early = jnum(in, "maxEarlyData", 0);
    if (max_early > 0 && SSL_CTX_set_max_early_data(ctx, (uint32_t)max_early) != 1) die("SSL_CTX_set_max_early_data failed");
    const char *version = jstr(in, "version");
    if (version != NULL && strcmp(version, "TLSv1.2") == 0) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (client_auth != NULL && strcmp(client_auth, "require") == 0) {
      if (verify_ca == NULL || SSL_CTX_load_verify_locations(ctx, verify_ca, NULL) != 1) die("clientAuth require: cannot load CA file");
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    if (client_auth != NULL && strcmp(client_auth, "request") == 0) {
      if (verify_ca == NULL || SSL_CTX_load_verify_locations(ctx, verify_ca, NULL) != 1) die("clientAuth request: cannot load CA file");
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (jnum(in, "postHandshakeAuth", 0) != 0) {
      if (verify_ca == NULL || SSL_CTX_load_verify_locations(ctx, verify_ca, NULL) != 1) die("postHandshakeAuth: cannot load CA file");
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE, NULL);
    }
    if (jnum(in, "refuseCert", 0) != 0) {
      if (SSL_CTX_get_verify_mode(ctx) == SSL_VERIFY_NONE) die("refuseCert: the server asks for no client certificate");
      SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), refuse_cert);
    }
  }
  /* A 0-RTT server keeps libssl's default server cache: its anti-replay check looks a
   * ticket up there, and without it every ticket is refused (a full handshake). */
  if (!(serving && jnum(in, "maxEarlyData", 0) > 0)) SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  if (verify_ca != NULL && !serving) {
    if (SSL_CTX_load_verify_locations(ctx, verify_ca, NULL) != 1) die("cannot load CA file %s", verify_ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  }
  if (cert != NULL && SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) die("cannot load certificate chain %s", cert);
  if (key != NULL && SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) die("cannot load key %s", key);

  /* TCP: a server listens first; a client connects to sa */
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) die("host '%s' is not an IPv4 address", host);
  int listener = -1;
  if (serving) {
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) die("socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) die("SO_REUSEADDR: %s", strerror(errno));
    if (bind(listener, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind %s:%d: %s", host, port, strerror(errno));
    if (listen(listener, 1) != 0) die("listen: %s", strerror(errno));
    socklen_t salen = sizeof sa;
    if (getsockname(listener, (struct sockaddr *)&sa, &salen) != 0) die("getsockname: %s", strerror(errno));
    fprintf(stderr, "listening %d\n", ntohs(sa.sin_port));
    fflush(stderr);
  }
  SSL_SESSION *session = NULL;
  if (resume) {
    int first_fd = tcp_connection(listener, &sa, host, port);
    set_rcvtimeo(first_fd, 5000);
    SSL *first = new_ssl(ctx, first_fd, pha, verify_name);
    session = first_connection(first, serving);
    SSL_free(first);
    close(first_fd);
    /* The script's tickets are the second connection's. */
    tickets_processed = 0;
  }
  int fd = tcp_connection(listener, &sa, host, port);
  if (listener >= 0) close(listener);
  set_rcvtimeo(fd, block_ms);

  SSL *ssl = new_ssl(ctx, fd, pha, verify_name);
  if (session != NULL) {
    if (SSL_set_session(ssl, session) != 1) die("SSL_set_session failed");
    SSL_SESSION_free(session);
  }

  for (size_t i = 0; i < script->len; i++) {
    const struct jval *step = script->items[i];
    const char *op = jstr(step, "op");
    if (op == NULL) die("script step %zu: 'op' missing", i);
    if (strcmp(op, "connect") == 0) {
      do_call(ssl, op, K_CONNECT, NULL, 0);
    } else if (strcmp(op, "accept") == 0) {
      do_call(ssl, op, K_ACCEPT, NULL, 0);
    } else if (strcmp(op, "write") == 0) {
      const struct jval *d = jget(step, "data");
      if (d == NULL || d->type != J_STR) die("write: 'data' missing");
      do_call(ssl, op, K_WRITE, d->str, d->len);
    } else if (strcmp(op, "write_early") == 0) {
      const struct jval *d = jget(step, "data");
      if (d == NULL || d->type != J_STR) die("write_early: 'data' missing");
      do_call(ssl, op, K_WRITE_EARLY, d->str, d->len);
    } else if (strcmp(op, "read_early") == 0) {
      double nn = jnum(step, "n", -1);
      if (nn < 1 || nn > 65536) die("read_early: n out of range");
      do_call(ssl, op, K_READ_EARLY, NULL, (size_t)nn);
    } else if (strcmp(op, "read") == 0 || strcmp(op, "peek") == 0) {
      double nn = jnum(step, "n", -1);
      if (nn < 0 || nn > 65536) die("%s: n out of range", op);
      do_call(ssl, op, op[0] == 'r' ? K_READ : K_PEEK, NULL, (size_t)nn);
    } else if (strcmp(op, "wait") == 0) {
      usleep((useconds_t)(wait_ms * 1000));
    } else if (strcmp(op, "nonblocking") == 0) {
      int fl = fcntl(fd, F_GETFL);
      if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) die("O_NONBLOCK: %s", strerror(errno));
      blocking = 0;
    } else if (strcmp(op, "key_update") == 0) {
      if (SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED) != 1) die("SSL_key_update failed");
    } else if (strcmp(op, "blocking") == 0) {
      int fl = fcntl(fd, F_GETFL);
      if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) die("O_NONBLOCK off: %s", strerror(errno));
      blocking = 1;
    } else if (strcmp(op, "shutdown") == 0) {
      do_call(ssl, op, K_SHUTDOWN, NULL, 0);
    } else if (strcmp(op, "request_auth") == 0) {
      do_call(ssl, op, K_VERIFY_PHA, NULL, 0);
      /* "send": false: the request is only marked; libssl sends it with the next I/O call. */
      if (jnum(step, "send", 1) != 0) do_call(ssl, op, K_DO_HANDSHAKE, NULL, 0);
    } else if (strcmp(op, "auto_retry_off") == 0) {
      SSL_clear_mode(ssl, SSL_MODE_AUTO_RETRY);
    } else if (strcmp(op, "pending") == 0) {
      char n[32];
      snprintf(n, sizeof n, "%d", SSL_pending(ssl));
      emit(op, "SSL_pending", n);
    } else if (strcmp(op, "peer_cert") == 0) {
      emit(op, "SSL_get0_peer_certificate", SSL_get0_peer_certificate(ssl) != NULL ? "X509" : "NULL");
    } else if (strcmp(op, "tickets") == 0) {
      char n[32];
      snprintf(n, sizeof n, "%d", tickets_processed);
      emit(op, "new_session_cb", n);
    } else {
      die("unknown script op '%s'", op);
    }
  }
  /* Exit without sending anything: SSL_free sends no alert, close() only ends TCP. */
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  fflush(stdout);
  return 0;
}
