/**
 * Health checks in headless Chromium against the real dwi and the private engine: the list,
 * the project page and the container's header show each container's verdict, and follow it
 * live; accessibility and screenshots in every look.
 */
import { spawnSync } from 'node:child_process';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { dockerCli, HEALTHY_WHILE_OK, runShell } from '../support/engine.js';
import { LOOKS, rowWith, screenshotAndAudit, WebApp } from '../support/web-session.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
/** Every container here starts with this, so the filter shows ours alone (the engine is shared). */
const prefix = `e2eh${Math.random().toString(36).slice(2, 6)}`;
const project = `${prefix}-shop`;
const API = `${project}-api-1`;
const WEB = `${project}-web-1`;
/** No health check: no badge. */
const CACHE = `${project}-cache-1`;
const made = [API, WEB, CACHE];

const labels = (service: string) => [
  '--label',
  `com.docker.compose.project=${project}`,
  '--label',
  `com.docker.compose.service=${service}`,
];

let app: WebApp;

beforeAll(async () => {
  for (const [name, service] of [
    [API, 'api'],
    [WEB, 'web'],
  ] as const)
    runShell(engine, name, 'echo ok > /ok; sleep 600', [...HEALTHY_WHILE_OK, ...labels(service)]);
  runShell(engine, CACHE, 'sleep 600', labels('cache'));
  app = await WebApp.start();
});

afterAll(() => {
  spawnSync('docker', ['-H', engine.host, 'rm', '-f', ...made]);
});

/** The badge of a row, by what it says to everyone: its words, read out with "health check". */
const badge = (row: Locator) => row.getByTitle(/^Health check: /);

/** Evaluated in the page (this file is typed without the DOM); no closure travels there. */
type Styled = { getComputedStyle: (element: unknown) => { color: string } };
const colorOf = (element: unknown) =>
  (globalThis as unknown as Styled).getComputedStyle(element).color;

async function listOfOurs(page: Page): Promise<void> {
  await page.goto(app.base);
  await page.getByRole('heading', { name: 'Containers' }).waitFor();
  await page.getByLabel('Filter containers').fill(prefix);
}

it('shows healthy, then unhealthy in the danger colour, without a reload', async () => {
  const { context, page, errors } = await app.open();
  await listOfOurs(page);
  await expect
    .poll(() => rowWith(page, API).textContent(), { timeout: 15_000 })
    .toContain('running health check: healthy');
  await expect.poll(() => badge(rowWith(page, WEB)).textContent()).toBe(' health check: healthy');
  await rowWith(page, CACHE).getByText('running').waitFor();
  expect(await badge(rowWith(page, CACHE)).count()).toBe(0);

  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  docker('exec', API, 'busybox', 'rm', '/ok');
  await expect
    .poll(() => badge(rowWith(page, API)).textContent(), { timeout: 15_000 })
    .toBe(' health check: unhealthy');
  expect(navigations).toEqual([]);
  // The words carry it; the colour repeats them: light's danger red.
  expect(await badge(rowWith(page, API)).evaluate(colorOf)).toBe('rgb(196, 35, 45)');
  expect(await badge(rowWith(page, WEB)).textContent()).toBe(' health check: healthy');
  expect(errors).toEqual([]);
  await context.close();
});

it('shows the verdict on the project page and in the container header too', async () => {
  const { context, page, errors } = await app.open();
  await page.goto(`${app.base}/projects/${project}`);
  await expect
    .poll(() => badge(rowWith(page, API)).textContent(), { timeout: 15_000 })
    .toBe(' health check: unhealthy');
  expect(await badge(rowWith(page, WEB)).textContent()).toBe(' health check: healthy');
  await page.goto(`${app.base}/containers/${WEB}`);
  await page.getByRole('heading', { name: WEB }).waitFor();
  await badge(page.locator('main')).first().waitFor();
  await screenshot(page, 'health-container-light');
  expect(errors).toEqual([]);
  await context.close();
});

it.each(LOOKS)(
  'has no serious accessibility violations: %s (with screenshots)',
  async (label, look) => {
    const { context, page, errors } = await app.open(look);
    await listOfOurs(page);
    await badge(rowWith(page, API)).waitFor();
    await badge(rowWith(page, WEB)).waitFor();
    await screenshotAndAudit(page, `health-containers-${label}`);
    expect(errors).toEqual([]);
    await context.close();
  },
);
