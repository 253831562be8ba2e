/**
 * The first run without an engine, in headless Chromium: dwi points at a socket that is not
 * there yet, and the page says so in full (the address, what failed, what to do) instead of an
 * empty list; when the engine appears at that path, the page goes away by itself and the
 * container list shows. Screenshots in light, dark and at 390 px.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  watchForErrors,
} from '../support/browser.js';
import { Dwi, TEST_ADMIN_PASSWORD } from '../support/dwi.js';
import { dockerCli, TEST_IMAGE } from '../support/engine.js';
import { freePort, request } from '../support/http.js';

const CONTAINER = 'e2e-engine-back';
const dir = mkdtempSync(join(tmpdir(), 'dwi-e2e-no-engine-'));
const socket = join(dir, 'run', 'docker.sock');
const runEngine = { host: inject('dockerHost') };

let dwi: Dwi;
let base: string;
let browser: Browser;
let cookie: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DOCKER_HOST: `unix://${socket}` },
    waitPath: '/api/health',
  });
  const login = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  cookie = /dwi_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
  if (login.status !== 200 || cookie === '') throw new Error(`login failed: ${login.body}`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dwi?.stop();
  dockerCli(runEngine, ['rm', '-f', CONTAINER]);
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' }) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  await context.addCookies([
    { name: 'dwi_session', value: cookie, url: base, httpOnly: true, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  return { context, page, errors: watchForErrors(page) };
}

const unavailable = (page: Page) =>
  page.getByRole('heading', { name: 'The Docker engine is unavailable' });

describe('the web app without an engine', () => {
  it.each([
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['390-light', { width: 390, height: 844, colorScheme: 'light' }],
  ] as const)(
    'shows the address, what failed and what to do, in full: %s',
    async (label, options) => {
      const { context, page, errors } = await open(options);
      await page.goto(`${base}/`);
      await unavailable(page).waitFor();
      const card = page.getByRole('region', { name: 'The Docker engine is unavailable' });
      const text = await card.innerText();
      expect(text).toContain(`unix://${socket}`);
      expect(text).toContain(
        `Cannot reach the Docker engine's socket ${socket}: it does not exist (ENOENT).`,
      );
      const steps = await card.getByRole('listitem').allInnerTexts();
      expect(steps).toHaveLength(3);
      expect(steps[0]).toContain('systemctl start docker');
      expect(steps[2]).toContain('--docker-host');
      expect(steps[2]).toContain('DOCKER_HOST');
      // Not an empty list: the container page is not what is shown.
      expect(await page.getByRole('heading', { name: 'Containers' }).isVisible()).toBe(false);
      await screenshot(page, `engine-unavailable-${label}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it('goes away by itself once the engine answers at that address', async () => {
    const { context, page, errors } = await open({});
    await page.goto(`${base}/`);
    await unavailable(page).waitFor();
    dockerCli(runEngine, ['run', '-d', '--init', '--name', CONTAINER, TEST_IMAGE, 'sleep', '600']);
    mkdirSync(join(dir, 'run'));
    symlinkSync(new URL(runEngine.host).pathname, socket);
    // dwi retries within 5 s, the page asks every 3 s.
    await page.getByRole('heading', { name: 'Containers' }).waitFor({ timeout: 20_000 });
    await page.getByRole('row').filter({ hasText: CONTAINER }).waitFor();
    expect(await unavailable(page).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
