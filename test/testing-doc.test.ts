/** docs/testing.md quotes the examples it walks through verbatim (they run as tests in examples/). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');

describe('docs/testing.md', () => {
  const quoted = [...doc.matchAll(/<!-- example:([\w.-]+) -->\n```ts\n([\s\S]*?)\n```\n<!-- \/example -->/g)];

  it('quotes the unit test, the property module and test, the exploration and its test, and a scenario spec', () => {
    expect(quoted.map((m) => m[1])).toEqual([
      'first-unit-test.test.ts',
      'cv-property.ts',
      'property-test.test.ts',
      'exploration.ts',
      'exploration.test.ts',
      'scenario-spec.ts',
    ]);
  });

  it.each(quoted.map((m) => [m[1]!, m[2]!]))('quotes examples/%s as it is', (name, body) => {
    expect(body).toBe(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8').trimEnd());
  });

  it('has no TypeScript block that is not a quoted example', () => {
    expect(doc.match(/```ts\n/g)?.length).toBe(quoted.length);
  });

  it('the scenario spec example gives what the page says', async () => {
    const m = await import('../examples/scenario-spec.js');
    expect(m.same).toBe(true);
    expect(m.alerts).toBe(0);
  });
});
