// A first unit test: the SSL_connect question. The server requires a client certificate
// and the client signs its CertificateVerify with the wrong key (testPki's ready-made bad
// certificate). Through OpenSSL's eyes, connect() and write() succeed; read() fails.
import { describe, expect, it } from 'vitest';
import '@tls13sim/sim/vitest';
import { clientServerPair, openSslLens, testPki } from '@tls13sim/sim';

describe('a client certificate the server rejects', () => {
  it('connects, writes, and learns of the rejection on its first read', () => {
    const pki = testPki();
    const sim = clientServerPair({ server: { clientAuth: 'require' }, clientCertificate: pki.bad.client.wrongKey });
    const ssl = openSslLens(sim, 'client', { blocking: true });

    expect(ssl.connect()).toMatchObject({ result: 'ok', outcome: '1' });
    expect(ssl.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'))).toMatchObject({ result: 'ok' });
    expect(ssl.read(100)).toMatchObject({ result: 'error', alert: 'decrypt_error' });

    expect(sim).toCompleteBefore('client', 'server'); // the server never completes
    expect(sim).toSurfaceAlertOn('read', 'decrypt_error');
    expect(sim).toHaveVerdict('client', 'rejected', { basis: 'knows' });
  });
});
