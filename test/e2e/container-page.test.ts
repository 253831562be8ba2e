/**
 * The container page in headless Chromium against the real dwi (authentication on) and the
 * private engine: opened from the list, its overview (secrets masked, revealed by an admin
 * only), its live state and stats chart, the list's CPU and memory columns, the one frame
 * (header and tabs) around the overview and the log viewer, accessibility and screenshots in
 * light, dark and at 390 px (test/e2e/screenshots/, to look at).
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { dockerCli, TEST_IMAGE } from '../support/engine.js';
import { request } from '../support/http.js';
import {
  LOOKS,
  rowWith,
  screenshotAndAudit,
  testUser,
  WebApp,
  type OpenOptions,
} from '../support/web-session.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
/** Every container here starts with this, so the filter shows ours alone (the engine is shared). */
const prefix = `e2ec${Math.random().toString(36).slice(2, 6)}`;
const app = `${prefix}-app`;
const busy = `${prefix}-busy`;
/** Writes a numbered line every half second: something for the log viewer to show. */
const talk = `${prefix}-talk`;
const vera = testUser('vera', 'viewer');

let web: WebApp;
const made: string[] = [];
/** The page is taller than the WebApp's default: the overview shows its chart and first tables. */
const HEIGHT = 900;
const open = (options: OpenOptions = {}) => web.open({ height: HEIGHT, ...options });

beforeAll(async () => {
  docker(
    'run',
    '-d',
    '--init',
    '-e',
    'DB_PASSWORD=hunter2',
    '-e',
    'PLAIN=1',
    '--label',
    'tier=web',
    '-p',
    '127.0.0.1::80',
    '--memory',
    '64m',
    '--name',
    app,
    TEST_IMAGE,
    'sleep',
    '600',
  );
  made.push(app);
  // Some work to measure: it writes and reads a little every half second.
  docker(
    'run',
    '-d',
    '--init',
    '--name',
    busy,
    TEST_IMAGE,
    'sh',
    '-c',
    'while true; do echo tick > /tmp/t; cat /tmp/t > /dev/null; sleep 0.5; done',
  );
  made.push(busy);
  docker(
    'run',
    '-d',
    '--init',
    '--label',
    'tier=worker',
    '--name',
    talk,
    TEST_IMAGE,
    'sh',
    '-c',
    'i=0; while true; do i=$((i+1)); echo "said $i"; sleep 0.5; done',
  );
  made.push(talk);
  web = await WebApp.start({ users: [vera] });
});

afterAll(() => {
  if (made.length > 0) spawnSync('docker', ['-H', engine.host, 'rm', '-f', ...made]);
});

/** Opens a container's page by its address, and waits for its overview. */
async function containerPage(page: Page, name: string): Promise<void> {
  await page.goto(`${web.base}/containers/${name}`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByRole('table', { name: 'Environment variables' }).waitFor();
}

const envValue = (page: Page, variable: string) =>
  page
    .getByRole('table', { name: 'Environment variables' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: variable, exact: true }) })
    .getByRole('cell')
    .nth(1);

/** The engine stats streams dwi holds open (its Prometheus gauge). */
async function statsStreamsOpen(): Promise<number> {
  const metrics = (await request(`${web.base}/metrics`)).body;
  return Number(/^dwi_stats_streams_open (\d+)$/m.exec(metrics)?.[1]);
}

/** Evaluated in the page (this file is typed without the DOM). */
interface Box {
  getBoundingClientRect(): { left: number; top: number; height: number };
  contains(other: unknown): boolean;
}
type Dom = { document: { elementFromPoint(x: number, y: number): unknown } };
/** Whether an element is what shows at its place: nothing covers it. */
const showsAtItsPlace = (element: unknown) => {
  const box = (element as Box).getBoundingClientRect();
  const top = (globalThis as unknown as Dom).document.elementFromPoint(
    box.left + 4,
    box.top + box.height / 2,
  );
  return top !== null && (element as Box).contains(top);
};

const logLines = (page: Page) => page.getByRole('region', { name: 'Log lines' });

/** How many samples a live chart holds (the figure says so for tests and tools). */
const samples = (page: Page, chart: string) =>
  page
    .getByRole('region', { name: 'Resource use' })
    .getByRole('figure')
    .filter({ hasText: chart })
    .getAttribute('data-samples')
    .then(Number);

describe('the container page', () => {
  it('opens from the list, with live state, the overview and secrets masked', async () => {
    const { context, page, errors } = await open();
    await page.goto(web.base);
    await page.getByLabel('Filter containers').fill(prefix);
    await rowWith(page, app).getByRole('link', { name: app }).click();
    await page.getByRole('heading', { level: 1, name: app }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/containers/${app}`);
    const header = page.locator('header', { has: page.getByRole('heading', { level: 1 }) });
    await expect.poll(() => header.textContent()).toMatch(/running · up \d+ s/);
    expect(await header.textContent()).toContain(TEST_IMAGE);
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    expect(await tabs.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Logs',
      'Terminal',
    ]);
    expect(await tabs.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe(
      'page',
    );

    await page.getByRole('table', { name: 'Environment variables' }).waitFor();
    expect(await envValue(page, 'DB_PASSWORD').textContent()).toContain('********');
    expect(await envValue(page, 'DB_PASSWORD').textContent()).not.toContain('hunter2');
    expect(await envValue(page, 'PLAIN').textContent()).toBe('1');
    expect(await page.content()).not.toContain('hunter2');
    const ports = page.getByRole('table', { name: 'Ports' });
    expect(await ports.textContent()).toMatch(/80\/tcp127\.0\.0\.1:\d+/);
    expect(await page.getByRole('table', { name: 'Labels' }).textContent()).toContain('tier');
    expect(await page.getByRole('table', { name: 'Networks' }).textContent()).toContain('bridge');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets an admin reveal the secrets, and writes that to the audit log', async () => {
    const { context, page, errors } = await open();
    await containerPage(page, app);
    await page.getByRole('button', { name: 'Reveal secrets' }).click();
    await expect.poll(() => envValue(page, 'DB_PASSWORD').textContent()).toBe('hunter2');
    expect(
      await page.getByRole('button', { name: 'Hide secrets' }).getAttribute('aria-pressed'),
    ).toBe('true');
    const { entries } = (await web.api('GET', '/api/audit')) as { entries: unknown[] };
    expect(
      entries.some((entry) => {
        const text = JSON.stringify(entry);
        return text.includes('"admin"') && text.includes('secrets=show') && text.includes(app);
      }),
    ).toBe(true);
    await page.getByRole('button', { name: 'Hide secrets' }).click();
    await expect.poll(() => envValue(page, 'DB_PASSWORD').textContent()).toContain('********');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a viewer the masked overview, with no way to reveal, no action and no terminal', async () => {
    const { context, page, errors } = await open({ as: vera.username });
    await containerPage(page, app);
    expect(await envValue(page, 'DB_PASSWORD').textContent()).toContain('********');
    expect(await page.getByRole('button', { name: /Reveal/ }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Actions' }).count()).toBe(0);
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    expect(await tabs.getByRole('link').allTextContents()).toEqual(['Overview', 'Logs']);
    expect(await page.content()).not.toContain('hunter2');
    // Nor does the server give them to a viewer who asks.
    const asked = await page.evaluate(
      async (url) => (await fetch(url, { headers: { accept: 'application/json' } })).status,
      `/api/containers/${app}?secrets=show`,
    );
    expect(asked).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('charts live stats of a running container, and follows it as it stops', async () => {
    const { context, page, errors } = await open();
    await containerPage(page, busy);
    // Samples come about once a second; the chart draws each.
    await expect.poll(() => samples(page, 'CPU'), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(await samples(page, 'Memory')).toBeGreaterThanOrEqual(3);
    const figures = page.getByRole('definition');
    expect(await page.getByLabel('Latest sample').textContent()).toMatch(/CPU[\d.]+ %/);
    expect(await figures.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^↓ [\d.]+ (B|KB)\/s · ↑/)]),
    );
    // The canvas is uPlot's, drawn.
    expect(await page.locator('figure canvas').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'container-stats-light');

    docker('stop', '-t', '0', busy);
    const header = page.locator('header', { has: page.getByRole('heading', { level: 1 }) });
    await expect.poll(() => header.textContent(), { timeout: 10_000 }).toMatch(/exited \(\d+\)/);
    await page.getByText('Stats show while the container runs').waitFor();
    docker('start', busy);
    await expect.poll(() => header.textContent(), { timeout: 10_000 }).toMatch(/running · up/);
    // The stream resumes by itself.
    await page.getByLabel('Latest sample').waitFor({ timeout: 20_000 });
    expect(await statsStreamsOpen()).toBe(1);
    // Leaving the page gives the engine stream back.
    await page.getByRole('link', { name: 'Logs' }).click();
    await expect.poll(statsStreamsOpen, { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows CPU and memory on the list for the running containers on screen', async () => {
    const { context, page, errors } = await open();
    await page.goto(web.base);
    await page.getByLabel('Filter containers').fill(prefix);
    const cells = (name: string) => rowWith(page, name).getByRole('cell');
    await expect
      .poll(async () => (await cells(app).allTextContents()).join(' | '), { timeout: 20_000 })
      .toMatch(/\| [\d.]+ % \| [\d.]+ (B|KiB|MiB) \|/);
    await expect
      .poll(async () => (await cells(busy).allTextContents()).join(' | '), { timeout: 20_000 })
      .toMatch(/\| [\d.]+ % \| [\d.]+ (B|KiB|MiB) \|/);
    const head = await page.getByRole('columnheader').allTextContents();
    expect(head).toEqual(expect.arrayContaining(['CPU', 'Memory']));
    await screenshot(page, 'containers-stats-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when the container is deleted while its page is open', async () => {
    const name = `${prefix}-gone`;
    docker('run', '-d', '--init', '--name', name, TEST_IMAGE, 'sleep', '600');
    made.push(name);
    const { context, page, errors } = await open();
    await containerPage(page, name);
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
    await dialog.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByText('This container was deleted.').waitFor({ timeout: 15_000 });
    expect(docker('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}')).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps one frame as the Logs tab opens the log viewer, which loads only then', async () => {
    const { context, page, errors } = await open();
    const scripts: string[] = [];
    page.on('request', (sent) => {
      if (sent.resourceType() === 'script') scripts.push(new URL(sent.url()).pathname);
    });
    await containerPage(page, talk);
    expect(scripts.filter((path) => /\/(LogsPage|Console)-/.test(path))).toEqual([]);
    // The header is the same element after the tab changes: the frame stays, the content goes.
    await page.getByRole('heading', { level: 1, name: talk }).evaluate((h1) => {
      (h1 as unknown as { dataset: Record<string, string> }).dataset.kept = 'yes';
    });
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    await tabs.getByRole('link', { name: 'Logs' }).click();
    await logLines(page)
      .getByText(/said \d+/)
      .first()
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/containers/${talk}/logs`);
    expect(
      await page.getByRole('heading', { level: 1, name: talk }).getAttribute('data-kept'),
    ).toBe('yes');
    expect(await tabs.getByRole('link', { name: 'Logs' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await tabs.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe(
      null,
    );
    expect(await page.getByRole('group', { name: 'Actions' }).count()).toBe(1);
    expect(scripts.filter((path) => /\/LogsPage-/.test(path))).toHaveLength(1);
    expect(scripts.filter((path) => /\/Console-/.test(path))).toEqual([]);

    // Back to the overview, in the same frame.
    await tabs.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('table', { name: 'Environment variables' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/containers/${talk}`);
    expect(
      await page.getByRole('heading', { level: 1, name: talk }).getAttribute('data-kept'),
    ).toBe('yes');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes an id (or its prefix) in every tab, and writes the name in the address', async () => {
    const { context, page, errors } = await open();
    const id = docker('inspect', '--format', '{{.Id}}', talk);
    // A link to a line, written with an id before links used names.
    const last = docker('logs', '-t', '--tail', '1', talk).trim();
    const stamp = last.slice(0, last.indexOf(' '));
    const said = last.slice(last.indexOf(' ') + 1);
    await page.goto(
      `${web.base}/containers/${id.slice(0, 12)}/logs?at=${encodeURIComponent(stamp)}`,
    );
    await logLines(page).getByText(said, { exact: true }).first().waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/containers/${talk}/logs`);
    expect(new URLSearchParams(new URL(page.url()).search).get('at')).toBe(stamp);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(talk);
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    expect(await tabs.getByRole('link', { name: 'Overview' }).getAttribute('href')).toBe(
      `/containers/${talk}`,
    );
    expect(await tabs.getByRole('link', { name: 'Terminal' }).getAttribute('href')).toBe(
      `/containers/${talk}/terminal`,
    );
    await page.goto(`${web.base}/containers/${id}`);
    await page.getByRole('table', { name: 'Environment variables' }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/containers/${talk}`);
    // A tab that does not exist is no page.
    await page.goto(`${web.base}/containers/${talk}/nothing`);
    await page.getByRole('heading', { level: 1, name: 'Nothing here' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('hides the frame when the log viewer goes full screen, and the g keys still go', async () => {
    const { context, page, errors } = await open();
    await page.goto(`${web.base}/containers/${talk}/logs`);
    await logLines(page)
      .getByText(/said \d+/)
      .first()
      .waitFor();
    const title = page.getByRole('heading', { level: 1, name: talk });
    /** Whether the header's title is what shows at its place (nothing covers it). */
    const titleShows = () => title.evaluate(showsAtItsPlace);
    expect(await titleShows()).toBe(true);
    await page.getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(titleShows).toBe(false);
    await screenshot(page, 'container-logs-fullscreen-light');
    await page.getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(titleShows).toBe(true);

    // g then i: the images page, from within the frame.
    await page
      .getByRole('navigation', { name: 'Container pages' })
      .getByRole('link', { name: 'Logs' })
      .focus();
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/images');
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each(LOOKS)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, options) => {
      const { context, page, errors } = await open(options);
      await containerPage(page, talk);
      await page.getByLabel('Latest sample').waitFor({ timeout: 20_000 });
      await expect.poll(() => samples(page, 'CPU'), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await screenshotAndAudit(page, `container-${label}`);
      await page.getByRole('table', { name: 'Labels' }).scrollIntoViewIfNeeded();
      await screenshot(page, `container-details-${label}`);

      await page.getByRole('link', { name: 'Logs' }).click();
      await logLines(page)
        .getByText(/said \d+/)
        .first()
        .waitFor();
      await screenshotAndAudit(page, `container-logs-${label}`);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
