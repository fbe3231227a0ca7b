import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Before '@tls13sim/sim', which would match it as a prefix.
      '@tls13sim/sim/browser': fileURLToPath(new URL('./packages/sim/src/browser.ts', import.meta.url)),
      '@tls13sim/record': src('record'),
      '@tls13sim/handshake': src('handshake'),
      // Before '@tls13sim/sim', which would also match it as a prefix.
      '@tls13sim/sim/vitest': fileURLToPath(new URL('./packages/sim/src/vitest.ts', import.meta.url)),
      '@tls13sim/sim': src('sim'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // .ci/run reads the counts back from a JSON report (pnpm 12 keeps `--reporter` for itself).
    ...(process.env.TLS13SIM_JSON_REPORT ? { reporters: ['default', 'json'], outputFile: { json: process.env.TLS13SIM_JSON_REPORT } } : {}),
    testTimeout: 30_000,
  },
});
