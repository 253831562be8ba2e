/**
 * The admin pages in headless Chromium against the real dwi (authentication on): an admin adds
 * a user who then logs in elsewhere, a token's secret is shown once, the audit log takes new
 * rows live, log levels change for a while; only admins are offered any of it. Screenshots of
 * each page in light, dark and at 390 px (test/e2e/screenshots/admin-*), axe on each.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  watchForErrors,
} from '../support/browser.js';
import { Dwi, seededDataDir, TEST_ADMIN_PASSWORD } from '../support/dwi.js';
import { freePort, request } from '../support/http.js';

const OPERATOR_PASSWORD = 'operator password, long enough';

let dwi: Dwi;
let base: string;
let browser: Browser;
/** Session cookies, one login each: dwi allows 10 logins a minute per address, loopback too. */
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

/** A change through the API with the seeded admin token, as another admin or script makes it. */
async function api(method: string, path: string, body?: unknown) {
  const reply = await request(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.body}`);
  return reply.json().data;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DATA_DIR: await seededDataDir() },
    waitMs: 60_000,
  });
  await api('POST', '/api/users', {
    username: 'otto',
    role: 'operator',
    password: OPERATOR_PASSWORD,
  });
  cookies.admin = await sessionCookie('admin', TEST_ADMIN_PASSWORD);
  cookies.otto = await sessionCookie('otto', OPERATOR_PASSWORD);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dwi?.stop();
});

interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(
  options: { as?: 'admin' | 'otto' | null; width?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Session> {
  const as = options.as === undefined ? 'admin' : options.as;
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  if (as !== null)
    await context.addCookies([
      { name: 'dwi_session', value: cookies[as], url: base, httpOnly: true, sameSite: 'Strict' },
    ]);
  const page = await context.newPage();
  return { context, page, errors: watchForErrors(page) };
}

const TITLES = {
  users: 'Users',
  tokens: 'API tokens',
  audit: 'Audit log',
  logging: 'Log levels',
} as const;

async function adminPage(page: Page, tab: keyof typeof TITLES): Promise<void> {
  await page.goto(`${base}/admin/${tab}`);
  await page.getByRole('heading', { name: TITLES[tab], exact: true }).waitFor();
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

describe('the admin pages', () => {
  it('an admin adds a user with a generated password, shown once; that user logs in in another browser', async () => {
    const { context, page, errors } = await open();
    await page.goto(base);
    // The rail offers the admin pages to admins.
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a user' });
    await dialog.getByLabel('User name', { exact: true }).fill('olga');
    await dialog.getByLabel('Role', { exact: true }).selectOption('operator');
    expect(await dialog.getByLabel('Generate one (shown once)').isChecked()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-add-user-light');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Added olga (operator)' });
    await status.waitFor();
    const password = (await status.getByLabel('Password', { exact: true }).textContent())!;
    expect(password).toMatch(/^\S{20}$/);
    await row(page, 'olga').waitFor();
    expect(await row(page, 'olga').textContent()).toContain('operator');

    // Once: dismissed, it is nowhere on the page, nor after a reload.
    await status.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.content()).not.toContain(password);
    await page.reload();
    await row(page, 'olga').waitFor();
    expect(await page.content()).not.toContain(password);

    const other = await open({ as: null });
    await other.page.goto(base);
    await other.page.getByLabel('Username').fill('olga');
    await other.page.getByLabel('Password').fill(password);
    await other.page.getByRole('button', { name: 'Log in' }).click();
    await other.page.getByRole('heading', { name: 'Containers', exact: true }).waitFor();
    expect(await other.page.getByText('olga').count()).toBeGreaterThan(0);
    // An operator is not offered the admin pages.
    expect(
      await other.page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Admin' })
        .count(),
    ).toBe(0);
    expect(other.errors).toEqual([]);
    await other.context.close();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('changes a role, resets a password (shown once) and deletes a user, each confirmed first', async () => {
    await api('POST', '/api/users', {
      username: 'pete',
      role: 'viewer',
      password: OPERATOR_PASSWORD,
    });
    const { context, page, errors } = await open();
    await adminPage(page, 'users');
    // Your own row offers neither a role change nor deletion.
    await page.getByLabel('Role of pete').waitFor();
    expect(await page.getByLabel('Role of admin').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete admin' }).count()).toBe(0);

    await page.getByLabel('Role of pete').selectOption('operator');
    const confirm = page.getByRole('dialog', { name: 'Make pete operator?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('disconnected and reconnect with the new role');
    await confirm.getByRole('button', { name: 'Make operator' }).click();
    await page.getByRole('status').filter({ hasText: 'pete is now operator.' }).waitFor();
    expect(
      (await api('GET', '/api/users')).find((u: { username: string }) => u.username === 'pete')
        .role,
    ).toBe('operator');

    await page.getByRole('button', { name: 'Reset password of pete' }).click();
    await page
      .getByRole('dialog', { name: 'Reset the password of pete?' })
      .getByRole('button', { name: 'Reset the password' })
      .click();
    const secret = page.getByRole('status').filter({ hasText: 'New password of pete' });
    const password = (await secret.getByLabel('Password', { exact: true }).textContent())!;
    expect(await sessionCookie('pete', password)).not.toBe('');

    await page.getByRole('button', { name: 'Delete pete' }).click();
    const deletion = page.getByRole('dialog', { name: 'Delete pete?' });
    // The safe button has the focus.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await deletion.getByRole('button', { name: 'Delete pete' }).click();
    await page.getByRole('status').filter({ hasText: 'deleted user pete' }).waitFor();
    await expect.poll(() => row(page, 'pete').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates a token whose secret is shown once, lists it without, and revokes it', async () => {
    const { context, page, errors } = await open();
    await adminPage(page, 'tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.getByLabel('Name', { exact: true }).fill('ci deploys');
    await dialog.getByLabel('User', { exact: true }).selectOption('otto');
    // At most the user's role: an operator's token offers no admin.
    expect(
      await dialog.getByLabel('Role', { exact: true }).locator('option').allTextContents(),
    ).toEqual(['the user’s (operator)', 'viewer', 'operator']);
    await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
    await dialog.getByLabel('Expires after', { exact: true }).selectOption('7 days');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const shown = page
      .getByRole('status')
      .filter({ hasText: 'copy it now, it is not shown again' });
    const token = (await shown.getByLabel('Token', { exact: true }).textContent())!;
    expect(token).toMatch(/^dwi_[\w-]{43}$/);
    expect(await shown.getByRole('button', { name: 'Copy the token' }).count()).toBe(1);
    await screenshot(page, 'admin-token-shown-light');

    const me = await request(`${base}/api/auth/me`, {
      auth: false,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json().data).toEqual({ username: 'otto', role: 'viewer', via: 'token' });
    const listed = row(page, 'ci deploys');
    await listed.waitFor();
    expect(await listed.textContent()).toMatch(/otto.*viewer.*live/);

    await shown.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await listed.waitFor();
    expect(await page.content()).not.toContain(token);

    await listed.getByRole('button', { name: /^Revoke the token ci deploys/ }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the token ci deploys?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect.poll(() => listed.textContent()).toContain('revoked');
    const after = await request(`${base}/api/auth/me`, {
      auth: false,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows new audit rows live, filtered, without a reload, and keeps the filter across reloads', async () => {
    const { context, page, errors } = await open();
    await adminPage(page, 'audit');
    await page
      .getByRole('region', { name: 'Audit log' })
      .getByText('New rows appear as they are written')
      .waitFor();
    await row(page, 'add otto (operator)').waitFor();
    const before = await page.getByRole('row').count();
    // Another admin (a script with a token) adds a user: the row arrives by itself.
    await api('POST', '/api/users', { username: 'live-lena', password: OPERATOR_PASSWORD });
    await row(page, 'add live-lena (viewer)').waitFor({ timeout: 5000 });
    expect(await page.getByRole('row').count()).toBe(before + 1);
    expect(await row(page, 'add live-lena (viewer)').textContent()).toMatch(
      /admin.*POST \/api\/users.*success/,
    );

    await page.getByLabel('Action contains', { exact: true }).fill('/api/tokens');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => row(page, 'live-lena').count()).toBe(0);
    const token = await api('POST', '/api/tokens', { username: 'live-lena', name: 'lena live' });
    await api('POST', '/api/users', { username: 'live-lars', password: OPERATOR_PASSWORD });
    await row(page, `token ${token.id} for live-lena`).waitFor({ timeout: 5000 });
    expect(await row(page, 'live-lars').count()).toBe(0);
    await screenshot(page, 'admin-audit-filtered-light');

    await page.reload();
    expect(await page.getByLabel('Action contains', { exact: true }).inputValue()).toBe(
      '/api/tokens',
    );
    await row(page, `token ${token.id} for live-lena`).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await row(page, 'add live-lars').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sets a log level for a while, and resets it', async () => {
    const { context, page, errors } = await open();
    await adminPage(page, 'logging');
    await page.getByLabel('Logger', { exact: true }).selectOption('root');
    await page.getByLabel('Level', { exact: true }).selectOption('debug');
    await page.getByLabel('For', { exact: true }).selectOption('5 minutes');
    await page.getByRole('button', { name: 'Set level' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'root logs at debug for 5 minutes, then reverts.' })
      .waitFor();
    expect(await row(page, 'root').textContent()).toMatch(/debug/i);
    expect((await api('GET', '/api/admin/log-levels')).root).toMatch(/^debug$/i);
    await row(page, 'root')
      .getByRole('button', { name: 'Reset root to the configured level' })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: 'root is back at its configured level.' })
      .waitFor();
    expect((await api('GET', '/api/admin/log-levels')).root).toMatch(/^warning$/i);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers nothing to an operator: no Admin link, and the pages say they are for admins', async () => {
    const { context, page, errors } = await open({ as: 'otto' });
    await page.goto(`${base}/admin/users`);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add user' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each([
    ['light', { colorScheme: 'light' as const }],
    ['dark', { colorScheme: 'dark' as const }],
    ['390', { width: 390 }],
  ])('has no serious accessibility violations: %s (with screenshots)', async (label, options) => {
    const { context, page, errors } = await open(options);
    for (const tab of Object.keys(TITLES) as Array<keyof typeof TITLES>) {
      await adminPage(page, tab);
      await page.getByRole('table').first().waitFor();
      await screenshot(page, `admin-${tab}-${label}`);
      expect(JSON.stringify(await seriousViolations(page), null, 1), tab).toBe('[]');
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
