import { describe, expect, it } from 'vitest';
import { openSslLens } from '../src/index.js';
import { PEER_CERT_WORDS } from '../src/lens/peer-cert.js';
import { CLIENT_AUTH, pairSim, ofType } from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

describe('OpenSSL lens, non-blocking', () => {
  it('connect returns want_read until the client has sent its Finished, then ok', () => {
    const sim = pairSim(CLIENT_AUTH);
    const c = openSslLens(sim, 'client');
    expect(c.connect().result).toBe('want_read');
    sim.step(); // ClientHello → server
    expect(c.connect().result).toBe('want_read');
    sim.step(); // server flight → client; client sends Certificate, CertificateVerify, Finished
    expect(c.connect()).toMatchObject({ result: 'ok', api: 'SSL_connect', outcome: '1' });
    // …while the server has not even received the client's CertificateVerify.
    expect(sim.server.state).toBe('WAIT_CERT');
  });

  it('accept returns ok only once the server is CONNECTED', () => {
    const sim = pairSim(CLIENT_AUTH);
    const s = openSslLens(sim, 'server');
    sim.step(); // ClientHello → the server's socket buffer: OpenSSL has not read it yet
    expect(sim.buffered('server')).toBeGreaterThan(0);
    expect(s.accept()).toMatchObject({ result: 'want_read', outcome: '-1 SSL_ERROR_WANT_READ' });
    sim.step();
    sim.step();
    expect(s.accept().result).toBe('ok');
  });

  it('read returns want_read before data arrives and ok with the data after', () => {
    const sim = pairSim({ ...CLIENT_AUTH, greeting: 'welcome' });
    const c = openSslLens(sim, 'client');
    sim.step();
    sim.step();
    expect(c.read(100).result).toBe('want_read');
    sim.run();
    const r = c.read(100);
    expect(r.result).toBe('ok');
    expect(dec(r.bytes)).toBe('welcome');
    expect(c.read(100).result).toBe('want_read');
  });

  it('peek returns the data without consuming it', () => {
    const sim = pairSim({ greeting: 'abcdef' });
    sim.run();
    const c = openSslLens(sim, 'client');
    expect(dec(c.peek(3).bytes)).toBe('abc');
    expect(dec(c.peek(3).bytes)).toBe('abc');
    expect(dec(c.read(4).bytes)).toBe('abcd');
    expect(dec(c.read(4).bytes)).toBe('ef');
  });

  it('write after the alert has arrived succeeds: SSL_write never reads the socket; the next read fails, and so does every write after it', () => {
    const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true });
    const c = openSslLens(sim, 'client');
    sim.step();
    sim.step();
    expect(c.connect().result).toBe('ok');
    expect(c.write(enc('GET /')).result).toBe('ok');
    expect(c.read(10).result).toBe('want_read');
    sim.run();
    // The alert is in the client's socket buffer, unread.
    expect(sim.buffered('client')).toBeGreaterThan(0);
    expect(sim.client.error).toBeUndefined();
    expect(c.write(enc('more'))).toMatchObject({ result: 'ok', outcome: '4' });
    expect(c.read(10)).toMatchObject({ result: 'error', alert: 'decrypt_error', outcome: '0 SSL_ERROR_SSL: tlsv1 alert decrypt error' });
    expect(ofType(sim.events, 'processed').filter((e) => e.side === 'client').length).toBeGreaterThan(0);
    // libssl reports the alert once; then it answers as after a clean close.
    expect(c.write(enc('more'))).toMatchObject({ result: 'error', alert: 'decrypt_error', outcome: '-1 SSL_ERROR_ZERO_RETURN' });
    expect(c.read(10)).toMatchObject({ result: 'error', outcome: '0 SSL_ERROR_ZERO_RETURN' });
  });

  it('read of zero bytes, non-blocking: want_read while nothing has been processed, error(alert) once the alert has arrived', () => {
    const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true, greeting: 'never' });
    const c = openSslLens(sim, 'client');
    sim.step();
    sim.step();
    expect(c.read(0)).toMatchObject({ result: 'want_read', outcome: '-1 SSL_ERROR_WANT_READ' });
    sim.run();
    expect(c.read(0)).toMatchObject({ result: 'error', alert: 'decrypt_error' });
  });

  it('read of zero bytes leaves buffered data for the next read', () => {
    const sim = pairSim({ greeting: 'xyz' });
    sim.run();
    const c = openSslLens(sim, 'client');
    expect(c.read(0).bytes?.length).toBe(0);
    expect(dec(c.read(10).bytes)).toBe('xyz');
  });

  it('write before the handshake completes returns want_read', () => {
    const sim = pairSim();
    const c = openSslLens(sim, 'client');
    expect(c.write(enc('early?')).result).toBe('want_read');
  });

  it('shutdown sends close_notify once, want_read until the peer answers, then ok', () => {
    const sim = pairSim();
    sim.run();
    const c = openSslLens(sim, 'client');
    const s = openSslLens(sim, 'server');
    expect(c.shutdown()).toMatchObject({ result: 'want_read', outcome: '0' });
    expect(c.shutdown().result).toBe('want_read');
    sim.run();
    expect(s.read(10)).toMatchObject({ result: 'error', alert: 'close_notify', outcome: '0 SSL_ERROR_ZERO_RETURN' });
    expect(s.shutdown().result).toBe('ok');
    sim.run();
    expect(c.shutdown().result).toBe('ok');
    const sent = ofType(sim.events, 'alert_sent').filter((a) => a.description === 'close_notify');
    expect(sent.map((a) => a.side)).toEqual(['client', 'server']);
  });

  it('refuses connect on the server side and accept on the client side', () => {
    const sim = pairSim();
    expect(() => openSslLens(sim, 'server').connect()).toThrow(/client side/);
    expect(() => openSslLens(sim, 'client').accept()).toThrow(/server side/);
  });

  it('records every call as an app_call event', () => {
    const sim = pairSim({ greeting: 'hey' });
    const c = openSslLens(sim, 'client');
    c.connect();
    sim.run();
    c.connect(); // the library reads the server's flight now, inside SSL_connect, and sends the client's Finished
    sim.run();
    c.read(2);
    c.write(enc('abc'));
    expect(ofType(sim.events, 'app_call').map(({ call, result, bytes, lens, api, outcome }) => ({ call, result, bytes, lens, api, outcome }))).toEqual([
      { call: 'connect', result: 'want_read', bytes: undefined, lens: 'openssl', api: 'SSL_connect', outcome: '-1 SSL_ERROR_WANT_READ' },
      { call: 'connect', result: 'ok', bytes: undefined, lens: 'openssl', api: 'SSL_connect', outcome: '1' },
      { call: 'read', result: 'ok', bytes: 2, lens: 'openssl', api: 'SSL_read', outcome: '2' },
      { call: 'write', result: 'ok', bytes: 3, lens: 'openssl', api: 'SSL_write', outcome: '3' },
    ]);
    expect(ofType(sim.events, 'app_call').every((e) => e.side === 'client')).toBe(true);
  });
});

describe('OpenSSL lens, blocking', () => {
  it('connect drives the scheduler until the client has sent its Finished, and no further', () => {
    const sim = pairSim(CLIENT_AUTH);
    const c = openSslLens(sim, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(ofType(sim.events, 'delivered')).toHaveLength(2);
    expect(sim.server.state).toBe('WAIT_CERT');
  });

  it('read drives until the alert arrives and returns error(alert)', () => {
    const sim = pairSim({ ...CLIENT_AUTH, rejectClientCv: true });
    const c = openSslLens(sim, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(c.read(10)).toMatchObject({ result: 'error', alert: 'decrypt_error' });
  });

  it('read reports blocked when the server accepted and has nothing to say', () => {
    const sim = pairSim(CLIENT_AUTH);
    const c = openSslLens(sim, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(c.read(10).result).toBe('blocked');
    expect(sim.isQuiescent).toBe(true);
    expect(sim.server.state).toBe('CONNECTED');
    expect(ofType(sim.events, 'app_call').at(-1)).toMatchObject({ call: 'read', result: 'blocked' });
  });

  it("read drives until the server's application data arrives", () => {
    const sim = pairSim({ ...CLIENT_AUTH, greeting: 'ok!' });
    const c = openSslLens(sim, 'client', { blocking: true });
    const r = c.read(10);
    expect(r.result).toBe('ok');
    expect(dec(r.bytes)).toBe('ok!');
  });

  it('read of zero bytes waits like any read in blocking mode (libssl 3.0): until the alert, or blocked when nothing can come', () => {
    const rejected = pairSim({ ...CLIENT_AUTH, rejectClientCv: true });
    const c = openSslLens(rejected, 'client', { blocking: true });
    expect(c.connect().result).toBe('ok');
    expect(c.read(0)).toMatchObject({ result: 'error', alert: 'decrypt_error' });
    const silent = pairSim(CLIENT_AUTH);
    const d = openSslLens(silent, 'client', { blocking: true });
    expect(d.connect().result).toBe('ok');
    expect(d.read(0)).toMatchObject({ result: 'blocked', outcome: 'blocked' });
  });

  it('connect reports blocked when the ClientHello was dropped', () => {
    const sim = pairSim(CLIENT_AUTH, { faults: [{ kind: 'drop', at: { index: 0 } }] });
    expect(openSslLens(sim, 'client', { blocking: true }).connect().result).toBe('blocked');
  });
});

describe('OpenSSL lens, blocking, bounded', () => {
  it('throws a livelock error instead of answering when a blocking call exceeds its step bound', () => {
    // Both applications write back every byte they read, so the records ping-pong forever;
    // the server's echo takes each byte as it arrives, so its SSL_read never has data.
    const sim = pairSim({ echo: true });
    sim.run();
    sim.write('server', new Uint8Array([1]));
    const s = openSslLens(sim, 'server', { blocking: true, maxSteps: 20 });
    expect(() => s.read(10)).toThrow(/not quiescent after 20 steps/);
  });

  it('returns 0 from the first SSL_shutdown at once, even when blocking', () => {
    const sim = pairSim();
    sim.run();
    const s = openSslLens(sim, 'server', { blocking: true, maxSteps: 20 });
    expect(s.shutdown()).toMatchObject({ outcome: '0' });
    // At once: the close_notify is still on its way, nothing was delivered to wait for the peer's.
    expect(sim.inFlight('server_to_client')).toBeGreaterThan(0);
    expect(sim.server.closedForWriting).toBe(true);
  });
});

describe('every lens, every scenario', () => {
  it("runs each catalogue scenario through each lens, and the calls are worded in that library's API", async () => {
    await import('../src/scenarios/catalogue.js');
    const { LENS_NAMES, listScenarios, runScenario } = await import('../src/index.js');
    const apiOf: Record<string, RegExp> = {
      openssl: /^SSL_/,
      go: /^Conn\./,
      python: /^SSLSocket\./,
      gnutls: /^gnutls_/,
      rustls:
        /^(complete_io|Stream::read|Stream::write|send_close_notify|StoresClientSessions::put|peer_certificates|ClientConnection::early_data|ServerConnection::early_data)$/,
      node: /^'|^tls\.|^socket\.|^\(next event\)|^write callback|^\(no peek\)/,
    };
    const certCalls = { some: 0, none: 0 };
    for (const lens of LENS_NAMES) {
      for (const s of listScenarios()) {
        const t = runScenario(s.name, undefined, { lens });
        const calls = ofType(t.events, 'app_call');
        for (const c of calls) {
          expect(c.lens, `${s.name} through ${lens}`).toBe(lens);
          expect(c.api, `${s.name} through ${lens}`).toMatch(apiOf[lens]!);
          // A peer_cert call that answered gives the chain's length, and the library's word for it.
          if (c.call === 'peer_cert' && c.result === 'ok') {
            expect(c.certs, `${s.name} through ${lens}`).toBeTypeOf('number');
            expect(c.outcome, `${s.name} through ${lens}`).toBe(PEER_CERT_WORDS[lens].outcome(c.certs!));
            certCalls[c.certs! > 0 ? 'some' : 'none']++;
          }
        }
      }
    }
    // Both answers occur (post-handshake-auth asks before and after the certificate).
    expect(certCalls.some).toBeGreaterThan(0);
    expect(certCalls.none).toBeGreaterThan(0);
  });

  it("--lens go words client-cv-rejected in Go's words, and a first note says so", async () => {
    await import('../src/scenarios/catalogue.js');
    const { runScenario } = await import('../src/index.js');
    const t = runScenario('client-cv-rejected', undefined, { lens: 'go' });
    expect(t.events[0]).toMatchObject({ type: 'note' });
    expect((t.events[0] as { text: string }).text).toContain('go lens');
    expect(ofType(t.events, 'app_call').map((c) => `${c.api} → ${c.outcome}`)).toEqual([
      'Conn.Handshake → nil',
      'Conn.Write → 18, nil',
      'Conn.Read → 0, remote error: tls: error decrypting message',
    ]);
  });
});

describe('rustls lens (rustls 0.20.8, as test/differential/rustls.test.ts ran it)', () => {
  const seq = async (name: string): Promise<string[]> => {
    const { diffCase, runCaseThroughLens } = await import('../src/index.js');
    return runCaseThroughLens(diffCase(name), 'rustls').outcomes.map((o) => `${o.api} → ${o.outcome}`);
  };

  it('complete_io returns before the verdict; Stream::read surfaces AlertReceived inside InvalidData; writes still go', async () => {
    expect(await seq('write-after-alert')).toEqual([
      'complete_io → Ok',
      'Stream::write → Ok(4)',
      'Stream::read → Err(InvalidData: AlertReceived(DecryptError))',
      'Stream::write → Ok(4)',
    ]);
  });

  it('a non-blocking read reads the socket even for an empty buffer: WouldBlock before the alert, the alert after, sticky', async () => {
    expect(await seq('zero-read-nonblocking')).toEqual([
      'complete_io → Ok',
      'Stream::read → Err(WouldBlock)',
      'Stream::read → Err(InvalidData: AlertReceived(DecryptError))',
      'Stream::read → Err(InvalidData: AlertReceived(DecryptError))',
    ]);
  });

  it('a failed TLS 1.2 handshake: every later write and read returns its error', async () => {
    expect(await seq('tls12-cert-rejected')).toEqual([
      'complete_io → Err(InvalidData: AlertReceived(BadCertificate))',
      'Stream::write → Err(InvalidData: AlertReceived(BadCertificate))',
      'Stream::read → Err(InvalidData: AlertReceived(BadCertificate))',
    ]);
  });

  it('close_notify and a bare FIN both read as Ok(0); a FIN during the handshake is UnexpectedEof', async () => {
    expect((await seq('close-notify')).at(-1)).toBe('Stream::read → Ok(0)');
    expect((await seq('hangup-instead-of-alert')).slice(2)).toEqual(['Stream::read → Ok(0)', 'Stream::read → Ok(0)']);
    expect(await seq('hangup-before-server-hello')).toEqual(['complete_io → Err(UnexpectedEof)', 'Stream::read → Err(UnexpectedEof)']);
  });
});
