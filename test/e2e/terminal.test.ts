/**
 * The terminal tab of a container's page in headless Chromium against the real dwi
 * (authentication on) and the private engine: an admin opens it from the container's frame,
 * types into a shell and sees its output, the exit code and a way to start again; the terminal
 * follows the window's size and the theme; an operator has no Terminal tab and is refused at
 * its address; screenshots in light, dark and at 390 px; axe finds nothing serious.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  watchForErrors,
} from '../support/browser.js';
import { CLI, Dwi, seededDataDir, TEST_ADMIN_PASSWORD } from '../support/dwi.js';
import { dockerCli, runShell } from '../support/engine.js';
import { freePort, request } from '../support/http.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const box = `e2e-term-${Math.random().toString(36).slice(2, 6)}`;
const OPERATOR_PASSWORD = 'operator password, long enough';

let dwi: Dwi;
let base: string;
let browser: Browser;
/** Session cookies, one login each (dwi allows 10 logins a minute per address). */
const cookies: Record<'admin' | 'otto', string> = { admin: '', otto: '' };

async function sessionCookie(username: string, password: string): Promise<string> {
  const reply = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = /dwi_session=([^;]+)/.exec(String(reply.headers['set-cookie']))?.[1];
  if (reply.status !== 200 || cookie === undefined) throw new Error(`login failed: ${reply.body}`);
  return cookie;
}

beforeAll(async () => {
  const dataDir = await seededDataDir();
  const add = spawnSync(
    process.execPath,
    [CLI, 'user', 'add', 'otto', '--role', 'operator', '--password-stdin', '--data-dir', dataDir],
    { input: `${OPERATOR_PASSWORD}\n`, encoding: 'utf8' },
  );
  if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
  runShell(engine, box, 'sleep 3600');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DATA_DIR: dataDir },
    // The e2e project runs beside the others on a shared machine: a slow start is load.
    waitMs: 60_000,
  });
  cookies.admin = await sessionCookie('admin', TEST_ADMIN_PASSWORD);
  cookies.otto = await sessionCookie('otto', OPERATOR_PASSWORD);
  browser = await launchChromium();
});

afterAll(async () => {
  await dwi?.stop();
  docker('rm', '-f', box);
});

interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(
  options: {
    as?: 'admin' | 'otto';
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
  } = {},
): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  await context.addCookies([
    {
      name: 'dwi_session',
      value: cookies[options.as ?? 'admin'],
      url: base,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
  const page = await context.newPage();
  return { context, page, errors: watchForErrors(page) };
}

/** Opens the terminal of the test container and waits for its shell. */
async function terminalPage(page: Page): Promise<void> {
  await page.goto(`${base}/containers/${box}/terminal`);
  await expect
    .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
    .toBe('Running /bin/sh');
  await shellPrompt(page);
}

/**
 * Waits for the shell's prompt, as a person would before typing: busybox asks the terminal for
 * its cursor position with the prompt, and an answer landing while a command runs is echoed.
 */
async function shellPrompt(page: Page): Promise<void> {
  await expect
    .poll(async () => (await screenLines(page)).some((line) => line.startsWith('/ #')), {
      timeout: 15_000,
    })
    .toBe(true);
}

/** The terminal's lines as shown (xterm's rows), trailing blanks cut. */
const screenLines = (page: Page) =>
  page
    .locator('.xterm-rows > div')
    .allTextContents()
    .then((rows) => rows.map((row) => row.replace(/\s+$/, '')));

async function type(page: Page, line: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Terminal input' }).focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** `stty size` typed into the shell, answered as [rows, cols]. */
async function sttySize(page: Page): Promise<[number, number]> {
  await type(page, 'clear; stty size');
  let size: [number, number] | undefined;
  await expect
    .poll(
      async () => {
        const answer = (await screenLines(page)).find((line) => /^\d+ \d+$/.test(line));
        size = answer?.split(' ').map(Number) as [number, number] | undefined;
        return size !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return size!;
}

describe('the terminal', () => {
  it('opens from the Terminal tab of an admin, runs what is typed, then shows the exit code and a way to start again', async () => {
    const { context, page, errors } = await open();
    await page.goto(`${base}/containers/${box}`);
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    await tabs.getByRole('link', { name: 'Terminal' }).waitFor();
    expect(await tabs.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Logs',
      'Terminal',
    ]);
    await tabs.getByRole('link', { name: 'Terminal' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toBe('Running /bin/sh');
    expect(new URL(page.url()).pathname).toBe(`/containers/${box}/terminal`);
    await shellPrompt(page);
    // In the container's frame: its name, its actions, the tab marked as the page shown.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(box);
    expect(await page.getByRole('group', { name: 'Actions' }).count()).toBe(1);
    expect(await tabs.getByRole('link', { name: 'Terminal' }).getAttribute('aria-current')).toBe(
      'page',
    );
    // The quotes keep the typed line apart from what the command prints.
    await type(page, 'echo "hel""lo"');
    await expect.poll(() => screenLines(page), { timeout: 15_000 }).toContain('hello');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'terminal-light');

    await type(page, 'exit 3');
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toBe('/bin/sh ended with exit code 3');
    await page.getByRole('button', { name: 'Start again' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toBe('Running /bin/sh');
    await shellPrompt(page);
    await type(page, 'echo "again""!"');
    await expect.poll(() => screenLines(page), { timeout: 15_000 }).toContain('again!');
    await page.getByRole('button', { name: 'End session' }).click();
    // Ended by dwi: the shell was killed.
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toBe('/bin/sh ended with exit code 137');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits the window as it resizes, and follows the theme', async () => {
    const { context, page, errors } = await open();
    await terminalPage(page);
    const [rows, cols] = await sttySize(page);
    expect(cols).toBeGreaterThan(80);
    await page.setViewportSize({ width: 800, height: 600 });
    let smaller: [number, number] = [rows, cols];
    await expect
      .poll(
        async () => {
          smaller = await sttySize(page);
          return smaller[0] < rows && smaller[1] < cols;
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    // The text colour of the theme in force, light, then dark once the theme changes.
    const foreground = () =>
      page.evaluate('getComputedStyle(document.querySelector(".xterm-rows")).color');
    expect(await foreground()).toBe('rgb(28, 32, 36)');
    await page.locator('label', { has: page.getByRole('radio', { name: 'Dark theme' }) }).click();
    await expect.poll(foreground).toBe('rgb(230, 233, 238)');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers an operator no Terminal tab, and refuses one at its address, saying why', async () => {
    const { context, page, errors } = await open({ as: 'otto' });
    await page.goto(`${base}/containers/${box}/terminal`);
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toMatch(/The terminal is for admins only: .*signed in as otto \(operator\)/);
    expect(await page.getByRole('textbox', { name: 'Terminal input' }).count()).toBe(0);
    // The frame offers an operator no Terminal tab.
    const tabs = page.getByRole('navigation', { name: 'Container pages' });
    await tabs.getByRole('link', { name: 'Logs' }).waitFor();
    expect(await tabs.getByRole('link').allTextContents()).toEqual(['Overview', 'Logs']);
    expect(await page.getByRole('link', { name: 'Terminal' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'terminal-refused-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each([
    ['dark', { colorScheme: 'dark' }],
    ['390-light', { width: 390, height: 844, colorScheme: 'light' }],
    ['390-dark', { width: 390, height: 844, colorScheme: 'dark' }],
  ] as const)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, options) => {
      const { context, page, errors } = await open(options);
      await terminalPage(page);
      await type(page, 'echo "hel""lo"; ls /');
      await expect.poll(() => screenLines(page), { timeout: 15_000 }).toContain('hello');
      await screenshot(page, `terminal-${label}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
