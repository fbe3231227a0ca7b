/** docs/testing.md quotes the examples it walks through verbatim (they run as tests in examples/). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');

describe('docs/testing.md', () => {
  const quoted = [...doc.matchAll(/<!-- example:([\w.-]+) -->\n```ts\n([\s\S]*?)\n```\n<!-- \/example -->/g)];

  it('quotes the unit test, the property module and the property test', () => {
    expect(quoted.map((m) => m[1])).toEqual(['first-unit-test.test.ts', 'cv-property.ts', 'property-test.test.ts']);
  });

  it.each(quoted.map((m) => [m[1]!, m[2]!]))('quotes examples/%s as it is', (name, body) => {
    expect(body).toBe(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd());
  });
});
