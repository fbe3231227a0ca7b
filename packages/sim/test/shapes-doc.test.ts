/**
 * docs/handshake-shapes.md is drawn from the shapes as data (renderShapesDoc), the data that
 * handshake-shapes.test.ts checks real endpoints against: the diagrams never drift.
 * `UPDATE_DOCS=1` rewrites the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDSHAKE_SHAPES } from '@tls13sim/handshake';
import { renderShapesDoc } from '../src/render/index.js';

const DOC = join(import.meta.dirname, '..', '..', '..', 'docs', 'handshake-shapes.md');

describe('docs/handshake-shapes.md', () => {
  it('is what renderShapesDoc draws from the shapes', () => {
    const doc = renderShapesDoc();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, doc);
    expect(readFileSync(DOC, 'utf8')).toBe(doc);
  });

  it('draws every shape, each side, with each state change as an edge', () => {
    const doc = renderShapesDoc();
    for (const shape of HANDSHAKE_SHAPES) expect(doc).toContain(`: ${shape.name} (${shape.rfc})`);
    // TLS 1.2 with client authentication, client: ServerHelloDone received in WAIT_SHD, then its whole flight sent before any server Finished.
    expect(doc).toContain(
      'WAIT_SHD --> WAIT_CCS: recv server_hello_done, send certificate, send client_key_exchange, send certificate_verify, send change_cipher_spec, send finished',
    );
    // TLS 1.3 server: the pass-through states of Appendix A.2.
    expect(doc).toContain('RECVD_CH --> NEGOTIATED');
    expect(doc.match(/```mermaid/g)?.length).toBe(HANDSHAKE_SHAPES.length * 2 + 2);
  });
});
