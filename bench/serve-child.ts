/**
 * Run by flood.ts as a child (`node --expose-gc --import tsx bench/serve-child.ts <serve
 * arguments>`, with an IPC channel): `tls13sim serve` as the CLI starts it (startServe), so
 * the process's RSS is serve's alone. It sends `{ port }` once listening and answers
 * `{ type: 'mem', gc }` with its memory (after three forced GCs when `gc` is true) and how
 * many connections are open and connected; `{ type: 'exit' }` ends it.
 */
import { startServe } from '../packages/sim/src/cli/serve.js';

export interface ServeChildMemory {
  readonly rss: number;
  /** V8 heap + external (ArrayBuffer) memory. */
  readonly heap: number;
  readonly open: number;
  /** Open connections whose handshake completed. */
  readonly connected: number;
}

const args = process.argv.slice(2);
const quiet = { stdout: () => {}, stderr: () => {}, writeFile: () => {} };
const handle = await startServe(args, quiet);

process.on('message', (m: { type: string; gc?: boolean }) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type !== 'mem') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (m.gc === true && gc !== undefined) for (let i = 0; i < 3; i++) gc();
  const u = process.memoryUsage();
  let connected = 0;
  for (const c of handle.server.connections) if (c.connectedAt !== undefined) connected++;
  const reply: ServeChildMemory = { rss: u.rss, heap: u.heapUsed + u.external, open: handle.server.stats.open, connected };
  process.send?.(reply);
});
process.send?.({ port: handle.port });
