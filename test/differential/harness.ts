/**
 * What every real-library harness takes and prints.
 *
 * Input (one JSON object on stdin): `HarnessInput`. Output: one JSON line per outcome on
 * stdout (`Outcome`), in the order they happened; exit 0. A harness that cannot run its
 * script (cannot connect, bad input) prints one line to stderr and exits non-zero.
 */
import { spawn } from 'node:child_process';
import type { ScriptStep } from '../../packages/sim/src/lens/cases.js';

export interface HarnessInput {
  /** 'server': the harness listens on host:port and serves one connection (cert/key: its own). */
  readonly role?: 'server';
  readonly host: string;
  readonly port: number;
  /**
   * role 'server': 'require' a client certificate, verified against `verifyCa`; or
   * 'request' one (a client without one is served too) in the library's own optional mode,
   * a presented one verified against `verifyCa` where that mode verifies.
   */
  readonly clientAuth?: 'require' | 'request';
  /**
   * role 'server': the library may ask for a client certificate after the handshake (the
   * step request_auth), verified against `verifyCa`; it asks for none during the handshake.
   */
  readonly postHandshakeAuth?: boolean;
  /**
   * role 'server': the application refuses every client certificate its library's own
   * verification passed, through the library's verification callback (OpenSSL:
   * SSL_CTX_set_verify's callback, failing with X509_V_ERR_APPLICATION_VERIFICATION; GnuTLS:
   * gnutls_session_set_verify_function, returning -1). Python's harness fails the run (its
   * ssl has no such callback), and so do runGo, runNode and runRustls (`noRefuseCert`), rather
   * than serve without it.
   */
  readonly refuseCert?: boolean;
  /** role 'server': serve this version only (default TLS 1.2 and 1.3). */
  readonly version?: 'TLSv1.2';
  /** PEM files of the client certificate chain and key; absent: no client certificate. */
  readonly cert?: string;
  readonly key?: string;
  /**
   * Verify the server's certificate against this CA (a PEM file) and the name `verifyName`
   * (also sent as server_name); absent: the harness verifies nothing (the default).
   */
  readonly verifyCa?: string;
  readonly verifyName?: string;
  /** Offer post-handshake authentication (§4.2.6). */
  readonly pha: boolean;
  /** How long a `wait` step sleeps (nothing is read meanwhile). */
  readonly waitMs: number;
  /** A blocking call that has not returned after this long is reported as `blocked`. */
  readonly blockMs: number;
  readonly script: readonly ScriptStep[];
  /**
   * The script runs on a second connection that resumes the first's session (RFC 8446 §2.2).
   * A client first connects, completes its handshake, reads until the server's close_notify
   * (the server sends its NewSessionTickets, then closes), and closes; then it connects again
   * offering the session it got. A server (with session tickets on, for this run) first
   * accepts a connection, completes its handshake, reads until the client's close_notify,
   * and closes; then it accepts the second. Only the second connection's calls are printed.
   */
  readonly resume?: boolean;
  /** role 'server': its tickets allow this much 0-RTT data, and it takes early data (OpenSSL: SSL_CTX_set_max_early_data; rustls: ServerConfig::max_early_data_size). */
  readonly maxEarlyData?: number;
}

export interface Outcome {
  /** The script step (`connect`, `write`, `read`, `peek`, `shutdown`), or `event` for a callback the library fired by itself. */
  readonly call: string;
  /** The library's own name for the call or event: `SSL_read`, `Conn.Read`, `'error'`, … */
  readonly api: string;
  /** Its return value, error name or exception, in the library's words. */
  readonly outcome: string;
}

/** Long enough for the server's verdict (VERDICT_DELAY_MS after its flight) to arrive on a loaded 2-core machine. */
export const WAIT_MS = 500;
export const BLOCK_MS = 1000;

export interface HarnessRunOptions {
  /** A serving harness (role server) has said `listening <port>` on stderr. */
  readonly onListening?: (port: number) => void;
  /** How the input is written to the harness's stdin (default: one JSON object). */
  readonly encode?: (input: HarnessInput) => string;
}

/** Runs a harness process with `input` on stdin; resolves with its outcome lines. */
/** A harness without a `refuseCert` setting: the run fails rather than serve without it. */
export function noRefuseCert(input: HarnessInput, library: string): void {
  if (input.refuseCert === true) throw new Error(`the ${library} harness cannot refuse a certificate in a verification callback (refuseCert)`);
}

export function runHarnessProcess(
  cmd: string,
  args: readonly string[],
  input: HarnessInput,
  opts: HarnessRunOptions & { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not finish in ${opts.timeoutMs ?? 15_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 15_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    let listening = false;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      // A serving harness says where it listens (role server); our client connects then.
      const m = listening ? null : /^listening (\d+)$/m.exec(err);
      if (m !== null) {
        listening = true;
        opts.onListening?.(Number(m[1]));
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${cmd} exited ${code}\nstdout: ${out}\nstderr: ${err}`));
        return;
      }
      try {
        resolve(
          out
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as Outcome),
        );
      } catch (e) {
        reject(new Error(`${cmd}: output is not JSON lines: ${(e as Error).message}\n${out}`));
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.encode !== undefined ? opts.encode(input) : JSON.stringify(input));
  });
}
