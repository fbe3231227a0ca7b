/**
 * Client authentication timing (issue 4, DESIGN.md "the SSL_connect question"): the client
 * is CONNECTED and considers the handshake complete (§4.4.4: Finished sent and received)
 * before the server has even seen its Certificate. The server's verdict, if it is a
 * rejection, is an alert protected under the server's application traffic keys, and the
 * client learns it only when it next processes input.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, ContentType, unprotectRecord, utf8, type AlertName } from '@tls13sim/record';
import type { ClientCertVerdict, Endpoint, EndpointConfig } from '@tls13sim/handshake';
import { makePair, testPki } from './endpoint-helpers.js';
import { Log, recordKeys } from './endpoint-inject.js';

const clientPki = testPki('ed25519', 'client.test');
const otherPki = testPki('ed25519', 'other.test');
/** A CA with another name (Test CA ed448), so the client's chain finds no issuer at all. */
const foreignCa = testPki('ed25519', 'server.test', 'ed448').ca;

/** Moves every record `from` has queued to `to`, in order, unmodified. */
function flush(from: Endpoint, to: Endpoint): number {
  let n = 0;
  for (let r = from.pollTransmit(); r !== null; r = from.pollTransmit()) {
    to.handleBytes(r);
    n++;
  }
  return n;
}

interface Run {
  client: Endpoint;
  server: Endpoint;
  clientLog: Log;
  serverLog: Log;
}

/**
 * ClientHello to the server, the server's whole flight to the client; then the client's
 * second flight (and one application record) is left queued, undelivered.
 */
function upToClientFlight(clientCfg: Partial<EndpointConfig>, serverCfg: Partial<EndpointConfig>): Run {
  const { client, server } = makePair(clientCfg, { trustAnchors: [clientPki.ca], ...serverCfg });
  const run = { client, server, clientLog: new Log(client), serverLog: new Log(server) };
  client.start();
  flush(client, server);
  flush(server, client);
  run.clientLog.pump();
  run.serverLog.pump();
  return run;
}

function messagesSent(log: Log): string[] {
  return log.of('record_sent').flatMap((e) => e.record.messages);
}

describe('the client is done before the server has judged it', () => {
  it('reaches CONNECTED and handshake_complete while the server still waits in WAIT_CERT', () => {
    const r = upToClientFlight({ certificate: clientPki.leaf }, { clientAuth: 'require' });
    expect(r.client.state).toBe('CONNECTED');
    expect(r.client.handshakeComplete).toBe(true);
    expect(r.clientLog.of('handshake_complete')).toHaveLength(1);
    // The server has received nothing since the ClientHello: not the Certificate, not the Finished.
    expect(r.server.state).toBe('WAIT_CERT');
    expect(r.server.handshakeComplete).toBe(false);
    expect(r.serverLog.of('record_received').flatMap((e) => e.record.messages)).toEqual(['client_hello']);
    // ... yet the client's Certificate, CertificateVerify and Finished are all built and queued.
    expect(messagesSent(r.clientLog)).toEqual(['client_hello', 'certificate', 'certificate_verify', 'finished']);
    // The client may already send application data.
    r.client.write(utf8('early bird'));
    flush(r.client, r.server);
    expect(r.server.error).toBeUndefined();
    expect(r.server.state).toBe('CONNECTED');
    expect(r.server.peerCertificates).toEqual(clientPki.leaf.chain);
    expect(new TextDecoder().decode(r.server.readApplicationData()!)).toBe('early bird');
  });

  it('the server completes only after verifying the client Finished: state events in order', () => {
    const r = upToClientFlight({ certificate: clientPki.leaf }, { clientAuth: 'require' });
    flush(r.client, r.server);
    const states = r.serverLog.states();
    expect(states).toEqual(['RECVD_CH', 'NEGOTIATED', 'WAIT_FLIGHT2', 'WAIT_CERT', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED']);
    const types = r.serverLog.all.map((e) => e.type);
    expect(types.indexOf('finished_verified')).toBeLessThan(types.indexOf('handshake_complete'));
  });
});

interface Rejection {
  readonly name: string;
  readonly client: Partial<EndpointConfig>;
  readonly server: Partial<EndpointConfig>;
  readonly alert: AlertName;
  /** The server state the rejection happens in. */
  readonly at: string;
}

const reject = (alert: AlertName) => (): ClientCertVerdict => ({ action: 'reject', alert });

const REJECTIONS: readonly Rejection[] = [
  {
    name: 'the verifier rejects the certificate',
    client: { certificate: clientPki.leaf },
    server: { clientAuth: 'require', clientCertVerifier: reject('bad_certificate') },
    alert: 'bad_certificate',
    at: 'WAIT_CERT',
  },
  {
    name: 'the verifier rejects with an alert of its choice',
    client: { certificate: clientPki.leaf },
    server: { clientAuth: 'request', clientCertVerifier: reject('access_denied') },
    alert: 'access_denied',
    at: 'WAIT_CERT',
  },
  {
    name: 'the chain does not validate against the server trust anchors',
    client: { certificate: clientPki.leaf },
    server: { clientAuth: 'require', trustAnchors: [foreignCa] },
    alert: 'unknown_ca',
    at: 'WAIT_CERT',
  },
  {
    name: 'the server requires a certificate and gets an empty Certificate',
    client: {},
    server: { clientAuth: 'require' },
    alert: 'certificate_required',
    at: 'WAIT_CERT',
  },
  {
    name: 'the CertificateVerify signature does not verify (certificate and private key do not match)',
    client: { certificate: { chain: clientPki.leaf.chain, privateKey: otherPki.leaf.privateKey } },
    server: { clientAuth: 'require' },
    alert: 'decrypt_error',
    at: 'WAIT_CV',
  },
];

describe('the server rejects the client late, under its application keys', () => {
  for (const rej of REJECTIONS) {
    it(`${rej.name}: ${rej.alert}, which the client reads only on its next input`, () => {
      const r = upToClientFlight(rej.client, rej.server);
      expect(r.client.state).toBe('CONNECTED');
      expect(r.client.handshakeComplete).toBe(true);
      r.client.write(utf8('request'));
      flush(r.client, r.server);

      // The server judged and failed.
      expect(r.server.error?.alert).toBe(rej.alert);
      expect(r.server.state).toBe('CLOSED');
      expect(r.server.handshakeComplete).toBe(false);
      const serverStates = r.serverLog.states();
      expect(serverStates.at(-2)).toBe(rej.at);
      expect(r.server.readApplicationData.bind(r.server)).toThrow(r.server.error!);

      // Its alert is one record under the server's application traffic keys.
      const sent = r.serverLog.of('record_sent').filter((e) => e.record.innerType === 'alert');
      expect(sent).toHaveLength(1);
      const record = sent[0]!.record;
      expect(record.epoch).toBe('application');
      expect(record.outerType).toBe('application_data');
      expect(r.serverLog.of('alert_sent').map((a) => [a.level, a.description, a.epoch])).toEqual([['fatal', rej.alert, 'application']]);
      // It opens with the server application traffic secret, as the client derived it (SERVER_TRAFFIC_SECRET_0), and with nothing earlier.
      const appSecret = r.clientLog.lastSecret('read')!;
      expect(appSecret.label).toBe('SERVER_TRAFFIC_SECRET_0');
      const opened = unprotectRecord(recordKeys(r.client.negotiated!.suite, appSecret.secret), 0n, record.wire);
      expect(opened.contentType).toBe(ContentType.alert);
      expect([...opened.content]).toEqual([2, AlertDescription[rej.alert]]);
      const hsSecret = r.clientLog.of('keys_installed').find((e) => e.keylog?.label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET')!.keylog!.secret;
      expect(() => unprotectRecord(recordKeys(r.client.negotiated!.suite, hsSecret), 0n, record.wire)).toThrow();

      // The client knows nothing yet: connected, no error, reads nothing, may write.
      expect(r.client.error).toBeUndefined();
      expect(r.client.state).toBe('CONNECTED');
      expect(r.client.readApplicationData()).toBeNull();
      r.client.write(utf8('more'));

      // The client learns the verdict only when it processes the alert record.
      const wire = r.server.pollTransmit()!;
      expect(wire).toEqual(record.wire);
      r.client.handleBytes(wire);
      expect(r.client.error?.alert).toBe(rej.alert);
      expect(r.client.state).toBe('CLOSED');
      expect(() => r.client.readApplicationData()).toThrow(r.client.error!);
      expect(r.clientLog.of('alert_received').map((a) => [a.level, a.description, a.epoch])).toEqual([['fatal', rej.alert, 'application']]);
      // A received fatal alert is not answered (§6.2: the connection is closed at once).
      expect(r.clientLog.of('alert_sent')).toEqual([]);
    });
  }
});

describe('the server carries on without client authentication when policy allows', () => {
  it('request + empty Certificate: both complete, the server has no client chain', () => {
    const r = upToClientFlight({}, { clientAuth: 'request' });
    expect(messagesSent(r.clientLog)).toEqual(['client_hello', 'certificate', 'finished']);
    flush(r.client, r.server);
    expect(r.server.error).toBeUndefined();
    expect(r.server.state).toBe('CONNECTED');
    expect(r.server.peerCertificates).toEqual([]);
  });

  it('the verifier ignores the certificate: the signature is still checked, the chain is dropped', () => {
    const r = upToClientFlight({ certificate: clientPki.leaf }, { clientAuth: 'require', clientCertVerifier: () => ({ action: 'ignore' }) });
    flush(r.client, r.server);
    expect(r.server.error).toBeUndefined();
    expect(r.server.state).toBe('CONNECTED');
    expect(r.server.peerCertificates).toEqual([]);
    expect(r.serverLog.states()).toContain('WAIT_CV');
  });

  it('no policy: the server sends no CertificateRequest and the client sends no Certificate', () => {
    const r = upToClientFlight({ certificate: clientPki.leaf }, {});
    expect(messagesSent(r.serverLog)).not.toContain('certificate_request');
    expect(messagesSent(r.clientLog)).toEqual(['client_hello', 'finished']);
    flush(r.client, r.server);
    expect(r.server.state).toBe('CONNECTED');
  });
});
