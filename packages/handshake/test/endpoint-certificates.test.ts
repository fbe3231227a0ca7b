import { describe, expect, it } from 'vitest';
import { parseCertificate, SignatureScheme } from '@tls13sim/handshake';
import { drive, makePair, testPki } from './endpoint-helpers.js';

const ed = testPki('ed25519', 'server.test', 'ed25519');
const p256 = testPki('p256', 'server.test', 'p256');

function leafKeyType(chain: readonly Uint8Array[]): string {
  return parseCertificate(chain[0]!).publicKey!.type;
}

describe('certificate selection (§4.4.2.2)', () => {
  it('presents the certificate whose key can sign a scheme the client lists', () => {
    const { client, server } = makePair(
      { signatureSchemes: ['ecdsa_secp256r1_sha256'], trustAnchors: [p256.ca] },
      { certificate: ed.leaf, certificates: [p256.leaf] },
    );
    client.start();
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(leafKeyType(client.peerCertificates)).toBe('ecdsa');
    expect(client.negotiated!.serverSignatureScheme).toBe('ecdsa_secp256r1_sha256');
  });

  it('prefers a chain signed with what signature_algorithms_cert lists', () => {
    // Both keys sign fine; only the P-256 chain is signed with ECDSA, the one the client accepts for chains.
    const { client, server } = makePair(
      {
        trustAnchors: [ed.ca, p256.ca],
        hooks: {
          clientHello: (ch) => ({
            ...ch,
            extensions: [...ch.extensions, { type: 'signature_algorithms_cert', schemes: [SignatureScheme.ecdsa_secp256r1_sha256] }],
          }),
        },
      },
      { certificate: ed.leaf, certificates: [p256.leaf] },
    );
    client.start();
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(leafKeyType(client.peerCertificates)).toBe('ecdsa');
  });

  it('falls back to a chain of its choice when none is signed with an accepted algorithm', () => {
    const { client, server } = makePair(
      {
        trustAnchors: [ed.ca],
        hooks: {
          clientHello: (ch) => ({
            ...ch,
            extensions: [...ch.extensions, { type: 'signature_algorithms_cert', schemes: [SignatureScheme.rsa_pss_rsae_sha256] }],
          }),
        },
      },
      { certificate: ed.leaf },
    );
    client.start();
    drive(client, server);
    expect(client.state).toBe('CONNECTED');
    expect(leafKeyType(client.peerCertificates)).toBe('ed25519');
  });

  it('fails with handshake_failure when no certificate key can sign any scheme the client lists', () => {
    const { client, server } = makePair({ signatureSchemes: ['ed448'] }, { certificate: ed.leaf });
    client.start();
    drive(client, server);
    expect(server.error?.alert).toBe('handshake_failure');
    expect(client.error?.alert).toBe('handshake_failure');
  });

  it("lets a client answer a CertificateRequest with the certificate that fits the server's list", () => {
    const { client, server } = makePair(
      { certificate: ed.leaf, certificates: [p256.leaf], trustAnchors: [p256.ca] },
      { certificate: p256.leaf, clientAuth: 'require', signatureSchemes: ['ecdsa_secp256r1_sha256'], trustAnchors: [p256.ca] },
    );
    client.start();
    drive(client, server);
    expect(server.state).toBe('CONNECTED');
    expect(leafKeyType(server.peerCertificates)).toBe('ecdsa');
  });
});
