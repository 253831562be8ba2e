/**
 * The project page in headless Chromium against the real dwi (authentication on) and the
 * private engine: a compose-labelled project of two containers, both listed with links and
 * actions, and their logs merged in time order, each line tagged with its container, live;
 * reached from the palette and from the list's group header; accessibility and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  watchForErrors,
} from '../support/browser.js';
import { Dwi, seededDataDir, TEST_ADMIN_PASSWORD } from '../support/dwi.js';
import { dockerCli, runShell } from '../support/engine.js';
import { freePort, request } from '../support/http.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 6);
const PROJECT = `e2eshop${suffix}`;
const WEB = `${PROJECT}-web-1`;
const DB = `${PROJECT}-db-1`;
/** A one-off service that ran and exited before the page opened. */
const MIGRATE = `${PROJECT}-migrate-1`;
const labels = (service: string) => [
  '--label',
  `com.docker.compose.project=${PROJECT}`,
  '--label',
  `com.docker.compose.service=${service}`,
];

let dwi: Dwi;
let base: string;
let browser: Browser;
let cookie = '';

beforeAll(async () => {
  const dataDir = await seededDataDir();
  runShell(engine, MIGRATE, 'echo "migrate done"', labels('migrate'));
  // Both write a numbered line a few times a second, a little apart: their lines interleave.
  runShell(
    engine,
    WEB,
    'i=0; while true; do i=$((i+1)); echo "web line $i"; sleep 0.2; done',
    labels('web'),
  );
  runShell(
    engine,
    DB,
    'i=0; while true; do i=$((i+1)); echo "db line $i"; if [ $((i % 3)) = 0 ]; then echo "db warning $i" >&2; fi; sleep 0.3; done',
    labels('db'),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DATA_DIR: dataDir },
    waitMs: 60_000,
  });
  const reply = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  cookie = /dwi_session=([^;]+)/.exec(String(reply.headers['set-cookie']))?.[1] ?? '';
  if (cookie === '') throw new Error(`login failed: ${reply.body}`);
  browser = await launchChromium();
});

afterAll(async () => {
  await dwi?.stop();
  try {
    docker('rm', '-f', WEB, DB, MIGRATE);
  } catch {
    // Already gone.
  }
});

interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Session> {
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

async function projectPage(page: Page): Promise<void> {
  await page.goto(`${base}/projects/${PROJECT}`);
  await page.getByRole('heading', { name: PROJECT, exact: true }).waitFor();
}

const lines = (page: Page) => page.getByRole('region', { name: 'Log lines' });

interface Row {
  tag: string;
  stamp: string;
  text: string;
}

/** The merged rows on screen: each one's tag, raw timestamp (its link's title) and text. */
function rows(page: Page): Promise<Row[]> {
  // Evaluated in the page (this file is typed without the DOM).
  type Element = {
    querySelectorAll(selector: string): Iterable<Element>;
    querySelector(selector: string): Element | null;
    getAttribute(name: string): string | null;
    textContent: string | null;
  };
  return lines(page).evaluate((region) =>
    [...(region as unknown as Element).querySelectorAll('[data-index]')].map((row) => ({
      tag: row.querySelector('[data-source]')?.textContent ?? '',
      stamp: (row.querySelector('a')?.getAttribute('title') ?? '').split(': link')[0]!,
      text: row.textContent ?? '',
    })),
  );
}

/** Nanosecond timestamps as sortable text (the engine drops trailing zeros). */
const key = (stamp: string) =>
  stamp.replace(
    /(?:\.(\d+))?Z$/,
    (_, fraction: string | undefined) => `.${(fraction ?? '').padEnd(9, '0')}`,
  );

/** Waits until both running containers have a line on screen stamped after `newest`. */
async function linesOfBothAfter(page: Page, newest: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const later = (await rows(page)).filter((r) => r.stamp !== '' && key(r.stamp) > newest);
        return new Set(later.map((r) => r.tag)).size;
      },
      { timeout: 15_000 },
    )
    .toBe(2);
}

describe('the project page', () => {
  it('lists both containers with links and actions, and merges their logs in time order, tagged', async () => {
    const { context, page, errors } = await open();
    await projectPage(page);
    const table = page.getByRole('table', { name: `Containers of ${PROJECT}` });
    for (const name of [WEB, DB]) {
      expect(await table.getByRole('link', { name }).getAttribute('href')).toBe(
        `/containers/${name}`,
      );
      // The admin may act on each (the list's own row actions).
      await table.getByRole('button', { name: `Stop ${name}` }).waitFor();
    }
    await lines(page)
      .getByText(/db line \d+/)
      .first()
      .waitFor();
    await lines(page)
      .getByText(/web line \d+/)
      .first()
      .waitFor();

    const seen = await rows(page);
    const logRows = seen.filter((r) => r.stamp !== '');
    expect(logRows.length).toBeGreaterThan(10);
    for (const row of logRows) {
      // Each line is tagged with the container that wrote it.
      expect(row.tag).toBe(row.text.includes('web line') ? 'web-1' : 'db-1');
    }
    expect(new Set(logRows.map((r) => r.tag))).toEqual(new Set(['web-1', 'db-1']));
    const keys = logRows.map((r) => key(r.stamp));
    expect(keys).toEqual([...keys].sort());

    // Live: newer lines of both arrive, still in time order.
    const newest = keys.at(-1)!;
    await linesOfBothAfter(page, newest);
    const after = (await rows(page)).filter((r) => r.stamp !== '').map((r) => key(r.stamp));
    expect(after).toEqual([...after].sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it("keeps an exited container's last line in its place, with no notice stamped at the page's opening", async () => {
    const { context, page, errors } = await open();
    await projectPage(page);
    await lines(page)
      .getByText(/web line \d+/)
      .first()
      .waitFor();
    const opened = (await rows(page)).filter((r) => r.stamp !== '').map((r) => key(r.stamp));
    const newest = opened.at(-1)!;
    // Live lines of both running containers came after the first page (so every stream was
    // subscribed, the exited one's answer too, and held lines were shown), and then a second.
    await linesOfBothAfter(page, newest);
    await page.waitForTimeout(1000);
    const newestRows = await rows(page);
    expect(newestRows.filter((r) => /web line|db line/.test(r.text)).length).toBeGreaterThan(5);
    expect(newestRows.filter((r) => r.text.includes('log stream paused'))).toEqual([]);

    // Its line is where its time puts it: before the running ones' first lines.
    await lines(page).press('Home');
    await lines(page).getByText('migrate done').waitFor();
    const oldest = await rows(page);
    const migrate = oldest.find((r) => r.text.includes('migrate done'))!;
    expect(migrate.tag).toBe('migrate-1');
    const keys = oldest.filter((r) => r.stamp !== '').map((r) => key(r.stamp));
    expect(keys).toEqual([...keys].sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters the merged lines by stream', async () => {
    const { context, page, errors } = await open();
    await projectPage(page);
    await lines(page)
      .getByText(/db warning \d+/)
      .first()
      .waitFor({ timeout: 15_000 });
    const stream = page.getByRole('group', { name: 'Stream' });
    await stream.getByRole('button', { name: 'stderr' }).click();
    await expect
      .poll(async () => {
        const texts = (await rows(page)).map((r) => r.text);
        return texts.length > 0 && texts.every((t) => t.includes('db warning'));
      })
      .toBe(true);
    await stream.getByRole('button', { name: 'All' }).click();
    await lines(page)
      .getByText(/web line \d+/)
      .first()
      .waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is reached from the palette and from the project group on the container list', async () => {
    const { context, page, errors } = await open();
    await page.goto(base);
    await page.getByRole('link', { name: `Project page of ${PROJECT}` }).click();
    await page.getByRole('heading', { name: PROJECT, exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${PROJECT}`);

    await page.goto(base);
    await page.getByRole('link', { name: `Project page of ${PROJECT}` }).waitFor();
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByLabel('Command').fill(`project ${PROJECT}`);
    await palette.getByRole('option', { name: `Project ${PROJECT}` }).click();
    await page.getByRole('heading', { name: PROJECT, exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${PROJECT}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each([
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['390-light', { width: 390, height: 844, colorScheme: 'light' }],
    ['390-dark', { width: 390, height: 844, colorScheme: 'dark' }],
  ] as const)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, options) => {
      const { context, page, errors } = await open(options);
      await projectPage(page);
      await lines(page)
        .getByText(/web line \d+/)
        .first()
        .waitFor();
      await lines(page)
        .getByText(/db line \d+/)
        .first()
        .waitFor();
      await screenshot(page, `project-${label}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
