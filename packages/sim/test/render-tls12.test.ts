/**
 * The renderers on TLS 1.2 traces (docs/tls12.md): `tls12` records drawn ‹…› in their own
 * colour, the legends explaining them and the ChangeCipherSpec as the key switch it is
 * (RFC 5246 §7.1), the TLS 1.2 state names, and an attacker's rewrite shown as such. TLS 1.3
 * traces keep their legends.
 */
import { describe, expect, it } from 'vitest';
import '../src/scenarios/catalogue.js';
import { renderHexDump, renderHtml, renderMermaid, renderSvg, renderTimeline, runScenario } from '../src/index.js';
import { epochColour } from '../src/render/epoch-colours.js';
import { recordFlights } from '../src/render/flights.js';

const cv12 = runScenario('tls12-client-cv-rejected');

describe('text timeline', () => {
  const text = renderTimeline(cv12);

  it('explains ‹› in its legend and brackets the tls12 records so', () => {
    expect(text.split('\n')[1]).toBe(
      "plaintext bare · ‹› TLS 1.2 keys, on from each side's ChangeCipherSpec (RFC 5246 §7.1) · ★ handshake complete (RFC 5246 §7.4.9)",
    );
    expect(text).toMatch(/│ ‹Finished› +─+▶/);
    expect(text).toMatch(/│ ChangeCipherSpec ⇒ ‹keys› +─+▶/);
    expect(text).not.toContain('[Finished]');
  });

  it('keeps the TLS 1.3 legend and the plain ChangeCipherSpec of a TLS 1.3 run (RFC 8446 Appendix D.4)', () => {
    const t13 = renderTimeline(runScenario('rfc8448-compat'));
    expect(t13.split('\n')[1]).toBe('plaintext bare · {} handshake keys · [] application keys · () early keys · ★ handshake complete (RFC 8446 §4.4.4)');
    expect(t13).toContain('ChangeCipherSpec');
    expect(t13).not.toContain('⇒ ‹keys›');
  });

  it("shows downgrade-detected's rewritten ClientHello as a rewrite, not an injection", () => {
    expect(renderTimeline(runScenario('downgrade-detected'))).toMatch(/⇢ \d+ B rewritten \(\d+ B sent\)/);
  });
});

describe('SVG and HTML of tls12-client-cv-rejected', () => {
  const svg = renderSvg(cv12);
  const html = renderHtml(cv12);

  it('draws the tls12 records in the tls12 colour, with the tls12 legend and key bars, and no TLS 1.3 epochs', () => {
    expect(epochColour('tls12')).not.toBe(epochColour('application'));
    expect(svg).toContain(`fill="${epochColour('tls12')}">‹tls12›</text>`);
    expect(svg).toMatch(/<g[^>]*class="record delivered"[^>]*data-epoch="tls12"/);
    expect(svg).toMatch(/<rect[^>]*fill="#6639ba" data-epoch="tls12"/);
    expect(svg).not.toContain('{handshake}');
    expect(svg).toContain('TLS 1.2: ‹› marks a record under the tls12 keys');
    expect(svg).toContain('ChangeCipherSpec ⇒ ‹keys›');
    expect(svg).toContain('★ handshake complete (RFC 5246 §7.4.9)');
  });

  it('shows the TLS 1.2 states of both sides', () => {
    for (const s of ['WAIT_SHD → WAIT_CCS', 'WAIT_CR_OR_SHD → WAIT_SHD', 'WAIT_CCS → CLOSED', 'WAIT_CKE → WAIT_CV', 'WAIT_CV → CLOSED'])
      expect(svg).toContain(`>${s}<`);
  });

  it('the HTML page explains the tls12 epoch and the key switch', () => {
    expect(html).toContain('<strong style="color:#6639ba">‹tls12›</strong> — TLS 1.2 keys');
    expect(html).toContain('A ChangeCipherSpec is the key switch itself');
    expect(html).toContain('RFC 5246 §7.4.9');
    expect(html).not.toContain('{handshake}');
  });

  it('a rewritten record arrives with the fate rewritten', () => {
    const dg = runScenario('downgrade-detected');
    const hello = recordFlights(dg).records.find((f) => f.sent.messages.includes('client_hello'))!;
    expect([hello.fate, hello.arrived?.fault?.kind]).toEqual(['rewritten', 'inject']);
    expect(recordFlights(dg).injected).toEqual([]);
    expect(renderSvg(dg)).toMatch(/rewritten on the way: \d+ B arrived in its place/);
  });
});

describe('hex dump', () => {
  it('names the TLS 1.2 record layout: the real content type, GenericAEADCipher, and the ChangeCipherSpec as the key switch', () => {
    const hex = renderHexDump(cv12);
    expect(hex).toMatch(/^ {2}01 +change_cipher_spec: the sender's next records are under its tls12 keys RFC 5246 §7\.1$/m);
    expect(hex).toMatch(/GenericAEADCipher: nonce_explicit \(8 B with AES-GCM, RFC 5288 §3\), handshake encrypted, tag RFC 5246 §6\.2\.3\.3$/m);
    expect(hex).not.toContain('middlebox compatibility');
    expect(renderHexDump(runScenario('rfc8448-compat'))).toContain('change_cipher_spec (middlebox compatibility)');
  });
});

describe('mermaid', () => {
  it("draws a TLS 1.2 ChangeCipherSpec as the key switch (RFC 5246 §7.1), TLS 1.3's compatibility one as a plain record", () => {
    const m12 = renderMermaid(runScenario('tls12-client-auth')).split('\n');
    expect(m12).toContain('  C->>S: ChangeCipherSpec ⇒ ‹keys›');
    expect(m12).toContain('  S->>C: ChangeCipherSpec ⇒ ‹keys›');
    expect(m12.filter((l) => l.includes('change_cipher_spec'))).toEqual([]);
    const m13 = renderMermaid(runScenario('rfc8448-compat')).split('\n');
    expect(m13).toContain('  S->>C: change_cipher_spec');
    expect(m13.filter((l) => l.includes('⇒'))).toEqual([]);
  });
});
