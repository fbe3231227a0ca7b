#!/usr/bin/env python3
"""Differential harness for Python 3's `ssl` module (standard library only).

Contract: test/differential/harness.ts. One HarnessInput JSON object on stdin; one JSON line
{"call", "api", "outcome"} per call made, in order, on stdout; exit 0. A harness that cannot
run its script prints one line to stderr and exits 1.

Calls:
  connect   -> SSLSocket.do_handshake()   (wrap_socket(..., do_handshake_on_connect=False))
  accept    -> the same, on the server's SSLSocket (role "server")
  write s   -> SSLSocket.send(s.encode()) (once; not sendall)
  read n    -> SSLSocket.recv(n)          (n may be 0; passed through unchanged)
  peek n    -> SSLSocket.recv(n, socket.MSG_PEEK): Python's SSLSocket has no peek; this call
               is made for real and reports the ValueError it raises
  shutdown  -> SSLSocket.unwrap()         (SSL_shutdown underneath)
  request_auth -> SSLSocket.verify_client_post_handshake(), then SSLSocket.do_handshake()
               (which sends the CertificateRequest; not with "send": false, when the next
               I/O call sends it): two lines, both with call "request_auth"
  wait      -> time.sleep(waitMs), no output line
  nonblocking -> SSLSocket.setblocking(False), no output line
  blocking -> SSLSocket.settimeout(blockMs) again (blocking, as at the start), no output line
  peer_cert -> SSLSocket.getpeercert(): `None`, or the type of what it returned (`dict`), or
               the ValueError it raises (a request marked and not yet sent); reads nothing
  tickets   -> SSLSocket.session.has_ticket, no SSL_* call: whether the session OpenSSL holds
               now came with a NewSessionTicket (`True`/`False`; `None` without a session).
               Python offers no count: OpenSSL replaces the client's session with a new one
               for each ticket it processes.
Context: PROTOCOL_TLS_CLIENT, check_hostname False, verify_mode CERT_NONE, minimum_version
TLSv1_2 (1.2 and 1.3 offered: the server picks), load_cert_chain(cert, key) when given, post_handshake_auth = True when `pha`.
With `verifyCa`: load_verify_locations(verifyCa), CERT_REQUIRED, check_hostname, server_hostname = verifyName.
Server (role "server"): listens on host:port (port 0: one the kernel picks), writes
`listening <port>` and a newline to stderr, accepts one connection and wraps it with a
PROTOCOL_TLS_SERVER context: load_cert_chain(cert, key), minimum_version TLSv1_2,
num_tickets 0 (as the simulated server of these cases; not with resume, below), TLS 1.2 alone with version "TLSv1.2"; with clientAuth "require",
verify_mode CERT_REQUIRED against load_verify_locations(verifyCa) ("request": CERT_OPTIONAL);
with postHandshakeAuth, CERT_REQUIRED against verifyCa and post_handshake_auth = True
(CPython then asks for no certificate in the handshake: SSL_VERIFY_POST_HANDSHAKE).
Resume ("resume": true): the script runs on a second connection that resumes the first's
TLS 1.3 session, and only that one is printed; the first must succeed (else exit 1). A client
makes the first connection from the same SSLContext (Python refuses a session of another
context): do_handshake, recv until b'' (OpenSSL processes the server's tickets meanwhile; its
close_notify ends the loop), unwrap, close; it keeps SSLSocket.session as it was after the loop
(the last ticket's session; unwrap leaves the property None) and passes it to
wrap_socket(..., session=...) for the second. A server keeps
num_tickets at OpenSSL's default (not 0) and serves a first connection: do_handshake (the
tickets go out in it), recv until b'' (the client's close_notify), unwrap, close; then it
accepts the second. The first connection's socket waits at most 5 s per call.
Python fires no callbacks of its own here, so there are no "event" lines.

Outcome format (uniform):
  return value None                -> `None`                 (do_handshake)
  bytes b of length k              -> `k bytes`              (recv; `0 bytes` for b'')
  int k                            -> `k bytes`              (send)
  a socket object                  -> `socket`               (unwrap)
  ssl.SSLError and subclasses      -> `<ClassName>: <reason>` with reason = exc.reason, the
                                      OpenSSL reason name Python looked up in its table (e.g.
                                      `SSLError: TLSV1_ALERT_DECRYPT_ERROR`); when exc.reason is
                                      None, the bare class name (`SSLZeroReturnError`,
                                      `SSLWantReadError`, ...; note that an SSLEOFError does
                                      carry a reason: `SSLEOFError:
                                      UNEXPECTED_EOF_WHILE_READING`), except that an
                                      SSLError carrying an OpenSSL reason string Python has no
                                      name for (message `[SSL] <text> (_ssl.c:N)`) is rendered
                                      `<ClassName>: [SSL] <text>`; a socket's repr in a message is
                                      cut to `<ssl.SSLSocket>` (its fd and ports change)
  OSError with an errno            -> `<ClassName>: <errno name>` (e.g. `BrokenPipeError: EPIPE`)
  any other exception              -> `<ClassName>: <str(exc)>`
  blocking call still not done after blockMs -> `blocked`
No line numbers, no `(_ssl.c:NNNN)`, no addresses.

Python-specific behaviour worth knowing when reading the outcomes (CPython 3.11 Modules/_ssl.c):
- recv(0) returns b'' at once without calling SSL_read (nothing is pulled from the socket);
- recv() maps SSL_ERROR_ZERO_RETURN (close_notify, and every SSL_read after a fatal alert
  was reported) to b'', and suppress_ragged_eofs (default True) maps a TCP EOF without
  close_notify to b'' as well: all of them are `0 bytes`;
- SSLSocket.recv refuses flags, so there is no peek.
The server name is 127.0.0.1, an IP address, for which Python sends no SNI.

Blocking: the socket runs with settimeout(blockMs / 1000) (Python polls internally and retries
SSL_* on WANT_READ/WANT_WRITE until the deadline). When the deadline passes, Python raises
socket.timeout (== TimeoutError) with errno None and a message such as "The read operation
timed out"; a kernel ETIMEDOUT is also a TimeoutError but carries errno ETIMEDOUT. So `blocked`
is exactly: isinstance(exc, TimeoutError) and exc.errno is None, and only in blocking mode.
"""
import errno
import json
import re
import socket
import ssl
import sys
import time


def render_exception(exc: BaseException) -> str:
    name = type(exc).__name__
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, "reason", None)
        if reason is not None:
            return f"{name}: {reason}"
        msg = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], str) else ""
        m = re.match(r"^\[([A-Za-z0-9_]+)\] (.*?)(?: \(_ssl\.c:\d+\))?$", msg)
        if m:
            return f"{name}: [{m.group(1)}] {m.group(2)}"
        return name
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{name}: {errno.errorcode.get(exc.errno, str(exc.errno))}"
    text = re.sub(r" \(_ssl\.c:\d+\)", "", str(exc))
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    # A socket's repr names its fd and addresses, which change from run to run.
    text = re.sub(r"<(ssl\.SSLSocket|socket\.socket) [^>]*>", r"<\1>", text)
    return f"{name}: {text}" if text else name


def render_value(v) -> str:
    if v is None:
        return "None"
    if isinstance(v, (bytes, bytearray)):
        return f"{len(v)} bytes"
    if isinstance(v, int):
        return f"{v} bytes"
    if isinstance(v, socket.socket):
        return "socket"
    return repr(v)


FIRST_CONNECTION_TIMEOUT_S = 5.0


def first_connection(s):
    """A resumed run's first connection: its handshake, recv until the peer's close_notify,
    unwrap, close. Prints nothing. Returns (ok, the session as it was before unwrap: after
    it, SSLSocket.session is None); ok False, with a line on stderr, when the handshake fails."""
    s.settimeout(FIRST_CONNECTION_TIMEOUT_S)
    try:
        s.do_handshake()
    except (OSError, ValueError) as e:
        print(f"python harness: first connection: {render_exception(e)}", file=sys.stderr)
        s.close()
        return False, None
    try:
        while s.recv(1024) != b"":
            pass
    except (OSError, ValueError):
        pass  # tickets processed before the failure are in the session all the same
    session = s.session
    try:
        s.unwrap()
    except (OSError, ValueError):
        pass
    s.close()
    return True, session


def serve(inp):
    """The server's SSLSocket for the connection the script runs on (role "server"; with
    resume, the second, once the first was served)."""
    if inp.get("refuseCert"):
        # The ssl module has no verification callback: an application cannot refuse a
        # certificate its CA vouches for inside the handshake.
        print("python harness: refuseCert needs a verification callback, which ssl has not", file=sys.stderr)
        sys.exit(1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(inp["cert"], inp.get("key"))
    if not inp.get("resume"):
        ctx.num_tickets = 0
    if inp.get("version") == "TLSv1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if inp.get("clientAuth") == "require":
        ctx.load_verify_locations(inp["verifyCa"])
        ctx.verify_mode = ssl.CERT_REQUIRED
    if inp.get("clientAuth") == "request":
        ctx.load_verify_locations(inp["verifyCa"])
        ctx.verify_mode = ssl.CERT_OPTIONAL
    if inp.get("postHandshakeAuth"):
        ctx.load_verify_locations(inp["verifyCa"])
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.post_handshake_auth = True
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((inp["host"], int(inp["port"])))
    listener.listen(1)
    print(f"listening {listener.getsockname()[1]}", file=sys.stderr, flush=True)
    if inp.get("resume"):
        raw, _ = listener.accept()
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ok, _ = first_connection(ctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=False))
        if not ok:
            return None
    raw, _ = listener.accept()
    listener.close()
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)


def client_context(inp):
    """The client's SSLContext (one for every connection of the run)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if inp.get("cert"):
        ctx.load_cert_chain(inp["cert"], inp.get("key"))
    if inp.get("pha"):
        ctx.post_handshake_auth = True
    if inp.get("verifyCa"):
        ctx.load_verify_locations(inp["verifyCa"])
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.check_hostname = inp.get("verifyName") is not None
    return ctx


def connect(ctx, inp, host, port, block_s, session=None):
    """A client SSLSocket, connected, offering `session` when given (None, with a line on
    stderr, when TCP fails)."""
    try:
        raw = socket.create_connection((host, port), timeout=block_s)
    except OSError as e:
        print(f"python harness: cannot connect to {host}:{port}: {e}", file=sys.stderr)
        return None
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ctx.wrap_socket(raw, server_hostname=inp.get("verifyName") or host, do_handshake_on_connect=False, session=session)


def main() -> int:
    inp = json.load(sys.stdin)
    host, port = inp["host"], int(inp["port"])
    block_s = inp["blockMs"] / 1000.0
    wait_s = inp["waitMs"] / 1000.0

    if inp.get("role") == "server":
        s = serve(inp)
    else:
        ctx = client_context(inp)
        session = None
        if inp.get("resume"):
            first = connect(ctx, inp, host, port, block_s)
            if first is None:
                return 1
            ok, session = first_connection(first)
            if not ok:
                return 1
            if session is None or not session.has_ticket:
                print("python harness: first connection: no session to resume", file=sys.stderr)
                return 1
        s = connect(ctx, inp, host, port, block_s, session)
    if s is None:
        return 1
    s.settimeout(block_s)
    blocking = True

    def emit(call: str, api: str, outcome: str) -> None:
        sys.stdout.write(json.dumps({"call": call, "api": api, "outcome": outcome}) + "\n")
        sys.stdout.flush()

    def run(call: str, api: str, fn) -> None:
        try:
            outcome = render_value(fn())
        except TimeoutError as e:
            if blocking and e.errno is None:
                outcome = "blocked"
            else:
                outcome = render_exception(e)
        except Exception as e:  # noqa: BLE001 - every exception is an outcome
            outcome = render_exception(e)
        emit(call, api, outcome)

    for step in inp["script"]:
        op = step["op"]
        if op in ("connect", "accept"):
            run(op, "SSLSocket.do_handshake", s.do_handshake)
        elif op == "write":
            data = step["data"].encode("utf-8")
            run("write", "SSLSocket.send", lambda: s.send(data))
        elif op == "read":
            n = int(step["n"])
            run("read", "SSLSocket.recv", lambda: s.recv(n))
        elif op == "peek":
            n = int(step["n"])
            run("peek", "SSLSocket.recv(MSG_PEEK)", lambda: s.recv(n, socket.MSG_PEEK))
        elif op == "shutdown":
            run("shutdown", "SSLSocket.unwrap", s.unwrap)
        elif op == "request_auth":
            run("request_auth", "SSLSocket.verify_client_post_handshake", s.verify_client_post_handshake)
            # "send": false: the request is only marked; the next I/O call sends it.
            if step.get("send", True):
                run("request_auth", "SSLSocket.do_handshake", s.do_handshake)
        elif op == "wait":
            time.sleep(wait_s)
        elif op == "nonblocking":
            s.setblocking(False)
            blocking = False
        elif op == "blocking":
            s.settimeout(block_s)
            blocking = True
        elif op == "peer_cert":
            try:
                cert = s.getpeercert()
                emit("peer_cert", "SSLSocket.getpeercert", "None" if cert is None else type(cert).__name__)
            except ValueError as e:  # a request marked and not yet sent: libssl is "in init" again
                emit("peer_cert", "SSLSocket.getpeercert", render_exception(e))
        elif op == "tickets":
            session = s.session
            emit("tickets", "SSLSocket.session.has_ticket", "None" if session is None else str(session.has_ticket))
        else:
            print(f"python harness: unknown step {op!r}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
