/** docs/lenses.md is what `tls13sim lenses` prints: the table never drifts from the lenses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLensDoc } from '../src/lens/doc.js';

describe('docs/lenses.md', () => {
  const text = renderLensDoc();

  it('is current', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'lenses.md'), 'utf8');
    expect(doc).toBe(text);
  });

  it('answers the SSL_connect question for every verified library: the first read reveals the rejection, Node with no call at all', () => {
    const row = text.split('\n').find((l) => l.startsWith('| cv-rejected:'))!;
    expect(row).toContain('call 3: `SSL_read` → `0 SSL_ERROR_SSL: tlsv1 alert decrypt error`');
    expect(row).toContain('call 3: `Conn.Read` → `0, remote error: tls: error decrypting message`');
    expect(row).toContain('call 3: `SSLSocket.recv` → `SSLError: TLSV1_ALERT_DECRYPT_ERROR`');
    expect(row).toContain('call 3: `gnutls_record_recv` → `GNUTLS_E_FATAL_ALERT_RECEIVED: Decrypt error`');
    expect(row).toContain("event after call 2, no call needed: `'error'` → `ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR`");
  });

  it('shows arrived is not processed with a ticket: counted after the read that pulls it, by Node on arrival', () => {
    const row = text.split('\n').find((l) => l.startsWith('| **ticket-is-not-data**'))!;
    expect(row).toContain('script: connect, wait, tickets, read(1024), tickets');
    expect(row).toContain('`new_session_cb` → `0`<br>`SSL_read` → `blocked`<br>`new_session_cb` → `1`');
    expect(row).toContain('`ClientSessionCache.Put` → `0`<br>`Conn.Read` → `blocked`<br>`ClientSessionCache.Put` → `1`');
    expect(row).toContain('`SSLSocket.session.has_ticket` → `False`<br>`SSLSocket.recv` → `blocked`<br>`SSLSocket.session.has_ticket` → `True`');
    expect(row).toContain('`gnutls_handshake_set_hook_function` → `0`<br>`gnutls_record_recv` → `blocked`<br>`gnutls_handshake_set_hook_function` → `1`');
    expect(row).toContain("`'session' events` → `1`<br>`(next event)` → `blocked`<br>`'session' events` → `1`");
  });

  it('answers it for TLS 1.2 too: the verdict fails the handshake call itself', () => {
    const row = text.split('\n').find((l) => l.startsWith('| tls12-cv-rejected:'))!;
    expect(row).toContain('call 1: `SSL_connect` → `-1 SSL_ERROR_SSL: tlsv1 alert decrypt error`');
    expect(row).toContain('call 1: `SSLSocket.do_handshake` → `SSLError: TLSV1_ALERT_DECRYPT_ERROR`');
    expect(row).toContain('call 1: `gnutls_handshake` → `GNUTLS_E_FATAL_ALERT_RECEIVED: Decrypt error`');
    expect(row).toContain("call 1: `tls.connect` → `'error'` (the event `'error'` → `ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR`)");
  });

  it("words a handshake the client aborts itself (the downgrade sentinel) by each library's own reason, not by the alert it sent", () => {
    const row = text.split('\n').find((l) => l.startsWith('| **tls12-downgrade**'))!;
    expect(row).toContain('`SSL_connect` → `-1 SSL_ERROR_SSL: inappropriate fallback`');
    expect(row).toContain("`'error'` → `ERR_SSL_INAPPROPRIATE_FALLBACK`");
    expect(row).toContain('`Conn.Handshake` → `tls: downgrade attempt detected, possibly due to a MitM attack or a broken middlebox`');
    expect(row).toContain('`SSLSocket.do_handshake` → `SSLError: INAPPROPRIATE_FALLBACK`');
    expect(row).toContain('`gnutls_handshake` → `GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER`');
    expect(row).not.toContain('(sent ');
  });

  it("words a server certificate the client rejects by each library's own verification failure", () => {
    const row = text.split('\n').find((l) => l.startsWith('| **server-cert-untrusted**'))!;
    expect(row).toContain('`SSL_connect` → `-1 SSL_ERROR_SSL: certificate verify failed`');
    expect(row).toContain("`'error'` → `SELF_SIGNED_CERT_IN_CHAIN`");
    expect(row).toContain('`Conn.Handshake` → `x509: certificate signed by unknown authority`');
    expect(row).toContain('`SSLSocket.do_handshake` → `SSLCertVerificationError: CERTIFICATE_VERIFY_FAILED`');
    expect(row).toContain('`gnutls_handshake` → `GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR`');
  });
});
