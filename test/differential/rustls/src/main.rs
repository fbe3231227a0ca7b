//! Differential harness for rustls (written for rustls 0.20.8, Debian bookworm's
//! librust-rustls-dev, built offline against Debian's packaged crates).
//!
//! Input: the HarnessInput of test/differential/harness.ts, as lines rustls.ts writes
//! (`key value`, and one `step <op> <n> <hex data>` per script step): the harness needs no
//! JSON parser, of which Debian packages none for rustls 0.20's toolchain.
//! Output: one JSON line per call made: {"call": <script op>, "api": <rustls call>, "outcome": <string>}.
//!
//! A blocking application drives rustls through `rustls::Stream` (the crate's wrapper of a
//! connection and its socket), so each script step is one call:
//!
//!   connect / accept  conn.complete_io(&mut sock)               api "complete_io"
//!   write             Stream::new(&mut *conn, &mut sock).write    api "Stream::write"
//!   read n            Stream::new(&mut *conn, &mut sock).read     api "Stream::read" (a buffer of n bytes)
//!   shutdown          conn.send_close_notify(), then write_tls until nothing is left to send
//!                                                                api "send_close_notify"
//!   nonblocking       the socket becomes non-blocking (no output line)
//!   blocking          the socket becomes blocking again (no output line)
//!   wait              sleep waitMs; nothing is read (no output line)
//!   tickets           how many times rustls has stored a session for the server
//!                     (StoresClientSessions::put with a "session" key): once per
//!                     NewSessionTicket it has processed. No call is made.
//!                                                                api "StoresClientSessions::put", outcome the count
//!   write_early       (client) conn.early_data() and its write of the data, before the handshake
//!                     call: `Ok(<n>)`, or `None` when the session allows no early data; the
//!                     ClientConfig has enable_early_data when the script has this step
//!                                                                api "ClientConnection::early_data"
//!   read_early n      (server) reads the socket and processes what came (read_tls,
//!                     process_new_packets) until early data has been processed, or the
//!                     ClientHello has and rustls did not accept early data; then
//!                     conn.early_data() and a read of up to n bytes from it: `Ok(<n>)`, or
//!                     `None` when rustls did not accept early data. The ServerConfig has
//!                     max_early_data_size maxEarlyData (input key) on both connections of a
//!                     resumed run, so its tickets allow early data; a server whose script has
//!                     no read_early step declines it: reject_early_data() before its first
//!                     call (rustls would otherwise accept early data that no call reads)
//!                                                                api "ServerConnection::early_data"
//!   peer_cert         conn.peer_certificates(): `Some` (the chain the peer sent, once
//!                     processed) or `None`; reads nothing          api "peer_certificates"
//!   peek              rustls has no peek: the harness refuses such a script (exit 2).
//!
//! A call that has not returned long after its socket timeout is busy inside rustls and
//! never will: its outcome is `spins`, later steps print `(not run: an earlier call never
//! returned)`, and the process ends (see `watch`).
//!
//! Outcomes: `Ok` (complete_io), `Ok(<n>)` (read, write), `()` (send_close_notify; when the
//! flush fails, `(), write_tls: Err(<kind>)`), and `Err(...)` for an io::Error: a rustls
//! error inside it as `Err(InvalidData: <rustls::Error, Debug>)`, any other as
//! `Err(<ErrorKind, Debug>)`. `blocked`: the call failed with WouldBlock or TimedOut after
//! waiting at least blockMs/2 (the socket's read and write timeouts are blockMs), as the Go
//! harness decides it.
//!
//! Client: TLS 1.2 and 1.3 (rustls's safe defaults), server_name "localhost" (sent as SNI);
//! without verifyCa the server's certificate is not checked (a verifier that accepts any),
//! its signatures still are. Client certificate from cert/key when given. rustls 0.20 never
//! offers post-handshake authentication: "pha" is ignored.
//! Server (role server): listens on host:port (port 0: the kernel picks), writes
//! "listening <port>" to stderr, serves one connection with cert/key, keeps no sessions (no
//! tickets, as the simulated server of these cases; but see Resume), TLS 1.2 alone with version "TLSv1.2",
//! and with clientAuth "require" requires a client certificate issued by verifyCa ("request":
//! AllowAnyAnonymousOrAuthenticatedClient, a client without one is served too).
//!
//! Resume (input line `resume true`): the script runs on a second connection that resumes
//! the first's session. Client: the counting store also keeps what rustls stores, in a
//! ClientSessionMemoryCache, and both connections share one Arc<ClientConfig> and server
//! name, so the second finds the first's ticket there; the first connection is
//! complete_io, Stream::read until Ok(0) (the server's tickets, then its close_notify) or an
//! error, then send_close_notify and a flush, and the count starts again from 0 for the
//! script. Server: keeps the builder's default ServerSessionMemoryCache (stateful tickets:
//! one NewSessionTicket per full handshake) instead of NoServerSessionStorage, serves a
//! first connection the same way, then accepts the one the script runs on. Nothing is
//! printed for the first connection; a failure in it ends the harness (exit 2).
use rustls::client::{ClientSessionMemoryCache, ServerCertVerified, ServerCertVerifier, StoresClientSessions};
use rustls::server::{AllowAnyAnonymousOrAuthenticatedClient, AllowAnyAuthenticatedClient, NoServerSessionStorage};
use rustls::{
    Certificate, ClientConfig, ClientConnection, ConnectionCommon, PrivateKey, RootCertStore, ServerConfig, ServerConnection, ServerName, SideData,
    Stream,
};
use std::ops::{Deref, DerefMut};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

struct Step {
    op: String,
    n: usize,
    data: Vec<u8>,
}

#[derive(Default)]
struct Input {
    role: String,
    host: String,
    port: u16,
    client_auth: String,
    version: String,
    cert: String,
    key: String,
    verify_ca: String,
    verify_name: String,
    wait_ms: u64,
    block_ms: u64,
    script: Vec<Step>,
    resume: bool,
    max_early_data: u32,
}

fn fail(msg: String) -> ! {
    eprintln!("rustls harness: {}", msg);
    std::process::exit(2);
}

fn unhex(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        fail(format!("odd hex length in {:?}", s));
    }
    let nib = |c: u8| -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => fail(format!("bad hex digit {:?}", c as char)),
        }
    };
    b.chunks(2).map(|p| nib(p[0]) << 4 | nib(p[1])).collect()
}

fn parse_input(text: &str) -> Input {
    let mut inp = Input::default();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(2, ' ');
        let key = parts.next().unwrap_or("");
        let value = parts.next().unwrap_or("").to_string();
        let number = |v: &str| -> u64 { v.parse().unwrap_or_else(|_| fail(format!("{} is not a number: {:?}", key, v))) };
        match key {
            "role" => inp.role = value,
            "host" => inp.host = value,
            "port" => inp.port = number(&value) as u16,
            "clientAuth" => inp.client_auth = value,
            "version" => inp.version = value,
            "cert" => inp.cert = value,
            "key" => inp.key = value,
            "verifyCa" => inp.verify_ca = value,
            "verifyName" => inp.verify_name = value,
            "pha" => {}
            "waitMs" => inp.wait_ms = number(&value),
            "blockMs" => inp.block_ms = number(&value),
            "resume" => inp.resume = value == "true",
            "maxEarlyData" => inp.max_early_data = number(&value) as u32,
            "step" => {
                let f: Vec<&str> = value.split(' ').collect();
                if f.len() != 3 {
                    fail(format!("bad step line {:?}", line));
                }
                inp.script.push(Step { op: f[0].to_string(), n: number(f[1]) as usize, data: unhex(f[2]) });
            }
            _ => fail(format!("unknown input key {:?}", key)),
        }
    }
    inp
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => fail(format!("bad base64 character {:?}", c as char)),
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= val(*c) << (18 - 6 * i);
        }
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

/// The DER blocks labelled `label` in a PEM file.
fn pem_blocks(path: &str, label: &str) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("reading {}: {}", path, e)));
    let begin = format!("-----BEGIN {}-----", label);
    let end = format!("-----END {}-----", label);
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find(&begin) {
        let body = &rest[start + begin.len()..];
        let stop = body.find(&end).unwrap_or_else(|| fail(format!("{}: unterminated {} block", path, label)));
        blocks.push(base64_decode(&body[..stop]));
        rest = &body[stop + end.len()..];
    }
    if blocks.is_empty() {
        fail(format!("{}: no {} block", path, label));
    }
    blocks
}

fn certs(path: &str) -> Vec<Certificate> {
    pem_blocks(path, "CERTIFICATE").into_iter().map(Certificate).collect()
}

fn private_key(path: &str) -> PrivateKey {
    PrivateKey(pem_blocks(path, "PRIVATE KEY").remove(0))
}

fn roots(path: &str) -> RootCertStore {
    let mut store = RootCertStore::empty();
    for c in certs(path) {
        store.add(&c).unwrap_or_else(|e| fail(format!("CA file {}: {:?}", path, e)));
    }
    store
}

/// Accepts any server certificate (the default of every harness: the test PKI is throwaway).
struct AcceptAny;

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &Certificate,
        _intermediates: &[Certificate],
        _server_name: &ServerName,
        _scts: &mut dyn Iterator<Item = &[u8]>,
        _ocsp_response: &[u8],
        _now: SystemTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
}

/// Counts the sessions rustls stores for the server (one per ticket); keeps nothing, or,
/// with resume, hands everything on to `keep` (the second connection looks there).
struct CountingStore {
    sessions: AtomicUsize,
    keep: Option<Arc<ClientSessionMemoryCache>>,
}

impl StoresClientSessions for CountingStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        if key.starts_with(b"session") {
            self.sessions.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(keep) = &self.keep {
            keep.put(key, value);
        }
        true
    }
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.keep.as_ref().and_then(|keep| keep.get(key))
    }
}

/// A resumed run's first connection: the handshake, reads until the peer's close_notify
/// (or an error: the stream ended), then our close_notify, flushed. Prints nothing.
fn first_connection<C, S>(conn: &mut C, mut sock: TcpStream)
where
    C: DerefMut + Deref<Target = ConnectionCommon<S>>,
    S: SideData,
{
    let limit = Some(Duration::from_secs(5));
    sock.set_read_timeout(limit).unwrap_or_else(|e| fail(format!("read timeout: {}", e)));
    sock.set_write_timeout(limit).unwrap_or_else(|e| fail(format!("write timeout: {}", e)));
    if let Err(e) = conn.complete_io(&mut sock) {
        fail(format!("first connection: {}", io_err_text(&e)));
    }
    let mut buf = [0u8; 1024];
    while let Ok(n) = Stream::new(&mut *conn, &mut sock).read(&mut buf) {
        if n == 0 {
            break;
        }
    }
    conn.send_close_notify();
    while conn.wants_write() {
        if conn.write_tls(&mut sock).is_err() {
            break;
        }
    }
}

fn client(inp: &Input, store: Arc<CountingStore>) -> (ClientConnection, TcpStream) {
    let builder = ClientConfig::builder().with_safe_defaults();
    // The two verifier choices lead to builders of different types: each finishes its own.
    let mut cfg = if inp.verify_ca.is_empty() {
        let b = builder.with_custom_certificate_verifier(Arc::new(AcceptAny));
        if inp.cert.is_empty() {
            b.with_no_client_auth()
        } else {
            b.with_single_cert(certs(&inp.cert), private_key(&inp.key)).unwrap_or_else(|e| fail(format!("client certificate: {:?}", e)))
        }
    } else {
        let b = builder.with_root_certificates(roots(&inp.verify_ca));
        if inp.cert.is_empty() {
            b.with_no_client_auth()
        } else {
            b.with_single_cert(certs(&inp.cert), private_key(&inp.key)).unwrap_or_else(|e| fail(format!("client certificate: {:?}", e)))
        }
    };
    cfg.session_storage = store.clone();
    // 0-RTT: offered when the session allows it and the script writes early data.
    cfg.enable_early_data = inp.script.iter().any(|s| s.op == "write_early");
    let cfg = Arc::new(cfg);
    let name = if inp.verify_name.is_empty() { "localhost" } else { &inp.verify_name };
    let name = ServerName::try_from(name).unwrap_or_else(|e| fail(format!("server name {:?}: {:?}", name, e)));
    let connect = || {
        let conn = ClientConnection::new(cfg.clone(), name.clone()).unwrap_or_else(|e| fail(format!("client: {:?}", e)));
        let sock = TcpStream::connect((inp.host.as_str(), inp.port)).unwrap_or_else(|e| fail(format!("cannot connect: {}", e)));
        (conn, sock)
    };
    if inp.resume {
        let (mut conn, sock) = connect();
        first_connection(&mut conn, sock);
        // The script's tickets are the second connection's.
        store.sessions.store(0, Ordering::SeqCst);
    }
    connect()
}

fn server(inp: &Input) -> (ServerConnection, TcpStream) {
    let versions: Vec<&'static rustls::SupportedProtocolVersion> =
        if inp.version == "TLSv1.2" { vec![&rustls::version::TLS12] } else { vec![&rustls::version::TLS13, &rustls::version::TLS12] };
    let builder = ServerConfig::builder()
        .with_safe_default_cipher_suites()
        .with_safe_default_kx_groups()
        .with_protocol_versions(&versions)
        .unwrap_or_else(|e| fail(format!("server versions: {:?}", e)));
    let builder = if inp.client_auth == "require" {
        builder.with_client_cert_verifier(AllowAnyAuthenticatedClient::new(roots(&inp.verify_ca)))
    } else if inp.client_auth == "request" {
        builder.with_client_cert_verifier(AllowAnyAnonymousOrAuthenticatedClient::new(roots(&inp.verify_ca)))
    } else {
        builder.with_no_client_auth()
    };
    let mut cfg = builder
        .with_single_cert(certs(&inp.cert), private_key(&inp.key))
        .unwrap_or_else(|e| fail(format!("server certificate: {:?}", e)));
    if !inp.resume {
        cfg.session_storage = Arc::new(NoServerSessionStorage {});
    }
    cfg.max_early_data_size = inp.max_early_data;
    let cfg = Arc::new(cfg);
    let listener = TcpListener::bind((inp.host.as_str(), inp.port)).unwrap_or_else(|e| fail(format!("cannot listen: {}", e)));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| fail(format!("local address: {}", e)));
    eprintln!("listening {}", port);
    let accept = || {
        let (sock, _) = listener.accept().unwrap_or_else(|e| fail(format!("accept: {}", e)));
        let conn = ServerConnection::new(cfg.clone()).unwrap_or_else(|e| fail(format!("server: {:?}", e)));
        (conn, sock)
    };
    if inp.resume {
        let (mut conn, sock) = accept();
        first_connection(&mut conn, sock);
    }
    let (mut conn, sock) = accept();
    if inp.max_early_data > 0 && !inp.script.iter().any(|s| s.op == "read_early") {
        conn.reject_early_data();
    }
    (conn, sock)
}

fn io_err_text(e: &io::Error) -> String {
    if let Some(inner) = e.get_ref() {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return format!("Err({:?}: {:?})", e.kind(), tls);
        }
        return format!("Err({:?}: {})", e.kind(), inner);
    }
    format!("Err({:?})", e.kind())
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn emit(call: &str, api: &str, outcome: &str) {
    println!("{{\"call\":{},\"api\":{},\"outcome\":{}}}", json_str(call), json_str(api), json_str(outcome));
}

fn main() {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).unwrap_or_else(|e| fail(format!("reading input: {}", e)));
    let inp = parse_input(&text);
    for s in &inp.script {
        match s.op.as_str() {
            "connect" | "accept" | "write" | "read" | "wait" | "shutdown" | "tickets" | "peer_cert" | "nonblocking" | "blocking" => {}
            "write_early" if inp.role != "server" => {}
            "read_early" if inp.role == "server" => {}
            "peek" => fail("step 'peek': rustls has no peek".to_string()),
            other => fail(format!("unknown step {:?}", other)),
        }
    }
    let inp = Arc::new(inp);
    let keep = if inp.resume { Some(ClientSessionMemoryCache::new(4)) } else { None };
    let store = Arc::new(CountingStore { sessions: AtomicUsize::new(0), keep });
    // The script runs on its own thread, saying when each step starts; this one watches it.
    let (tx, rx) = mpsc::channel::<Option<usize>>();
    let (worker_inp, worker_store) = (inp.clone(), store.clone());
    if inp.role == "server" {
        let (mut conn, sock) = server(&inp);
        thread::spawn(move || run_script(&worker_inp, &mut conn, sock, &worker_store, &tx, Some(read_early as EarlyStep<ServerConnection>)));
    } else {
        let (mut conn, sock) = client(&inp, store.clone());
        thread::spawn(move || run_script(&worker_inp, &mut conn, sock, &worker_store, &tx, Some(write_early as EarlyStep<ClientConnection>)));
    }
    watch(&inp, &rx);
    // Exit without sending anything more: the process ends, the kernel closes the socket.
    std::process::exit(0);
}

/// The rustls call a step makes (its api in the output).
fn api_of(op: &str) -> &'static str {
    match op {
        "connect" | "accept" => "complete_io",
        "write" => "Stream::write",
        "read" => "Stream::read",
        "shutdown" => "send_close_notify",
        "peer_cert" => "peer_certificates",
        "write_early" => "ClientConnection::early_data",
        "read_early" => "ServerConnection::early_data",
        _ => "StoresClientSessions::put",
    }
}

/// Waits for the script. A step still running long after its socket timeout (blockMs) is
/// busy inside rustls and will never return (complete_io loops without reading when the
/// peer's close_notify came during the handshake): it is reported as `spins`, every later
/// step as not run, and the process ends.
fn watch(inp: &Input, rx: &mpsc::Receiver<Option<usize>>) {
    let limit = Duration::from_millis(inp.block_ms * 2 + 2000);
    let mut current: Option<usize> = None;
    loop {
        match rx.recv_timeout(limit) {
            Ok(Some(i)) => current = Some(i),
            Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let i = match current {
                    Some(i) => i,
                    None => continue,
                };
                for (j, s) in inp.script.iter().enumerate().skip(i) {
                    if s.op == "wait" || s.op == "nonblocking" || s.op == "blocking" {
                        continue;
                    }
                    emit(&s.op, api_of(&s.op), if j == i { "spins" } else { "(not run: an earlier call never returned)" });
                }
                return;
            }
        }
    }
}

/// Runs the script's steps on one connection, a step a call, and prints each call's outcome.
/// A side's 0-RTT step (write_early for a client, read_early for a server).
type EarlyStep<C> = fn(&mut C, &mut TcpStream, &Step) -> io::Result<String>;

/// The write_early step: ClientConnection::early_data(), then its write (queued: complete_io
/// sends it after the ClientHello). `None` when the session allows no early data.
fn write_early(conn: &mut ClientConnection, _sock: &mut TcpStream, s: &Step) -> io::Result<String> {
    match conn.early_data() {
        Some(mut early) => early.write(&s.data).map(|n| format!("Ok({})", n)),
        None => Ok("None".to_string()),
    }
}

/// The read_early step: read and process until early data has been processed (then
/// ServerConnection::early_data() and its read), or the ClientHello has been and rustls has
/// not accepted early data (`None`; its flight is then waiting to be written).
fn read_early(conn: &mut ServerConnection, sock: &mut TcpStream, s: &Step) -> io::Result<String> {
    let mut buf = vec![0u8; s.n];
    loop {
        if let Some(mut early) = conn.early_data() {
            let n = early.read(&mut buf)?;
            if n > 0 {
                return Ok(format!("Ok({})", n));
            }
        } else if conn.wants_write() {
            return Ok("None".to_string());
        }
        if conn.read_tls(sock)? == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        conn.process_new_packets().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    }
}

fn run_script<C, S>(
    inp: &Input,
    conn: &mut C,
    mut sock: TcpStream,
    store: &CountingStore,
    started_step: &mpsc::Sender<Option<usize>>,
    early: Option<EarlyStep<C>>,
)
where
    C: DerefMut + Deref<Target = ConnectionCommon<S>>,
    S: SideData,
{
    let block = Duration::from_millis(inp.block_ms);
    sock.set_read_timeout(Some(block)).unwrap_or_else(|e| fail(format!("read timeout: {}", e)));
    sock.set_write_timeout(Some(block)).unwrap_or_else(|e| fail(format!("write timeout: {}", e)));
    let mut nonblocking = false;
    // A failure is `blocked` when the socket's timeout fired during this call.
    let outcome = |r: io::Result<String>, started: Instant, nonblocking: bool| -> String {
        match r {
            Ok(s) => s,
            Err(e) if !nonblocking
                && matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
                && started.elapsed() >= block / 2 =>
            {
                "blocked".to_string()
            }
            Err(e) => io_err_text(&e),
        }
    };
    for (i, s) in inp.script.iter().enumerate() {
        let _ = started_step.send(Some(i));
        let started = Instant::now();
        match s.op.as_str() {
            "connect" | "accept" => {
                let r = conn.complete_io(&mut sock).map(|_| "Ok".to_string());
                emit(&s.op, "complete_io", &outcome(r, started, nonblocking));
            }
            "write_early" | "read_early" => {
                let step = early.unwrap_or_else(|| fail(format!("{}: not a step for this side", s.op)));
                let r = step(conn, &mut sock, s);
                emit(&s.op, api_of(&s.op), &outcome(r, started, nonblocking));
            }
            "write" => {
                let r = Stream::new(&mut *conn, &mut sock).write(&s.data).map(|n| format!("Ok({})", n));
                emit("write", "Stream::write", &outcome(r, started, nonblocking));
            }
            "read" => {
                let mut buf = vec![0u8; s.n];
                let r = Stream::new(&mut *conn, &mut sock).read(&mut buf).map(|n| format!("Ok({})", n));
                emit("read", "Stream::read", &outcome(r, started, nonblocking));
            }
            "shutdown" => {
                conn.send_close_notify();
                let mut flushed = "()".to_string();
                while conn.wants_write() {
                    if let Err(e) = conn.write_tls(&mut sock) {
                        flushed = format!("(), write_tls: {}", outcome(Err(e), started, nonblocking));
                        break;
                    }
                }
                emit("shutdown", "send_close_notify", &flushed);
            }
            "nonblocking" => {
                sock.set_nonblocking(true).unwrap_or_else(|e| fail(format!("set_nonblocking: {}", e)));
                nonblocking = true;
            }
            "blocking" => {
                sock.set_nonblocking(false).unwrap_or_else(|e| fail(format!("set_nonblocking: {}", e)));
                nonblocking = false;
            }
            "wait" => std::thread::sleep(Duration::from_millis(inp.wait_ms)),
            "tickets" => emit("tickets", "StoresClientSessions::put", &store.sessions.load(Ordering::SeqCst).to_string()),
            // The chain the peer sent, once rustls has processed it; reads nothing.
            "peer_cert" => {
                emit("peer_cert", "peer_certificates", if conn.peer_certificates().is_some() { "Some" } else { "None" })
            }
            _ => unreachable!(),
        }
    }
    let _ = started_step.send(None);
}
