/**
 * `pnpm explore …` — the same as `tls13sim explore …` (packages/sim/src/cli/explore.ts,
 * where the code lives now): kept so the documented `pnpm explore` still works.
 */
import { runCli } from '../packages/sim/src/cli/main.js';

runCli(['explore', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
