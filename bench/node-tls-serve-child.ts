/**
 * Run by load.ts as a child (`node --expose-gc --import tsx bench/node-tls-serve-child.ts
 * --port 0 --host H --cert F --key F`, with an IPC channel): Node's own `tls.createServer`
 * (OpenSSL), TLS 1.3 only, with the certificate serve is given, so that the process's RSS is
 * that server's alone. It speaks serve-child.ts's protocol: sends `{ port }` once listening,
 * answers `{ type: 'mem', gc }` with a ServeChildMemory, and `{ type: 'exit' }` ends it.
 * Connections are accepted and left idle (what a client sends is read and dropped).
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { ServeChildMemory } from './serve-child.js';

const args = process.argv.slice(2);
function arg(name: string): string {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : undefined;
  if (v === undefined) throw new Error(`node-tls-serve-child: --${name} is required`);
  return v;
}

const open = new Set<tls.TLSSocket>();
let connected = 0;
// BENCH_SUITE (fixtures.ts; not imported: this child loads nothing of ours), as serve negotiates
// with our client: left alone, OpenSSL picks TLS_AES_256_GCM_SHA384.
const options = {
  cert: readFileSync(arg('cert')),
  key: readFileSync(arg('key')),
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_128_GCM_SHA256',
} as const;
const server = tls.createServer(options, (socket) => {
  connected++;
  open.add(socket);
  socket.on('data', () => {});
  socket.on('error', () => {}); // a client that destroys its socket: expected under load
  socket.on('close', () => {
    open.delete(socket);
    connected--;
  });
});
server.on('tlsClientError', () => {});

process.on('message', (m: { type: string; gc?: boolean }) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type !== 'mem') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (m.gc === true && gc !== undefined) for (let i = 0; i < 3; i++) gc();
  const u = process.memoryUsage();
  server.getConnections((_e, count) => {
    const reply: ServeChildMemory = { rss: u.rss, heap: u.heapUsed + u.external, open: count, connected };
    process.send?.(reply);
  });
});
server.listen(Number(arg('port')), arg('host'), () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('node-tls-serve-child: no TCP address');
  process.send?.({ port: addr.port });
});
