/**
 * The log viewer in headless Chromium against the real dwi (authentication on) and the private
 * engine: live lines, ANSI colours, a server search that finds a line in the old part of a
 * 200,000-line log and jumps to it, the download, accessibility and screenshots.
 */
import { readFileSync } from 'node:fs';
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
import { freePort, request, until } from '../support/http.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const prefix = `e2elogs${Math.random().toString(36).slice(2, 6)}`;
const LIVE = `${prefix}-live`;
const BIG = `${prefix}-big`;
const COLORS = `${prefix}-colors`;
const HEAL = `${prefix}-heal`;
const MIXED = `${prefix}-mixed`;
const BIG_LINES = 200_000;
/** Sits at line 1,234 of 200,000: far before the last page the viewer loads. */
const NEEDLE = `needle-${prefix}`;

let dwi: Dwi;
let base: string;
let browser: Browser;
let cookie = '';

beforeAll(async () => {
  const dataDir = await seededDataDir();
  runShell(engine, LIVE, 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.25; done');
  runShell(engine, HEAL, 'i=0; while true; do i=$((i+1)); echo "beat $i"; sleep 0.25; done');
  // A log that stays put, to look at: colours (red, bold green, a 256-colour blue), levels, JSON.
  runShell(
    engine,
    COLORS,
    `echo 'INFO starting the shop on :8080';
     printf '\\033[31mred alert\\033[0m plain \\033[1;32mbold green\\033[0m \\033[38;5;27mblue\\033[0m\\n';
     echo '{"level":"error","msg":"json line","n":1}';
     echo 'WARN disk almost full' >&2;
     for i in 1 2 3 4 5 6; do echo "GET /api/items/$i 200 3ms"; done;
     echo 'ERROR payment failed: timeout after 30s' >&2;
     exec sleep 600`,
  );
  // Odd lines to stdout, even ones to stderr.
  runShell(
    engine,
    MIXED,
    `for i in 1 2 3 4 5 6 7 8; do if [ $((i % 2)) = 1 ]; then echo "to stdout $i"; else echo "to stderr $i" >&2; fi; done; exec sleep 600`,
  );
  runShell(
    engine,
    BIG,
    `awk 'BEGIN { for (i = 1; i <= ${BIG_LINES}; i++) { if (i == 1234) print "${NEEDLE} at line " i; else print "line " i " of the big log" } }'; exec sleep 600`,
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
  // The big log is written in full before any test reads it.
  await until(
    'the big log to be written',
    () => docker('logs', '--tail', '1', BIG).includes(`line ${BIG_LINES} of`),
    30_000,
    200,
  );
});

afterAll(async () => {
  await dwi?.stop();
  try {
    docker('rm', '-f', LIVE, BIG, COLORS, HEAL, MIXED);
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
  options: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
    timezoneId?: string;
  } = {},
): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
    acceptDownloads: true,
  });
  await context.addCookies([
    { name: 'dwi_session', value: cookie, url: base, httpOnly: true, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  return { context, page, errors: watchForErrors(page) };
}

async function logsPage(page: Page, name: string, query = ''): Promise<void> {
  await page.goto(`${base}/containers/${name}/logs${query}`);
  await page.getByRole('heading', { name: `Logs of ${name}` }).waitFor();
}

/** The page-side hook the viewer leaves for tests and the bench (its store, through the worker). */
interface ViewerWindow {
  __dwiLogSession: {
    store: {
      length: number;
      firstSeq: number;
      endSeq: number;
      scan(from: number, to: number, visit: (seq: number, raw: string) => boolean): number;
    };
  };
}

/** Evaluated in the page (this file is typed without the DOM). */
type Styled = { getComputedStyle: (element: unknown) => { color: string; fontWeight: string } };
// Each evaluated in the page on its own (no closure travels there).
const colorOf = (element: unknown) =>
  (globalThis as unknown as Styled).getComputedStyle(element).color;
const weightOf = (element: unknown) =>
  (globalThis as unknown as Styled).getComputedStyle(element).fontWeight;

const lines = (page: Page) => page.getByRole('region', { name: 'Log lines' });

/** The highest tick number on screen. */
async function lastTick(page: Page): Promise<number> {
  const text = await lines(page).innerText();
  const ticks = [...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  return ticks.length === 0 ? 0 : Math.max(...ticks);
}

describe('the log viewer', () => {
  it('shows new lines as they arrive, without a reload', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, LIVE);
    await lines(page)
      .getByText(/tick \d+/)
      .first()
      .waitFor();
    const first = await lastTick(page);
    // Later ticks appear while following: the page is never reloaded.
    await until('a newer tick on screen', async () => (await lastTick(page)) >= first + 3, 15_000);
    expect(await page.getByRole('button', { name: 'Following' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the stream healing across a restart as separators, not log lines', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, HEAL);
    await lines(page)
      .getByText(/beat \d+/)
      .first()
      .waitFor();
    const markers = lines(page).locator('[data-marker]');
    docker('stop', '-t', '1', HEAL);
    await markers.filter({ hasText: /paused/ }).waitFor({ timeout: 30_000 });
    docker('start', HEAL);
    await markers.filter({ hasText: /resumed|reopened/ }).waitFor({ timeout: 30_000 });
    // The stream goes on after the separator.
    await lines(page).getByText('beat 2', { exact: true }).last().waitFor();
    await screenshot(page, 'logs-healing-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('renders ANSI colours as colours, never as escape codes, and marks levels', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, COLORS);
    const red = lines(page).getByText('red alert', { exact: true });
    await red.waitFor();
    const text = await lines(page).innerText();
    expect(text.includes('\u001b')).toBe(false);
    expect(text).not.toMatch(/\[31m|\[0m|\[1;32m/);
    expect(await red.evaluate(colorOf)).toMatch(
      /^rgb\((1[5-9]\d|2\d\d), ([0-9]|[1-9]\d), ([0-9]|[1-9]\d)\)$/,
    );
    const green = lines(page).getByText('bold green', { exact: true });
    expect(await green.evaluate(weightOf)).toBe('600');
    const blue = lines(page).getByText('blue', { exact: true });
    // A 256-colour: its own colour (kept readable on the theme), not the line's.
    const plain = await lines(page).getByText('plain', { exact: false }).first().evaluate(colorOf);
    expect(await blue.evaluate(colorOf)).not.toBe(plain);
    // Levels: the JSON error line and the warning are marked; the JSON expands pretty-printed.
    const jsonRow = lines(page).locator('[data-level="error"]').filter({ hasText: 'json line' });
    await jsonRow.waitFor();
    await lines(page)
      .locator('[data-level="warn"]')
      .filter({ hasText: 'disk almost full' })
      .waitFor();
    await jsonRow.getByRole('button', { name: 'Expand JSON' }).click();
    expect(await jsonRow.locator('pre').innerText()).toContain('"msg": "json line"');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds a line only in the old part of a 200,000-line log and jumps to it with its context', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, BIG);
    await lines(page).getByText(`line ${BIG_LINES} of the big log`).waitFor({ timeout: 30_000 });
    // Only the last page is loaded: the needle is in no line the page holds.
    const held = await page.evaluate(
      () => (globalThis as unknown as ViewerWindow).__dwiLogSession.store.length,
    );
    expect(held).toBeLessThan(BIG_LINES - 1234);
    expect(
      await page.evaluate((needle) => {
        const store = (globalThis as unknown as ViewerWindow).__dwiLogSession.store;
        let found = false;
        store.scan(store.firstSeq, store.endSeq, (_seq, raw) => !(found = raw.includes(needle)));
        return found;
      }, NEEDLE),
    ).toBe(false);

    await page.getByRole('button', { name: 'Search log' }).click();
    await page.getByRole('searchbox', { name: 'Search the whole log' }).fill(NEEDLE);
    await page.getByRole('searchbox', { name: 'Search the whole log' }).press('Enter');
    const match = page.getByRole('list', { name: 'Matches' }).getByRole('button');
    await match.filter({ hasText: `${NEEDLE} at line 1234` }).waitFor({ timeout: 30_000 });
    expect(await match.count()).toBe(1);
    // Each match comes with its context from the server: two lines before and after.
    const results = page.getByRole('list', { name: 'Matches' });
    for (const n of [1232, 1233, 1235, 1236])
      await results.getByText(`line ${n} of the big log`, { exact: true }).waitFor();
    await match.first().click();

    const target = lines(page).locator('[data-target]');
    await target.filter({ hasText: `${NEEDLE} at line 1234` }).waitFor({ timeout: 30_000 });
    await expect.poll(() => target.isVisible()).toBe(true);
    // Its context, loaded around it: the lines just before and after it are on screen.
    for (const n of [1231, 1232, 1233, 1235, 1236, 1237])
      expect(
        await lines(page).getByText(`line ${n} of the big log`, { exact: true }).isVisible(),
      ).toBe(true);
    await page.getByRole('button', { name: 'Back to live' }).waitFor();
    await screenshot(page, 'logs-search-jump-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a link to a line at that line', async () => {
    const { context, page, errors } = await open();
    const { stdout } = await request(
      `${base}/api/containers/${BIG}/logs/search?q=${encodeURIComponent(NEEDLE)}&limit=1`,
      { timeoutMs: 60_000 },
    ).then((r) => ({
      stdout: JSON.parse(r.body) as { data: { matches: Array<{ timestamp: string }> } },
    }));
    const at = stdout.data.matches[0]!.timestamp;
    await logsPage(page, BIG, `?at=${encodeURIComponent(at)}`);
    await lines(page)
      .locator('[data-target]')
      .filter({ hasText: NEEDLE })
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('downloads the whole log: every line', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, BIG);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('link', { name: 'Download all' }).click(),
    ]);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const all = text.split('\n');
    expect(all.pop()).toBe('');
    expect(all).toHaveLength(BIG_LINES);
    expect(all[0]).toMatch(/^\S+Z line 1 of the big log$/);
    expect(all[1233]).toMatch(new RegExp(`^\\S+Z ${NEEDLE} at line 1234$`));
    expect(all.at(-1)).toMatch(new RegExp(`^\\S+Z line ${BIG_LINES} of the big log$`));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('remembers its toggles across a reload', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, LIVE);
    await page.getByRole('button', { name: 'Wrap' }).click();
    await page.getByLabel('Timestamps').selectOption('utc');
    await page.reload();
    await page.getByRole('heading', { name: `Logs of ${LIVE}` }).waitFor();
    expect(await page.getByRole('button', { name: 'Wrap' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await page.getByLabel('Timestamps').inputValue()).toBe('utc');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters by stream, marks stderr lines, and remembers the choice', async () => {
    const { context, page, errors } = await open();
    await logsPage(page, MIXED);
    await lines(page).getByText('to stdout 7').waitFor();
    const shown = async () =>
      [...(await lines(page).innerText()).matchAll(/to (stdout|stderr) (\d)/g)].map((m) => m[0]);
    expect(await shown()).toHaveLength(8);
    // stderr lines carry the mark, stdout lines do not.
    expect(await lines(page).locator('[data-stderr]').count()).toBe(4);
    expect(
      await lines(page).locator('[data-stderr]').filter({ hasText: 'to stdout' }).count(),
    ).toBe(0);

    const stream = page.getByRole('group', { name: 'Stream' });
    await stream.getByRole('button', { name: 'stderr' }).click();
    await expect.poll(shown).toEqual(['to stderr 2', 'to stderr 4', 'to stderr 6', 'to stderr 8']);
    await stream.getByRole('button', { name: 'stdout' }).click();
    await expect.poll(shown).toEqual(['to stdout 1', 'to stdout 3', 'to stdout 5', 'to stdout 7']);
    await page.reload();
    await lines(page).getByText('to stdout 7').waitFor();
    expect(
      await page
        .getByRole('group', { name: 'Stream' })
        .getByRole('button', { name: 'stdout' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await shown()).toEqual(['to stdout 1', 'to stdout 3', 'to stdout 5', 'to stdout 7']);
    await page.getByRole('group', { name: 'Stream' }).getByRole('button', { name: 'All' }).click();
    await expect.poll(async () => (await shown()).length).toBe(8);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("starts the jump at the newest line's time, in the zone the timestamps are shown in", async () => {
    // A shown time as a datetime-local input holds it: seconds of :00 are left out (the HTML
    // spec's normalized form), so a line written on the minute reads "2026-11-30T10:00".
    const asInputValue = (shown: string) =>
      shown.slice(0, 19).replace(' ', 'T').replace(/:00$/, '');
    // An hour east of UTC in winter: a local/UTC mix-up shows as an hour off.
    const { context, page, errors } = await open({ timezoneId: 'Europe/Berlin' });
    await logsPage(page, MIXED);
    await lines(page).getByText('to stderr 8').waitFor();
    const shownTime = (await lines(page).getByRole('link').last().innerText()).trim();
    const jump = page.getByLabel('Jump to local time');
    // The newest line's local time, to the second: "2026-11-30 10:00:05.123" and "2026-11-30T10:00:05".
    expect(await jump.inputValue()).toBe(asInputValue(shownTime));
    await page.getByLabel('Timestamps').selectOption('utc');
    const utcTime = (await lines(page).getByRole('link').last().innerText()).trim();
    expect(await page.getByLabel('Jump to UTC time').inputValue()).toBe(asInputValue(utcTime));
    expect(utcTime).not.toBe(shownTime);
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
      await logsPage(page, COLORS);
      await lines(page).getByText('red alert', { exact: true }).waitFor();
      await screenshot(page, `logs-${label}`);
      expect(await seriousViolations(page)).toEqual([]);
      // The toolbar fits the width: nothing hidden off its side.
      const toolbar = page.locator('[class*="toolbar"]').first();
      expect(
        await toolbar.evaluate(
          (el) =>
            (el as { scrollWidth: number }).scrollWidth <=
            (el as { clientWidth: number }).clientWidth,
        ),
      ).toBe(true);
      if (label.startsWith('390')) {
        // The view's controls fold behind "View" on a phone.
        expect(await page.getByLabel('Level').isVisible()).toBe(false);
        await page.getByRole('button', { name: 'View' }).click();
        await page.getByLabel('Level').waitFor();
        await screenshot(page, `logs-${label}-view`);
        expect(await seriousViolations(page)).toEqual([]);
        await page.getByRole('button', { name: 'View' }).click();
      }
      await page.getByRole('button', { name: 'Search log' }).click();
      await page.getByRole('searchbox', { name: 'Search the whole log' }).fill('items');
      await page.getByRole('searchbox', { name: 'Search the whole log' }).press('Enter');
      await page.getByRole('list', { name: 'Matches' }).waitFor();
      await screenshot(page, `logs-search-${label}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
