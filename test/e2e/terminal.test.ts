/**
 * The terminal tab of a container's page in headless Chromium against the real dwi
 * (authentication on) and the private engine: an admin opens it from the container's frame,
 * types into a shell and sees its output, the exit code and a way to start again; the terminal
 * follows the window's size and the theme; an operator has no Terminal tab and is refused at
 * its address; screenshots in light, dark and at 390 px; axe finds nothing serious.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerCli, runShell } from '../support/engine.js';
import { LOOKS, screenshotAndAudit, testUser, WebApp } from '../support/web-session.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const box = `e2e-term-${Math.random().toString(36).slice(2, 6)}`;
const otto = testUser('otto', 'operator');

let app: WebApp;

beforeAll(async () => {
  runShell(engine, box, 'sleep 3600');
  app = await WebApp.start({ users: [otto] });
});

afterAll(() => {
  docker('rm', '-f', box);
});

/** Opens the terminal of the test container and waits for its shell. */
async function terminalPage(page: Page): Promise<void> {
  await page.goto(`${app.base}/containers/${box}/terminal`);
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
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/containers/${box}`);
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
    await screenshotAndAudit(page, 'terminal-light');

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
    const { context, page, errors } = await app.open();
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
    const { context, page, errors } = await app.open({ as: otto.username });
    await page.goto(`${app.base}/containers/${box}/terminal`);
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
    await screenshotAndAudit(page, 'terminal-refused-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  // Light is the first test's.
  it.each(LOOKS.filter(([label]) => label !== 'light'))(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, options) => {
      const { context, page, errors } = await app.open(options);
      await terminalPage(page);
      await type(page, 'echo "hel""lo"; ls /');
      await expect.poll(() => screenLines(page), { timeout: 15_000 }).toContain('hello');
      await screenshotAndAudit(page, `terminal-${label}`);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
