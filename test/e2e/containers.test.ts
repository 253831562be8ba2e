/**
 * The web app in headless Chromium against the real dwi (authentication on) and the private
 * engine: logging in, the live container list, actions, roles, theme, accessibility, and a
 * screenshot of each page in light, dark and at 390 px (test/e2e/screenshots/, to look at).
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { dockerCli, TEST_IMAGE } from '../support/engine.js';
import { until } from '../support/http.js';
import {
  logInWithForm,
  LOOKS,
  rowWith,
  screenshotAndAudit,
  testUser,
  WebApp,
} from '../support/web-session.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
/** Every container here starts with this, so the filter shows ours alone (the engine is shared). */
const prefix = `e2e${Math.random().toString(36).slice(2, 6)}`;
const project = `${prefix}-shop`;
const vera = testUser('vera', 'viewer');

let app: WebApp;
const made: string[] = [];

function run(name: string, ...options: string[]): void {
  docker('run', '-d', '--init', ...options, '--name', name, TEST_IMAGE, 'sleep', '600');
  made.push(name);
}

beforeAll(async () => {
  for (const service of ['web', 'db'])
    run(
      `${project}-${service}-1`,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=${service}`,
    );
  run(`${prefix}-solo`, '-p', '127.0.0.1::80');
  docker('create', '--name', `${prefix}-idle`, TEST_IMAGE, 'true');
  made.push(`${prefix}-idle`);
  app = await WebApp.start({ users: [vera] });
});

afterAll(() => {
  if (made.length > 0) spawnSync('docker', ['-H', engine.host, 'rm', '-f', ...made]);
});

/** Opens the app, logged in, on the containers page. */
async function containersPage(page: Page): Promise<void> {
  await page.goto(app.base);
  await page.getByRole('heading', { name: 'Containers' }).waitFor();
}

/** Shows only this file's containers. */
async function filterOurs(page: Page): Promise<void> {
  await page.getByLabel('Filter containers').fill(prefix);
}

describe('the web app', () => {
  it('logs in through the labelled fields and shows the containers, grouped by project', async () => {
    const { context, page, errors } = await app.open({ as: null });
    await page.goto(app.base);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Wrong user name or password');
    await logInWithForm(page);
    await filterOurs(page);
    await rowWith(page, `${project}-web-1`).waitFor();
    await expect
      .poll(() => rowWith(page, `${prefix}-solo`).textContent())
      .toMatch(/running · up \d+ s/);
    // The project's header comes before its containers, standalone ones last.
    const texts = await page.getByRole('row').allTextContents();
    const at = (text: string) => texts.findIndex((t) => t.includes(text));
    expect(at(project)).toBeLessThan(at(`${project}-db-1`));
    expect(at(`${project}-web-1`)).toBeLessThan(at('Standalone containers'));
    expect(at('Standalone containers')).toBeLessThan(at(`${prefix}-solo`));
    expect(await rowWith(page, `${prefix}-idle`).textContent()).toContain('created');
    expect(errors).toEqual([]);
    await context.close();
  });

  // How soon it shows is measured in bench/web.bench.ts (target: within a second), not timed here.
  it('shows a container created with the docker CLI without a reload', async () => {
    const { context, page, errors } = await app.open();
    await containersPage(page);
    await filterOurs(page);
    await rowWith(page, `${prefix}-solo`).waitFor();
    const name = `${prefix}-fresh`;
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    docker('create', '--name', name, TEST_IMAGE, 'true');
    made.push(name);
    await rowWith(page, name).waitFor({ timeout: 15_000 });
    expect(navigations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('stops a container from its row, and keeps the result there with its request id', async () => {
    const { context, page, errors } = await app.open();
    await containersPage(page);
    await filterOurs(page);
    const name = `${project}-db-1`;
    await rowWith(page, name)
      .getByRole('button', { name: `Stop ${name}` })
      .click();
    await expect
      .poll(() => rowWith(page, name).textContent(), { timeout: 15_000 })
      .toMatch(/exited \(\d+\)/);
    const outcome = rowWith(page, name).getByRole('status');
    await expect.poll(() => outcome.textContent()).toMatch(/stopped.*request [0-9a-f]{8}/i);
    expect(docker('inspect', '-f', '{{.State.Status}}', name)).toBe('exited');
    await screenshot(page, 'containers-action-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks before deleting, says what will happen, and deletes only when confirmed', async () => {
    const { context, page, errors } = await app.open();
    await containersPage(page);
    await filterOurs(page);
    const name = `${prefix}-solo`;
    const deleteIt = async () => {
      await rowWith(page, name)
        .getByRole('button', { name: `More actions for ${name}` })
        .click();
      await page.getByRole('button', { name: `Delete ${name}` }).click();
    };
    await deleteIt();
    const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('it will be killed, then removed');
    // The safe choice has the focus.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await screenshotAndAudit(page, 'containers-confirm-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(docker('inspect', '-f', '{{.State.Status}}', name)).toBe('running');

    await deleteIt();
    await dialog.getByRole('button', { name: `Delete ${name}` }).click();
    await rowWith(page, name).waitFor({ state: 'detached', timeout: 15_000 });
    expect(docker('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}')).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers a viewer no actions at all', async () => {
    const { context, page, errors } = await app.open({ as: 'vera' });
    await containersPage(page);
    await filterOurs(page);
    await rowWith(page, `${project}-web-1`).waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('viewer');
    const table = page.getByRole('table', { name: 'Containers' });
    const labels = await table
      .getByRole('button')
      .evaluateAll((buttons) =>
        buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent ?? ''),
      );
    // Sorting, collapsing and copying a name remain; no action on a container or project.
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels)
      expect(label).not.toMatch(
        /^(Start|Stop|Restart|Kill|Pause|Unpause|Rebuild|Delete|More actions)/,
      );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('returns to the login form when the session ends, and back to the same page after', async () => {
    const { context, page } = await app.open({ as: null });
    await page.goto(`${app.base}/?from=deep-link`);
    await logInWithForm(page);
    await filterOurs(page);
    await rowWith(page, `${project}-web-1`).waitFor();
    await context.clearCookies();
    const name = `${project}-web-1`;
    await rowWith(page, name)
      .getByRole('button', { name: `Stop ${name}` })
      .click();
    await page.getByLabel('Username').waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('session has ended');
    expect(page.url()).toBe(`${app.base}/?from=deep-link`);
    await logInWithForm(page);
    expect(page.url()).toBe(`${app.base}/?from=deep-link`);
    await context.close();
  });

  it('remembers the theme across a reload', async () => {
    const { context, page, errors } = await app.open();
    await containersPage(page);
    const theme = () => page.evaluate('document.documentElement.dataset.theme ?? "system"');
    expect(await theme()).toBe('system');
    // What a user clicks: the icon, that is the radio button's label.
    await page.locator('label', { has: page.getByRole('radio', { name: 'Dark theme' }) }).click();
    expect(await theme()).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    expect(await theme()).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Dark theme' }).isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Ctrl+K reaches a container by typing part of its name, and runs a quick action on it', async () => {
    const name = `${prefix}-palette`;
    run(name);
    const { context, page, errors } = await app.open();
    await containersPage(page);
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByLabel('Command').fill(`${prefix}-pal`);
    await palette.getByRole('option', { name: new RegExp(`^${name}`) }).waitFor();
    await screenshotAndAudit(page, 'palette-light');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.base}/containers/${name}`);
    await page.getByRole('heading', { name }).waitFor();
    expect(await palette.isVisible()).toBe(false);

    // The actions of the container the search names, as its role allows.
    await page.keyboard.press('Control+K');
    await palette.getByLabel('Command').fill(name);
    await palette.getByRole('option', { name: `Pause ${name}` }).click();
    await until('the container paused', () =>
      docker('inspect', '--format', '{{.State.Status}}', name) === 'paused' ? true : undefined,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers a viewer no actions in the palette, only places to go', async () => {
    const { context, page } = await app.open({ as: 'vera' });
    await containersPage(page);
    await page.getByRole('button', { name: /^Search or jump to/ }).click();
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByLabel('Command').fill(`${project}-web`);
    await palette.getByRole('option', { name: new RegExp(`^${project}-web-1`) }).waitFor();
    expect(await palette.getByRole('option', { name: /^(Restart|Stop|Pause) / }).count()).toBe(0);
    // A project: its page.
    await palette.getByLabel('Command').fill(`project ${project}`);
    await palette.getByRole('option', { name: `Project ${project}` }).click();
    await page.waitForURL(`${app.base}/projects/${project}`);
    await page.getByRole('heading', { name: project, exact: true }).waitFor();
    await context.close();
  });

  it('? lists the shortcuts; g then c goes to the containers; / focuses the filter', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/no-such-page`);
    await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Go to Containers').waitFor();
    await screenshotAndAudit(page, 'shortcuts-light');
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.waitForURL(`${app.base}/`);
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(
      'Filter containers',
    );
    // Typed into the filter, the same keys are text.
    await page.keyboard.type('g?');
    expect(await page.getByLabel('Filter containers').inputValue()).toBe('g?');
    expect(await sheet.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('changes the theme from the palette, and the switch follows', async () => {
    const { context, page, errors } = await app.open();
    await containersPage(page);
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByLabel('Command').fill('dark theme');
    await palette.getByRole('option', { name: 'Use the dark theme' }).click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Dark theme' }).isChecked()).toBe(true);
    await page.keyboard.press('Control+K');
    await palette.getByLabel('Command').fill(prefix);
    await screenshot(page, 'palette-dark');
    await context.close();
    const narrow = await app.open({ width: 390, height: 844 });
    await containersPage(narrow.page);
    await narrow.page.getByRole('button', { name: /^Search or jump to/ }).click();
    await narrow.page
      .getByRole('dialog', { name: 'Command palette' })
      .getByLabel('Command')
      .fill(prefix);
    await screenshot(narrow.page, 'palette-390-light');
    expect(errors).toEqual([]);
    await narrow.context.close();
  });

  it.each(LOOKS)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, look) => {
      const login = await app.open({ ...look, as: null });
      await login.page.goto(app.base);
      await login.page.getByLabel('Username').waitFor();
      await screenshotAndAudit(login.page, `login-${label}`);
      await login.context.close();

      const { context, page, errors } = await app.open(look);
      await containersPage(page);
      await filterOurs(page);
      await rowWith(page, `${project}-web-1`).waitFor();
      await screenshotAndAudit(page, `containers-${label}`);
      if (label.startsWith('390')) {
        // The rail folds into a menu.
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').first().waitFor();
        await screenshotAndAudit(page, `menu-${label}`);
      }
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
