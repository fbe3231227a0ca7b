import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('examples/ssl-connect-question.ts', () => {
  it("connects and writes with success, then reads the server's rejection", async () => {
    const { results } = await import('../examples/ssl-connect-question.js');
    expect(results.connect.result).toBe('ok');
    expect(results.write.result).toBe('ok');
    expect(results.read).toMatchObject({ result: 'error', alert: 'access_denied', api: 'SSL_read', outcome: '0 SSL_ERROR_SSL: tlsv1 alert access denied' });
    expect(results.verdict).toMatchObject({ verdict: 'rejected' });
  });

  it('is quoted verbatim in the README', () => {
    const example = readFileSync(new URL('../examples/ssl-connect-question.ts', import.meta.url), 'utf8').trim();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(example);
  });
});
