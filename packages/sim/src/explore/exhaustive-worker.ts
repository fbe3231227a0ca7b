/** A worker thread of `explore --exhaustive --workers N` (parallel.ts): explores the units it claims, job after job. */
import { parentPort } from 'node:worker_threads';
import { runWorkerJob, type WorkerJob, type WorkerReply } from './parallel.js';

parentPort!.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  const t0 = performance.now();
  try {
    reply = { ok: true, results: runWorkerJob(job), ms: performance.now() - t0 };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  parentPort!.postMessage(reply);
});
