/**
 * §4.4.2: a client Certificate answering a CertificateRequest carries "the value of
 * certificate_request_context in that message". The server checks it in one place
 * (certificates.ts judgeClientCertificateMessage) for both the handshake's request (empty
 * context, §4.3.2) and a post-handshake one (§4.6.2): a mismatch is illegal_parameter.
 */
import { describe, expect, it } from 'vitest';
import { HandshakeError } from '@tls13sim/handshake';
import { testPki } from './endpoint-helpers.js';
import { type Link, linkPair } from './endpoint-inject.js';

const clientPki = testPki('ed25519', 'client.test');
const wrongContext = { type: 'certificate' as const, certificateRequestContext: new Uint8Array([7, 7]), certificateList: [] };

function expectContextMismatch(l: Link, when: string): void {
  const err = l.server.error;
  expect(err).toBeInstanceOf(HandshakeError);
  expect([(err as HandshakeError).kind, err!.alert, l.server.state]).toEqual(['illegal_parameter', 'illegal_parameter', 'CLOSED']);
  expect(err!.message).toBe(`illegal_parameter: client Certificate context does not match the CertificateRequest${when}`);
  l.s2c.deliverAll();
  expect(
    l
      .log('client')
      .of('alert_received')
      .map((a) => a.description),
  ).toEqual(['illegal_parameter']);
}

describe("the client Certificate's context must echo the CertificateRequest's (§4.4.2)", () => {
  it('in the handshake (WAIT_CERT): a non-empty context is illegal_parameter', () => {
    const l = linkPair({ certificate: clientPki.leaf }, { clientAuth: 'require', trustAnchors: [clientPki.ca] }, 61);
    l.client.start();
    l.c2s.deliverAll();
    l.s2c.deliverAll();
    expect(l.server.state).toBe('WAIT_CERT');
    l.c2s.pull();
    l.c2s.queue.length = 0;
    l.c2s.injectMessage(wrongContext);
    expectContextMismatch(l, '');
  });

  it('after the handshake: a context other than the request’s is illegal_parameter', () => {
    const l = linkPair({ certificate: clientPki.leaf, postHandshakeAuth: true }, { trustAnchors: [clientPki.ca] }, 62);
    l.client.start();
    l.run();
    expect([l.client.state, l.server.state]).toEqual(['CONNECTED', 'CONNECTED']);
    l.server.requestClientAuth();
    l.s2c.pull();
    l.s2c.queue.length = 0;
    l.c2s.injectMessage(wrongContext);
    expectContextMismatch(l, ' after the handshake');
  });
});
