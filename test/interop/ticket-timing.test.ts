/**
 * The ledger's NewSessionTicket rules (docs/fidelity.md "The ledger"), held against real
 * servers. Our client *knows* it was accepted when a NewSessionTicket follows a
 * CertificateRequest, because RFC 8446 §4.6.1 lets a server send one only "after the server
 * has received the client Finished"; it only *presumes* so when the server asked for no
 * certificate, because §4.6.1 also lets such a server send its tickets "immediately upon
 * sending its Finished". Whether real servers behave so is a fact about them, so each test
 * holds our client's second flight (Certificate, CertificateVerify, Finished) back in a
 * wire tap, reads what the server sends meanwhile, then lets the flight through.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderConnectionKeylog } from '../../packages/sim/src/net/index.js';
import {
  HOST,
  afterAllCleanups,
  buildGoProgram,
  clientConfig,
  gnutlsServer,
  handshakeTypes,
  makePki,
  opensslServer,
  openTapped,
  ourClient,
  run,
  wireTap,
  type Pki,
} from './helpers.js';

let pki: Pki;
const cleanups = afterAllCleanups();

beforeAll(() => {
  pki = makePki(['p256']);
});

/** How long the flight is held: ample for a server on loopback to send what it would send. */
const HOLD_MS = 400;
const NEW_SESSION_TICKET = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timing {
  /** NewSessionTickets the server sent while it had only our ClientHello. */
  readonly beforeOurFinished: number;
  /** All it sent by the end (so a server that sends none cannot pass for one that waits). */
  readonly total: number;
  /** Our ledger's last verdict on the server's judgement: its basis. */
  readonly basis: string | undefined;
}

/**
 * Our client through a holding tap to `port`: the handshake completes on our side (its
 * Finished sits in the tap), the tap holds HOLD_MS, then lets the flight through and waits
 * until the server's tickets (if any) have come; a read makes our endpoint process them.
 */
async function ticketTiming(port: number, clientCert: boolean): Promise<Timing> {
  const tap = await wireTap(port, { holdAfterClientHello: true });
  cleanups.push(() => tap.close());
  const conn = await ourClient(tap.port, clientConfig(pki, clientCert ? { certificate: pki.client.certified } : {}));
  cleanups.push(() => void conn.destroy());
  await conn.handshake();
  await sleep(HOLD_MS);
  const suite = conn.negotiated!.suite.name;
  const keylog = renderConnectionKeylog(conn.toTrace());
  const tickets = () => handshakeTypes(openTapped(tap, 's2c', suite, keylog)).filter((t) => t === NEW_SESSION_TICKET).length;
  const beforeOurFinished = tickets();
  tap.release();
  for (let i = 0; i < 40 && tickets() === beforeOurFinished; i++) await sleep(50);
  await sleep(100);
  conn.tryRead();
  const verdicts = conn.events.filter((e) => e.type === 'peer_verdict' && e.side === 'client');
  const last = verdicts.at(-1);
  return { beforeOurFinished, total: tickets(), basis: last?.type === 'peer_verdict' ? last.basis : undefined };
}

type Start = (clientAuth: boolean) => Promise<number>;

const SERVERS: [string, boolean, Start][] = [
  [
    'openssl s_server',
    true,
    async (clientAuth) => {
      const s = await opensslServer([
        '-cert',
        pki.server.p256.certPath,
        '-key',
        pki.server.p256.keyPath,
        ...(clientAuth ? ['-Verify', '1', '-verify_return_error', '-CAfile', pki.caPath] : []),
      ]);
      cleanups.push(() => s.kill());
      return s.port;
    },
  ],
  [
    "Node's tls server",
    true,
    async (clientAuth) => {
      const server = tls.createServer(
        {
          key: readFileSync(pki.server.p256.keyPath),
          cert: readFileSync(pki.server.p256.certPath),
          minVersion: 'TLSv1.3',
          ...(clientAuth ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPath) } : {}),
        },
        (socket) => socket.on('error', () => {}),
      );
      await new Promise<void>((r) => server.listen(0, HOST, r));
      cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
      return (server.address() as AddressInfo).port;
    },
  ],
  [
    'gnutls-serv',
    spawnSync('gnutls-serv', ['--version']).status === 0,
    async (clientAuth) => {
      const s = await gnutlsServer([
        '--x509certfile',
        pki.server.p256.certPath,
        '--x509keyfile',
        pki.server.p256.keyPath,
        ...(clientAuth ? ['--require-client-cert', '--verify-client-cert', '--x509cafile', pki.caPath] : []),
      ]);
      cleanups.push(() => s.kill());
      return s.port;
    },
  ],
  [
    "Go's crypto/tls server",
    spawnSync('go', ['version']).status === 0,
    async (clientAuth) => {
      const bin = buildGoProgram('ticket-timing-server', GO_SERVER);
      const s = run(bin, [pki.server.p256.certPath, pki.server.p256.keyPath, clientAuth ? pki.caPath : '']);
      cleanups.push(() => s.kill());
      return Number((await s.waitFor(/listening on (\d+)/))[1]);
    },
  ],
];

describe.concurrent('NewSessionTicket timing of real servers (the ledger: knows / presumes)', () => {
  for (const [name, available, start] of SERVERS) {
    it.skipIf(!available)(`${name}, requiring a client certificate: no ticket before our Finished has arrived; our client knows`, async () => {
      const t = await ticketTiming(await start(true), true);
      expect(t.total).toBeGreaterThan(0);
      expect(t.beforeOurFinished).toBe(0);
      expect(t.basis).toBe('knows');
    });
  }

  // Without a CertificateRequest there is no verdict on a certificate; what is checked is
  // which servers send tickets before the client's Finished (the reason the rule presumes).
  it.skipIf(!SERVERS[3]![1])("Go's crypto/tls server, no client certificate asked: its ticket goes with its first flight, before our Finished", async () => {
    const t = await ticketTiming(await SERVERS[3]![2](false), false);
    expect(t.total).toBeGreaterThan(0);
    expect(t.beforeOurFinished).toBe(t.total);
    expect(t.basis).toBe('presumes');
  });

  for (const [name, available, start] of SERVERS.slice(0, 3)) {
    it.skipIf(!available)(`${name}, no client certificate asked: its tickets still wait for our Finished`, async () => {
      const t = await ticketTiming(await start(false), false);
      expect(t.total).toBeGreaterThan(0);
      expect(t.beforeOurFinished).toBe(0);
    });
  }
});

/** A TLS 1.3 server: args cert key [clientCA]; prints "listening on <port>", serves until killed. */
const GO_SERVER = `package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	pair, err := tls.LoadX509KeyPair(os.Args[1], os.Args[2])
	if err != nil {
		fail(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS13}
	if os.Args[3] != "" {
		pem, err := os.ReadFile(os.Args[3])
		if err != nil {
			fail(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		fail(err)
	}
	fmt.Printf("listening on %d\\n", ln.Addr().(*net.TCPAddr).Port)
	for {
		c, err := ln.Accept()
		if err != nil {
			fail(err)
		}
		go func() {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c)
		}()
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`;
