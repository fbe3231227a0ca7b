// Differential harness for Go's crypto/tls (written for Go 1.19, standard library only).
//
// Input: one HarnessInput JSON object on stdin (test/differential/harness.ts).
// Output: one JSON line per call made: {"call": <script op>, "api": <Go method>, "outcome": <string>}.
//
// Mapping of script steps to calls (api names as printed):
//
//	connect   tls.Client(tcpConn, cfg).Handshake()      api "Conn.Handshake"
//	accept    tls.Server(tcpConn, cfg).Handshake()      api "Conn.Handshake" (role "server")
//	write     conn.Write([]byte(data)), once            api "Conn.Write"
//	read n    conn.Read(make([]byte, n)), once          api "Conn.Read" (n = 0: a zero-length, non-nil slice)
//	shutdown  conn.Close() (sends close_notify, then closes the socket)   api "Conn.Close"
//	wait      time.Sleep(waitMs); nothing is read; no output line
//	tickets   how many times crypto/tls has called the config's ClientSessionCache.Put (a
//	          counting cache that keeps nothing): once per NewSessionTicket it has processed,
//	          which it does inside Read. No call is made.  api "ClientSessionCache.Put", outcome the count
//	peer_cert whether conn.ConnectionState().PeerCertificates (the chain the peer sent, as far as
//	          crypto/tls has processed it) is empty. No call that reads.  api
//	          "Conn.ConnectionState().PeerCertificates", outcome "empty" or "non-empty"
//	peek, nonblocking: Go has neither a peek call nor a non-blocking mode; the harness refuses
//	          such a script (one line on stderr, exit 2) before connecting.
//
// Outcome format (applied uniformly):
//
//	Handshake, Close:  "nil"               or the error's Error() string
//	Write, Read:       "<n>, nil"          or "<n>, <err.Error()>"  (n = the int returned)
//	any call:          "blocked"           when the call waited blockMs and timed out (see below)
//
// Error strings are Go's own err.Error(), with one normalisation: every "IP:port" address
// (as in "read tcp 127.0.0.1:41234->127.0.0.1:39999: read: connection reset by peer") is
// replaced by "<addr>", since ports are volatile. Examples: "0, remote error: tls: bad certificate",
// "0, EOF".
//
// Blocking: before every call the harness sets conn.SetDeadline(now + blockMs) (read AND write
// deadline: Read may run the handshake or write a KeyUpdate answer; Write may run the
// handshake) and clears it after the call. A call is reported as "blocked" when it fails with
// an error for which errors.As(err, *net.Error) holds and Timeout() is true AND it took at least
// blockMs/2, i.e. the deadline fired during this call. A peer reset or EOF is not a timeout. A
// timeout error that an earlier call stored and this one returns at once is printed as an
// error ("... i/o timeout"). Caveat, from Go 1.19's conn.go: a read that times out at a record
// boundary leaves the connection usable (the error is "temporary" and not recorded), but a
// timeout during the handshake (stored in handshakeErr) or while writing (permanentError) is
// sticky: every later call returns it immediately.
//
// The client does not verify the server certificate (InsecureSkipVerify) unless verifyCa is
// given (then RootCAs from that file and ServerName verifyName), and presents the
// client certificate (tls.LoadX509KeyPair) when cert/key are given. Go 1.19 cannot offer
// post-handshake authentication: "pha": true is ignored. TLS 1.2 and 1.3 are offered (the server picks).
//
// Role "server": the harness listens on host:port (port 0: one the kernel picks), writes
// "listening <port>" and a newline to stderr, accepts one connection and serves it with
// the certificate given (tls.Server), session tickets off (as the simulated server of these
// cases), TLS 1.2 alone with version "TLSv1.2", and with clientAuth "require" RequireAndVerifyClientCert against the CA file verifyCa
// ("request": VerifyClientCertIfGiven, against the same CA).
//
// Resume: the script runs on a second connection that resumes the first's session. The
// client makes a first connection (Handshake, Read until EOF: the server's tickets, then its
// close_notify; Close), keeping its sessions in an LRU ClientSessionCache behind the counting
// one, and the second connection finds the session there. The server turns session tickets
// on and serves a first connection the same way (Handshake, Read until EOF, Close) before it
// accepts the one the script runs on. The first connection prints nothing.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"time"
)

type step struct {
	Op   string `json:"op"`
	Data string `json:"data"`
	N    int    `json:"n"`
}

type input struct {
	Host    string `json:"host"`
	Port    int    `json:"port"`
	Cert    string `json:"cert"`
	Key     string `json:"key"`
	Pha     bool   `json:"pha"`
	WaitMs  int    `json:"waitMs"`
	BlockMs int    `json:"blockMs"`
	Script  []step `json:"script"`
	// Verify the server certificate against this CA file and name (absent: InsecureSkipVerify).
	VerifyCa   string `json:"verifyCa"`
	VerifyName string `json:"verifyName"`
	// "server": serve one connection instead of connecting; ClientAuth "require" then.
	Role       string `json:"role"`
	ClientAuth string `json:"clientAuth"`
	Version    string `json:"version"`
	// The script runs on a second connection that resumes the first's session.
	Resume bool `json:"resume"`
}

// caPool reads a PEM CA file into a pool.
func caPool(path string) *x509.CertPool {
	pem, err := os.ReadFile(path)
	if err != nil {
		fail("reading CA file: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fail("no certificate in CA file %s", path)
	}
	return pool
}

// serve accepts one connection on host:port and returns it as the server's tls.Conn (with
// resume: the second, after serving the first until the client closed it).
func serve(in input, cfg *tls.Config) *tls.Conn {
	cfg.InsecureSkipVerify = false
	cfg.SessionTicketsDisabled = !in.Resume
	if in.Version == "TLSv1.2" {
		cfg.MaxVersion = tls.VersionTLS12
	}
	if in.ClientAuth == "require" {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = caPool(in.VerifyCa)
	}
	if in.ClientAuth == "request" {
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
		cfg.ClientCAs = caPool(in.VerifyCa)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(in.Host, strconv.Itoa(in.Port)))
	if err != nil {
		fail("cannot listen: %v", err)
	}
	fmt.Fprintf(os.Stderr, "listening %d\n", ln.Addr().(*net.TCPAddr).Port)
	if in.Resume {
		raw, err := ln.Accept()
		if err != nil {
			fail("accept: %v", err)
		}
		firstConnection(tls.Server(raw, cfg))
	}
	raw, err := ln.Accept()
	if err != nil {
		fail("accept: %v", err)
	}
	_ = ln.Close()
	return tls.Server(raw, cfg)
}

// firstConnection: a resumed run's first connection, its handshake (the server's tickets go
// out in it, the client's come in Read), read until the peer's close_notify, then closed.
func firstConnection(conn *tls.Conn) {
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := conn.Handshake(); err != nil {
		fail("first connection: %v", err)
	}
	buf := make([]byte, 1024)
	for {
		if _, err := conn.Read(buf); err != nil {
			break
		}
	}
	_ = conn.Close()
}

type outcome struct {
	Call    string `json:"call"`
	API     string `json:"api"`
	Outcome string `json:"outcome"`
}

var addrRe = regexp.MustCompile(`(\[[0-9A-Fa-f:.]+(%[0-9A-Za-z]+)?\]|\d{1,3}(\.\d{1,3}){3}):\d+`)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go harness: "+format+"\n", args...)
	os.Exit(2)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return addrRe.ReplaceAllString(err.Error(), "<addr>")
}

// blocked: the call failed with a timeout and it did wait for the deadline (elapsed at least
// half of blockMs: a deadline can only fire after blockMs, while a timeout stored by an earlier
// call comes back at once and is printed as an error).
func blocked(err error, elapsed, block time.Duration) bool {
	return err != nil && isTimeout(err) && elapsed >= block/2
}

// errOutcome: "nil", "blocked" or the normalised error.
func errOutcome(err error, elapsed, block time.Duration) string {
	if blocked(err, elapsed, block) {
		return "blocked"
	}
	return errText(err)
}

// countOutcome: "<n>, <err>", or "blocked".
func countOutcome(n int, err error, elapsed, block time.Duration) string {
	if blocked(err, elapsed, block) {
		return "blocked"
	}
	return strconv.Itoa(n) + ", " + errText(err)
}

// countingCache is a ClientSessionCache that counts Put calls and keeps nothing, or, with
// resume, keeps the sessions in an LRU cache for the second connection.
type countingCache struct {
	puts int
	keep tls.ClientSessionCache
}

func (c *countingCache) Get(key string) (*tls.ClientSessionState, bool) {
	if c.keep == nil {
		return nil, false
	}
	return c.keep.Get(key)
}
func (c *countingCache) Put(key string, cs *tls.ClientSessionState) {
	if cs != nil {
		c.puts++
	}
	if c.keep != nil {
		c.keep.Put(key, cs)
	}
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("bad input: %v", err)
	}
	for _, s := range in.Script {
		switch s.Op {
		case "connect", "accept", "write", "read", "wait", "shutdown", "tickets", "peer_cert":
		case "peek":
			fail("step 'peek': Go's crypto/tls has no peek")
		case "nonblocking":
			fail("step 'nonblocking': Go's crypto/tls has no non-blocking mode")
		default:
			fail("unknown step %q", s.Op)
		}
	}

	tickets := &countingCache{}
	if in.Resume {
		tickets.keep = tls.NewLRUClientSessionCache(4)
	}
	cfg := &tls.Config{
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS12,
		MaxVersion:         tls.VersionTLS13,
		ClientSessionCache: tickets,
	}
	if in.Cert != "" || in.Key != "" {
		pair, err := tls.LoadX509KeyPair(in.Cert, in.Key)
		if err != nil {
			fail("loading client certificate: %v", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	var conn *tls.Conn
	if in.Role == "server" {
		conn = serve(in, cfg)
	} else {
		if in.VerifyCa != "" {
			cfg.InsecureSkipVerify = false
			cfg.RootCAs = caPool(in.VerifyCa)
			cfg.ServerName = in.VerifyName
		}
		dial := func() *tls.Conn {
			raw, err := net.DialTimeout("tcp", net.JoinHostPort(in.Host, strconv.Itoa(in.Port)), 5*time.Second)
			if err != nil {
				fail("cannot connect: %v", err)
			}
			return tls.Client(raw, cfg)
		}
		if in.Resume {
			firstConnection(dial())
			// The script's tickets are the second connection's.
			tickets.puts = 0
		}
		conn = dial()
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false) // "<addr>" as is, not "\u003caddr\u003e"
	emit := func(call, api, out string) {
		if err := enc.Encode(outcome{Call: call, API: api, Outcome: out}); err != nil {
			fail("writing output: %v", err)
		}
	}
	block := time.Duration(in.BlockMs) * time.Millisecond
	// timed runs one call under a deadline of blockMs (read and write) and returns how long it took.
	timed := func(f func()) time.Duration {
		start := time.Now()
		_ = conn.SetDeadline(start.Add(block))
		f()
		elapsed := time.Since(start)
		_ = conn.SetDeadline(time.Time{})
		return elapsed
	}

	for _, s := range in.Script {
		var (
			n   int
			err error
		)
		switch s.Op {
		case "connect", "accept":
			t := timed(func() { err = conn.Handshake() })
			emit(s.Op, "Conn.Handshake", errOutcome(err, t, block))
		case "write":
			t := timed(func() { n, err = conn.Write([]byte(s.Data)) })
			emit("write", "Conn.Write", countOutcome(n, err, t, block))
		case "read":
			buf := make([]byte, s.N)
			t := timed(func() { n, err = conn.Read(buf) })
			emit("read", "Conn.Read", countOutcome(n, err, t, block))
		case "wait":
			time.Sleep(time.Duration(in.WaitMs) * time.Millisecond)
		case "shutdown":
			t := timed(func() { err = conn.Close() })
			emit("shutdown", "Conn.Close", errOutcome(err, t, block))
		case "tickets":
			emit("tickets", "ClientSessionCache.Put", strconv.Itoa(tickets.puts))
		case "peer_cert":
			seen := "empty"
			if len(conn.ConnectionState().PeerCertificates) > 0 {
				seen = "non-empty"
			}
			emit("peer_cert", "Conn.ConnectionState().PeerCertificates", seen)
		}
	}
	// Exit without sending anything more: the process ends, the kernel closes the socket.
	os.Exit(0)
}
