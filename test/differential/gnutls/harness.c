/*
 * GnuTLS differential harness (test/differential/harness.ts describes the contract).
 *
 * Input: one HarnessInput JSON object on stdin, parsed by the tiny reader below (it knows
 * JSON objects, arrays, strings, numbers, booleans and null; nothing else is needed).
 * Output: one JSON line per library call, in order:
 *   {"call":"<script op>|event","api":"<GnuTLS function>","outcome":"<see below>"}
 *
 * Outcome format (applied to every call):
 *   - a return value >= 0 is printed in decimal: `0` for gnutls_handshake / gnutls_bye /
 *     gnutls_reauth success (GNUTLS_E_SUCCESS), the byte count for gnutls_record_send and
 *     gnutls_record_recv, and `0` for gnutls_record_recv at end of stream (close_notify);
 *   - a negative return value is printed as its macro name, from gnutls_strerror_name()
 *     (e.g. `GNUTLS_E_AGAIN`, `GNUTLS_E_INVALID_REQUEST`);
 *   - for GNUTLS_E_FATAL_ALERT_RECEIVED and GNUTLS_E_WARNING_ALERT_RECEIVED the received
 *     alert follows as `: ` + gnutls_alert_get_name(gnutls_alert_get(session)), e.g.
 *     `GNUTLS_E_FATAL_ALERT_RECEIVED: Decrypt error` (an alert GnuTLS has no name for is
 *     printed as `alert <code>`);
 *   - `blocked`: a blocking call that had not returned after blockMs;
 *   - `unsupported`: a `peek` step (GnuTLS has no peek call; nothing is called).
 *
 * The calls:
 *   connect  -> gnutls_handshake. Priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" (TLS 1.3 and 1.2: the server picks);
 *               the server certificate is not verified (no verify function is installed),
 *               unless `verifyCa` is given: then it is its trust file, `verifyName` the
 *               server_name sent, and gnutls_session_set_verify_cert(session, verifyName, 0);
 *               the client certificate comes from gnutls_certificate_set_x509_key_file;
 *               `pha: true` passes GNUTLS_POST_HANDSHAKE_AUTH to gnutls_init.
 *   accept   -> gnutls_handshake on the server's session (role "server": the harness listens
 *               on host:port (port 0: one the kernel picks), writes `listening <port>` and a
 *               newline to stderr, and serves one connection with GNUTLS_SERVER | GNUTLS_NO_TICKETS,
 *               no tickets as the simulated server of these cases (resume aside, see below), the certificate and key
 *               given, TLS 1.2 alone with "version": "TLSv1.2"; with clientAuth "require", GNUTLS_CERT_REQUIRE with `verifyCa` as the
 *               trust file and gnutls_session_set_verify_cert(session, NULL, 0); "request":
 *               GNUTLS_CERT_REQUEST, the same verification of a certificate given).
 *   write    -> gnutls_record_send (the UTF-8 data, once).
 *   read n   -> gnutls_record_recv(session, buf, n), n as given (0 included).
 *   peek n   -> nothing (see above).
 *   shutdown -> gnutls_bye(session, GNUTLS_SHUT_WR): sends close_notify, does not wait for
 *               the peer's.
 *   wait     -> sleeps waitMs, calls nothing.
 *   nonblocking -> O_NONBLOCK on the socket (GnuTLS's default push/pull are send/recv on it),
 *               no output line.
 *   blocking -> O_NONBLOCK off again, no output line.
 *   key_update -> gnutls_session_key_update(session, GNUTLS_KU_PEER): sends a KeyUpdate that
 *               asks the peer to update too, no output line.
 *   tickets  -> how many NewSessionTickets GnuTLS has processed: calls of a handshake hook
 *               (gnutls_handshake_set_hook_function, GNUTLS_HANDSHAKE_NEW_SESSION_TICKET,
 *               GNUTLS_HOOK_POST, incoming) that only counts; no call is made. Printed as
 *               api `gnutls_handshake_set_hook_function`, outcome the count.
 *   write_early -> gnutls_record_send_early_data(session, data, len), before the handshake
 *               call (a client resuming a session that allows early data; the session is made
 *               with GNUTLS_ENABLE_EARLY_DATA when the script has this step): the data is
 *               kept and sent by gnutls_handshake. Printed as the return value, once.
 *   peer_cert -> gnutls_certificate_get_peers(session, &list_size): `non-NULL` (the chain the
 *               peer sent, as far as GnuTLS has processed it, not empty) or `NULL`; reads nothing.
 *   request_auth -> (server) gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE),
 *               then gnutls_reauth(session, 0), retried as any call: it sends the
 *               CertificateRequest and takes the client's Certificate, CertificateVerify and
 *               Finished in the same call, and verifies the certificate against verifyCa
 *               (gnutls_session_set_verify_cert). Printed as its final result. With
 *               `refuseCert`, gnutls_session_set_verify_function then installs a function
 *               that refuses every certificate (returns -1), as an application's access
 *               control would. A server with
 *               `postHandshakeAuth` is made with GNUTLS_POST_HANDSHAKE_AUTH (GnuTLS asks only
 *               a client that offered post_handshake_auth).
 *
 * Retries, as an application does: in blocking mode a call returning GNUTLS_E_INTERRUPTED
 * or GNUTLS_E_AGAIN is called again (GnuTLS 3.7 also returns GNUTLS_E_AGAIN in blocking
 * mode after it has processed a post-handshake message such as NewSessionTicket), and the
 * step still prints one line, the final result. In non-blocking mode nothing is retried.
 *
 * Timeouts: the socket has SO_RCVTIMEO and SO_SNDTIMEO of blockMs and the handshake timeout
 * is GNUTLS_INDEFINITE_TIMEOUT (so GnuTLS never poll()s with its own timer), so a blocking
 * recv()/send() that waits blockMs fails with EAGAIN, which GnuTLS returns as
 * GNUTLS_E_AGAIN. A GNUTLS_E_AGAIN in blocking mode is told apart from the immediate ones
 * above by the clock: if at least blockMs (minus 20 ms of slack) have passed since the step
 * began, the step is `blocked`; else the call is retried.
 *
 * Post-handshake authentication: GnuTLS surfaces the server's CertificateRequest as
 * GNUTLS_E_REAUTH_REQUEST from gnutls_record_recv; the application must then call
 * gnutls_reauth(session, 0), which sends Certificate, CertificateVerify and Finished, and
 * read again. The harness does that inside the `read` step: it prints the
 * GNUTLS_E_REAUTH_REQUEST return and the gnutls_reauth result as `event` lines
 * (api `gnutls_record_recv` and `gnutls_reauth`), then calls gnutls_record_recv again; the
 * `read` line is that final call. If gnutls_reauth fails (not AGAIN/INTERRUPTED), the
 * application gives up: the `read` line is then api `gnutls_reauth` with its error.
 *
 * Resume (`resume: true`): the script runs on a second connection that resumes the first's
 * TLS 1.3 session. The first connection prints nothing: gnutls_handshake, gnutls_record_recv
 * until it returns 0 or an error (the peer's tickets, then its close_notify), gnutls_bye
 * (GNUTLS_SHUT_WR: our close_notify), close; the same retries as in blocking mode, with 5 s
 * socket timeouts. As a client the harness then keeps the session
 * (gnutls_session_get_data2) and gives it to the second session (gnutls_session_set_data)
 * before its handshake; the ticket count restarts at 0, so `tickets` counts the second
 * connection's only. As a server, session tickets are on for this run only: both sessions
 * are made with GNUTLS_SERVER alone (no GNUTLS_NO_TICKETS) and
 * gnutls_session_ticket_enable_server with one key (gnutls_session_ticket_key_generate),
 * so gnutls_handshake sends tickets; the first connection is served as above, then the
 * second one is accepted on the same listening socket. With `maxEarlyData` the first
 * session is also made with GNUTLS_ENABLE_EARLY_DATA and
 * gnutls_record_set_max_early_data_size(maxEarlyData), so its tickets allow early data; the
 * second is made without them, and declines the early data a client sends under such a ticket
 * (a GnuTLS server takes early data only with that flag, and its application reads it with
 * gnutls_record_recv_early_data after its handshake call, which no script step makes).
 *
 * After the last step the process exits without sending anything (gnutls_deinit only).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#define HARNESS_NAME "gnutls"
#include "../c/json.h"

/* The outcome of a GnuTLS return value, in the format of the header comment. */
static void render(gnutls_session_t s, long ret, char *out, size_t cap) {
  if (ret >= 0) {
    snprintf(out, cap, "%ld", ret);
    return;
  }
  const char *name = gnutls_strerror_name((int)ret);
  char fallback[32];
  if (name == NULL) {
    snprintf(fallback, sizeof fallback, "GNUTLS_E_%ld", ret);
    name = fallback;
  }
  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED || ret == GNUTLS_E_WARNING_ALERT_RECEIVED) {
    gnutls_alert_description_t a = gnutls_alert_get(s);
    const char *an = gnutls_alert_get_name(a);
    if (an != NULL) snprintf(out, cap, "%s: %s", name, an);
    else snprintf(out, cap, "%s: alert %d", name, (int)a);
    return;
  }
  snprintf(out, cap, "%s", name);
}

/* ---------------------------------------------------------------- the run */

static int blocking = 1;

/* `refuseCert`: the application refuses every certificate (GnuTLS returns GNUTLS_E_CERTIFICATE_ERROR for -1). */
static int refuse(gnutls_session_t session) {
  (void)session;
  return -1;
}

/* NewSessionTickets GnuTLS has processed, counted by a handshake hook. */
static int tickets_processed = 0;
static int on_ticket(gnutls_session_t session, unsigned int htype, unsigned when, unsigned int incoming, const gnutls_datum_t *msg) {
  (void)session;
  (void)msg;
  if (htype == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET && when == GNUTLS_HOOK_POST && incoming) tickets_processed++;
  return 0;
}
static long block_ms;
/* GNUTLS_HARNESS_TRACE=1: steps and retries on stderr (with GNUTLS_DEBUG_LEVEL=5, GnuTLS's
 * own log shows which call pulled which record). Not part of the output. */
static int trace;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

enum { OP_HANDSHAKE, OP_SEND, OP_RECV, OP_BYE, OP_REAUTH };

struct call {
  int op;
  const char *data;
  size_t len;
};

static long invoke(gnutls_session_t s, const struct call *c, char *buf) {
  switch (c->op) {
    case OP_HANDSHAKE: return gnutls_handshake(s);
    case OP_SEND: return gnutls_record_send(s, c->data, c->len);
    case OP_RECV: return gnutls_record_recv(s, buf, c->len);
    case OP_BYE: return gnutls_bye(s, GNUTLS_SHUT_WR);
    case OP_REAUTH: return gnutls_reauth(s, 0);
  }
  return GNUTLS_E_INTERNAL_ERROR;
}

#define BLOCKED 1  /* *blocked is set; the return value is then meaningless */

/* One application-level call: retried on AGAIN/INTERRUPTED in blocking mode. `t0` is when
 * the step began (the deadline covers every retry within the step). */
static long call_app(gnutls_session_t s, const struct call *c, char *buf, double t0, int *blocked) {
  *blocked = 0;
  for (;;) {
    long ret = invoke(s, c, buf);
    if (!blocking) return ret;
    if (ret == GNUTLS_E_INTERRUPTED || ret == GNUTLS_E_AGAIN) {
      if (ret == GNUTLS_E_AGAIN && now_ms() - t0 >= (double)block_ms - 20) {
        *blocked = BLOCKED;
        return ret;
      }
      if (trace) fprintf(stderr, "harness: retry after %s\n", gnutls_strerror_name((int)ret));
      continue;
    }
    return ret;
  }
}

/* role "server": listens on host:port (says where on stderr); the listening socket. */
static int listen_tcp(const char *host, int port) {
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0) die("socket: %s", strerror(errno));
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) die("host '%s' is not an IPv4 address", host);
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind %s:%d: %s", host, port, strerror(errno));
  if (listen(ls, 1) != 0) die("listen: %s", strerror(errno));
  socklen_t salen = sizeof sa;
  if (getsockname(ls, (struct sockaddr *)&sa, &salen) != 0) die("getsockname: %s", strerror(errno));
  fprintf(stderr, "listening %d\n", ntohs(sa.sin_port));
  fflush(stderr);
  return ls;
}

/* role "server": the next connection on the listening socket `ls`. */
static int accept_tcp(int ls) {
  int fd = accept(ls, NULL, NULL);
  if (fd < 0) die("accept: %s", strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static int connect_tcp(const char *host, const char *port) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) die("getaddrinfo %s: %s", host, gai_strerror(rc));
  int fd = -1;
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) die("cannot connect to %s:%s: %s", host, port, strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void set_timeouts(int fd, long ms) {
  struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* What every session of the run is made with. */
struct setup {
  int serving, pha, require_cert, request_cert;
  /* A server that may ask for a certificate after the handshake (request_auth): GNUTLS_POST_HANDSHAKE_AUTH. */
  int serve_pha;
  /* A client whose script writes 0-RTT data: GNUTLS_ENABLE_EARLY_DATA. */
  int early_data;
  const char *prio, *verify_ca, *verify_name;
  gnutls_certificate_credentials_t cred;
  /* role "server" with resume: session tickets on, encrypted with this key; else NULL. */
  const gnutls_datum_t *ticket_key;
  /* A server session whose tickets allow this much early data (GNUTLS_ENABLE_EARLY_DATA); 0: none. */
  unsigned server_early_data;
};

static gnutls_session_t new_session(const struct setup *o) {
  gnutls_session_t s;
  int ret;
  unsigned flags = o->serving ? (GNUTLS_SERVER | (o->ticket_key != NULL ? 0 : GNUTLS_NO_TICKETS) | (o->server_early_data > 0 ? GNUTLS_ENABLE_EARLY_DATA : 0) |
                                 (o->serve_pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0))
                              : (GNUTLS_CLIENT | (o->pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0) | (o->early_data ? GNUTLS_ENABLE_EARLY_DATA : 0));
  if ((ret = gnutls_init(&s, flags)) < 0) die("gnutls_init: %s", gnutls_strerror(ret));
  if (o->server_early_data > 0 && (ret = gnutls_record_set_max_early_data_size(s, o->server_early_data)) < 0) die("gnutls_record_set_max_early_data_size: %s", gnutls_strerror(ret));
  const char *err_pos = NULL;
  if ((ret = gnutls_priority_set_direct(s, o->prio, &err_pos)) < 0) die("priority: %s at %s", gnutls_strerror(ret), err_pos ? err_pos : "?");
  if ((ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, o->cred)) < 0) die("gnutls_credentials_set: %s", gnutls_strerror(ret));
  if (o->ticket_key != NULL && (ret = gnutls_session_ticket_enable_server(s, o->ticket_key)) < 0) die("gnutls_session_ticket_enable_server: %s", gnutls_strerror(ret));
  gnutls_handshake_set_timeout(s, GNUTLS_INDEFINITE_TIMEOUT);
  gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_NEW_SESSION_TICKET, GNUTLS_HOOK_POST, on_ticket);
  if (o->require_cert || o->request_cert) {
    gnutls_certificate_server_set_request(s, o->require_cert ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_REQUEST);
    gnutls_session_set_verify_cert(s, NULL, 0);
  } else if (o->verify_ca != NULL && !o->serving) {
    if (o->verify_name != NULL && (ret = gnutls_server_name_set(s, GNUTLS_NAME_DNS, o->verify_name, strlen(o->verify_name))) < 0) die("gnutls_server_name_set: %s", gnutls_strerror(ret));
    gnutls_session_set_verify_cert(s, o->verify_name, 0);
  }
  return s;
}

#define FIRST_MS 5000

/* A call of the first connection, retried on AGAIN/INTERRUPTED until FIRST_MS after `t0`. */
static long first_call(gnutls_session_t s, const struct call *c, char *buf, double t0) {
  for (;;) {
    long ret = invoke(s, c, buf);
    if ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) && now_ms() - t0 < FIRST_MS) continue;
    return ret;
  }
}

/* resume: the first connection, on `fd`, printed nowhere (see the header comment). The
 * caller deinits `s` (a client keeps its session data first) and closes `fd`. */
static void first_connection(gnutls_session_t s, int fd) {
  set_timeouts(fd, FIRST_MS);
  gnutls_transport_set_int(s, fd);
  double t0 = now_ms();
  struct call hs = { OP_HANDSHAKE, NULL, 0 };
  long r = first_call(s, &hs, NULL, t0);
  if (r < 0) die("first connection: gnutls_handshake: %s", gnutls_strerror(r));
  char buf[1024];
  struct call rd = { OP_RECV, NULL, sizeof buf };
  while ((r = first_call(s, &rd, buf, t0)) > 0) {
  }
  if (trace) fprintf(stderr, "harness: first connection: gnutls_record_recv %ld\n", r);
  struct call bye = { OP_BYE, NULL, 0 };
  first_call(s, &bye, NULL, t0);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  trace = getenv("GNUTLS_HARNESS_TRACE") != NULL;

  const struct jval *in = jparse(read_all_stdin());
  if (in->type != J_OBJ) die("input is not a JSON object");
  const char *host = jstr(in, "host");
  double port = jnum(in, "port", -1);
  const char *cert = jstr(in, "cert");
  const char *key = jstr(in, "key");
  const char *verify_ca = jstr(in, "verifyCa");
  const char *verify_name = jstr(in, "verifyName");
  int pha = jnum(in, "pha", 0) != 0;
  long wait_ms = (long)jnum(in, "waitMs", 300);
  block_ms = (long)jnum(in, "blockMs", 1000);
  const struct jval *script = jget(in, "script");
  if (host == NULL || port < 0 || script == NULL || script->type != J_ARR) die("input needs host, port and script");
  const char *role = jstr(in, "role");
  int serving = role != NULL && strcmp(role, "server") == 0;
  const char *client_auth = jstr(in, "clientAuth");
  int require_cert = serving && client_auth != NULL && strcmp(client_auth, "require") == 0;
  int request_cert = serving && client_auth != NULL && strcmp(client_auth, "request") == 0;
  int resume = jnum(in, "resume", 0) != 0;
  int refuse_cert = jnum(in, "refuseCert", 0) != 0;
  if (refuse_cert && !(serving && jnum(in, "postHandshakeAuth", 0) != 0)) die("refuseCert: only with postHandshakeAuth (the request_auth step installs it)");
  int early_data = 0;
  for (size_t i = 0; i < script->len; i++) {
    const char *op = jstr(script->items[i], "op");
    if (!serving && op != NULL && strcmp(op, "write_early") == 0) early_data = 1;
  }

  int ret = gnutls_global_init();
  if (ret < 0) die("gnutls_global_init: %s", gnutls_strerror(ret));

  gnutls_certificate_credentials_t cred;
  if ((ret = gnutls_certificate_allocate_credentials(&cred)) < 0) die("credentials: %s", gnutls_strerror(ret));
  if (cert != NULL && key != NULL) {
    ret = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_PEM);
    if (ret < 0) die("gnutls_certificate_set_x509_key_file: %s", gnutls_strerror(ret));
  }
  if (verify_ca != NULL && (ret = gnutls_certificate_set_x509_trust_file(cred, verify_ca, GNUTLS_X509_FMT_PEM)) < 0) die("gnutls_certificate_set_x509_trust_file: %s", gnutls_strerror(ret));

  const char *version = jstr(in, "version");
  struct setup setup = {
    .serving = serving,
    .pha = pha,
    .serve_pha = serving && jnum(in, "postHandshakeAuth", 0) != 0,
    .require_cert = require_cert,
    .request_cert = request_cert,
    .early_data = early_data,
    .prio = serving && version != NULL && strcmp(version, "TLSv1.2") == 0 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
    .verify_ca = verify_ca,
    .verify_name = verify_name,
    .cred = cred,
    .ticket_key = NULL,
    .server_early_data = 0,
  };
  gnutls_datum_t ticket_key = { NULL, 0 };
  if (serving && resume) {
    if ((ret = gnutls_session_ticket_key_generate(&ticket_key)) < 0) die("gnutls_session_ticket_key_generate: %s", gnutls_strerror(ret));
    setup.ticket_key = &ticket_key;
  }

  char portstr[16];
  snprintf(portstr, sizeof portstr, "%d", (int)port);
  int ls = serving ? listen_tcp(host, (int)port) : -1;
  gnutls_datum_t kept = { NULL, 0 };
  if (resume) {
    /* Only the first server session issues tickets that allow early data (header comment). */
    double max_early = jnum(in, "maxEarlyData", 0);
    setup.server_early_data = serving && max_early > 0 ? (unsigned)max_early : 0;
    gnutls_session_t first = new_session(&setup);
    setup.server_early_data = 0;
    int ffd = serving ? accept_tcp(ls) : connect_tcp(host, portstr);
    first_connection(first, ffd);
    if (!serving && (ret = gnutls_session_get_data2(first, &kept)) < 0) die("first connection: gnutls_session_get_data2: %s", gnutls_strerror(ret));
    gnutls_deinit(first);
    close(ffd);
    /* The script's tickets are the second connection's. */
    tickets_processed = 0;
  }

  gnutls_session_t s = new_session(&setup);
  if (kept.data != NULL) {
    if ((ret = gnutls_session_set_data(s, kept.data, kept.size)) < 0) die("gnutls_session_set_data: %s", gnutls_strerror(ret));
    gnutls_free(kept.data);
  }
  int fd = serving ? accept_tcp(ls) : connect_tcp(host, portstr);
  if (ls >= 0) close(ls);
  set_timeouts(fd, block_ms);
  gnutls_transport_set_int(s, fd);

  char out[256];
  for (size_t i = 0; i < script->len; i++) {
    const struct jval *step = script->items[i];
    const char *op = jstr(step, "op");
    if (op == NULL) die("script step %zu has no op", i);
    double t0 = now_ms();
    int blocked;
    if (trace) fprintf(stderr, "harness: step %zu: %s\n", i, op);
    long r;

    if (strcmp(op, "wait") == 0) {
      sleep_ms(wait_ms);
    } else if (strcmp(op, "nonblocking") == 0) {
      int fl = fcntl(fd, F_GETFL);
      if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl: %s", strerror(errno));
      blocking = 0;
    } else if (strcmp(op, "key_update") == 0) {
      ret = gnutls_session_key_update(s, GNUTLS_KU_PEER);
      if (ret < 0) die("gnutls_session_key_update: %s", gnutls_strerror(ret));
    } else if (strcmp(op, "blocking") == 0) {
      int fl = fcntl(fd, F_GETFL);
      if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) die("fcntl: %s", strerror(errno));
      blocking = 1;
    } else if (strcmp(op, "connect") == 0 || strcmp(op, "accept") == 0) {
      struct call c = { OP_HANDSHAKE, NULL, 0 };
      r = call_app(s, &c, NULL, t0, &blocked);
      if (blocked) snprintf(out, sizeof out, "blocked");
      else render(s, r, out, sizeof out);
      emit(op, "gnutls_handshake", out);
    } else if (strcmp(op, "write") == 0) {
      const struct jval *d = jget(step, "data");
      if (d == NULL || d->type != J_STR) die("write step without data");
      struct call c = { OP_SEND, d->str, d->len };
      r = call_app(s, &c, NULL, t0, &blocked);
      if (blocked) snprintf(out, sizeof out, "blocked");
      else render(s, r, out, sizeof out);
      emit("write", "gnutls_record_send", out);
    } else if (strcmp(op, "read") == 0) {
      size_t n = (size_t)jnum(step, "n", 0);
      char *buf = xalloc(n + 1);
      struct call c = { OP_RECV, NULL, n };
      const char *api = "gnutls_record_recv";
      for (;;) {
        r = call_app(s, &c, buf, t0, &blocked);
        if (blocked || r != GNUTLS_E_REAUTH_REQUEST) break;
        /* The server asked for post-handshake authentication: answer it, read on. */
        render(s, r, out, sizeof out);
        emit("event", "gnutls_record_recv", out);
        struct call ra = { OP_REAUTH, NULL, 0 };
        long rr = call_app(s, &ra, NULL, t0, &blocked);
        if (blocked) {
          api = "gnutls_reauth";
          break;
        }
        render(s, rr, out, sizeof out);
        if (rr < 0) {
          api = "gnutls_reauth";
          r = rr;
          break;
        }
        emit("event", "gnutls_reauth", out);
      }
      if (blocked) snprintf(out, sizeof out, "blocked");
      else render(s, r, out, sizeof out);
      emit("read", api, out);
      free(buf);
    } else if (strcmp(op, "peek") == 0) {
      emit("peek", "none", "unsupported");
    } else if (strcmp(op, "write_early") == 0) {
      const struct jval *d = jget(step, "data");
      if (d == NULL || d->type != J_STR) die("write_early step without data");
      r = gnutls_record_send_early_data(s, d->str, d->len);
      render(s, r, out, sizeof out);
      emit("write_early", "gnutls_record_send_early_data", out);
    } else if (strcmp(op, "request_auth") == 0) {
      if (!serving) die("request_auth: a server step");
      gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
      gnutls_session_set_verify_cert(s, NULL, 0);
      if (refuse_cert) gnutls_session_set_verify_function(s, refuse);
      struct call c = { OP_REAUTH, NULL, 0 };
      r = call_app(s, &c, NULL, t0, &blocked);
      if (blocked) snprintf(out, sizeof out, "blocked");
      else render(s, r, out, sizeof out);
      emit("request_auth", "gnutls_reauth", out);
    } else if (strcmp(op, "peer_cert") == 0) {
      unsigned int list_size = 0;
      const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &list_size);
      emit("peer_cert", "gnutls_certificate_get_peers", peers != NULL && list_size > 0 ? "non-NULL" : "NULL");
    } else if (strcmp(op, "tickets") == 0) {
      snprintf(out, sizeof out, "%d", tickets_processed);
      emit("tickets", "gnutls_handshake_set_hook_function", out);
    } else if (strcmp(op, "shutdown") == 0) {
      struct call c = { OP_BYE, NULL, 0 };
      r = call_app(s, &c, NULL, t0, &blocked);
      if (blocked) snprintf(out, sizeof out, "blocked");
      else render(s, r, out, sizeof out);
      emit("shutdown", "gnutls_bye", out);
    } else {
      die("unknown script op '%s'", op);
    }
  }

  gnutls_deinit(s);
  close(fd);
  gnutls_certificate_free_credentials(cred);
  if (ticket_key.data != NULL) gnutls_free(ticket_key.data);
  gnutls_global_deinit();
  return 0;
}
