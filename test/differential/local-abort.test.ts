/**
 * The local-abort cases (lens-check.ts LOCAL_ABORT_CASES), simulated only: our client aborts
 * the handshake itself with the failure kind each library's local-abort table is keyed by,
 * and every verified library's table words that kind (the real runs check the words).
 */
import { describe, expect, it } from 'vitest';
import { HandshakeError } from '@tls13sim/handshake';
import { diffCase } from '../../packages/sim/src/lens/cases.js';
import { runCaseThroughLens } from '../../packages/sim/src/lens/run-case.js';
import { GNUTLS_LOCAL_ABORT_ERROR } from '../../packages/sim/src/lens/vocab/gnutls.js';
import { GO_LOCAL_ABORT_ERROR } from '../../packages/sim/src/lens/vocab/go.js';
import { NODE_LOCAL_ABORT_CODE } from '../../packages/sim/src/lens/vocab/node.js';
import { OPENSSL_LOCAL_ABORT_REASON } from '../../packages/sim/src/lens/vocab/openssl.js';
import { PYTHON_LOCAL_ABORT } from '../../packages/sim/src/lens/vocab/python.js';
import { RUSTLS_LOCAL_ABORT_ERROR } from '../../packages/sim/src/lens/rustls.js';
import { LOCAL_ABORT_CASES } from './lens-check.js';

const TABLES = {
  openssl: OPENSSL_LOCAL_ABORT_REASON,
  python: PYTHON_LOCAL_ABORT,
  gnutls: GNUTLS_LOCAL_ABORT_ERROR,
  node: NODE_LOCAL_ABORT_CODE,
  go: GO_LOCAL_ABORT_ERROR,
  rustls: RUSTLS_LOCAL_ABORT_ERROR,
};

describe('local aborts (simulated)', () => {
  it.each(LOCAL_ABORT_CASES)('%s: the client aborts with failure kind %s and sends the alert; every verified table words it', (name, kind) => {
    const { sim } = runCaseThroughLens(diffCase(name), 'openssl');
    const err = sim.endpoint('client').error;
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).kind).toBe(kind);
    const sent = sim.events.filter((e) => e.side === 'client' && e.type === 'alert_sent').map((e) => (e as { description: string }).description);
    expect(sent).toEqual([err!.alert]);
    for (const [lib, table] of Object.entries(TABLES)) expect(table[kind], `${lib}: no words for ${kind}`).toBeTypeOf('string');
  });
});
