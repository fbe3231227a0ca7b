/**
 * Issue 18 item 4: the built stepper (`pnpm web:build`) in real Chromium (Debian's
 * `chromium`, driven by playwright-core through `executablePath`; nothing is downloaded).
 * The site is built into a temporary directory and served from 127.0.0.1.
 *
 * Without chromium the tests skip, except under CI (`process.env.CI`, set by .ci/run, which
 * installs it), where a missing browser fails them.
 *
 * TLS13SIM_SCREENSHOT_DIR=docs/img (`pnpm web:screenshots`) also writes the README's
 * screenshot of the stepper there.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLive } from '../src/live.js';
import { Run, scenarioNames } from '../src/model.js';

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path !== '') return path;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

const executablePath = findChromium();
if (executablePath === undefined && process.env.CI) {
  throw new Error('chromium is not installed (CI: .ci/run installs it with apt-get install -y chromium)');
}

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const screenshotDir = process.env.TLS13SIM_SCREENSHOT_DIR;

describe.skipIf(executablePath === undefined)('stepper in Chromium', () => {
  let out: string;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'tls13sim-web-'));
    await build({ configFile: join(webRoot, 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(out, path === '/' ? 'index.html' : path);
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server === undefined ? ok() : server.close(() => ok())));
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  /** A page that records console errors and uncaught exceptions. */
  async function open(hash = ''): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + hash);
    await page.waitForSelector('body[data-ready="true"]');
    return { page, errors };
  }

  const step = (page: Page) => page.evaluate(() => Number(document.body.dataset.step));
  const attr = (page: Page, sel: string, name: string) => page.getAttribute(sel, name);

  /** Distinct colours of a PNG, counted by Chromium itself (a canvas). */
  async function distinctColours(page: Page, png: Buffer): Promise<number> {
    return page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return seen.size;
    }, png.toString('base64'));
  }

  it('client-cv-rejected, stepped with the keyboard: connect() returns ok, the alert is sent, arrives unread, and only then does the client know', async () => {
    // Where the events fall, from the same trace the page runs (Node side).
    const run = Run.of('client-cv-rejected', 1, 'openssl');
    const stepOf = (pred: (e: (typeof run.units)[number][number]) => boolean) => run.units.findIndex((u) => u.some(pred));
    const connectOk = stepOf((e) => e.type === 'app_call' && e.side === 'client' && e.call === 'connect' && e.result === 'ok');
    const alertSent = stepOf((e) => e.type === 'alert_sent' && e.side === 'server');
    const alertArrives = stepOf((e) => e.type === 'delivered' && e.direction === 'server_to_client' && e.bytes === 24);
    const rejected = stepOf((e) => e.type === 'peer_verdict' && e.side === 'client' && e.verdict === 'rejected');
    expect([connectOk, alertSent, alertArrives, rejected, run.last]).toEqual([4, 5, 7, 8, 8]);

    const { page, errors } = await open();
    const forward = async (to: number, key = 'ArrowRight') => {
      while ((await step(page)) < to) await page.keyboard.press(key);
      expect(await step(page)).toBe(to);
    };
    expect(await step(page)).toBe(0);
    expect(await attr(page, '#side-client', 'data-state')).toBe('WAIT_SH');
    expect(await page.textContent('#side-client .states li.current')).toBe('WAIT_SH');
    expect(await attr(page, '#side-server', 'data-state')).toBe('START');

    await page.keyboard.press('ArrowRight'); // 1: the ClientHello arrives; the server's flight leaves
    expect(await step(page)).toBe(1);
    expect(await attr(page, '#side-server', 'data-state')).toBe('WAIT_CERT');

    await forward(connectOk); // the client completes and connect() returns ok
    expect(await attr(page, '#side-client', 'data-state')).toBe('CONNECTED');
    expect(await page.textContent('#side-client .calls')).toContain('SSL_connect → 1');
    expect(await attr(page, '#side-client', 'data-knows')).toBe('unknown');
    expect(await page.textContent('#side-client .ledger .truth')).toContain('unknown');

    await forward(alertSent, 'n'); // the server rejects the CertificateVerify: decrypt_error under application keys
    expect(await page.textContent('#current')).toContain('sends alert fatal decrypt_error under application keys');
    const alertRow = page.locator('table.records tr.new[data-inner="alert"]');
    expect(await alertRow.getAttribute('data-outer')).toBe('application_data');
    expect(await alertRow.getAttribute('data-epoch')).toBe('application');
    // Decrypted in the page with the keylog secret of the key it was sent under, its fields over its bytes.
    await alertRow.locator('summary').click();
    // (Short timeouts: a missing element fails here, in seconds, not at the test's limit.)
    expect(await alertRow.locator('.decoded-key').textContent({ timeout: 2000 })).toContain('decrypted with SERVER_TRAFFIC_SECRET_0 (application keys');
    const description = alertRow.locator('li[data-path="Alert › description"]');
    expect(await description.textContent({ timeout: 2000 })).toBe('description: decrypt_error (51)');
    await description.hover({ timeout: 2000 });
    expect(await alertRow.locator('.pt .b.hl').allTextContents()).toEqual(['33']);
    expect(await attr(page, '#side-server', 'data-state')).toBe('CLOSED');
    // The client has not heard: it still knows nothing, while the truth is already rejected.
    expect(await attr(page, '#side-client', 'data-knows')).toBe('unknown');
    expect(await page.textContent('#side-client .ledger .truth')).toContain('rejected (decrypt_error)');

    await forward(alertArrives); // in the client's socket, unread: OpenSSL reads only inside its calls
    expect(await attr(page, '#side-client', 'data-knows')).toBe('unknown');
    expect(await attr(page, '#side-client', 'data-state')).toBe('CONNECTED');
    expect(await page.textContent('#side-client')).toContain('24 B arrived, not yet read by its library');

    await forward(rejected); // SSL_read makes libssl read it
    expect(await attr(page, '#side-client', 'data-knows')).toBe('rejected');
    expect(await page.textContent('#side-client .ledger .knows')).toContain('rejected (decrypt_error)');
    expect(await attr(page, '#side-client .ledger .knows [data-basis]', 'data-basis')).toBe('knows');
    expect(await attr(page, '#side-client', 'data-state')).toBe('CLOSED');
    expect(await page.textContent('#side-client .calls')).toContain('SSL_read → 0 SSL_ERROR_SSL');
    expect(await page.locator('#timeline svg').count()).toBe(1);

    await page.keyboard.press('ArrowRight'); // past the end: stays
    expect(await step(page)).toBe(run.last);

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(await distinctColours(page, png)).toBeGreaterThan(50);
    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      writeFileSync(join(screenshotDir, 'stepper-client-cv-rejected.png'), await page.screenshot({ fullPage: false }));
    }

    await page.keyboard.press('ArrowLeft'); // back one: the alert is unread again, the client knows nothing
    expect(await step(page)).toBe(alertArrives);
    expect(await attr(page, '#side-client', 'data-knows')).toBe('unknown');
    expect(await attr(page, '#side-client', 'data-state')).toBe('CONNECTED');
    await page.keyboard.press('p');
    expect(await step(page)).toBe(alertArrives - 1);
    await page.keyboard.press('Home');
    expect(await step(page)).toBe(0);
    await page.keyboard.press('End');
    expect(await step(page)).toBe(run.last);

    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('a permalink opens the exact moment (scenario, seed, lens, step), and the page keeps its own up to date', async () => {
    // Node's library reads its socket as bytes arrive: fewer steps than OpenSSL's.
    const last = Run.of('client-cv-rejected', 1, 'node').last;
    expect(last).toBe(5);
    const { page, errors } = await open(`#scenario=client-cv-rejected&seed=1&lens=node&step=${last}`);
    expect(await step(page)).toBe(last);
    expect(await page.inputValue('#lens')).toBe('node');
    expect(await page.textContent('#side-client')).toContain('through the node lens');
    expect(await attr(page, '#side-client', 'data-knows')).toBe('rejected');

    await page.keyboard.press('ArrowLeft');
    const href = await attr(page, '#permalink', 'href');
    expect(href).toBe(`#scenario=client-cv-rejected&seed=1&lens=node&step=${last - 1}`);
    expect(await page.evaluate(() => location.hash)).toBe(href);

    // Following a link in the same page (hashchange) and in a fresh one.
    await page.evaluate(() => {
      location.hash = '#scenario=key-update&seed=1&lens=openssl&step=2';
    });
    await page.waitForFunction(() => document.body.dataset.scenario === 'key-update');
    expect(await step(page)).toBe(2);
    expect(await page.inputValue('#scenario')).toBe('key-update');

    const other = await open(href!);
    expect(await step(other.page)).toBe(last - 1);
    expect(await attr(other.page, '#side-client', 'data-knows')).toBe('unknown');

    // A bad link says what is wrong in one line and shows the default.
    const bad = await open('#scenario=no-such&step=x');
    expect(await bad.page.textContent('#problems')).toBe("permalink: unknown scenario 'no-such'; bad step 'x' (a whole number 0…1000000)");
    expect(await step(bad.page)).toBe(0);

    expect([...errors, ...other.errors, ...bad.errors]).toEqual([]);
    await Promise.all([page.close(), other.page.close(), bad.page.close()]);
  }, 30_000);

  it('choose deliveries: a split, a corrupted byte, back, and the permalink that replays the choices', async () => {
    const { page, errors } = await open('#scenario=client-cv-rejected&seed=1&lens=openssl&choices=&step=0');
    expect(await page.isVisible('#next')).toBe(true);
    expect(await page.isChecked('#choose')).toBe(true);
    await page.keyboard.press('ArrowRight'); // the default: the ClientHello's flight
    expect(await step(page)).toBe(1);
    expect(await attr(page, '#side-server', 'data-state')).toBe('WAIT_CERT');

    await page.click('#queues button[data-dir="server_to_client"][data-kind="record"]'); // the ServerHello alone
    expect(await step(page)).toBe(2);
    expect(await attr(page, '#side-client', 'data-state')).toBe('WAIT_EE');

    // The form follows what is queued: the rest of the server's flight.
    expect(await page.inputValue('#dir')).toBe('server_to_client');
    expect(Number(await page.inputValue('#take'))).toBeGreaterThan(400);
    await page.selectOption('#fault', 'corrupt');
    await page.fill('#fault-arg', '10');
    await page.click('#deliver'); // the rest of the flight, byte 10 flipped: the AEAD tag fails
    expect(await step(page)).toBe(3);
    expect(await page.textContent('#current')).toContain('sends alert fatal bad_record_mac');
    expect(await attr(page, '#side-client', 'data-state')).toBe('CLOSED');
    const href = await attr(page, '#permalink', 'href');
    expect(href).toMatch(/^#scenario=client-cv-rejected&seed=1&lens=openssl&choices=c\d+\.s\d+\.s\d+x10&step=3$/);

    // A choice that cannot be made is refused in one line.
    await page.selectOption('#dir', 'server_to_client');
    await page.selectOption('#fault', '');
    await page.click('#deliver');
    expect(await page.textContent('#problems')).toBe('nothing is queued server → client');
    expect(await step(page)).toBe(3);

    await page.keyboard.press('ArrowLeft');
    expect(await step(page)).toBe(2);
    expect(await attr(page, '#side-client', 'data-state')).toBe('WAIT_EE');

    const other = await open(href!);
    expect(await step(other.page)).toBe(3);
    expect(await attr(other.page, '#side-client', 'data-state')).toBe('CLOSED');

    // Scenarios that cannot be set up unrun are replay-only.
    await page.selectOption('#scenario', 'key-update');
    await page.waitForFunction(() => document.body.dataset.scenario === 'key-update');
    expect(await page.isDisabled('#choose')).toBe(true);
    expect(await page.isVisible('#next')).toBe(false);

    expect([...errors, ...other.errors]).toEqual([]);
    await Promise.all([page.close(), other.page.close()]);
  }, 30_000);

  it('the built site is one file that opens from file:// (no module script, nothing else to fetch)', async () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/type="module"|<script[^>]+src=|<link[^>]+stylesheet/);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${join(out, 'index.html')}#scenario=hello-retry&seed=1&lens=go&step=1`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await step(page)).toBe(1);
    expect(await page.inputValue('#scenario')).toBe('hello-retry');
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('every catalogue scenario steps to its end with no console error', async () => {
    const { page, errors } = await open();
    const names = scenarioNames();
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      await page.selectOption('#scenario', name);
      await page.waitForFunction((n) => document.body.dataset.scenario === n, name);
      await page.locator('#forward').focus();
      const last = Number(await page.evaluate(() => document.body.dataset.last));
      for (let k = 1; k <= last; k++) await page.keyboard.press('ArrowRight');
      expect({ name, step: await step(page) }).toEqual({ name, step: last });
      expect(await page.locator('#timeline svg').count()).toBe(1);
      expect(await page.locator('.states li.current').count()).toBe(2);
      if (hasLive(name)) {
        await page.check('#choose');
        await page.locator('#forward').focus();
        await page.keyboard.press('End'); // default deliveries until nothing is in flight
        expect({ name, over: await page.textContent('#queues') }).toEqual({ name, over: expect.stringContaining('the run is over') });
        await page.uncheck('#choose');
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
