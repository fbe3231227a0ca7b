/**
 * A lens is called verified (LENS_VERIFIED, `tls13sim list`, docs/lenses.md) only if a
 * differential test in this folder compares it with its real library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LENS_NAMES } from '../../packages/sim/src/lens/lens.js';
import { LENS_VERIFIED } from '../../packages/sim/src/lens/registry.js';

describe('verified lenses', () => {
  for (const lens of LENS_NAMES) {
    it(`${lens}: ${LENS_VERIFIED[lens] ? 'has' : 'has no'} differential test comparing it with the real library`, () => {
      const file = new URL(`./${lens}.test.ts`, import.meta.url);
      const compares = existsSync(file) && readFileSync(file, 'utf8').includes(`lensOutcomes('${lens}', c)`);
      expect(compares).toBe(LENS_VERIFIED[lens]);
    });
  }
});
