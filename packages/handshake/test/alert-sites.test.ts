/**
 * No failure site names an alert: in the endpoint and TLS 1.2 state machines and the message
 * decoders' semantic checks (duplicated or misplaced extensions, …) an error is
 * raised as a kind (`fail('bad_finished', …)`), and `alertFor` (endpoint/errors.ts) alone
 * maps kinds to alerts (RFC 8446 §6.2, RFC 5246 §7.2). Record-layer errors
 * (packages/record) are their own layer and are not scanned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertDescription } from '@tls13sim/record';

const SRC = join(import.meta.dirname, '../src');
const DIRS = ['endpoint', 'tls12', 'messages'];
/** The one file that names alerts for kinds. */
const MAP_FILE = 'endpoint/errors.ts';
/**
 * Alerts that are sent, not failed with: the closure alerts of close() and cancel (RFC 8446
 * §6.1) and TLS 1.2's warning that refuses a renegotiation (RFC 5246 §7.4.1.1, RFC 5746).
 */
const NOT_FAILURES = new Set(['close_notify', 'user_canceled', 'no_renegotiation']);
const ALERT_NAMES = [...Object.keys(AlertDescription), 'no_renegotiation'];

/** `src` without comments (string contents kept: a quote inside a string is rare here and only hides nothing). */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function sources(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const dir of DIRS) {
    for (const name of readdirSync(join(SRC, dir), { recursive: true }) as string[]) {
      if (!name.endsWith('.ts')) continue;
      out.push({ file: `${dir}/${name}`, code: stripComments(readFileSync(join(SRC, dir, name), 'utf8')) });
    }
  }
  return out;
}

/** Alert-name literals at failure sites: every `'<alert>'` except a kind given to fail/HandshakeError and the NOT_FAILURES. */
function alertLiterals(code: string): string[] {
  const found: string[] = [];
  const literal = new RegExp(`'(${ALERT_NAMES.join('|')})'`, 'g');
  for (const line of code.split('\n')) {
    // A kind that shares its alert's name, as the first argument of a raise.
    const withoutKinds = line.replace(/\b(fail\w*|HandshakeError)\(\s*'[a-z_]+'/g, '$1(KIND');
    for (const m of withoutKinds.matchAll(literal)) if (!NOT_FAILURES.has(m[1]!)) found.push(`${m[1]}: ${line.trim()}`);
  }
  return found;
}

describe('failure sites raise error kinds, never alerts', () => {
  const files = sources();

  it('scans the state machines of both versions', () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining([
        'endpoint/server.ts',
        'endpoint/client.ts',
        'endpoint/endpoint.ts',
        'tls12/server.ts',
        'tls12/client.ts',
        'messages/extensions.ts',
        MAP_FILE,
      ]),
    );
  });

  it('constructs no TlsError with an alert name in endpoint/, tls12/ or messages/', () => {
    const sites = files.flatMap((f) => [...f.code.matchAll(/new TlsError\(/g)].map(() => f.file));
    expect(sites).toEqual([]);
  });

  it('writes no alert name outside the kind → alert map (errors.ts)', () => {
    const sites = files.filter((f) => f.file !== MAP_FILE).flatMap((f) => alertLiterals(f.code).map((s) => `${f.file}: ${s}`));
    expect(sites).toEqual([]);
  });

  it('the scan finds what it is for: an override argument, an alert-named TlsError, an alert field', () => {
    expect(alertLiterals("fail('bad_certificate', 'no anchors', 'unknown_ca');")).toEqual(["unknown_ca: fail('bad_certificate', 'no anchors', 'unknown_ca');"]);
    expect(alertLiterals("throw new TlsError('internal_error', 'x');")).toHaveLength(1);
    expect(alertLiterals("return { kind: 'alert', alert: 'handshake_failure' };")).toHaveLength(1);
    expect(alertLiterals("fail('illegal_parameter', 'x'); this.sendAlert('close_notify', 1);")).toEqual([]);
  });
});
