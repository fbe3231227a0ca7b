/**
 * `refuseCert` (HarnessInput): only the OpenSSL and GnuTLS harnesses can refuse a certificate
 * in a verification callback. The others must fail a run that asks for it rather than serve
 * without it, where a case would then pass for the wrong reason. Nothing here listens: each
 * run fails before it would.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessInput } from './harness.js';
import { runGo } from './go.js';
import { runNode } from './node.js';
import { pythonAvailable, runPython } from './python.js';
import { runRustls } from './rustls.js';

const INPUT: HarnessInput = {
  role: 'server',
  host: '127.0.0.1',
  port: 0,
  postHandshakeAuth: true,
  refuseCert: true,
  pha: false,
  waitMs: 10,
  blockMs: 10,
  script: [{ op: 'accept' }],
};

describe('a harness without refuseCert fails the run', () => {
  it.each([
    ['Go', runGo],
    ['Node', runNode],
    ['rustls', runRustls],
  ] as const)('%s', async (library, run) => {
    await expect(run(INPUT)).rejects.toThrow(`the ${library} harness cannot refuse a certificate`);
  });

  // Python's harness itself refuses: its ssl module has no verification callback.
  it.skipIf(pythonAvailable() !== null && !process.env.CI)('Python', async () => {
    await expect(runPython(INPUT)).rejects.toThrow('refuseCert needs a verification callback');
  });
});
